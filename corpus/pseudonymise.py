"""Mask the names of parties, victims and witnesses in judgment text (张三 → 张某), keeping courts and places."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.model import Judgment

__all__ = ["Masker", "PseudonymiseOptions", "find_person_names", "person_names", "pseudonymise"]

_COMPOUND_SURNAMES = (
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "端木",
    "令狐", "西门", "南宫", "独孤", "万俟", "闻人", "申屠", "澹台", "轩辕", "呼延", "百里",
)  # fmt: skip
# Common single-character surnames (百家姓, most frequent first); a name must open with one of these or a compound.
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛"
    "邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝"
    "路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂"
    "全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕"
    "楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来"
    "扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但"
    "尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)
_ORDINALS = "甲乙丙丁戊己庚辛壬癸"
_SUFFIXES = (*_ORDINALS, *map(str, range(1, 1000)))  # 李某甲 … 李某癸, then 李某1 … when ten are not enough
_PARTY_ROLES = (
    "被告人|被害人|原告人|原告|被告|证人|上诉人|被上诉人|原审被告人|原审原告|原审第三人|申请人|被申请人|第三人|"
    "罪犯|犯罪嫌疑人|法定代理人|申诉人|被执行人|申请执行人|自诉人|附带民事诉讼原告人|被害单位负责人|同案人|同案犯"
)
_OFFICIAL_ROLES = "辩护人|委托代理人|诉讼代理人|审判长|审判员|代理审判员|人民陪审员|书记员|检察员|公诉人|法官助理"
_FOLLOW = (
    r"(?=[，,。、：:；;（(\s）)]|等|犯|系|于|因|的|在|与|和|及|到"
    r"|供述|辩称|证实|陈述|称|无异议|诉|向|被|将|驾驶|持)"
)
_NAME = r"([\u4e00-\u9fff]{2,4}?)"
_PROTECT_RE = re.compile(
    r"[\u4e00-\u9fff]{1,20}?(?:人民法院|法院|人民检察院|检察院|公安局|派出所|看守所|司法局|律师事务所|法律援助中心)"
    r"|[\u4e00-\u9fff]{1,8}?(?:省|市|自治区|自治州|县|区|旗|镇|乡|街道|村|路|街)"
)
_NOT_NAME_RE = re.compile(
    r"[某×xXＸ\d*＊]|公司|单位|机关|人民|方面|本人|双方|二人|三人|等人|之间|不服|均|亦|已|未|对|在"
)


@dataclass(frozen=True)
class PseudonymiseOptions:
    """How names are masked: keep the surname (张某) or not (某甲); mask judges, lawyers and prosecutors too."""

    keep_surname: bool = True
    mask_officials: bool = False


def _surname(name: str) -> str:
    return name[:2] if name[:2] in _COMPOUND_SURNAMES else name[:1]


def find_person_names(text: str, *, officials: bool = False) -> list[str]:
    """Names written after a role cue (被告人吴必定，…), in order of first appearance.

    Names already masked (李某甲, 张×) are skipped.
    """
    roles = _PARTY_ROLES + ("|" + _OFFICIAL_ROLES if officials else "")
    rx = re.compile(rf"(?:{roles})(?:[（(][^）)]{{0,12}}[)）])?{_NAME}{_FOLLOW}")
    found: dict[str, None] = {}
    seen: set[str] = set()  # a party is named dozens of times: judge each candidate once
    for m in rx.finditer(text):
        name = m.group(1)
        if name in seen:
            continue
        seen.add(name)
        if len(name) < 2 or _NOT_NAME_RE.search(name):
            continue
        if name[:2] not in _COMPOUND_SURNAMES and name[0] not in _SURNAMES:
            continue
        found.setdefault(name, None)
    # 郭治鑫参(与) is 郭治鑫 followed by a verb: drop a candidate that extends another one.
    return [n for n in found if not any(o != n and n.startswith(o) for o in found)]


def person_names(doc: Judgment, *, officials: bool = False) -> list[str]:
    """The names to mask in ``doc``: those recorded when it was indexed, else (and for officials) found now."""
    if doc.persons is not None and not officials:
        return list(doc.persons)
    return find_person_names(doc.text, officials=officials)


def _masks(names: list[str], keep_surname: bool, text: str) -> dict[str, str]:
    # A mask already in the text (李某甲 in LeCaRD), even inside a longer one, is not given to anyone else.
    by_surname: dict[str, list[str]] = {}
    for name in names:
        by_surname.setdefault(_surname(name) if keep_surname else "", []).append(name)
    out: dict[str, str] = {}
    for surname, group in by_surname.items():
        if keep_surname and len(group) == 1 and f"{surname}某" not in text:
            out[group[0]] = f"{surname}某"
            continue
        candidates = (f"{surname}某{o}" for o in _SUFFIXES)
        free = (c for c in candidates if c not in text)
        for name in group:
            out[name] = next(free)
    return out


class Masker:
    """One judgment's masks, made once from its whole text and applied to any passage of it.

    A search passage, the holding and the case view then show the same 李某甲 for the same person, and a caller
    masking many passages of one case (a page of search results) builds the name pattern once.
    """

    def __init__(self, text: str, names: Sequence[str], options: PseudonymiseOptions | None = None) -> None:
        self.names = [n for n in names if n]
        self._masks = _masks(self.names, (options or PseudonymiseOptions()).keep_surname, text) if self.names else {}
        self._remembered: dict[str, str] = {}

    def remembered(self, text: str) -> str:
        """``text`` masked once and then remembered: for the texts of the case that every search showing it
        repeats (its title and holding), not for passages that change from search to search."""
        masked = self._remembered.get(text)
        if masked is None:
            masked = self._remembered[text] = self(text)
        return masked

    def _occurrences(self, text: str) -> list[tuple[int, str]]:
        """Where names occur, left to right, the longest at each place, none overlapping: what a regex of the
        names would find, without compiling one per case (it costs more than masking a page of results)."""
        found = []
        for name in self._masks:
            at = text.find(name)
            while at >= 0:
                found.append((at, -len(name), name))
                at = text.find(name, at + 1)
        found.sort()
        out, end = [], 0
        for at, _, name in found:
            if at >= end:
                out.append((at, name))
                end = at + len(name)
        return out

    def __call__(self, text: str) -> str:
        """``text`` with every found name replaced, except inside court, procuratorate and place names."""
        occurrences = self._occurrences(text)
        if not occurrences:  # most passages name no one: skip looking for courts and places
            return text
        names = self.names
        protected = [
            (m.start(), m.end()) for m in _PROTECT_RE.finditer(text) if not any(n in m.group(0) for n in names)
        ]
        out: list[str] = []
        last = 0
        j = 0
        for at, name in occurrences:
            while j < len(protected) and protected[j][1] <= at:
                j += 1
            if j < len(protected) and protected[j][0] <= at < protected[j][1]:
                continue
            out.append(text[last:at])
            out.append(self._masks[name])
            last = at + len(name)
        out.append(text[last:])
        return "".join(out)


def pseudonymise(
    judgment_or_text: Judgment | str, names: list[str] | None = None, options: PseudonymiseOptions | None = None
) -> str:
    """The text with every person's name replaced by a stable mask (吴必定 → 吴某; two 李 → 李某甲, 李某乙).

    Names come from ``names`` when given, else from role cues (被告人, 被害人, 原告, 证人, 上诉人 …) in the parties
    section and the whole text. Every occurrence of a found name is replaced, except inside court, procuratorate
    and place names (宜丰县, 江西省宜春市中级人民法院), which are never changed.
    """
    options = options or PseudonymiseOptions()
    if isinstance(judgment_or_text, Judgment):
        text = judgment_or_text.text
        if names is None:
            names = person_names(judgment_or_text, officials=options.mask_officials)
    else:
        text = judgment_or_text
        if names is None:
            names = find_person_names(text, officials=options.mask_officials)
    return Masker(text, names, options)(text)

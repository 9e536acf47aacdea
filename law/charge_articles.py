"""Which article (and paragraph) of the Criminal Law defines each 罪名, read from the official 罪名 lists.

The lists are the SPP's 1997 意见 (the base list; the SPC's own 1997 规定 is not in the shared data) and the
SPC/SPP 补充规定 (一) to (八), which add charges for each amendment and retire old names ("取消X罪罪名"). A
retired name keeps its article, and records the name that replaced it, because older judgments still use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from law.statute import ArticleNo, parse_article_no, statute_text

__all__ = ["CHARGE_LISTS", "ArticleRef", "ChargeArticles", "charge_articles"]

_INTERPRETATIONS = "司法解释"
#: The 罪名 lists in the order they apply: a later list overrides an earlier one.
CHARGE_LISTS = (
    f"{_INTERPRETATIONS}/最高人民检察院关于适用刑法分则规定的犯罪的罪名的意见(1997-12-25).md",
    f"{_INTERPRETATIONS}/最高人民法院、最高人民检察院关于执行《刑法》确定罪名的补充规定(2002-03-15).md",
    f"{_INTERPRETATIONS}/最高人民法院、最高人民检察院关于执行《刑法》确定罪名的补充规定（二）(2003-08-15).md",
    f"{_INTERPRETATIONS}/最高人民法院、最高人民检察院关于执行《刑法》确定罪名的补充规定（三）(2007-10-25).md",
    f"{_INTERPRETATIONS}/最高人民法院、最高人民检察院关于执行《刑法》确定罪名的补充规定（四）(2009-10-14).md",
    f"{_INTERPRETATIONS}/最高人民法院、最高人民检察院关于执行《刑法》确定罪名的补充规定（五）(2011-04-27).md",
    f"{_INTERPRETATIONS}/最高人民法院、最高人民检察院关于执行《刑法》确定罪名的补充规定（六）(2015-10-30).md",
    f"{_INTERPRETATIONS}/最高人民法院、最高人民检察院关于执行《刑法》 确定罪名的补充规定（七）(2021-02-26).md",
    f"{_INTERPRETATIONS}/最高人民法院、最高人民检察院关于执行《刑法》确定罪名的补充规定（八）(2024-01-30).md",
)

# Rows the table layout cannot express: two names in one cell with their paragraphs in one spec, or a name with
# its article left blank. Written from the rows themselves (补充规定 2002).
_ROW_FIXES = {
    "第229条第1款、第2款 第3款": {"提供虚假证明文件": "第229条第1款、第2款", "出具证明文件重大失实": "第229条第3款"},
    "第399条第1款 第2款": {"徇私枉法": "第399条第1款", "民事、行政枉法裁判": "第399条第2款"},
    "": {"编造、故意传播虚假恐怖信息": "第291条之一"},
}
# The 1997 list numbers the paragraphs of the 1997 text; amendments since moved these (刑法修正案（八）第四十三条
# rewrote 第二百九十四条, 刑法修正案（九）第四十二条 rewrote 第三百五十八条).
_RENUMBERED = {"包庇、纵容黑社会性质组织": "第294条第3款", "协助组织卖淫": "第358条第4款"}
_NUM = "0-9零〇一二两三四五六七八九十百千"
_REF_RE = re.compile(rf"(?:第([{_NUM}]+)条(?:之([一二三四五六七八九十]+))?)?(?:第([{_NUM}]+)[款条])?(?:第[{_NUM}]+项)?")
_LIST_ENTRY_RE = re.compile(r"^(?:\d+．)?(.+?)罪（(第[^（）]+)）$")
_NAME_RE = re.compile(r"(.+?)罪(?:（取消(.+?)(?:罪名)?）)?(?:$|；|(?<!犯罪)、|(?<=）))")
_RENAME_RE = re.compile(
    r"第([零一二三四五六七八九十百]+条(?:之[一二三四五六七八九十]+)?).{0,30}?罪名由“(.+?)罪”修改为“(.+?)罪”"
)


@dataclass(frozen=True, order=True)
class ArticleRef:
    """An article and, where the list names one, the paragraph (款) that defines the charge."""

    article: ArticleNo
    paragraph: int | None = None


@dataclass(frozen=True)
class ChargeArticles:
    """A 罪名 with the provisions that define it, the list that last set them, and its successor if retired."""

    charge: str
    refs: tuple[ArticleRef, ...]
    listed_in: str
    replaced_by: str | None = None


def _parse_refs(spec: str) -> tuple[ArticleRef, ...]:
    """``第114条、第115条第1款`` / ``第二百三十七条第一款、第二款`` → article refs.

    A bare 第N款 continues the article before it; an item (第3项) is dropped, as the lists cite items only for
    provisions long since amended.
    """
    refs: list[ArticleRef] = []
    article: ArticleNo | None = None
    for part in re.split(r"[、，,\s]+", spec.strip()):
        m = _REF_RE.fullmatch(part)
        if not part or m is None:
            continue
        if m.group(1):
            article = parse_article_no(f"第{m.group(1)}条" + (f"之{m.group(2)}" if m.group(2) else ""))
        if article is None:
            raise ValueError(f"a paragraph without its article in {spec!r}")
        paragraph = parse_article_no(m.group(3)).number if m.group(3) else None
        refs.append(ArticleRef(article, paragraph))
    return tuple(refs)


def _strip_annotation(spec: str) -> str:
    # "第133条之一 （《刑法修正案（八）》第二十二条）": the amendment that made the provision is not part of it.
    return re.sub(r"（《.*$", "", spec).strip()


def _split_names(cell: str) -> list[tuple[str | None, list[str]]]:
    """The names a table cell introduces, each with the names it retires (all without 罪).

    ``A罪（取消B罪罪名）``, ``A罪、C罪（取消…）``, ``A罪；C罪``, ``A罪 C罪``, ``A罪 （取消B罪和D罪罪名）`` and a
    bare ``取消B罪罪名``. A 罪 followed by 、 ends a name unless it closes 犯罪 (拒绝提供间谍犯罪、恐怖主义犯罪…
    证据罪 is one name).
    """
    cell = re.sub(r"\s+", "", re.sub(r"罪\s+(?!（)", "罪；", cell.strip()))
    bare = re.fullmatch(r"取消(.+)罪名", cell)
    if bare:
        return [(None, _retired(bare.group(1)))]
    out: list[tuple[str | None, list[str]]] = []
    for m in _NAME_RE.finditer(cell):
        out.append((m.group(1), _retired(m.group(2)) if m.group(2) else []))
    return out


def _retired(names: str) -> list[str]:
    # "刑法原第155条第3项走私固体废物罪": the provision that defined the retired name is not part of it.
    names = re.sub(r"^刑法原第.+?[条款项](?=[^条款项第0-9])", "", names)
    return [n.removesuffix("罪") for n in re.split(r"(?<=罪)和", names)]


def _base_list(text: str, source: str, out: dict[str, ChargeArticles]) -> None:
    for token in text.split():
        m = _LIST_ENTRY_RE.match(token)
        if m:
            name = m.group(1).replace("剌探", "刺探")  # a misprint in the 1997 list (第431条第2款)
            out[name] = ChargeArticles(name, _parse_refs(_RENUMBERED.get(name, m.group(2))), source)


def _supplement(text: str, source: str, out: dict[str, ChargeArticles]) -> None:
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 2 or cells[0] == "刑法条文" or re.fullmatch(r"-+", cells[0]):
            continue
        spec, cell = _strip_annotation(cells[0]), cells[1]
        fixes = _ROW_FIXES.get(spec)
        for name, retired in _split_names(cell):
            if name is not None:
                out[name] = ChargeArticles(name, _parse_refs(fixes[name] if fixes else spec), source)
            for old in retired:
                if old in out:
                    out[old] = ChargeArticles(old, out[old].refs, out[old].listed_in, name)
    for m in _RENAME_RE.finditer(text):
        refs = _parse_refs(f"第{m.group(1)}")
        out[m.group(3)] = ChargeArticles(m.group(3), refs, source)
        if m.group(2) in out:
            old = out[m.group(2)]
            out[m.group(2)] = ChargeArticles(old.charge, old.refs, old.listed_in, m.group(3))


def charge_articles(root: Path | None = None) -> dict[str, ChargeArticles]:
    """Every 罪名 in the official lists (current and retired) with the provisions that define it."""
    out: dict[str, ChargeArticles] = {}
    for i, source in enumerate(CHARGE_LISTS):
        text = statute_text(source, root)
        (_base_list if i == 0 else _supplement)(text, source, out)
    return out

"""Authoritative cases as search tiers, their holdings (裁判要点), and the art 9 exception check for guiding cases.

法发〔2020〕24号 art 9: a guiding case similar to the pending case **应当参照**, unless it conflicts with newer laws
or judicial interpretations, or has been replaced by a newer guiding case. What can be decided mechanically is
decided here (a guiding case the SPC withdrew; a cited law since repealed; a cited Criminal Law article amended
after the case was released; a later guiding case on the same provision); whether the holding still stands under
the amended text is a legal judgment, so those findings are flagged "需人工核对", never silently passed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from corpus.model import Judgment
from corpus.numerals import cn_to_int
from corpus.sections import find_date
from corpus.statutes import CRIMINAL_LAW

__all__ = [
    "AUTHORITY_KINDS",
    "Amendment",
    "Art9Check",
    "AuthorityKind",
    "amendments_after",
    "check_guiding_case",
    "criminal_law_amendments",
    "kind_of",
]

OK, REVIEW, WITHDRAWN = "未发现", "需人工核对", "不再参照"
_OPINION = "法发〔2020〕24号"


@dataclass(frozen=True)
class AuthorityKind:
    """How a category of cases enters the search and the decision."""

    key: str
    label: str
    tier: int
    effect: str  # 应当参照 / 可以参考
    basis: str


AUTHORITY_KINDS: dict[str, AuthorityKind] = {
    k.key: k
    for k in (
        AuthorityKind("spc_guiding", "最高人民法院指导性案例", 1, "应当参照", f"{_OPINION}第四条第一项、第九条第一款"),
        AuthorityKind("spc_gazette", "最高人民法院公报案例", 2, "可以参考", f"{_OPINION}第四条第二项、第九条第二款"),
        AuthorityKind("spp_guiding", "最高人民检察院指导性案例", 2, "可以参考", f"{_OPINION}第九条第二款"),
        AuthorityKind("judgment", "生效裁判", 0, "可以参考", f"{_OPINION}第九条第二款"),
    )
}

#: Laws repealed when the Civil Code took effect on 2021-01-01 (《中华人民共和国民法典》第一千二百六十条).
_CIVIL_CODE_DATE = "2021-01-01"
_REPEALED_BY_CIVIL_CODE = frozenset(
    f"中华人民共和国{n}"
    for n in ("婚姻法", "继承法", "民法通则", "收养法", "担保法", "合同法", "物权法", "侵权责任法", "民法总则")
)
#: Guiding cases the SPC has declared no longer to be followed, with the notice that says so.
_WITHDRAWN = {
    9: "《最高人民法院关于部分指导性案例不再参照的通知》（法〔2020〕343号）",
    20: "《最高人民法院关于部分指导性案例不再参照的通知》（法〔2020〕343号）",
}
#: Later guiding cases on the same provision listed per case (the rest are counted in the conclusion).
_MAX_LATER = 3
_ARTICLE_RE = re.compile(r"刑法第([零〇一二三四五六七八九十百]+)条")
_EFFECTIVE_RE = re.compile(r"自(\d{4}年\d{1,2}月\d{1,2}日)起施行")
_ADOPTED_RE = re.compile(r"(\d{4}年\d{1,2}月\d{1,2}日)")


@dataclass(frozen=True)
class Amendment:
    """One amendment of the Criminal Law: its name, the date it took effect, and the articles it changed."""

    name: str
    effective: str
    articles: frozenset[int]


@dataclass
class Art9Check:
    """The result of the art 9 exception check for one guiding case."""

    newer_law: str = OK
    newer_law_details: list[str] = field(default_factory=list)
    newer_guiding: str = OK
    newer_guiding_details: list[str] = field(default_factory=list)
    conclusion: str = ""


def kind_of(authority: str) -> AuthorityKind:
    """The :class:`AuthorityKind` of a document's ``authority`` field (ordinary judgments for unknown values)."""
    return AUTHORITY_KINDS.get(authority, AUTHORITY_KINDS["judgment"])


@lru_cache(maxsize=4)
def criminal_law_amendments(statutes_dir: Path) -> tuple[Amendment, ...]:
    """The amendments of the Criminal Law in ``statutes_dir/刑法`` (the shared data), oldest first; () when absent."""
    out = []
    for path in sorted((statutes_dir / "刑法").glob("刑法修正案*.md")):
        text = path.read_text(encoding="utf-8")
        effective = _EFFECTIVE_RE.search(text) or _ADOPTED_RE.search(text)
        date = find_date(effective.group(1), last=False) if effective else ""
        articles = set()
        for line in text.splitlines():
            instruction = re.split(r"[:：]\s*[“\"]", line, maxsplit=1)[0]
            if "修改" in instruction or "增加" in instruction:
                articles.update(n for m in _ARTICLE_RE.finditer(instruction) if (n := cn_to_int(m.group(1))))
        if date and articles:
            out.append(Amendment(path.stem.split("(")[0], date, frozenset(articles)))
    return tuple(sorted(out, key=lambda a: a.effective))


def amendments_after(articles: Iterable[int], since: str, statutes_dir: Path) -> list[str]:
    """Human-readable notes on amendments in force after ``since`` that changed any of ``articles``."""
    wanted = set(articles)
    notes = []
    for a in criminal_law_amendments(statutes_dir):
        changed = sorted(wanted & a.articles)
        if changed and (not since or a.effective > since):
            numbers = "、".join(f"第{n}条" for n in changed)
            notes.append(f"{a.name}（{a.effective}施行）修改了刑法{numbers}")
    return notes


def check_guiding_case(doc: Judgment, guiding: Iterable[Judgment], statutes_dir: Path) -> Art9Check:
    """Check the art 9 exceptions for guiding case ``doc`` against every guiding case in ``guiding``."""
    check = Art9Check()
    no = _number(doc)
    if no in _WITHDRAWN:
        check.newer_law = WITHDRAWN
        check.newer_law_details.append(f"指导案例{no}号已依{_WITHDRAWN[no]}不再参照")
    released = doc.date
    repealed = sorted({s.law for s in doc.statutes if s.law in _REPEALED_BY_CIVIL_CODE})
    if repealed and (not released or released < _CIVIL_CODE_DATE):
        check.newer_law = check.newer_law if check.newer_law == WITHDRAWN else REVIEW
        laws = "、".join(f"《{law}》" for law in repealed)
        check.newer_law_details.append(
            f"所依据的{laws}已于{_CIVIL_CODE_DATE}民法典施行时废止，需核对裁判要点与民法典是否一致"
        )
    criminal = [s.article for s in doc.statutes if s.law == CRIMINAL_LAW]
    if criminal:
        if not criminal_law_amendments(statutes_dir):
            check.newer_law_details.append("未能读取刑法修正案数据，刑法条文修改情况未自动核对")
            check.newer_law = check.newer_law if check.newer_law == WITHDRAWN else REVIEW
        for note in amendments_after(criminal, released, statutes_dir):
            check.newer_law = check.newer_law if check.newer_law == WITHDRAWN else REVIEW
            check.newer_law_details.append(f"发布后，{note}，需核对裁判要点是否仍然适用")
    cited = {(s.law, s.article) for s in doc.statutes}
    for other in sorted(guiding, key=_number):
        other_no = _number(other)
        shared = sorted(cited & {(s.law, s.article) for s in other.statutes})
        if other_no <= no or other.id == doc.id or not shared:
            continue
        check.newer_guiding = REVIEW
        if len(check.newer_guiding_details) < _MAX_LATER:
            provisions = "、".join(f"《{law}》第{art}条" for law, art in shared[:3])
            released_other = other.date or "发布日期不详"
            check.newer_guiding_details.append(
                f"指导案例{other_no}号（{released_other}）同样援引{provisions}，需核对是否调整了本案例的裁判规则"
            )
    if check.newer_law == WITHDRAWN:
        check.conclusion = "不再参照"
    elif REVIEW in (check.newer_law, check.newer_guiding):
        check.conclusion = "应当参照，但参照前需人工核对上述事项（系统无法自动判定是否与新法或新指导性案例相抵触）"
    else:
        check.conclusion = "未发现与新的法律、司法解释相冲突或被新的指导性案例取代的情形，应当参照"
    return check


def _number(doc: Judgment) -> int:
    no = doc.extra.get("no")
    if isinstance(no, int):
        return no
    m = re.search(r"(\d+)", doc.case_number or doc.id)
    return int(m.group(1)) if m else 0

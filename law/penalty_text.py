"""Read the penalty clauses of a Criminal Law paragraph: "…的，处三年以下有期徒刑、拘役或者管制，并处或者单处罚金".

The specific provisions word their penalties in a small closed grammar: a list of principal penalties joined by
、 and 或者 (N年以上N年以下有期徒刑, N年以下有期徒刑, N年以上有期徒刑, N年有期徒刑, 拘役, 管制, 无期徒刑, 死刑, and
剥夺政治权利 or 罚金 as alternatives on their own), then at most one supplementary clause (并处 / 并处或者单处 /
可以并处 …罚金 or 没收财产). A clause ends at ；。： or the end of a line. Anything outside this grammar is not a
penalty clause and is left alone rather than guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.numerals import cn_to_int
from law.penalties import ConfiscationRule, FineRule, MonthRange, Penalty

__all__ = ["PenaltyClause", "Reference", "find_penalty_clauses", "find_references", "parse_penalty"]

#: 刑法第四十五条: a fixed term runs from six months to fifteen years unless the article says otherwise.
FIXED_TERM_MIN, FIXED_TERM_MAX = 6, 180

_N = "[一二三四五六七八九十]+"
_TERM = rf"{_N}年以上{_N}年以下有期徒刑|{_N}年以下有期徒刑|{_N}年以上有期徒刑|{_N}年有期徒刑"
_ITEM = rf"(?:{_TERM}|拘役|管制|无期徒刑|死刑|剥夺政治权利|罚金)"
_SUPPLEMENT = r"，(?:并处或者单处|可以并处|并处)[^，；。：\n]*?(?:罚金或者没收财产|罚金|没收财产)"
_CLAUSE_RE = re.compile(
    rf"(?<!判)处(?P<principal>{_ITEM}(?:(?:、|或者){_ITEM})*)(?P<supplement>{_SUPPLEMENT})?(?=[；。：\n]|$)"
)
_SPLIT_RE = re.compile(r"[^；。\n]*[；。]?")
_TERM_RE = re.compile(rf"({_N})年(以上|以下)?(?:({_N})年以下)?有期徒刑")
_REFERENCE_RE = re.compile(
    rf"依照(?P<what>前款|前两款|前三款|第(?P<para>{_N})款|本法第(?P<art>[零一二三四五六七八九十百]+)条(?:第(?P<art_para>{_N})款)?)"
    r"的?规定(?P<heavier>从重)?处罚"
)
_UNIT_MARK = "对其直接负责的主管人员"  # 其: the unit; 第一百六十九条's 直接负责的主管人员 is an individual
_LIST_MARK = "下列"
_ITEM_LINE_RE = re.compile(r"^[（(][一二三四五六七八九十]+[)）]")


@dataclass(frozen=True)
class PenaltyClause:
    """A penalty clause found in a paragraph: its condition and the full quote, both verbatim."""

    condition: str
    quote: str
    penalty: Penalty
    unit: bool  # the clause punishes the persons responsible for a unit crime
    items: tuple[str, ...] = ()  # the items (项) its 有下列情形之一 refers to, verbatim


@dataclass(frozen=True)
class Reference:
    """A clause that takes its penalty from elsewhere: 依照前款 / 第N款 / 本法第X条(第N款)的规定处罚."""

    condition: str
    quote: str
    paragraphs: tuple[int, ...]  # paragraphs of the same article (1-based); empty for another article
    article: int | None
    article_paragraph: int | None
    unit: bool
    heavier: bool  # 依照…的规定从重处罚


def _months(years: str) -> int:
    value = cn_to_int(years)
    if value is None:
        raise ValueError(f"not a number of years: {years!r}")
    return value * 12


def _fixed_term(principal: str) -> MonthRange | None:
    m = _TERM_RE.search(principal)
    if m is None:
        return None
    first = _months(m.group(1))
    if m.group(3):  # N年以上M年以下
        return MonthRange(first, _months(m.group(3)))
    if m.group(2) == "以下":
        return MonthRange(FIXED_TERM_MIN, first)
    if m.group(2) == "以上":
        return MonthRange(first, FIXED_TERM_MAX)
    return MonthRange(first, first)  # 十五年有期徒刑: a fixed number of years


def _fine_and_confiscation(supplement: str, fine_alone: bool) -> tuple[FineRule | None, ConfiscationRule | None]:
    if not supplement:
        return (FineRule.SOLE if fine_alone else None), None
    optional = "可以并处" in supplement
    if supplement.endswith("罚金或者没收财产"):
        return (FineRule.OPTIONAL_OR_CONFISCATION if optional else FineRule.MANDATORY_OR_CONFISCATION), None
    if supplement.endswith("没收财产"):
        return (FineRule.SOLE if fine_alone else None), (
            ConfiscationRule.OPTIONAL if optional else ConfiscationRule.MANDATORY
        )
    if "并处或者单处" in supplement:
        return FineRule.MANDATORY_OR_SOLE, None
    return (FineRule.OPTIONAL if optional else FineRule.MANDATORY), None


def parse_penalty(principal: str, supplement: str = "") -> Penalty:
    """A :class:`Penalty` from the principal list and the supplementary clause of a penalty clause."""
    items = set(re.split(r"、|或者", principal))
    fixed = _fixed_term(principal)
    fine_alone = "罚金" in items
    fine, confiscation = _fine_and_confiscation(supplement.lstrip("，"), fine_alone)
    surveillance, detention = "管制" in items, "拘役" in items
    political = "剥夺政治权利" in items
    exemption = (
        surveillance
        or detention
        or fine_alone
        or political
        or (fixed is not None and fixed.min_months == FIXED_TERM_MIN)
        or fine is FineRule.MANDATORY_OR_SOLE
    )
    return Penalty(
        text=principal + supplement,
        surveillance=surveillance,
        detention=detention,
        fixed_term=fixed,
        life="无期徒刑" in items,
        death="死刑" in items,
        political_rights_alone=political,
        fine=fine,
        confiscation=confiscation,
        exemption=exemption,
    )


def _clauses(paragraph: str) -> list[str]:
    return [c for c in _SPLIT_RE.findall(paragraph) if c.strip()]


def find_penalty_clauses(paragraph: str) -> list[PenaltyClause]:
    """Every penalty clause of a paragraph, in order.

    The items (项) after a lead-in such as 有下列情形之一的 go to the clause that says 下列 (the last one in
    第二百六十三条, the first one in 第一百九十六条), unless an item carries its own penalty, as in 第三百八十三条
    where each item is a tier.
    """
    out: list[PenaltyClause] = []
    items: list[str] = []
    unit = False  # once a paragraph turns to a unit crime (单位犯…罪的), the rest of it is about the unit
    for line in paragraph.split("\n"):
        if _ITEM_LINE_RE.match(line) and not _CLAUSE_RE.search(line):
            items.append(line)
            continue
        for clause in _clauses(line):
            m = _CLAUSE_RE.search(clause)
            if m is None:
                continue
            condition = clause[: m.start()].rstrip("，")
            unit = unit or _UNIT_MARK in condition
            penalty = parse_penalty(m.group("principal"), m.group("supplement") or "")
            out.append(PenaltyClause(condition, clause[: m.end()], penalty, unit))
    if items:
        lead = next((i for i, c in enumerate(out) if _LIST_MARK in c.condition), None)
        if lead is not None:
            c = out[lead]
            out[lead] = PenaltyClause(c.condition, c.quote, c.penalty, c.unit, tuple(items))
    return out


def find_references(paragraph: str, index: int) -> list[Reference]:
    """Clauses of paragraph ``index`` (1-based) that punish "依照…的规定(从重)处罚".

    依照…的规定定罪处罚 is not among them: it makes the conduct another charge.
    """
    out: list[Reference] = []
    for clause in _clauses(paragraph.replace("\n", "")):
        m = _REFERENCE_RE.search(clause)
        if m is None:
            continue
        what = m.group("what")
        paragraphs: tuple[int, ...] = ()
        if what == "前款":
            paragraphs = (index - 1,)
        elif what in ("前两款", "前三款"):
            n = 2 if what == "前两款" else 3
            paragraphs = tuple(range(index - n, index))
        elif m.group("para"):
            paragraphs = (cn_to_int(m.group("para")) or 0,)
        condition = clause[: m.start()].rstrip("，")
        out.append(
            Reference(
                condition=condition,
                quote=clause[: m.end()],
                paragraphs=paragraphs,
                article=cn_to_int(m.group("art")) if m.group("art") else None,
                article_paragraph=cn_to_int(m.group("art_para")) if m.group("art_para") else None,
                unit=_UNIT_MARK in condition,
                heavier=bool(m.group("heavier")),
            )
        )
    return out

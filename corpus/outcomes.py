"""Sentences per defendant from the 判决结果 (result) of a criminal judgment."""

from __future__ import annotations

import re

from corpus.amounts import parse_amount
from corpus.model import Outcome
from corpus.numerals import cn_to_int

__all__ = ["extract_outcomes", "parse_duration_months"]

_N = "零〇一二两三四五六七八九十百0-9０-９"
_DEFENDANT_RE = re.compile(
    r"(?:被告人|被告单位|原审被告人|原审被告单位|上诉人|罪犯)(?:[（(]原审被告(?:人|单位)?[)）])?"
    r"([^\s，,。；;：:、（()）犯]{1,30}?)(?=犯)"
)
_DURATION = rf"(?:([{_N}]+)年)?(?:零?([{_N}]+)个?月)?(?:零?([{_N}]+)[天日])?"
_TERM_RE = re.compile(rf"(有期徒刑|拘役|管制)\s*{_DURATION}")
_DEATH_RE = re.compile(r"死刑(?:[，,]?\s*(缓期|缓刑)[二两2]年执行)?")
_LIFE_RE = re.compile(r"无期徒刑")
_EXEMPT_RE = re.compile(r"免予刑事处[罚分]|免除刑事处罚|免于刑事处罚")
_PROBATION_RE = re.compile(rf"缓刑\s*{_DURATION}")
_FINE_RE = re.compile(
    rf"罚金(?:人民币)?\s*([0-9０-９]+(?:[,，][0-9０-９]{{3}})*(?:[.．][0-9０-９]+)?|[{_N}千万亿]+)(?:余)?([万亿])?(?:元|块)"
)
_EXECUTE_RE = re.compile(r"决定(?:合并)?执行|合并执行")
_STOP_RE = re.compile(r"如不服本判决|如不服本裁定|本判决为终审判决|本裁定为终审裁定")


def parse_duration_months(years: str | None, months: str | None, days: str | None = None) -> int | None:
    """Months from the parts of 十年六个月 / 一个月十天 (days rounded to the nearest month); ``None`` if empty."""
    if not (years or months or days):
        return None
    y = cn_to_int(years) if years else 0
    m = cn_to_int(months) if months else 0
    d = cn_to_int(days) if days else 0
    if y is None or m is None or d is None:
        return None
    return y * 12 + m + int(d / 30 + 0.5)  # half a month (15 days) rounds up


def _sentence(part: str, whole: str) -> Outcome:
    """The sentence stated in ``part`` (the 决定执行 clause, or a defendant's whole segment ``whole``)."""
    out = Outcome()
    candidates: list[tuple[int, str, re.Match[str]]] = []
    for kind, rx in (("death", _DEATH_RE), ("life", _LIFE_RE), ("exempt", _EXEMPT_RE)):
        m = rx.search(part)
        if m:
            candidates.append((m.start(), kind, m))
    for m in _TERM_RE.finditer(part):
        if any(m.group(i) for i in (2, 3, 4)):
            candidates.append((m.start(), "term", m))
            break
    fines = [parse_amount(m.group(1), m.group(2)) for m in _FINE_RE.finditer(part)]
    if not fines and part is not whole and "没收" not in part:  # 没收全部财产 absorbs the single fines
        fines = [parse_amount(m.group(1), m.group(2)) for m in _FINE_RE.finditer(whole)]
    fine_values = [f for f in fines if f is not None]
    if fine_values:
        out.fine_yuan = float(sum(fine_values))
    main_end = 0
    if candidates:
        _, kind, m = min(candidates, key=lambda c: c[0])
        main_end = m.end()
        if kind == "death":
            out.death = True
            out.penalty = "死刑缓期二年执行" if m.group(1) else "死刑"
        elif kind == "life":
            out.life = True
            out.penalty = "无期徒刑"
        elif kind == "exempt":
            out.penalty = "免予刑事处罚"
        else:
            out.penalty = m.group(1)
            out.imprisonment_months = parse_duration_months(m.group(2), m.group(3), m.group(4))
    elif fine_values:
        out.penalty = "单处罚金"
    if out.penalty in ("有期徒刑", "拘役"):
        for pm in _PROBATION_RE.finditer(part, main_end):
            months = parse_duration_months(pm.group(1), pm.group(2), pm.group(3))
            if months:
                out.probation_months = months
                break
    return out


def extract_outcomes(result_text: str) -> list[Outcome]:
    """One :class:`Outcome` per defendant named in the result (被告人X犯…罪，判处…), in order.

    For 数罪并罚 the 决定执行 clause gives the sentence (and its fine; when it states neither a fine nor a
    confiscation, the fines of the single charges are added up); 剥夺政治权利 and 没收财产 are not counted.
    A result that states a sentence
    without naming anyone yields one outcome with ``defendant=None``; a result with no sentence (驳回上诉，
    维持原判) yields none.
    """
    stop = _STOP_RE.search(result_text)
    text = result_text[: stop.start()] if stop else result_text
    marks = list(_DEFENDANT_RE.finditer(text))
    segments: list[tuple[str | None, str]] = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        segments.append((m.group(1), text[m.end() : end]))
    if not segments:
        segments = [(None, text)]
    # A defendant named again (撤销原判…即判处被告人X…; 三、上诉人X犯…罪，判处…; …与前罪并罚，决定执行) is sentenced
    # by the last segment that states a sentence; the order is that of first mention.
    by_name: dict[str | None, Outcome] = {}
    for name, seg in segments:
        executes = list(_EXECUTE_RE.finditer(seg))
        part = seg[executes[-1].end() :] if executes else seg
        outcome = _sentence(part, seg)
        if outcome.penalty is None:
            by_name.setdefault(name, outcome)
            continue
        outcome.defendant = name
        by_name[name] = outcome
    return [o for o in by_name.values() if o.penalty is not None]

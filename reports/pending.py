"""The pending case a report is made for (CASE.json), read and checked with messages a court user can act on.

CASE.json::

    {"id": "…", "text": "draft judgment or fact description",          # text required
     "court": "…", "case_number": "…", "cause": "…", "procedure": "…", "panel": "…",
     "searcher": "检索人", "reviewer": "审核人", "purpose": "…", "archive_number": "…",
     "dispute_focus": ["…"], "triggers": ["T1", "T6"], "draft_outcome": "判处有期徒刑三年" | {…},
     "decisions": {"<case id>": {"accept": true, "reason": "…"}},   # the judge's corrections (art 6)
     "search_time": "2025-01-01T10:00:00+08:00"}
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from corpus.charges import normalise_charge
from corpus.elements import extract_charges, extract_outcomes
from corpus.model import Outcome
from leian.errors import InputError, NotFoundError
from reports.model import Decision
from reports.triggers import parse_trigger_codes

__all__ = ["MAX_CASE_BYTES", "MAX_TEXT_CHARS", "DraftOutcome", "PendingCase", "load_case", "parse_case"]

#: A draft judgment is tens of thousands of characters at most; anything far larger is not a case file.
MAX_CASE_BYTES = 4_000_000
MAX_TEXT_CHARS = 200_000
_TIME_EXAMPLE = "2025-01-01T10:00:00+08:00"
_STRING_FIELDS = ("court", "case_number", "cause", "procedure", "panel", "searcher", "reviewer", "purpose")
_OUTCOME_FIELDS = ("penalty", "imprisonment_months", "probation_months", "fine_yuan", "life", "death")


@dataclass(frozen=True)
class DraftOutcome:
    """The outcome the judge intends (for T6): its text, charges and sentence of the first defendant."""

    text: str
    charges: tuple[str, ...] = ()
    outcome: Outcome | None = None


@dataclass(frozen=True)
class PendingCase:
    """A checked CASE.json."""

    id: str
    text: str
    court: str = ""
    case_number: str = ""
    cause: str = ""
    procedure: str = ""
    panel: str = ""
    searcher: str = ""
    reviewer: str = ""
    purpose: str = ""
    archive_number: str = ""
    dispute_focus: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()
    draft_outcome: DraftOutcome | None = None
    decisions: dict[str, Decision] = field(default_factory=dict)
    search_time: datetime | None = None


def load_case(path: str | Path) -> PendingCase:
    """Read and check CASE.json; :class:`InputError` says what is wrong and how to fix it."""
    p = Path(path)
    if not p.is_file():
        raise NotFoundError(f"案件文件不存在 case file not found: {p}")
    size = p.stat().st_size
    if size == 0:
        raise InputError(f'{p}: 案件文件为空 the case file is empty; expected a JSON object with at least "text"')
    if size > MAX_CASE_BYTES:
        raise InputError(f"{p}: 案件文件过大（{size}字节，上限{MAX_CASE_BYTES}） the case file is too large")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{p}: 案件文件须为UTF-8编码 the case file must be UTF-8 ({exc.reason})") from exc
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise InputError(f"{p}: 不是有效的JSON not valid JSON ({where})") from exc
    return parse_case(data, source=str(p))


def parse_case(data: Any, source: str = "CASE.json") -> PendingCase:
    """Check a CASE.json object already read."""
    if not isinstance(data, dict):
        raise InputError(f'{source}: 须为JSON对象 must be a JSON object with at least "text"')
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(f'{source}: 缺少案件事实 "text" is missing or empty: give the draft judgment or the facts')
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f'{source}: "text" 过长（{len(text)}字，上限{MAX_TEXT_CHARS}） text is too long')
    case_id = data.get("id")
    if case_id is None:
        case_id = "case-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    if not isinstance(case_id, (str, int)) or not str(case_id).strip():
        raise InputError(f'{source}: "id" 须为非空字符串 must be a non-empty string')
    strings = {}
    for name in _STRING_FIELDS:
        value = data.get(name, "")
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = "、".join(value)
        if not isinstance(value, str):
            raise InputError(f'{source}: "{name}" 须为字符串 must be a string')
        strings[name] = value.strip()
    return PendingCase(
        id=str(case_id).strip(),
        text=text,
        archive_number=_string(data, "archive_number", source),
        dispute_focus=_string_list(data.get("dispute_focus"), "dispute_focus", source),
        triggers=parse_trigger_codes(_string_list(data.get("triggers"), "triggers", source)),
        draft_outcome=_draft_outcome(data.get("draft_outcome"), source),
        decisions=_decisions(data.get("decisions"), source),
        search_time=parse_search_time(data["search_time"], source) if data.get("search_time") else None,
        **strings,
    )


def parse_search_time(value: Any, source: str = "search_time") -> datetime:
    """An ISO 8601 date-time with its UTC offset (the search time is a legal fact; a bare local time is ambiguous)."""
    if not isinstance(value, str):
        raise InputError(f'{source}: "search_time" 须为ISO时间字符串 must be an ISO date-time string')
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"{source}: 检索时间格式错误 bad search_time {value!r}; e.g. {_TIME_EXAMPLE}") from exc
    if moment.tzinfo is None:
        raise InputError(f"{source}: 检索时间须带时区 search_time needs a UTC offset, e.g. {_TIME_EXAMPLE}")
    return moment


def _string(data: dict[str, Any], name: str, source: str) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):
        raise InputError(f'{source}: "{name}" 须为字符串 must be a string')
    return value.strip()


def _string_list(value: Any, name: str, source: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f'{source}: "{name}" 须为字符串列表 must be a list of strings')
    return tuple(v.strip() for v in value if v.strip())


def _draft_outcome(value: Any, source: str) -> DraftOutcome | None:
    if value in (None, "", {}):
        return None
    if isinstance(value, str):
        outcomes = extract_outcomes(value)
        return DraftOutcome(value.strip(), tuple(extract_charges(value)), outcomes[0] if outcomes else None)
    if not isinstance(value, dict):
        raise InputError(f'{source}: "draft_outcome" 须为文字或对象 must be text or an object')
    charges = _string_list(value.get("charges"), "draft_outcome.charges", source)
    charges = tuple(normalise_charge(c) or c.removesuffix("罪") for c in charges)
    fields = {k: value[k] for k in _OUTCOME_FIELDS if k in value}
    for k in ("imprisonment_months", "probation_months"):
        if k in fields and not (isinstance(fields[k], int) and fields[k] >= 0):
            raise InputError(f'{source}: "draft_outcome.{k}" 须为非负整数（月） must be a non-negative integer')
    text = str(value.get("text", "")).strip()
    outcome = Outcome(**fields) if fields else (extract_outcomes(text) or [None])[0]
    return DraftOutcome(text, charges or tuple(extract_charges(text)), outcome)


def _decisions(value: Any, source: str) -> dict[str, Decision]:
    if value in (None, {}):
        return {}
    if not isinstance(value, dict):
        raise InputError(f'{source}: "decisions" 须为对象 must map case ids to {{"accept": …, "reason": …}}')
    out = {}
    for case_id, item in sorted(value.items()):
        if not isinstance(item, dict) or not isinstance(item.get("accept"), bool):
            raise InputError(f'{source}: decisions[{case_id!r}] 须含布尔值 "accept" needs a boolean "accept"')
        reason = item.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise InputError(f'{source}: decisions[{case_id!r}] 须说明理由 needs a "reason" (24号意见第六条)')
        out[str(case_id)] = Decision(item["accept"], reason.strip(), "承办法官")
    return out

"""Turn a :class:`RawRecord` of any source format into a filled :class:`Judgment`."""

from __future__ import annotations

import re
from typing import Any

from corpus.courts import court_info, extract_court
from corpus.elements import (
    CRIMINAL_LAW,
    charges_from_title,
    extract_amounts,
    extract_charges,
    extract_circumstances,
    extract_outcomes,
    extract_statutes,
    normalise_charge,
)
from corpus.model import Judgment, Outcome, RawRecord, Statute
from corpus.sections import find_case_number, find_date, find_doc_type, split_sections

__all__ = ["core_holding", "judgment_charges", "parse_record", "parse_text", "stated_charges"]

_DOMAIN_BY_TYPE = {"刑事": "criminal", "民事": "civil", "行政": "administrative"}
_PROCEDURE_RE = re.compile(r"速裁程序|简易程序|普通程序")
_SENTENCE_RE = re.compile(r"[^。；]*[。；]?")
_MARKER_RE = re.compile(
    r"^\s*(?:#+\s*)?[【\[]?(关键词|裁判要点|裁判摘要|要旨|基本案情|裁判结果|裁判理由|相关法条|相关规定|"
    r"检察机关履职过程|检察履职情况|指导意义|诉讼过程|处理结果)[】\]]?\s*",
    re.M,
)
_MARKER_SECTION = {
    "基本案情": "facts",
    "裁判结果": "result",
    "处理结果": "result",
    "诉讼过程": "result",
    "检察机关履职过程": "reasoning",
    "检察履职情况": "reasoning",
    "裁判理由": "reasoning",
    "指导意义": "reasoning",
}
_COURT_ANY_RE = re.compile(r"[\u4e00-\u9fff]{2,24}?(?:人民法院|法院)(?!审判委员会)")


def parse_text(text: str, id: str = "query") -> Judgment:
    """Parse free text (a query, a draft, a pasted judgment) as a judgment."""
    return parse_record(RawRecord(id=id, text=text, source="", format="text"))


def parse_record(raw: RawRecord) -> Judgment:
    """Fill every :class:`Judgment` field the record supports (sections, court, dates, charges, outcomes …)."""
    if raw.format == "spc_guiding":
        return _parse_spc_guiding(raw)
    if raw.format in ("spc_gazette", "spp_guiding"):
        return _parse_authoritative_markdown(raw)
    if raw.format == "cail2018":
        return _parse_cail(raw)
    return _parse_judgment(raw)


def judgment_charges(sections: dict[str, str], text: str) -> list[str]:
    """Charges from the most reliable place: the result (犯…罪，判处…), then 本院认为, then the whole text."""
    for key in ("result", "reasoning"):
        if sections.get(key):
            charges = extract_charges(sections[key])
            if charges:
                return charges
    return extract_charges(_body_without_appendix(text, sections))


def stated_charges(doc: Judgment) -> list[str]:
    """The charges a draft or pasted judgment states as its own — in its result, its reasoning (本院认为) or the
    allegation (指控) — and [] for a bare fact description, which may name other crimes in passing (曾因犯盗窃罪…,
    被害人涉嫌…) that are not the pending case's."""
    for key in ("result", "reasoning", "claims"):
        if doc.sections.get(key):
            charges = extract_charges(doc.sections[key])
            if charges:
                return charges
    return []


def core_holding(reasoning: str, limit: int = 200) -> str:
    """The core of 本院认为: its opening sentence (or two, when the first is short), at most ``limit`` characters."""
    text = re.sub(r"\s+", "", reasoning)
    sentences = [s for s in _SENTENCE_RE.findall(text) if s]
    out = ""
    for s in sentences:
        if out and len(out) + len(s) > limit:
            break
        out += s
        if len(out) >= 60:
            break
    return out[:limit]


def _domain(doc_type: str, case_number: str, charges: list[str], fmt: str) -> str:
    for key, value in _DOMAIN_BY_TYPE.items():
        if doc_type.startswith(key):
            return value
    m = re.search(r"[刑民行]", re.sub(r"^（\d{4}）", "", case_number))
    if m:
        return {"刑": "criminal", "民": "civil", "行": "administrative"}[m.group(0)]
    if fmt in ("lecard", "cail2018"):
        return "criminal"
    if charges:
        return "civil" if all(c.endswith(("纠纷", "争议", "之诉")) for c in charges) else "criminal"
    return ""


def _trial_level(case_number: str, title: str) -> str:
    if "再" in case_number or "监" in case_number or "再审" in title:
        return "再审"
    if "终" in case_number or "二审" in title:
        return "二审"
    if "初" in case_number or "一审" in title:
        return "一审"
    return ""


def _given_charges(value: Any) -> list[str]:
    if isinstance(value, str):
        value = re.split(r"[;；,，]", value)
    out: dict[str, None] = {}
    for item in value or []:
        if not isinstance(item, str) or not item.strip():
            continue
        name = item.strip()
        name = normalise_charge(name) or (name[:-1] if name.endswith("罪") else name)
        out.setdefault(name, None)
    return list(out)


def _body_without_appendix(text: str, sections: dict[str, str]) -> str:
    appendix = sections.get("appendix")
    if appendix:
        cut = text.rfind(appendix[:50])
        if cut > 0:
            return text[:cut]
    return text


def _parse_judgment(raw: RawRecord) -> Judgment:
    f = raw.fields
    text = raw.text
    sections = split_sections(text)
    if raw.format == "lecard":
        for key, field in (("facts", "ajjbqk"), ("reasoning", "cpfxgc"), ("result", "pjjg")):
            value = f.get(field)
            if isinstance(value, str) and value.strip():
                sections[key] = value.strip()
    elif raw.format in ("cjrc", "interchange") and "facts" not in sections and "reasoning" not in sections:
        sections["facts"] = text
    header = sections.get("header", text[:400])
    court = str(f.get("court") or "") or extract_court(text)
    info = court_info(court) if court else None
    case_number = str(f.get("case_number") or "") or find_case_number(header)
    doc_type = find_doc_type(text)
    if not doc_type and isinstance(f.get("writName"), str):
        doc_type = find_doc_type(f["writName"])
    date = str(f.get("date") or "")
    if not date:
        date = find_date(sections.get("judges", "")) or find_date(sections.get("tail", ""))
        if not date and "judges" not in sections:
            date = find_date(_body_without_appendix(text, sections)[-300:], chinese_only=True)
    title = str(f.get("title") or f.get("ajName") or "")
    if "charges" in f:
        charges = _given_charges(f["charges"])
    elif raw.format == "cjrc":
        charges = _given_charges([f.get("cause", "")])
    else:
        charges = judgment_charges(sections, text)
        if not charges and title:
            charges = charges_from_title(title)
    body = _body_without_appendix(text, sections)
    statutes = _given_statutes(f.get("articles")) or extract_statutes(body)
    element_text = "\n".join(sections[k] for k in ("claims", "facts", "reasoning") if k in sections) or body
    circumstances = extract_circumstances(element_text)
    amounts = extract_amounts(sections.get("facts") or body)
    outcomes = _given_outcome(f.get("outcome")) or extract_outcomes(sections.get("result", ""))
    writ = str(f.get("writName") or "")
    domain = _domain(doc_type, case_number, charges, raw.format)
    if not title:
        title = _build_title(outcomes, charges, court, case_number, text)
    return Judgment(
        id=raw.id,
        text=text,
        source=raw.source,
        title=title,
        doc_type=doc_type,
        domain=domain,
        authority="judgment",
        court=info.name if info else "",
        court_level=info.level if info else "",
        province=info.province if info else "",
        case_number=case_number,
        date=date,
        trial_level=_trial_level(case_number, writ or title),
        procedure=_first(_PROCEDURE_RE, sections.get("parties", "") + sections.get("claims", "")[:400]),
        sections=sections,
        charges=charges,
        statutes=statutes,
        circumstances=circumstances,
        amounts=amounts,
        outcomes=outcomes,
        holding=core_holding(sections["reasoning"]) if sections.get("reasoning") else "",
        effective=True,
        extra={k: f[k] for k in ("writName", "writId", "set", "domain") if k in f},
    )


def _first(rx: re.Pattern[str], text: str) -> str:
    m = rx.search(text)
    return m.group(0) if m else ""


def _given_statutes(value: Any) -> list[Statute]:
    out = []
    for item in value or []:
        if isinstance(item, int) or (isinstance(item, str) and item.isdigit()):
            out.append(Statute(CRIMINAL_LAW, int(item)))
    return out


def _given_outcome(value: Any) -> list[Outcome]:
    if not isinstance(value, dict):
        return []
    known = set(Outcome.__dataclass_fields__)
    return [Outcome(**{k: v for k, v in value.items() if k in known})]


def _build_title(outcomes: list[Outcome], charges: list[str], court: str, case_number: str, text: str) -> str:
    name = next((o.defendant for o in outcomes if o.defendant), None)
    if name and charges:
        return f"{name}{'、'.join(charges)}一案"
    if case_number:
        return f"{court}{case_number}"
    return re.sub(r"\s+", " ", text[:30]).strip()


def _parse_cail(raw: RawRecord) -> Judgment:
    meta = raw.fields.get("meta") or {}
    term = meta.get("term_of_imprisonment") or {}
    charges = _given_charges(meta.get("accusation") or [])
    criminals = meta.get("criminals") or []
    months = term.get("imprisonment")
    fine = meta.get("punish_of_money")
    outcome = Outcome(
        defendant=criminals[0] if criminals else None,
        penalty="无期徒刑" if term.get("life_imprisonment") else "死刑" if term.get("death_penalty") else None,
        imprisonment_months=int(months) if isinstance(months, (int, float)) and months > 0 else None,
        life=bool(term.get("life_imprisonment")),
        death=bool(term.get("death_penalty")),
        fine_yuan=float(fine) if isinstance(fine, (int, float)) and fine > 0 else None,
    )
    if outcome.penalty is None and outcome.imprisonment_months:
        outcome.penalty = "有期徒刑"
    elif outcome.penalty is None and outcome.fine_yuan:
        outcome.penalty = "单处罚金"
    text = raw.text
    name = criminals[0] if criminals else ""
    return Judgment(
        id=raw.id,
        text=text,
        source=raw.source,
        title=f"{name}{'、'.join(charges)}一案" if name and charges else "",
        doc_type="",
        domain="criminal",
        court="",
        sections={"facts": text},
        charges=charges,
        statutes=_given_statutes(meta.get("relevant_articles")),
        circumstances=extract_circumstances(text),
        amounts=extract_amounts(text),
        outcomes=[outcome],
        extra={"criminals": criminals},
    )


def _parse_spc_guiding(raw: RawRecord) -> Judgment:
    f = raw.fields
    get = lambda key: str(f.get(key) or "").strip()  # noqa: E731
    keywords = get("关键词")
    title = get("title")
    result = get("裁判结果")
    domain = next((v for k, v in _DOMAIN_BY_TYPE.items() if keywords.startswith(k)), "")
    charges = extract_charges(result) or charges_from_title(title)
    if not domain:
        domain = _domain("", "", charges, "")
    sections = {"facts": get("基本案情"), "reasoning": get("裁判理由"), "result": result}
    return Judgment(
        id=raw.id,
        text=raw.text,
        source=raw.source,
        title=title,
        doc_type="指导性案例",
        domain=domain,
        authority="spc_guiding",
        court="最高人民法院",
        court_level="最高",
        case_number=f"指导案例{f.get('no')}号" if f.get("no") not in (None, "") else "",
        date=find_date(get("released"), last=False),
        sections={k: v for k, v in sections.items() if v},
        charges=charges,
        statutes=extract_statutes(get("相关法条")),
        circumstances=extract_circumstances(sections["facts"] + sections["reasoning"]) if domain == "criminal" else [],
        amounts=extract_amounts(sections["facts"]),
        outcomes=extract_outcomes(result) if domain == "criminal" else [],
        holding=get("裁判要点"),
        extra={"no": f.get("no"), "keywords": keywords, "released": get("released")},
    )


def _markdown_parts(text: str) -> dict[str, str]:
    marks = list(_MARKER_RE.finditer(text))
    parts: dict[str, str] = {}
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        parts.setdefault(m.group(1), text[m.end() : end].strip())
    return parts


def _parse_authoritative_markdown(raw: RawRecord) -> Judgment:
    text = raw.text
    parts = _markdown_parts(text)
    spp = raw.format == "spp_guiding"
    title = str(raw.fields.get("title") or "")
    number = ""
    m = re.match(r"[（(]?(检例第\s*\d+\s*号)[)）]?\s*", title)
    if m:
        number = m.group(1).replace(" ", "")
        title = title[m.end() :].strip()
    sections = split_sections(text) if not spp else {}
    for marker, key in _MARKER_SECTION.items():
        if parts.get(marker) and key not in sections:
            sections[key] = parts[marker]
    holding = parts.get("裁判要点") or parts.get("裁判摘要") or parts.get("要旨") or ""
    cited = parts.get("相关法条") or parts.get("相关规定") or ""
    statutes = extract_statutes(cited) if cited else extract_statutes(text)
    result = sections.get("result", "")
    charges = extract_charges(result) or charges_from_title(title) or extract_charges(text)
    domain = _domain("", "", charges, "")
    keywords = parts.get("关键词", "")
    if keywords.startswith(("民事", "刑事", "行政")):
        domain = _DOMAIN_BY_TYPE[keywords[:2]]
    release = re.search(r"(\d{4}年\d{1,2}月\d{1,2}日)发布", text[:400])
    date = find_date(release.group(1)) if release else find_date(text)
    if spp:
        court, level = "最高人民检察院", "最高"
    else:
        courts = [c for c in _COURT_ANY_RE.findall(text) if not c.startswith("最高人民法院审判")]
        court = courts[-1] if courts else ""
        level = court_info(court).level if court else ""
    info = court_info(court) if court and not spp else None
    facts = sections.get("facts", "")
    return Judgment(
        id=raw.id,
        text=text,
        source=raw.source,
        title=title,
        doc_type="检察院指导性案例" if spp else "公报案例",
        domain=domain,
        authority=raw.format,
        court=court,
        court_level=level,
        province=info.province if info else "",
        case_number=number or find_case_number(text),
        date=date,
        sections={k: v for k, v in sections.items() if v},
        charges=charges,
        statutes=statutes,
        circumstances=extract_circumstances(facts + sections.get("reasoning", "")) if domain == "criminal" else [],
        amounts=extract_amounts(facts),
        outcomes=extract_outcomes(result) if domain == "criminal" and result else [],
        holding=holding,
        extra={"keywords": keywords} if keywords else {},
    )

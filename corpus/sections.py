"""Split the full text of a Chinese judgment into its conventional sections."""

from __future__ import annotations

import re

from corpus.numerals import cn_to_int

__all__ = ["SECTION_KEYS", "find_case_number", "find_date", "find_doc_type", "parse_cn_date", "split_sections"]

#: Section keys in document order.
SECTION_KEYS = ("header", "parties", "claims", "facts", "reasoning", "result", "judges", "tail")

_CASE_NO_RE = re.compile(r"[（(〔\[［]\s*(?:19|20)\d{2}\s*[）)〕\]］][^，。；;：:\s（(]{1,30}?号")
_DOC_TYPE_RE = re.compile(r"(刑事|民事|行政|执行|国家赔偿)(?:附带民事)?(判决书|裁定书|调解书|决定书|通知书)")
_CLAIMS_RE = re.compile(
    r"(?:人民检察院|公诉机关|检察院|自诉人)[^。]{0,40}?指控|起诉书指控|公诉机关指控|诉称|起诉称|诉讼请求"
    r"|原判认定|原审(?:判决)?认定|原审法院认定|一审法院认定|上诉人[^。]{0,30}?(?:上诉称|上诉提出|上诉理由)|抗诉机关"
)
_FACTS_RE = re.compile(
    r"经审理查明|审理查明|经审理认定|本院(?:经审理|依法)?(?:查明|认定事实)|经本院审理|经审查查明|经审查认定"
)
_REASONING_RE = re.compile(r"本院认为")
_RESULT_RE = re.compile(r"(?:判决|裁定|决定)如下[：:]?|判决[：:]|裁定[：:]")
_JUDGES_RE = re.compile(
    r"(?:审\s*判\s*长|审\s*判\s*员|代理审判员|人民陪审员|助理审判员)\s*(?=[\u4e00-\u9fff])(?!委员会)"
)
_CN_DIGIT = "〇○零Ｏ一二三四五六七八九"
_CN_DATE_RE = re.compile(
    rf"([{_CN_DIGIT}]{{4}}|(?:19|20)\d{{2}})\s*年\s*([{_CN_DIGIT}十]{{1,3}}|\d{{1,2}})\s*月\s*([{_CN_DIGIT}十]{{1,3}}|\d{{1,2}})\s*日"
)
_APPENDIX_RE = re.compile(
    r"附\s*[：:]?\s*(?:本案|本判决)?(?:所?(?:适用|引用|依据|涉及)的?|相关|主要)?(?:的)?(?:法律|法条|条文)"
)


def find_case_number(text: str) -> str:
    """The first case number (案号) such as （2014）宜中刑一初字第11号, normalised to full-width brackets."""
    m = _CASE_NO_RE.search(text)
    if not m:
        return ""
    value = re.sub(r"\s+", "", m.group(0))
    return re.sub(r"^[(〔\[［](\d{4})[)〕\]］]", r"（\1）", value)


def find_doc_type(text: str) -> str:
    """The document type named in the text's opening (刑事判决书, 民事裁定书 …), or ""."""
    m = _DOC_TYPE_RE.search(text[:400])
    return m.group(1) + m.group(2) if m else ""


def parse_cn_date(year: str, month: str, day: str) -> str:
    """ISO date from the parts of 二〇一四年五月二十日 or 2014年5月20日; "" when not a valid date."""
    y = cn_to_int(year.replace("○", "〇").replace("Ｏ", "〇"))
    mo = cn_to_int(month.replace("○", "〇"))
    d = cn_to_int(day.replace("○", "〇"))
    if y is None or mo is None or d is None or not (1949 <= y <= 2100 and 1 <= mo <= 12 and 1 <= d <= 31):
        return ""
    return f"{y:04d}-{mo:02d}-{d:02d}"


def find_date(text: str, *, last: bool = True, chinese_only: bool = False) -> str:
    """The last (or first) valid date in ``text`` as ISO; Chinese-numeral dates only when ``chinese_only``."""
    matches = list(_CN_DATE_RE.finditer(text))
    if chinese_only:
        matches = [m for m in matches if not m.group(1).isdigit()]
    for m in reversed(matches) if last else matches:
        iso = parse_cn_date(*m.groups())
        if iso:
            return iso
    return ""


def split_sections(text: str) -> dict[str, str]:
    """Sections of a full judgment text, keyed by :data:`SECTION_KEYS`; absent sections are left out.

    Each boundary is the first cue after the previous one: the case number ends the header; the prosecution's
    or plaintiff's claims (…指控 / 诉称) start ``claims``; 经审理查明 starts ``facts``; 本院认为 ``reasoning``;
    判决如下 ``result``; the first 审判长/审判员 after the result ``judges``; after the signing date comes the
    ``tail`` (书记员, and any appendix of quoted statutes, which is kept separately under ``appendix``).
    """
    out: dict[str, str] = {}
    n = len(text)
    cn = _CASE_NO_RE.search(text, 0, min(n, 400))
    header_end = cn.end() if cn else 0
    if cn:
        out["header"] = text[:header_end].strip()
    pos = header_end
    claims = _CLAIMS_RE.search(text, pos)
    facts = _FACTS_RE.search(text, pos)
    reasoning = _REASONING_RE.search(text, pos)
    # The last 判决如下 belongs to this court; earlier ones may quote a lower court's judgment.
    result = None
    for m in _RESULT_RE.finditer(text, reasoning.end() if reasoning else pos):
        result = m
        break
    if reasoning and facts and facts.start() > reasoning.start():
        facts = None
    if claims and ((facts and claims.start() > facts.start()) or (reasoning and claims.start() > reasoning.start())):
        claims = None
    bounds: list[tuple[str, int, int]] = []  # key, start of content, start of cue
    if claims:
        start = _sentence_start(text, claims.start(), header_end)
        bounds.append(("claims", start, start))
    if facts:
        bounds.append(("facts", facts.start(), facts.start()))
    if reasoning:
        bounds.append(("reasoning", reasoning.start(), reasoning.start()))
    if result:
        bounds.append(("result", result.end(), result.start()))
    judges = _JUDGES_RE.search(text, result.end() if result else (reasoning.end() if reasoning else pos))
    if judges and (result or reasoning):
        bounds.append(("judges", judges.start(), judges.start()))
    date_end = None
    if judges:
        dm = _CN_DATE_RE.search(text, judges.end(), min(n, judges.end() + 300))
        if dm:
            date_end = dm.end()
    first_cue = bounds[0][2] if bounds else n
    if first_cue > header_end:
        out["parties"] = text[header_end:first_cue].strip()
    appendix = _APPENDIX_RE.search(text, date_end or (bounds[-1][1] if bounds else pos))
    doc_end = appendix.start() if appendix else n
    if appendix:
        out["appendix"] = text[appendix.start() :].strip()
    for i, (key, start, _cue) in enumerate(bounds):
        end = bounds[i + 1][2] if i + 1 < len(bounds) else doc_end
        if key == "judges" and date_end:
            end = min(date_end, doc_end)
        elif key == "reasoning" and result:
            end = result.end()  # keep 依照…之规定，判决如下 with the reasoning that leads to it
        out[key] = text[start:end].strip()
    if date_end and date_end < doc_end:
        out["tail"] = text[date_end:doc_end].strip()
    order = (*SECTION_KEYS, "appendix")
    return {k: out[k] for k in order if out.get(k)}


def _sentence_start(text: str, pos: int, floor: int) -> int:
    """The start of the sentence holding ``pos`` (江西省宜春市人民检察院以…指控 starts at 江), not before ``floor``."""
    for i in range(pos - 1, max(floor, pos - 60) - 1, -1):
        if text[i] in "。；;\n 　":
            return i + 1
    return pos

"""Money amounts in yuan: 1.2万元, 12000元, 人民币三千元, 5000余元."""

from __future__ import annotations

import re

from corpus.numerals import cn_to_number

__all__ = ["AMOUNT_RE", "extract_amounts", "parse_amount"]

_NUM = (
    r"[0-9０-９]+(?:[,，][0-9０-９]{3})*(?:[.．][0-9０-９]+)?"
    r"|[零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]+"
)
#: A sum of money: number, optional 余/多, optional 万/亿, then 元 (or 块).
AMOUNT_RE = re.compile(rf"(?:人民币)?({_NUM})(?:余|多)?([万亿])?(?:余|多)?(?:元|块)")


def parse_amount(number: str, unit: str | None = None) -> float | None:
    """Yuan from the number and unit parts of an :data:`AMOUNT_RE` match; ``None`` if the number is malformed."""
    value = cn_to_number(number.replace("，", "").replace(",", "").replace("．", "."))
    if value is None:
        return None
    if unit == "万":
        value *= 10_000
    elif unit == "亿":
        value *= 100_000_000
    return float(value)


#: What a sum paid after the offence is called: compensation, fines, bail, costs. Such a sum is no amount involved
#: in the offence (20万 paid to an injured victim says nothing of a traffic accident's sentencing tier).
_PAID_RE = re.compile(r"赔偿|赔付|补偿|赔礼|谅解|罚金|罚款|保证金|取保|诉讼费|受理费|鉴定费|医疗费|丧葬费")
_CLAUSE_BREAK = "，。；：,;:\n"
#: How far back in its clause an amount's cue is looked for.
_CUE_WINDOW = 16


def _paid_after(text: str, start: int) -> bool:
    """Whether the clause before ``start`` says the sum was paid as compensation, a fine, bail or costs."""
    before = text[max(0, start - _CUE_WINDOW) : start]
    cut = max(before.rfind(c) for c in _CLAUSE_BREAK)
    return bool(_PAID_RE.search(before[cut + 1 :]))


def extract_amounts(text: str) -> list[float]:
    """Every amount involved in ``text`` in yuan, in order of first appearance, without duplicates; sums paid as
    compensation, fines, bail or costs are left out."""
    out: dict[float, None] = {}
    for m in AMOUNT_RE.finditer(text):
        if _paid_after(text, m.start()):
            continue
        value = parse_amount(m.group(1), m.group(2))
        if value is not None and value > 0:
            out.setdefault(value, None)
    return list(out)

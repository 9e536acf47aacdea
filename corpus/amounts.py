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


def extract_amounts(text: str) -> list[float]:
    """Every amount of money in ``text`` in yuan, in order of first appearance, without duplicates."""
    out: dict[float, None] = {}
    for m in AMOUNT_RE.finditer(text):
        value = parse_amount(m.group(1), m.group(2))
        if value is not None and value > 0:
            out.setdefault(value, None)
    return list(out)

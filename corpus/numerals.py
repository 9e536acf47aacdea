"""Chinese numerals (小写 and 大写, mixed with Arabic digits) to numbers."""

from __future__ import annotations

import re

__all__ = ["NUMERAL_CHARS", "NUMERAL_RE", "cn_to_int", "cn_to_number"]

_DIGITS = {
    "零": 0, "〇": 0, "○": 0, "Ｏ": 0, "O": 0, "0": 0,
    "一": 1, "壹": 1, "1": 1,
    "二": 2, "两": 2, "贰": 2, "貳": 2, "2": 2,
    "三": 3, "叁": 3, "參": 3, "3": 3,
    "四": 4, "肆": 4, "4": 4,
    "五": 5, "伍": 5, "5": 5,
    "六": 6, "陆": 6, "陸": 6, "6": 6,
    "七": 7, "柒": 7, "7": 7,
    "八": 8, "捌": 8, "8": 8,
    "九": 9, "玖": 9, "9": 9,
}  # fmt: skip
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}

#: Every character that may appear inside a Chinese/Arabic integer.
NUMERAL_CHARS = "".join(_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)
#: A run of numeral characters (Arabic digits included).
NUMERAL_RE = re.compile(f"[{re.escape(NUMERAL_CHARS)}]+")
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")


def cn_to_int(text: str) -> int | None:
    """Convert a Chinese or Arabic integer (``二百六十四``, ``一九九七``, ``十``, ``3万``) to ``int``.

    A digit-by-digit form without units (``二〇一四``) is read positionally. Returns ``None`` when the text
    holds anything that is not a numeral.
    """
    value = cn_to_number(text)
    if value is None or value != int(value):
        return None
    return int(value)


def cn_to_number(text: str) -> float | None:
    """Like :func:`cn_to_int` but also accepts decimals (``1.5万``, ``12,000``). Returns ``None`` on junk."""
    s = text.strip().translate(_FULLWIDTH).replace(",", "")
    if not s:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return float(s)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([万萬亿億])", s)
    if m:
        return float(m.group(1)) * _BIG_UNITS[m.group(2)]
    if not any(ch in _SMALL_UNITS or ch in _BIG_UNITS for ch in s):
        if all(ch in _DIGITS for ch in s):
            return float(int("".join(str(_DIGITS[ch]) for ch in s)))
        return None
    total = 0.0  # completed 万/亿 groups
    section = 0.0  # the group below the current big unit
    digit: float | None = None
    i = 0
    while i < len(s):
        ch = s[i]
        if ch in _DIGITS:
            digit = float(_DIGITS[ch])
        elif ch.isdigit() or ch == ".":
            m = re.match(r"\d+(?:\.\d+)?", s[i:])
            if not m:
                return None
            digit = float(m.group(0))
            i += len(m.group(0))
            continue
        elif ch in _SMALL_UNITS:
            section += (1.0 if digit is None else digit) * _SMALL_UNITS[ch]
            digit = None
        elif ch in _BIG_UNITS:
            unit = _BIG_UNITS[ch]
            section += digit or 0.0
            digit = None
            if unit > 10_000 or total == 0:
                total = (total + section) * unit
            else:
                total += section * unit
            section = 0.0
        else:
            return None
        i += 1
    return total + section + (digit or 0.0)

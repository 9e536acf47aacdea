"""Statutory penalty ranges (法定刑) of the Criminal Law's specific provisions, read from the statute text.

The range a cited article allows anchors the expected term even for a charge the corpus has few cases of:
第三百一十条 "处三年以下有期徒刑、拘役或者管制；情节严重的，处三年以上十年以下有期徒刑" gives a base band of
0–36 months and an aggravated band of 36–120 months.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from corpus.numerals import cn_to_int

__all__ = ["PENALTY_FEATURES", "Penalty", "load_penalties", "parse_penalties", "statutory_features"]

#: A fixed-term sentence may not exceed 15 years (刑法第四十五条); 拘役 runs up to 6 months, 管制 up to 2 years.
_TERM_MAX, _DETENTION_MAX, _CONTROL_MAX = 180, 6, 24
_FIRST_SPECIFIC = 102  # 分则 starts at 第一百零二条; 总则 articles (自首, 缓刑 …) carry no range
_ARTICLE_RE = re.compile(r"^第([零〇一二两三四五六七八九十百]+)条(?:之([一二三四五六七八九十]+))?\s", re.M)
_CLAUSE_RE = re.compile(r"处([^；。]*?(?:有期徒刑|拘役|管制|无期徒刑|死刑)[^；。]*)")
_BOUND_RE = re.compile(r"([零〇一二两三四五六七八九十]+)(年|个月)以(上|下)")

#: (base low, base high, top low, top high, life possible, death possible) in months / flags.
Penalty = tuple[float, float, float, float, float, float]
PENALTY_FEATURES = ("stat_base_low", "stat_base_high", "stat_top_low", "stat_top_high", "stat_life", "stat_death")


def _band(clause: str) -> tuple[float, float, bool, bool]:
    low: float | None = None
    high: float | None = None
    for m in _BOUND_RE.finditer(clause):
        n = cn_to_int(m.group(1)) or 0
        months = n * 12 if m.group(2) == "年" else n
        if m.group(3) == "上":
            low = months if low is None else low
        else:
            high = months if high is None else high
    if "有期徒刑" in clause:
        high = high if high is not None else _TERM_MAX
    elif "管制" in clause:
        high = _CONTROL_MAX
    elif "拘役" in clause:
        high = _DETENTION_MAX
    return float(low or 0), float(high or 0), "无期徒刑" in clause, "死刑" in clause


def parse_penalties(text: str) -> dict[int, Penalty]:
    """Article number → its penalty range, for every specific provision of the Criminal Law ``text``.

    An article with 之一/之二 is folded into its parent (the same number in judgments' citations).
    """
    marks = list(_ARTICLE_RE.finditer(text))
    out: dict[int, Penalty] = {}
    for i, m in enumerate(marks):
        number = cn_to_int(m.group(1))
        if number is None or number < _FIRST_SPECIFIC or m.group(2):
            continue
        body = text[m.end() : marks[i + 1].start() if i + 1 < len(marks) else len(text)]
        bands = [_band(c) for c in _CLAUSE_RE.findall(body)]
        bands = [b for b in bands if b[1] > 0 or b[2] or b[3]]
        if not bands:
            continue
        out[number] = (
            bands[0][0],
            bands[0][1],
            max(b[0] for b in bands),
            max(b[1] for b in bands),
            float(any(b[2] for b in bands)),
            float(any(b[3] for b in bands)),
        )
    return out


def load_penalties(data_dir: Path) -> dict[int, Penalty]:
    """The penalty ranges of ``statutes/刑法/刑法.md`` under the shared data; empty when it is absent."""
    path = data_dir / "statutes" / "刑法" / "刑法.md"
    return parse_penalties(path.read_text(encoding="utf-8")) if path.exists() else {}


def statutory_features(articles: Iterable[int], penalties: dict[int, Penalty]) -> Penalty:
    """The widest range among the cited specific provisions (数罪 cite several); zeros when none is known."""
    known = [penalties[a] for a in articles if a in penalties]
    if not known:
        return (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    return tuple(max(p[i] for p in known) for i in range(6))  # type: ignore[return-value]

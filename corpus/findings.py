"""Where the court's own findings of fact sit inside a facts section.

A facts section of a criminal judgment usually runs: the prosecution's allegation (指控), the defence, the
findings (经审理查明 …), then the list of evidence (上述事实，有…证据证实). A pending case's fact description
resembles the findings, not the allegation that names the charge or the evidence list; the charge model
learns from the findings so it does not learn to read charge names the query will not contain.
"""

from __future__ import annotations

import re

__all__ = ["findings_span"]

_START = re.compile(r"经审理查明|审理查明|经审理，|经审理认定|本院认定|经本院审理|一审法院认定|原判认定")
_END = re.compile(
    r"上述事实[，,]?(?:有|被告人|在开庭)|认定上述事实的证据|证明上述事实的证据|以上事实[，,]?有|上述犯罪事实[，,]?有|"
    r"上述事实，?证据有|本案证据有"
)


def findings_span(facts: str) -> tuple[int, int]:
    """Character span ``(start, end)`` of the findings; the whole text when no marker is found."""
    start_m = _START.search(facts)
    start = start_m.start() if start_m else 0
    end_m = _END.search(facts, start)
    end = end_m.start() if end_m and end_m.start() - start > 50 else len(facts)
    return start, end

"""The law's distinctions between neighbouring charges, as cues a fact description can be checked for.

``retrieval/data/charge_rules.json`` holds the rules, each citing the article (and quoting the text) it encodes:

- ``requires``: a charge whose defining act the facts never describe is unlikely (抢劫 without any force or
  threat, 非法拘禁 without any restraint);
- ``prefers``: facts that match every cue of the rule fall under the rule's charge rather than the charges it
  displaces (a traffic accident with a death or serious injury and full or main responsibility is 交通肇事, and
  刑法第一百三十三条之一第三款 gives it precedence over 危险驾驶; 携带凶器抢夺 is 抢劫).

Each rule contributes one signed indicator per charge it concerns (:meth:`ChargeRules.evidence`); the charge model
learns how strongly each rule shifts its odds from held-out judgments of the corpus, so a rule that the corpus shows
to be unreliable in practice costs little, and one the corpus confirms decides.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from corpus.charges import normalise_charge

__all__ = ["ChargeRule", "ChargeRules", "strip_charge_names"]

_DATA = resources.files("retrieval") / "data" / "charge_rules.json"
_FORMAT = "leian-charge-rules/1"


@dataclass(frozen=True)
class ChargeRule:
    """One distinction: its kind, the charge it concerns, the charges it displaces, its cues and its source."""

    id: str
    kind: str  # requires / prefers
    charge: str
    over: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    source: str
    quote: str
    reason: str

    def fires(self, text: str) -> bool:
        """``prefers``: every cue is present; ``requires``: none of the required cues is present."""
        if self.kind == "prefers":
            return all(p.search(text) for p in self.patterns)
        return not any(p.search(text) for p in self.patterns)

    def effects(self) -> dict[str, float]:
        """The signed indicator per charge when the rule fires: +1 for the preferred charge, -1 for those it
        displaces or for a charge whose required act is missing."""
        if self.kind == "prefers":
            return {self.charge: 1.0, **dict.fromkeys(self.over, -1.0)}
        return {self.charge: -1.0}


class ChargeRules:
    """The versioned rule set (``version`` is the data file's), loaded once."""

    def __init__(self, rules: Sequence[ChargeRule], version: str) -> None:
        self.rules = list(rules)
        self.version = version

    @classmethod
    @cache
    def load(cls) -> ChargeRules:
        """The rules shipped with Leian."""
        data = json.loads(_DATA.read_text(encoding="utf-8"))
        if data.get("format") != _FORMAT:
            raise ValueError(f"{_DATA}: unsupported rule format {data.get('format')!r}")
        rules = []
        for r in data["rules"]:
            if r["kind"] not in ("requires", "prefers"):
                raise ValueError(f"{_DATA}: rule {r['id']} has unknown kind {r['kind']!r}")
            rules.append(
                ChargeRule(
                    id=r["id"],
                    kind=r["kind"],
                    charge=r["charge"],
                    over=tuple(r.get("over", ())),
                    patterns=tuple(re.compile(p) for p in r["patterns"]),
                    source=r["source"],
                    quote=r["quote"],
                    reason=r["reason"],
                )
            )
        return cls(rules, data["version"])

    def fired(self, text: str) -> list[int]:
        """Numbers of the rules that fire on ``text`` (facts with charge names already removed)."""
        return [n for n, rule in enumerate(self.rules) if rule.fires(text)]


#: Longest charge name written before a 罪 that :func:`strip_charge_names` looks back for.
_MAX_NAME = 24


def strip_charge_names(text: str) -> str:
    """``text`` without the charges it names as charges (盗窃罪, 贩卖毒品罪 …): a pending case's facts do not name
    their charge, so neither the cues nor the classifier may read it where a judgment does. 犯罪所得 and other
    words with 罪 that are not a charge's name stay."""
    cuts: list[tuple[int, int]] = []
    for m in re.finditer("罪", text):
        end = m.start()
        for length in range(min(_MAX_NAME, end - (cuts[-1][1] if cuts else 0)), 1, -1):  # longest name first
            if normalise_charge(text[end - length : end]):
                cuts.append((end - length, end + 1))
                break
    if not cuts:
        return text
    out, last = [], 0
    for start, stop in cuts:
        out.append(text[last:start])
        last = stop
    out.append(text[last:])
    return "".join(out)

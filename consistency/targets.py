"""The outcome a model predicts, in comparable units, and the canonical charge a case is grouped under.

Prison terms are compared on months; life imprisonment and death are categories, not sentinel months (the CAIL2018
codes -1 and -2 are used only where its score asks for them). A judgment with an outcome but no prison term (单处罚金,
免予刑事处罚, CAIL's term 0) has a term of 0 months.
"""

from __future__ import annotations

from dataclasses import dataclass

from corpus.charges import normalise_charge
from corpus.model import Judgment, Outcome

__all__ = ["DEATH", "LIFE", "TERM", "Target", "canonical_charge", "primary_charge", "target_of"]

TERM, LIFE, DEATH = "term", "life", "death"


@dataclass(frozen=True)
class Target:
    """What a defendant received: a kind (term / life / death), the months of a term, probation, fine."""

    kind: str
    months: float = 0.0
    probation_months: float = 0.0
    fine_yuan: float = 0.0

    @property
    def cail_months(self) -> float:
        """Months in the CAIL2018 coding (life = -1, death = -2)."""
        return {LIFE: -1.0, DEATH: -2.0}.get(self.kind, self.months)


def target_of(outcome: Outcome | None) -> Target | None:
    """The comparable outcome of one defendant; ``None`` without an outcome."""
    if outcome is None:
        return None
    kind = DEATH if outcome.death else LIFE if outcome.life else TERM
    return Target(
        kind=kind,
        months=float(outcome.imprisonment_months or 0) if kind == TERM else 0.0,
        probation_months=float(outcome.probation_months or 0),
        fine_yuan=float(outcome.fine_yuan or 0),
    )


def canonical_charge(name: str) -> str:
    """One spelling per charge (the official name when the charge catalogue knows it)."""
    return normalise_charge(name) or name.strip().removesuffix("罪")


def primary_charge(doc: Judgment) -> str:
    """The charge (or cause) a case is grouped under: its first, canonically spelt; "" when none."""
    return canonical_charge(doc.charges[0]) if doc.charges else ""

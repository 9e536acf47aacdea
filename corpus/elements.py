"""Legal elements extracted from judgment text — one import point for the extractors of the small modules."""

from __future__ import annotations

from corpus.amounts import extract_amounts
from corpus.charges import charges_from_title, extract_causes, extract_charges, normalise_charge
from corpus.circumstances import CIRCUMSTANCES, extract_circumstances
from corpus.outcomes import extract_outcomes
from corpus.statutes import CRIMINAL_LAW, extract_statutes, normalise_law_name

__all__ = [
    "CIRCUMSTANCES",
    "CRIMINAL_LAW",
    "charges_from_title",
    "extract_amounts",
    "extract_causes",
    "extract_charges",
    "extract_circumstances",
    "extract_outcomes",
    "extract_statutes",
    "normalise_charge",
    "normalise_law_name",
]

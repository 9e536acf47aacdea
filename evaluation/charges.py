"""How well Leian infers charges from facts alone: accuracy and calibration on facts whose charges are known.

Two sets, neither used to fit anything: the 77 LeCaRD development queries (fact + the alleged charges) and the
CAIL2018 test facts (``meta.accusation``; most of their charges are rare in the development corpus, so they are
also reported restricted to the charges the model knows). Each fact is searched as a judge would type it; the
inferred charge distribution is read from the query analysis.

- top-1 accuracy: the most probable charge is one of the case's charges;
- calibration: expected calibration error (ten equal-width bins) of the top-1 probability against being right,
  and the Brier score of every reported charge probability against whether the case has that charge.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from corpus.charges import normalise_charge
from leian.settings import Settings
from retrieval.searcher import Query, Searcher

__all__ = ["ChargeScores", "charge_facts", "charges_section", "score_inference"]


@dataclass(frozen=True)
class ChargeScores:
    """Accuracy and calibration of the inferred charges on one set of facts."""

    cases: int
    top1: float
    mean_confidence: float
    ece: float
    brier: float


def _truth(names: Iterable[str]) -> set[str]:
    return {normalise_charge(c) or c.removesuffix("罪") for c in names}


def charge_facts(settings: Settings) -> dict[str, list[tuple[str, set[str]]]]:
    """(facts, charges) of the LeCaRD development queries and the CAIL2018 test set."""
    root = settings.data
    lecard = [json.loads(line) for line in (root / "lecard" / "queries.jsonl").read_text("utf-8").splitlines() if line]
    cail = [json.loads(line) for line in (root / "cail2018" / "data_test.json").read_text("utf-8").splitlines() if line]
    return {
        "lecard": [(q["fact"], _truth(q["charges"])) for q in lecard if q.get("charges")],
        "cail2018": [(r["fact"], _truth(r["meta"]["accusation"])) for r in cail],
    }


def score_inference(searcher: Searcher, facts: Sequence[tuple[str, set[str]]]) -> ChargeScores:
    """Infer the charges of every fact description and score them."""
    confidence, right, brier = [], [], []
    for text, truth in facts:
        inferred = searcher.search(Query(text), k=1, explain=False).analysis.charges
        best = max(inferred, key=lambda c: inferred[c]) if inferred else None
        confidence.append(inferred.get(best, 0.0) if best else 0.0)
        right.append(best in truth)
        brier.append(np.mean([(p - (c in truth)) ** 2 for c, p in inferred.items()] or [0.0]))
    conf, ok = np.array(confidence), np.array(right, dtype=float)
    bins = np.minimum((conf * 10).astype(int), 9)
    ece = sum((bins == b).mean() * abs(conf[bins == b].mean() - ok[bins == b].mean()) for b in set(bins.tolist()))
    return ChargeScores(len(facts), float(ok.mean()), float(conf.mean()), float(ece), float(np.mean(brier)))


def charges_section(searcher: Searcher, settings: Settings) -> str:
    """The Markdown table of charge-inference accuracy and calibration."""
    sets = charge_facts(settings)
    known = set(searcher.index.charge_model.labels)
    rows = [
        ("LeCaRD development queries", sets["lecard"]),
        ("CAIL2018 test, all", sets["cail2018"]),
        ("CAIL2018 test, charges the corpus has", [f for f in sets["cail2018"] if f[1] & known]),
    ]
    lines = [
        "| facts (charges known) | cases | top-1 accuracy | mean top-1 probability | calibration error (ECE) | Brier |",
        "|---|---|---|---|---|---|",
    ]
    for name, facts in rows:
        s = score_inference(searcher, facts)
        lines.append(
            f"| {name} | {s.cases:,} | {s.top1:.3f} | {s.mean_confidence:.3f} | {s.ece:.3f} | {s.brier:.3f} |"
        )
    return "\n".join(lines)

"""Cross-validated retrieval quality on the LeCaRD development split: the headline of BENCHMARKS.md.

Every query ranks its pool (the protocol of ../shared/docs/DATA.md). The score components of every pool member
are collected once per setting (they do not depend on the fusion weights); then, for each of the seven folds of
``evaluation/data/lecard_folds.json``, the weights of the fusion model (:class:`~retrieval.ranker.Ranker`) and its
regularisation are chosen on the other six folds only — the penalty by an inner cross-validation over those six —
and the held-out fold is ranked with it. The scored fold is never seen by anything fitted on it: the charge model
is trained on the corpus's judgments, never on queries or relevance labels. The in-sample figure ranks every query
with the model fitted on all of them; the gap between the two is what a query the system has not seen loses.

The fold assignment is fixed and written down: queries sorted by (several alleged charges or not, SHA-256 of the
id) and dealt to the folds in turn, so the multi-charge queries spread evenly.
"""

from __future__ import annotations

import hashlib
import json
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from evaluation.metrics import score_run
from retrieval.fusion import COMPONENTS
from retrieval.ranker import Ranker, preference_pairs
from retrieval.searcher import Query, Searcher

__all__ = [
    "EXCLUDED",
    "FOLDS_FILE",
    "PENALTIES",
    "CrossValidation",
    "Group",
    "collect_groups",
    "cross_validate",
    "hard_queries",
    "load_folds",
    "write_folds",
]

FOLDS_FILE = Path(__file__).parent / "data" / "lecard_folds.json"
N_FOLDS = 7
#: The L2 strengths the inner cross-validation chooses from.
PENALTIES = (1e-2, 1e-1, 1.0)
#: Components never weighted: the dense model's recipe was chosen by its score on this very split (see
#: models/leian-static-zh/README.md), so no weight fitted here could be honest; it still supplies candidates.
EXCLUDED = ("dense",)
METRICS = ("NDCG@10", "NDCG@20", "NDCG@30", "MAP", "P@5")


@dataclass
class Group:
    """One query's pool: candidate ids, their component matrix (columns of :data:`COMPONENTS`) and grades."""

    ids: list[str]
    values: np.ndarray
    grades: np.ndarray


@dataclass
class CrossValidation:
    """The outcome of :func:`cross_validate`."""

    run: dict[str, list[str]]  # every query ranked by the model of the folds it was not in
    in_sample: dict[str, list[str]]  # every query ranked by the model fitted on all queries
    fold_scores: list[dict[str, float]]
    penalties: list[float]  # the penalty chosen in each fold
    ranker: Ranker  # fitted on all queries, with the penalty the cross-validation over all of them chooses


def write_folds(queries: Sequence[Mapping], path: Path = FOLDS_FILE, folds: int = N_FOLDS) -> dict[str, int]:
    """Assign the queries to folds (see the module docstring) and write the assignment."""
    order = sorted(
        queries, key=lambda q: (len(q.get("charges") or ()) < 2, hashlib.sha256(str(q["id"]).encode()).hexdigest())
    )
    assignment = {str(q["id"]): n % folds for n, q in enumerate(order)}
    body = {
        "folds": folds,
        "how": "queries sorted by (fewer than two alleged charges, sha256 of the id), dealt to folds in turn",
        "assignment": dict(sorted(assignment.items())),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(body, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return assignment


def load_folds(path: Path = FOLDS_FILE) -> dict[str, int]:
    """query id → fold, as written by :func:`write_folds`."""
    return {q: int(f) for q, f in json.loads(path.read_text(encoding="utf-8"))["assignment"].items()}


def collect_groups(
    searcher: Searcher,
    queries: Sequence[Mapping],
    qrels: Mapping[str, Mapping[str, int]],
    pools: Mapping[str, Sequence[str]],
    with_charges: bool,
) -> dict[str, Group]:
    """Every pool member's score components, per query (fact only, or with the alleged charges)."""
    out = {}
    for q in queries:
        pool = pools[q["id"]]
        query = Query(
            q["fact"], tuple(q.get("charges") or ()) if with_charges else (), candidates=frozenset(pool), id=q["id"]
        )
        hits = searcher.search(query, k=len(pool), explain=False).hits
        ids = [h.id for h in hits]
        values = np.array([[h.components.get(c, 0.0) for c in COMPONENTS] for h in hits], dtype=np.float64)
        grades = np.array([qrels.get(q["id"], {}).get(i, 0) for i in ids], dtype=np.float64)
        out[q["id"]] = Group(ids, values.reshape(len(ids), len(COMPONENTS)), grades)
    return out


def _rank(groups: Mapping[str, Group], ranker: Ranker, qids: Sequence[str]) -> dict[str, list[str]]:
    weights = ranker.vector(COMPONENTS)
    run = {}
    for q in qids:
        g = groups[q]
        scores = g.values @ weights
        run[q] = [g.ids[n] for n in sorted(range(len(g.ids)), key=lambda n: (-scores[n], g.ids[n]))]
    return run


def _objective(scores: Mapping[str, float]) -> float:
    """What the hyper-parameters are chosen for: the two metrics that separate systems on LeCaRD."""
    return (scores["NDCG@10"] + scores["MAP"]) / 2


class _Fitter:
    """Fits rankers on subsets of the queries, from preference pairs computed once per query."""

    def __init__(self, groups: Mapping[str, Group]) -> None:
        self.groups = groups
        self.pairs = {q: preference_pairs(g.values, g.grades) for q, g in groups.items()}

    def fit(self, qids: Sequence[str], used: Sequence[str], penalty: float) -> Ranker:
        columns = [COMPONENTS.index(c) for c in used]
        pairs = [(self.pairs[q][0][:, columns], self.pairs[q][1]) for q in qids]
        ranker = Ranker.fit_pairs(pairs, used, penalty)
        return Ranker({**dict.fromkeys(COMPONENTS, 0.0), **ranker.weights}, info={"penalty": penalty})

    def choose(
        self, qrels: Mapping[str, Mapping[str, int]], qids: Sequence[str], folds: Mapping[str, int], used: list[str]
    ) -> float:
        """The penalty with the best inner cross-validated objective over ``qids`` (leaving one of their folds out
        at a time)."""
        inner = sorted({folds[q] for q in qids})
        best: tuple[float, float] | None = None
        for penalty in PENALTIES:
            run: dict[str, list[str]] = {}
            for f in inner:
                train = [q for q in qids if folds[q] != f]
                run.update(_rank(self.groups, self.fit(train, used, penalty), [q for q in qids if folds[q] == f]))
            value = _objective(score_run(run, {q: qrels[q] for q in qids}))
            if best is None or value > best[0] + 1e-9:
                best = (value, penalty)
        assert best is not None
        return best[1]


def cross_validate(
    groups: Mapping[str, Group],
    qrels: Mapping[str, Mapping[str, int]],
    folds: Mapping[str, int],
    drop: Sequence[str] = (),
) -> CrossValidation:
    """Nested cross-validation of the fusion model over ``groups``, without the components named in ``drop`` (nor
    those :data:`EXCLUDED`): in each fold the penalty is chosen, and the weights fitted, on the other folds."""
    used = [c for c in COMPONENTS if c not in drop and c not in EXCLUDED]
    fitter = _Fitter(groups)
    qids = sorted(groups)
    run: dict[str, list[str]] = {}
    fold_scores, penalties = [], []
    for f in sorted({folds[q] for q in qids}):
        train = [q for q in qids if folds[q] != f]
        test = [q for q in qids if folds[q] == f]
        penalty = fitter.choose(qrels, train, folds, used)
        fold_run = _rank(groups, fitter.fit(train, used, penalty), test)
        run.update(fold_run)
        fold_scores.append(score_run(fold_run, {q: qrels[q] for q in test}))
        penalties.append(penalty)
    ranker = fitter.fit(qids, used, fitter.choose(qrels, qids, folds, used))
    return CrossValidation(run, _rank(groups, ranker, qids), fold_scores, penalties, ranker)


def hard_queries(
    queries: Sequence[Mapping], qrels: Mapping[str, Mapping[str, int]], charges_of: Callable[[str], Sequence[str]]
) -> set[str]:
    """Queries with several alleged charges, or whose relevant candidates (grade ≥ 1) are mostly cases of other
    charges: where the charge is hard to infer and a wrong guess costs most."""
    from corpus.charges import normalise_charge

    hard = set()
    for q in queries:
        alleged = {normalise_charge(c) or c.removesuffix("罪") for c in q.get("charges") or ()}
        relevant = [d for d, g in qrels.get(q["id"], {}).items() if g >= 1]
        sharing = sum(1 for d in relevant if alleged & set(charges_of(d)))
        if len(alleged) >= 2 or sharing < 0.5 * len(relevant):
            hard.add(q["id"])
    return hard


def spread(fold_scores: Sequence[Mapping[str, float]], metric: str) -> float:
    """Standard deviation of a metric across folds."""
    return statistics.pstdev(s[metric] for s in fold_scores)

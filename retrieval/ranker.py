"""The learned fusion model: one non-negative weight per score component, fitted on graded relevance.

Two sets of weights: one for queries whose charges Leian inferred (a guess, so the charge evidence may deserve
less weight) and one for queries whose charges the judge gave or a draft states.

A linear model over the components of :mod:`retrieval.fusion` (each scaled to [0, 1] per query), trained with a
pairwise logistic loss: for every two candidates of a query with different grades, the better one should score
higher, each pair weighted by the difference of grades (the linear gain NDCG rewards) and every query counting
equally. An L2 penalty keeps the seven weights small where the data is thin; weights are non-negative, so no
evidence a judge reads as "similar" ever pushes a case down. The model is a small directory (``ranker.json``)
recorded with each index; Leian ships the one fitted on the LeCaRD development split
(``retrieval/data/ranker.json``), written by ``leian eval --write-ranker``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from scipy import optimize

__all__ = ["DEFAULT_RANKER", "Ranker", "preference_pairs"]

_FORMAT = "leian-ranker/1"
#: The ranker Leian ships, fitted on the LeCaRD development split.
DEFAULT_RANKER = resources.files("retrieval") / "data" / "ranker.json"


@dataclass(frozen=True)
class Ranker:
    """Weights per component name (absent components weigh 0) and how they were obtained.

    ``weights`` rank queries whose charges were inferred (or are unknown); ``given`` those whose charges the judge
    gave or a draft states (``None``: the same weights).
    """

    weights: Mapping[str, float]
    given: Mapping[str, float] | None = None
    info: Mapping[str, Any] = field(default_factory=dict)

    def vector(self, components: Sequence[str], given: bool = False) -> np.ndarray:
        """The weights in the order of ``components`` (those for given charges when ``given``)."""
        weights = self.given if given and self.given is not None else self.weights
        return np.array([float(weights.get(name, 0.0)) for name in components])

    @property
    def fingerprint(self) -> str:
        """A short hash of the weights, recorded in the index manifest."""
        payload = json.dumps([dict(sorted(self.weights.items())), dict(sorted((self.given or {}).items()))]).encode()
        return hashlib.sha256(payload).hexdigest()[:12]

    # --- training ------------------------------------------------------------------------------------
    @classmethod
    def fit(
        cls,
        groups: Sequence[tuple[np.ndarray, np.ndarray]],
        components: Sequence[str],
        penalty: float,
        info: Mapping[str, Any] | None = None,
    ) -> Ranker:
        """Fit on ``groups`` of (component matrix, grades), one per query; ``penalty`` is the L2 strength.

        Weights are rescaled so the largest is 1 (only their ratios rank).
        """
        return cls.fit_pairs([preference_pairs(v, g) for v, g in groups], components, penalty, info)

    @classmethod
    def fit_pairs(
        cls,
        pairs: Sequence[tuple[np.ndarray, np.ndarray]],
        components: Sequence[str],
        penalty: float,
        info: Mapping[str, Any] | None = None,
    ) -> Ranker:
        """:meth:`fit` from each query's :func:`preference_pairs` (computed once when fitting many times)."""
        kept = [(d, w) for d, w in pairs if len(d)]
        if not kept:
            raise ValueError("no query has candidates of different grades to learn from")
        x = np.vstack([d for d, _ in kept])
        w = np.concatenate([w for _, w in kept]) / len(kept)  # every query counts equally

        def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
            margin = x @ theta
            value = float(w @ np.logaddexp(0.0, -margin)) + 0.5 * penalty * float(theta @ theta)
            grad = -(x.T @ (w * _sigmoid(-margin))) + penalty * theta
            return value, grad

        start = np.full(x.shape[1], 0.1)
        result = optimize.minimize(loss, start, jac=True, method="L-BFGS-B", bounds=[(0.0, None)] * x.shape[1])
        theta = result.x / max(float(result.x.max()), 1e-12)
        return cls({name: round(float(v), 4) for name, v in zip(components, theta, strict=True)}, info=dict(info or {}))

    # --- persistence ---------------------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        """Write ``directory/ranker.json``."""
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / "ranker.json.tmp"
        body = {"format": _FORMAT, "weights": dict(self.weights), "given": self.given and dict(self.given)}
        body["info"] = dict(self.info)
        tmp.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        tmp.replace(directory / "ranker.json")

    @classmethod
    def load(cls, path: Path | Any) -> Ranker:
        """The ranker in ``path`` (a directory holding ranker.json, or the file itself)."""
        file = path / "ranker.json" if isinstance(path, Path) and path.is_dir() else path
        data = json.loads(file.read_text(encoding="utf-8"))
        if data.get("format") != _FORMAT:
            raise ValueError(f"{file}: unsupported ranker format {data.get('format')!r}")
        return cls(data["weights"], data.get("given"), data.get("info", {}))

    @classmethod
    def default(cls) -> Ranker:
        """The ranker Leian ships."""
        return cls.load(DEFAULT_RANKER)


def preference_pairs(values: np.ndarray, grades: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One query's training pairs: the component differences (better − worse) of every two candidates with
    different grades, and each pair's weight (its difference of grades, summing to 1 over the query)."""
    better, worse = np.nonzero(grades[:, None] > grades[None, :])
    gain = (grades[better] - grades[worse]).astype(np.float64)
    return values[better] - values[worse], gain / gain.sum() if len(gain) else gain


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))

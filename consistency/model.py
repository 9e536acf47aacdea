"""The expected outcome of a case from its legal elements and its similar cases, with a calibrated interval.

* Point estimate: gradient boosting on log(1 + months) of the cases sentenced to a term, over the design matrix of
  :mod:`consistency.design` (charge, sentencing statistics of the charge and the cited provisions, statutory range,
  drivers, circumstances, court level, province). No term at all (免予刑事处罚, 单处罚金) and life imprisonment or
  death are separate classifiers, not sentinel months: a zero among the terms would drag every estimate down.
* Interval: normalised split-conformal. Out-of-fold residuals are divided by a learnt spread (a second model of
  the absolute residual), and the interval is the prediction ± the nominal quantile of those ratios, so wide charges
  get wide intervals and the coverage holds on average.
* Similar cases: the training cases with the same charge, nearest in the standardised elements; they are the
  evidence a flag rests on, and fewer than :data:`MIN_SIMILAR` of them means "not enough similar cases".
* Probation and fine: the share of the similar cases that were suspended, and their median fine.
"""

from __future__ import annotations

import math
import pickle
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.model_selection import KFold
from threadpoolctl import threadpool_limits

from consistency.design import CaseElements, DesignSpace
from consistency.statutory import Penalty
from consistency.targets import DEATH, LIFE, TERM, Target

__all__ = ["MIN_SIMILAR", "NOMINAL", "Expectation", "OutcomeModel"]

#: Fewer cases of the same charge than this and the model answers "not enough similar cases".
MIN_SIMILAR = 10
#: Nominal coverage of the interval.
NOMINAL = 0.8
_EVIDENCE = 5
#: Above this probability of no prison term at all, the expected term is 0 months.
_NO_TERM = 0.5
_FOLDS = 3
_FORMAT = "leian-outcome-model/3"  # 2: a no-term classifier beside the term model; 3: Code-section statistics
#: OpenMP threads for the boosting models. On the two shared cores Leian targets, more threads spin-wait against
#: each other and the other processes: one thread fitted 3,000 cases in 24 s where the default took minutes.
THREADS = 1


@dataclass
class Expectation:
    """What similar cases lead one to expect for a case."""

    kind: str  # term / life / death, or "" when there are not enough similar cases
    expected_months: float | None
    interval_months: tuple[float, float] | None
    n_similar: int
    evidence: list[str] = field(default_factory=list)
    neighbour_median_months: float | None = None
    probation_share: float | None = None
    expected_fine_yuan: float | None = None
    life_death_probability: float = 0.0
    no_term_probability: float = 0.0  # 免予刑事处罚 or 单处罚金, given that the sentence is not life or death
    log_spread: float = 0.0  # the learnt spread of log(1 + months) for such a case

    @property
    def enough(self) -> bool:
        """Whether enough similar cases support an expectation."""
        return self.expected_months is not None or self.kind in (LIFE, DEATH)


class OutcomeModel:
    """Fit on decided cases, predict the expected outcome of new ones; save/load as a directory."""

    def __init__(self, penalties: dict[int, Penalty] | None = None, seed: int = 0) -> None:
        self.space = DesignSpace(penalties=dict(penalties or {}))
        self.seed = seed
        self.point: HistGradientBoostingRegressor | None = None
        self.spread: HistGradientBoostingRegressor | None = None
        self.grave: HistGradientBoostingClassifier | None = None
        self.no_term: HistGradientBoostingClassifier | None = None
        self.conformal_q = 1.0
        self.ids: list[str] = []
        self.targets: list[Target] = []
        self.groups: dict[str, np.ndarray] = {}
        self.scaled: np.ndarray = np.zeros((0, 0), dtype=np.float32)
        self.scale_mean: np.ndarray = np.zeros(0)
        self.scale_std: np.ndarray = np.ones(0)

    # --- training ------------------------------------------------------------------------------------
    def fit(self, cases: Sequence[CaseElements], targets: Sequence[Target]) -> OutcomeModel:
        """Learn from decided cases (``targets`` aligned with ``cases``)."""
        with threadpool_limits(THREADS, user_api="openmp"):
            return self._fit(cases, targets)

    def _fit(self, cases: Sequence[CaseElements], targets: Sequence[Target]) -> OutcomeModel:
        if len(cases) != len(targets):
            raise ValueError("cases and targets differ in length")
        y = np.array([math.log1p(t.months) if t.kind == TERM else np.nan for t in targets])
        sentenced = np.isfinite(y)
        term = sentenced & (y > 0)
        if term.sum() < MIN_SIMILAR:
            raise ValueError(f"too few decided cases with a prison term to learn from ({int(term.sum())})")
        self.space.fit(cases, np.where(term, y, np.nan))
        x = self.space.transform(cases)
        oof = np.zeros(len(y))
        rows = np.where(term)[0]
        for train, held in KFold(_FOLDS, shuffle=True, random_state=self.seed).split(rows):
            oof[rows[held]] = self._regressor().fit(x[rows[train]], y[rows[train]]).predict(x[rows[held]])
        self.point = self._regressor().fit(x[term], y[term])
        residual = np.abs(y[term] - oof[term])
        self.spread = self._regressor(max_iter=100).fit(x[term], residual)
        sigma = np.maximum(self.spread.predict(x[term]), 0.05)
        self.conformal_q = float(np.quantile(residual / sigma, NOMINAL))
        grave = ~sentenced
        if grave.sum() >= 5:
            self.grave = self._classifier().fit(x, grave.astype(int))
        none = sentenced & ~term
        if none.sum() >= 5:
            self.no_term = self._classifier().fit(x[sentenced], none[sentenced].astype(int))
        self.ids = [c.id for c in cases]
        self.targets = list(targets)
        groups: dict[str, list[int]] = defaultdict(list)
        for i, c in enumerate(cases):
            groups[c.charge].append(i)
        self.groups = {k: np.array(v) for k, v in groups.items()}
        numeric = x[:, 3:]
        self.scale_mean = numeric.mean(axis=0)
        self.scale_std = numeric.std(axis=0) + 1e-6
        self.scaled = ((numeric - self.scale_mean) / self.scale_std).astype(np.float32)
        return self

    def _regressor(self, max_iter: int = 200) -> HistGradientBoostingRegressor:
        return HistGradientBoostingRegressor(
            max_iter=max_iter, learning_rate=0.1, categorical_features=self.space.categorical, random_state=self.seed
        )

    def _classifier(self) -> HistGradientBoostingClassifier:
        return HistGradientBoostingClassifier(
            max_iter=100, learning_rate=0.1, categorical_features=self.space.categorical, random_state=self.seed
        )

    def _probabilities(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """P(life or death) and P(no term | a term-kind sentence) of the rows of ``x``."""
        zeros = np.zeros(len(x))
        grave = self.grave.predict_proba(x)[:, 1] if self.grave is not None else zeros
        none = self.no_term.predict_proba(x)[:, 1] if self.no_term is not None else zeros
        return grave, none

    # --- prediction ----------------------------------------------------------------------------------
    def predict_log(self, cases: Sequence[CaseElements]) -> np.ndarray:
        """log(1 + expected months) of every case, whatever the sample size (for effects and benchmarks)."""
        if self.point is None:
            raise ValueError("the outcome model is not trained")
        with threadpool_limits(THREADS, user_api="openmp"):
            return self.point.predict(self.space.transform(cases))

    def point_estimates(self, cases: Sequence[CaseElements]) -> tuple[np.ndarray, np.ndarray]:
        """Expected months and the probability of life/death for every case, whatever the sample size."""
        if self.point is None:
            raise ValueError("the outcome model is not trained")
        x = self.space.transform(cases)
        with threadpool_limits(THREADS, user_api="openmp"):
            months = np.expm1(np.maximum(self.point.predict(x), 0.0))
            grave, none = self._probabilities(x)
        return np.where(none > _NO_TERM, 0.0, months), grave

    def predict(self, cases: Sequence[CaseElements], exclude: Sequence[str] = ()) -> list[Expectation]:
        """The expectation of each case; ``exclude`` keeps ids (the cases themselves) out of the evidence."""
        if self.point is None or self.spread is None:
            raise ValueError("the outcome model is not trained")
        if not cases:
            return []
        x = self.space.transform(cases)
        with threadpool_limits(THREADS, user_api="openmp"):
            mu = self.point.predict(x)
            sigma = np.maximum(self.spread.predict(x), 0.05)
            grave, none = self._probabilities(x)
        scaled = ((x[:, 3:] - self.scale_mean) / self.scale_std).astype(np.float32)
        skip = set(exclude)
        out = []
        for i, case in enumerate(cases):
            similar = self._similar(case.charge, scaled[i], skip)
            out.append(self._expectation(similar, float(mu[i]), float(sigma[i]), float(grave[i]), float(none[i])))
        return out

    def _similar(self, charge: str, row: np.ndarray, skip: set[str]) -> list[int]:
        group = self.groups.get(charge)
        if group is None:
            return []
        if skip:
            group = np.array([g for g in group if self.ids[g] not in skip], dtype=int)
        if not len(group):
            return []
        distance = ((self.scaled[group] - row) ** 2).sum(axis=1)
        return group[np.argsort(distance, kind="stable")].tolist()

    def _expectation(self, similar: list[int], mu: float, sigma: float, grave: float, none: float) -> Expectation:
        n = len(similar)
        evidence = [self.ids[j] for j in similar[:_EVIDENCE]]
        if n < MIN_SIMILAR:
            return Expectation("", None, None, n, evidence, life_death_probability=round(grave, 3))
        near = [self.targets[j] for j in similar[: max(MIN_SIMILAR, 2 * _EVIDENCE)]]
        terms = [t.months for t in near if t.kind == TERM]
        fines = [t.fine_yuan for t in near if t.fine_yuan > 0]
        grave_kinds = [t.kind for t in near if t.kind != TERM]
        kind = TERM
        if grave > 0.5:
            kind = max(set(grave_kinds), key=grave_kinds.count) if grave_kinds else LIFE
        half = self.conformal_q * sigma
        low, high = math.expm1(max(mu - half, 0.0)), math.expm1(mu + half)
        if none >= 1 - NOMINAL:  # "no term" alone carries the missing share of the interval's mass
            low = 0.0
        return Expectation(
            kind=kind,
            expected_months=0.0 if none > _NO_TERM else round(math.expm1(max(mu, 0.0)), 1),
            interval_months=(round(low, 1), round(high, 1)),
            n_similar=n,
            evidence=evidence,
            neighbour_median_months=float(np.median(terms)) if terms else None,
            probation_share=round(sum(t.probation_months > 0 for t in near) / len(near), 2),
            expected_fine_yuan=float(np.median(fines)) if fines else None,
            life_death_probability=round(grave, 3),
            no_term_probability=round(none, 3),
            log_spread=round(sigma, 4),
        )

    # --- persistence ---------------------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        """Write the model to ``directory`` (one pickle with a format tag; scikit-learn models pickle)."""
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / "model.pkl.tmp"
        with tmp.open("wb") as f:
            pickle.dump({"format": _FORMAT, "model": self}, f)
        tmp.replace(directory / "model.pkl")

    @classmethod
    def load(cls, directory: Path) -> OutcomeModel:
        """A model saved by :meth:`save` (only load directories you wrote: pickles execute code)."""
        with (directory / "model.pkl").open("rb") as f:
            data = pickle.load(f)
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            raise ValueError(f"{directory}: not a {_FORMAT} model")
        return data["model"]

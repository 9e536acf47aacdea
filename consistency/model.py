"""The expected outcome of a case from its legal elements and its similar cases, with a calibrated interval.

* Point estimate: gradient boosting on log(1 + months) of the cases sentenced to a term, over the design matrix of
  :mod:`consistency.design` (charge, sentencing statistics of the charge and the cited provisions, statutory range,
  drivers, circumstances, court level, province, and what the wording of the facts predicts:
  :mod:`consistency.fact_text`). No term at all (免予刑事处罚, 单处罚金) and life imprisonment or
  death are separate classifiers, not sentinel months: a zero among the terms would drag every estimate down.
* Interval: normalised split-conformal. Out-of-fold residuals are divided by a learnt spread (a second model of
  the absolute residual), and the interval is the prediction ± the nominal quantile of those ratios, so wide charges
  get wide intervals and the coverage holds on average.
* The law bounds it: the tier of the charge the facts select and the range the statute allows
  (:mod:`consistency.legal_frame`) are features of the model, and the point and the whole interval are moved inside
  that range; life or death is expected only where the tier allows it. Several charges: each charge's expectation
  in its own tier, and the range of the combined sentence under 刑法第六十九条.
* Similar cases: the training cases with the same charge, nearest in the standardised elements; they are the
  evidence a flag rests on. Fewer than :data:`MIN_SIMILAR` of them still gives an expectation — from the law and
  the whole corpus, with a wider interval, and saying so — but no flag.
* The kind of penalty (死刑, 无期徒刑, 有期徒刑, 拘役, or no prison term: 免予刑事处罚 / 单处罚金), the probability of
  缓刑 where the law allows it (刑法第七十二条: 拘役 or at most three years; 第七十四条: never for 累犯), and the
  median fine of the similar cases.
"""

from __future__ import annotations

import math
import pickle
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.model_selection import KFold
from threadpoolctl import threadpool_limits

from consistency.design import CaseElements, DesignSpace
from consistency.legal_frame import LegalFrame, guided, guideline_calculation
from consistency.statutory import Penalty
from consistency.targets import DEATH, LIFE, TERM, Target
from law.penalties import combined_term

__all__ = ["MIN_SIMILAR", "NOMINAL", "Expectation", "OutcomeModel"]

#: Fewer cases of the same charge than this and the expectation rests on the law and the whole corpus: it is given
#: with a wider interval, but no deviation is flagged on it.
MIN_SIMILAR = 10
#: How much wider (in log months) the interval is when few similar cases support it.
_THIN_WIDENING = 1.5
#: 缓刑 is lawful for 拘役 and for 有期徒刑 of at most three years (刑法第七十二条), never for 累犯 (第七十四条).
_PROBATION_MAX = 36.0
#: Nominal coverage of the interval.
NOMINAL = 0.8
_EVIDENCE = 5
#: Above this probability of no prison term at all, the expected term is 0 months.
_NO_TERM = 0.5
_FOLDS = 3
#: 4: the statutory frame, a probation classifier; 5: the sentencing guideline; 6: the text of the facts
_FORMAT = "leian-outcome-model/6"
#: OpenMP threads for the boosting models. On the two shared cores Leian targets, more threads spin-wait against
#: each other and the other processes: one thread fitted 3,000 cases in 24 s where the default took minutes.
THREADS = 1


@dataclass
class Expectation:
    """What the law and similar cases lead one to expect for a case."""

    kind: str  # term / life / death
    expected_months: float | None  # None for life or death
    interval_months: tuple[float, float] | None
    n_similar: int
    evidence: list[str] = field(default_factory=list)
    #: The term to expect should a prison term be imposed (it differs from ``expected_months`` where no term at all
    #: is the likelier outcome): a decided prison term is measured against it. None for life or death.
    term_months: float | None = None
    neighbour_median_months: float | None = None
    probation_share: float | None = None
    expected_fine_yuan: float | None = None
    life_death_probability: float = 0.0
    no_term_probability: float = 0.0  # 免予刑事处罚 or 单处罚金, given that the sentence is not life or death
    log_spread: float = 0.0  # the learnt spread of log(1 + months) for such a case
    penalty: str = ""  # 死刑 / 无期徒刑 / 有期徒刑 / 拘役 / 免予刑事处罚或单处罚金
    probation_probability: float = 0.0  # 0 where the law does not allow 缓刑
    lawful_months: tuple[float, float] | None = None  # the range the statute allows this case (None: not known)
    tier: str = ""  # the tier and how it was chosen, with its article
    charge_terms: list[dict[str, Any]] = field(default_factory=list)  # several charges: each one's expectation
    combined_months: tuple[float, float] | None = None  # several charges: 刑法第六十九条's range
    guideline: dict[str, Any] | None = None  # the sentencing guideline's calculation, step by step
    notes: list[str] = field(default_factory=list)

    @property
    def enough(self) -> bool:
        """Whether enough similar cases support the expectation for a deviation to be flagged on it."""
        return self.n_similar >= MIN_SIMILAR


class OutcomeModel:
    """Fit on decided cases, predict the expected outcome of new ones; save/load as a directory."""

    def __init__(self, penalties: dict[int, Penalty] | None = None, seed: int = 0) -> None:
        self.space = DesignSpace(penalties=dict(penalties or {}))
        self.seed = seed
        self.point: HistGradientBoostingRegressor | None = None
        self.spread: HistGradientBoostingRegressor | None = None
        self.grave: HistGradientBoostingClassifier | None = None
        self.no_term: HistGradientBoostingClassifier | None = None
        self.probation: HistGradientBoostingClassifier | None = None
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
        x, stack = self.space.fit_transform(cases, y, sentenced & ~term)
        oof = np.zeros(len(y))
        text = self.space.text_columns
        for train, held in KFold(_FOLDS, shuffle=True, random_state=self.seed).split(x):
            # the held fold's outcomes must reach neither the regression nor the text features it was fitted on,
            # or the residuals (and with them the interval) come out optimistic
            fold = x.copy()
            fold[train, text] = stack.out_of_fold(train)
            fold[held, text] = stack.predict(train, held)
            fit_rows, held_rows = train[term[train]], held[term[held]]
            oof[held_rows] = self._regressor().fit(fold[fit_rows], y[fit_rows]).predict(fold[held_rows])
        self.point = self._regressor().fit(x[term], y[term])
        rows = np.where(term)[0]
        residual = np.abs(y[rows] - oof[rows])
        self.spread = self._regressor(max_iter=100).fit(x[rows], residual)
        # calibrated on spreads predicted out of fold too: in-sample they track their own residuals, and the
        # quantile of the ratios would come out too small for new cases
        sigma = np.zeros(len(rows))
        for train, held in KFold(_FOLDS, shuffle=True, random_state=self.seed).split(rows):
            sigma[held] = self._regressor(max_iter=100).fit(x[rows[train]], residual[train]).predict(x[rows[held]])
        self.conformal_q = float(np.quantile(residual / np.maximum(sigma, 0.05), NOMINAL))
        grave = ~sentenced
        if grave.sum() >= 5:
            self.grave = self._classifier().fit(x, grave.astype(int))
        none = sentenced & ~term
        if none.sum() >= 5:
            self.no_term = self._classifier().fit(x[sentenced], none[sentenced].astype(int))
        suspended = np.array([t.probation_months > 0 for t in targets]) & term
        eligible = term & (y <= math.log1p(_PROBATION_MAX))
        if suspended.sum() >= 5 and (eligible & ~suspended).sum() >= 5:
            self.probation = self._classifier().fit(x[eligible], suspended[eligible].astype(int))
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
        """Expected months (inside each case's lawful range) and the probability of life/death, for every case."""
        if self.point is None:
            raise ValueError("the outcome model is not trained")
        x = self.space.transform(cases)
        with threadpool_limits(THREADS, user_api="openmp"):
            months = np.expm1(np.maximum(self.point.predict(x), 0.0))
            grave, none = self._probabilities(x)
        months = np.where(none > _NO_TERM, 0.0, months)
        lawful = np.array([_lawful(c, m) for c, m in zip(cases, months, strict=True)])
        grave = np.array([g if _grave_allowed(c.frame) else 0.0 for c, g in zip(cases, grave, strict=True)])
        return lawful, grave

    def predict(self, cases: Sequence[CaseElements], exclude: Sequence[str] = ()) -> list[Expectation]:
        """The expectation of each case; ``exclude`` keeps ids (the cases themselves) out of the evidence."""
        if self.point is None or self.spread is None:
            raise ValueError("the outcome model is not trained")
        if not cases:
            return []
        single = self._predict(cases, exclude)
        several = [i for i, c in enumerate(cases) if len(set(c.charges)) > 1]
        if several:  # each charge of a 数罪 case in its own tier, then 刑法第六十九条
            variants = [replace(cases[i], charge=c) for i in several for c in dict.fromkeys(cases[i].charges)]
            per_charge = iter(self._predict(variants, exclude))
            for i in several:
                parts = [(v, next(per_charge)) for v in variants if v.id == cases[i].id]
                single[i] = _combined(single[i], parts)
        return single

    def _predict(self, cases: Sequence[CaseElements], exclude: Sequence[str]) -> list[Expectation]:
        x = self.space.transform(cases)
        with threadpool_limits(THREADS, user_api="openmp"):
            mu = self.point.predict(x)  # type: ignore[union-attr]
            sigma = np.maximum(self.spread.predict(x), 0.05)  # type: ignore[union-attr]
            grave, none = self._probabilities(x)
            suspended = self.probation.predict_proba(x)[:, 1] if self.probation is not None else np.zeros(len(x))
            # the 基准刑 similar cases suggest, for the cases the guideline covers: the same case without circumstances
            guided_rows = [i for i, c in enumerate(cases) if guided(c.frame)]
            bare = self.point.predict(self.space.transform(  # type: ignore[union-attr]
                [replace(cases[i], circumstances=[]) for i in guided_rows])) if guided_rows else []  # fmt: skip
            base = {i: math.expm1(max(float(b), 0.0)) for i, b in zip(guided_rows, bare, strict=True)}
        scaled = ((x[:, 3:] - self.scale_mean) / self.scale_std).astype(np.float32)
        skip = set(exclude)
        out = []
        for i, case in enumerate(cases):
            similar = self._similar(case.charge, scaled[i], skip)
            estimates = (float(mu[i]), float(sigma[i]), float(grave[i]), float(none[i]), float(suspended[i]))
            expectation = self._expectation(case, similar, *estimates)
            if i in base and expectation.kind == TERM:
                calculation = guideline_calculation(case.frame, case.circumstances, base[i])
                expectation.guideline = calculation.to_dict() if calculation else None
            out.append(expectation)
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

    def _expectation(
        self,
        case: CaseElements,
        similar: list[int],
        mu: float,
        sigma: float,
        grave: float,
        none: float,
        suspended: float,
    ) -> Expectation:
        frame = case.frame
        n = len(similar)
        notes = []
        near = [self.targets[j] for j in similar[: max(MIN_SIMILAR, 2 * _EVIDENCE)]]
        terms = [t.months for t in near if t.kind == TERM]
        fines = [t.fine_yuan for t in near if t.fine_yuan > 0]
        grave_kinds = [t.kind for t in near if t.kind != TERM]
        half = self.conformal_q * sigma
        if n < MIN_SIMILAR:
            half *= _THIN_WIDENING
            notes.append(f"同罪名类案仅{n}件：预期依据法定刑幅度和全库模型，区间较宽，不据此预警")
        if frame is None:
            notes.append("法定刑数据中没有该罪名，预期未受法定刑幅度约束")
        grave = grave if _grave_allowed(frame) else 0.0
        common: dict[str, Any] = {
            "n_similar": n,
            "evidence": [self.ids[j] for j in similar[:_EVIDENCE]],
            "neighbour_median_months": float(np.median(terms)) if terms else None,
            "probation_share": round(sum(t.probation_months > 0 for t in near) / len(near), 2) if near else None,
            "expected_fine_yuan": float(np.median(fines)) if fines else None,
            "life_death_probability": round(grave, 3),
            "no_term_probability": round(none, 3),
            "log_spread": round(sigma, 4),
            "lawful_months": (frame.lower, frame.upper) if frame else None,
            "tier": frame.basis if frame else "",
            "notes": notes,
        }
        if grave > 0.5:
            lawful = ((LIFE, frame is None or frame.life), (DEATH, frame is None or frame.death))
            allowed = [k for k, ok in lawful if ok]
            kind = max(allowed, key=lambda k: (grave_kinds.count(k), k == LIFE))
            return Expectation(kind=kind, expected_months=None, interval_months=None, penalty=_PENALTY[kind], **common)
        term = math.expm1(max(mu, 0.0))
        expected = 0.0 if none > _NO_TERM else term
        low, high = math.expm1(max(mu - half, 0.0)), math.expm1(mu + half)
        if none >= 1 - NOMINAL:  # "no term" alone carries the missing share of the interval's mass
            low = 0.0
        term, expected, low, high = (_lawful(case, v) for v in (term, expected, low, high))
        penalty = _penalty(frame, expected)
        probation = penalty in ("有期徒刑", "拘役") and expected <= _PROBATION_MAX and "累犯" not in case.circumstances
        return Expectation(
            kind=TERM,
            expected_months=round(expected, 1),
            term_months=round(term, 1),
            interval_months=(round(min(low, expected), 1), round(max(high, expected), 1)),
            penalty=penalty,
            probation_probability=round(suspended, 3) if probation else 0.0,
            **common,
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


_PENALTY = {LIFE: "无期徒刑", DEATH: "死刑"}


def _grave_allowed(frame: LegalFrame | None) -> bool:
    """Whether life imprisonment or death is lawful in the case's range (unknown charge: not excluded)."""
    return frame is None or frame.life or frame.death


def _lawful(case: CaseElements, months: float) -> float:
    """``months`` inside the case's lawful range (several charges: between the heaviest charge's minimum and
    刑法第六十九条's cap on their total)."""
    charges = list(dict.fromkeys(case.charges)) or [case.charge]
    if len(charges) > 1:
        frames = [f for c in charges if (f := case.frames.get(c)) is not None]
        if not frames:
            return months
        return min(max(months, max(f.lower for f in frames)), combined_term([f.upper for f in frames])[1])
    return case.frame.clamp(months) if case.frame is not None else months


def _penalty(frame: LegalFrame | None, months: float) -> str:
    """The kind of penalty an expected number of months means within the lawful range."""
    if months <= 0:
        return "免予刑事处罚或单处罚金"
    if frame is not None and frame.detention and (months <= 6 or frame.upper <= 6):
        return "拘役"
    return "有期徒刑"


def _combined(whole: Expectation, parts: list[tuple[CaseElements, Expectation]]) -> Expectation:
    """A 数罪 case's expectation with each charge's own and the range of the combined term (刑法第六十九条)."""
    charge_terms = [
        {"charge": case.charge, "expected_months": e.expected_months, "penalty": e.penalty, "tier": e.tier,
         "lawful_months": list(e.lawful_months) if e.lawful_months else None}
        for case, e in parts
    ]  # fmt: skip
    terms = [e.expected_months for _, e in parts if e.kind == TERM and e.expected_months]
    combined = combined_term(terms) if terms else None
    notes = list(whole.notes)
    if combined:
        notes.append(
            f"数罪并罚（刑法第六十九条）：各罪预期刑期{'、'.join(f'{t:g}' for t in terms)}个月，"
            f"决定执行的刑期应在{combined[0]:g}至{combined[1]:g}个月之间"
        )
    return replace(whole, charge_terms=charge_terms, combined_months=combined, notes=notes)

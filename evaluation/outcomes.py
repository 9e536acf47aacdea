"""Expected outcomes and deviation flags on development data: the outcome section of BENCHMARKS.md.

* Term score on the CAIL2018 test slice under 5-fold cross-validation (each fold answered by a model trained on the
  development corpus — LeCaRD candidates + CAIL2018 train — and the other folds), beside a model trained on the
  development corpus alone; and 3-fold cross-validation over the LeCaRD judgments (each fold trained on the rest plus
  CAIL2018 train).
  CAIL2018's score: v = |ln(pred + 1) − ln(true + 1)| scores 1.0 / 0.8 / 0.6 / 0.4 / 0.2 / 0 for v ≤ 0.2 / 0.4 /
  0.6 / 0.8 / 1.0 / above; when either side is life or death, 1 if both agree, else 0. Beside it LawBench's own
  score for its prison-term task (3-4, ``ljp_imprison``): 1 − mean |ln(pred + 1) − ln(true + 1)| / ln 216, cases
  whose answer is life or death left out, an unanswered case counted as ln 216.
* Lawfulness: how many expectations (point or interval) leave the statutory range of their charge (zero by
  construction; counted, not assumed).
* Outlier detection: 10% of the CAIL2018 test terms multiplied or divided by 3, each fold flagged by its model; ROC
  AUC of |deviation|; coverage of the interval on the untouched cases.
* Audit time of the whole development corpus.
"""

from __future__ import annotations

import math
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sklearn.metrics import roc_auc_score

from consistency.audit import batches
from consistency.design import CaseElements
from consistency.flags import Flag, flag_cases
from consistency.legal_frame import guideline_calculation
from consistency.model import NOMINAL, Expectation, OutcomeModel
from consistency.statutory import load_penalties
from consistency.targets import DEATH, LIFE, TERM, Target
from consistency.training import decided_cases
from corpus.model import Judgment
from corpus.parse import parse_record
from corpus.readers import ReadProblem, read_records
from evaluation.lecard import dev_sources
from leian.settings import Settings, get_settings

__all__ = ["lawbench_score", "outcome_section", "term_score"]

_SHARE, _FACTOR = 0.10, 3.0


def term_score(predicted: Sequence[float], actual: Sequence[float]) -> float:
    """The CAIL2018 term score ×100; months in CAIL coding (life = -1, death = -2)."""
    scores = []
    for p, t in zip(predicted, actual, strict=True):
        if p < 0 or t < 0:
            scores.append(1.0 if p == t else 0.0)
            continue
        v = abs(math.log(p + 1) - math.log(t + 1))
        scores.append(
            next((s for bound, s in ((0.2, 1.0), (0.4, 0.8), (0.6, 0.6), (0.8, 0.4), (1.0, 0.2)) if v <= bound), 0.0)
        )
    return 100 * statistics.fmean(scores) if scores else 0.0


def lawbench_score(predicted: Sequence[float | None], actual: Sequence[float]) -> float:
    """LawBench's normalised log-distance score ×100 (its ``ljp_imprison``): months, life = -1, death = -2, ``None``
    for no answer."""
    worst = math.log(216)
    distances = [
        worst if p is None or p < 0 else abs(math.log(t + 1) - math.log(p + 1))
        for p, t in zip(predicted, actual, strict=True)
        if t >= 0
    ]
    return 100 * (worst - statistics.fmean(distances)) / worst if distances else 0.0


def _outside(expectations: Sequence[Expectation]) -> int:
    """Expectations whose point or interval leaves the lawful range of the case."""
    out = 0
    for e in expectations:
        lawful = e.lawful_months
        if lawful is None or e.interval_months is None or e.combined_months is not None:
            continue
        low, high = e.interval_months
        out += not (lawful[0] <= low <= (e.expected_months or 0) <= high <= lawful[1])
    return out


def _parse(paths: Sequence) -> list[Judgment]:
    return [parse_record(r) for r in read_records(paths) if not isinstance(r, ReadProblem)]


def _predicted_cail(model: OutcomeModel, cases: Sequence[CaseElements]) -> list[float]:
    """Point predictions in CAIL coding: life (-1) when the life/death classifier says so, else the term."""
    months, grave = model.point_estimates(cases)
    return [-1.0 if g > 0.5 else float(m) for m, g in zip(months, grave, strict=True)]


def _charge_medians(train: Sequence[CaseElements], targets: Sequence[Target]) -> dict[str, float]:
    by_charge: dict[str, list[float]] = defaultdict(list)
    for c, t in zip(train, targets, strict=True):
        by_charge[c.charge].append(t.cail_months if t.kind == TERM else 180.0)
    return {c: statistics.median(v) for c, v in by_charge.items()}


def _baselines(
    expectations: Sequence[Expectation],
    train: Sequence[CaseElements],
    targets: Sequence[Target],
    test: Sequence[CaseElements],
) -> tuple[list[float], list[float]]:
    """Per-charge median; and the median of the nearest same-charge cases (per-charge median when too few), the
    neighbours being those of each test case's ``expectations``."""
    medians = _charge_medians(train, targets)
    overall = statistics.median(medians.values())
    per_charge = [medians.get(c.charge, overall) for c in test]
    nearest = [
        e.neighbour_median_months if e.neighbour_median_months is not None else fallback
        for e, fallback in zip(expectations, per_charge, strict=True)
    ]
    return per_charge, nearest


def _guideline_alone(cases: Sequence[CaseElements]) -> dict[int, float]:
    """The guideline's 宣告刑 from the starting point (no increment) for each case whose crime it covers."""
    out = {}
    for i, case in enumerate(cases):
        if len(set(case.charges)) <= 1 and (calc := guideline_calculation(case.frame, case.circumstances)):
            out[i] = calc.declared_months
    return out


def _shown(targets: Sequence[Target]) -> tuple[list[Target], set[int], list[int]]:
    """The targets with :data:`_SHARE` of the prison terms multiplied or divided by :data:`_FACTOR`; the touched
    cases; the cases with a prison term."""
    rng = random.Random(0)
    positive = [i for i, t in enumerate(targets) if t.kind == TERM and t.months > 0]
    touched = set(rng.sample(positive, max(1, int(_SHARE * len(positive)))))
    shown = [
        replace(t, months=t.months * _FACTOR if rng.random() < 0.5 else t.months / _FACTOR) if i in touched else t
        for i, t in enumerate(targets)
    ]
    return shown, touched, positive


def _outliers(flags: Sequence[Flag], targets: Sequence[Target]) -> dict[str, float]:
    """AUC of |deviation| for the touched terms of :func:`_shown`, and the interval's coverage of the others."""
    _, touched, positive = _shown(targets)
    scored = [
        (i in touched, abs(f.deviation)) for i, f in enumerate(flags) if i in positive and f.deviation is not None
    ]
    untouched = [i for i in positive if i not in touched and flags[i].interval_months]
    covered = [flags[i].interval_months[0] <= targets[i].months <= flags[i].interval_months[1] for i in untouched]
    return {
        "auc": roc_auc_score([s[0] for s in scored], [s[1] for s in scored]),
        "scored": len(scored),
        "coverage": statistics.fmean(covered) if covered else float("nan"),
        "covered_cases": len(covered),
        "width": statistics.median(
            flags[i].interval_months[1] / max(flags[i].interval_months[0], 1) for i in untouched
        ),
    }


@dataclass
class _Answers:
    """What the models say on evaluation cases: point predictions in CAIL coding, baselines, expectations."""

    predicted: list[float]
    per_charge: list[float]
    nearest: list[float]
    enough: list[bool]
    outside: int
    flags: list[Flag]


def _answers(
    model: OutcomeModel,
    train: Sequence[CaseElements],
    targets: Sequence[Target],
    cases: Sequence[CaseElements],
    shown: Sequence[Target],
) -> _Answers:
    """Predictions, baselines and flags (against ``shown``, the outcomes with planted outliers) for ``cases``."""
    expectations = model.predict(cases)
    per_charge, nearest = _baselines(expectations, train, targets, cases)
    flags = [f for batch in batches(list(range(len(cases)))) for f in flag_cases(
        model, [cases[i] for i in batch], [shown[i] for i in batch], exclude_self=False)]  # fmt: skip
    return _Answers(
        predicted=_predicted_cail(model, cases),
        per_charge=per_charge,
        nearest=nearest,
        enough=[e.enough for e in expectations],
        outside=_outside(expectations),
        flags=flags,
    )


def _cross_validated(
    penalties: dict,
    train: list[CaseElements],
    targets: list[Target],
    cases: list[CaseElements],
    truth: list[Target],
    folds: int,
) -> _Answers:
    """Each fold of ``cases`` answered by a model trained on ``train`` and the other folds."""
    shown = _shown(truth)[0]
    merged = _Answers([0.0] * len(cases), [0.0] * len(cases), [0.0] * len(cases), [False] * len(cases), 0, [])
    flags: dict[int, Flag] = {}
    for fold in range(folds):
        held = list(range(fold, len(cases), folds))
        keep = [i for i in range(len(cases)) if i % folds != fold]
        fold_train, fold_targets = train + [cases[i] for i in keep], targets + [truth[i] for i in keep]
        model = OutcomeModel(penalties).fit(fold_train, fold_targets)
        answers = _answers(model, fold_train, fold_targets, [cases[i] for i in held], [shown[i] for i in held])
        for j, i in enumerate(held):
            merged.predicted[i], merged.per_charge[i] = answers.predicted[j], answers.per_charge[j]
            merged.nearest[i], merged.enough[i], flags[i] = answers.nearest[j], answers.enough[j], answers.flags[j]
        merged.outside += answers.outside
    merged.flags = [flags[i] for i in range(len(cases))]
    return merged


def outcome_section(settings: Settings | None = None, folds: int = 3, cail_folds: int = 5) -> str:
    """The Markdown outcome section, computed from scratch (about twenty minutes on two busy cores)."""
    settings = settings or get_settings()
    penalties = load_penalties(settings.data)
    started = time.perf_counter()
    dev_docs = _parse(dev_sources(settings))
    test_docs = _parse([settings.data / "cail2018" / "data_test.json"])
    parse_seconds = time.perf_counter() - started
    train_cases, train_targets = decided_cases(dev_docs)
    test_cases, test_targets = decided_cases(test_docs)
    t0 = time.perf_counter()
    model = OutcomeModel(penalties).fit(train_cases, train_targets)
    fit_seconds = time.perf_counter() - t0
    truth = [t.cail_months for t in test_targets]
    transfer = _predicted_cail(model, test_cases)
    cv = _cross_validated(penalties, train_cases, train_targets, test_cases, test_targets, cail_folds)
    predicted = cv.predicted
    guarded = [i for i, enough in enumerate(cv.enough) if enough]
    constant = [18.0] * len(truth)
    alone = _guideline_alone(test_cases)
    covered = sorted(alone)
    rows = [
        ("a constant 18 months (baseline)", term_score(constant, truth), lawbench_score(constant, truth)),
        ("per-charge median (baseline)", term_score(cv.per_charge, truth), lawbench_score(cv.per_charge, truth)),
        ("nearest 10 same-charge cases, median (baseline)", term_score(cv.nearest, truth),
         lawbench_score(cv.nearest, truth)),
        (f"**Leian, every case** (an expectation for {len(predicted):,} of {len(truth):,})",
         term_score(predicted, truth), lawbench_score(predicted, truth)),
        (f"the sentencing guideline alone: starting point × circumstances, single-charge cases it covers"
         f" ({len(covered)})", term_score([alone[i] for i in covered], [truth[i] for i in covered]),
         lawbench_score([alone[i] for i in covered], [truth[i] for i in covered])),
        (f"Leian on the same {len(covered)} cases", term_score([predicted[i] for i in covered],
         [truth[i] for i in covered]), lawbench_score([predicted[i] for i in covered], [truth[i] for i in covered])),
        (f"Leian, cases with ≥ 10 same-charge cases ({len(guarded)})",
         term_score([predicted[i] for i in guarded], [truth[i] for i in guarded]),
         lawbench_score([predicted[i] for i in guarded], [truth[i] for i in guarded])),
        ("Leian trained on the development corpus alone (no case of the slice in training)",
         term_score(transfer, truth), lawbench_score(transfer, truth)),
    ]  # fmt: skip
    # LeCaRD: k-fold over the judgments, CAIL2018 train always on the training side
    lecard = [i for i, c in enumerate(train_cases) if not c.id.startswith("cail-")]
    cail = [i for i, c in enumerate(train_cases) if c.id.startswith("cail-")]
    lecard_pred: dict[int, float] = {}
    for fold in range(folds):
        held = lecard[fold::folds]
        keep = [i for i in lecard if i not in set(held)] + cail
        fold_model = OutcomeModel(penalties).fit([train_cases[i] for i in keep], [train_targets[i] for i in keep])
        lecard_pred.update(zip(held, _predicted_cail(fold_model, [train_cases[i] for i in held]), strict=True))
    lecard_truth = {i: train_targets[i].cail_months for i in lecard}
    lecard_score = term_score([lecard_pred[i] for i in lecard], [lecard_truth[i] for i in lecard])
    lecard_alone = _guideline_alone([train_cases[i] for i in lecard])
    guided = [lecard[j] for j in sorted(lecard_alone)]
    guideline_rows = [
        (f"the sentencing guideline alone, LeCaRD judgments of the crimes it covers ({len(guided):,})",
         term_score([lecard_alone[j] for j in sorted(lecard_alone)], [lecard_truth[i] for i in guided])),
        (f"Leian on the same {len(guided):,} judgments, {folds}-fold cross-validation",
         term_score([lecard_pred[i] for i in guided], [lecard_truth[i] for i in guided])),
    ]  # fmt: skip
    outliers = _outliers(cv.flags, test_targets)
    t0 = time.perf_counter()
    audit_flags = [f for batch in batches(list(range(len(train_cases)))) for f in flag_cases(
        model, [train_cases[i] for i in batch], [train_targets[i] for i in batch], silent=True)]  # fmt: skip
    audit_seconds = time.perf_counter() - t0
    grave = sum(t.kind in (LIFE, DEATH) for t in test_targets)
    lines = [
        f"The {len(test_cases):,} CAIL2018 test cases ({grave} life/death), {cail_folds}-fold cross-validation: each"
        f" fold is answered by a model trained on the {len(train_cases):,} decided development cases and the other"
        f" folds (fit on the development cases alone: {fit_seconds:.0f} s). Most of the slice's charges are rare in"
        " the development corpus (滥用职权, 非法狩猎, 窝藏、包庇 …); the last row shows how a model that never saw"
        " them does. Term score ×100 (CAIL2018 banding):",
        "",
        "| estimate (CAIL2018 test slice) | term score | LawBench score |",
        "|---|---|---|",
        *[f"| {name} | {value:.1f} | {lawbench:.1f} |" for name, value, lawbench in rows],
        f"| Leian, LeCaRD judgments, {folds}-fold cross-validation ({len(lecard):,} cases) | {lecard_score:.1f} | – |",
        *[f"| {name} | {value:.1f} | – |" for name, value in guideline_rows],
        "",
        "The guideline alone is 法发〔2021〕21号's calculation from the middle of the starting-point range with the"
        " middle of each circumstance's range, bounded by the statutory range (`law/data/guideline.json`); the"
        " CAIL2018 test slice is mostly charges the guideline does not cover.",
        "",
        f"Expectations outside the statutory range of their charge (point or interval; CAIL2018 test): **{cv.outside}**"
        f" of {len(test_cases):,}. Each is bounded by the tier its facts select in `law/data/penalties.json`"
        " (or the whole charge's range when no fact selects one, lower where a mitigating circumstance allows it).",
        "",
        f"Outlier detection (CAIL2018 test, {int(_SHARE * 100)}% of the {outliers['scored']:,} prison terms multiplied"
        f" or divided by {_FACTOR:g}): ROC AUC of |deviation| **{outliers['auc']:.3f}**. Interval coverage on the"
        f" {outliers['covered_cases']:,} untouched cases: **{outliers['coverage']:.1%}** (nominal {NOMINAL:.0%});"
        f" median interval high/low ratio {outliers['width']:.1f}.",
        "",
        f"Audit of the development corpus ({len(audit_flags):,} decided cases of the 12,763 documents; parsing all"
        f" {len(dev_docs) + len(test_docs):,} documents took {parse_seconds:.0f} s): {audit_seconds:.0f} s"
        f" with the trained model, {sum(f.flag for f in audit_flags):,} outside the interval.",
    ]
    return "\n".join(lines)

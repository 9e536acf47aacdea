"""The outcome benchmark's scores: CAIL2018's banded term score and LawBench's normalised log distance."""

from __future__ import annotations

import math

import pytest

from consistency.targets import TERM, Target
from evaluation.outcomes import _shown, lawbench_score, term_score


def test_term_score_bands_the_log_distance() -> None:
    assert term_score([12.0], [12.0]) == 100.0
    assert term_score([14.0], [12.0]) == 100.0  # |ln 15 − ln 13| = 0.14
    assert term_score([18.0], [12.0]) == pytest.approx(80.0)  # 0.38
    assert term_score([30.0], [12.0]) == pytest.approx(20.0)  # 0.87
    assert term_score([36.0], [12.0]) == 0.0  # 1.05
    assert term_score([0.0], [12.0]) == 0.0
    assert term_score([-1.0, -1.0], [-1.0, 120.0]) == 50.0  # life: right or wrong, no distance


def test_lawbench_score_leaves_out_life_and_counts_no_answer_as_the_worst() -> None:
    assert lawbench_score([12.0, 5.0], [12.0, -2.0]) == pytest.approx(100.0)
    assert lawbench_score([None], [12.0]) == 0.0
    assert lawbench_score([0.0], [e - 1 for e in [math.e]]) == pytest.approx(100 * (1 - 1 / math.log(216)))


def test_planted_outliers_are_a_tenth_of_the_terms_and_scaled_by_three() -> None:
    targets = [Target(TERM, months=float(m)) for m in range(0, 200)]
    shown, touched, positive = _shown(targets)
    assert len(positive) == 199 and len(touched) == 19
    for i, (before, after) in enumerate(zip(targets, shown, strict=True)):
        ratio = after.months / before.months if before.months else 1.0
        assert (ratio in (3.0, pytest.approx(1 / 3))) == (i in touched)

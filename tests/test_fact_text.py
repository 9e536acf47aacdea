"""The facts' wording as outcome features, on a real slice of CAIL2018 train."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import spearmanr

from consistency.design import case_elements
from consistency.fact_text import FACT_CHARS, TextStack
from consistency.targets import TERM, target_of
from corpus.parse import parse_record
from corpus.readers import ReadProblem, read_records

SAMPLE = 1500


@pytest.fixture(scope="module")
def slice_(data_dir: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    records = itertools.islice(read_records([data_dir / "cail2018" / "data_train.json"]), SAMPLE)
    texts, months, none = [], [], []
    for record in records:
        if isinstance(record, ReadProblem):
            continue
        doc = parse_record(record)
        target = target_of(doc.outcome)
        if target is None:
            continue
        texts.append(case_elements(doc).facts)
        months.append(math.log1p(target.months) if target.kind == TERM else math.nan)
        none.append(target.kind == TERM and target.months == 0)
    return texts, np.array(months), np.array(none)


def test_out_of_fold_features_rank_terms_and_differ_from_the_fit(
    slice_: tuple[list[str], np.ndarray, np.ndarray],
) -> None:
    texts, months, none = slice_
    stack = TextStack(texts, months, none)
    model, stacked = stack.model(), stack.out_of_fold(np.arange(len(texts)))
    term = np.isfinite(months) & ~none
    rho = spearmanr(stacked[term, 0], months[term]).statistic
    assert rho > 0.5  # CAIL2018 train mixes charges from 拘役 to 无期: the wording tells them apart
    # stacked features are predictions for unseen folds: the full fit is closer to its own training targets
    fitted = model.features(texts)
    assert np.abs(fitted[term, 0] - months[term]).mean() < np.abs(stacked[term, 0] - months[term]).mean()


def test_the_facts_are_read_up_to_a_bound(slice_: tuple[list[str], np.ndarray, np.ndarray]) -> None:
    texts, months, none = slice_
    assert max(len(t) for t in texts) <= FACT_CHARS
    model = TextStack(texts, months, none).model()
    homicide = "被告人持刀朝被害人胸部、腹部连续捅刺十余刀，致被害人当场死亡。"
    drunk = "被告人醉酒后驾驶小型轿车在道路上行驶，被民警查获，经鉴定血液中乙醇含量为120毫克/100毫升。"
    features = model.features([homicide, drunk])
    assert features[0, 0] > features[1, 0] + 1.0  # log months: years against a few months of 拘役

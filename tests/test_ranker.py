"""The learned fusion and its cross-validation, on real LeCaRD pools scored by a real character-bigram BM25."""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest

from evaluation.crossval import EXCLUDED, FOLDS_FILE, Group, cross_validate, load_folds
from evaluation.lecard import load_lecard
from indexing.bm25 import BM25Index
from indexing.tokenizer import char_bigrams
from leian.settings import Settings
from retrieval.fusion import COMPONENTS
from retrieval.ranker import Ranker

QUERIES = 21  # three folds' worth of development queries: enough pairs, a few seconds


@pytest.fixture(scope="module")
def lecard(settings: Settings) -> tuple[list[dict], dict, dict]:
    return load_lecard(settings)


@pytest.fixture(scope="module")
def groups(data_dir: Path, lecard: tuple[list[dict], dict, dict]) -> dict[str, Group]:
    """Real pools: each candidate's bigram BM25 (scaled) in the ``bigrams`` column and seeded noise in ``lexical``."""
    queries, qrels, pools = lecard
    folds = load_folds()
    chosen = [q for q in queries if folds[q["id"]] in (0, 1, 2)][:QUERIES]
    wanted = {d for q in chosen for d in pools[q["id"]]}
    with gzip.open(data_dir / "lecard" / "candidates.jsonl.gz", "rt", encoding="utf-8") as f:
        facts = {str(r["id"]): r.get("ajjbqk", "") for r in map(json.loads, f) if str(r["id"]) in wanted}
    bm25 = BM25Index()
    bm25.add(list(facts), [char_bigrams(t) for t in facts.values()])
    bm25.commit()
    rng = np.random.default_rng(7)
    out = {}
    for q in chosen:
        ids = [d for d in pools[q["id"]] if d in facts]
        scores = {h.id: h.score for h in bm25.search(list(dict.fromkeys(char_bigrams(q["fact"]))), len(ids), ids)}
        values = np.zeros((len(ids), len(COMPONENTS)))
        values[:, COMPONENTS.index("bigrams")] = [scores.get(d, 0.0) for d in ids]
        values[:, COMPONENTS.index("bigrams")] /= values[:, COMPONENTS.index("bigrams")].max()
        values[:, COMPONENTS.index("lexical")] = rng.random(len(ids))
        out[q["id"]] = Group(ids, values, np.array([qrels[q["id"]].get(d, 0) for d in ids], dtype=float))
    return out


def _data(groups: Mapping[str, Group]) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(g.values, g.grades) for g in groups.values()]


def test_the_fit_weighs_evidence_and_ignores_noise(groups: dict[str, Group]) -> None:
    ranker = Ranker.fit(_data(groups), COMPONENTS, penalty=0.1)
    assert ranker.weights["bigrams"] == 1.0  # rescaled: the largest weight is 1
    assert ranker.weights["lexical"] < 0.2  # noise
    assert all(w >= 0 for w in ranker.weights.values())  # no evidence of similarity ever pushes a case down


def test_a_ranker_round_trips_through_its_directory(groups: dict[str, Group], tmp_path: Path) -> None:
    ranker = Ranker.fit(_data(groups), COMPONENTS, penalty=0.1, info={"trained_on": "test"})
    both = Ranker(ranker.weights, {**ranker.weights, "charges": 1.0}, ranker.info)
    both.save(tmp_path / "ranker")
    loaded = Ranker.load(tmp_path / "ranker")
    assert loaded == both and loaded.fingerprint == both.fingerprint != ranker.fingerprint
    assert loaded.vector(COMPONENTS, given=True)[COMPONENTS.index("charges")] == 1.0
    (tmp_path / "ranker" / "ranker.json").write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(ValueError, match="unsupported ranker format"):
        Ranker.load(tmp_path / "ranker")


def test_the_shipped_ranker_never_weighs_the_excluded_components() -> None:
    shipped = Ranker.default()
    assert set(shipped.weights) == set(COMPONENTS) and shipped.given is not None
    assert all(shipped.weights[c] == 0 and shipped.given[c] == 0 for c in EXCLUDED)
    assert shipped.info["cross_validated"]["inferred"]["NDCG@10"] > 0.8


def test_folds_are_fixed_and_spread_the_multi_charge_queries(lecard: tuple[list[dict], dict, dict]) -> None:
    queries = lecard[0]
    folds = load_folds()
    assert set(folds) == {q["id"] for q in queries} and json.loads(FOLDS_FILE.read_text("utf-8"))["how"]
    sizes = np.bincount(list(folds.values()))
    assert len(sizes) == 7 and sizes.max() - sizes.min() <= 1
    multi = np.bincount([folds[q["id"]] for q in queries if len(q["charges"]) >= 2], minlength=7)
    assert multi.max() - multi.min() <= 1


def test_cross_validation_never_sees_the_fold_it_scores(
    groups: dict[str, Group], lecard: tuple[list[dict], dict, dict]
) -> None:
    qrels = lecard[1]
    folds = load_folds()
    honest = cross_validate(groups, qrels, folds)
    # reverse the grades of fold 0's queries: what is fitted for fold 0 cannot change, so neither can its ranking
    spoiled = {q: Group(g.ids, g.values, 3 - g.grades) if folds[q] == 0 else g for q, g in groups.items()}
    cheated = cross_validate(spoiled, qrels, folds)
    fold0 = [q for q in groups if folds[q] == 0]
    assert fold0 and all(honest.run[q] == cheated.run[q] for q in fold0)
    assert any(honest.run[q] != cheated.run[q] for q in groups if folds[q] != 0)
    assert len(honest.fold_scores) == len(honest.penalties) == 3

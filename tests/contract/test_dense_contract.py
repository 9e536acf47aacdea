"""The DenseIndex contract, run against every implementation (see conftest.py).

Scores are raw inner products of L2-normalised vectors (cosine similarity), identical across backends to
float32 precision; the Elasticsearch index converts its ``max_inner_product`` scores back to them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from indexing.backends import DenseIndex
from indexing.hits import Hit

DIM = 16  # conftest.DIM
IDS = [f"lc-{i:04d}" for i in range(1, 41)]


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def vectors() -> np.ndarray:
    return unit(np.random.default_rng(20240521).standard_normal((len(IDS), DIM)))


def exact(vectors: np.ndarray, query: np.ndarray, ids: list[str], k: int, allowed: set[str] | None = None) -> list[Hit]:
    """Brute-force reference ranking in the canonical (-score, id) order."""
    scores = vectors @ query
    hits = [Hit(i, float(s)) for i, s in zip(ids, scores, strict=True) if allowed is None or i in allowed]
    return sorted(hits, key=lambda h: (-h.score, h.id))[:k]


def assert_same(hits: list[Hit], expected: list[Hit]) -> None:
    assert [h.id for h in hits] == [h.id for h in expected]
    assert [h.score for h in hits] == pytest.approx([h.score for h in expected], abs=1e-4)


def build(dense: Any, vectors: np.ndarray) -> Any:
    dense.add(IDS, vectors)
    dense.commit()
    return dense


def test_implements_protocol(dense: Any) -> None:
    assert isinstance(dense, DenseIndex)
    assert dense.dim == DIM


def test_empty_index_returns_nothing(dense: Any, vectors: np.ndarray) -> None:
    assert dense.search(vectors[0], 5) == []
    assert dense.batch_search(vectors[:2], 5) == [[], []]
    assert len(dense) == 0


def test_nearest_vector_first_with_inner_product_scores(dense: Any, vectors: np.ndarray) -> None:
    build(dense, vectors)
    assert len(dense) == len(IDS)
    for row in (0, 7, 39):
        hits = dense.search(vectors[row], 10)
        assert hits[0].id == IDS[row]
        assert hits[0].score == pytest.approx(1.0, abs=1e-4)
        assert_same(hits, exact(vectors, vectors[row], IDS, 10))


def test_negative_similarities_are_reported_as_they_are(dense: Any, vectors: np.ndarray) -> None:
    build(dense, vectors)
    hits = dense.search(-vectors[3], len(IDS))
    assert hits[-1].id == IDS[3] and hits[-1].score == pytest.approx(-1.0, abs=1e-4)
    assert_same(hits, exact(vectors, -vectors[3], IDS, len(IDS)))


def test_batch_search_is_search_of_each(dense: Any, vectors: np.ndarray) -> None:
    build(dense, vectors)
    queries = unit(vectors[:3] + 0.3 * vectors[3:6])
    batch = dense.batch_search(queries, 5)
    assert len(batch) == 3
    for q, hits in zip(queries, batch, strict=True):
        assert_same(hits, dense.search(q, 5))
        assert_same(hits, exact(vectors, q, IDS, 5))


def test_candidates_restrict_and_rank_exactly(dense: Any, vectors: np.ndarray) -> None:
    build(dense, vectors)
    pool = set(IDS[10:30:2]) | {"lc-9999"}  # unknown ids are ignored
    query = vectors[0]  # its own document is outside the pool
    restricted, free = dense.batch_search(np.stack([query, query]), 5, candidates=[pool, None])
    assert {h.id for h in restricted} <= pool
    assert_same(restricted, exact(vectors, query, IDS, 5, pool))
    assert free[0].id == IDS[0]
    everything = dense.search(query, 100, candidates=pool)
    assert_same(everything, exact(vectors, query, IDS, 100, pool))  # k beyond the pool: the whole pool
    assert dense.search(query, 5, candidates=set()) == []


def test_delete_and_re_add(dense: Any, vectors: np.ndarray) -> None:
    build(dense, vectors)
    dense.delete([IDS[0], "not-indexed"])
    dense.commit()
    assert len(dense) == len(IDS) - 1
    assert IDS[0] not in {h.id for h in dense.search(vectors[0], 10)}
    # Re-adding an id replaces its vector instead of adding a second one.
    dense.add([IDS[1]], vectors[5:6])
    dense.commit()
    assert len(dense) == len(IDS) - 1
    top = dense.search(vectors[5], 2)
    assert {h.id for h in top} == {IDS[1], IDS[5]}
    assert all(h.score == pytest.approx(1.0, abs=1e-4) for h in top)
    assert not any(h.id == IDS[1] and h.score > 0.999 for h in dense.search(vectors[1], 3))  # old vector gone


def test_k_limits_and_ties_break_by_id(dense: Any, vectors: np.ndarray) -> None:
    same = np.repeat(vectors[:1], 3, axis=0)
    dense.add(["lc-b", "lc-c", "lc-a"], same)
    dense.add(["lc-z"], vectors[1:2])
    dense.commit()
    hits = dense.search(vectors[0], 2)
    assert [h.id for h in hits] == ["lc-a", "lc-b"]
    assert dense.search(vectors[0], 0) == []


def test_wrong_dimension_is_refused(dense: Any, vectors: np.ndarray) -> None:
    with pytest.raises(ValueError):  # leian.errors.InputError is a ValueError
        dense.add(["lc-0001"], np.ones((1, DIM + 1), dtype=np.float32))


def test_committed_index_survives_reopening(make_dense: Callable[[], Any], vectors: np.ndarray) -> None:
    before = build(make_dense(), vectors).search(vectors[4], 5)
    again = make_dense()
    assert len(again) == len(IDS)
    assert_same(again.search(vectors[4], 5), before)

"""Inner-product vector search on Elasticsearch ``dense_vector`` fields.

Similarity is ``max_inner_product`` rather than ``dot_product``: it ranks by the raw inner product and does
not reject a vector whose norm drifts from 1 (``dot_product`` does, at index and at query time). Elasticsearch
turns the inner product into a positive score, and :func:`raw_inner_product` inverts it so this index returns
the same numbers as the embedded FAISS inner-product index:

    ES score s = 1 + dot            if dot >= 0   →  dot = s - 1
               = 1 / (1 - dot)      if dot < 0    →  dot = 1 - 1 / s

(``dot_product`` would give s = (1 + dot) / 2; ``cosine`` the same on normalised vectors.)

Vectors are kept as float32 HNSW graphs (``index_options.type = "hnsw"``, no int8 quantisation, whose
approximate scores would not match FAISS to 1e-4); ``index_type="flat"`` gives brute-force exact search.

Exact ranking inside a candidate pool: the minimal server has no scripting, so no ``script_score``. Instead the
kNN query carries an ``ids`` filter and ``num_candidates`` ≥ the pool size; Lucene then scores every
filtered document exactly (a filter matching no more documents than ``num_candidates`` short-circuits to
exact search). Pools above 10,000 ids fall back to approximate search.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
from elasticsearch import Elasticsearch

from indexing.backends import Candidates
from indexing.elastic.connection import ElasticIndexBase, bulk_ingest, connect, multi_search
from indexing.hits import Hit
from leian.errors import IndexStateError, InputError

__all__ = ["MAX_NUM_CANDIDATES", "ElasticDenseIndex", "raw_inner_product"]

#: Elasticsearch's upper bound on ``num_candidates``
MAX_NUM_CANDIDATES = 10_000
#: extra hits fetched past ``k`` so that ties at the cut-off are resolved by id, as the embedded index does
_TIE_MARGIN = 8


def raw_inner_product(score: float) -> float:
    """The inner product behind a ``max_inner_product`` score (see the module docstring)."""
    return score - 1.0 if score >= 1.0 else 1.0 - 1.0 / score


class ElasticDenseIndex(ElasticIndexBase):
    """:class:`~indexing.backends.DenseIndex` on an Elasticsearch alias ``name``."""

    kind = "dense"

    def __init__(
        self,
        client: Elasticsearch,
        name: str,
        dim: int,
        *,
        index_type: str = "hnsw",
        num_candidates: int = 200,
        shards: int = 1,
        replicas: int = 0,
        owns_client: bool = False,
        next_version: bool = False,
    ) -> None:
        if dim <= 0 or dim > 4096:
            raise InputError(f"dense_vector dimension must be within 1..4096, not {dim}")
        if index_type not in ("hnsw", "flat"):
            raise InputError(f"index_type must be 'hnsw' or 'flat', not {index_type!r}")
        self.dim = int(dim)
        self.index_type = index_type
        # Search breadth for queries without candidates: higher is slower and closer to exact.
        self.num_candidates = num_candidates
        super().__init__(
            client, name, shards=shards, replicas=replicas, owns_client=owns_client, next_version=next_version
        )

    @classmethod
    def from_url(cls, url: str, name: str, dim: int, **kwargs: Any) -> ElasticDenseIndex:
        """An index with its own client (closed by :meth:`close`)."""
        return cls(connect(url), name, dim, owns_client=True, **kwargs)

    def _meta(self) -> dict[str, Any]:
        return {**super()._meta(), "dim": self.dim, "similarity": "max_inner_product", "index_type": self.index_type}

    def _body(self) -> dict[str, Any]:
        return {
            "settings": self._settings(),
            "mappings": {
                "dynamic": "strict",
                # Vectors are only searched, never read back: keeping them out of _source halves the disk.
                "_source": {"excludes": ["vector"]},
                "properties": {
                    "id": {"type": "keyword"},
                    "vector": {
                        "type": "dense_vector",
                        "dims": self.dim,
                        "index": True,
                        "similarity": "max_inner_product",
                        "index_options": {"type": self.index_type},
                    },
                },
            },
        }

    # --- DenseIndex ----------------------------------------------------------------------------------
    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        """Index vectors, replacing any with the same id (visible after :meth:`commit`)."""
        matrix = self._matrix(vectors)
        if len(ids) != matrix.shape[0]:
            raise InputError(f"ids and vectors differ in length ({len(ids)} != {matrix.shape[0]})")
        latest = {doc_id: row for row, doc_id in enumerate(ids)}  # the later of duplicate ids wins
        actions = (
            {
                "_op_type": "index",
                "_index": self.target,
                "_id": doc_id,
                "_source": {"id": doc_id, "vector": matrix[row].tolist()},
            }
            for doc_id, row in latest.items()
        )
        bulk_ingest(self.client, actions, what=f"indexing vectors into {self.name}", chunk_size=200)

    def delete(self, ids: Sequence[str]) -> None:
        """Remove vectors; unknown ids are ignored (visible after :meth:`commit`)."""
        actions = ({"_op_type": "delete", "_index": self.target, "_id": i} for i in dict.fromkeys(ids))
        bulk_ingest(self.client, actions, what=f"deleting from {self.name}")

    def batch_search(self, vectors: np.ndarray, k: int, candidates: Candidates = None) -> list[list[Hit]]:
        """The ``k`` nearest documents per query vector by inner product, sorted by (-score, id)."""
        matrix = self._matrix(vectors)
        if candidates is not None and len(candidates) != matrix.shape[0]:
            raise InputError(f"candidates must have one entry per query ({len(candidates)} != {matrix.shape[0]})")
        results: list[list[Hit]] = [[] for _ in range(matrix.shape[0])]
        bodies: list[dict[str, Any]] = []
        slots: list[int] = []
        for qi in range(matrix.shape[0]):
            allowed = candidates[qi] if candidates is not None else None
            if k <= 0 or (allowed is not None and not allowed):
                continue
            if allowed is None:
                want = min(k + _TIE_MARGIN, MAX_NUM_CANDIDATES)
                breadth = max(self.num_candidates, want)
            else:
                want = min(k + _TIE_MARGIN, len(allowed), MAX_NUM_CANDIDATES)
                breadth = max(len(allowed), want)  # ≥ pool size ⇒ Lucene scores the pool exactly
            knn: dict[str, Any] = {
                "field": "vector",
                "query_vector": matrix[qi].tolist(),
                "k": want,
                "num_candidates": min(breadth, MAX_NUM_CANDIDATES),
            }
            if allowed is not None:
                knn["filter"] = {"ids": {"values": list(allowed)}}
            bodies.append({"knn": knn, "size": want, "_source": False})
            slots.append(qi)
        if not bodies:
            return results
        responses = multi_search(self.client, bodies, header={"index": self.target}, what=f"searching {self.name}")
        for qi, resp in zip(slots, responses, strict=True):
            if "error" in resp:
                raise IndexStateError(f"Elasticsearch kNN search on {self.name} failed: {resp['error']}")
            hits = [Hit(h["_id"], raw_inner_product(float(h["_score"]))) for h in resp["hits"]["hits"]]
            results[qi] = sorted(hits, key=lambda h: (-h.score, h.id))[:k]
        return results

    def search(self, vector: np.ndarray, k: int, candidates: Collection[str] | None = None) -> list[Hit]:
        """``batch_search`` of one vector."""
        return self.batch_search(np.asarray(vector).reshape(1, -1), k, None if candidates is None else [candidates])[0]

    # --- internals -----------------------------------------------------------------------------------
    def _matrix(self, vectors: np.ndarray) -> np.ndarray:
        matrix = np.asarray(vectors, dtype=np.float32)
        if matrix.ndim == 1:
            matrix = matrix.reshape(1, -1)
        if matrix.ndim != 2 or matrix.shape[1] != self.dim:
            raise InputError(f"vectors must have shape (n, {self.dim}), got {np.asarray(vectors).shape}")
        if not np.isfinite(matrix).all():
            raise InputError("vectors contain NaN or infinity")
        return matrix

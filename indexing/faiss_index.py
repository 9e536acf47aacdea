"""The embedded dense index: exact inner-product search with FAISS.

Exact (``IndexFlatIP``) rather than approximate because a court corpus of 10⁴–10⁵ judgments with
128-dimensional vectors is searched in a few milliseconds exactly, and judges should never miss a case to
an approximation. Deleted rows are dropped and the FAISS index rebuilt lazily; commits write a new
generation (:mod:`indexing.generations`), like :mod:`indexing.bm25`.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from pathlib import Path

import faiss
import numpy as np

from indexing.backends import Candidates
from indexing.generations import current_generation, write_generation
from indexing.hits import Hit, ranked_hits

__all__ = ["FaissIndex"]

_FORMAT = "leian-faiss/1"


class FaissIndex:
    """Persistent exact inner-product index implementing DenseIndex."""

    def __init__(self, directory: str | Path | None, dim: int) -> None:
        if dim <= 0:
            raise ValueError(f"dimension must be positive, got {dim}")
        self.directory = Path(directory) if directory else None
        self.dim = dim
        self._ids: list[str] = []
        self._row: dict[str, int] = {}
        self._vectors = np.zeros((0, dim), dtype=np.float32)
        self._faiss: faiss.IndexFlatIP | None = None
        if self.directory and current_generation(self.directory):
            self._load()

    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim or vectors.shape[0] != len(ids):
            raise ValueError(f"expected {len(ids)} vectors of dimension {self.dim}, got shape {vectors.shape}")
        last = {doc_id: i for i, doc_id in enumerate(ids)}  # the same id twice in one batch: the later one wins
        keep = sorted(last.values())
        self.delete([ids[i] for i in keep if ids[i] in self._row])
        start = len(self._ids)
        self._ids.extend(ids[i] for i in keep)
        self._row.update((ids[i], start + n) for n, i in enumerate(keep))
        self._vectors = np.concatenate([self._vectors, vectors[keep]])
        self._faiss = None

    def delete(self, ids: Sequence[str]) -> None:
        rows = [self._row[i] for i in ids if i in self._row]
        if not rows:
            return
        keep = np.setdiff1d(np.arange(len(self._ids)), rows)
        self._vectors = self._vectors[keep]
        self._ids = [self._ids[i] for i in keep]
        self._row = {d: r for r, d in enumerate(self._ids)}
        self._faiss = None

    def batch_search(self, vectors: np.ndarray, k: int, candidates: Candidates = None) -> list[list[Hit]]:
        vectors = np.ascontiguousarray(np.atleast_2d(vectors), dtype=np.float32)
        if vectors.shape[1] != self.dim:
            raise ValueError(f"query vectors must have dimension {self.dim}, got {vectors.shape[1]}")
        if k <= 0 or not self._ids:
            return [[] for _ in range(len(vectors))]
        results: list[list[Hit] | None] = [None] * len(vectors)
        free = [i for i in range(len(vectors)) if candidates is None or candidates[i] is None]
        if free:
            # ask for more than k so every row tied with the k-th score is seen and the id tie-break is exact
            n = min(len(self._ids), k + 16)
            scores, rows = self._index().search(vectors[free], n)
            for qi, srow, rrow in zip(free, scores, rows, strict=True):
                found = rrow >= 0
                results[qi] = ranked_hits(self._ids, rrow[found], srow[found], k)
        for qi in range(len(vectors)):
            if results[qi] is None:
                assert candidates is not None
                rows_ = np.fromiter((self._row[d] for d in candidates[qi] or () if d in self._row), dtype=np.int64)
                results[qi] = ranked_hits(self._ids, rows_, self._vectors[rows_] @ vectors[qi], k)
        return [r or [] for r in results]

    def search(self, vector: np.ndarray, k: int, candidates: Collection[str] | None = None) -> list[Hit]:
        return self.batch_search(np.atleast_2d(vector), k, None if candidates is None else [candidates])[0]

    def vectors(self, ids: Sequence[str]) -> np.ndarray:
        """Stored vectors of ``ids`` (zeros for unknown ids), for explanations and analysis."""
        out = np.zeros((len(ids), self.dim), dtype=np.float32)
        for n, doc_id in enumerate(ids):
            if doc_id in self._row:
                out[n] = self._vectors[self._row[doc_id]]
        return out

    def commit(self) -> None:
        if not self.directory:
            return

        def write(gen: Path) -> None:
            faiss.write_index(self._index(), str(gen / "index.faiss"))
            (gen / "ids.json").write_text(json.dumps(self._ids, ensure_ascii=False), encoding="utf-8")
            (gen / "config.json").write_text(json.dumps({"format": _FORMAT, "dim": self.dim}), encoding="utf-8")

        write_generation(self.directory, write)

    def __len__(self) -> int:
        return len(self._ids)

    def _index(self) -> faiss.IndexFlatIP:
        if self._faiss is None:
            self._faiss = faiss.IndexFlatIP(self.dim)
            if len(self._vectors):
                self._faiss.add(self._vectors)
        return self._faiss

    def _load(self) -> None:
        assert self.directory is not None
        gen = current_generation(self.directory)
        assert gen is not None
        config = json.loads((gen / "config.json").read_text(encoding="utf-8"))
        if config.get("format") != _FORMAT:
            raise ValueError(f"{gen}: unsupported dense index format {config.get('format')!r}")
        if config["dim"] != self.dim:
            raise ValueError(f"{gen}: index has dimension {config['dim']}, the model gives {self.dim}")
        self._faiss = faiss.read_index(str(gen / "index.faiss"))
        self._ids = json.loads((gen / "ids.json").read_text(encoding="utf-8"))
        self._row = {d: r for r, d in enumerate(self._ids)}
        self._vectors = (
            faiss.rev_swig_ptr(self._faiss.get_xb(), self._faiss.ntotal * self.dim)
            .reshape(self._faiss.ntotal, self.dim)
            .copy()
        )

"""The embedded lexical index: BM25 over pre-tokenised documents, in sparse matrices.

Why not an inverted-index library: fact descriptions are hundreds of tokens, and a sparse column slice
times a weight vector scores every document for all query terms in one step, which on this corpus is
faster than term-at-a-time posting traversal in Python. Adds append rows; deletes clear a live mask and
compaction drops dead rows on commit. Each commit writes a new generation (:mod:`indexing.generations`), so a
crash leaves the last committed one intact.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

from indexing.backends import Candidates
from indexing.generations import current_generation, write_generation
from indexing.hits import Hit, ranked_hits

__all__ = ["BM25Index"]

_FORMAT = "leian-bm25/1"


class BM25Index:
    """Incremental, persistent BM25 (Lucene's idf, query-term frequency counted) implementing LexicalIndex."""

    def __init__(self, directory: str | Path | None = None, k1: float = 1.2, b: float = 0.75) -> None:
        self.directory = Path(directory) if directory else None
        self.k1, self.b = k1, b
        self._vocab: dict[str, int] = {}
        self._ids: list[str] = []
        self._row: dict[str, int] = {}
        self._tf = sparse.csr_matrix((0, 0), dtype=np.float32)
        self._pending: list[sparse.csr_matrix] = []
        self._live = np.zeros(0, dtype=bool)
        self._weights: sparse.csc_matrix | None = None
        self._idf: np.ndarray | None = None
        if self.directory and current_generation(self.directory):
            self._load()

    # --- LexicalIndex --------------------------------------------------------------------------------
    def add(self, ids: Sequence[str], tokens: Sequence[Sequence[str]]) -> None:
        if len(ids) != len(tokens):
            raise ValueError("ids and tokens differ in length")
        last = {doc_id: i for i, doc_id in enumerate(ids)}  # the same id twice in one batch: the later one wins
        keep = sorted(last.values())
        ids, tokens = [ids[i] for i in keep], [tokens[i] for i in keep]
        self.delete([i for i in ids if i in self._row])
        rows, cols, vals = [], [], []
        for r, toks in enumerate(tokens):
            for term, n in Counter(toks).items():
                rows.append(r)
                cols.append(self._vocab.setdefault(term, len(self._vocab)))
                vals.append(n)
        start = len(self._ids)
        self._row.update((doc_id, start + offset) for offset, doc_id in enumerate(ids))
        self._ids.extend(ids)
        shape = (len(ids), len(self._vocab))
        self._pending.append(sparse.csr_matrix((vals, (rows, cols)), shape=shape, dtype=np.float32))
        self._live = np.concatenate([self._live, np.ones(len(ids), dtype=bool)])
        self._weights = None

    def delete(self, ids: Sequence[str]) -> None:
        for doc_id in ids:
            row = self._row.pop(doc_id, None)
            if row is not None:
                self._live[row] = False
        self._weights = None

    def batch_search(self, queries: Sequence[Sequence[str]], k: int, candidates: Candidates = None) -> list[list[Hit]]:
        weights, idf = self._scoring()
        results = []
        for qi, query in enumerate(queries):
            allowed = candidates[qi] if candidates is not None else None
            results.append(self._search_one(query, k, allowed, weights, idf))
        return results

    def search(self, query: Sequence[str], k: int, candidates: Collection[str] | None = None) -> list[Hit]:
        return self.batch_search([query], k, None if candidates is None else [candidates])[0]

    def commit(self) -> None:
        """Compact dead rows and write a new generation (no-op without a directory)."""
        self._merge_pending()
        if not self._live.all():
            keep = np.flatnonzero(self._live)
            self._tf = self._tf[keep]
            self._ids = [self._ids[i] for i in keep]
            self._row = {d: r for r, d in enumerate(self._ids)}
            self._live = np.ones(len(self._ids), dtype=bool)
            self._weights = None
        if self.directory:
            self._save()

    def __len__(self) -> int:
        return len(self._row)

    # --- term statistics for explanations ----------------------------------------------------------------
    def idf(self, terms: Sequence[str]) -> dict[str, float]:
        """Inverse document frequency of each known term (unknown terms are left out)."""
        _, idf = self._scoring()
        return {t: float(idf[self._vocab[t]]) for t in terms if t in self._vocab}

    # --- internals -----------------------------------------------------------------------------------
    def _merge_pending(self) -> None:
        if not self._pending:
            return
        width = len(self._vocab)
        blocks = [self._tf, *self._pending]
        blocks = [m if m.shape[1] == width else _widen(m, width) for m in blocks]
        self._tf = sparse.vstack(blocks, format="csr")
        self._pending = []

    def _scoring(self) -> tuple[sparse.csc_matrix, np.ndarray]:
        """BM25 term weights per (document, term) and idf per term, recomputed after changes."""
        if self._weights is None or self._idf is None:
            self._merge_pending()
            tf = self._tf.tocsr()
            live = self._live.astype(np.float32)
            lengths = np.asarray(tf.sum(axis=1)).ravel()
            n_live = max(float(live.sum()), 1.0)
            avgdl = float((lengths * live).sum() / n_live) or 1.0
            norm = self.k1 * (1 - self.b + self.b * lengths / avgdl)
            w = tf.copy().astype(np.float32)
            row_of = np.repeat(np.arange(tf.shape[0]), np.diff(tf.indptr))
            w.data = (w.data * (self.k1 + 1) / (w.data + norm[row_of])) * live[row_of]
            df = np.bincount(tf.indices[live[row_of] > 0], minlength=tf.shape[1]).astype(np.float32)
            self._idf = np.log1p((n_live - df + 0.5) / (df + 0.5)).astype(np.float32)
            self._weights = w.tocsc()
        return self._weights, self._idf

    def _search_one(
        self, query: Sequence[str], k: int, allowed: Collection[str] | None, weights: sparse.csc_matrix, idf: np.ndarray
    ) -> list[Hit]:
        counts = Counter(t for t in query if t in self._vocab)
        if not counts or not len(self._row) or k <= 0:
            return []
        cols = np.fromiter((self._vocab[t] for t in counts), dtype=np.int64, count=len(counts))
        qw = idf[cols] * np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        scores = weights[:, cols] @ qw
        if allowed is not None:
            rows = np.fromiter((self._row[d] for d in allowed if d in self._row), dtype=np.int64)
        else:
            rows = np.flatnonzero(self._live & (scores > 0))
        if rows.size == 0:
            return []
        return ranked_hits(self._ids, rows, scores[rows], k)

    def _save(self) -> None:
        assert self.directory is not None

        def write(gen: Path) -> None:
            sparse.save_npz(gen / "tf.npz", self._tf, compressed=False)
            (gen / "ids.json").write_text(json.dumps(self._ids, ensure_ascii=False), encoding="utf-8")
            vocab = sorted(self._vocab, key=self._vocab.__getitem__)
            (gen / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
            config = {"format": _FORMAT, "k1": self.k1, "b": self.b}
            (gen / "config.json").write_text(json.dumps(config), encoding="utf-8")

        write_generation(self.directory, write)

    def _load(self) -> None:
        assert self.directory is not None
        gen = current_generation(self.directory)
        assert gen is not None
        config = json.loads((gen / "config.json").read_text(encoding="utf-8"))
        if config.get("format") != _FORMAT:
            raise ValueError(f"{gen}: unsupported lexical index format {config.get('format')!r}")
        self.k1, self.b = config["k1"], config["b"]
        self._tf = sparse.load_npz(gen / "tf.npz").tocsr()
        self._ids = json.loads((gen / "ids.json").read_text(encoding="utf-8"))
        self._vocab = {t: i for i, t in enumerate(json.loads((gen / "vocab.json").read_text(encoding="utf-8")))}
        self._row = {d: r for r, d in enumerate(self._ids)}
        self._live = np.ones(len(self._ids), dtype=bool)


def _widen(m: sparse.csr_matrix, width: int) -> sparse.csr_matrix:
    return sparse.csr_matrix((m.data, m.indices, m.indptr), shape=(m.shape[0], width))

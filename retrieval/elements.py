"""The legal elements of every indexed case as sparse matrices, so fusion scores hundreds of candidates at once.

Built once per :class:`~retrieval.searcher.Searcher` from the catalog's compact elements: one row per case, one
column per charge, statute article or sentencing circumstance, 0/1. A case's charge agreement is the largest of the
query's confidences over the case's charges (how sure the query is to share at least one of them: a case charged
with the query's crime and another is still that crime's case); a row times the query's article or circumstance
indicator counts the shared elements.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from scipy import sparse

__all__ = ["ElementMatrices"]


def _matrix(values: Sequence[Collection[Any]]) -> tuple[sparse.csr_matrix, dict[Any, int]]:
    vocab: dict[Any, int] = {}
    rows, cols, data = [], [], []
    for row, items in enumerate(values):
        for item in set(items):
            rows.append(row)
            cols.append(vocab.setdefault(item, len(vocab)))
            data.append(1.0)
    shape = (len(values), max(len(vocab), 1))
    return sparse.csr_matrix((data, (rows, cols)), shape=shape, dtype=np.float32), vocab


class ElementMatrices:
    """Charges, articles and circumstances of every case, row-aligned with ``ids``."""

    def __init__(self, elements: Mapping[str, Mapping[str, Any]]) -> None:
        self.ids = list(elements)
        self.row = {doc_id: n for n, doc_id in enumerate(self.ids)}
        columns = list(elements.values())
        charges, self._charge_cols = _matrix([el.get("charges", ()) for el in columns])
        self._charge_cases = charges.tocsc()
        self._articles, self._article_cols = _matrix([el.get("articles", ()) for el in columns])
        self._circumstances, self._circ_cols = _matrix([el.get("circumstances", ()) for el in columns])

    def rows(self, ids: Iterable[str]) -> np.ndarray:
        """Row numbers of ``ids`` (-1 for an id without elements)."""
        return np.fromiter((self.row.get(i, -1) for i in ids), dtype=np.int64)

    @staticmethod
    def _product(matrix: sparse.csr_matrix, rows: np.ndarray, weights: np.ndarray) -> np.ndarray:
        out = np.zeros(len(rows), dtype=np.float64)
        known = rows >= 0
        if known.any() and weights.any():
            # every case's product at once: one pass over a very sparse matrix costs less than slicing its rows
            out[known] = (matrix @ weights)[rows[known]]
        return out

    def charge_agreement(self, rows: np.ndarray, charges: Mapping[str, float]) -> np.ndarray:
        """Per row: the largest of the query's confidences over the case's charges (0 for a case without one)."""
        best = np.zeros(len(self.ids) + 1)  # the extra last cell answers the rows of unknown ids (-1)
        for charge, confidence in charges.items():
            col = self._charge_cols.get(charge)
            if col is not None:  # the cases with this charge: one column of the column-major copy
                cases = self._charge_cases.indices[self._charge_cases.indptr[col] : self._charge_cases.indptr[col + 1]]
                np.maximum.at(best, cases, confidence)
        return best[rows]

    def overlap(self, kind: str, rows: np.ndarray, query: Collection[Any]) -> np.ndarray:
        """Per row: the share of the query's articles or circumstances (``kind``) the case also has."""
        matrix, cols = (
            (self._articles, self._article_cols) if kind == "articles" else (self._circumstances, self._circ_cols)
        )
        if not query:
            return np.zeros(len(rows), dtype=np.float64)
        weights = np.zeros(matrix.shape[1], dtype=np.float64)
        for item in set(query):
            col = cols.get(item)
            if col is not None:
                weights[col] = 1.0
        return self._product(matrix, rows, weights) / len(set(query))

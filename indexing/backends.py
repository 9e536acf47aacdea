"""One Protocol per backend kind. Each has an embedded and an Elasticsearch implementation.

Every search method has the same shape: ``batch_search`` takes a list of queries and returns one list of
:class:`~indexing.hits.Hit` per query, sorted by (-score, id); ``search`` is ``batch_search`` of one.
``candidates`` (one id collection per query, or ``None``) restricts a query to those documents — the
LeCaRD pool protocol and metadata filters both use it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from corpus.model import Judgment
from indexing.hits import Hit

__all__ = ["Candidates", "DenseIndex", "DocumentStore", "LexicalIndex", "SearchFilters"]

Candidates = Sequence[Collection[str] | None] | None


@dataclass(frozen=True)
class SearchFilters:
    """Metadata filters a judge can set; empty fields do not filter."""

    courts: tuple[str, ...] = ()
    court_levels: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    trial_levels: tuple[str, ...] = ()
    authorities: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    date_from: str = ""  # ISO date, inclusive
    date_to: str = ""  # ISO date, inclusive
    effective_only: bool = True
    exclude_ids: tuple[str, ...] = field(default=())

    def is_empty(self) -> bool:
        """True when no filter other than the default effectiveness rule is set."""
        return self == SearchFilters(effective_only=self.effective_only)


@runtime_checkable
class DocumentStore(Protocol):
    """Durable store of parsed judgments, keyed by id, with provenance and metadata filters."""

    def put(self, docs: Sequence[Judgment]) -> None:
        """Insert or replace documents by id, atomically for the batch."""

    def get(self, ids: Sequence[str]) -> list[Judgment | None]:
        """Documents in the order of ``ids``; ``None`` for an unknown id."""

    def delete(self, ids: Sequence[str]) -> int:
        """Remove documents; returns how many existed."""

    def ids(self) -> list[str]:
        """All stored ids, sorted."""

    def count(self) -> int:
        """Number of stored documents."""

    def iter_documents(self, batch_size: int = 500) -> Iterator[Judgment]:
        """Every document, in id order."""

    def filter_ids(self, filters: SearchFilters) -> set[str]:
        """Ids of the documents that pass ``filters``."""

    def close(self) -> None:
        """Release connections and files."""


@runtime_checkable
class LexicalIndex(Protocol):
    """BM25 over pre-tokenised text (the tokens come from :mod:`indexing.tokenizer`, once)."""

    def add(self, ids: Sequence[str], tokens: Sequence[Sequence[str]]) -> None:
        """Index documents, replacing any with the same id."""

    def delete(self, ids: Sequence[str]) -> None:
        """Remove documents; unknown ids are ignored."""

    def batch_search(
        self, queries: Sequence[Sequence[str]], k: int, candidates: Candidates = None
    ) -> list[list[Hit]]:
        """The ``k`` best documents per tokenised query."""

    def search(self, query: Sequence[str], k: int, candidates: Collection[str] | None = None) -> list[Hit]:
        """``batch_search`` of one query."""

    def commit(self) -> None:
        """Make everything added or deleted so far durable."""

    def idf(self, terms: Sequence[str]) -> dict[str, float]:
        """BM25 inverse document frequency of each known term (for explanations); unknown terms left out."""

    def __len__(self) -> int: ...


@runtime_checkable
class DenseIndex(Protocol):
    """Inner-product search over L2-normalised embeddings."""

    dim: int

    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        """Index vectors, replacing any with the same id."""

    def delete(self, ids: Sequence[str]) -> None:
        """Remove vectors; unknown ids are ignored."""

    def batch_search(self, vectors: np.ndarray, k: int, candidates: Candidates = None) -> list[list[Hit]]:
        """The ``k`` nearest documents per query vector."""

    def search(self, vector: np.ndarray, k: int, candidates: Collection[str] | None = None) -> list[Hit]:
        """``batch_search`` of one vector."""

    def commit(self) -> None:
        """Make everything added or deleted so far durable."""

    def __len__(self) -> int: ...

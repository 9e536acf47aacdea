"""TREC run files: ``qid Q0 docid rank score tag``, ranks from 1, ties broken by doc id."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from indexing.hits import Hit

__all__ = ["read_run", "write_run"]


def read_run(path: str | Path) -> dict[str, list[str]]:
    """Rankings per query, ordered by score (descending) then rank, as a TREC run lists them."""
    rows: dict[str, list[tuple[float, int, str]]] = defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 5:
                rows[parts[0]].append((-float(parts[4]), int(parts[3]), parts[2]))
    return {q: [d for *_, d in sorted(r)] for q, r in rows.items()}


def write_run(
    path: str | Path, results: Mapping[str, Sequence[Hit]] | Iterable[tuple[str, Sequence[Hit]]], tag: str
) -> None:
    """Write hits per query; the hits are re-sorted by (-score, id) so the file is deterministic."""
    items = results.items() if isinstance(results, Mapping) else results
    with open(path, "w", encoding="utf-8") as f:
        for qid, hits in items:
            for rank, h in enumerate(sorted(hits, key=lambda h: (-h.score, h.id)), start=1):
                f.write(f"{qid} Q0 {h.id} {rank} {h.score:.6f} {tag}\n")

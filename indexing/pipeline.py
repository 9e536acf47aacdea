"""Ingestion: read → parse → tokenise (in worker processes) → store and index in batches.

Each record is parsed and tokenised once; the tokens go to the lexical index, the dense encoder and the
catalog. Duplicates are resolved here: an id already stored with the same content is skipped as
unchanged, with other content it is replaced (and counted as updated); the same content under a second id
is skipped as a duplicate of the first. Unreadable records are reported with file and line and skipped.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from corpus.findings import findings_span
from corpus.lending import extract_lending
from corpus.model import Judgment, RawRecord
from corpus.parse import parse_record
from corpus.pseudonymise import find_person_names
from corpus.readers import ReadProblem, read_records
from indexing.catalog import CatalogEntry
from indexing.index import LeianIndex
from indexing.tokenizer import get_tokenizer

__all__ = ["IngestSummary", "Prepared", "compact_elements", "ingest", "prepare"]

log = logging.getLogger(__name__)

BATCH_SIZE = 512


@dataclass(frozen=True)
class Prepared:
    """A parsed judgment with its catalog entry (tokens, findings span, checksum)."""

    doc: Judgment
    entry: CatalogEntry


@dataclass
class IngestSummary:
    """What an ingest did, for the closing summary line and ``--json``."""

    read: int = 0
    stored: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "read": self.read,
            "stored": self.stored,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": dict(self.skipped),
            "problems": self.problems[:100],
        }

    def line(self) -> str:
        """One-line human summary."""
        skipped = sum(self.skipped.values())
        why = "; ".join(f"{reason}: {n}" for reason, n in self.skipped.most_common())
        return (
            f"读取 read {self.read}, 新增 stored {self.stored}, 更新 updated {self.updated},"
            f" 未变 unchanged {self.unchanged}, 跳过 skipped {skipped}" + (f" ({why})" if why else "")
        )


def content_checksum(text: str) -> str:
    """Fingerprint of a document's text, for de-duplication."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def compact_elements(doc: Judgment) -> dict[str, object]:
    """The legal elements ranking and filtering need, small enough to keep in memory for the whole corpus."""
    return {
        "charges": doc.charges,
        "articles": doc.articles,
        "circumstances": doc.circumstances,
        "amount": max(doc.amounts, default=None),
        "title": doc.title,
        "court": doc.court,
        "court_level": doc.court_level,
        "province": doc.province,
        "date": doc.date,
        "doc_type": doc.doc_type,
        "authority": doc.authority,
        "case_number": doc.case_number,
        "lending": doc.extra.get("lending"),
    }


def prepare(raw: RawRecord) -> Prepared:
    """Parse and tokenise one record (runs in worker processes)."""
    doc = parse_record(raw)
    doc.persons = find_person_names(doc.text)
    if doc.domain != "criminal":  # criminal fund-raising facts read like loans; only civil ones are loan cases
        lending = extract_lending(doc.facts)
        if lending is not None:
            doc.extra["lending"] = lending.to_dict()
    facts = doc.facts
    start, end = findings_span(facts)
    tok = get_tokenizer()
    head, core, tail = tok.tokenize(facts[:start]), tok.tokenize(facts[start:end]), tok.tokenize(facts[end:])
    terms = tuple(head + core + tail)
    entry = CatalogEntry(
        id=doc.id,
        checksum=content_checksum(doc.text),
        source=doc.source or raw.source,
        terms=terms,
        core=(len(head), len(head) + len(core)),
        elements=compact_elements(doc),
    )
    return Prepared(doc, entry)


def _prepare_safe(raw: RawRecord) -> Prepared | ReadProblem:
    try:
        return prepare(raw)
    except Exception as exc:  # a record that breaks the parser must not stop the batch
        return ReadProblem(raw.source, None, f"无法解析 cannot parse record {raw.id!r}: {type(exc).__name__}: {exc}")


def _prepared_stream(records: Iterable[RawRecord | ReadProblem], workers: int) -> Iterator[Prepared | ReadProblem]:
    """Prepare records in ``workers`` processes, keeping input order; problems pass straight through."""

    def chunks() -> Iterator[list[RawRecord | ReadProblem]]:
        it = iter(records)
        while chunk := list(islice(it, 64)):
            yield chunk

    if workers <= 1:
        for chunk in chunks():
            for r in chunk:
                yield r if isinstance(r, ReadProblem) else _prepare_safe(r)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending = []
        for chunk in chunks():
            raws = [r for r in chunk if not isinstance(r, ReadProblem)]
            problems = [r for r in chunk if isinstance(r, ReadProblem)]
            pending.append((problems, pool.map(_prepare_safe, raws, chunksize=8)))
            if len(pending) > workers * 2:
                probs, results = pending.pop(0)
                yield from probs
                yield from results
        for probs, results in pending:
            yield from probs
            yield from results


def ingest(
    index: LeianIndex,
    paths: Sequence[str | Path],
    *,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    on_problem: Callable[[str], None] | None = None,
    train_charges: bool = True,
) -> IngestSummary:
    """Ingest every record under ``paths`` into ``index``; never fatal for a bad record."""
    summary = IngestSummary()
    known = index.catalog.checksums()
    owner = {cs: doc_id for doc_id, cs in known.items()}
    batch: dict[str, Prepared] = {}  # by id: a later record with the same id replaces an earlier one
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)

    def flush() -> None:
        if batch:
            items = list(batch.values())
            index.write_batch([p.doc for p in items], [p.entry for p in items])
            batch.clear()

    def problem(text: str, reason: str) -> None:
        summary.skipped[reason] += 1
        summary.problems.append(text)
        if on_problem:
            on_problem(text)

    for item in _prepared_stream(read_records(paths), workers):
        if progress:
            progress(1)
        if isinstance(item, ReadProblem):
            where = f"{item.source}:{item.line}" if item.line else item.source
            problem(f"{where}: {item.reason}", "无法读取 unreadable")
            continue
        summary.read += 1
        doc_id, cs = item.entry.id, item.entry.checksum
        if known.get(doc_id) == cs:
            summary.unchanged += 1
            continue
        if cs in owner and owner[cs] != doc_id:
            problem(f"{item.entry.source}: {doc_id} 与 {owner[cs]} 内容相同 duplicate content", "重复内容 duplicate")
            continue
        if doc_id in known:
            summary.updated += 1
            owner.pop(known[doc_id], None)
        else:
            summary.stored += 1
        known[doc_id], owner[cs] = cs, doc_id
        batch[doc_id] = item
        if len(batch) >= BATCH_SIZE:
            flush()
    flush()
    if train_charges and (summary.stored or summary.updated):
        index.train_charge_model()
    index.finish(build_command=" ".join([Path(sys.argv[0]).name, *sys.argv[1:]]))
    return summary

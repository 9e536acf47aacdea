"""Batch audit: flag every case of an input file, or every decided case of an index, with a progress bar.

Input lines (JSON): ``id``, ``fact`` or ``text``, optional ``charges``, ``articles``, ``court`` and ``outcome``
(``imprisonment_months``, ``life``, ``death``, ``probation_months``, ``fine_yuan``). A case without an outcome
still gets its expectation — what a judge wants to see before ruling.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from tqdm import tqdm

from consistency.design import case_elements
from consistency.flags import Flag, flag_cases
from consistency.model import OutcomeModel
from consistency.targets import target_of
from consistency.training import decided_cases
from corpus.model import Judgment
from corpus.parse import parse_record
from corpus.readers import ReadProblem, record_from_object
from indexing.index import LeianIndex
from leian.errors import InputError
from retrieval.charge_model import ChargeInference

__all__ = [
    "CHARGE_CONFIDENCE",
    "audit_file",
    "audit_index",
    "batches",
    "infer_missing_charges",
    "note_inferred",
    "read_cases",
]

_BATCH = 256
T = TypeVar("T")
#: Inferred charges at least this probable are taken as the case's charges (the most probable one always is).
CHARGE_CONFIDENCE = 0.5

#: Infers a fact description's charges (``Searcher.infer_charges``).
ChargeInferrer = Callable[[str], ChargeInference]


def infer_missing_charges(docs: Sequence[Judgment], infer: ChargeInferrer | None) -> dict[str, dict[str, float]]:
    """Give every case that names no charge the charges inferred from its facts (in place); returns, by case id,
    the inferred distribution, which the flag reports so the judge sees the expectation rests on a guess."""
    inferred: dict[str, dict[str, float]] = {}
    if infer is None:
        return inferred
    for doc in docs:
        if doc.charges:
            continue
        inference = infer(doc.facts)
        if inference.charges:
            doc.charges = inference.likely(CHARGE_CONFIDENCE)
            doc.domain = doc.domain or "criminal"
            inferred[doc.id] = inference.charges
    return inferred


def note_inferred(flags: Sequence[Flag], inferred: dict[str, dict[str, float]]) -> None:
    """Mark the flags whose case had its charges inferred."""
    for flag in flags:
        if flag.id in inferred:
            flag.charges_inferred = inferred[flag.id]
            named = "、".join(f"{c}（{p:.2f}）" for c, p in list(inferred[flag.id].items())[:3])
            flag.reasons.insert(0, f"罪名未提供，系从事实推断：{named}")


def read_cases(path: Path) -> Iterator[Judgment]:
    """The cases of a JSONL file, parsed; a malformed line raises :class:`InputError` naming it."""
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: 不是有效的JSON invalid JSON: {exc}") from exc
            if isinstance(obj, dict) and "outcome" in obj and not isinstance(obj["outcome"], dict | None):
                raise InputError(f"{path}:{number}: outcome 必须是对象 must be an object")
            raw = record_from_object(obj, source=f"{path}:{number}", line=number)
            if isinstance(raw, ReadProblem):
                raise InputError(f"无法读取案件 cannot read case: {raw}")
            yield parse_record(raw)


def batches(items: Sequence[T], size: int = _BATCH) -> Iterator[Sequence[T]]:
    """``items`` in consecutive slices of ``size`` (flags are computed a batch at a time)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def audit_file(
    model: OutcomeModel,
    path: Path,
    *,
    silent: bool = False,
    progress: bool = True,
    infer: ChargeInferrer | None = None,
) -> list[Flag]:
    """Flags for the cases of a JSONL file (their ids are kept out of their own evidence); a case that names no
    charge gets the charges ``infer`` reads in its facts."""
    docs = list(read_cases(path))
    inferred = infer_missing_charges(docs, infer)
    flags: list[Flag] = []
    with tqdm(total=len(docs), desc="审查 audit", unit="件", disable=not progress) as bar:
        for batch in batches(docs):
            cases = [case_elements(d) for d in batch]
            flags += flag_cases(model, cases, [target_of(d.outcome) for d in batch], silent=silent)
            bar.update(len(batch))
    note_inferred(flags, inferred)
    return flags


def audit_index(model: OutcomeModel, index: LeianIndex, *, silent: bool = True, progress: bool = True) -> list[Flag]:
    """Flags for every decided criminal judgment of ``index``, each against the others (leave-one-out evidence)."""
    docs = list(tqdm(index.store.iter_documents(), desc="读取 read", unit="件", disable=not progress))
    cases, targets = decided_cases(docs)
    flags: list[Flag] = []
    with tqdm(total=len(cases), desc="审查 audit", unit="件", disable=not progress) as bar:
        for part, actual in zip(batches(cases), batches(targets), strict=True):
            flags += flag_cases(model, part, actual, silent=silent)
            bar.update(len(part))
    return flags

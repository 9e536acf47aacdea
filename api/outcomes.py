"""Expected outcomes, deviation flags and consistency reports over HTTP, on :mod:`consistency`'s public functions.

The outcome model of the served index is trained once (``consistency.training.model_for_index`` keeps it beside
the index) and held in memory while the corpus is unchanged; a new corpus checksum (after an ingestion) loads or
trains the current one. Charts are drawn by :func:`consistency.charts.render_charts` one request at a time
(pyplot is not thread-safe) and returned as SVG text.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from consistency.audit import batches
from consistency.charts import render_charts
from consistency.design import case_elements
from consistency.flags import Flag, flag_cases
from consistency.model import OutcomeModel
from consistency.report import ConsistencyReport, charge_matches
from consistency.targets import target_of
from consistency.training import model_for_index
from corpus.model import Judgment
from corpus.parse import parse_record
from corpus.readers import ReadProblem, record_from_object
from indexing.index import LeianIndex
from leian.errors import InputError
from retrieval.searcher import Query, Searcher

__all__ = ["CHART_NAMES", "chart_svgs", "consistency_cases", "flag_judgments", "judgments", "outcome_model"]

#: The charts of a consistency report, as :func:`consistency.charts.render_charts` names them.
CHART_NAMES = ("distribution", "circumstances", "spread")
_CHARTS_LOCK = threading.Lock()
_MODEL_LOCK = threading.Lock()
_model: OutcomeModel | None = None
_model_key: tuple[str, str] | None = None


def outcome_model(index: LeianIndex) -> OutcomeModel:
    """The outcome model of ``index``'s current corpus, kept in memory; concurrent first requests train it once."""
    global _model, _model_key
    key = (str(index.directory), index.catalog.corpus_checksum())
    with _MODEL_LOCK:
        if _model is None or _model_key != key:
            _model, _model_key = model_for_index(index), key
        return _model


def judgments(cases: Sequence[dict[str, Any]]) -> list[Judgment]:
    """Parse cases given as ``leian audit`` input objects (``id``, ``text``, ``charges``, ``articles``, ``court``,
    ``outcome``) into judgments; :class:`InputError` names a case that cannot be read."""
    out = []
    for number, obj in enumerate(cases, start=1):
        raw = record_from_object(obj, source=f"cases[{number - 1}]", line=number)
        if isinstance(raw, ReadProblem):
            raise InputError(f"无法读取案件 cannot read case: {raw}")
        out.append(parse_record(raw))
    return out


def flag_judgments(model: OutcomeModel, docs: Sequence[Judgment], *, silent: bool) -> list[Flag]:
    """Each case against its expectation (a case without an outcome gets the expectation alone)."""
    flags: list[Flag] = []
    for batch in batches(docs):
        flags += flag_cases(model, [case_elements(d) for d in batch], [target_of(d.outcome) for d in batch],
                            silent=silent)  # fmt: skip
    return flags


def consistency_cases(
    index: LeianIndex, *, charge: str | None, query: str | None, k: int
) -> tuple[str, list[Judgment]]:
    """The subject and the decided judgments of a consistency report: every one of ``charge``, or the ``k`` most
    similar to ``query`` (as ``leian consistency --charge | --query``)."""
    if charge:
        docs = [d for d in index.store.iter_documents() if d.authority == "judgment" and charge_matches(d, charge)]
        subject = charge.removesuffix("罪") + "罪"
    else:
        hits = Searcher(index).search(Query(query or ""), k=k, explain=False).hits
        docs = [d for d in index.store.get([h.id for h in hits]) if d is not None and d.authority == "judgment"]
        subject = "检索类案"
    if not docs:
        raise InputError(f"没有找到该罪名的案例 no decided case for {charge or 'the query'}")
    return subject, docs


def chart_svgs(report: ConsistencyReport) -> dict[str, str]:
    """The report's charts as SVG documents, keyed by :data:`CHART_NAMES`."""
    with _CHARTS_LOCK, tempfile.TemporaryDirectory(prefix="leian-charts-") as directory:
        written = render_charts(report, Path(directory), formats=("svg",))
        return {p.stem: p.read_text(encoding="utf-8") for p in written if p.stem in CHART_NAMES}

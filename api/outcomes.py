"""Expected outcomes, deviation flags and consistency reports over HTTP, on :mod:`consistency`'s public functions.

The outcome model of the served index is prepared in the background (``consistency.training.model_for_index``
loads it from beside the index, or trains it there: about a minute on the development corpus) and held in memory;
an ingestion serves a fresh index, whose model is prepared in turn. Until it is ready, requests that need it are
answered 503 with ``Retry-After`` rather than held for a minute. Charts are drawn by
:func:`consistency.charts.render_charts` one request at a time (pyplot is not thread-safe) and returned as SVG.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from api.errors import ApiError
from consistency.audit import batches, infer_missing_charges, note_inferred
from consistency.charts import render_charts
from consistency.design import case_elements
from consistency.flags import Flag, flag_cases
from consistency.model import OutcomeModel
from consistency.report import ConsistencyReport
from consistency.targets import target_of
from consistency.training import model_for_index
from corpus.model import Judgment
from corpus.parse import parse_record
from corpus.readers import ReadProblem, record_from_object
from indexing.index import LeianIndex
from leian.errors import InputError
from retrieval.searcher import Searcher

__all__ = ["CHART_NAMES", "OutcomeModels", "chart_svgs", "flag_judgments", "judgments"]

log = logging.getLogger(__name__)

#: The charts of a consistency report, as :func:`consistency.charts.render_charts` names them.
CHART_NAMES = ("distribution", "circumstances", "spread")
_CHARTS_LOCK = threading.Lock()
_RETRY_AFTER_S = 30


class OutcomeModels:
    """The outcome model of the served index, prepared by one background thread at a time.

    A served :class:`LeianIndex` object never changes its corpus (an ingestion serves a fresh one), so models are
    keyed by the object itself: no corpus checksum on the request path. ``indexes`` opens the served index for as
    long as its ``with`` block lasts (the service's snapshot), so a swap cannot close it under the training.
    """

    def __init__(self, indexes: Callable[[], AbstractContextManager[LeianIndex]]) -> None:
        self._indexes = indexes
        self._lock = threading.Lock()
        self._model: OutcomeModel | None = None
        self._ready: LeianIndex | None = None
        self._preparing: LeianIndex | None = None
        self._failed: LeianIndex | None = None
        self._failure = ""

    def prepare(self, index: LeianIndex) -> None:
        """Start preparing the model of ``index`` unless it is ready, being prepared or failed."""
        with self._lock:
            if any(index is known for known in (self._ready, self._preparing, self._failed)):
                return
            self._preparing = index
        threading.Thread(target=self._prepare, name="leian-outcome-model", daemon=True).start()

    def refresh(self, index: LeianIndex) -> None:
        """After the served index changed: prepare its model if one was in use (audits stay available)."""
        with self._lock:
            in_use = self._ready is not None or self._preparing is not None
        if in_use:
            self.prepare(index)

    def _prepare(self) -> None:
        with self._indexes() as index:  # the index served now (an ingestion may have swapped it since)
            try:
                model = model_for_index(index)
            except Exception as exc:  # kept and reported to every request until the corpus changes
                log.exception("preparing the outcome model failed")
                with self._lock:
                    self._failed, self._failure = index, str(exc)
                    self._preparing = None if self._preparing is index else self._preparing
                return
            with self._lock:
                self._model, self._ready = model, index
                self._preparing = None if self._preparing is index else self._preparing

    def state(self, index: LeianIndex) -> str:
        """``ready``, ``preparing``, ``unavailable`` (preparing failed) or ``not_prepared`` for ``index``."""
        with self._lock:
            if index is self._ready:
                return "ready"
            if index is self._preparing:
                return "preparing"
            return "unavailable" if index is self._failed else "not_prepared"

    def get(self, index: LeianIndex) -> OutcomeModel:
        """The model of ``index``; 503 (with ``Retry-After``) while it is being prepared."""
        with self._lock:
            if index is self._ready and self._model is not None:
                return self._model
            if index is self._failed:
                raise ApiError(
                    503,
                    "outcome_model_unavailable",
                    f"无法建立预期裁判结果模型 the outcome model cannot be built from this index: {self._failure}",
                )
        self.prepare(index)
        raise ApiError(
            503,
            "outcome_model_preparing",
            "预期裁判结果模型正在根据索引准备，请稍后重试 the outcome model is being prepared; retry shortly",
            {"Retry-After": str(_RETRY_AFTER_S)},
        )


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


def flag_judgments(model: OutcomeModel, docs: Sequence[Judgment], searcher: Searcher, *, silent: bool) -> list[Flag]:
    """Each case against its expectation (a case without an outcome gets the expectation alone); a case that names
    no charge gets the charges the searcher infers from its facts."""
    inferred = infer_missing_charges(docs, searcher.infer_charges)
    flags: list[Flag] = []
    for batch in batches(docs):
        flags += flag_cases(model, [case_elements(d) for d in batch], [target_of(d.outcome) for d in batch],
                            silent=silent)  # fmt: skip
    note_inferred(flags, inferred)
    return flags


def chart_svgs(report: ConsistencyReport) -> dict[str, str]:
    """The report's charts as SVG documents, keyed by :data:`CHART_NAMES`."""
    with _CHARTS_LOCK, tempfile.TemporaryDirectory(prefix="leian-charts-") as directory:
        written = render_charts(report, Path(directory), formats=("svg",))
        return {p.stem: p.read_text(encoding="utf-8") for p in written if p.stem in CHART_NAMES}

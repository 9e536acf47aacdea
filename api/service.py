"""The service object behind the routes: the open index, users, the audit log, rate limits and ingestion.

One index and one searcher serve every request of the process; searches run concurrently on them, or in the
search worker processes of :mod:`api.search_pool` when ``leian serve`` starts them (one per core by default). Admin
ingestion never writes to the serving objects: a child process ingests into the directory while the current
snapshot keeps answering, and the refreshed index replaces it when the child is done (a snapshot is closed
once its last request has finished with it).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from api.audit_log import AuditLog, text_digest
from api.audit_summary import summarise
from api.masking import CaseMasks, SearchAnswer, SearchJob, masked_search
from api.outcomes import OutcomeModels, chart_svgs, flag_judgments, judgments
from api.ratelimit import RateLimiter
from api.search_pool import SearchPool
from api.security import MASKING, Role, User, UserStore
from api.settings import ServiceSettings
from consistency.report import build_report as build_consistency_report
from consistency.report import select_cases
from indexing.backends import SearchFilters
from indexing.index import LeianIndex
from leian.errors import InputError
from reports.builder import build_report
from reports.hashing import seal
from reports.pending import PendingCase
from retrieval.searcher import Searcher

__all__ = ["Service", "Snapshot"]

log = logging.getLogger(__name__)


@dataclass
class Snapshot:
    """An open index with its searcher (and search workers, when the service runs them), the masks of its cases,
    and how many requests are using it."""

    index: LeianIndex
    searcher: Searcher
    pool: SearchPool | None = None
    masks: CaseMasks = field(default_factory=CaseMasks)
    users: int = 0
    retired: bool = False

    def close(self) -> None:
        """Stop the workers and close the index (the last request using the snapshot has finished)."""
        if self.pool is not None:
            self.pool.close()
        self.index.close()


class Service:
    """Everything a request needs, shared by the whole process."""

    def __init__(self, settings: ServiceSettings, index: LeianIndex) -> None:
        from api.ingestion import Ingestion  # ingestion refers back to the service

        self.settings = settings
        self.directory = index.directory
        self.users = UserStore(index.directory, settings.secret_key.get_secret_value())
        self.audit = AuditLog(index.directory)
        self.limiter = RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst)
        self.auth_failures = RateLimiter(settings.auth_failures_per_minute, settings.auth_failures_per_minute)
        self._lock = threading.Lock()
        self._current = Snapshot(index, Searcher(index))
        self._pooled = False  # whether snapshots get search workers (``leian serve`` starts them)
        self.ingestion = Ingestion(self)
        self.outcome_models = OutcomeModels(self._snapshot_index)

    # --- the index snapshot --------------------------------------------------------------------------------
    @contextmanager
    def snapshot(self) -> Iterator[Snapshot]:
        """The current index and searcher, kept open for the duration of the ``with`` block."""
        with self._lock:
            snap = self._current
            snap.users += 1
        try:
            yield snap
        finally:
            with self._lock:
                snap.users -= 1
                close = snap.retired and snap.users == 0
            if close:
                snap.close()

    @contextmanager
    def _snapshot_index(self) -> Iterator[LeianIndex]:
        with self.snapshot() as snap:
            yield snap.index

    def replace_index(self, index: LeianIndex) -> None:
        """Serve ``index`` from now on (its search workers started first, when the service runs them); the previous
        snapshot closes when its last request is done."""
        fresh = Snapshot(index, Searcher(index), self._start_pool(index) if self._pooled else None)
        with self._lock:
            old, self._current = self._current, fresh
            old.retired = True
            close = old.users == 0
        if close:
            old.close()
        self.outcome_models.refresh(index)

    def start_search_workers(self) -> None:
        """Search in ``settings.search_workers`` worker processes from now on (``leian serve``, before it listens)."""
        if self.settings.search_workers < 1:
            return
        with self._lock:
            snap = self._current
        pool = self._start_pool(snap.index)
        with self._lock:
            snap.pool, self._pooled = pool, True

    def _start_pool(self, index: LeianIndex) -> SearchPool | None:
        """Workers for ``index``; None (the service process searches itself) when they cannot start."""
        try:
            return SearchPool(index.directory, self.settings, self.settings.search_workers).start()
        except RuntimeError:
            log.exception("search workers could not start: searching in the service process instead")
            return None

    def search_workers(self) -> int:
        """How many search worker processes answer searches now (0: the service process searches itself)."""
        with self.snapshot() as snap:
            return snap.pool.workers if snap.pool is not None else 0

    def prepare_outcome_model(self) -> None:
        """Start preparing the served corpus's outcome model in the background (``leian serve`` at start-up)."""
        with self.snapshot() as snap:
            self.outcome_models.prepare(snap.index)

    def outcome_model_state(self) -> str:
        """Whether expected outcomes can be answered: see :meth:`api.outcomes.OutcomeModels.state`."""
        with self.snapshot() as snap:
            return self.outcome_models.state(snap.index)

    def documents(self) -> int:
        """How many documents the served index holds."""
        with self.snapshot() as snap:
            return snap.index.catalog.count()

    # --- domain operations (called from worker threads) ----------------------------------------------------
    def search(
        self, user: User, text: str, k: int, charges: list[str], filters: SearchFilters, action: str = "search"
    ) -> SearchAnswer:
        """Search, mask the passages for the user's role and log it (as ``action``: search or export)."""
        if k > self.settings.max_k:
            raise InputError(f"k 不能超过 {self.settings.max_k} k may be at most {self.settings.max_k}")
        job = SearchJob(text, k, tuple(charges), filters, MASKING[user.role])
        with self.snapshot() as snap:
            answer = snap.pool.search(job) if snap.pool is not None else None
            if answer is None:  # no workers, or the one that had the job died
                answer = masked_search(snap.searcher, snap.masks, job)
        self.audit.append(
            user.name,
            user.role.value,
            action,
            details={
                "query_digest": text_digest(text),
                "query_chars": len(text),
                "k": k,
                "charges": charges,
                "filters": {k_: v for k_, v in filters.__dict__.items() if v not in ((), "", True)},
                "returned": list(answer.hit_ids),
            },
        )
        return answer

    def case(self, user: User, case_id: str) -> dict[str, Any]:
        """A stored judgment masked for the user's role; the view is logged (failed look-ups too)."""
        options = MASKING[user.role]
        try:
            with self.snapshot() as snap:
                doc = snap.index.get(case_id)
                mask = snap.masks.get(doc, options)
        except Exception:
            self.audit.append(user.name, user.role.value, "case.view", case_id[:200], outcome="not_found")
            raise
        masked = {
            "id": doc.id,
            "title": mask(doc.title),
            "doc_type": doc.doc_type,
            "domain": doc.domain,
            "authority": doc.authority,
            "court": doc.court,
            "court_level": doc.court_level,
            "province": doc.province,
            "case_number": doc.case_number,
            "date": doc.date,
            "trial_level": doc.trial_level,
            "procedure": doc.procedure,
            "effective": doc.effective,
            "charges": doc.charges,
            "articles": doc.articles,
            "circumstances": doc.circumstances,
            "holding": mask(doc.holding),
            "sections": {key: mask(value) for key, value in doc.sections.items()},
            "text": mask(doc.text),
            "masking": {
                "role": user.role.value,
                "keep_surname": options.keep_surname,
                "mask_officials": options.mask_officials,
                "masked_names": len(mask.names),
            },
        }
        self.audit.append(user.name, user.role.value, "case.view", doc.id, details={"masked_names": len(mask.names)})
        return masked

    def close(self) -> None:
        """Wait for a running ingestion, then close everything."""
        self.ingestion.wait()
        with self._lock:
            self._current.retired = True
            close = self._current.users == 0
        if close:
            self._current.close()
        self.users.close()
        self.audit.close()

    # --- reports, outcomes, consistency and the audit dashboard ----------------------------------------------
    def report(self, user: User, case: PendingCase, k: int, read: int, enough: int, fmt: str = "") -> dict[str, Any]:
        """The sealed similar-case search report for ``case`` (the judge's decisions applied); logged as
        ``report.build``, or as ``report.export`` when ``fmt`` names the file format, with the decisions and hash."""
        with self.snapshot() as snap:
            data = seal(build_report(snap.index, case, k=k, read=read, enough=enough).to_dict())
        self.audit.append(
            user.name,
            user.role.value,
            "report.export" if fmt else "report.build",
            case.id[:200],
            details={
                "query_digest": text_digest(case.text),
                "query_chars": len(case.text),
                "format": fmt or "json",
                "judge_decisions": len(case.decisions),
                "accepted": [c["id"] for c in data["similar_cases"]],
                "excluded": [c["id"] for c in data["excluded_cases"]],
                "content_hash": data["content_hash"],
            },
        )
        return data

    def outcomes(self, user: User, cases: Sequence[dict[str, Any]], silent: bool, action: str) -> list[dict[str, Any]]:
        """Expected outcome (and, for cases with an outcome, the deviation flag) of each case, logged as ``action``
        (``outcome.expect`` or ``outcome.audit``). Management's audits are always silent (not shown to judges)."""
        docs = judgments(cases)
        silent = silent or user.role is Role.MANAGEMENT
        with self.snapshot() as snap:
            model = self.outcome_models.get(snap.index)
            flags = flag_judgments(model, docs, snap.searcher, silent=silent)
        self.audit.append(
            user.name,
            user.role.value,
            action,
            docs[0].id[:200] if len(docs) == 1 else f"{len(docs)} cases",
            details={
                "cases": len(docs),
                "ids": [d.id[:200] for d in docs[:50]],
                "with_outcome": sum(d.outcome is not None for d in docs),
                "flagged": sum(f.flag for f in flags),
                "silent": silent,
            },
        )
        return [f.to_dict() for f in flags]

    def consistency(self, user: User, charge: str | None, query: str | None, k: int) -> dict[str, Any]:
        """The consistency report of a charge (all its decided cases) or of a query's ``k`` similar cases, with its
        charts as SVG; logged (a query by its digest, never its text)."""
        with self.snapshot() as snap:
            subject, docs = select_cases(snap.index, charge=charge, query=query, k=k)
        report = build_consistency_report(subject, docs, charge=charge or "")
        out = {**asdict(report), "charts": chart_svgs(report)}
        details: dict[str, Any] = {"charge": charge} if charge else {"query_digest": text_digest(query or ""), "k": k}
        details["cases"] = report.cases
        self.audit.append(user.name, user.role.value, "consistency.report", subject, details=details)
        return out

    def audit_summary(self, user: User, days: int) -> dict[str, Any]:
        """The audit log's chain verification and its counts over the last ``days`` days (reading it is logged)."""
        check = self.audit.verify()
        counts = summarise(self.audit.entries(), days, datetime.now(UTC).date())
        self.audit.append(user.name, user.role.value, "audit_log.summary", details={"ok": check.ok, "days": days})
        return {"ok": check.ok, "entries": check.entries, "head": check.head, "problems": check.problems, **counts}

"""Admin ingestion: ``leian ingest`` in a child process, then the refreshed index replaces the served one.

The child is the ordinary command (the same crash-consistent pipeline) with one parsing worker, so searches
keep a core; it is told to die with the service (``PR_SET_PDEATHSIG``), so killing the service never leaves a
second writer behind. Whatever an interrupted ingest left half-done is finished when the index is next opened.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.errors import ApiError
from api.security import User, service_dir
from indexing.index import LeianIndex
from leian.errors import InputError, NotFoundError

if TYPE_CHECKING:
    from api.service import Service

__all__ = ["IngestJob", "Ingestion"]

_KEPT_JOBS = 20
_PR_SET_PDEATHSIG = 1


@dataclass
class IngestJob:
    """One ingestion run requested by an admin."""

    id: str
    requested_by: str
    paths: list[str]
    started: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    state: str = "running"
    finished: str = ""
    summary: dict[str, Any] = field(default_factory=dict)
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the API."""
        return dict(self.__dict__)


def _die_with_parent() -> None:  # runs in the child between fork and exec
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


class Ingestion:
    """At most one ingestion at a time per service."""

    def __init__(self, service: Service) -> None:
        self._service = service
        self._jobs: dict[str, IngestJob] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def resolve(self, paths: list[str]) -> list[Path]:
        """Server paths under an ingest root (relative ones are looked up in each root); InputError otherwise."""
        roots = [r.resolve() for r in self._service.settings.ingest_roots]
        out = []
        for raw in paths:
            candidates = [Path(raw)] if Path(raw).is_absolute() else [root / raw for root in roots]
            found = next((c.resolve() for c in candidates if c.exists()), None)
            if found is None:
                raise InputError(f"文件不存在 no such file or folder under the ingest roots: {raw}")
            if not any(found.is_relative_to(root) for root in roots):
                raise InputError(f"不允许的路径 {raw} is outside the configured ingest roots (LEIAN_INGEST_ROOTS)")
            out.append(found)
        return out

    def start(self, user: User, paths: list[Path], records: list[dict[str, str]]) -> IngestJob:
        """Start ingesting ``paths`` and inline ``records``; 409 while another ingestion runs."""
        with self._lock:
            if self.running:
                raise ApiError(409, "ingest_running", "已有导入任务正在运行 another ingestion is running; try later")
            job = IngestJob(id=uuid.uuid4().hex[:12], requested_by=user.name, paths=[str(p) for p in paths])
            if records:
                upload = service_dir(self._service.directory) / "uploads" / f"{job.id}.jsonl"
                upload.parent.mkdir(parents=True, exist_ok=True)
                upload.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
                job.paths.append(str(upload))
            self._jobs[job.id] = job
            while len(self._jobs) > _KEPT_JOBS:
                self._jobs.pop(next(iter(self._jobs)))
            self._service.audit.append(
                user.name, user.role.value, "admin.ingest.start", job.id,
                details={"paths": job.paths, "records": len(records)},
            )  # fmt: skip
            self._thread = threading.Thread(target=self._run, args=(job, user), name=f"ingest-{job.id}", daemon=True)
            self._thread.start()
        return job

    @property
    def running(self) -> bool:
        """Whether an ingestion is running now."""
        return self._thread is not None and self._thread.is_alive()

    def get(self, job_id: str) -> IngestJob:
        """A job by id."""
        job = self._jobs.get(job_id)
        if job is None:
            raise NotFoundError(f"导入任务不存在 no ingestion job {job_id!r}")
        return job

    def wait(self, timeout: float | None = None) -> None:
        """Block until the running ingestion (if any) has finished."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self, job: IngestJob, user: User) -> None:
        settings = self._service.settings
        command = [sys.executable, "-m", "leian.cli", "ingest", "--index", str(self._service.directory)]
        command += ["--json", "--workers", "1", *job.paths]
        env = {**os.environ, "LEIAN_MODEL": str(settings.model), "LEIAN_DATA": str(settings.data)}
        # the job says it finished only once the fresh index is served and the finish is logged: a client polling
        # it must find the new documents and the audit entry
        state, message, summary = "failed", "", dict(job.summary)
        try:
            proc = subprocess.run(  # the thread lives as long as the child, as PR_SET_PDEATHSIG requires
                command, env=env, capture_output=True, text=True, preexec_fn=_die_with_parent, check=False
            )
            lines = proc.stdout.strip().splitlines()
            if proc.returncode == 0 and lines:
                summary, state = json.loads(lines[-1]), "succeeded"
            else:
                message = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1][-500:]
        except Exception as exc:  # the job reports any failure; the service keeps serving
            message = f"{type(exc).__name__}: {exc}"
        try:
            with self._service.snapshot() as snap:
                current = snap.index
            fresh = LeianIndex(
                self._service.directory, settings=settings, tokenizer=current.tokenizer, encoder=current.encoder
            )
            self._service.replace_index(fresh)
        except Exception as exc:
            state, message = "failed", f"重新打开索引失败 cannot reopen the index: {type(exc).__name__}: {exc}"
        self._service.audit.append(
            user.name, user.role.value, "admin.ingest.finish", job.id, outcome=state,
            details={"summary": {k: v for k, v in summary.items() if k != "problems"}, "message": message},
        )  # fmt: skip
        job.summary, job.message, job.finished = summary, message, time.strftime("%Y-%m-%dT%H:%M:%S%z")
        job.state = state  # last: what a poller sees as finished is complete

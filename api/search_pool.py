"""Searches in worker processes, so that concurrent searches use every core instead of the one a Python process gets.

The service process keeps what there must be one of (users, the audit log, rate limits, ingestion jobs) and hands
each search, as a :class:`~api.masking.SearchJob`, to an idle worker. Each worker holds its own read-only view of
the served index (opened without replaying anything: the service process owns the directory) and answers with
the masked answer, ready to send. A worker that dies is replaced in the background and its search runs in the
service process instead: a crash costs speed, never an answer.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import threading
import time
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from api.masking import CaseMasks, SearchAnswer, SearchJob, masked_search
from leian.settings import Settings

__all__ = ["SearchPool"]

log = logging.getLogger(__name__)

#: Searched once by each new worker before it takes jobs: loads the dictionary, the charge model and the term
#: weights, which would otherwise make a judge's first search take seconds.
_WARM_UP = "被告人酒后驾驶机动车在道路上行驶，经鉴定血液中乙醇含量超过标准，到案后如实供述。"
_READY_TIMEOUT_S = 300.0


def _serve(conn: Connection, directory: str, settings: Settings) -> None:
    """A worker's life: open the index, warm up, then answer jobs until told to stop or the service is gone."""
    from threadpoolctl import threadpool_limits

    from indexing.index import LeianIndex
    from retrieval.searcher import Searcher

    index = LeianIndex(Path(directory), settings=settings, recover=False)
    try:
        searcher, masks = Searcher(index), CaseMasks()
        searcher.search(_WARM_UP, k=1)
        # One thread per library, limited once the search has loaded them all: each worker runs one search at a
        # time, and idle BLAS/OpenMP threads spinning for work would take the other workers' cores.
        threadpool_limits(1)
        # The index's millions of objects never become garbage: frozen, no collection walks them again, and a
        # search's short-lived objects are collected in fewer, larger young collections.
        gc.freeze()
        gc.set_threshold(20_000, 50, 1000)
        conn.send("ready")
        while True:
            try:
                job = conn.recv()
            except (EOFError, OSError):  # the service process is gone
                return
            if job is None:
                return
            try:
                reply: tuple[str, Any] = ("ok", masked_search(searcher, masks, job))
            except Exception as exc:  # the service raises it as if it had searched itself
                reply = ("error", exc)
            try:
                conn.send(reply)
            except (EOFError, OSError):
                return
            except Exception as exc:  # an exception that cannot be pickled: send its text
                conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        index.close()


class _Worker:
    """One worker process and the service's end of its pipe."""

    def __init__(self, context: Any, directory: Path, settings: Settings) -> None:
        self.conn, child = context.Pipe()
        self.process: BaseProcess = context.Process(
            target=_serve, args=(child, str(directory), settings), name="leian-search", daemon=True
        )
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        """Block until the worker has opened the index; RuntimeError when it died or took longer than ``timeout``."""
        try:
            if self.conn.poll(timeout) and self.conn.recv() == "ready":
                return
        except (EOFError, OSError):
            pass
        self.stop()
        raise RuntimeError(f"search worker {self.process.pid} did not start (exit code {self.process.exitcode})")

    def stop(self) -> None:
        """Ask the worker to finish, then make sure it has."""
        with contextlib.suppress(OSError, ValueError):  # already gone, or its pipe already closed
            self.conn.send(None)
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class _Turn:
    """A search waiting for a worker: the worker handed to it, and the event that wakes it."""

    __slots__ = ("ready", "worker")

    def __init__(self) -> None:
        self.ready = threading.Event()
        self.worker: _Worker | None = None


class _IdleWorkers:
    """Idle workers handed to waiting searches first come, first served.

    A plain queue wakes whichever waiting thread the OS picks: with 20 searching threads some were served again and
    again while others waited (measured: median 20–40 ms, p95 1–2.4 s). Here a freed worker goes straight to the
    oldest waiter, and every search waits about as long (p95 1.5–1.8 times the median).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: deque[_Worker] = deque()
        self._waiting: deque[_Turn] = deque()

    def put(self, worker: _Worker) -> None:
        """Give ``worker`` to the oldest waiting search, or keep it until one comes."""
        with self._lock:
            if self._waiting:
                turn = self._waiting.popleft()
                turn.worker = worker
                turn.ready.set()
            else:
                self._idle.append(worker)

    def get(self, give_up: Callable[[], bool]) -> _Worker | None:
        """The next worker for this search; None once ``give_up()`` (asked twice a second while waiting) is true."""
        with self._lock:
            if self._idle:
                return self._idle.popleft()
            turn = _Turn()
            self._waiting.append(turn)
        while not turn.ready.wait(0.5):
            if give_up():
                with self._lock:
                    if turn.worker is None:  # still in line (put() may have served it meanwhile)
                        self._waiting.remove(turn)
                    return turn.worker
        return turn.worker


class SearchPool:
    """``size`` search processes over one index directory (see the module docstring)."""

    def __init__(self, directory: Path, settings: Settings, size: int) -> None:
        self.directory, self.settings, self.size = Path(directory), settings, size
        self._context = multiprocessing.get_context("spawn")  # a fork would copy the service's threads and locks
        self._idle = _IdleWorkers()
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> SearchPool:
        """Start every worker and wait until all have opened the index and warmed up; RuntimeError if one cannot."""
        started = [_Worker(self._context, self.directory, self.settings) for _ in range(self.size)]
        try:
            for worker in started:
                worker.wait_ready(_READY_TIMEOUT_S)
        except RuntimeError:
            for worker in started:
                worker.stop()
            raise
        with self._lock:
            self._workers.update(started)
        for worker in started:
            self._idle.put(worker)
        return self

    @property
    def workers(self) -> int:
        """How many workers are alive and answering."""
        return len(self._workers)

    def search(self, job: SearchJob) -> SearchAnswer | None:
        """The masked answer to ``job`` from the next idle worker, or None when no worker can answer (the caller
        then searches itself). Errors of the search itself (an empty query …) are raised as in process."""
        worker = self._idle.get(lambda: self._closed or not self._workers)
        if worker is None:
            return None
        try:
            worker.conn.send(job)
            status, value = worker.conn.recv()
        except (EOFError, OSError):
            self._lost(worker)
            return None
        self._idle.put(worker)
        if status == "error":
            raise value
        answer: SearchAnswer = value
        return answer

    def _lost(self, worker: _Worker) -> None:
        """A worker died (killed, out of memory): forget it and start a replacement in the background."""
        log.error("search worker %s exited with %s; starting a new one", worker.process.pid, worker.process.exitcode)
        with self._lock:
            self._workers.discard(worker)
        worker.stop()
        threading.Thread(target=self._replace, name="leian-search-replace", daemon=True).start()

    def _replace(self) -> None:
        for attempt in range(3):
            if self._closed:
                return
            worker = _Worker(self._context, self.directory, self.settings)
            try:
                worker.wait_ready(_READY_TIMEOUT_S)
            except RuntimeError:
                log.exception("replacement search worker failed to start (attempt %d)", attempt + 1)
                time.sleep(2**attempt)
                continue
            with self._lock:
                if self._closed:
                    worker.stop()
                    return
                self._workers.add(worker)
            self._idle.put(worker)
            return

    def close(self) -> None:
        """Stop every worker (the snapshot it serves has no requests left)."""
        with self._lock:
            self._closed = True
            workers, self._workers = list(self._workers), set()
        for worker in workers:
            worker.stop()

"""Search worker processes: the same masked answers as searching in the service process, errors carried back,
a killed worker replaced without losing the search it had, and free workers handed out first come, first served."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.masking import CaseMasks, SearchAnswer, SearchJob, masked_search
from api.search_pool import SearchPool, _IdleWorkers
from corpus.pseudonymise import PseudonymiseOptions
from indexing.backends import SearchFilters
from indexing.index import LeianIndex
from indexing.pipeline import IngestSummary
from leian.errors import InputError
from leian.settings import get_settings
from retrieval.searcher import Searcher

THEFT = "被告人趁被害人不备，窃取其放在桌上的手机一部，价值人民币3000元，案发后退赔并取得谅解。"
ASSAULT = "被告人王某因琐事与被害人李某发生争执，持刀将被害人砍伤，经鉴定为轻伤二级，案发后自动投案。"


@pytest.fixture(scope="module")
def pool(small_index_build: tuple[Path, IngestSummary]) -> Iterator[SearchPool]:
    started = SearchPool(small_index_build[0], get_settings(), 1).start()
    yield started
    started.close()


def _without_timing(answer: SearchAnswer) -> dict:
    return {k: v for k, v in answer.data().items() if k != "took_ms"}


def test_workers_answer_as_the_service_process_would(pool: SearchPool, small_index: LeianIndex) -> None:
    searcher, masks = Searcher(small_index), CaseMasks()
    for text, masking in ((THEFT, PseudonymiseOptions()), (ASSAULT, PseudonymiseOptions(keep_surname=False))):
        job = SearchJob(text, 10, (), SearchFilters(), masking)
        from_worker = pool.search(job)
        assert from_worker is not None and len(from_worker.hit_ids) == 10
        assert _without_timing(from_worker) == _without_timing(masked_search(searcher, masks, job))
    filtered = pool.search(SearchJob(THEFT, 5, ("盗窃",), SearchFilters(domains=("criminal",)), PseudonymiseOptions()))
    assert filtered is not None and filtered.data()["analysis"]["charges_source"] == "given"


def test_search_errors_come_back_as_themselves(pool: SearchPool) -> None:
    with pytest.raises(InputError, match="检索内容为空"):
        pool.search(SearchJob("   ", 10, (), SearchFilters(), PseudonymiseOptions()))
    assert pool.workers == 1  # the worker survived its error


def test_a_killed_worker_is_replaced(pool: SearchPool) -> None:
    job = SearchJob(THEFT, 3, (), SearchFilters(), PseudonymiseOptions())
    (worker,) = pool._workers
    worker.process.kill()
    worker.process.join()
    assert pool.search(job) is None  # the caller searches itself this once
    deadline = time.monotonic() + 120
    while pool.workers < 1:
        assert time.monotonic() < deadline, "no replacement worker started"
        time.sleep(0.2)
    answer = pool.search(job)
    assert answer is not None and [h["id"] for h in answer.data()["hits"]] == list(answer.hit_ids)
    assert len(answer.hit_ids) == 3


def test_free_workers_go_to_the_searches_that_waited_longest() -> None:
    idle, got = _IdleWorkers(), {}
    waiting = []
    for n in range(5):  # five searches queue up, one after another
        waiting.append(threading.Thread(target=lambda n=n: got.setdefault(n, idle.get(lambda: False))))
        waiting[-1].start()
        deadline = time.monotonic() + 10
        while len(idle._waiting) < n + 1:
            assert time.monotonic() < deadline
            time.sleep(0.01)
    workers = [object() for _ in range(5)]
    for worker in workers:
        idle.put(worker)  # type: ignore[arg-type]  # any object stands for a worker here
    for thread in waiting:
        thread.join(10)
    assert [got[n] for n in range(5)] == workers
    assert idle.get(lambda: True) is None and not idle._waiting  # a search that gives up leaves the line

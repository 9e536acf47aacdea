"""The real service (`leian serve` on a loopback port): the issue's check, fuzzing from the OpenAPI document,
20 concurrent clients while an ingestion runs, and SIGKILL during ingestion (few trials here; the benchmark
runs more, see :mod:`evaluation.service`)."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from evaluation.service import (
    ServerProcess,
    add_user,
    fuzz,
    index_problems,
    kill_during_ingest,
    load_test,
    write_slices,
)
from indexing.pipeline import IngestSummary

QUERY = "被告人趁被害人不备，窃取其放在桌上的手机一部，价值人民币3000元，案发后退赔并取得谅解。"


def _copy(small_index_build: tuple[Path, IngestSummary], target: Path) -> Path:
    shutil.copytree(small_index_build[0], target, ignore=shutil.ignore_patterns("service"))
    return target


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("service")


@pytest.fixture(scope="module")
def sources(workdir: Path, data_dir: Path, lecard_sample: Path) -> list[Path]:
    """LeCaRD judgments the small index does not hold: one larger file for the load test, three for kills."""
    in_index = sum(1 for _ in lecard_sample.open(encoding="utf-8"))
    candidates = data_dir / "lecard" / "candidates.jsonl.gz"
    return write_slices(candidates, in_index, [300, 100, 100, 100], workdir / "sources")


@pytest.fixture(scope="module")
def env(workdir: Path, sources: list[Path]) -> dict[str, str]:
    return {
        "LEIAN_RATE_LIMIT_PER_MINUTE": "1000000",
        "LEIAN_RATE_LIMIT_BURST": "100000",
        "LEIAN_AUTH_FAILURES_PER_MINUTE": "1000000",
        "LEIAN_INGEST_ROOTS": json.dumps([str(sources[0].parent)]),
    }


@pytest.fixture(scope="module")
def server(
    small_index_build: tuple[Path, IngestSummary], workdir: Path, env: dict[str, str]
) -> Iterator[ServerProcess]:
    index_dir = _copy(small_index_build, workdir / "served")
    with ServerProcess(index_dir, env) as running:
        yield running


def test_the_issue_check(server: ServerProcess, env: dict[str, str]) -> None:
    token = add_user(server.index_dir, "check-judge", "judge", env)
    health = httpx.get(f"{server.url}/health")
    assert health.status_code == 200
    assert health.json()["search_workers"] >= 1  # searches run in worker processes, one per core
    assert httpx.post(f"{server.url}/api/search", json={"text": QUERY}).status_code == 401
    r = httpx.post(
        f"{server.url}/api/search", json={"text": QUERY}, headers={"Authorization": f"Bearer {token}"}, timeout=60
    )
    assert r.status_code == 200 and r.json()["hits"]
    page = httpx.get(f"{server.url}/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")


def test_fuzzing_finds_no_server_error(server: ServerProcess, env: dict[str, str]) -> None:
    tokens = {
        "/api": add_user(server.index_dir, "fuzz-judge", "judge", env),
        "/api/admin": add_user(server.index_dir, "fuzz-admin", "admin", env),
    }
    server.wait_outcome_model()  # until then the outcome routes answer 503 by design
    result = fuzz(server.url, tokens, examples_per_operation=25)
    assert result.requests >= 150
    assert result.server_errors == 0, result.failures[:5]
    assert result.failures == []
    httpx.get(f"{server.url}/health").raise_for_status()


def test_twenty_clients_search_while_an_ingestion_runs(
    server: ServerProcess, env: dict[str, str], sources: list[Path]
) -> None:
    judge = add_user(server.index_dir, "load-judge", "judge", env)
    admin = {"Authorization": f"Bearer {add_user(server.index_dir, 'load-admin', 'admin', env)}"}
    deadline = time.monotonic() + 120
    while (health := httpx.get(f"{server.url}/health").json())["ingesting"]:  # the fuzzer may have started one
        assert time.monotonic() < deadline
        time.sleep(0.5)
    before = health["documents"]
    job = httpx.post(f"{server.url}/api/admin/ingest", json={"paths": [str(sources[0])]}, headers=admin)
    assert job.status_code == 202
    result = load_test(server.url, judge, clients=20, requests_per_client=2)
    assert result.errors == [] and len(result.latencies_ms) == 40
    overlapped = httpx.get(f"{server.url}/api/admin/ingest/{job.json()['id']}", headers=admin).json()["state"]
    assert overlapped == "running", "the searches should have run while the ingestion did"
    print(f"\n20 clients during ingestion: median {result.median_ms:.0f} ms, p95 {result.p95_ms:.0f} ms")
    deadline = time.monotonic() + 180
    while (state := httpx.get(f"{server.url}/api/admin/ingest/{job.json()['id']}", headers=admin).json())[
        "state"
    ] == "running":
        assert time.monotonic() < deadline
        time.sleep(0.5)
    assert state["state"] == "succeeded", state["message"]
    assert httpx.get(f"{server.url}/health").json()["documents"] == before + state["summary"]["stored"]
    assert state["summary"]["stored"] > 250


def test_sigkill_during_ingestion_loses_nothing(
    small_index_build: tuple[Path, IngestSummary], workdir: Path, env: dict[str, str], sources: list[Path]
) -> None:
    index_dir = _copy(small_index_build, workdir / "killed")
    trials, final = kill_during_ingest(index_dir, sources[1:], env, max_jitter_s=1.5)
    assert len(trials) == 3
    for trial in trials:
        assert trial.lost == 0 and trial.changed == 0, trial
        assert trial.problems == [], trial
        assert trial.after_restart >= trial.before
    assert final == []
    assert index_problems(index_dir) == []

"""The service goals of ``BENCHMARKS.md``, measured against a real ``leian serve`` on the loopback interface.

* search latency through the API with 20 concurrent clients (while an admin ingestion runs);
* fuzzing from the service's own OpenAPI document (schemathesis): server errors over the generated requests;
* kill-during-ingest: the server is killed with SIGKILL while an ingestion runs, restarted, and the index
  is checked — nothing that was stored may be lost or corrupt.

The same functions serve the test suite (few trials) and :func:`service_section` (the benchmark).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.client import HTTPConnection, HTTPException
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import psutil

__all__ = [
    "HEAVY_PATHS",
    "CpuUse",
    "FuzzResult",
    "KillTrial",
    "LoadResult",
    "ServerProcess",
    "add_user",
    "fact_queries",
    "fuzz",
    "index_problems",
    "indexed_checksums",
    "kill_during_ingest",
    "load_test",
    "service_section",
    "write_slices",
]

#: Default queries of :func:`load_test` (the benchmark sends real CAIL2018 facts instead, see :func:`fact_queries`).
QUERIES = (
    "被告人酒后驾驶小型轿车在道路上行驶，被执勤民警查获，经鉴定其血液中乙醇含量为185毫克/100毫升。",
    "被告人趁被害人不备，窃取其放在桌上的手机一部，价值人民币3000元，案发后退赔并取得谅解。",
    "被告人因琐事与被害人发生争执，持刀将被害人砍伤，经鉴定为轻伤二级，案发后自动投案。",
    "原告与被告系朋友关系，被告因资金周转向原告借款人民币十万元，到期后未归还本息。",
    "被告人以非法占有为目的，虚构投资项目骗取被害人钱款共计人民币二十万元。",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "leian.cli", *args]


class ServerProcess:
    """``leian serve`` on a free loopback port, as a child process."""

    def __init__(self, index_dir: Path, env: dict[str, str] | None = None, port: int | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.index_dir.parent / f"serve-{self.port}.log"
        command = _cli("serve", "--index", str(self.index_dir), "--host", "127.0.0.1", "--port", str(self.port))
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [*command, "--log-level", "warning"], env={**os.environ, **(env or {})}, stdout=log, stderr=log
            )

    def wait_ready(self, timeout: float = 180.0) -> ServerProcess:
        """Block until ``/health`` answers 200; RuntimeError with the log's tail if the server died or hung."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        tail = self.log.read_text(encoding="utf-8", errors="replace")[-2000:]
        self.stop()
        raise RuntimeError(f"leian serve did not become ready on {self.url}:\n{tail}")

    def wait_outcome_model(self, timeout: float = 600.0) -> ServerProcess:
        """Block until ``/health`` says the outcome model is ready (it is prepared in the background at start-up)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = httpx.get(f"{self.url}/health", timeout=10).json()["outcome_model"]
            if state == "ready":
                return self
            if state == "unavailable":
                raise RuntimeError(f"the outcome model of {self.index_dir} could not be prepared (see {self.log})")
            time.sleep(0.5)
        raise RuntimeError(f"the outcome model of {self.index_dir} was not ready after {timeout:.0f} s")

    def kill(self) -> None:
        """SIGKILL, as a power cut or the OOM killer would."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        """Terminate politely, then kill."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> ServerProcess:
        return self.wait_ready()

    def __exit__(self, *_: object) -> None:
        self.stop()


def add_user(index_dir: Path, name: str, role: str, env: dict[str, str] | None = None) -> str:
    """``leian users add``; returns the token (the last word of its output)."""
    out = subprocess.run(
        _cli("users", "add", name, "--role", role, "--index", str(index_dir)),
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.split()[-1]


# --- load ----------------------------------------------------------------------------------------------------
@dataclass
class LoadResult:
    """Latencies of successful searches and every failure."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def p95_ms(self) -> float:
        if len(self.latencies_ms) < 2:
            return self.median_ms
        return statistics.quantiles(self.latencies_ms, n=20)[-1]


@dataclass(frozen=True)
class CpuUse:
    """CPU seconds used by the server process, its search workers and this process (the load test's clients), and
    the host's CPU seconds: all and stolen by other virtual machines. Totals so far (:meth:`now`), or the
    difference of two (``-``)."""

    server: float
    workers: float
    clients: float
    host: float
    stolen: float

    @classmethod
    def now(cls, server_pid: int) -> CpuUse:
        """The totals so far of ``leian serve`` running as ``server_pid``."""

        def used(process: psutil.Process) -> float:
            try:
                times = process.cpu_times()
            except psutil.Error:  # a worker that ended meanwhile
                return 0.0
            return float(times.user + times.system)

        server = psutil.Process(server_pid)
        host = psutil.cpu_times()
        guest = getattr(host, "guest", 0.0) + getattr(host, "guest_nice", 0.0)  # already counted in user time
        return cls(
            server=used(server),
            workers=sum(used(child) for child in server.children(recursive=True)),
            clients=time.process_time(),
            host=sum(host) - guest,
            stolen=getattr(host, "steal", 0.0),
        )

    def __sub__(self, earlier: CpuUse) -> CpuUse:
        return CpuUse(*(a - b for a, b in zip(self.__dict__.values(), earlier.__dict__.values(), strict=True)))

    def per_search(self, searches: int) -> str:
        """Milliseconds of CPU per search by part, and the share of the host's time stolen."""
        ms = {name: getattr(self, name) / max(searches, 1) * 1000 for name in ("server", "workers", "clients")}
        stolen = self.stolen / max(self.host, 1e-9)
        return (
            f"server process {ms['server']:.1f} ms, search workers {ms['workers']:.1f} ms, client threads"
            f" {ms['clients']:.1f} ms (host CPU time stolen by other machines: {stolen:.0%})"
        )


def fact_queries(path: Path, n: int) -> list[str]:
    """The first ``n`` distinct fact paragraphs of a CAIL2018-style JSON-lines file (realistic, varied queries)."""
    out: dict[str, None] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if len(out) >= n:
                break
            out.setdefault(json.loads(line)["fact"][:2000], None)
    return list(out)


def load_test(
    url: str,
    token: str,
    clients: int = 20,
    requests_per_client: int = 10,
    k: int = 10,
    queries: Sequence[str] = QUERIES,
) -> LoadResult:
    """``clients`` threads each sending ``requests_per_client`` searches, one after another; request ``i`` of
    client ``n`` sends ``queries[n * requests_per_client + i]`` (cycling), so no two requests repeat a query
    while there are enough of them."""
    result = LoadResult()
    lock = threading.Lock()
    start = threading.Barrier(clients)
    address = urlsplit(url)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def client(n: int) -> None:
        # One keep-alive HTTP/1.1 connection per client, from the standard library: the clients share the server's
        # two cores, and a heavier client library would take a third of them (measured: 9.6 ms CPU per request).
        http = HTTPConnection(address.hostname, address.port, timeout=120)
        start.wait()
        try:
            for i in range(requests_per_client):
                body = json.dumps({"text": queries[(n * requests_per_client + i) % len(queries)], "k": k})
                began = time.perf_counter()
                try:
                    http.request("POST", "/api/search", body.encode("utf-8"), headers)
                    response = http.getresponse()
                    data = response.read()
                    ok = response.status == 200 and bool(json.loads(data)["hits"])
                    error = "" if ok else f"{response.status}: {data[:200].decode('utf-8', 'replace')}"
                except (OSError, HTTPException) as exc:
                    http.close()  # reconnects on the next request
                    error = f"{type(exc).__name__}: {exc}"
                elapsed = (time.perf_counter() - began) * 1000
                with lock:
                    if error:
                        result.errors.append(error)
                    else:
                        result.latencies_ms.append(elapsed)
        finally:
            http.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - began
    return result


# --- fuzzing -------------------------------------------------------------------------------------------------
@dataclass
class FuzzResult:
    """How many requests were generated, how many the server answered with 5xx, and every check failure."""

    requests: int = 0
    server_errors: int = 0
    failures: list[str] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)


#: Operations that run a whole pipeline per request (tiered report searches, the outcome model over many cases, a
#: consistency report over a charge): seconds each, so they get fewer generated requests than the others.
HEAVY_PATHS = ("/api/reports", "/api/audit", "/api/consistency")


def fuzz(
    url: str,
    tokens: dict[str, str],
    examples_per_operation: int = 50,
    seed: int = 0,
    heavy_examples: int | None = None,
) -> FuzzResult:
    """Generate valid and invalid requests for every operation of ``url``'s OpenAPI document.

    ``tokens`` maps a path prefix to the bearer token to send (the longest matching prefix wins); operations
    under :data:`HEAVY_PATHS` get ``heavy_examples`` requests (default: as many as the others). Each response is
    checked: no server error, a documented status and content type, a body matching the schema.
    """
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed
    from hypothesis import strategies as st
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    result = FuzzResult()
    session_headers = {"Connection": "close"}

    def exercise(operation: Any, token: str, examples: int) -> None:
        where = f"{operation.method.upper()} {operation.path}"
        headers = {**session_headers, **({"Authorization": f"Bearer {token}"} if token else {})}
        strategy = st.one_of(
            operation.as_strategy(schemathesis.GenerationMode.POSITIVE),
            operation.as_strategy(schemathesis.GenerationMode.NEGATIVE),
        )

        @hypothesis_seed(seed)
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def run(case: Any) -> None:
            response = case.call(base_url=url, headers=headers)
            result.requests += 1
            result.statuses[response.status_code] = result.statuses.get(response.status_code, 0) + 1
            if response.status_code >= 500:
                result.server_errors += 1
            try:
                case.validate_response(response, checks=checks)
            except Exception as exc:  # a failed check: recorded, generation goes on
                result.failures.append(f"{where}: {str(exc)[:300]}")

        run()

    for operation in (r.ok() for r in schema.get_all_operations()):
        heavy = heavy_examples is not None and operation.path.startswith(HEAVY_PATHS)
        exercise(
            operation,
            next((tokens[p] for p in sorted(tokens, key=len, reverse=True) if operation.path.startswith(p)), ""),
            heavy_examples if heavy and heavy_examples is not None else examples_per_operation,
        )
    return result


# --- kill during ingest ----------------------------------------------------------------------------------------
def indexed_checksums(index_dir: Path) -> dict[str, str]:
    """id → checksum of every document the catalog says is fully indexed (read-only; safe while writing)."""
    db = sqlite3.connect(f"file:{Path(index_dir) / 'catalog.sqlite'}?mode=ro", uri=True)
    try:
        return dict(db.execute("SELECT id, checksum FROM entries WHERE state = 'indexed'"))
    finally:
        db.close()


def _generation_ids(directory: Path) -> set[str]:
    from indexing.generations import current_generation

    generation = current_generation(directory)
    return set(json.loads((generation / "ids.json").read_text("utf-8"))) if generation else set()


def index_problems(index_dir: Path) -> list[str]:
    """Inconsistencies of a (closed or idle) embedded index: every catalog document must be indexed, stored with
    its checksum, and present in the lexical and dense indexes — and nothing else may be."""
    index_dir = Path(index_dir)
    problems: list[str] = []
    catalog = sqlite3.connect(f"file:{index_dir / 'catalog.sqlite'}?mode=ro", uri=True)
    store = sqlite3.connect(f"file:{index_dir / 'store.sqlite'}?mode=ro", uri=True)
    try:
        for name, db in (("catalog", catalog), ("store", store)):
            status = db.execute("PRAGMA integrity_check").fetchone()[0]
            if status != "ok":
                problems.append(f"{name}.sqlite integrity: {status}")
        states = dict(catalog.execute("SELECT state, COUNT(*) FROM entries GROUP BY state"))
        if set(states) - {"indexed"}:
            problems.append(f"catalog entries not indexed: {states}")
        expected = dict(catalog.execute("SELECT id, checksum FROM entries"))
        # the checksum of each stored text, compared with the one the catalog recorded below
        stored = {
            doc_id: hashlib.sha256(json.loads(data).get("text", "").encode("utf-8")).hexdigest()
            for doc_id, data in store.execute("SELECT id, data FROM documents")
        }
    finally:
        catalog.close()
        store.close()
    if stored != expected:
        missing, extra = set(expected) - set(stored), set(stored) - set(expected)
        changed = {d for d in set(stored) & set(expected) if stored[d] != expected[d]}
        problems.append(f"store vs catalog: {len(missing)} missing, {len(extra)} extra, {len(changed)} differ")
    for kind in ("lexical", "dense"):
        ids = _generation_ids(index_dir / kind)
        if ids != set(expected):
            problems.append(
                f"{kind} index vs catalog: {len(set(expected) - ids)} missing, {len(ids - set(expected))} extra"
            )
    return problems


@dataclass
class KillTrial:
    """One kill-during-ingest trial: what was indexed before, after the restart, and what went wrong."""

    source: str
    killed_after_s: float
    during_ingest: bool
    before: int
    after_restart: int
    lost: int
    changed: int
    problems: list[str]


def _catalog_rows(index_dir: Path) -> int:
    db = sqlite3.connect(f"file:{Path(index_dir) / 'catalog.sqlite'}?mode=ro", uri=True)
    try:
        return int(db.execute("SELECT COUNT(*) FROM entries").fetchone()[0])
    finally:
        db.close()


def kill_during_ingest(
    index_dir: Path,
    sources: Sequence[Path],
    env: dict[str, str] | None = None,
    max_jitter_s: float = 2.0,
    seed: int = 0,
) -> tuple[list[KillTrial], list[str]]:
    """One trial per source file (each holds judgments the index does not have yet): ask the server to ingest it,
    wait until the ingestion has begun writing, SIGKILL the server after a random further delay, restart it (which
    finishes the interrupted batch) and compare. At the end every source is ingested to completion through the
    API and the whole index is checked; returns the trials and the final problems."""
    rng = random.Random(seed)
    admin = add_user(index_dir, f"kill-admin-{seed}", "admin", env)
    headers = {"Authorization": f"Bearer {admin}"}
    results = []
    server = ServerProcess(index_dir, env).wait_ready()
    try:
        for source in sources:
            before = indexed_checksums(index_dir)
            rows = _catalog_rows(index_dir)
            began = time.monotonic()
            job = httpx.post(
                f"{server.url}/api/admin/ingest", json={"paths": [str(source)]}, headers=headers, timeout=30
            ).json()
            while _catalog_rows(index_dir) == rows and time.monotonic() - began < 120:
                time.sleep(0.05)  # the child is starting and parsing its first batch
            time.sleep(rng.uniform(0, max_jitter_s))
            state = httpx.get(f"{server.url}/api/admin/ingest/{job['id']}", headers=headers, timeout=30).json()
            killed_after = time.monotonic() - began
            server.kill()
            server = ServerProcess(index_dir, env).wait_ready()
            after = indexed_checksums(index_dir)
            results.append(
                KillTrial(
                    source=Path(source).name,
                    killed_after_s=round(killed_after, 2),
                    during_ingest=state["state"] == "running",
                    before=len(before),
                    after_restart=len(after),
                    lost=sum(1 for d in before if d not in after),
                    changed=sum(1 for d in before if d in after and after[d] != before[d]),
                    problems=index_problems(index_dir),
                )
            )
        final = httpx.post(
            f"{server.url}/api/admin/ingest", json={"paths": [str(s) for s in sources]}, headers=headers, timeout=30
        ).json()
        while final["state"] == "running":
            time.sleep(0.5)
            final = httpx.get(f"{server.url}/api/admin/ingest/{final['id']}", headers=headers, timeout=30).json()
    finally:
        server.stop()
    problems = index_problems(index_dir)
    if final["state"] != "succeeded":
        problems.append(f"completing the ingestion failed: {final.get('message')}")
    return results, problems


def write_slices(candidates: Path, skip: int, sizes: Sequence[int], out_dir: Path) -> list[Path]:
    """Consecutive slices of a JSONL(.gz) judgment file after its first ``skip`` lines, one file per size."""
    import gzip

    opener = gzip.open if str(candidates).endswith(".gz") else open
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    with opener(candidates, "rt", encoding="utf-8") as f:
        for _ in range(skip):
            f.readline()
        for n, size in enumerate(sizes):
            path = out_dir / f"slice-{n:02d}.jsonl"
            path.write_text("".join(f.readline() for _ in range(size)), encoding="utf-8")
            paths.append(path)
    return paths


# --- the BENCHMARKS.md section -----------------------------------------------------------------------------------
def service_section(
    index_dir: Path,
    queries: Sequence[str],
    load_source: Path,
    kill_source: Path,
    *,
    warm_up: Sequence[str] = QUERIES,
    kill_trials: int = 20,
    kill_slice: int = 700,
    fuzz_examples: int = 120,
    fuzz_heavy_examples: int = 30,
    seed: int = 0,
) -> str:
    """Measure the service goals on a copy of ``index_dir`` and return the Markdown section.

    ``queries`` are distinct fact paragraphs for the load test, measured after the server has answered
    ``warm_up`` (other paragraphs: the latency of a server in use, not of its first minute); ``load_source``
    holds judgments the index lacks, ingested through the API while the load test runs; ``kill_source`` (JSON
    lines, not in the index) is cut into ``kill_trials`` slices of ``kill_slice`` records — more than one ingest
    batch each, so a kill can land between batches as well as inside one.
    """
    with tempfile.TemporaryDirectory(prefix="leian-service-") as tmp:
        work = Path(tmp) / "index"
        shutil.copytree(index_dir, work, ignore=shutil.ignore_patterns("service"))
        roots = Path(tmp) / "sources"
        kill_sources = write_slices(kill_source, 0, [kill_slice] * kill_trials, roots)
        if any(p.stat().st_size == 0 for p in kill_sources):
            raise ValueError(f"{kill_source} holds fewer than {kill_trials * kill_slice} records")
        load_copy = roots / "load.jsonl"
        shutil.copyfile(load_source, load_copy)
        env = {
            "LEIAN_RATE_LIMIT_PER_MINUTE": "1000000",
            "LEIAN_RATE_LIMIT_BURST": "100000",
            "LEIAN_AUTH_FAILURES_PER_MINUTE": "1000000",
            "LEIAN_INGEST_ROOTS": json.dumps([str(roots)]),
        }
        judge = add_user(work, "bench-judge", "judge", env)
        admin = add_user(work, "bench-admin", "admin", env)
        per_client = max(1, len(queries) // 20)
        with ServerProcess(work, env) as server:
            server.wait_outcome_model()  # prepared in the background at start-up: not while latency is measured
            load_test(server.url, judge, clients=20, requests_per_client=max(1, len(warm_up) // 20), queries=warm_up)
            before = CpuUse.now(server.proc.pid)
            idle = load_test(server.url, judge, clients=20, requests_per_client=per_client, queries=queries)
            cpu = CpuUse.now(server.proc.pid) - before
            headers = {"Authorization": f"Bearer {admin}"}
            job = httpx.post(
                f"{server.url}/api/admin/ingest", json={"paths": [str(load_copy)]}, headers=headers, timeout=30
            ).json()
            busy = load_test(server.url, judge, clients=20, requests_per_client=per_client, queries=queries[::-1])
            overlapped = httpx.get(f"{server.url}/api/admin/ingest/{job['id']}", headers=headers, timeout=30).json()
            while job["state"] == "running":
                time.sleep(0.5)
                job = httpx.get(f"{server.url}/api/admin/ingest/{job['id']}", headers=headers, timeout=30).json()
            server.wait_outcome_model()  # the ingestion above changed the corpus: a new model is prepared
            fuzzed = fuzz(
                server.url,
                {"/api": judge, "/api/admin": admin},
                examples_per_operation=fuzz_examples,
                heavy_examples=fuzz_heavy_examples,
            )
        trials, final = kill_during_ingest(work, kill_sources, env, max_jitter_s=3.0, seed=seed)
    lost = sum(t.lost + t.changed for t in trials)
    broken = sum(1 for t in trials if t.problems)
    during = sum(1 for t in trials if t.during_ingest)
    return "\n".join(
        [
            "## Service (API)",
            "",
            "Measured by `evaluation.service.service_section` against `leian serve` on 127.0.0.1; server, ingestion",
            "and the 20 client threads share the machine's two cores. Each search sends a different CAIL2018 fact",
            f"paragraph ({len(queries)} distinct queries, k = 10, explanations included), after {len(warm_up)} other"
            " paragraphs have warmed the server up; kill trials ingest"
            f" {kill_trials} slices of {kill_slice} recombined judgments (see the scale section) and are killed after"
            " a random delay once the first batch is being written.",
            "",
            "| goal | target | measured |",
            "|---|---|---|",
            f"| search median latency, 20 concurrent clients | ≤ 150 ms | {idle.median_ms:.0f} ms (p95"
            f" {idle.p95_ms:.0f} ms, {len(idle.latencies_ms)} searches, {len(idle.errors)} errors) |",
            f"| … while an admin ingestion runs | — | {busy.median_ms:.0f} ms (p95 {busy.p95_ms:.0f} ms,"
            f" {len(busy.errors)} errors; ingestion of {job['summary'].get('stored', 0)} judgments {job['state']},"
            f" {'still running' if overlapped['state'] == 'running' else 'finished'} when the searches ended) |",
            f"| fuzzing from the OpenAPI document ({fuzz_examples} requests per operation, {fuzz_heavy_examples} for"
            f" the report, audit and consistency pipelines): server errors | 0 over ≥ 1,000 requests |"
            f" {fuzzed.server_errors} over {fuzzed.requests} requests ({len(fuzzed.failures)} other check failures) |",
            f"| kill -9 during ingest: lost or corrupt documents | 0 over 20 trials | {lost} lost or changed,"
            f" {broken} inconsistent restarts over {len(trials)} trials ({during} killed while the ingestion ran);"
            f" final check: {'; '.join(final) or 'consistent'} |",
            "",
            f"During the first run the service answered {len(idle.latencies_ms) / idle.seconds:.0f} searches/s, using"
            f" per search: {cpu.per_search(len(idle.latencies_ms))}. Twenty clients that each send their next search"
            " as soon as the last is answered wait about 20 / throughput each (Little's law), so ≤ 150 ms needs"
            " ≥ 133 searches/s: at most 15 ms of CPU per search, for server, workers and clients together, on two"
            " cores.",
            "",
        ]
    )

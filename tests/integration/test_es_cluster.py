"""Failover on a real 3-node loopback cluster: lose a node, keep answering, lose no document.

``scripts/es.sh cluster up`` starts three nodes on 127.0.0.1 (HTTP 9250-9252 unless LEIAN_ES_CLUSTER_PORT
says otherwise); the test builds a store and a lexical index with one replica, ingests 200 LeCaRD
judgments (read in place), SIGKILLs one node and checks that searches still answer and every document is
still retrievable, then tears the cluster down. Skipped, with the reason, when Java or Elasticsearch cannot
be started on this machine.
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from corpus.model import Judgment
from leian.settings import get_settings

pytestmark = pytest.mark.elasticsearch

ROOT = Path(__file__).resolve().parents[2]
ES_SH = ROOT / "scripts" / "es.sh"
N_DOCS = 200
LECARD = get_settings().data / "lecard" / "candidates.jsonl.gz"


def es_sh(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ES_SH), *args], capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture(scope="module")
def cluster() -> Iterator[list[str]]:
    """The URLs of a freshly started 3-node cluster; torn down afterwards whatever happens."""
    try:
        up = es_sh("cluster", "up")
    except (OSError, subprocess.TimeoutExpired) as exc:
        es_sh("cluster", "down", timeout=120)
        pytest.skip(f"could not run scripts/es.sh cluster up: {exc}")
    if up.returncode != 0:
        es_sh("cluster", "down", timeout=120)
        pytest.skip(f"could not start the 3-node Elasticsearch cluster (Java/ES unavailable?):\n{up.stderr[-2000:]}")
    try:
        yield [es_sh("cluster", "url", str(i)).stdout.strip() for i in range(3)]
    finally:
        es_sh("cluster", "down", timeout=120)


def lecard_judgments(n: int) -> list[Judgment]:
    if not LECARD.exists():
        pytest.skip(f"LeCaRD candidates not found at {LECARD}")
    with gzip.open(LECARD, "rt", encoding="utf-8") as f:
        records = [json.loads(line) for line in itertools.islice(f, n)]
    return [
        Judgment(
            id=r["id"],
            text=(r.get("qw") or r["ajjbqk"])[:2000],
            source=f"lecard/candidates.jsonl.gz:{r['id']}",
            title=r.get("writName", ""),
            domain="criminal",
            sections={"facts": r["ajjbqk"]},
            court_level=("基层", "中级", "高级")[i % 3],
        )
        for i, r in enumerate(records)
    ]


def retry(check: Any, seconds: float = 90) -> Any:
    """Run ``check`` until it stops raising: right after a SIGKILL the cluster needs a moment to notice."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return check()
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(2)


def test_survives_losing_a_node(cluster: list[str]) -> None:
    from elasticsearch import Elasticsearch

    from indexing.backends import SearchFilters
    from indexing.elastic.lexical import ElasticLexicalIndex
    from indexing.elastic.store import ElasticDocumentStore

    # The client knows all three nodes and retries elsewhere when one stops answering.
    client = Elasticsearch(cluster, request_timeout=10, retry_on_timeout=True, max_retries=5)
    docs = lecard_judgments(N_DOCS)
    ids = sorted(d.id for d in docs)
    store = ElasticDocumentStore(client, "leian-failover-store", shards=3, replicas=1)
    lexical = ElasticLexicalIndex(client, "leian-failover-lexical", shards=3, replicas=1)
    store.put(docs)
    lexical.add([d.id for d in docs], [[t for t in d.text if "\u4e00" <= t <= "\u9fff"] for d in docs])
    lexical.commit()
    assert client.cluster.health(wait_for_status="green", timeout="60s")["status"] == "green"
    query = list("被告人盗窃")
    before = lexical.search(query, 10)
    assert len(before) == 10 and store.count() == N_DOCS

    victim = int(es_sh("cluster", "pid", "1").stdout.strip())
    os.kill(victim, signal.SIGKILL)

    def still_serving() -> None:
        nodes = client.cat.nodes(format="json")
        assert len(nodes) == 2, nodes
        assert store.ids() == ids
        got = store.get(ids)
        assert all(g is not None for g in got)
        assert [g.id for g in got if g] == ids
        assert store.count() == N_DOCS
        assert len(store.filter_ids(SearchFilters(court_levels=("中级",)))) == sum(
            d.court_level == "中级" for d in docs
        )
        after = lexical.search(query, 10)
        assert [h.id for h in after] == [h.id for h in before]

    retry(still_serving)
    # With one replica per shard no primary is lost: the cluster is yellow (missing replicas), not red.
    health = client.cluster.health(wait_for_status="yellow", timeout="60s")
    assert health["status"] in ("yellow", "green") and health["unassigned_primary_shards"] == 0
    client.close()

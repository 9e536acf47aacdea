"""Elasticsearch-only plumbing: connection errors, versioned indexes behind aliases, compatibility checks."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from leian.errors import BackendUnavailable, IndexStateError

ES_URL = os.environ.get("LEIAN_ES_URL", "http://127.0.0.1:9200")


def test_unreachable_cluster_raises_backend_unavailable() -> None:
    from indexing.elastic.connection import connect

    with pytest.raises(BackendUnavailable, match="cannot reach Elasticsearch"):
        connect("http://127.0.0.1:9", timeout=1)  # port 9 (discard): nothing listens there


@pytest.fixture
def client() -> Iterator[Any]:
    from indexing.elastic.connection import connect

    try:
        c = connect(ES_URL, timeout=5)
    except BackendUnavailable as exc:
        pytest.skip(f"no Elasticsearch node at {ES_URL} (start one with `make es-up`): {exc}")
    yield c
    c.close()


@pytest.fixture
def name(client: Any) -> Iterator[str]:
    from indexing.elastic.connection import drop_index

    n = f"leian-test-versions-{uuid.uuid4().hex[:10]}"
    yield n
    drop_index(client, n)


@pytest.mark.elasticsearch
def test_reindex_into_a_new_version_and_swap_the_alias(client: Any, name: str) -> None:
    from indexing.elastic.connection import index_versions
    from indexing.elastic.lexical import ElasticLexicalIndex

    live = ElasticLexicalIndex(client, name)
    assert live.index == f"{name}-v1"
    live.add(["lc-1"], [["被告人", "盗窃"]])
    live.commit()
    # Rebuild with other BM25 parameters beside the live index, then switch readers over atomically.
    rebuilt = ElasticLexicalIndex.build_next(client, name, k1=0.9, b=0.4)
    assert rebuilt.index == f"{name}-v2"
    rebuilt.add(["lc-2"], [["被告人", "诈骗"]])
    rebuilt.commit()
    assert [h.id for h in live.search(["被告人"], 5)] == ["lc-1"]  # readers still see v1
    rebuilt.promote(drop_old=True)
    assert index_versions(client, name) == (2, [2])
    assert [h.id for h in live.search(["被告人"], 5)] == ["lc-2"]  # same alias, new version
    assert ElasticLexicalIndex(client, name, k1=0.9, b=0.4).index == f"{name}-v2"
    with pytest.raises(IndexStateError, match="k1"):
        ElasticLexicalIndex(client, name)  # the defaults no longer match what is live


@pytest.mark.elasticsearch
def test_opening_with_other_parameters_is_refused(client: Any, name: str) -> None:
    from indexing.elastic.dense import ElasticDenseIndex
    from indexing.elastic.lexical import ElasticLexicalIndex

    ElasticDenseIndex(client, name, 8)
    with pytest.raises(IndexStateError, match="dim"):
        ElasticDenseIndex(client, name, 16)
    with pytest.raises(IndexStateError, match="kind"):
        ElasticLexicalIndex(client, name)


@pytest.mark.elasticsearch
def test_a_plain_index_with_the_alias_name_is_refused(client: Any, name: str) -> None:
    from indexing.elastic.store import ElasticDocumentStore

    client.indices.create(index=name)
    try:
        with pytest.raises(IndexStateError, match="not a Leian alias"):
            ElasticDocumentStore(client, name)
    finally:
        client.indices.delete(index=name)

"""Connecting to Elasticsearch, versioned indexes behind aliases, bulk ingestion and error translation.

Every Leian index on a cluster is a concrete index ``<name>-v<N>`` reached through the alias ``<name>``.
Searches and writes go to the alias, so a re-index builds ``<name>-v<N+1>`` beside the live one
(``SomeIndex.build_next(client, name, …)``, filled like any index) and ``promote()`` / :func:`swap_alias`
switches readers over in one atomic alias update. Each index records what it is in its
mapping's ``_meta`` (kind, schema version, parameters) so that opening an index built with other settings
fails with :class:`~leian.errors.IndexStateError` instead of silently scoring differently.

The node that ``scripts/es.sh`` runs is the minimal distribution: no ``GET /`` handler and no scripting
(painless), so this package uses only cluster health, document, search and alias APIs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from elasticsearch import ApiError, Elasticsearch, TransportError, helpers

from leian.errors import BackendUnavailable, IndexStateError, InputError

__all__ = [
    "INDEX_NAME_RE",
    "ElasticIndexBase",
    "bulk_ingest",
    "check_compatible",
    "connect",
    "create_version",
    "drop_index",
    "ensure_index",
    "index_versions",
    "multi_search",
    "swap_alias",
    "translate_errors",
    "versioned_name",
]

log = logging.getLogger(__name__)

#: Elasticsearch index names: lowercase, no path or wildcard characters, not starting with - _ +.
INDEX_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,200}$")

T = TypeVar("T")


def connect(url: str, timeout: float = 10) -> Elasticsearch:
    """A client for ``url`` whose cluster answers and is not red.

    Raises :class:`BackendUnavailable` (with the reason and what to do) when the cluster cannot be
    reached, answers with an error, or reports red health.
    """
    client = Elasticsearch(url, request_timeout=timeout, retry_on_timeout=True, max_retries=3)
    try:
        # Cluster health rather than ping()/info(): the minimal server distribution has no `GET /` handler.
        health = client.cluster.health(timeout=f"{max(int(timeout), 1)}s")
    except (TransportError, ApiError) as exc:
        client.close()
        raise BackendUnavailable(
            f"无法连接 Elasticsearch 集群 {url}（请确认服务已启动，例如 `make es-up`）/ "
            f"cannot reach Elasticsearch at {url} (is it running? try `make es-up`): {exc}"
        ) from exc
    if health.get("status") == "red":
        client.close()
        raise BackendUnavailable(
            f"Elasticsearch 集群 {url} 状态为红色，部分数据不可用 / Elasticsearch cluster at {url} is red "
            f"(unassigned primary shards: {health.get('unassigned_primary_shards', '?')}); check its nodes and logs"
        )
    return client


@contextmanager
def translate_errors(what: str) -> Iterator[None]:
    """Turn transport failures into :class:`BackendUnavailable` so callers handle one domain error."""
    try:
        yield
    except TransportError as exc:  # connection refused, timeouts, TLS: the cluster is not there
        raise BackendUnavailable(
            f"Elasticsearch 不可用（{what}）/ Elasticsearch unavailable while {what}: {exc}"
        ) from exc
    except ApiError as exc:
        if exc.meta.status in (429, 503):
            raise BackendUnavailable(
                f"Elasticsearch 过载或不可用（{what}）/ Elasticsearch overloaded or unavailable while {what}: {exc}"
            ) from exc
        raise


def _check_name(name: str) -> None:
    if not INDEX_NAME_RE.match(name):
        raise InputError(f"invalid Elasticsearch index name {name!r}: use lowercase letters, digits, '.', '_' or '-'")


def versioned_name(name: str, version: int) -> str:
    """The concrete index behind alias ``name`` at ``version``: ``<name>-v<version>``."""
    return f"{name}-v{version}"


def index_versions(client: Elasticsearch, name: str) -> tuple[int | None, list[int]]:
    """(version the alias points to or ``None``, every existing version of ``name`` sorted)."""
    pattern = re.compile(rf"^{re.escape(name)}-v(\d+)$")
    with translate_errors(f"listing the versions of {name}"):
        existing = client.indices.get(index=f"{name}-v*", ignore_unavailable=True, allow_no_indices=True)
    versions = sorted(int(m.group(1)) for idx in existing if (m := pattern.match(idx)))
    live = None
    for idx, info in existing.items():
        m = pattern.match(idx)
        if m and name in info.get("aliases", {}):
            live = int(m.group(1))
    return live, versions


def check_compatible(client: Elasticsearch, index: str, meta: dict[str, Any]) -> None:
    """Raise :class:`IndexStateError` unless ``index`` was built for ``meta`` (kind, schema, parameters)."""
    with translate_errors(f"reading the mapping of {index}"):
        mappings = client.indices.get_mapping(index=index)
    for concrete, body in mappings.items():
        found = (body.get("mappings", {}).get("_meta") or {}).get("leian", {})
        diff = {k: (found.get(k), v) for k, v in meta.items() if found.get(k) != v}
        if diff:
            details = ", ".join(f"{k}: index has {have!r}, expected {want!r}" for k, (have, want) in diff.items())
            raise IndexStateError(
                f"Elasticsearch 索引 {concrete} 与当前配置不兼容，需要重建索引 / index {concrete} is incompatible "
                f"with this configuration ({details}); re-index into a new version and swap the alias"
            )


def create_version(client: Elasticsearch, name: str, version: int, body: dict[str, Any]) -> str:
    """Create ``<name>-v<version>`` from ``body`` (settings + mappings) without pointing the alias at it."""
    index = versioned_name(name, version)
    with translate_errors(f"creating {index}"):
        client.indices.create(index=index, settings=body.get("settings"), mappings=body.get("mappings"))
        # A yellow wait: the primaries must be allocated before the first bulk, or it fails on a cold node.
        client.cluster.health(index=index, wait_for_status="yellow", timeout="30s")
    return index


def ensure_index(client: Elasticsearch, name: str, body: dict[str, Any], meta: dict[str, Any]) -> str:
    """The live concrete index behind alias ``name``, creating ``<name>-v1`` with the alias when none exists.

    ``meta`` is written to the mapping's ``_meta.leian`` and checked against an existing index.
    """
    _check_name(name)
    with translate_errors(f"opening {name}"):
        if client.indices.exists(index=name) and not client.indices.exists_alias(name=name):
            raise IndexStateError(
                f"Elasticsearch 中 {name} 是一个普通索引而不是别名 / {name!r} is a concrete index, not a Leian alias; "
                "delete it or choose another name"
            )
    live, versions = index_versions(client, name)
    if live is not None:
        index = versioned_name(name, live)
        check_compatible(client, index, meta)
        return index
    version = (versions[-1] + 1) if versions else 1
    index = create_version(client, name, version, _with_meta(body, meta))
    swap_alias(client, name, index)
    return index


def _with_meta(body: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    mappings = dict(body.get("mappings", {}))
    mappings["_meta"] = {"leian": dict(meta)}
    return {**body, "mappings": mappings}


def swap_alias(client: Elasticsearch, name: str, index: str, drop_old: bool = False) -> None:
    """Point alias ``name`` at ``index`` and away from every other index, in one atomic request."""
    with translate_errors(f"switching alias {name} to {index}"):
        current = (
            client.indices.get_alias(name=name, ignore_unavailable=True)
            if client.indices.exists_alias(name=name)
            else {}
        )
        actions: list[dict[str, Any]] = [{"remove": {"index": old, "alias": name}} for old in current if old != index]
        actions.append({"add": {"index": index, "alias": name, "is_write_index": True}})
        client.indices.update_aliases(actions=actions)
        if drop_old:
            for old in current:
                if old != index:
                    client.indices.delete(index=old, ignore_unavailable=True)


def drop_index(client: Elasticsearch, name: str) -> None:
    """Delete alias ``name`` and every ``<name>-v<N>`` behind it (tests, ``leian index drop``)."""
    _check_name(name)
    _, versions = index_versions(client, name)
    with translate_errors(f"dropping {name}"):
        for v in versions:
            client.indices.delete(index=versioned_name(name, v), ignore_unavailable=True)


#: Searches sent per ``msearch`` request: a whole batch in one request (the ~2,500 calibration queries of a
#: charge model, say) can run past the client's timeout on a small node, while small requests keep each wait short.
MSEARCH_CHUNK = 64


def multi_search(
    client: Elasticsearch, bodies: Sequence[dict[str, Any]], *, header: dict[str, Any], what: str
) -> list[dict[str, Any]]:
    """The response of each search body (all sent with the same msearch ``header``: index, search type), in
    order, as ``msearch`` requests of :data:`MSEARCH_CHUNK` searches; an error inside one response is left for
    the caller to report."""
    responses: list[dict[str, Any]] = []
    with translate_errors(what):
        for start in range(0, len(bodies), MSEARCH_CHUNK):
            searches: list[dict[str, Any]] = []
            for body in bodies[start : start + MSEARCH_CHUNK]:
                searches += [header, body]
            responses += client.msearch(searches=searches)["responses"]
    return responses


def bulk_ingest(
    client: Elasticsearch,
    actions: Iterable[dict[str, Any]],
    *,
    what: str,
    chunk_size: int = 500,
    max_retries: int = 5,
    initial_backoff: float = 1.0,
    max_backoff: float = 30.0,
    on_item: Callable[[str, dict[str, Any]], None] | None = None,
) -> int:
    """Send ``actions`` through ``streaming_bulk``; returns how many succeeded.

    Rejections (429, a full write queue) are retried with exponential back-off by the helper; connection
    failures are retried by the client's transport. Actions carry explicit ids, so a retried or repeated
    ingest overwrites rather than duplicates. Any item that still fails raises :class:`IndexStateError`
    listing the first failures (ES bulk is not transactional: re-running the same batch repairs it).
    ``on_item(op_type, item)`` sees every response item (``delete`` uses it to count what existed).
    """
    ok_count = 0
    failures: list[str] = []
    with translate_errors(what):
        for ok, item in helpers.streaming_bulk(
            client,
            actions,
            chunk_size=chunk_size,
            max_retries=max_retries,
            initial_backoff=initial_backoff,
            max_backoff=max_backoff,
            raise_on_error=False,
            # A delete of an unknown id answers 404: that is "did not exist", not a failure.
            ignore_status=(404,),
        ):
            op, result = next(iter(item.items()))
            if on_item is not None:
                on_item(op, result)
            if ok or result.get("status") == 404:
                ok_count += 1
            else:
                failures.append(f"{result.get('_id')}: {result.get('error')}")
    if failures:
        shown = "; ".join(failures[:5])
        raise IndexStateError(
            f"Elasticsearch 批量写入失败 {len(failures)} 条 / {len(failures)} bulk operations failed while {what}; "
            f"re-run the same batch to repair (it is idempotent). First: {shown}"
        )
    return ok_count


class ElasticIndexBase:
    """What every Leian index on Elasticsearch shares: a client, an alias, refresh, counting and dropping.

    The client belongs to the caller unless the object was built with ``from_url`` (then ``close`` closes it),
    because one client is usually shared by a store, a lexical and a dense index.
    """

    #: ``_meta.leian.kind`` of the indexes this class builds
    kind: str = ""
    #: bump when the mapping changes incompatibly; older indexes then need a re-index
    schema: int = 1

    def __init__(
        self,
        client: Elasticsearch,
        name: str,
        *,
        shards: int = 1,
        replicas: int = 0,
        owns_client: bool = False,
        next_version: bool = False,
    ) -> None:
        _check_name(name)
        self.client = client
        self.name = name
        self.shards, self.replicas = shards, replicas
        self._owns_client = owns_client
        if next_version:
            # A re-index: build beside the live version, unseen by readers until promote().
            _, versions = index_versions(client, name)
            self.index = create_version(
                client, name, (versions[-1] + 1) if versions else 1, _with_meta(self._body(), self._meta())
            )
            self.target = self.index
        else:
            self.index = ensure_index(client, name, self._body(), self._meta())
            #: where reads and writes go: the alias, or the concrete new version during a re-index
            self.target = name

    @classmethod
    def build_next(cls, client: Elasticsearch, name: str, *args: Any, **kwargs: Any) -> Any:
        """A new, empty version of ``name`` (e.g. with other parameters) to fill and then :meth:`promote`."""
        return cls(client, name, *args, next_version=True, **kwargs)

    def promote(self, drop_old: bool = True) -> None:
        """Point the alias at this object's version (atomically) and work through the alias from now on."""
        self.commit()
        swap_alias(self.client, self.name, self.index, drop_old=drop_old)
        self.target = self.name

    def _settings(self) -> dict[str, Any]:
        # Replicas are a deployment choice (0 on one node, 1+ on a cluster) and can change on a live index.
        return {"number_of_shards": self.shards, "number_of_replicas": self.replicas}

    def _body(self) -> dict[str, Any]:
        raise NotImplementedError

    def _meta(self) -> dict[str, Any]:
        return {"kind": self.kind, "schema": self.schema}

    def commit(self) -> None:
        """Make every write so far visible to searches (an Elasticsearch refresh; the translog makes it durable)."""
        with translate_errors(f"refreshing {self.name}"):
            self.client.indices.refresh(index=self.target)

    def count(self) -> int:
        """Documents visible to searches (i.e. as of the last refresh)."""
        with translate_errors(f"counting {self.name}"):
            return int(self.client.count(index=self.target)["count"])

    def __len__(self) -> int:
        return self.count()

    def drop(self) -> None:
        """Delete the alias and every version of this index."""
        drop_index(self.client, self.name)

    def close(self) -> None:
        """Close the client if this object opened it."""
        if self._owns_client:
            self.client.close()

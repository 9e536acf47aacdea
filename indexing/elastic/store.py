"""The Elasticsearch document store: judgments as documents with their structured elements as fields.

The structured elements (court, level, province, date, charges, articles, circumstances, effectiveness and
the first defendant's outcome) are mapped as keyword / numeric / date fields so that filters and
aggregations (the consistency view, outcome spreads) run on the cluster. The complete judgment is kept as
JSON in ``judgment``, an object field with ``enabled: false``: stored in ``_source`` but never indexed, so a
get returns exactly what was put and arbitrary ``extra`` keys cannot explode the mapping.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from elasticsearch import helpers

from corpus.model import Judgment
from indexing.backends import SearchFilters
from indexing.elastic.connection import ElasticIndexBase, bulk_ingest, connect, translate_errors

__all__ = ["ElasticDocumentStore", "filters_query"]

_KEYWORDS = ("court", "court_level", "province", "doc_type", "trial_level", "authority", "domain", "case_number")

#: SearchFilters field → document field
_FILTER_FIELDS = {
    "courts": "court",
    "court_levels": "court_level",
    "provinces": "province",
    "doc_types": "doc_type",
    "trial_levels": "trial_level",
    "authorities": "authority",
    "domains": "domain",
}

_MAPPINGS: dict[str, Any] = {
    # strict: a typo in a field name fails the write instead of creating an unmapped field
    "dynamic": "strict",
    "properties": {
        "id": {"type": "keyword"},
        **{k: {"type": "keyword"} for k in _KEYWORDS},
        "source": {"type": "keyword", "index": False, "doc_values": False},
        # ignore_malformed: a bad date in one judgment must not fail a bulk of thousands; it just cannot match
        "date": {"type": "date", "format": "strict_date||yyyy-MM||yyyy", "ignore_malformed": True},
        "charges": {"type": "keyword"},
        "articles": {"type": "integer"},
        "circumstances": {"type": "keyword"},
        "effective": {"type": "boolean"},
        "penalty": {"type": "keyword"},
        "imprisonment_months": {"type": "integer"},
        "life": {"type": "boolean"},
        "death": {"type": "boolean"},
        "probation_months": {"type": "integer"},
        "fine_yuan": {"type": "double"},
        "judgment": {"type": "object", "enabled": False},
    },
}


def _document(doc: Judgment) -> dict[str, Any]:
    """The indexed fields of ``doc`` plus its full JSON."""
    body: dict[str, Any] = {"id": doc.id, **{k: getattr(doc, k) for k in _KEYWORDS}, "source": doc.source}
    body.update(
        date=doc.date or None,  # "" is unknown: leave the field out so no date range matches it
        charges=list(doc.charges),
        articles=doc.articles,
        circumstances=list(doc.circumstances),
        effective=doc.effective,
        judgment=doc.to_dict(),
    )
    first = doc.outcome
    if first is not None:
        body.update(
            penalty=first.penalty,
            imprisonment_months=first.imprisonment_months,
            life=first.life,
            death=first.death,
            probation_months=first.probation_months,
            fine_yuan=first.fine_yuan,
        )
    return body


def filters_query(filters: SearchFilters) -> dict[str, Any]:
    """``filters`` as an Elasticsearch query (a ``bool`` of filter clauses; ``match_all`` when nothing filters)."""
    clauses: list[dict[str, Any]] = []
    for attr, field_name in _FILTER_FIELDS.items():
        values = getattr(filters, attr)
        if values:
            clauses.append({"terms": {field_name: list(values)}})
    if filters.date_from or filters.date_to:
        bounds = {"format": "strict_date"}
        if filters.date_from:
            bounds["gte"] = filters.date_from
        if filters.date_to:
            bounds["lte"] = filters.date_to
        clauses.append({"range": {"date": bounds}})
    if filters.effective_only:
        clauses.append({"term": {"effective": True}})
    must_not = [{"ids": {"values": list(filters.exclude_ids)}}] if filters.exclude_ids else []
    if not clauses and not must_not:
        return {"match_all": {}}
    return {"bool": {"filter": clauses, "must_not": must_not}}


class ElasticDocumentStore(ElasticIndexBase):
    """:class:`~indexing.backends.DocumentStore` on an Elasticsearch alias ``name``.

    Writes are visible on return (each ``put``/``delete`` ends with a refresh, since the Protocol has no
    commit). Unlike SQLite a batch is not atomic: bulk items succeed or fail one by one, failures raise
    :class:`~leian.errors.IndexStateError`, and re-running the same batch repairs it because ids are explicit.
    """

    kind = "document_store"

    @classmethod
    def from_url(cls, url: str, name: str, **kwargs: Any) -> ElasticDocumentStore:
        """A store with its own client (closed by :meth:`close`)."""
        return cls(connect(url), name, owns_client=True, **kwargs)

    def _body(self) -> dict[str, Any]:
        return {"settings": self._settings(), "mappings": _MAPPINGS}

    # --- DocumentStore -------------------------------------------------------------------------------
    def put(self, docs: Sequence[Judgment]) -> None:
        """Insert or replace documents by id (the last of duplicate ids in one batch wins)."""
        latest = {d.id: d for d in docs}
        actions = (
            {"_op_type": "index", "_index": self.target, "_id": i, "_source": _document(d)} for i, d in latest.items()
        )
        bulk_ingest(self.client, actions, what=f"storing documents in {self.name}")
        self.commit()

    def get(self, ids: Sequence[str]) -> list[Judgment | None]:
        """Documents in the order of ``ids``; ``None`` for an unknown id."""
        found: dict[str, Judgment] = {}
        unique = list(dict.fromkeys(ids))
        with translate_errors(f"reading documents from {self.name}"):
            for start in range(0, len(unique), 1000):
                resp = self.client.mget(
                    index=self.target, ids=unique[start : start + 1000], source_includes=["judgment"]
                )
                for d in resp["docs"]:
                    if d.get("found"):
                        found[d["_id"]] = Judgment.from_dict(d["_source"]["judgment"])
        return [found.get(i) for i in ids]

    def delete(self, ids: Sequence[str]) -> int:
        """Remove documents; returns how many existed."""
        deleted = 0

        def count(op: str, item: dict[str, Any]) -> None:
            nonlocal deleted
            deleted += item.get("result") == "deleted"

        actions = ({"_op_type": "delete", "_index": self.target, "_id": i} for i in dict.fromkeys(ids))
        bulk_ingest(self.client, actions, what=f"deleting documents from {self.name}", on_item=count)
        self.commit()
        return deleted

    def ids(self) -> list[str]:
        """All stored ids, sorted."""
        return sorted(self._scan_ids({"match_all": {}}))

    def iter_documents(self, batch_size: int = 500) -> Iterator[Judgment]:
        """Every document in id order, paged with ``search_after`` on the ``id`` keyword."""
        after: list[Any] | None = None
        while True:
            with translate_errors(f"reading documents from {self.name}"):
                resp = self.client.search(
                    index=self.target,
                    size=batch_size,
                    sort=[{"id": "asc"}],
                    search_after=after,
                    source_includes=["judgment"],
                    track_total_hits=False,
                )
            hits = resp["hits"]["hits"]
            if not hits:
                return
            for h in hits:
                yield Judgment.from_dict(h["_source"]["judgment"])
            after = hits[-1]["sort"]

    def filter_ids(self, filters: SearchFilters) -> set[str]:
        """Ids of the documents that pass ``filters`` (an unknown date fails any date bound)."""
        return self._scan_ids(filters_query(filters))

    # --- internals -----------------------------------------------------------------------------------
    def _scan_ids(self, query: dict[str, Any]) -> set[str]:
        with translate_errors(f"listing ids in {self.name}"):
            return {
                h["_id"]
                for h in helpers.scan(
                    self.client, index=self.target, query={"query": query, "_source": False}, size=5000
                )
            }

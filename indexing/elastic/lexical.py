"""BM25 on Elasticsearch over the tokens Leian's tokenizer already produced.

Tokenising happens once, in :mod:`indexing.tokenizer`; Elasticsearch must not re-tokenise. Each document's
tokens are indexed as one space-joined string analysed by the built-in ``whitespace`` analyzer, which splits
exactly at the joins, so the terms Elasticsearch sees are Leian's tokens.

Scoring matches the embedded :class:`~indexing.bm25.BM25Index`:

* a custom ``BM25`` similarity carries ``k1`` and ``b`` (both fixed at index creation);
* a query is a ``bool``/``should`` of ``term`` clauses, one per distinct token, boosted by how often the
  token occurs in the query, so the score is Σ_t qtf(t)·idf(t)·tf·… — classic BM25 with query-term
  frequency — and long queries stay far below ``indices.query.bool.max_clause_count``;
* Elasticsearch scores with Lucene's ``LegacyBM25Similarity``, which keeps the textbook factor (k1 + 1) and
  Lucene's idf log(1 + (N - df + 0.5) / (df + 0.5)), as the embedded index does, so both report the same
  numbers. The one difference is Lucene's one-byte encoding of document length (exact below 24 tokens,
  rounded to four significant bits beyond): on long documents scores differ by a few per cent, so near-ties
  may swap. Also, Lucene counts deleted or replaced documents in df and avgdl until their segment merges,
  while the embedded index forgets them at once, so scores drift slightly after deletes;
* the index has one primary shard by default, so term statistics are global; with more shards queries use
  ``dfs_query_then_fetch`` for the same reason.

With ``candidates`` a query becomes a filtered ``bool`` whose ``should`` clauses are optional, so every
candidate is returned (non-matching ones with score 0), as the embedded index does for LeCaRD pools.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Sequence
from typing import Any

from elasticsearch import Elasticsearch

from indexing.backends import Candidates
from indexing.elastic.connection import ElasticIndexBase, bulk_ingest, connect, multi_search, translate_errors
from indexing.hits import Hit
from leian.errors import IndexStateError, InputError

__all__ = ["MAX_RESULT_WINDOW", "ElasticLexicalIndex"]

#: Elasticsearch's default index.max_result_window: the most hits one search returns
MAX_RESULT_WINDOW = 10_000


def _clean(token: str) -> str:
    """A token as one whitespace-free term (tokens never contain spaces in practice; be safe if one does)."""
    return "_".join(token.split())


class ElasticLexicalIndex(ElasticIndexBase):
    """:class:`~indexing.backends.LexicalIndex` on an Elasticsearch alias ``name``."""

    kind = "lexical"

    def __init__(
        self,
        client: Elasticsearch,
        name: str,
        k1: float = 1.2,
        b: float = 0.75,
        *,
        max_query_terms: int = 1024,
        shards: int = 1,
        replicas: int = 0,
        owns_client: bool = False,
        next_version: bool = False,
    ) -> None:
        self.k1, self.b = float(k1), float(b)
        # Far below the node's max_clause_count (4096 at a 512 MB heap); queries are deduplicated first anyway.
        self.max_query_terms = max_query_terms
        super().__init__(
            client, name, shards=shards, replicas=replicas, owns_client=owns_client, next_version=next_version
        )

    @classmethod
    def from_url(cls, url: str, name: str, **kwargs: Any) -> ElasticLexicalIndex:
        """An index with its own client (closed by :meth:`close`)."""
        return cls(connect(url), name, owns_client=True, **kwargs)

    def _meta(self) -> dict[str, Any]:
        # k1 and b live in the index settings and cannot change without re-indexing: check them on open.
        return {**super()._meta(), "k1": self.k1, "b": self.b}

    def _body(self) -> dict[str, Any]:
        return {
            "settings": {
                **self._settings(),
                "similarity": {"leian_bm25": {"type": "BM25", "k1": self.k1, "b": self.b}},
            },
            "mappings": {
                "dynamic": "strict",
                "properties": {
                    "id": {"type": "keyword"},
                    # freqs: BM25 needs term frequencies and norms, not positions
                    "tokens": {
                        "type": "text",
                        "analyzer": "whitespace",
                        "similarity": "leian_bm25",
                        "index_options": "freqs",
                    },
                },
            },
        }

    # --- LexicalIndex --------------------------------------------------------------------------------
    def add(self, ids: Sequence[str], tokens: Sequence[Sequence[str]]) -> None:
        """Index documents, replacing any with the same id (visible after :meth:`commit`)."""
        if len(ids) != len(tokens):
            raise InputError(f"ids and tokens differ in length ({len(ids)} != {len(tokens)})")
        latest = dict(zip(ids, tokens, strict=True))  # the same id twice in one batch: the later one wins
        actions = (
            {
                "_op_type": "index",
                "_index": self.target,
                "_id": doc_id,
                "_source": {"id": doc_id, "tokens": " ".join(c for t in toks if (c := _clean(t)))},
            }
            for doc_id, toks in latest.items()
        )
        bulk_ingest(self.client, actions, what=f"indexing tokens into {self.name}")

    def idf(self, terms: Sequence[str]) -> dict[str, float]:
        """Lucene's BM25 idf of each term present, from document counts fetched through ``msearch``."""
        unique = [t for t in dict.fromkeys(_clean(t) for t in terms) if t]
        if not unique:
            return {}
        what = f"counting terms in {self.name}"
        bodies = [{"size": 0, "track_total_hits": True, "query": {"term": {"tokens": term}}} for term in unique]
        responses = multi_search(self.client, bodies, header={"index": self.target}, what=what)
        with translate_errors(what):
            n = self.client.count(index=self.target)["count"]
        out = {}
        for term, resp in zip(unique, responses, strict=True):
            df = resp.get("hits", {}).get("total", {}).get("value", 0)
            if df:
                out[term] = math.log1p((n - df + 0.5) / (df + 0.5))
        return out

    def delete(self, ids: Sequence[str]) -> None:
        """Remove documents; unknown ids are ignored (visible after :meth:`commit`)."""
        actions = ({"_op_type": "delete", "_index": self.target, "_id": i} for i in dict.fromkeys(ids))
        bulk_ingest(self.client, actions, what=f"deleting from {self.name}")

    def batch_search(self, queries: Sequence[Sequence[str]], k: int, candidates: Candidates = None) -> list[list[Hit]]:
        """The ``k`` best documents per tokenised query, sorted by (-score, id), through ``msearch``."""
        if candidates is not None and len(candidates) != len(queries):
            raise InputError(f"candidates must have one entry per query ({len(candidates)} != {len(queries)})")
        results: list[list[Hit]] = [[] for _ in queries]
        size = min(k, MAX_RESULT_WINDOW)
        bodies: list[dict[str, Any]] = []
        slots: list[int] = []
        for qi, query in enumerate(queries):
            allowed = candidates[qi] if candidates is not None else None
            body = self._query(query, allowed)
            if body is None or size <= 0:
                continue
            bodies.append(
                {
                    "query": body,
                    "size": size,
                    "sort": [{"_score": "desc"}, {"id": "asc"}],
                    "_source": False,
                    "track_total_hits": False,
                }
            )
            slots.append(qi)
        if not bodies:
            return results
        header: dict[str, Any] = {"index": self.target}
        if self.shards > 1:
            header["search_type"] = "dfs_query_then_fetch"
        responses = multi_search(self.client, bodies, header=header, what=f"searching {self.name}")
        for qi, resp in zip(slots, responses, strict=True):
            if "error" in resp:
                raise IndexStateError(f"Elasticsearch search on {self.name} failed: {resp['error']}")
            hits = [Hit(h["_id"], float(h["_score"])) for h in resp["hits"]["hits"]]
            results[qi] = sorted(hits, key=lambda h: (-h.score, h.id))
        return results

    def search(self, query: Sequence[str], k: int, candidates: Collection[str] | None = None) -> list[Hit]:
        """``batch_search`` of one query."""
        return self.batch_search([query], k, None if candidates is None else [candidates])[0]

    # --- internals -----------------------------------------------------------------------------------
    def _query(self, query: Sequence[str], allowed: Collection[str] | None) -> dict[str, Any] | None:
        """The Elasticsearch query for one tokenised query, or ``None`` when it cannot match anything."""
        counts = Counter(c for t in query if (c := _clean(t)))
        if not counts or (allowed is not None and not allowed):
            return None
        # Counter.most_common keeps first-seen order among equal counts, so truncation is deterministic.
        terms = counts.most_common(self.max_query_terms)
        should = [{"term": {"tokens": {"value": t, "boost": float(n)}}} for t, n in terms]
        if allowed is None:
            return {"bool": {"should": should, "minimum_should_match": 1}}
        return {
            "bool": {
                "should": should,
                "minimum_should_match": 0,
                "filter": [{"ids": {"values": list(allowed)}}],
            }
        }

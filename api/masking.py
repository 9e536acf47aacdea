"""What a role may not see: person names masked in search results and case views.

The service runs every search as a :class:`SearchJob` through :func:`masked_search`, in its own process or in a
search worker (:mod:`api.search_pool`): both give the same :class:`SearchAnswer`, masked for the caller's role and
already in the JSON the API sends, so the service process only forwards it.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from corpus.model import Judgment
from corpus.pseudonymise import Masker, PseudonymiseOptions, person_names
from indexing.backends import SearchFilters
from retrieval.searcher import Query, Searcher

__all__ = ["CaseMasks", "SearchAnswer", "SearchJob", "mask_hit", "masked_search"]

#: Cached (case, masking) pairs of one served snapshot; a few hundred bytes each.
_CACHE = 20_000


@dataclass(frozen=True)
class SearchJob:
    """One search as the service runs it: the query, and how the caller's role masks names."""

    text: str
    k: int
    charges: tuple[str, ...]
    filters: SearchFilters
    masking: PseudonymiseOptions


@dataclass(frozen=True)
class SearchAnswer:
    """A masked search as the API answers it: the JSON body (the shape of :class:`api.schemas.SearchOut`) and
    the ids of the cases it returns, for the audit log."""

    body: bytes
    hit_ids: tuple[str, ...]

    def data(self) -> dict[str, Any]:
        """The body as plain data."""
        data: dict[str, Any] = json.loads(self.body)
        return data


class CaseMasks:
    """The :class:`~corpus.pseudonymise.Masker` of each case per masking option, cached: the same cases come back in
    many searches of a snapshot, and building one reads the whole judgment (for the masks already in it, and for
    names not recorded when it was indexed)."""

    def __init__(self) -> None:
        self._maskers: dict[tuple[str, PseudonymiseOptions], Masker] = {}
        self._lock = threading.Lock()

    def get(self, doc: Judgment, options: PseudonymiseOptions) -> Masker:
        """The masker of ``doc`` for ``options``."""
        key = (doc.id, options)
        masker = self._maskers.get(key)
        if masker is None:
            masker = Masker(doc.text, person_names(doc, officials=options.mask_officials), options)
            with self._lock:
                if len(self._maskers) >= _CACHE:
                    self._maskers.clear()
                self._maskers[key] = masker
        return masker


def mask_hit(hit: dict[str, Any], masker: Masker) -> None:
    """Mask the title and every passage of one search hit's explanation in place."""
    if not masker.names:
        return
    hit["title"] = masker.remembered(hit.get("title", ""))
    explanation = hit.get("explanation")
    if not explanation:
        return
    for part in ("basic_facts", "dispute_focus"):
        section = explanation[part]
        section["passage"] = masker(section["passage"])
        section["highlights"] = [t for t in section["highlights"] if t in section["passage"]]
    shared = explanation["basic_facts"]["shared_terms"]
    explanation["basic_facts"]["shared_terms"] = [t for t in shared if not any(n in t for n in masker.names)]
    law = explanation["legal_application"]
    law["holding"] = masker.remembered(law["holding"])
    explanation["summary"] = masker(explanation["summary"])


def masked_search(searcher: Searcher, masks: CaseMasks, job: SearchJob) -> SearchAnswer:
    """Search with explanations and mask every hit for ``job.masking``."""
    result = searcher.search(Query(job.text, job.charges, job.filters), k=job.k, explain=True)
    out = result.to_dict()
    for hit in out["hits"]:
        doc = result.documents.get(hit["id"])
        if doc is not None:
            mask_hit(hit, masks.get(doc, job.masking))
    body = {"took_ms": out["took_ms"], "analysis": out["analysis"], "hits": out["hits"]}
    # allow_nan=False: a score that is not a number is a bug to surface, never invalid JSON for the page
    text = json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return SearchAnswer(text.encode(), tuple(h["id"] for h in out["hits"]))

"""An index directory: the document store, the lexical and dense indexes, the catalog and the models.

The directory describes itself in ``manifest.json`` (backend, tokenizer version, embedding model and its
fingerprint, corpus checksum, package versions, the command that built it). Opening an index checks that
the tokenizer and model in use are the ones it was built with — searching BM25 postings made by another
dictionary, or vectors made by another model, would silently return wrong cases.

Layout::

    DIR/manifest.json      what this index is
    DIR/catalog.sqlite     per-document state and tokens (crash consistency, see indexing.catalog)
    DIR/store.sqlite       parsed judgments (embedded backend)
    DIR/lexical/           BM25 generations over jieba words (embedded backend)
    DIR/bigrams/           BM25 generations over character bigrams (embedded backend)
    DIR/dense/             FAISS generations (embedded backend)
    DIR/charges/           the charge model trained on this corpus, and every document's charge profile
    DIR/ranker/            the fusion model the searcher ranks with (see retrieval.ranker)
    DIR/outcomes/          the outcome model of :mod:`consistency` (trained on first audit)
    DIR/service/           users and the audit log of :mod:`api` (created by ``leian users`` / ``leian serve``)
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from corpus.model import Judgment
from indexing.backends import DenseIndex, DocumentStore, LexicalIndex
from indexing.catalog import Catalog, CatalogEntry
from indexing.encoder import Encoder
from indexing.tokenizer import BIGRAMS, Tokenizer, char_bigrams, get_tokenizer
from leian.errors import IndexStateError, NotFoundError
from leian.settings import Settings, get_settings

__all__ = ["LeianIndex", "Manifest", "es_index_name"]

log = logging.getLogger(__name__)

_FORMAT = "leian-index/2"  # 2: the character-bigram channel
_PACKAGES = ("leian", "jieba", "faiss-cpu", "sentence-transformers", "torch", "scikit-learn", "elasticsearch")


@dataclass
class Manifest:
    """Self-description of an index directory."""

    format: str = _FORMAT
    backend: str = "embedded"
    es_url: str = ""
    tokenizer: str = ""
    bigrams: str = ""
    model: str = ""
    model_fingerprint: str = ""
    dim: int = 0
    documents: int = 0
    corpus_checksum: str = ""
    created: str = ""
    updated: str = ""
    build_command: str = ""
    versions: dict[str, str] = field(default_factory=dict)
    charge_model_documents: int = 0
    ranker: str = ""

    @classmethod
    def read(cls, path: Path) -> Manifest:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != _FORMAT:
            raise IndexStateError(f"{path}: 不支持的索引格式 unsupported index format {data.get('format')!r}")
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})

    def write(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, path)


def _versions() -> dict[str, str]:
    out = {"python": sys.version.split()[0]}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


class LeianIndex:
    """Open (or create) an index directory with the backend it was built for."""

    def __init__(
        self,
        directory: Path,
        *,
        create: bool = False,
        backend: str | None = None,
        es_url: str | None = None,
        settings: Settings | None = None,
        tokenizer: Tokenizer | None = None,
        encoder: Encoder | None = None,
        recover: bool = True,
    ) -> None:
        """Open ``directory`` (``create`` it when missing); ``recover=False`` opens a read-only view for a process
        that does not own the directory (a search worker), which must not replay what an interrupted run left."""
        self.settings = settings or get_settings()
        self.directory = Path(directory)
        self.tokenizer = tokenizer or get_tokenizer()
        manifest_path = self.directory / "manifest.json"
        if manifest_path.exists():
            self.manifest = Manifest.read(manifest_path)
            if backend and backend != self.manifest.backend:
                raise IndexStateError(
                    f"{self.directory} 是 {self.manifest.backend} 索引 was built for backend"
                    f" {self.manifest.backend!r}, not {backend!r}"
                )
        elif create:
            self.directory.mkdir(parents=True, exist_ok=True)
            self.manifest = Manifest(
                backend=backend or self.settings.backend,
                es_url=(es_url or self.settings.es_url)
                if (backend or self.settings.backend) == "elasticsearch"
                else "",
                created=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                tokenizer=self.tokenizer.version,
                bigrams=BIGRAMS,
            )
        else:
            raise NotFoundError(
                f"索引不存在 no index at {self.directory}: build one with `leian ingest --index {self.directory} FILE…`"
            )
        if es_url and self.manifest.backend == "elasticsearch":
            self.manifest.es_url = es_url
        if self.manifest.tokenizer and self.manifest.tokenizer != self.tokenizer.version:
            raise IndexStateError(
                f"{self.directory} was built with tokenizer {self.manifest.tokenizer}, this Leian has"
                f" {self.tokenizer.version}: rebuild the index (the same words would be segmented differently)"
            )
        if self.manifest.bigrams != BIGRAMS:
            raise IndexStateError(
                f"{self.directory} was built with bigram scheme {self.manifest.bigrams!r}, this Leian has {BIGRAMS}:"
                " rebuild the index"
            )
        self.encoder = encoder or Encoder.load(self.settings.model)
        if self.manifest.model_fingerprint and self.manifest.model_fingerprint != self.encoder.fingerprint:
            raise IndexStateError(
                f"{self.directory} was built with model {self.manifest.model} ({self.manifest.model_fingerprint}),"
                f" the configured model is {self.encoder.name} ({self.encoder.fingerprint}): rebuild the index or"
                " set LEIAN_MODEL to the model it was built with"
            )
        self.manifest.model, self.manifest.model_fingerprint = self.encoder.name, self.encoder.fingerprint
        self.manifest.dim = self.encoder.dim
        self.catalog = Catalog(self.directory / "catalog.sqlite")
        self.store, self.lexical, self.bigrams, self.dense = self._open_backends()
        self._charge_model: Any = None
        self._ranker: Any = None
        self._profiles: tuple[dict[str, int], np.ndarray] | None = None
        if recover:
            self.recover()

    # --- backends ------------------------------------------------------------------------------------
    def _open_backends(self) -> tuple[DocumentStore, LexicalIndex, LexicalIndex, DenseIndex]:
        if self.manifest.backend == "elasticsearch":
            from indexing.elastic.connection import connect
            from indexing.elastic.dense import ElasticDenseIndex
            from indexing.elastic.lexical import ElasticLexicalIndex
            from indexing.elastic.store import ElasticDocumentStore

            client = connect(self.manifest.es_url)
            name = es_index_name(self.directory.name)
            return (
                ElasticDocumentStore(client, f"{name}-docs"),
                ElasticLexicalIndex(client, f"{name}-lexical"),
                ElasticLexicalIndex(client, f"{name}-bigrams"),
                ElasticDenseIndex(client, f"{name}-dense", self.encoder.dim),
            )
        from indexing.bm25 import BM25Index
        from indexing.faiss_index import FaissIndex
        from indexing.sqlite_store import SQLiteStore

        return (
            SQLiteStore(self.directory / "store.sqlite"),
            BM25Index(self.directory / "lexical"),
            BM25Index(self.directory / "bigrams"),
            FaissIndex(self.directory / "dense", self.encoder.dim),
        )

    # --- writes --------------------------------------------------------------------------------------
    def write_batch(self, docs: Sequence[Judgment], entries: Sequence[CatalogEntry]) -> None:
        """Store and index a batch so that a crash at any point leaves it either absent or replayable."""
        if not docs:
            return
        ids = [d.id for d in docs]
        self.catalog.begin(entries)
        self.store.put(docs)
        self._index_entries(entries, [d.facts for d in docs])
        self.catalog.mark_indexed(ids)

    def _index_entries(self, entries: Sequence[CatalogEntry], texts: Sequence[str]) -> None:
        """Index ``entries`` lexically (words and bigrams) and densely; ``texts`` are their facts."""
        ids = [e.id for e in entries]
        terms = [list(e.terms) for e in entries]
        self.lexical.add(ids, terms)
        self.bigrams.add(ids, [char_bigrams(t) for t in texts])
        self.dense.add(ids, self.encoder.encode_documents(texts, terms))
        self.lexical.commit()
        self.bigrams.commit()
        self.dense.commit()

    def delete(self, ids: Sequence[str]) -> int:
        """Remove documents from the store and every index; returns how many were known."""
        known = self.catalog.begin_delete(ids)
        if known:
            self._purge(known)
        return len(known)

    def _purge(self, ids: Sequence[str]) -> None:
        self.store.delete(ids)
        for part in (self.lexical, self.bigrams, self.dense):
            part.delete(ids)
            part.commit()
        self.catalog.finish_delete(ids)

    def recover(self) -> dict[str, int]:
        """Replay what an interrupted run left: finish deletions, re-index pending documents."""
        deleting = self.catalog.ids_in_state("deleting")
        if deleting:
            log.warning("finishing %d interrupted deletions in %s", len(deleting), self.directory)
            self._purge(deleting)
        pending = self.catalog.ids_in_state("pending")
        if pending:
            log.warning("re-indexing %d documents an interrupted ingest left pending", len(pending))
            stored = dict(zip(pending, self.store.get(pending), strict=True))
            entries = [e for e in self.catalog.entries(pending) if stored.get(e.id) is not None]
            lost = [i for i in pending if stored.get(i) is None]
            if entries:
                self._index_entries(entries, [stored[e.id].facts for e in entries])  # type: ignore[union-attr]
                self.catalog.mark_indexed([e.id for e in entries])
            if lost:  # never reached the store: forget them so a re-run ingests them afresh
                self.catalog.begin_delete(lost)
                self._purge(lost)
        return {"deleted": len(deleting), "reindexed": len(pending)}

    def finish(self, build_command: str | None = None) -> None:
        """Record the corpus state in the manifest (after an ingest or a deletion)."""
        self.manifest.documents = self.catalog.count()
        self.manifest.corpus_checksum = self.catalog.corpus_checksum()
        self.manifest.updated = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        self.manifest.versions = _versions()
        if build_command:
            self.manifest.build_command = build_command
        if not (self.directory / "ranker" / "ranker.json").exists():
            self.ranker.save(self.directory / "ranker")  # the index records the fusion model it ranks with
        self.manifest.ranker = self.ranker.fingerprint
        self.manifest.write(self.directory / "manifest.json")

    # --- the models ----------------------------------------------------------------------------------
    @property
    def ranker(self) -> Any:
        """The fusion model searches rank with: the index's own (``DIR/ranker``), else the one Leian ships."""
        if self._ranker is None:
            from retrieval.ranker import Ranker

            own = self.directory / "ranker" / "ranker.json"
            self._ranker = Ranker.load(own) if own.exists() else Ranker.default()
        return self._ranker

    def set_ranker(self, ranker: Any) -> None:
        """Record ``ranker`` with the index (``DIR/ranker``) and rank with it from now on."""
        ranker.save(self.directory / "ranker")
        self._ranker = ranker
        self.manifest.ranker = ranker.fingerprint
        self.manifest.write(self.directory / "manifest.json")

    @property
    def charge_model(self) -> Any:
        """The charge model trained on this corpus (untrained when the corpus has too few charges)."""
        if self._charge_model is None:
            from retrieval.charge_model import ChargeModel

            self._charge_model = ChargeModel.load(self.directory / "charges")
        return self._charge_model

    def train_charge_model(self) -> int:
        """(Re)train the charge model on the indexed judgments' findings; returns the number of training documents."""
        from corpus.findings import findings_span
        from retrieval.charge_model import ChargeModel

        entries = list(self.catalog.entries())
        if not entries:
            return 0
        facts = {d.id: d.facts for d in self.store.iter_documents()}
        findings = []
        for e in entries:
            text = facts.get(e.id, "")
            start, end = findings_span(text)
            findings.append(text[start:end])
        labelled = [n for n, e in enumerate(entries) if e.charges]
        core = {e.id: frozenset(e.core_terms) for e in entries}
        model = ChargeModel()
        try:
            model.fit(
                [entries[n].id for n in labelled],
                [findings[n] for n in labelled],
                [entries[n].core_terms for n in labelled],
                [entries[n].charges for n in labelled],
                neighbours=lambda rows: self._charge_neighbours([entries[labelled[r]] for r in rows], core),
            )
        except ValueError as exc:
            log.warning("charge model not trained: %s", exc)
            return 0
        model.save(self.directory / "charges")
        self._charge_model = model
        self.manifest.charge_model_documents = len(labelled)
        self._save_profiles([e.id for e in entries], model.profiles(findings, [e.core_terms for e in entries]))
        return len(labelled)

    def _charge_neighbours(
        self, entries: Sequence[CatalogEntry], core: dict[str, frozenset[str]]
    ) -> list[list[tuple[tuple[str, ...], float]]]:
        """Each entry's nearest other judgments by its findings' words, with their charges (for calibrating the
        charge model: near-copies of the judgment itself, such as a co-defendant's, are left out)."""
        from retrieval.charge_model import NEIGHBOURS

        terms = [list(dict.fromkeys(e.core_terms)) for e in entries]
        hits = self.lexical.batch_search(terms, NEIGHBOURS + 10)
        known = self.catalog.elements()
        out = []
        for entry, found in zip(entries, hits, strict=True):
            mine = core[entry.id]
            kept = []
            for h in found:
                theirs = core.get(h.id, frozenset())
                if h.id == entry.id or len(mine & theirs) > 0.8 * max(len(mine | theirs), 1):
                    continue
                kept.append((tuple(known.get(h.id, {}).get("charges", ())), h.score))
            out.append(kept[:NEIGHBOURS])
        return out

    def _save_profiles(self, ids: list[str], profiles: np.ndarray) -> None:
        directory = self.directory / "charges"
        np.save(directory / "profiles.tmp.npy", profiles.astype(np.float16))
        (directory / "profile_ids.tmp.json").write_text(json.dumps(ids, ensure_ascii=False), encoding="utf-8")
        os.replace(directory / "profiles.tmp.npy", directory / "profiles.npy")
        os.replace(directory / "profile_ids.tmp.json", directory / "profile_ids.json")
        self._profiles = None

    @property
    def profiles(self) -> tuple[dict[str, int], np.ndarray]:
        """Charge profiles of the indexed documents (row per id), computed when the charge model was trained.

        Documents added since (ingest without retraining) have no row and score 0 on this component.
        """
        if self._profiles is None:
            directory = self.directory / "charges"
            if (directory / "profiles.npy").exists():
                ids = json.loads((directory / "profile_ids.json").read_text(encoding="utf-8"))
                matrix = np.load(directory / "profiles.npy").astype(np.float32)
                self._profiles = ({d: i for i, d in enumerate(ids)}, matrix)
            else:
                self._profiles = ({}, np.zeros((0, 0), dtype=np.float32))
        return self._profiles

    # --- reads ---------------------------------------------------------------------------------------
    def get(self, doc_id: str) -> Judgment:
        """One stored judgment; NotFoundError for an unknown id."""
        doc = self.store.get([doc_id])[0]
        if doc is None:
            raise NotFoundError(f"索引中没有该案例 no document with id {doc_id!r}")
        return doc

    def info(self) -> dict[str, Any]:
        """What ``leian info`` prints."""
        return {
            "documents": self.catalog.count(),
            "directory": str(self.directory),
            **{k: v for k, v in asdict(self.manifest).items() if k != "documents"},
            "sources": self.catalog.sources(),
            "pending": len(self.catalog.ids_in_state("pending")),
        }

    def close(self) -> None:
        self.store.close()
        self.catalog.close()

    @classmethod
    def remove(cls, directory: Path, settings: Settings | None = None) -> None:
        """Delete the index at ``directory`` if there is one, even one this Leian can no longer open."""
        import shutil

        try:
            cls(directory, settings=settings).destroy()
        except (NotFoundError, IndexStateError):
            shutil.rmtree(directory, ignore_errors=True)

    def destroy(self) -> None:
        """Delete the index: its Elasticsearch indices (if any) and its directory."""
        import shutil

        for part in (self.store, self.lexical, self.bigrams, self.dense):
            drop = getattr(part, "drop", None)  # Elasticsearch parts own server-side data; embedded ones are files
            if drop is not None:
                drop()
        self.close()
        shutil.rmtree(self.directory, ignore_errors=True)


def es_index_name(name: str) -> str:
    """The prefix of the Elasticsearch indexes behind index directory ``name`` (lower-case, safe characters only)."""
    cleaned = "".join(c if c.isalnum() or c in "-_" else "-" for c in name.lower()).strip("-_")
    return f"leian-{cleaned or 'index'}"

"""Dense encoder: Leian's own jieba-vocabulary static model, or any sentence-transformers model a user configures.

Leian's model (``models/leian-static-zh``, trained by :mod:`indexing.train_encoder`) is a mean of per-token vectors
over the tokens of :mod:`indexing.tokenizer` — the same tokens the BM25 index holds — so callers that already
tokenised a document pass the tokens and nothing is segmented twice. The model directory says so in ``leian.json``
(``{"input": "jieba-tokens", "tokenizer_version": ...}``). Any other sentence-transformers directory gets raw text,
with its query/document prompts where it defines them.

Vectors are float32 and L2-normalised, so an inner product is the cosine. A text none of whose tokens is in the
vocabulary has no direction and encodes as the zero vector (cosine 0 with everything).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from leian.errors import IndexStateError

__all__ = ["LEIAN_META", "Encoder"]

log = logging.getLogger(__name__)

#: The marker file of a Leian jieba-token model.
LEIAN_META = "leian.json"
#: Files whose bytes define a model (the fingerprint covers them, not caches or the model card).
_MODEL_FILES = (
    "modules.json",
    "config_sentence_transformers.json",
    "sentence_bert_config.json",
    "config.json",
    "model.safetensors",
    "pytorch_model.bin",
    "tokenizer.json",
    "vocab.txt",
    LEIAN_META,
)


class Encoder:
    """Embeds documents and queries with one sentence-transformers model. Create with :meth:`load`."""

    def __init__(
        self,
        model_dir: Path,
        model: Any,
        meta: dict[str, Any] | None,
        static: tuple[dict[str, int], np.ndarray] | None = None,
    ) -> None:
        self.model_dir = model_dir
        self._model = model
        self._meta = meta
        self._static = static

    # --- construction -----------------------------------------------------------------------------------------
    @classmethod
    def load(cls, model_dir: str | Path) -> Encoder:
        """Load a sentence-transformers model directory; :class:`IndexStateError` when it is not one."""
        model_dir = Path(model_dir)
        expected = (
            "a sentence-transformers model directory (modules.json with its module folders or files, e.g. "
            "model.safetensors + tokenizer.json for a StaticEmbedding, or config.json + weights for a transformer); "
            "Leian's own model is models/leian-static-zh, made by `python -m indexing.train_encoder`"
        )
        if not model_dir.is_dir():
            raise IndexStateError(f"dense model directory {model_dir} does not exist; expected {expected}")
        if not (model_dir / "modules.json").is_file() and not (model_dir / "config.json").is_file():
            present = sorted(p.name for p in model_dir.iterdir())[:10]
            raise IndexStateError(
                f"{model_dir} is not a sentence-transformers model (no modules.json or config.json; "
                f"found {present or 'nothing'}); expected {expected}"
            )
        meta = None
        meta_path = model_dir / LEIAN_META
        if meta_path.is_file():
            try:
                meta = json.loads(meta_path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise IndexStateError(f"{meta_path} is unreadable ({exc}); retrain or restore the model") from exc
            if meta.get("input") != "jieba-tokens":
                meta = None
        if meta is not None:
            from indexing.tokenizer import get_tokenizer

            have = get_tokenizer().version
            if meta.get("tokenizer_version") not in (None, have):
                # Different segmentation means some tokens miss the vocabulary; still usable, but say so.
                log.warning("%s was trained with tokenizer %s, running %s", model_dir, meta["tokenizer_version"], have)
            # Read the token table directly: no PyTorch import, so the CLI and the service start in a second.
            return cls(model_dir, None, meta, cls._static_tables(model_dir))
        from sentence_transformers import SentenceTransformer

        try:
            model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        except Exception as exc:  # the library raises many kinds; all mean "not a usable model here"
            raise IndexStateError(f"cannot load the dense model in {model_dir}: {exc}; expected {expected}") from exc
        return cls(model_dir, model, None)

    @staticmethod
    def _static_tables(model_dir: Path) -> tuple[dict[str, int], np.ndarray]:
        """Vocabulary and token vectors of a StaticEmbedding directory, read without loading the model."""
        from safetensors.numpy import load_file

        try:
            vocab = json.loads((model_dir / "tokenizer.json").read_text(encoding="utf-8"))["model"]["vocab"]
            weights = load_file(str(model_dir / "model.safetensors"))["embedding.weight"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexStateError(
                f"{model_dir}: {LEIAN_META} says jieba-token input; its StaticEmbedding files are unreadable ({exc})"
            ) from exc
        if weights.ndim != 2 or max(vocab.values(), default=-1) >= weights.shape[0]:
            raise IndexStateError(f"{model_dir}: vocabulary and embedding table ({weights.shape}) do not match")
        return vocab, np.ascontiguousarray(weights, dtype=np.float32)

    # --- identity ---------------------------------------------------------------------------------------------
    @property
    def dim(self) -> int:
        """Embedding dimension."""
        if self._static is not None:
            return int(self._static[1].shape[1])
        getter = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        return int(getter())

    @property
    def name(self) -> str:
        """The model directory's name (e.g. ``leian-static-zh``)."""
        return self.model_dir.resolve().name

    @property
    def uses_tokens(self) -> bool:
        """True for Leian's jieba-token models, which consume :mod:`indexing.tokenizer` tokens."""
        return self._static is not None

    @cached_property
    def fingerprint(self) -> str:
        """sha256 prefix over the model-defining files, recorded by index directories to detect a model change."""
        h = hashlib.sha256()
        files = sorted(
            p for p in self.model_dir.rglob("*") if p.is_file() and (p.name in _MODEL_FILES or p.suffix == ".json")
        )
        for p in files:
            if p.name == "README.md":
                continue
            h.update(p.relative_to(self.model_dir).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(p.read_bytes()).digest())
        return h.hexdigest()[:16]

    # --- encoding ---------------------------------------------------------------------------------------------
    def encode_documents(
        self, texts: Sequence[str], tokens: Sequence[Sequence[str]] | None = None, batch_size: int = 256
    ) -> np.ndarray:
        """(n, dim) float32 unit vectors of documents; ``tokens`` (from :mod:`indexing.tokenizer`) skips segmenting."""
        return self._encode(texts, tokens, batch_size, query=False)

    def encode_queries(
        self, texts: Sequence[str], tokens: Sequence[Sequence[str]] | None = None, batch_size: int = 256
    ) -> np.ndarray:
        """(n, dim) float32 unit vectors of queries (a model's query prompt applies where it defines one)."""
        return self._encode(texts, tokens, batch_size, query=True)

    def _encode(
        self, texts: Sequence[str], tokens: Sequence[Sequence[str]] | None, batch_size: int, *, query: bool
    ) -> np.ndarray:
        n = len(tokens) if tokens is not None and self._static is not None else len(texts)
        if n == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._static is not None:
            if tokens is None:
                from indexing.tokenizer import get_tokenizer

                tok = get_tokenizer()
                tokens = [tok.tokenize(t) for t in texts]
            return self._encode_static(tokens)
        return self._encode_text(list(texts), batch_size, query=query)

    def _encode_static(self, tokens: Sequence[Sequence[str]]) -> np.ndarray:
        """Mean of token vectors, then L2 normalisation — exactly StaticEmbedding + Normalize, without the strings."""
        assert self._static is not None
        vocab, weights = self._static
        get = vocab.get
        out = np.zeros((len(tokens), weights.shape[1]), dtype=np.float32)
        for n, toks in enumerate(tokens):
            # Unknown tokens are dropped (their [UNK] vector is zero anyway): the mean's direction is the sum's.
            ids = np.fromiter((i for i in map(get, toks) if i is not None), dtype=np.int64)
            if ids.size:
                out[n] = weights[ids].sum(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out

    def _encode_text(self, texts: list[str], batch_size: int, *, query: bool) -> np.ndarray:
        prompts = getattr(self._model, "prompts", None) or {}
        fn = self._model.encode_query if query else self._model.encode_document
        if not prompts:
            fn = self._model.encode  # no prompts: the plain encode is the same for both sides
        vecs = fn(
            texts, batch_size=batch_size, convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)

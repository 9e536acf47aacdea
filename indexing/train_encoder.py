"""Train Leian's default dense model, ``leian-static-zh``, on CPU from the judgments themselves.

``python -m indexing.train_encoder --out models/leian-static-zh``

The model is a sentence-transformers :class:`StaticEmbedding` (a mean of per-token vectors) whose HF tokenizer is a
WordLevel vocabulary over the jieba tokens of :mod:`indexing.tokenizer`, so the dense model and BM25 see the very same
tokens. Recipe:

1. Tokenise the training judgments once (two processes): LeCaRD candidates (facts ``ajjbqk``, reasoning ``cpfxgc``,
   case name ``ajName``) and CAIL2018 train (``fact`` with ``meta.accusation`` / ``meta.relevant_articles``).
2. Vocabulary = tokens in at least ``--min-df`` documents (the most frequent ``--max-vocab``), so the committed model
   stays small.
3. Initialise the token vectors from LSA: a truncated SVD of the tf-idf document-term matrix; token ``w`` gets
   ``idf(w) * V[:, w]`` so that the *mean* of a document's token vectors is its LSA projection (what StaticEmbedding
   computes at inference, up to scale).
4. Fine-tune with in-batch-negatives contrastive loss (MultipleNegativesRankingLoss, written out in plain torch so the
   negatives that share the anchor's charge set can be masked — they are not negatives for similar-case retrieval):
   facts ↔ reasoning of the same case, facts ↔ a charge/statute description, facts ↔ facts of another case with the
   same charge set.

The LeCaRD evaluation split (queries.jsonl, qrels.json, pools.json) is never read for training; ``--eval`` scores the
result on it afterwards (dense-only pool re-ranking and BM25 fusion) with :func:`evaluation.metrics.score_run`.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import pickle
import random
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import torch
from scipy import sparse
from torch import nn

__all__ = ["Case", "TrainConfig", "evaluate", "load_cases", "main", "train"]

#: Charge names (罪名 without 罪) in a case name, split on the separators of LeCaRD titles.
_ARTICLE_CN = "零一二三四五六七八九"


@dataclass
class Case:
    """One training judgment: its tokens and the labels its own structure gives."""

    id: str
    facts: list[str]
    reasoning: list[str] = field(default_factory=list)
    charges: tuple[str, ...] = ()
    articles: tuple[int, ...] = ()


@dataclass
class TrainConfig:
    """Hyper-parameters (the defaults are the committed model's)."""

    dim: int = 128
    min_df: int = 3
    max_vocab: int = 40_000
    epochs: int = 5
    batch_size: int = 128
    lr: float = 1e-2
    scale: float = 20.0
    max_tokens: int = 768
    seed: int = 20240521
    svd_iter: int = 7
    mask_same_charge: bool = True
    tasks: tuple[str, ...] = ("reasoning", "label", "same_charge")


# --- data ------------------------------------------------------------------------------------------------------
def _data_dir() -> Path:
    from leian.settings import get_settings

    return Path(os.environ.get("LEIAN_DATA", get_settings().data))


def _tokenize_many(texts: Sequence[str]) -> list[list[str]]:
    from indexing.tokenizer import get_tokenizer

    tok = get_tokenizer()
    return [tok.tokenize(t) for t in texts]


def _tokenize_parallel(texts: list[str], workers: int) -> list[list[str]]:
    """jieba is pure Python: split the texts across processes (fork shares the loaded dictionary)."""
    from indexing.tokenizer import get_tokenizer

    get_tokenizer().tokenize("预热")  # load the dictionary before forking
    if workers <= 1:
        return _tokenize_many(texts)
    chunk = 64
    parts = [texts[i : i + chunk] for i in range(0, len(texts), chunk)]
    with get_context("fork").Pool(workers) as pool:
        out = pool.map(_tokenize_many, parts, chunksize=1)
    return [toks for part in out for toks in part]


def _lecard_charges(rec: dict) -> tuple[str, ...]:
    from corpus.charges import charges_from_title, extract_charges

    found = charges_from_title(rec.get("ajName") or "")
    if not found:
        found = extract_charges(rec.get("pjjg") or rec.get("cpfxgc") or "")
    return tuple(sorted(set(found)))


def load_cases(data: Path, cache: Path | None = None, workers: int = 2) -> list[Case]:
    """LeCaRD candidates and CAIL2018 train as tokenised :class:`Case` records (cached by tokenizer version)."""
    from indexing.tokenizer import get_tokenizer

    version = get_tokenizer().version
    cache_file = None
    if cache is not None:
        key = hashlib.sha256(f"{data.resolve()}|{version}|v2".encode()).hexdigest()[:12]
        cache_file = cache / f"train-cases-{key}.pkl"
        if cache_file.exists():
            with cache_file.open("rb") as fh:
                return [Case(*row) for row in pickle.load(fh)]
    lecard = []
    with gzip.open(data / "lecard" / "candidates.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                lecard.append(json.loads(line))
    cail = []
    with (data / "cail2018" / "data_train.json").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                cail.append(json.loads(line))
    texts = [r.get("ajjbqk") or "" for r in lecard] + [r.get("cpfxgc") or "" for r in lecard]
    texts += [r["fact"] for r in cail]
    toks = _tokenize_parallel(texts, workers)
    n = len(lecard)
    cases = []
    for i, rec in enumerate(lecard):
        cases.append(Case(f"lecard:{rec['id']}", toks[i], toks[n + i], _lecard_charges(rec)))
    for j, rec in enumerate(cail):
        meta = rec.get("meta", {})
        cases.append(
            Case(
                f"cail:{j}",
                toks[2 * n + j],
                charges=tuple(sorted(set(meta.get("accusation", [])))),
                articles=tuple(sorted(set(meta.get("relevant_articles", [])))),
            )
        )
    if cache_file is not None:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        with cache_file.open("wb") as fh:
            # Plain tuples: a pickled Case would name ``__main__.Case`` when this module runs as a script.
            rows = [(c.id, c.facts, c.reasoning, c.charges, c.articles) for c in cases]
            pickle.dump(rows, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return cases


def _label_text(case: Case) -> str:
    """The charge/statute description a case's facts are paired with, e.g. 罪名：盗窃罪；法条：第二百六十四条."""
    parts = []
    if case.charges:
        parts.append("罪名：" + "、".join(c + "罪" for c in case.charges))
    if case.articles:
        parts.append("法条：" + "、".join(f"第{_cn_number(a)}条" for a in case.articles))
    return "；".join(parts)


def _cn_number(n: int) -> str:
    """Chinese numerals as judgments write article numbers (264 → 二百六十四)."""
    digits = [int(c) for c in str(n)]
    units = ["", "十", "百", "千"]
    out = ""
    for pos, d in enumerate(digits):
        unit = units[len(digits) - pos - 1]
        if d:
            out += _ARTICLE_CN[d] + unit
        elif out and not out.endswith("零") and any(digits[pos:]):
            out += "零"
    out = out.rstrip("零")
    return out[1:] if out.startswith("一十") else out


# --- vocabulary and LSA initialisation ---------------------------------------------------------------------------
def build_vocab(docs: Sequence[Sequence[str]], min_df: int, max_vocab: int) -> list[str]:
    """Tokens in at least ``min_df`` documents, most frequent first (ties by token), at most ``max_vocab``."""
    df: Counter[str] = Counter()
    for toks in docs:
        df.update(set(toks))
    kept = [(c, t) for t, c in df.items() if c >= min_df]
    kept.sort(key=lambda ct: (-ct[0], ct[1]))
    return [t for _, t in kept[:max_vocab]]


def _ids(toks: Sequence[str], index: dict[str, int]) -> np.ndarray:
    return np.fromiter((i for i in map(index.get, toks) if i is not None), dtype=np.int64)


def lsa_init(doc_ids: Sequence[np.ndarray], vocab_size: int, dim: int, seed: int, n_iter: int) -> np.ndarray:
    """Token vectors ``idf(w) * V[:, w]`` from a truncated SVD of the (sublinear) tf-idf matrix, row norms ≈ 1."""
    from sklearn.decomposition import TruncatedSVD

    rows = np.concatenate([np.full(len(ids), r, dtype=np.int64) for r, ids in enumerate(doc_ids)])
    cols = np.concatenate(list(doc_ids))
    tf = sparse.csr_matrix((np.ones(len(cols), dtype=np.float32), (rows, cols)), shape=(len(doc_ids), vocab_size))
    tf.sum_duplicates()
    df = np.bincount(tf.indices, minlength=vocab_size).astype(np.float32)
    idf = np.log((1 + len(doc_ids)) / (1 + df)) + 1.0
    x = tf.copy()
    x.data = (1.0 + np.log(x.data)) * idf[x.indices]
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel()) + 1e-9
    x = sparse.diags(1.0 / norms) @ x
    svd = TruncatedSVD(n_components=dim, n_iter=n_iter, random_state=seed)
    svd.fit(x)
    emb = (svd.components_.T * idf[:, None]).astype(np.float32)
    emb /= float(np.linalg.norm(emb, axis=1).mean()) or 1.0
    return emb


# --- contrastive fine-tuning --------------------------------------------------------------------------------------
def _crop(ids: np.ndarray, max_tokens: int, rng: random.Random) -> np.ndarray:
    """A random window of a long document: cheaper steps and an augmentation (inference averages the whole text)."""
    if len(ids) <= max_tokens:
        return ids
    start = rng.randrange(len(ids) - max_tokens + 1)
    return ids[start : start + max_tokens]


def _bag(batch: Sequence[np.ndarray]) -> tuple[torch.Tensor, torch.Tensor]:
    lengths = [len(b) for b in batch]
    offsets = torch.from_numpy(np.cumsum([0, *lengths[:-1]]).astype(np.int64))
    flat = torch.from_numpy(np.concatenate(batch).astype(np.int64)) if batch else torch.zeros(0, dtype=torch.long)
    return flat, offsets


def _pairs(
    cases: Sequence[Case],
    fact_ids: list[np.ndarray],
    text_ids: dict[str, list[np.ndarray]],
    cfg: TrainConfig,
    rng: random.Random,
) -> list[tuple[np.ndarray, np.ndarray, str]]:
    """One epoch of (anchor ids, positive ids, charge key) pairs from the judgments' own structure."""
    by_charge: dict[str, list[int]] = defaultdict(list)
    keys = ["|".join(c.charges) for c in cases]
    for i, k in enumerate(keys):
        if k:
            by_charge[k].append(i)
    out = []
    for i in range(len(cases)):
        if not len(fact_ids[i]):
            continue
        if "reasoning" in cfg.tasks and len(text_ids["reasoning"][i]):
            out.append((fact_ids[i], text_ids["reasoning"][i], keys[i] or f"#{i}"))
        if "label" in cfg.tasks and len(text_ids["label"][i]):
            out.append((fact_ids[i], text_ids["label"][i], keys[i] or f"#{i}"))
        if "same_charge" in cfg.tasks and keys[i] and len(by_charge[keys[i]]) > 1:
            j = i
            while j == i:
                j = rng.choice(by_charge[keys[i]])
            out.append((fact_ids[i], fact_ids[j], keys[i]))
    rng.shuffle(out)
    return out


def train(cases: Sequence[Case], cfg: TrainConfig, log=print) -> tuple[list[str], np.ndarray]:
    """Vocabulary and trained token vectors (row 0 is ``[UNK]``, kept at zero so unknown tokens carry no direction)."""
    t0 = time.perf_counter()
    random.seed(cfg.seed)
    np.random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    rng = random.Random(cfg.seed)

    docs = [c.facts for c in cases] + [c.reasoning for c in cases if c.reasoning]
    vocab = ["[UNK]", *build_vocab(docs, cfg.min_df, cfg.max_vocab - 1)]
    index = {t: i for i, t in enumerate(vocab)}
    fact_ids = [_ids(c.facts, index) for c in cases]
    from indexing.tokenizer import get_tokenizer

    tok = get_tokenizer()
    text_ids = {
        "reasoning": [_ids(c.reasoning, index) for c in cases],
        "label": [_ids(tok.tokenize(_label_text(c)), index) for c in cases],
    }
    log(f"vocabulary {len(vocab):,} tokens (min_df {cfg.min_df}); ids in {time.perf_counter() - t0:.1f}s")

    t1 = time.perf_counter()
    lsa_docs = fact_ids + [r for r in text_ids["reasoning"] if len(r)]
    init = lsa_init(lsa_docs, len(vocab), cfg.dim, cfg.seed, cfg.svd_iter)
    init[0] = 0.0
    log(f"LSA initialisation ({cfg.dim} dims) in {time.perf_counter() - t1:.1f}s")
    if cfg.epochs <= 0:
        return vocab, init

    emb = nn.EmbeddingBag.from_pretrained(torch.from_numpy(init), freeze=False, mode="mean")
    opt = torch.optim.Adam(emb.parameters(), lr=cfg.lr)
    t2 = time.perf_counter()
    steps = 0
    for epoch in range(cfg.epochs):
        pairs = _pairs(cases, fact_ids, text_ids, cfg, rng)
        n_batches = len(pairs) // cfg.batch_size
        total = 0.0
        for b in range(n_batches):
            batch = pairs[b * cfg.batch_size : (b + 1) * cfg.batch_size]
            a = emb(*_bag([_crop(p[0], cfg.max_tokens, rng) for p in batch]))
            p = emb(*_bag([_crop(p[1], cfg.max_tokens, rng) for p in batch]))
            a = nn.functional.normalize(a, dim=-1)
            p = nn.functional.normalize(p, dim=-1)
            logits = cfg.scale * a @ p.T
            if cfg.mask_same_charge:
                # In-batch "negatives" with the anchor's own charge set are similar cases, not negatives.
                keys = [x[2] for x in batch]
                same = torch.tensor([[ki == kj for kj in keys] for ki in keys])
                same.fill_diagonal_(False)
                logits = logits.masked_fill(same, float("-inf"))
            target = torch.arange(len(batch))
            loss = nn.functional.cross_entropy(logits, target)
            opt.zero_grad()
            loss.backward()
            emb.weight.grad[0] = 0.0
            opt.step()
            total += float(loss.detach())
            steps += 1
        log(
            f"epoch {epoch + 1}/{cfg.epochs}: {n_batches} batches, mean loss {total / max(n_batches, 1):.4f}, "
            f"{time.perf_counter() - t2:.0f}s"
        )
    weights = emb.weight.detach().numpy().copy()
    weights[0] = 0.0
    return vocab, weights


# --- saving -----------------------------------------------------------------------------------------------------
def save_model(out: Path, vocab: list[str], weights: np.ndarray, meta: dict) -> None:
    """A normal sentence-transformers directory (StaticEmbedding + Normalize) plus ``leian.json``."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, StaticEmbedding
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import WhitespaceSplit

    from indexing.tokenizer import get_tokenizer

    hf_tok = Tokenizer(WordLevel({t: i for i, t in enumerate(vocab)}, unk_token="[UNK]"))
    hf_tok.pre_tokenizer = WhitespaceSplit()
    model = SentenceTransformer(modules=[StaticEmbedding(hf_tok, embedding_weights=weights), Normalize()])
    out.mkdir(parents=True, exist_ok=True)
    card = out / "README.md"
    kept_card = card.read_text(encoding="utf-8") if card.exists() else None
    model.save(str(out))
    if kept_card is not None:
        # The hand-written model card (scores, recipe) survives retraining; sentence-transformers writes a generic one.
        card.write_text(kept_card, encoding="utf-8")
    info = {
        "format": "leian-static/1",
        "input": "jieba-tokens",
        "tokenizer_version": get_tokenizer().version,
        "vocab_size": len(vocab),
        "dim": int(weights.shape[1]),
        **meta,
    }
    (out / "leian.json").write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# --- evaluation (LeCaRD development split; never used for training) ----------------------------------------------
def evaluate(model_dir: Path, data: Path, cache: Path | None = None, weights: Sequence[float] = (0.0,)) -> dict:
    """Dense-only pool re-ranking and BM25 + w·cosine fusion on the LeCaRD development split."""
    from evaluation.metrics import score_run
    from indexing.bm25 import BM25Index
    from indexing.encoder import Encoder

    lec = data / "lecard"
    queries = [json.loads(line) for line in (lec / "queries.jsonl").read_text(encoding="utf-8").splitlines() if line]
    qrels = {q: {d: int(g) for d, g in gr.items()} for q, gr in json.loads((lec / "qrels.json").read_text()).items()}
    pools = json.loads((lec / "pools.json").read_text())
    cases = load_cases(data, cache)
    facts = {c.id.split(":", 1)[1]: c.facts for c in cases if c.id.startswith("lecard:")}
    q_tokens = _tokenize_many([q["fact"] for q in queries])
    enc = Encoder.load(model_dir)
    ids = sorted(facts)
    t0 = time.perf_counter()
    doc_vecs = enc.encode_documents([""] * len(ids), tokens=[facts[i] for i in ids])
    t_enc = time.perf_counter() - t0
    row = {d: r for r, d in enumerate(ids)}
    q_vecs = enc.encode_queries([q["fact"] for q in queries], tokens=q_tokens)
    bm25 = BM25Index(None)
    bm25.add(ids, [facts[i] for i in ids])
    bm25.commit()
    results: dict = {"encode_seconds": t_enc, "encoded_docs": len(ids)}
    runs: dict[float, dict[str, list[str]]] = {w: {} for w in weights}
    dense_run: dict[str, list[str]] = {}
    bm25_run: dict[str, list[str]] = {}
    for qi, q in enumerate(queries):
        pool = [d for d in pools[q["id"]] if d in row]
        cos = doc_vecs[[row[d] for d in pool]] @ q_vecs[qi]
        dense = dict(zip(pool, cos.tolist(), strict=True))
        dense_run[q["id"]] = sorted(pool, key=lambda d: (-dense[d], d))
        hits = bm25.search(list(dict.fromkeys(q_tokens[qi])), len(pool), candidates=pool)
        lex = {h.id: h.score for h in hits}
        top = max(lex.values(), default=0.0) or 1.0
        bm25_run[q["id"]] = sorted(pool, key=lambda d: (-lex.get(d, 0.0), d))
        for w in weights:
            fused = {d: lex.get(d, 0.0) / top + w * dense[d] for d in pool}
            runs[w][q["id"]] = sorted(pool, key=lambda d: (-fused[d], d))
    results["dense"] = score_run(dense_run, qrels)
    results["bm25"] = score_run(bm25_run, qrels)
    results["fusion"] = {str(w): score_run(runs[w], qrels) for w in weights}
    return results


def _fmt(scores: dict[str, float]) -> str:
    return "  ".join(f"{k} {v:.4f}" for k, v in scores.items())


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: train, save, optionally evaluate."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=Path("models/leian-static-zh"))
    ap.add_argument("--data", type=Path, default=None, help="shared data folder (default: LEIAN_DATA / settings)")
    ap.add_argument("--cache", type=Path, default=None, help="cache tokenised training data here (e.g. .leian/cache)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--eval", action="store_true", help="score on the LeCaRD development split afterwards")
    ap.add_argument("--eval-only", action="store_true", help="only score the model already in --out")
    defaults = TrainConfig()
    for name in ("dim", "min_df", "max_vocab", "epochs", "batch_size", "max_tokens", "seed", "svd_iter"):
        ap.add_argument(f"--{name.replace('_', '-')}", type=int, default=getattr(defaults, name))
    for name in ("lr", "scale"):
        ap.add_argument(f"--{name}", type=float, default=getattr(defaults, name))
    ap.add_argument("--tasks", default=",".join(defaults.tasks))
    ap.add_argument("--no-mask", action="store_true", help="keep same-charge in-batch negatives")
    args = ap.parse_args(argv)
    data = args.data or _data_dir()
    torch.set_num_threads(max(1, args.workers))

    if not args.eval_only:
        cfg = TrainConfig(
            **{
                k: getattr(args, k)
                for k in (
                    "dim",
                    "min_df",
                    "max_vocab",
                    "epochs",
                    "batch_size",
                    "lr",
                    "scale",
                    "max_tokens",
                    "seed",
                    "svd_iter",
                )
            },
            mask_same_charge=not args.no_mask,
            tasks=tuple(t for t in args.tasks.split(",") if t),
        )
        t0 = time.perf_counter()
        cases = load_cases(data, args.cache, args.workers)
        t_tok = time.perf_counter() - t0
        print(f"{len(cases):,} training judgments tokenised in {t_tok:.1f}s")
        vocab, weights = train(cases, cfg)
        elapsed = time.perf_counter() - t0
        meta = {
            "training": {k: v for k, v in cfg.__dict__.items()},
            "training_seconds": round(elapsed, 1),
            "training_cases": len(cases),
        }
        save_model(args.out, vocab, weights, meta)
        size = sum(f.stat().st_size for f in args.out.rglob("*") if f.is_file())
        print(f"saved {args.out} ({size / 1e6:.1f} MB) — total {elapsed:.1f}s")
    if args.eval or args.eval_only:
        res = evaluate(args.out, data, args.cache, weights=(0.1, 0.2, 0.3, 0.5, 1.0))
        print(f"encoded {res['encoded_docs']} documents in {res['encode_seconds']:.2f}s")
        print("dense  " + _fmt(res["dense"]))
        print("bm25   " + _fmt(res["bm25"]))
        for w, s in res["fusion"].items():
            print(f"fuse w={w:<4} " + _fmt(s))


if __name__ == "__main__":
    main()

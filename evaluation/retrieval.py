"""The retrieval section of BENCHMARKS.md: cross-validated quality first, then what it is made of.

1. The headline: nested 7-fold cross-validation of the learned fusion (:mod:`evaluation.crossval`) on the LeCaRD
   development split, fact only and with the alleged charges, beside the in-sample figure and the spread over
   folds; the hard slice (several alleged charges, or relevant candidates mostly of other charges).
2. Reference points that fit nothing: each of Leian's channels alone, and the published runs.
3. Ablation under cross-validation: each component removed in turn.
4. The legal dictionary under cross-validation: jieba words with Leian's dictionary against jieba's own.
5. Charge inference accuracy and calibration (:mod:`evaluation.charges`).
6. Full-corpus recall with the fitted fusion.

The fusion fitted on all development queries (with the loan-element weight the civil triplets choose) is printed;
``write_ranker`` also records it as the ranker Leian ships and the development index's own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from multiprocessing import Pool
from pathlib import Path

import numpy as np

from evaluation.charges import charges_section
from evaluation.civil import lending_triplets
from evaluation.crossval import (
    EXCLUDED,
    METRICS,
    CrossValidation,
    Group,
    collect_groups,
    cross_validate,
    hard_queries,
    load_folds,
    spread,
)
from evaluation.lecard import PUBLISHED, lecard_runs, load_lecard
from evaluation.metrics import score_run
from evaluation.trec import read_run
from indexing.bm25 import BM25Index
from indexing.index import LeianIndex
from indexing.tokenizer import Tokenizer
from leian.settings import Settings, get_settings
from retrieval.fusion import COMPONENTS
from retrieval.ranker import DEFAULT_RANKER, Ranker
from retrieval.searcher import Searcher

__all__ = ["retrieval_section"]


def _row(name: str, scores: Mapping[str, float], extra: str = "") -> str:
    cells = " | ".join(f"{scores[m]:.4f}" for m in METRICS)
    return f"| {name} | {cells} |{extra}"


def _subset(run: Mapping[str, list[str]], qrels: Mapping, qids: set[str]) -> dict[str, float]:
    return score_run({q: run[q] for q in qids if q in run}, {q: qrels[q] for q in qids})


def _channel_run(groups: Mapping[str, Group], component: str) -> dict[str, list[str]]:
    col = COMPONENTS.index(component)
    return {
        q: [g.ids[n] for n in sorted(range(len(g.ids)), key=lambda n: (-g.values[n, col], g.ids[n]))]
        for q, g in groups.items()
    }


_PLAIN: Tokenizer | None = None


def _plain_tokens(text: str) -> list[str]:
    """jieba with its own dictionary only (Leian's stop words and filters), for the dictionary check."""
    global _PLAIN
    if _PLAIN is None:
        empty = Path(__file__).parent / "data" / "empty_dictionary.txt"
        _PLAIN = Tokenizer(dictionary=empty)
    return _PLAIN.tokenize(text)


def _without_dictionary(index: LeianIndex, groups: Mapping[str, Group], queries: Sequence[Mapping]) -> dict:
    """``groups`` with the word-BM25 column recomputed from jieba's own dictionary (same corpus, same BM25)."""
    docs = {d.id: d.facts for d in index.store.iter_documents()}
    ids = list(docs)
    with Pool(2) as pool:
        tokens = pool.map(_plain_tokens, [docs[i] for i in ids], chunksize=64)
        query_tokens = pool.map(_plain_tokens, [q["fact"] for q in queries], chunksize=8)
    bm25 = BM25Index()
    bm25.add(ids, tokens)
    bm25.commit()
    col = COMPONENTS.index("lexical")
    out = {}
    for q, terms in zip(queries, query_tokens, strict=True):
        g = groups[q["id"]]
        scores = {h.id: h.score for h in bm25.search(list(dict.fromkeys(terms)), len(g.ids), g.ids)}
        raw = np.array([scores.get(i, 0.0) for i in g.ids])
        values = g.values.copy()
        values[:, col] = raw / raw.max() if raw.max() > 0 else 0.0
        out[q["id"]] = Group(g.ids, values, g.grades)
    return out


def _cv_rows(name: str, cv: CrossValidation, qrels: Mapping) -> list[str]:
    cross, inside = score_run(cv.run, qrels), score_run(cv.in_sample, qrels)
    sd = f" {spread(cv.fold_scores, 'NDCG@10'):.3f} / {spread(cv.fold_scores, 'MAP'):.3f} |"
    gap = {m: inside[m] - cross[m] for m in METRICS}
    return [
        _row(f"**Leian, {name}, cross-validated**", cross, sd),
        _row(f"Leian, {name}, in-sample", inside, " |"),
        "| gap (in-sample − cross-validated) | " + " | ".join(f"{gap[m]:+.4f}" for m in METRICS) + " | |",
    ]


def retrieval_section(index: LeianIndex, settings: Settings | None = None, write_ranker: bool = False) -> str:
    """The Markdown retrieval section, computed from scratch on the development ``index``."""
    settings = settings or get_settings()
    queries, qrels, pools = load_lecard(settings)
    folds = load_folds()
    searcher = Searcher(index)
    groups = {given: collect_groups(searcher, queries, qrels, pools, given) for given in (False, True)}
    cv = {given: cross_validate(groups[given], qrels, folds) for given in (False, True)}
    elements = index.catalog.elements()
    hard = hard_queries(queries, qrels, lambda d: elements.get(d, {}).get("charges", ()))
    header = (
        f"| LeCaRD development split, {len(queries)} queries, pool re-ranking | "
        + " | ".join(METRICS)
        + " | fold sd (NDCG@10 / MAP) |"
    )
    lines = [header, "|---" * (len(METRICS) + 2) + "|"]
    lines += _cv_rows("fact only", cv[False], qrels)
    lines += _cv_rows("fact + alleged charges", cv[True], qrels)
    for given, name in ((False, "fact only"), (True, "with charges")):
        slice_name = f"hard slice ({len(hard)} queries), {name}, cross-validated"
        lines.append(_row(slice_name, _subset(cv[given].run, qrels, hard), " |"))
    lines += ["", "Reference points (nothing fitted):", "", header.replace(" fold sd (NDCG@10 / MAP) |", ""),
              "|---" * (len(METRICS) + 1) + "|"]  # fmt: skip
    for component, name in (("bigrams", "character-bigram BM25 over the facts (Leian's bigram channel alone)"),
                            ("lexical", "jieba-word BM25 (Leian's word channel alone)"),
                            ("dense", "dense (leian-static-zh) alone")):  # fmt: skip
        lines.append(_row(name, score_run(_channel_run(groups[False], component), qrels)))
    for file, name in PUBLISHED.items():
        path = settings.data / "lecard" / "runs" / file
        if path.exists():
            lines.append(_row(f"{name} (published run), fact only", score_run(read_run(path), qrels)))

    full = score_run(cv[False].run, qrels)
    lines += ["", "Ablation under cross-validation (fact only; each component removed in turn):", "",
              "| removed | NDCG@10 | NDCG@30 | MAP | Δ NDCG@10 | Δ MAP |", "|---|---|---|---|---|---|"]  # fmt: skip
    for component in COMPONENTS:
        if component in EXCLUDED:
            lines.append(f"| {component} | never weighted (recipe chosen on this split); supplies candidates | | | | |")
            continue
        if component == "lending":  # no LeCaRD case is a loan case: the civil section measures it
            continue
        s = score_run(cross_validate(groups[False], qrels, folds, drop=(component,)).run, qrels)
        lines.append(
            f"| {component} | {s['NDCG@10']:.4f} | {s['NDCG@30']:.4f} | {s['MAP']:.4f} |"
            f" {s['NDCG@10'] - full['NDCG@10']:+.4f} | {s['MAP'] - full['MAP']:+.4f} |"
        )

    plain = score_run(cross_validate(_without_dictionary(index, groups[False], queries), qrels, folds).run, qrels)
    lines += [
        "",
        "The legal dictionary under cross-validation (fact only, the word channel segmented with and without it):"
        f" with Leian's dictionary {full['NDCG@10']:.4f} / {full['NDCG@30']:.4f} / {full['MAP']:.4f}, with jieba's"
        f" own {plain['NDCG@10']:.4f} / {plain['NDCG@30']:.4f} / {plain['MAP']:.4f} (NDCG@10 / NDCG@30 / MAP).",
        "",
        "Charge inference from the facts alone (the distribution the fusion weighs charge evidence by):",
        "",
        charges_section(searcher, settings),
    ]

    ranker = Ranker(cv[False].ranker.weights, cv[True].ranker.weights, _ranker_info(cv, folds, qrels))
    # the loan-element weight is the one component LeCaRD (criminal) cannot teach: the civil triplets choose it
    civil = lending_triplets(settings, ranker)
    lending = {"triplets": civil.triplets, "cross_validated": round(civil.cross_validated, 4)}
    ranker = Ranker(
        {**ranker.weights, "lending": civil.weight},
        {**(ranker.given or {}), "lending": civil.weight},
        {**ranker.info, "lending": lending},
    )
    if write_ranker:
        ranker.save(Path(str(DEFAULT_RANKER)).parent)
        index.set_ranker(ranker)
    final = Searcher(index, ranker)
    recall = {
        given: score_run(lecard_runs(final, queries, None, with_charges=given)[0], qrels, recall_k=100)["R@100"]
        for given in (False, True)
    }
    lines += [
        "",
        f"Full-corpus retrieval over the {index.catalog.count():,} development documents (no pool), with the fusion"
        f" fitted on all queries: recall@100 of grade ≥ 2 labels **{recall[False]:.4f}** fact only,"
        f" **{recall[True]:.4f}** with the alleged charges.",
        f"Fusion fitted on all queries (inferred charges): `{dict(ranker.weights)}`; with given charges:"
        f" `{dict(ranker.given or {})}`. Penalties chosen per fold: {cv[False].penalties} (fact only),"
        f" {cv[True].penalties} (with charges).",
    ]
    return "\n".join(lines)


def _ranker_info(cv: Mapping[bool, CrossValidation], folds: Mapping[str, int], qrels: Mapping) -> dict:
    return {
        "trained_on": "LeCaRD development split (lecard/queries.jsonl, qrels.json, pools.json), pool re-ranking",
        "queries": len(cv[False].in_sample),
        "folds": len(set(folds.values())),
        "penalty": {"inferred": cv[False].ranker.info.get("penalty"), "given": cv[True].ranker.info.get("penalty")},
        "cross_validated": {
            name: {m: round(v, 4) for m, v in score_run(cv[given].run, qrels).items()}
            for name, given in (("inferred", False), ("given", True))
        },
    }

"""The extraction section of BENCHMARKS.md: statutes, charges, outcomes and parse throughput on real data.

Run ``python -m evaluation.extraction`` to print it.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Iterable
from pathlib import Path

from corpus.charges import charges_from_title
from corpus.elements import CRIMINAL_LAW, extract_outcomes, extract_statutes
from corpus.parse import judgment_charges, parse_record
from corpus.readers import ReadProblem, read_records
from corpus.sections import split_sections
from leian.settings import PROJECT_ROOT, get_settings

__all__ = ["article_scores", "charge_scores", "extraction_report", "outcome_accuracy", "parse_throughput", "prf"]

OUTCOME_FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "outcomes_verified.jsonl"
_OUTCOME_KEYS = ("penalty", "imprisonment_months", "life", "death", "probation_months", "fine_yuan")


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Micro precision, recall and F1 from counts (0.0 where undefined)."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def article_scores(data_dir: Path, limit: int | None = None) -> tuple[float, float, float, int]:
    """Criminal Law article extraction from JuDGE full documents (``fd``) against the gold ``la`` labels."""
    tp = fp = fn = n = 0
    with (data_dir / "judge" / "data" / "test.json").open(encoding="utf-8") as fh:
        for line in fh:
            if limit is not None and n >= limit:
                break
            doc = json.loads(line)
            got = {s.article for s in extract_statutes(doc["fd"]) if s.law == CRIMINAL_LAW}
            gold = set(doc["la"])
            tp += len(got & gold)
            fp += len(got - gold)
            fn += len(gold - got)
            n += 1
    return (*prf(tp, fp, fn), n)


def _lecard(data_dir: Path) -> Iterable[dict]:
    with gzip.open(data_dir / "lecard" / "candidates.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def charge_scores(data_dir: Path, limit: int | None = None) -> tuple[float, float, float, int]:
    """Charges extracted from a LeCaRD document's body against the charges named in its case name (ajName)."""
    tp = fp = fn = n = 0
    for doc in _lecard(data_dir):
        if limit is not None and n >= limit:
            break
        gold = set(charges_from_title(doc.get("ajName") or doc.get("writName") or ""))
        if not gold:
            continue
        text = doc.get("qw") or ""
        sections = split_sections(text)
        for key, field in (("reasoning", "cpfxgc"), ("result", "pjjg")):
            if (doc.get(field) or "").strip():
                sections[key] = doc[field]
        got = set(judgment_charges(sections, text))
        tp += len(got & gold)
        fp += len(got - gold)
        fn += len(gold - got)
        n += 1
    return (*prf(tp, fp, fn), n)


def outcome_accuracy(data_dir: Path, fixture: Path = OUTCOME_FIXTURE) -> tuple[float, float, int, int]:
    """Exact-match accuracy of every outcome field, per defendant and per document, on the hand-verified fixture."""
    gold = {}
    with fixture.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            gold[row["id"]] = row["outcomes"]
    docs = defendants = doc_ok = def_ok = 0
    for doc in _lecard(data_dir):
        if doc["id"] not in gold:
            continue
        result = doc.get("pjjg") or split_sections(doc.get("qw") or "").get("result", "")
        got = [o.to_dict() for o in extract_outcomes(result)]
        want = gold[doc["id"]]
        all_ok = len(got) == len(want)
        for i, w in enumerate(want):
            g = got[i] if i < len(got) else None
            ok = g is not None and all(g[k] == w[k] for k in (*_OUTCOME_KEYS, "defendant"))
            def_ok += ok
            all_ok = all_ok and ok
            defendants += 1
        doc_ok += all_ok
        docs += 1
    return (doc_ok / docs if docs else 0.0, def_ok / defendants if defendants else 0.0, docs, defendants)


def parse_throughput(data_dir: Path) -> tuple[int, float]:
    """Documents and seconds to read and parse LeCaRD candidates plus CAIL2018 train on one core."""
    paths = [data_dir / "lecard" / "candidates.jsonl.gz", data_dir / "cail2018" / "data_train.json"]
    start = time.perf_counter()
    n = 0
    for item in read_records(paths):
        if isinstance(item, ReadProblem):
            continue
        parse_record(item)
        n += 1
    return n, time.perf_counter() - start


def extraction_report(data_dir: Path) -> str:
    """The Markdown section of BENCHMARKS.md on information extraction."""
    ap, ar, af, an = article_scores(data_dir)
    cp, cr, cf, cn = charge_scores(data_dir)
    doc_acc, def_acc, od, odef = outcome_accuracy(data_dir)
    n, secs = parse_throughput(data_dir)
    return "\n".join(
        [
            "## Extraction",
            "",
            "| task | data | P | R | F1 / accuracy |",
            "|---|---|---|---|---|",
            f"| Criminal Law articles (micro) | JuDGE test, {an} full documents, gold `la` "
            f"| {ap:.4f} | {ar:.4f} | {af:.4f} |",
            f"| charges from the body (micro) | LeCaRD, {cn} documents, charges named in `ajName` "
            f"| {cp:.4f} | {cr:.4f} | {cf:.4f} |",
            f"| outcomes, all fields exact | `tests/fixtures/outcomes_verified.jsonl`: {od} documents, "
            f"{odef} defendants | – | – | {doc_acc:.3f} per document, {def_acc:.3f} per defendant |",
            "",
            f"Parse throughput: {n:,} documents (LeCaRD candidates + CAIL2018 train) read and parsed in {secs:.1f} s "
            f"on one core = **{n / secs:,.0f} docs/s**.",
            "",
            "Notes: articles are extracted from the whole document (the statute appendix repeats the cited ones); "
            "1979-code citations are kept under their own law name. Charges are compared after normalising partial "
            "forms of selective charges (贩卖毒品 → 走私、贩卖、运输、制造毒品) on both sides. The outcome fixture was "
            "read by hand and is not held out: the extractor was fixed on two of its documents (决定合并执行; a quoted "
            "first-instance sentence in a 二审 result).",
            "",
        ]
    )


if __name__ == "__main__":
    print(extraction_report(get_settings().data))

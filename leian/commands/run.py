"""``leian run --index DIR --queries Q.jsonl [--pools POOLS.json] --k 100 --out RUN.trec``: batch search."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tqdm import tqdm

from evaluation.trec import write_run
from indexing.hits import Hit
from leian.commands._index_args import add_index_arguments, open_index
from leian.errors import InputError
from retrieval.searcher import Query, Searcher

__all__ = ["add_arguments", "load_queries", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the command's arguments."""
    add_index_arguments(parser)
    parser.add_argument("--queries", required=True, metavar="Q.jsonl", help='lines of {"id", "fact"[, "charges"]}')
    parser.add_argument("--pools", metavar="POOLS.json", help='{"query_id": [doc_id, …]}: rank only each pool')
    parser.add_argument("--k", type=int, default=100)
    parser.add_argument("--out", required=True, metavar="RUN.trec")
    parser.add_argument("--tag", default="leian", help="run tag in the last column")
    parser.add_argument("--no-charges", action="store_true", help="ignore the queries' charges (fact-only setting)")


def load_queries(path: str | Path, pools: dict[str, list[str]] | None, use_charges: bool = True) -> list[Query]:
    """Queries from JSON lines; a malformed line is an error naming the line."""
    queries = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                qid, text = str(row["id"]), row.get("fact") or row.get("text") or ""
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(f"{path}:{n}: 不是有效的查询 not a query line ({exc})") from exc
            charges = tuple(row.get("charges") or ()) if use_charges else ()
            pool = frozenset(map(str, pools[qid])) if pools is not None and qid in pools else None
            if pools is not None and pool is None:
                print(f"{path}:{n}: query {qid} has no pool; searching the whole index", file=sys.stderr)
            queries.append(Query(text=text, charges=charges, candidates=pool, id=qid))
    return queries


def run(args: argparse.Namespace) -> int:
    """Search every query and write the TREC run."""
    pools = None
    if args.pools:
        try:
            pools = {str(k): v for k, v in json.loads(Path(args.pools).read_text(encoding="utf-8")).items()}
        except (OSError, ValueError) as exc:
            raise InputError(f"{args.pools}: 不是有效的候选池 not a pools JSON object ({exc})") from exc
    queries = load_queries(args.queries, pools, use_charges=not args.no_charges)
    index = open_index(args)
    searcher = Searcher(index)
    results: list[tuple[str, list[Hit]]] = []
    for q in tqdm(queries, desc="run", unit="query", disable=not sys.stderr.isatty(), file=sys.stderr):
        if not q.text.strip():
            print(f"query {q.id} is empty; skipped", file=sys.stderr)
            continue
        r = searcher.search(q, k=args.k, explain=False)
        results.append((q.id, [Hit(h.id, h.score) for h in r.hits]))
    index.close()
    write_run(args.out, results, args.tag)
    print(f"{len(results)} queries → {args.out}", file=sys.stderr)
    return 0

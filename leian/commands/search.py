"""``leian search --index DIR --k 10 [--json] "facts…"``: similar cases for a fact description or draft."""

from __future__ import annotations

import argparse
import json
import sys

from indexing.backends import SearchFilters
from leian.commands._index_args import add_index_arguments, open_index
from leian.errors import InputError
from retrieval.searcher import Query, Searcher, SearchResult

__all__ = ["add_arguments", "filters_from_args", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the command's arguments."""
    add_index_arguments(parser)
    parser.add_argument("text", nargs="?", help="facts of the pending case (or - / nothing to read standard input)")
    parser.add_argument("--k", type=int, default=10, help="how many cases (default 10)")
    parser.add_argument("--json", action="store_true", help="print JSON hits with explanations")
    parser.add_argument("--charges", nargs="*", default=[], metavar="罪名", help="alleged charges or cause of action")
    parser.add_argument("--court", nargs="*", default=[], help="only these courts")
    parser.add_argument("--court-level", nargs="*", default=[], choices=("基层", "中级", "高级", "最高"))
    parser.add_argument("--province", nargs="*", default=[], help="only these provinces, e.g. 浙江省")
    parser.add_argument("--authority", nargs="*", default=[], help="spc_guiding / spc_gazette / spp_guiding / judgment")
    parser.add_argument("--doc-type", nargs="*", default=[], help="e.g. 刑事判决书")
    parser.add_argument("--trial-level", nargs="*", default=[], help="一审 / 二审 / 再审")
    parser.add_argument("--date-from", default="", metavar="YYYY-MM-DD")
    parser.add_argument("--date-to", default="", metavar="YYYY-MM-DD")


def filters_from_args(args: argparse.Namespace) -> SearchFilters:
    """The filters the options ask for."""
    return SearchFilters(
        courts=tuple(args.court),
        court_levels=tuple(args.court_level),
        provinces=tuple(args.province),
        authorities=tuple(args.authority),
        doc_types=tuple(args.doc_type),
        trial_levels=tuple(args.trial_level),
        date_from=args.date_from,
        date_to=args.date_to,
    )


def _print_readable(result: SearchResult) -> None:
    a = result.analysis
    charges = "、".join(f"{c}({p:.2f})" for c, p in list(a.charges.items())[:3]) or "未识别"
    source = {"given": "输入", "draft": "文书载明", "inferred": "推断", "none": ""}[a.charges_source]
    print(f"罪名/案由（{source}）：{charges}；用时 {result.took_ms:.0f} ms")
    for rule in a.charge_rules:
        print(f"法律区分：{rule['reason']}（{rule['source']}）")
    for note in a.notes:
        print(f"注意：{note}")
    if not result.hits:
        print("没有找到类似案例 no similar case found")
    for h in result.hits:
        print(f"\n{h.rank}. {h.title or h.id}  [{h.id}]  相似度 {h.score:.3f}")
        print(f"   {h.court} {h.court_level} {h.date} {h.case_number}")
        if h.explanation:
            e = h.explanation
            print(f"   理由：{e['summary']}")
            passage = e["basic_facts"]["passage"]
            for t in e["basic_facts"]["highlights"]:
                passage = passage.replace(t, f"【{t}】")
            if passage:
                print(f"   事实：{passage}")
            if e["legal_application"]["holding"]:
                print(f"   裁判要点：{e['legal_application']['holding'][:120]}")


def run(args: argparse.Namespace) -> int:
    """Search and print."""
    text = args.text if args.text not in (None, "-") else sys.stdin.read()
    if not text or not text.strip():
        raise InputError("检索内容为空 the query is empty: give the facts as an argument or on standard input")
    index = open_index(args)
    try:
        result = Searcher(index).search(Query(text, tuple(args.charges), filters_from_args(args)), k=args.k)
    finally:
        index.close()
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_readable(result)
    return 0

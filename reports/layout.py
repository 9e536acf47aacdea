"""The report's content as a flat list of blocks (headings, paragraphs, tables), shared by the Word and Markdown
renderers so both show the same thing. Works on the report's JSON form, so a filed JSON report can be re-rendered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reports.compare import describe_outcome
from reports.model import NOT_PERFORMED, SECTIONS

__all__ = ["Block", "blocks"]


@dataclass(frozen=True)
class Block:
    """``kind`` is heading (``level`` 0–3), paragraph or table (``header`` + ``rows``)."""

    kind: str
    text: str = ""
    level: int = 1
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = field(default=())


def _h(text: str, level: int = 2) -> Block:
    return Block("heading", text, level)


def _p(text: str) -> Block:
    return Block("paragraph", text)


def _t(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> Block:
    return Block("table", header=header, rows=tuple(tuple(_s(c) for c in r) for r in rows))


def _s(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, (list, tuple)):
        return "、".join(_s(v) for v in value) or "—"
    return str(value)


def _skipped(section: Any) -> list[Block] | None:
    if isinstance(section, dict) and section.get("status") == NOT_PERFORMED:
        return [_p(f"{NOT_PERFORMED}：{section['reason']}")]
    return None


def _kv(pairs: list[tuple[str, Any]]) -> Block:
    return _t(("项目", "内容"), pairs)


def _header(r: dict[str, Any]) -> list[Block]:
    h = r["header"]
    x = h["hierarchy"]
    return [
        _kv(
            [
                ("审理法院", h["court"]),
                ("法院层级", h["court_level"]),
                ("案号", h["case_number"]),
                ("案由/罪名", h["cause"]),
                ("审理程序", h["procedure"]),
                ("承办法官/合议庭", h["panel"]),
                ("检索目的", h["purpose"]),
                ("所在省份", x["province"]),
                ("本省高级人民法院", x["high_court"]),
                ("上一级人民法院", f"{x['higher_court']}（依据：{x['higher_court_basis']}）"),
            ]
        )
    ]


def _triggers(r: dict[str, Any]) -> list[Block]:
    t = r["triggers"]
    rows = [(i["code"], i["name"], i["basis"], i["status"], i["evidence"]) for i in t["items"]]
    active = "、".join(t["active"]) or "无（未提出法定应当检索情形）"
    return [_p(f"适用的检索情形：{active}"), _t(("代码", "情形", "依据", "状态", "说明"), rows), _p(t["note"])]


def _pending(r: dict[str, Any]) -> list[Block]:
    p = r["pending_case"]
    out = [
        _p(f"基本事实（摘录，已隐名）：{p['facts_excerpt']}"),
        _p(f"事实发生时间：{p['facts_date']}（{p['facts_date_basis']}）"),
    ]
    out += [_p(f"适用法律提示：{note}") for note in p["applicable_law"]]
    charges = "、".join(f"{c}（{v:g}）" for c, v in p["charges"].items()) or "未确定"
    out.append(
        _p(f"检索所用罪名/案由（置信度）：{charges}；援引法条：{_s(p['articles'])}；量刑情节：{_s(p['circumstances'])}")
    )
    if p.get("lending"):
        out.append(_p("借贷要素（系统提取，待承办法官核对）：" + "；".join(p["lending"])))
    draft = p["draft_outcome"]
    if draft.get("status") == NOT_PERFORMED:
        out.append(_p(f"拟判结果：{NOT_PERFORMED}：{draft['reason']}"))
    else:
        out.append(_p(f"拟判结果：{draft['text'] or '—'}（刑罚：{draft['outcome']}；罪名：{_s(draft['charges'])}）"))
    return out


def _focus(r: dict[str, Any]) -> list[Block]:
    f = r["dispute_focus"]
    return [_p(f"来源：{f['source']}"), *(_p(f"{n}. {item}") for n, item in enumerate(f["items"], start=1))]


def _subject(r: dict[str, Any]) -> list[Block]:
    s = r["search_subject"]
    return [
        _p(f"检索人：{s['searcher']}"),
        _p(f"承办法官/合议庭：{s['panel']}"),
        _p(f"检索工具：{s['system']}"),
        _p(f"承办法官已作出决定的案例：{s['judge_decisions']}件"),
    ]


def _time(r: dict[str, Any]) -> list[Block]:
    w = r["search_method"]["time_window"]
    return [
        _p(f"检索时间：{r['search_time']}"),
        _p(f"近三年检索区间（按裁判日期）：{w['recent_from']} 至 {w['recent_to']}；{w['basis']}"),
    ]


def _platform(r: dict[str, Any]) -> list[Block]:
    p = r["search_platform"]
    categories = "；".join(f"{k}{v}件" for k, v in p["by_category"].items())
    return [
        _kv(
            [
                ("平台", f"{p['name']} {p['version']}"),
                ("索引", p["index"]),
                ("收录文书", f"{p['documents']}件（{categories}）"),
                ("语料校验值", p["corpus_checksum"]),
                ("分词器", p["tokenizer"]),
                ("向量模型", p["model"]),
                ("后端", p["backend"]),
            ]
        ),
        _p(p["coverage_note"]),
    ]


def _method(r: dict[str, Any]) -> list[Block]:
    m = r["search_method"]
    q = m["query"]
    rounds = [
        (
            x["id"],
            x["label"],
            "；".join(f"{k}={_s(v)}" for k, v in x["filters"].items()),
            x["time_range"],
            x["in_scope"],
            x["returned"],
            x["note"],
        )
        for x in m["rounds"]
    ]
    return [
        _t(("检索方法", "是否使用", "说明"), [(x["name"], x["used"], x["how"]) for x in m["methods"]]),
        _p(
            f"检索内容：{q['source']}，共{q['chars']}字，SHA-256 {q['text_sha256']}；罪名/案由：{_s(q['charges'])}"
            f"（{q['charges_source']}）"
        ),
        _p(
            f"{m['effective_basis']}；每轮返回{m['parameters']['returned_per_round']}件，"
            f"阅读比对前{m['parameters']['read_per_round']}件，累计确认{m['parameters']['stop_after_similar']}件类案后终止"
        ),
        _t(("轮次", "检索范围", "筛选条件", "时间范围", "范围内文书", "返回", "备注"), rounds),
        _p("可复现的检索命令："),
        *(_p(f"[{x['id']}] {x['command']}") for x in m["rounds"]),
    ]


def _results(r: dict[str, Any]) -> list[Block]:
    rows = []
    stop = ""
    for t in r["search_results"]:
        status = "已检索" if t["performed"] else f"{NOT_PERFORMED}：{t['reason']}"
        if t["stopped_here"]:
            stop = f"检索终止于第{t['tier']}层级（{t['name']}）"
            status += "（检索终止点）"
        elif t["performed"] and t["zero_hits"]:
            status += "（零结果）"
        rows.append(
            (
                t["tier"],
                t["name"],
                t["scope"],
                t["effect"],
                status,
                t["returned"],
                t["read"],
                t["accepted"],
                t["excluded"],
            )
        )
    header = ("层级", "名称", "检索范围", "效力", "检索情况", "返回", "阅读", "采纳", "排除")
    return [_t(header, rows), _p(stop or f"{NOT_PERFORMED}：未执行任何层级的检索")]


def _authoritative(r: dict[str, Any]) -> list[Block]:
    a = r["authoritative_cases"]
    out = [_p(a["statement"])]
    for item in a["items"]:
        out.append(_h(f"{item['case_number'] or item['id']} {item['title']}", 3))
        out.append(
            _p(
                f"类别：{item['category']}；效力：{item['effect']}；是否类案：{_s(item['similar'])}（{item['decision_reason']}）"
            )
        )
        out.append(_p(f"裁判要点：{item['holding'] or '—'}"))
        c = item["art9"]
        if c.get("status") == NOT_PERFORMED:
            out.append(_p(f"第九条例外核查：{NOT_PERFORMED}：{c['reason']}"))
            continue
        out.append(_p(f"与新的法律、司法解释是否冲突：{c['newer_law']}；{_s(c['newer_law_details'])}"))
        out.append(_p(f"是否被新的指导性案例取代：{c['newer_guiding']}；{_s(c['newer_guiding_details'])}"))
        out.append(_p(f"核查结论：{c['conclusion']}"))
    return out


def _case_list(r: dict[str, Any]) -> list[Block]:
    if not r["case_list"]:
        return [_p("未确认类案")]
    rows = [
        (
            n,
            c["case_number"] or c["id"],
            c["court"],
            c["court_level"],
            c["date"],
            c["category"],
            c["effective"],
            c["tier"],
            c["usage"],
        )
        for n, c in enumerate(r["case_list"], start=1)
    ]
    return [_t(("序号", "案号", "审理法院", "法院层级", "裁判日期", "类别", "生效状态", "检索层级", "运用"), rows)]


def _case_detail(n: int, c: dict[str, Any]) -> list[Block]:
    cmp = c["comparison"]
    f, d, law = cmp["basic_facts"], cmp["dispute_focus"], cmp["legal_application"]
    return [
        _h(f"（{n}）{c['title'] or c['id']}　{c['case_number']}", 3),
        _p(
            f"{c['court']}（{c['court_level'] or '层级不详'}）｜{c['date'] or '日期不详'}｜"
            f"{c['category']}｜{c['effective']}"
        ),
        _p(f"裁判要点：{c['holding'] or '—'}（来源：{c['holding_source']}）"),
        _p(
            f"基本事实：{f['assessment']}；共有关键事实：{_s(f['shared_terms'])}；共同量刑情节：{_s(f['shared_circumstances'])}；"
            f"仅待决案件有：{_s(f['circumstances_only_pending'])}；仅该案有：{_s(f['circumstances_only_case'])}；"
            f"金额（待决/该案）：{_s(f['amounts']['pending'])}/{_s(f['amounts']['case'])}元"
        ),
        *([_p("借贷要素比对：" + "；".join(f["lending"]))] if f.get("lending") else []),
        _p(f"事实片段：{f['passage'] or '—'}"),
        _p(f"争议焦点：{d['assessment']}；对应论述：{d['case_passage'] or '—'}"),
        _p(
            f"法律适用：{law['assessment']}；待决案件：{_s(law['pending_charges'])}；该案：{_s(law['case_charges'])}；"
            f"共同援引刑法条文：{_s(law['shared_articles'])}"
        ),
        _p(f"决定性差异：{_s(cmp['decisive_differences']) if cmp['decisive_differences'] else '未发现'}"),
        _p(f"裁判结果：{describe_outcome(c['outcome']) or '未载明或非刑事案件'}"),
        _p(
            f"是否类案：{'是' if c['decision']['accept'] else '否'}（{c['decision']['by']}）：{c['decision']['reason']}"
        ),
    ]


def _similar(r: dict[str, Any]) -> list[Block]:
    if not r["similar_cases"]:
        return [_p(f"{NOT_PERFORMED}：未确认类案，无类案裁判要点可列")]
    return [b for n, c in enumerate(r["similar_cases"], start=1) for b in _case_detail(n, c)]


def _views(r: dict[str, Any]) -> list[Block]:
    v = r["views"]
    rows = []
    for g in v["groups"]:
        s = g["sentences"]
        sentence = f"{s['min']}—{s['max']}个月，中位数{s['median']:g}个月（{s['sample']}件）" if s["sample"] else "—"
        rows.append((g["view"], g["share"], sentence, g["cases"]))
    return [_p(v["statement"]), _t(("观点", "件数", "刑期（有期徒刑等）", "案例"), rows)]


def _divergence(r: dict[str, Any]) -> list[Block]:
    d = r["divergence"]
    rows = [
        (w["case_number"] or w["id"], w["court"], w["court_level"], w["date"], w["committee_discussed"], w["view"])
        for w in d["weighing"]
    ]
    return [
        _p(d["analysis"]),
        _t(("案号", "法院", "层级", "裁判日期", "审委会讨论", "观点"), rows),
        _p(f"处理路径：{d['route']}"),
    ]


def _usage(r: dict[str, Any]) -> list[Block]:
    u = r["result_usage"]
    rows = [(i["case_number"] or i["id"], i["usage"], i["reason"], i["by"]) for i in u["items"]]
    return [_p(f"结论：{u['summary']}"), _t(("案例", "参照/参考", "理由", "决定主体"), rows)]


def _next(r: dict[str, Any]) -> list[Block]:
    return [_p(f"{n}. {s}") for n, s in enumerate(r["next_step"]["steps"], start=1)]


def _excluded(r: dict[str, Any]) -> list[Block]:
    if not r["excluded_cases"]:
        return [_p("无排除案例（阅读的案例均已确认为类案）")]
    rows = [
        (c["case_number"] or c["id"], c["court"], c["court_level"], c["decision"]["reason"], c["decision"]["by"])
        for c in r["excluded_cases"]
    ]
    return [_t(("案例", "法院", "层级", "排除理由", "决定主体"), rows)]


def _signature(r: dict[str, Any]) -> list[Block]:
    s = r["signature"]
    scope = s.get("hash_scope", {})
    out = [
        _p(f"检索人：{s['searcher']}　　审核人：{s['reviewer']}　　日期：{s['date']}"),
        _p(f"归档号：{s['archive_number']}；{s['filing']}"),
        _p(f"内容哈希：{r.get('content_hash', '（未封存）')}"),
    ]
    if scope:
        out.append(
            _p(
                f"哈希范围：{scope['algorithm']}，{scope['canonical_form']}；不计入：{_s(scope['excluded_fields'])}"
                f"（{scope['why_excluded']}）"
            )
        )
    out += [_p(f"备注：{n}") for n in r.get("notes", [])]
    return out


_SECTION_BLOCKS: dict[str, Callable[[dict[str, Any]], list[Block]]] = {
    "header": _header,
    "triggers": _triggers,
    "pending_case": _pending,
    "dispute_focus": _focus,
    "search_subject": _subject,
    "search_time": _time,
    "search_platform": _platform,
    "search_method": _method,
    "search_results": _results,
    "authoritative_cases": _authoritative,
    "case_list": _case_list,
    "similar_cases": _similar,
    "views": _views,
    "divergence": _divergence,
    "result_usage": _usage,
    "next_step": _next,
    "excluded_cases": _excluded,
    "signature": _signature,
}


def blocks(report: dict[str, Any]) -> list[Block]:
    """Every section of :data:`SECTIONS` as blocks, under its heading, in order."""
    h = report["header"]
    out = [_h("类案检索报告", 0), _p(f"{h['court']}　{h['case_number']}　归档号：{report['archive_number']}")]
    for key, heading in SECTIONS:
        out.append(_h(heading, 1))
        out += _skipped(report[key]) or _SECTION_BLOCKS[key](report)
    return out

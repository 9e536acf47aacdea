"""Export a consistency report as HTML (self-contained, charts inline) and as a Word document (随案归档)."""

from __future__ import annotations

import base64
import html
from pathlib import Path

from docx import Document
from docx.shared import Cm

from consistency.charts import render_charts
from consistency.report import ConsistencyReport

__all__ = ["export_report", "report_tables"]

_CHARTS = (("distribution", "刑期分布"), ("circumstances", "量刑情节的影响"), ("spread", "地区与法院层级差异"))
_DISCLAIMER = "本报告供专业法官会议、审判委员会及审判管理参考，不构成对任何法官的评价或排名。"


def report_tables(report: ConsistencyReport) -> list[tuple[str, list[str], list[list[str]]]]:
    """The report's tables as (title, header, rows), shared by both formats."""
    kinds = {"term": "有期徒刑/拘役/管制", "life": "无期徒刑", "death": "死刑"}
    q = report.quantiles
    overview = [
        ["案件数", str(report.cases)],
        ["刑种", "；".join(f"{kinds.get(k, k)} {n}件" for k, n in report.kinds.items())],
        ["刑期（月）", f"中位数 {q['median']}，四分位 {q['p25']}–{q['p75']}" if q else "—"],
        ["缓刑比例", f"{report.probation_share:.0%}"],
    ]
    effects = [
        [e["circumstance"], str(e["with_cases"]), str(e["without_cases"]), str(e["strata"]),
         f"{e['effect_percent']:+g}%", f"{e['interval_percent'][0]:+g}% ～ {e['interval_percent'][1]:+g}%"]
        for e in report.circumstance_effects
    ]  # fmt: skip
    spread = [
        [g["province"], g["court_level"], str(g["cases"]), *(
            [f"{g['median']:g}", f"{g['p25']:g}–{g['p75']:g}"] if "median" in g else ["样本不足", "—"])]
        for g in report.spread
    ]  # fmt: skip
    clusters = [[c["holding"], c["role"], str(c["cases"]), f"{c['share']:.0%}", c["example"]] for c in report.holdings]
    charges = [
        [c["holding"], c["role"], str(c["cases"]), f"{c['share']:.0%}", c["example"]] for c in report.charge_holdings
    ]
    return [
        ("概况", ["项目", "内容"], overview),
        (
            "量刑情节的影响（同档次、同金额量级案件之间比较）",
            ["情节", "有（件）", "无（件）", "分层数", "刑期变化", "90%区间"],
            effects,
        ),
        ("地区与法院层级差异（月）", ["地区", "层级", "件数", "中位数", "四分位区间"], spread),
        ("裁判结果分歧（多数/少数）", ["量刑档次", "观点", "件数", "占比", "示例案件"], clusters),
        ("定性分歧（罪名认定）", ["罪名", "观点", "件数", "占比", "示例案件"], charges),
    ]


def _html(report: ConsistencyReport, charts: dict[str, Path]) -> str:
    e = html.escape
    head = f"<!doctype html><html lang='zh-CN'><meta charset='utf-8'><title>{e(report.subject)} 类案一致性报告</title>"
    parts = [head,
             "<style>body{font-family:sans-serif;max-width:960px;margin:auto}table{border-collapse:collapse}"
             "td,th{border:1px solid #999;padding:2px 6px}</style>",
             f"<h1>{e(report.subject)}：类案裁判一致性报告</h1><p>{_DISCLAIMER}</p>"]  # fmt: skip
    parts += [f"<p><strong>注意：</strong>{e(n)}</p>" for n in report.notes]
    for title, header, rows in report_tables(report):
        parts.append(f"<h2>{e(title)}</h2><table><tr>{''.join(f'<th>{e(h)}</th>' for h in header)}</tr>")
        parts += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows]
        parts.append("</table>")
    for name, title in _CHARTS:
        data = base64.b64encode(charts[name].read_bytes()).decode()
        parts.append(f"<h2>{e(title)}</h2><img alt='{e(title)}' src='data:image/png;base64,{data}'>")
    parts.append("</html>")
    return "\n".join(parts)


def _docx(report: ConsistencyReport, charts: dict[str, Path], path: Path) -> None:
    doc = Document()
    doc.add_heading(f"{report.subject}：类案裁判一致性报告", level=0)
    doc.add_paragraph(_DISCLAIMER)
    for note in report.notes:
        doc.add_paragraph(f"注意：{note}")
    for title, header, rows in report_tables(report):
        doc.add_heading(title, level=1)
        table = doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = text
        for row in rows:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = text
    for name, title in _CHARTS:
        doc.add_heading(title, level=1)
        doc.add_picture(str(charts[name]), width=Cm(15))
    doc.save(str(path))


def export_report(report: ConsistencyReport, directory: Path) -> dict[str, Path]:
    """Write ``report.html``, ``report.docx`` and the PNG/SVG charts into ``directory``; returns what was written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = render_charts(report, directory / "charts")
    charts = {p.stem: p for p in written if p.suffix == ".png"}
    html_path, docx_path = directory / "report.html", directory / "report.docx"
    html_path.write_text(_html(report, charts), encoding="utf-8")
    _docx(report, charts, docx_path)
    return {"html": html_path, "docx": docx_path, **{f"{p.stem}.{p.suffix[1:]}": p for p in written}}

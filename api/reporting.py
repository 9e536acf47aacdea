"""The similar-case search report over HTTP: the candidates a judge decides on, and the report as a file.

Both work on the sealed JSON form :func:`reports.builder.build_report` + :func:`reports.hashing.seal` produce; the
Word and Markdown files come from the same renderers as ``leian report``.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from reports.render_docx import render_docx
from reports.render_markdown import render_markdown

__all__ = ["FORMATS", "MEDIA_TYPES", "ReportFile", "ReportFormat", "candidates", "report_file"]

ReportFormat = Literal["docx", "json", "md"]
FORMATS: tuple[ReportFormat, ...] = ("docx", "json", "md")
MEDIA_TYPES: dict[str, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class ReportFile:
    """A rendered report: its bytes, media type and the ``Content-Disposition`` header that names it."""

    content: bytes
    media_type: str
    disposition: str


def candidates(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Every case the report read (accepted and excluded), in search order, as rows to accept or reject."""
    read = [*report["similar_cases"], *report["excluded_cases"]]
    read.sort(key=lambda c: (c["tier"], c["round"], c["rank"]))
    return [
        {
            "id": c["id"],
            "tier": c["tier"],
            "rank": c["rank"],
            "score": c["score"],
            "title": c["title"],
            "case_number": c["case_number"],
            "court": c["court"],
            "court_level": c["court_level"],
            "date": c["date"],
            "category": c["category"],
            "charges": c["charges"],
            "holding": c["holding"],
            "basic_facts": c["comparison"]["basic_facts"]["assessment"],
            "legal_application": c["comparison"]["legal_application"]["assessment"],
            "decisive_differences": c["comparison"]["decisive_differences"],
            "decision": c["decision"],
            "usage": c["usage"],
        }
        for c in read
    ]


def report_file(report: dict[str, Any], fmt: ReportFormat) -> ReportFile:
    """The sealed ``report`` as a .docx, .json or .md file named after its case (ASCII name plus UTF-8 name)."""
    if fmt == "docx":
        with tempfile.TemporaryDirectory(prefix="leian-report-") as directory:
            path = Path(directory) / "report.docx"
            render_docx(report, path)
            content = path.read_bytes()
    elif fmt == "md":
        content = render_markdown(report).encode("utf-8")
    else:
        content = (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    case = str(report.get("case_id", ""))
    ascii_name = f"leian-report-{_UNSAFE.sub('_', case).strip('_')[:60] or 'case'}.{fmt}"
    utf8_name = quote(f"类案检索报告-{case[:60]}.{fmt}", safe="")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{utf8_name}"
    return ReportFile(content, MEDIA_TYPES[fmt], disposition)

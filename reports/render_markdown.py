"""The report as Markdown (for review in a browser or a merge request; courts file the Word version)."""

from __future__ import annotations

from typing import Any

from reports.layout import Block, blocks

__all__ = ["render_markdown"]


def _cell(text: str) -> str:
    return text.replace("|", "｜").replace("\n", " ")


def _block(b: Block) -> str:
    if b.kind == "heading":
        return "#" * (b.level + 1) + " " + b.text
    if b.kind == "table":
        lines = ["| " + " | ".join(_cell(h) for h in b.header) + " |", "|" + "---|" * len(b.header)]
        lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in b.rows]
        return "\n".join(lines)
    return b.text


def render_markdown(report: dict[str, Any]) -> str:
    """Markdown text of a report in its JSON form."""
    return "\n\n".join(_block(b) for b in blocks(report)) + "\n"

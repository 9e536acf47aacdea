"""The report as a Word document (.docx), the format courts file with the case (随案归档).

Chinese text needs the East Asian font attribute (``w:eastAsia``) set on every style used — python-docx's
``font.name`` sets only the Latin one, and Word would fall back to a font without CJK glyphs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from reports.layout import blocks

__all__ = ["BODY_FONT", "HEADING_FONT", "render_docx"]

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
_TABLE_FONT_SIZE = Pt(9)
#: Characters XML 1.0 cannot hold (control characters other than tab and newlines, and U+FFFE/U+FFFF); a pasted
#: draft may contain them, and Word files are XML.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def _set_font(style: Any, name: str, size: Pt | None = None) -> None:
    style.font.name = name
    if size is not None:
        style.font.size = size
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)  # a theme font would override the explicit one


def render_docx(report: dict[str, Any], path: str | Path) -> None:
    """Write a report in its JSON form to ``path`` as .docx."""
    doc = Document()
    _set_font(doc.styles["Normal"], BODY_FONT, Pt(11))
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4"):
        _set_font(doc.styles[name], HEADING_FONT)
    doc.core_properties.title = "类案检索报告"
    doc.core_properties.subject = _xml(report.get("archive_number", ""))
    doc.core_properties.keywords = report.get("content_hash", "")
    for b in blocks(report):
        if b.kind == "heading":
            heading = doc.add_heading(_xml(b.text), level=b.level)
            if b.level == 0:
                heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif b.kind == "table":
            table = doc.add_table(rows=1, cols=len(b.header))
            table.style = doc.styles["Table Grid"]
            for cell, text in zip(table.rows[0].cells, b.header, strict=True):
                cell.text = _xml(text)
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for row in b.rows:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    cell.text = _xml(text)
            for row in table.rows:
                for cell in row.cells:
                    for run in cell.paragraphs[0].runs:
                        run.font.size = _TABLE_FONT_SIZE
        else:
            doc.add_paragraph(_xml(b.text))
    doc.save(str(path))

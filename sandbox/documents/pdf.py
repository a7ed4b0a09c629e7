"""One-page PDF documents: a title, label/value lines, an optional table and a footnote.

Every emulated API that hands out PDFs (annual accounts, school bills, mandates) lays them out here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

PAGE_WIDTH = 190  # A4 less the default margins, in mm


@dataclass
class Table:
    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[float]  # mm, adding up to at most PAGE_WIDTH
    align: str = ""  # one letter (L, R, C) per column; left when absent


@dataclass
class Document:
    title: str
    created: datetime  # also makes the bytes stable: same document, same file
    subtitle: str = ""
    author: str = ""
    fields: Sequence[tuple[str, str]] = ()
    table: Table | None = None
    footnote: str = ""
    keywords: Sequence[str] = field(default_factory=tuple)


def latin1(text: str) -> str:
    """The PDF core fonts cover Latin-1 only; anything else becomes '?'."""
    return text.encode("latin-1", "replace").decode("latin-1")


def render(document: Document) -> bytes:
    from fpdf import FPDF  # imported on first use: loading it took a quarter of the start-up time

    pdf = FPDF(format="A4")
    pdf.set_creation_date(document.created)
    pdf.set_title(latin1(f"{document.title} {document.subtitle}".strip()))
    if document.author:
        pdf.set_author(latin1(document.author))
    if document.keywords:
        pdf.set_keywords(latin1(" ".join(document.keywords)))
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.cell(text=latin1(document.title), new_x="LMARGIN", new_y="NEXT")
    if document.subtitle:
        pdf.set_font("helvetica", "B", 13)
        pdf.cell(text=latin1(document.subtitle), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("helvetica", "", 10)
    for label, value in document.fields:
        pdf.cell(w=55, text=latin1(label))
        pdf.cell(text=latin1(value), new_x="LMARGIN", new_y="NEXT")
    if document.table is not None:
        pdf.ln(6)
        pdf.set_font("helvetica", "B", 10)
        _row(pdf, document.table, document.table.header)
        pdf.set_font("helvetica", "", 10)
        for cells in document.table.rows:
            _row(pdf, document.table, cells)
    if document.footnote:
        pdf.ln(8)
        pdf.set_font("helvetica", "I", 8)
        pdf.multi_cell(w=PAGE_WIDTH, text=latin1(document.footnote))
    return bytes(pdf.output())


def _row(pdf: FPDF, table: Table, cells: Sequence[str]) -> None:
    # Plain bordered cells: fpdf2's table() is several times slower for tables this simple.
    for index, (width, text) in enumerate(zip(table.widths, cells, strict=True)):
        align = table.align[index] if index < len(table.align) else "L"
        pdf.cell(w=width, h=7, text=latin1(text), border=1, align=align)
    pdf.ln()

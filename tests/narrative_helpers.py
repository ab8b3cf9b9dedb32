"""Shared helpers for the narrative tests: parse only the narrative half of a corpus document."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus import CORPUS

from auditor.document import Document, Line, lines_from_text, split_cells, strip_markup
from auditor.model import Meta
from auditor.parse.narrative import parse_narrative

MINHANG = CORPUS / "minhang-police-2024-budget.txt"


def text_doc(text: str, path: str = "mem.txt") -> Document:
    return Document(path=path, lines=lines_from_text(text), kind="text")


def pdf_doc(path: Path) -> Document:
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument(str(path))
    lines = []
    for i in range(len(pdf)):
        text = pdf[i].get_textpage().get_text_range()
        for n, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
            clean = strip_markup(raw).rstrip()
            lines.append(Line(clean, n, i + 1, split_cells(clean)))
    return Document(path=str(path), lines=lines, kind="pdf", pages=len(pdf))


def narrative(doc: Document):
    meta = Meta(source=doc.path)
    frames: dict = {}
    parse_narrative(doc, meta, frames)
    return meta, frames


def fact(frames, key, n=0):
    df = frames["facts"]
    rows = df[df["key"] == key]
    assert len(rows) > n, f"no fact {key!r} (#{n})"
    return rows.iloc[n]

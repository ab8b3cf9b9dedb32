"""A PDF that leaves its zero cells blank, or prints a dash in them, reads as one printing 0.

Three of the five corpus budget PDFs leave zero cells blank; Wanli prints ``0`` and the two 决算
``0.00``. Each of those is rebuilt here with its zero cells removed (as a blank cell prints nothing)
and with a dash in them, and must give the document's own findings: the columns of a row printing
fewer figures than the table has columns come from where the figures stand, so a misprinted subtotal
(Wanli 2025's 21201) does not send a row's figures to another column.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from functools import cache

import pytest
from corpus import CORPUS, needs_corpus

from auditor import audit
from auditor.document import Document, Line
from auditor.loaders.pdf import read_document
from auditor.parse import parse_document

pytestmark = needs_corpus

ZEROS = {
    "putuo-wanli-street-2024-budget": "0",
    "putuo-wanli-street-2025-budget": "0",
    "putuo-planning-resources-2024-final-accounts": "0.00",
}


@cache
def _source(name: str) -> Document:
    return read_document(CORPUS / f"{name}.pdf")


def _findings(doc: Document) -> list[tuple]:
    return sorted((f.rule, f.severity, f.location.page, f.message) for f in audit(parse_document(doc)).findings)


def _zeros_as(doc: Document, zero: str, printed: str | None) -> tuple[Document, int]:
    """`doc` with every cell reading `zero` printed as `printed` (None: left blank)."""
    changed = 0

    def change(ln: Line) -> Line:
        nonlocal changed
        if not ln.cell_x or zero not in ln.cells:
            return ln
        kept = [(printed if c == zero else c, x) for c, x in zip(ln.cells, ln.cell_x)]
        kept = [(c, x) for c, x in kept if c is not None]
        changed += 1
        cells = tuple(c for c, _ in kept)
        return dataclasses.replace(ln, text="  ".join(cells), cells=cells, cell_x=tuple(x for _, x in kept))

    return dataclasses.replace(doc, lines=[change(ln) for ln in doc.lines]), changed


@pytest.mark.parametrize("printed", [None, "-", "—"], ids=["blank", "dash", "em-dash"])
@pytest.mark.parametrize("name", list(ZEROS))
def test_zero_cells_left_blank_or_dashed_give_the_documents_findings(name, printed):
    doc = _source(name)
    changed, lines = _zeros_as(doc, ZEROS[name], printed)
    assert lines > 50  # the tables' zero cells, not a stray one
    assert _findings(changed) == _findings(doc)


@pytest.mark.parametrize(
    ("name", "zero", "printed"),
    [
        # pdftotext -layout keeps the columns: a dash where 0.00 stood is a blank cell, not a word
        # of the row's name (the names read 单位养老支出卫生健康支出- and FA319 fired on five 类)
        ("putuo-planning-resources-2024-final-accounts", r"(?<= )0\.00(?= |$)", "   -"),
        # no positions in text: the subtotals choose the columns, and Wanli 2025's one-元 misprint
        # at 21201 breaks only the 合计 column, so the others still place every 项 (they went to
        # 基本支出 and gave four AR002/AR003 errors of 17 and 59 million)
        ("putuo-wanli-street-2025-budget", r"(?<= )0(?= |$)", ""),
    ],
    ids=["dashed-final-accounts", "blank-misprinted-budget"],
)
def test_zero_cells_dashed_or_blank_in_layout_text_give_the_documents_findings(tmp_path, name, zero, printed):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    layout = tmp_path / f"{name}.txt"
    subprocess.run(["pdftotext", "-layout", str(CORPUS / f"{name}.pdf"), str(layout)], check=True)
    text, replaced = re.subn(zero, printed, layout.read_text(encoding="utf-8"), flags=re.M)
    assert replaced > 50
    changed = tmp_path / f"{name}-changed.txt"
    changed.write_text(text, encoding="utf-8")

    def where(path):
        return sorted((f.rule, f.severity, f.location.line, f.message) for f in audit(path).findings)

    assert where(changed) == where(layout)

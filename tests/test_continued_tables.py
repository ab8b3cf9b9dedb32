"""A table continued on the next page, its title (续), unit line and column heads printed again there.

The corpus tables that run over a page do not repeat their heads; many disclosures do. Each case
here prints, before a row in the middle of each longer table, the table's title with (续), its unit
line and its column heads again, and must read as the document: before, the heads were read as rows
or as the end of a row's name — in single-spaced text (pdfplumber) ``本年收入 本年支出`` went onto the
label above it and moved it to the other half of the 财务收支预算总表 (a false AR020 error); in a 决算,
the unit line and the heads became part of a row's name (FA306, FA319) and broke the 收入/支出决算表's
sums (FA901, and the findings computed from those tables were lost).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from corpus import needs_corpus
from layout_variants import pdf_lines, unlined

from auditor import audit
from auditor.document import Line
from auditor.loaders import load
from auditor.parse import parse_document

PLUMBER = Path(__file__).parent / "data" / "plumber"
_FIGURE = re.compile(r"\d\.\d\d|\d,\d{3}")


def _continued(lines: list[Line], titles: list[int]) -> tuple[list[Line], int]:
    """`lines` with each table (title at an index of `titles`) of enough rows continued on a new page
    before a row halfway down: its title with (续), then its lines down to the first figure again
    (copies of them, on the page of the row they now stand before)."""
    out = list(lines)
    inserts = []
    bounds = sorted(titles)
    for at, nxt in zip(bounds, bounds[1:]):  # (the last table's end is no business of this test)
        first = next((k for k in range(at + 1, nxt) if _FIGURE.search(lines[k].text)), None)
        if first is None:
            continue
        rows = [k for k in range(first + 1, nxt) if _FIGURE.search(lines[k].text) and _FIGURE.search(lines[k - 1].text)]
        if len(rows) < 6:
            continue
        row = lines[rows[len(rows) // 2]]
        title = lines[at].text.strip() + "（续）"
        again = [dataclasses.replace(lines[at], text=title, cells=(title,), cell_x=(), bbox=None, page=row.page)]
        again += [dataclasses.replace(ln, page=row.page) for ln in lines[at + 1 : first] if not _FIGURE.search(ln.text)]
        inserts.append((rows[len(rows) // 2], again))
    for k, block in sorted(inserts, key=lambda x: -x[0]):
        out[k:k] = block
    return out, len(inserts)


def _findings(budget) -> list[tuple]:
    return sorted(
        (f.rule, f.severity, f.location.page, re.sub(r"第 ?\d+ ?行", "第…行", f.message))
        for f in audit(budget).findings
    )


@needs_corpus
@pytest.mark.parametrize("name", sorted(p.stem for p in PLUMBER.glob("*.txt")))
def test_single_spaced_text_with_heads_repeated_reads_as_the_text(name, tmp_path):
    source = PLUMBER / f"{name}.txt"
    base = load(source)
    lines = base.document.lines
    titles = [next(i for i, ln in enumerate(lines) if ln.line == t.line) for t in base.meta.tables.values()]
    continued, count = _continued(lines, titles)
    assert count >= 2
    varied = tmp_path / "continued.txt"
    varied.write_text("\n".join(ln.text for ln in continued) + "\n", encoding="utf-8")
    read = load(varied)
    assert unlined(read) == unlined(base)
    assert _findings(read) == _findings(base)


@needs_corpus
@pytest.mark.parametrize(
    "name", ["putuo-finance-bureau-2024-final-accounts", "putuo-planning-resources-2024-final-accounts"]
)
def test_final_accounts_with_heads_repeated_read_as_the_document(name):
    doc = pdf_lines(name)
    base = parse_document(doc)
    where = {(t.page, t.line) for t in base.meta.tables.values()}
    titles = [i for i, ln in enumerate(doc.lines) if (ln.page, ln.line) in where]
    lines, count = _continued(doc.lines, titles)
    assert count >= 3
    read = parse_document(dataclasses.replace(doc, lines=lines))
    assert {k: v.to_dict("list") for k, v in read.frames.items()} == {
        k: v.to_dict("list") for k, v in base.frames.items()
    }
    assert _findings(read) == _findings(base)

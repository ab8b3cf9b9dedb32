"""A table's title run into the last row of the table before it, on one text line, is read as the
two lines it was printed as: before, the title was lost (false DS001/FA001 errors) or the row was.

The corpus texts break every line; text joined without line breaks does not. Each case here runs
every table title of a corpus document into the line before it, where that line ends in a figure.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from corpus import needs_corpus
from layout_variants import pdf_lines

from auditor import audit
from auditor.document import Document, Line, lines_from_text
from auditor.parse import parse_document
from auditor.parse.glued import split_glued_titles

_FIGURE = re.compile(r"\d\.\d\d$|\d,\d{3}$")


def _texts(text: str) -> list[str]:
    doc = Document(path="x.txt", lines=lines_from_text(text), kind="text")
    return [ln.text for ln in split_glued_titles(doc).lines]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "合计  371,514,655.00  19,830,655.00  2025年部门收入预算总表",
            ["合计  371,514,655.00  19,830,655.00", "2025年部门收入预算总表"],
        ),
        ("总计 2,995.39 总计 2,995.39 收入决算表", ["总计 2,995.39 总计 2,995.39", "收入决算表"]),
        # a sentence that names a table is prose, not a row
        (
            "支出1,234.56万元，详见一般公共预算支出功能分类预算表",
            ["支出1,234.56万元，详见一般公共预算支出功能分类预算表"],
        ),
        # no figure before the title: nothing to part (a year or a code is no figure)
        ("2025年部门收入预算总表", ["2025年部门收入预算总表"]),
        ("201 一般公共服务支出 2025年部门收入预算总表", ["201 一般公共服务支出 2025年部门收入预算总表"]),
        # what follows the figures is no title
        ("合计 1,234.00 一般公共服务支出表彰", ["合计 1,234.00 一般公共服务支出表彰"]),
    ],
)
def test_split_glued_titles(text, expected):
    assert _texts(text) == expected


def _glued(doc: Document) -> tuple[Document, int]:
    """`doc` with each table title that follows a line ending in a figure (the last row of the table
    before, on the page before) run into that line: its cells after the line's, as one line."""
    base = parse_document(doc)
    where = {(t.page, t.line) for t in base.meta.tables.values()}
    lines: list[Line] = []
    count = 0
    for ln in doc.lines:
        before = lines[-1] if lines else None
        if (ln.page, ln.line) in where and before is not None and _FIGURE.search(before.text):
            lines[-1] = dataclasses.replace(
                before,
                text=f"{before.text}  {ln.text}",
                cells=(*before.cells, *ln.cells),
                cell_x=(*before.cell_x, *ln.cell_x) if before.cell_x and ln.cell_x else (),
            )
            count += 1
        else:
            lines.append(ln)
    return dataclasses.replace(doc, lines=lines), count


def _findings(budget) -> list[tuple]:
    # (no page: a title run into the last line of the page before stands on that page)
    return sorted((f.rule, f.severity, f.message) for f in audit(budget).findings)


@needs_corpus
@pytest.mark.parametrize(
    "name",
    [
        "putuo-government-office-2025-budget",
        "putuo-wanli-street-2024-budget",
        "putuo-finance-bureau-2024-final-accounts",
    ],
)
def test_titles_run_into_the_row_before_read_as_the_document(name):
    doc = pdf_lines(name)
    varied, count = _glued(doc)
    assert count >= 3
    base, read = parse_document(doc), parse_document(varied)
    assert {k: t.title for k, t in read.meta.tables.items()} == {k: t.title for k, t in base.meta.tables.items()}
    drop = ["line", "page"]  # (the row and the title now share a line)
    assert {k: v.drop(columns=drop, errors="ignore").to_dict("list") for k, v in read.frames.items()} == {
        k: v.drop(columns=drop, errors="ignore").to_dict("list") for k, v in base.frames.items()
    }
    assert _findings(read) == _findings(base)

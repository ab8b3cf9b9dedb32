"""A table's title run into the last row of the table before it, on one text line.

Text whose pages (or blocks) were joined without a line break gives
``合计  371,514,655.00  19,830,655.00  351,684,000.00  2025年部门收入预算总表``: read as one line, the
title is lost (a false DS001/FA001 error for the table) or taken with the row for its prefix (the
row lost from the table before). Such a line is read as the two lines it was printed as: the row
(ending in a figure, no sentence punctuation) and the title (a title's words only, one the budget
or 决算 title reader takes).
"""

from __future__ import annotations

from dataclasses import replace

from .. import lazyre
from ..document import Document, Line, split_cells
from .final.locate import match_title as final_title
from .tables import match_title as budget_title

#: a printed figure: decimals or thousands separators (a code or a year is none)
_FIGURE = lazyre.compile(r"\d\.\d{1,2}(?![\d.,])|\d{1,3}(?:,\d{3})+(?![\d.,])")
#: what a title holds: Chinese words, digits of its year and number, quotes and brackets
_TITLE_WORDS = lazyre.compile(r"[\u4e00-\u9fff0-9０-９“”\"'‘’「」『』（）()、·:：\s\u3000]{5,80}")
_SENTENCE = ("，", "。", "；", "：")  # (a half-width comma is a thousands separator)


def split_glued_titles(doc: Document) -> Document:
    """The document with each row-and-title line read as the row's line and the title's (a copy;
    `doc` is not changed)."""
    lines: list[Line] = []
    split = False
    for ln in doc.lines:
        parts = _parts(ln)
        split = split or parts is not None
        lines.extend(parts or (ln,))
    return replace(doc, lines=lines) if split else doc


def _parts(ln: Line) -> tuple[Line, Line] | None:
    text = ln.text
    if "表" not in text:
        return None
    figures = list(_FIGURE.finditer(text))
    if not figures:
        return None
    last = figures[-1]
    head, tail = text[: last.end()], text[last.end() :].strip()
    if not tail or any(p in head for p in _SENTENCE) or not _TITLE_WORDS.fullmatch(tail):
        return None
    if budget_title(tail) is None and final_title(tail) is None:
        return None
    cells, extents = _head_cells(ln, len(head))
    row = replace(ln, text=head.rstrip(), cells=cells, cell_x=extents)
    title = replace(ln, text=tail, cells=(tail,), cell_x=())
    return row, title


def _head_cells(ln: Line, end: int) -> tuple[tuple[str, ...], tuple[tuple[float, float], ...]]:
    """(cells, their x extents) of the line's first `end` characters: a text line's split again, a
    PDF line's that lie there (its text is its cells joined by two spaces)."""
    if not ln.cell_x:
        return split_cells(ln.text[:end].rstrip()), ()
    cells: list[str] = []
    extents: list[tuple[float, float]] = []
    at = 0
    for cell, x in zip(ln.cells, ln.cell_x):
        if at + len(cell) > end:  # the title begins inside this cell: its figures stay the row's
            if end > at and cell[: end - at].strip():
                cells.append(cell[: end - at].rstrip())
                extents.append(x)
            break
        cells.append(cell)
        extents.append(x)
        at += len(cell) + 2
    return tuple(cells), tuple(extents)

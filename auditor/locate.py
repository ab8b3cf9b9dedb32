"""Where on the page a finding is: the box of its line or cell, from the PDF loader's geometry.

A finding names a page and a line; the loader kept each line's box and each cell's x extent
(``Line.bbox``, ``Line.cell_x``). The box of a finding is the cell that prints its actual value
(else its expected value) when the line has one, otherwise the whole line. Text and workbook
sources have no geometry: their findings keep ``bbox`` None.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from . import lazyre
from .document import Document, Line
from .findings import Finding
from .model import columns_for

Box = tuple[float, float, float, float]

_NOT_DIGIT = lazyre.compile(r"[^\d.\-]")
_AMOUNT = lazyre.compile(r"-?[\d,]+(?:\.\d+)?")


def _index(document: Document) -> dict[tuple[int | None, int], Line]:
    """(page, line) -> Line, computed once per document."""
    cache = document.cache
    idx = cache.get("locate.index")
    if idx is None:
        idx = {(ln.page, ln.line): ln for ln in document.lines}
        cache["locate.index"] = idx
    return idx


def line_at(document: Document | None, page: int | None, line: int | None) -> Line | None:
    """The located line at (page, line), or None."""
    if document is None or line is None:
        return None
    return _index(document).get((page, line))


def _number(value: Any) -> str | None:
    """A printed amount reduced to its digits (``2,082,935.58`` -> ``2082935.58``); None if not a number."""
    if value is None or isinstance(value, (list, tuple, dict)):
        return None
    text = _NOT_DIGIT.sub("", str(value))
    if not text.strip(".-") or not any(ch.isdigit() for ch in text):
        return None
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or None


def cell_box(line: Line, index: int) -> Box | None:
    """The box of one cell of a line (its x extent between the line's bottom and top)."""
    if line.bbox is None or index >= len(line.cell_x):
        return None
    left, right = line.cell_x[index]
    return (left, line.bbox[1], right, line.bbox[3])


def _column_cell(line: Line, table: str | None, column: str | None) -> int | None:
    """The index of the cell printing ``column`` of ``table`` on this line, when the line ends with one
    amount per money column of the table (so the n-th of them is the n-th column); else None."""
    if table is None or column is None:
        return None
    try:
        money = columns_for(table)[1]
    except KeyError:
        return None
    if column not in money or len(line.cells) < len(money):
        return None
    first = len(line.cells) - len(money)
    if not all(_AMOUNT.fullmatch(cell.strip()) for cell in line.cells[first:]):
        return None
    return first + money.index(column)


def finding_box(finding: Finding, document: Document | None) -> Box | None:
    """The box of the cell printing the finding's value, else of its line; None without geometry.

    When the value is printed in several cells of the line (a 合计 equal to its only part), the
    finding's column decides which; when it cannot, the whole line is outlined rather than a guess.
    """
    loc = finding.location
    ln = line_at(document, loc.page, loc.line)
    if ln is None or ln.bbox is None or ln.page in getattr(document, "turned", {}):
        return None  # (a turned page's lines are measured turned back, not on the page)
    for value in (finding.actual, finding.expected):
        want = _number(value)
        if want is None:
            continue
        hits = [i for i, cell in enumerate(ln.cells) if _number(cell) == want]
        if len(hits) > 1:
            by_column = _column_cell(ln, loc.table, loc.column)
            if by_column not in hits:
                return ln.bbox
            hits = [by_column]
        if hits and (box := cell_box(ln, hits[0])) is not None:
            return box
    return ln.bbox


def attach_boxes(findings: Iterable[Finding], budget: Any) -> list[Finding]:
    """The findings with ``location.bbox`` filled in where the source has geometry (copies; inputs unchanged)."""
    document = getattr(budget, "document", None)
    out: list[Finding] = []
    for f in findings:
        if f.location.bbox is None and document is not None:
            box = finding_box(f, document)
            if box is not None:
                f = dataclasses.replace(f, location=dataclasses.replace(f.location, bbox=box))
        out.append(f)
    return out

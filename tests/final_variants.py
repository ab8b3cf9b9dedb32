"""Constructed variants of the corpus 决算: one defect each, and the findings it adds to the document's own.

A variant changes or drops exactly one located line of the PDF's reading (page, a text the line
contains), so the defect sits at a known page, and is parsed and audited as any document is. What it
adds is compared with the unchanged document's findings, so a test states exactly what one defect
raises: the rule, its severity and its page, and nothing else.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import cache

from corpus import CORPUS

from auditor import audit
from auditor.document import Document, Line
from auditor.loaders.pdf import read_document
from auditor.parse import parse_document

FINANCE = CORPUS / "putuo-finance-bureau-2024-final-accounts.pdf"
PLANNING = CORPUS / "putuo-planning-resources-2024-final-accounts.pdf"
DOCS = {"finance": FINANCE, "planning": PLANNING}

Change = Callable[[Line], "Line | None"]


@cache
def source(name: str) -> Document:
    """The located lines of a corpus 决算 (``finance`` or ``planning``), read once per test session."""
    return read_document(DOCS[name])


def variant(doc: Document, page: int, match: str, change: Change, *, hits: int = 1) -> Document:
    """`doc` with the lines of `page` containing `match` changed (`change(line) -> line`, or None to drop it)."""
    lines = []
    found = 0
    for ln in doc.lines:
        if ln.page == page and match in ln.text:
            found += 1
            ln = change(ln)
            if ln is None:
                continue
        lines.append(ln)
    assert found == hits, f"{match!r} on p.{page}: {found} lines"
    return dataclasses.replace(doc, lines=lines)


def replace(old: str, new: str, count: int = -1) -> Change:
    """A change replacing `old` by `new` in the line's text and in each of its cells."""

    def change(ln: Line) -> Line:
        assert old in ln.text, f"{old!r} not in {ln.text!r}"
        cells = tuple(c.replace(old, new, count) for c in ln.cells)
        return dataclasses.replace(ln, text=ln.text.replace(old, new, count), cells=cells)

    return change


def in_cell(k: int, old: str, new: str) -> Change:
    """A change replacing `old` by `new` in cell `k` of the line only (the same occurrence in its text)."""

    def change(ln: Line) -> Line:
        assert old in ln.cells[k], f"{old!r} not in cell {k} of {ln.cells!r}"
        nth = sum(c.count(old) for c in ln.cells[:k])
        at = -1
        for _ in range(nth + 1):
            at = ln.text.index(old, at + 1)
        cells = (*ln.cells[:k], ln.cells[k].replace(old, new, 1), *ln.cells[k + 1 :])
        return dataclasses.replace(ln, text=ln.text[:at] + new + ln.text[at + len(old) :], cells=cells)

    return change


def drop(ln: Line) -> None:
    """A change removing the line."""
    return None


def keyed(report) -> set[tuple]:
    return {(f.rule, f.severity, f.location.page, f.message) for f in report.findings}


@cache
def baseline(name: str) -> frozenset:
    """The findings of the unchanged document."""
    return frozenset(keyed(audit(parse_document(source(name)))))


def added_findings(name: str, changed: Document) -> list[tuple[str, str, int | None]]:
    """(rule, severity, page) of each finding the changed document has and the unchanged one has not."""
    before = baseline(name)
    return sorted(
        (f.rule, f.severity, f.location.page)
        for f in audit(parse_document(changed)).findings
        if (f.rule, f.severity, f.location.page, f.message) not in before
    )

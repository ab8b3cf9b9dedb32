"""Double-spaced text: a blank line after every line of the print, read as the print's own lines.

Some extractors and converters (an OCR service's text export, a viewer's copy of a page, a word
processor's plain-text save with paragraph spacing) write a blank line after every line. Read as it
stands, every wrapped line of a paragraph is a paragraph of its own, and a table's rows, a label
wrapped over two lines and a cover's name and year line are all parted by blank lines that the
print does not have.

A text is double-spaced when, among at least ``_MIN_LINES`` lines with text, at most
``_ADJACENT_SHARE`` stand right below another line with text on the same page (a page's first
line follows the form feed that ends the page before without a blank line). Its blank lines are
then halved: a run of ``k`` blank lines becomes ``k // 2`` (the blank line the converter wrote
after a line goes; a blank line of the print, written as two or three, stays one). Lines keep their
numbers in the file, so findings still name the file's lines; ``Document.page_breaks`` are moved
with the lines.
"""

from __future__ import annotations

import bisect
from dataclasses import replace

from .document import Document

#: lines with text a source must have before its spacing says anything
_MIN_LINES = 40
#: the largest share of the lines with text standing right below another in a double-spaced text
_ADJACENT_SHARE = 0.1


def is_double_spaced(doc: Document) -> bool:
    """Whether the text writes a blank line after (nearly) every line with text."""
    if doc.kind != "text":
        return False
    filled = [i for i, ln in enumerate(doc.lines) if ln.text.strip()]
    if len(filled) < _MIN_LINES:
        return False
    pages = set(doc.page_breaks)  # (a page's first line stands right below the last of the page before)
    adjacent = sum(1 for a, b in zip(filled, filled[1:]) if b == a + 1 and b not in pages)
    return adjacent <= _ADJACENT_SHARE * len(filled)


def single_spaced(doc: Document) -> Document:
    """The document with a double-spaced text's blank lines halved: a copy; `doc` itself when it is
    not double-spaced."""
    if not is_double_spaced(doc):
        return doc
    keep: list[int] = []
    blanks: list[int] = []
    for i, ln in enumerate(doc.lines):
        if ln.text.strip():
            keep.extend(blanks[: len(blanks) // 2])
            blanks.clear()
            keep.append(i)
        else:
            blanks.append(i)
    keep.extend(blanks[: len(blanks) // 2])
    # a page that began at a dropped line begins at the next line kept
    starts = {bisect.bisect_left(keep, b) for b in doc.page_breaks}
    breaks = tuple(sorted(s for s in starts if s < len(keep)))
    return replace(doc, lines=[doc.lines[i] for i in keep], page_breaks=breaks)

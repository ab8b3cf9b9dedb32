"""Paragraphs and sentences of the prose, each character traceable to its source line and page.

The editorial and statement rules read the prose as a reader does: wrapped lines joined into
paragraphs, paragraphs split into sentences. ``prose_lines`` (``auditor.parse.sections``) gives the
prose lines with their section; this module joins them:

- PDF text wraps at the right margin, even inside a number or a quotation; a line continues the
  previous one when the previous line reaches the right margin of its page without sentence-final
  punctuation, or when it opens with a closing mark (``。`` ``）`` ``》`` ``”``) that cannot start a
  paragraph. A line that starts with a list or heading marker (``一、`` ``（二）`` ``3.`` ``4、``)
  always starts a new paragraph.
- A text file (OCR output) holds a paragraph per line; a line without sentence-final punctuation
  continues on the next non-blank line unless that one starts with a marker (OCR splits long
  paragraphs at page breaks). Bullets (``- ``) that OCR-to-markdown tools add are dropped.

Offsets into ``Paragraph.text`` map back with ``line_at``.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .. import numbering
from ..document import Document, Line
from ..model import Meta, set_paragraph_reader
from ..text import is_garbled, normalise
from .prose import indented, is_layout_text, runs_to_margin, strip_bullet
from .sections import find_headings, prose_lines

#: Sentence-final punctuation (full-width and the ASCII forms OCR produces).
FINAL = "。；！？：;!?:"
#: Marks that close something and never open a paragraph.
CLOSING = "。，、；：）)》】〕」』”’,;:.!?！？"


@dataclass
class Paragraph:
    """Prose lines joined into one paragraph; ``line_at(offset)`` is the line of a character."""

    text: str = ""
    lines: list[Line] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    section: str | None = None

    def add(self, ln: Line, body: str) -> None:
        self.starts.append(len(self.text))
        self.lines.append(ln)
        self.text += body

    def line_at(self, offset: int) -> Line:
        i = bisect.bisect_right(self.starts, max(0, offset)) - 1
        return self.lines[max(0, i)]

    def where(self, offset: int) -> dict:
        """Location keywords (line, page) of a character, for ctx.finding."""
        ln = self.line_at(offset)
        return {"line": ln.line, "page": ln.page}

    @property
    def first(self) -> Line:
        return self.lines[0]

    @property
    def last(self) -> Line:
        return self.lines[-1]

    def sentences(self) -> list[tuple[int, int]]:
        """(start, end) spans of the sentences: split after 。！？ (and ；/; which close list items)."""
        return split_sentences(self.text)

    @property
    def norm(self) -> str:
        """The text with full-width punctuation normalised (same length: offsets map back)."""
        return normalise(self.text)

    @property
    def number(self) -> numbering.Number | None:
        """The paragraph's numbering when it is a numbered item or heading (``一、`` ``（二）`` ``3.``)."""
        return numbering.parse(self.text)


def split_sentences(text: str, ends: str = "。！？!?；;") -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of `text`, each ending after one of `ends` (the last may not)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _ends_pattern(ends).finditer(text):  # the marks found by re, not a Python loop per character
        i = m.start()
        if text[start : i + 1].strip():
            spans.append((start, i + 1))
        start = i + 1
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


@functools.lru_cache(maxsize=32)
def _ends_pattern(ends: str) -> re.Pattern[str]:
    return re.compile(f"[{re.escape(ends)}]")


def _margins(doc: Document) -> dict[int | None, tuple[float, float, bool]]:
    """(left edge, right edge, indented paragraphs seen) of the text block of each PDF page."""
    lefts: dict[int | None, list[float]] = {}
    rights: dict[int | None, float] = {}
    for ln in doc.lines:
        if ln.cell_x and len(ln.cells) <= 1 and ln.text.strip():
            lefts.setdefault(ln.page, []).append(ln.cell_x[0][0])
            rights[ln.page] = max(rights.get(ln.page, 0.0), ln.cell_x[-1][1])
    out = {}
    for page, xs in lefts.items():
        left = min(xs)
        out[page] = (left, rights[page], any(x >= left + 15 for x in xs))
    return out


def _continues(prev: Line, ln: Line, margins) -> bool:
    """PDF layout: `ln` continues the paragraph of `prev` (it starts at the left edge of an indented page)."""
    if not ln.cell_x:
        return False
    left, _, indented = margins.get(ln.page, (None, None, False))
    return left is not None and indented and ln.cell_x[0][0] <= left + 3


def _reaches_margin(ln: Line, margins: dict[int | None, float]) -> bool:
    if not ln.cell_x:
        return len(ln.text.strip()) >= 30
    m = margins.get(ln.page)
    return m is not None and ln.cell_x[-1][1] >= m[1] - 30


def paragraphs(doc: Document | None, meta: Meta) -> list[Paragraph]:
    """The prose of a document as located paragraphs (table rows, blank lines and KPI tables left out)."""
    if doc is None:
        return []
    if "paragraphs" not in doc.cache:  # several rules read the paragraphs: segment once per document
        doc.cache["paragraphs"] = _paragraphs(doc, meta)
    return doc.cache["paragraphs"]


def _paragraphs(doc: Document, meta: Meta) -> list[Paragraph]:
    pdf = doc.kind == "pdf"
    layout = is_layout_text(doc)
    margins = _margins(doc) if pdf else {}
    # a section heading never joins the text around it, whatever the punctuation says
    headings = {(doc.lines[h.index].page, doc.lines[h.index].line) for h in find_headings(doc, meta)}
    # where each line stands among the document's lines: a line right below another is the next one
    # there (its number in the file may be further on: page furniture or a double-spaced text's blank
    # lines taken out between them)
    position = {(ln.page, ln.line): i for i, ln in reversed(list(enumerate(doc.lines)))}

    def below(above: Line, line: Line) -> bool:
        return position[(above.page, above.line)] + 1 == position[(line.page, line.line)]

    out: list[Paragraph] = []
    cur: Paragraph | None = None
    prev: Line | None = None
    for ln, key in prose_lines(doc, meta):
        body = strip_bullet(ln.text.strip()) if not pdf else ln.text.strip()
        if not body:
            continue
        join = False
        boundary = (ln.page, ln.line) in headings or (prev is not None and (prev.page, prev.line) in headings)
        if cur is not None and key == cur.section and prev is not None and not boundary:
            tail = cur.text.rstrip()[-1:]
            if body[0] in CLOSING:
                join = True
            elif numbering.match(body):  # a list or heading marker (the one numbering parser)
                join = False
            elif pdf:
                join = _continues(prev, ln, margins) or (tail not in "。！？!?" and _reaches_margin(prev, margins))
            elif layout:
                # layout text: a line right below a long one, not indented, is its wrap; across a page
                # break (blank lines between) only when the sentence was left unfinished
                join = (
                    not indented(ln)
                    and len(prev.text.strip()) >= 30
                    and (below(prev, ln) or tail not in FINAL)
                )
            elif below(prev, ln) and runs_to_margin(prev, doc):
                join = True  # hard-wrapped plain text: the previous line ran to the margin
            else:
                join = tail not in FINAL and not is_garbled(cur.text[-40:])
        if join and cur is not None:
            cur.add(ln, body)
        else:
            cur = Paragraph(section=key)
            cur.add(ln, body)
            out.append(cur)
        prev = ln
    return out


def iter_sentences(paras: list[Paragraph]) -> Iterator[tuple[Paragraph, int, int]]:
    """(paragraph, start, end) of every sentence."""
    for p in paras:
        for s, e in p.sentences():
            yield p, s, e


set_paragraph_reader(paragraphs)

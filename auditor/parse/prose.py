"""Prose of a disclosure: which lines are prose (not table rows), joined into located text flows.

Facts are extracted from *flows*: the prose lines of one section joined into one string, with a
map from character offsets back to the located source line. PDF text wraps lines mid-sentence
(even mid-number: ``29,381.00万`` / ``元``), so wrapped lines are joined without a separator;
lines of a text file that each hold a paragraph are joined with a newline.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass, field

from .. import lazyre, numbering
from ..document import Document, Line
from ..text import normalise

_BULLET = lazyre.compile(r"^[\s\-•・*]+(?=\S)")
_AMOUNT_CELL = lazyre.compile(r"^-?\d[\d, ]*(?:\.\s*\d+)?$")
_SENTENCE_END = "。;；!！?？:："


def strip_bullet(text: str) -> str:
    """Drop the list markers (``- ``) OCR-to-markdown tools put before paragraphs."""
    return _BULLET.sub("", text)


#: What marks a line as no table row: a sentence mark or 万 (PDF rows print neither).
_PROSE_MARK = lazyre.compile(r"[。，；万]")
_CODES_FIRST = lazyre.compile(r"^\d{3}(\s+\d{1,2}){0,2}\s+\S")
_ROW_AMOUNT = lazyre.compile(r"\d,\d{3}|\d\.\d{2}\b|\s0$")
_PLAIN_AMOUNT = lazyre.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|(?<![\d.,])\d+\.\d{2}(?![\d.])")


def is_table_row(ln: Line, doc: Document | None = None) -> bool:
    """Heuristic: a line that is a table row rather than prose."""
    if len(ln.cells) >= 2:  # (a prose line is one cell: neither test below can hold for it)
        cells = [c for c in ln.cells if c.strip()]
        if "\t" in ln.text and len(cells) >= 2:
            return True
        if sum(1 for c in cells if _AMOUNT_CELL.match(c.strip())) >= 3:
            return True
    text = ln.text.strip()
    # PDF rows come out space-separated in one cell: code columns or several plain amounts, no 。
    if not _PROSE_MARK.search(text):
        if _CODES_FIRST.match(text) and _ROW_AMOUNT.search(text):
            return True
        if len(_PLAIN_AMOUNT.findall(text)) >= 2:
            return True
    return False


@dataclass
class Flow:
    """Prose lines joined into one string; ``line_at(offset)`` gives the source line of a character."""

    text: str = ""
    starts: list[int] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    #: offset in `text` of each line's first character in the *original* line (bullets stripped)
    section: str | None = None
    _norm: str = field(default="", repr=False, compare=False)
    _norm_len: int = field(default=-1, repr=False, compare=False)

    def add(self, ln: Line, body: str, joiner: str) -> None:
        if self.text:
            self.text += joiner
        self.starts.append(len(self.text))
        self.lines.append(ln)
        self.text += body

    def line_at(self, offset: int) -> Line:
        i = bisect.bisect_right(self.starts, offset) - 1
        return self.lines[max(0, i)]

    @property
    def norm(self) -> str:
        """The text normalised (computed once per state of the text: fact finders ask many times)."""
        if self._norm_len != len(self.text):
            self._norm, self._norm_len = normalise(self.text), len(self.text)
        return self._norm


def _pdf_like(doc: Document) -> bool:
    return doc.kind == "pdf"


def indented(ln: Line) -> bool:
    """The printed line starts with white space (a new paragraph in layout text)."""
    return ln.text[:2].isspace() or ln.text[:1] == "\u3000"


def is_layout_text(doc: Document) -> bool:
    """Text extracted with its layout (``pdftotext -layout``): paragraphs indented, wrapped lines not.

    In such text a line that runs on to the next one is a wrap, whatever it ends with, and a
    paragraph starts where the text is indented. OCR-to-text output (one line per paragraph) is not.
    """
    if doc.kind == "pdf":
        return False
    if "layout_text" not in doc.cache:
        prose = [ln for ln in doc.lines if ln.text.strip() and len(ln.cells) < 3]
        starts = sum(1 for ln in prose if indented(ln))
        doc.cache["layout_text"] = bool(prose) and starts / len(prose) >= 0.25
    return doc.cache["layout_text"]


class _CharWidths(dict):
    """Display columns of a character (2 for East Asian wide and fullwidth), looked up once each."""

    def __missing__(self, ch: str) -> int:
        width = self[ch] = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        return width


_CHAR_WIDTHS = _CharWidths()


def _width(text: str) -> int:
    return len(text) if text.isascii() else sum(map(_CHAR_WIDTHS.__getitem__, text))


def wrap_width(doc: Document) -> int | None:
    """The right margin (display columns) of hard-wrapped plain text, as pdfplumber extracts it.

    Such text has no indentation to mark paragraphs, but many lines end at the same width: a line
    that reaches it was wrapped. None for PDFs, layout text and one-line-per-paragraph text.
    """
    if doc.kind == "pdf":
        return None
    if "wrap_width" not in doc.cache:
        widths = [_width(ln.text.rstrip()) for ln in doc.lines if ln.text.strip() and len(ln.cells) < 3]
        width = None
        if widths:
            top = max(widths)
            near = sum(1 for w in widths if w >= top - 8)
            # measured against the long lines: text extracted without layout prints a table a cell
            # per line, thousands of short lines that say nothing about the prose's margin
            long = sum(1 for w in widths if w >= top // 2)
            if top <= 200 and near >= max(5, long // 10):
                width = top
        doc.cache["wrap_width"] = width
    return doc.cache["wrap_width"]


def runs_to_margin(ln: Line, doc: Document) -> bool:
    """The line reaches the right margin of hard-wrapped text (so the next line continues it)."""
    width = wrap_width(doc)
    return width is not None and _width(ln.text.rstrip()) >= width - 8


#: A line that opens with a figure and its unit (``24,558.18万元；…``): no paragraph starts so.
_OPENS_WITH_FIGURE = lazyre.compile(r"^\d[\d,]*(?:\.\d+)?\s*(?:万元|亿元|元|%)")


def wraps_into_figure(prev: Line, ln: Line, doc: Document) -> bool:
    """Hard-wrapped text whose line broke before a figure: the previous line is unfinished (no
    sentence-final mark) and near the margin (narrow digits make it fall short of it), and this line
    opens with the figure (``…比2024年预算执行数增加`` / ``24,558.18万元；…``)."""
    width = wrap_width(doc)
    prev_text = prev.text.rstrip()
    return (
        width is not None
        and prev_text[-1:] not in _SENTENCE_END + "。"
        and _width(prev_text) >= width * 0.8
        and bool(_OPENS_WITH_FIGURE.match(ln.text.strip()))
    )


def build_flow(doc: Document, lines: list[Line], section: str | None = None) -> Flow:
    """Join prose lines into a flow (table rows and blank lines skipped)."""
    flow = Flow(section=section)
    pdf = _pdf_like(doc)
    layout = is_layout_text(doc)
    prev_blank = True
    for ln in lines:
        if not ln.text.strip():
            prev_blank = True
            continue
        if is_table_row(ln, doc):
            prev_blank = True
            continue
        body = strip_bullet(ln.text.strip())
        joiner = "\n"
        prev_text = flow.lines[-1].text.strip() if flow.lines else ""
        if pdf and flow.text and not prev_blank and flow.text[-1] not in "。;；:：!！?？" and len(prev_text) >= 30:
            joiner = ""
        elif (
            layout
            and flow.text
            and not indented(ln)
            and len(prev_text) >= 30
            and (not prev_blank or flow.text[-1] not in "。;；:：!！?？")
        ):
            joiner = ""  # a wrapped line of layout text continues the sentence (also across a page break)
        elif (
            not pdf
            and not layout
            and flow.lines
            and not prev_blank
            and (runs_to_margin(flow.lines[-1], doc) or wraps_into_figure(flow.lines[-1], ln, doc))
            and numbering.parse(body) is None
        ):
            joiner = ""  # hard-wrapped plain text: the previous line ran to the margin
        flow.add(ln, body, joiner)
        prev_blank = False
    return flow


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of sentences: split after 。 ; ； and newlines."""
    spans: list[tuple[int, int]] = []
    start = 0
    for i, ch in enumerate(text):
        if ch in "。;；\n":
            if text[start : i + 1].strip():
                spans.append((start, i + 1))
            start = i + 1
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def split_items(text: str) -> list[tuple[int, int, int]]:
    """Numbered items (``1. ``, ``2、``) of a list: (number, start, end) spans, numbers ascending."""
    return numbering.items(text, "1.")

"""Words of a table line with their x extent, and what each word is (code, amount, text).

PDF lines carry each cell's x extent; a cell holding several words ("基本支出 项目支出",
"2,106.66 1,503.52") is split and its extent shared out by character width. Text lines have no
geometry: their words get the character offset as x (pdftotext -layout gives every character, CJK
too, one column), which only layout text makes meaningful.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from ... import lazyre
from ...document import Line
from ...money import to_fen
from ...text import display_width

AMOUNT = lazyre.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?$")
_DECIMAL = lazyre.compile(r"\.\d{1,2}$")


class Word(NamedTuple):
    """A word of a table line and its x extent (immutable; a tuple, built thousands of times a document)."""

    text: str
    x0: float
    x1: float
    line: Line

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def is_amount(self) -> bool:
        """A printed figure: grouped or with decimals (a bare 1-2 digit integer is a code part)."""
        return _is_figure(self.text)

    def fen(self) -> int:
        """The figure in fen, read as 万元."""
        return to_fen(self.text.replace(",", ""), "万元")


@functools.lru_cache(maxsize=8192)
def _is_figure(text: str) -> bool:
    """`Word.is_amount` of a text (asked several times per word while a table is read)."""
    return bool(AMOUNT.match(text)) and (bool(_DECIMAL.search(text)) or "," in text)


_WORD = lazyre.compile(r"\S+")


def _spans(text: str) -> list[tuple[str, int, int]]:
    """Each word of `text` with its start and end in display columns, in one pass over the text."""
    out: list[tuple[str, int, int]] = []
    col = 0
    pos = 0
    for part in _WORD.finditer(text):
        col += display_width(text[pos : part.start()])
        word = part.group()
        w = display_width(word)
        out.append((word, col, col + w))
        col += w
        pos = part.end()
    return out


#: a cell printing a dash for nothing (``-``, ``—``, ``－``): a blank cell, not a word of a name
_NIL = frozenset("-—–－‐")


def words(ln: Line) -> list[Word]:
    """The words of a line, left to right, with x extents (PDF points, or character offsets in text).
    A word of dashes alone is a figure printed as nothing: left out, as a blank cell is."""
    found = _words(ln)
    return [w for w in found if not _NIL.issuperset(w.text)] if any(_NIL.issuperset(w.text) for w in found) else found


def _words(ln: Line) -> list[Word]:
    out: list[Word] = []
    if ln.cell_x and len(ln.cell_x) == len(ln.cells):
        for cell, (x0, x1) in zip(ln.cells, ln.cell_x):
            parts = cell.split()  # the words (str.split's whitespace is the pattern's \s)
            if not parts:
                continue
            if len(parts) == 1 and len(parts[0]) == len(cell):  # one word filling its cell: the whole extent
                total = display_width(cell)
                scale = (x1 - x0) / (total or 1)
                out.append(Word(cell, x0 + 0 * scale, x0 + total * scale, ln))
                continue
            total = display_width(cell) or 1
            scale = (x1 - x0) / total
            for text, a, b in _spans(cell):
                out.append(Word(text, x0 + a * scale, x0 + b * scale, ln))
        return out
    # text: the character offset, as pdftotext -layout sets every character (CJK too) in one column
    return [Word(m.group(), float(m.start()), float(m.end()), ln) for m in _WORD.finditer(ln.text)]


def has_geometry(lines: list[Line]) -> bool:
    """Whether the lines come from a PDF (their x positions place values under header columns)."""
    return any(ln.cell_x for ln in lines)


_RUN = lazyre.compile(r"\S {3,}\S")
#: a figure glued to the text or code after it (``80.38其他…``, ``0.0022102``: two printed lines joined)
_GLUED_FIGURE = lazyre.compile(r"^(-?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2})(\D.*|\d{3}(?:\d{2}){0,2})$")


def is_layout(lines: list[Line]) -> bool:
    """Whether text keeps the printed columns as runs of spaces (pdftotext -layout): then a word's
    character offset tells its column."""
    body = [t for t in (ln.text.strip() for ln in lines) if " " in t]  # lines of two words or more
    return bool(body) and sum(1 for t in body if _RUN.search(t)) * 2 >= len(body)


def split_glued(ws: list[Word]) -> list[Word]:
    """The words with a figure glued to the text after it split in two (same extent)."""
    out: list[Word] = []
    for w in ws:
        m = _GLUED_FIGURE.match(w.text)
        if m:
            out.extend((Word(m.group(1), w.x0, w.x1, w.line), Word(m.group(2), w.x0, w.x1, w.line)))
        else:
            out.append(w)
    return out

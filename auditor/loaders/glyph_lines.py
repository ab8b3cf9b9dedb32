"""Located lines from positioned glyphs: the geometry the PDF text layer and OCR share.

Each glyph's box (for a text layer the character's *loose* box: font ascent to descent, origin to
advance) groups it into a line by vertical overlap, glyphs are ordered by x, and a horizontal gap
wider than about one character splits cells; a narrower one is a space between words, except
between two wide (CJK) characters, where it is justification.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple

from .. import lazyre
from ..document import Line

#: A gap wider than this many line heights between two characters separates table cells.
CELL_GAP = 1.0
#: A gap wider than this (but not a cell gap) is a space between words inside one cell.
WORD_GAP = 0.25
#: Between two wide (CJK / full-width) characters a narrower gap is justification, not a space.
WIDE_WORD_GAP = 0.45
#: A printed amount (grouped thousands or two decimals) ends a cell at any word gap: amounts are
#: right-aligned against the next column, often closer than a character width.
_AMOUNT_END = lazyre.compile(r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d{2})$")
#: Two boxes are on the same line when they overlap vertically by this share of the smaller height.
SAME_LINE = 0.5


@dataclass(slots=True)
class _Char:
    ch: str
    left: float
    right: float
    bottom: float
    top: float


@dataclass(slots=True)
class _Row:
    bottom: float
    top: float
    chars: list[_Char]


class _Glyphs(NamedTuple):
    """A page's characters as columns (the line builder reads them so; no object per character)."""

    ch: list[str]
    left: list[float]
    right: list[float]
    bottom: list[float]
    top: list[float]
    #: each character's index on its PDFium text page (None for glyphs of no text page, e.g. OCR)
    index: list[int] | None = None
    #: quarter turns the page's text was drawn at and turned back by (``_turn``); 0 for upright text
    turn: int = 0

    @classmethod
    def of(cls, chars: list[_Char]) -> _Glyphs:
        return cls(
            [c.ch for c in chars],
            [c.left for c in chars],
            [c.right for c in chars],
            [c.bottom for c in chars],
            [c.top for c in chars],
        )


def _rows(bottom: list[float], top: list[float]) -> list[tuple[float, float, list[int]]]:
    """Group characters (by index) into rows by vertical overlap, top of the page first: each row is
    (bottom, top, its characters), its extent that of the character that opened it."""
    order = sorted(range(len(top)), key=lambda i: -(top[i] + bottom[i]))
    rows: list[tuple[float, float, list[int]]] = []
    last: list[int] | None = None  # the row of the previous character
    pb = pt = None  # and its box
    for i in order:
        ct, cb = top[i], bottom[i]
        if ct == pt and cb == pb and last is not None and ct > cb:
            last.append(i)  # the same box as the previous character (a line in one font): its row
            continue
        height = ct - cb
        best = None
        best_ratio = 0.0
        # a character can only belong to one of the last few rows (sorted by centre)
        for row in rows[-4:]:
            rb, rt = row[0], row[1]
            overlap = (rt if rt < ct else ct) - (rb if rb > cb else cb)
            if overlap <= 0:
                continue
            rh = rt - rb
            smaller = (height if height < rh else rh) or 1e-6
            ratio = overlap / smaller
            if ratio > best_ratio:
                best, best_ratio = row, ratio
        if best is not None and best_ratio >= SAME_LINE:
            last = best[2]
            last.append(i)
        else:
            last = [i]
            rows.append((cb, ct, last))
        pb, pt = cb, ct
    rows.sort(key=lambda r: -(r[1] + r[0]))
    return rows


def _group_rows(chars: list[_Char]) -> list[_Row]:
    """Group characters into rows by vertical overlap, top of the page first."""
    rows = _rows([c.bottom for c in chars], [c.top for c in chars])
    return [_Row(bottom, top, [chars[i] for i in members]) for bottom, top, members in rows]


def _row_cells(
    ch: Sequence[str], left: Sequence[float], right: Sequence[float], height: float, rules: tuple[float, ...] = ()
) -> tuple[tuple[str, ...], tuple[tuple[float, float], ...]]:
    """A row's cells, left to right, with their x extents, from its characters in x order: split
    where the gap exceeds ~one character, and wherever one of the vertical `rules` (x positions,
    ascending) runs between two characters' centres."""
    rule = 0  # the first rule right of the previous character's centre
    n_rules = len(rules)
    cells: list[str] = []
    spans: list[tuple[float, float]] = []
    start = left[0] if ch else 0.0
    current: list[str] = []
    prev_ch: str | None = None
    prev_right = 0.0
    cell_gap, word_gap, wide_gap = CELL_GAP * height, WORD_GAP * height, WIDE_WORD_GAP * height
    wide = _WIDE
    for c, c_left, c_right in zip(ch, left, right):
        if prev_ch is not None:
            gap = c_left - prev_right
            if n_rules:
                centre = (c_left + c_right) / 2
                ruled = rule < n_rules and rules[rule] < centre
                while rule < n_rules and rules[rule] < centre:
                    rule += 1
            else:
                ruled = False
            if ruled or gap > cell_gap:
                cells.append("".join(current))
                spans.append((round(start, 1), round(prev_right, 1)))
                current, start = [], c_left
            elif gap > word_gap:
                if c not in "0123456789,." and _AMOUNT_END.search("".join(current[-24:])):
                    cells.append("".join(current))
                    spans.append((round(start, 1), round(prev_right, 1)))
                    current, start = [], c_left
                else:
                    a, b = wide.get(prev_ch), wide.get(c)
                    if a is None:
                        a = _wide(prev_ch)
                    if b is None:
                        b = _wide(c)
                    if not (a and b) or gap > wide_gap:
                        current.append(" ")
            current.append(c)
            if c_right > prev_right:
                prev_right = c_right
        else:
            if n_rules:
                centre = (c_left + c_right) / 2
                while rule < n_rules and rules[rule] < centre:
                    rule += 1
            current.append(c)
            prev_right = c_right
        prev_ch = c
    if current:
        cells.append("".join(current))
        spans.append((round(start, 1), round(prev_right, 1)))
    return tuple(cells), tuple(spans)


_WIDE: dict[str, bool] = {}


def _wide(ch: str) -> bool:
    """East Asian wide or full-width (remembered once asked)."""
    wide = _WIDE[ch] = unicodedata.east_asian_width(ch) in ("W", "F")
    return wide


#: A positioned glyph (text in a box, PDF points, y upwards): what a text layer or OCR gives.
Glyph = _Char


def lines_from_glyphs(
    chars: list[_Char], page_no: int, rules: list[tuple[float, float, float]] | tuple = ()
) -> list[Line]:
    """Located lines from positioned glyphs, top to bottom: the seam that the text layer and the OCR
    stage (`auditor.loaders.ocr_lines`) share, so the parsers read both alike. `rules` are vertical
    table rules as (x, bottom, top): a rule that crosses a row's middle separates cells there."""
    return _located_lines(_Glyphs.of(chars), page_no, rules)


def _located_lines(
    glyphs: _Glyphs,
    page_no: int,
    rules: list[tuple[float, float, float]] | tuple = (),
    firsts: list[int] | None = None,
) -> list[Line]:
    """The glyphs' lines; with `firsts`, each line's first character's text-page index is appended
    to it (the glyphs must come from a text page)."""
    ch, left, right = glyphs.ch, glyphs.left, glyphs.right
    index = glyphs.index
    out: list[Line] = []
    for n, (bottom, top, members) in enumerate(_rows(glyphs.bottom, glyphs.top), start=1):
        members.sort(key=left.__getitem__)  # left to right (stable: ties keep their order by centre)
        if firsts is not None:
            firsts.append(index[members[0]])
        mid = (top + bottom) / 2
        xs = tuple(sorted(x for x, lo, hi in rules if lo <= mid <= hi)) if rules else ()
        if len(members) > 1:
            pick = itemgetter(*members)
            cells, spans = _row_cells(pick(ch), pick(left), pick(right), top - bottom, xs)
        else:
            (i,) = members
            cells, spans = _row_cells((ch[i],), (left[i],), (right[i],), top - bottom, xs)
        box = (spans[0][0], round(bottom, 1), spans[-1][1], round(top, 1)) if spans else None
        out.append(Line(text="  ".join(cells), line=n, page=page_no, cells=cells, cell_x=spans, bbox=box))
    return out

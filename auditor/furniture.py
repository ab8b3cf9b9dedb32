"""Page furniture: the page numbers and running headers a paginated source prints on every page.

A PDF of a disclosure (or its extracted text, pages ending in form feeds) often prints on each page a
page number (``- 3 -``, ``第 3 页``, ``第3页 共30页``, ``3/30``, a bare ``3``) and a running header or
footer (the document's title, the department's name). Read as document lines they break what runs
across a page: a table's rows (``- 14 -`` read as a row of 14.00) and a paragraph continued on the
next page (cut, without its full stop, by the footer). They are taken out of the lines every parser
reads, before any parser runs; the Document keeps them in ``furniture``.

What counts:
- anywhere, a line that is only a page number in words or dashes (``- 3 -``, ``第 3 页``,
  ``第3页 共30页``): no table cell or sentence is printed so;
- at a page's edge (its first and last ``_EDGE`` non-blank lines), in a source of at least
  ``_MIN_PAGES`` pages:
  - ``3/30`` or ``3 / 30``;
  - a bare number, when such numbers run with the pages (page + one offset) on at least
    ``_MIN_PAGES`` pages, so that a figure or a 目录 entry's page number ending one page is never taken;
  - a line of one cell of Chinese words repeated at an edge of at least ``_MIN_PAGES`` pages and ``_RUNNING_SHARE`` of
    the pages with text (digits aside: ``普陀区财政局 第3页``), unless it holds a word of a table's own
    lines (表, 单位, 编制, 科目, 项目, 合计: a table's title, unit line and column heads repeat at the top
    of its continuation pages and belong to it), or that stands on no page but right above a line
    ending in 表 (the first line of a title printed over two, ``…2025年`` / ``部门收入预算总表``,
    repeats on every table page; a running header stands on pages of prose too). A running header
    that already stands on the first page keeps its place there: it is the cover's title.
"""

from __future__ import annotations

from dataclasses import replace

from . import lazyre
from .document import Document, Line
from .text import HAN

#: how many non-blank lines at the top and at the bottom of a page are its edges
_EDGE = 2
#: the share of the pages with text a running header or footer stands on
_RUNNING_SHARE = 0.4
#: pages a bare page number or a running line must be found on (and a source must have)
_MIN_PAGES = 3

_PAGE_WORDS = lazyre.compile(
    r"\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?)\s*"
)
_PAGE_OF = lazyre.compile(r"\s*\d{1,4}\s*/\s*\d{1,4}\s*")
_BARE = lazyre.compile(r"\s*([1-9]\d{0,3})\s*")  # (no page is numbered 0 or 01: those are figures, codes)
_DIGITS = lazyre.compile(r"\d+")
_SPACES = lazyre.compile(r"[\s\u3000]+")
#: the longest page number in words (``第1000页 共1000页``)
_SHORT = 16
_TABLE_WORDS = ("表", "单位", "编制", "科目", "项目", "合计")


def without_furniture(doc: Document, pages: list[list[int]] | None = None) -> Document:
    """The document without its page furniture: a copy, `doc` is left as it is. `pages` holds the line
    indices of each page; by default the lines' ``page`` (PDFs, OCR) or the document's ``page_breaks``
    (text whose pages end in form feeds) say where each page is."""
    drop = furniture(doc.lines, _pages_of(doc) if pages is None else pages)
    if not drop:
        return doc
    return replace(
        doc,
        lines=[ln for i, ln in enumerate(doc.lines) if i not in drop],
        furniture=[*doc.furniture, *(doc.lines[i] for i in sorted(drop))],
    )


def _pages_of(doc: Document) -> list[list[int]]:
    """The line indices of each page: by the lines' ``page``, else by the document's page breaks."""
    if doc.page_breaks:
        bounds = [0, *doc.page_breaks, len(doc.lines)]
        return [list(range(a, b)) for a, b in zip(bounds, bounds[1:])]
    pages: dict[int, list[int]] = {}
    for i, ln in enumerate(doc.lines):
        if ln.page is not None:
            pages.setdefault(ln.page, []).append(i)
    return [pages[p] for p in sorted(pages)]


def furniture(lines: list[Line], pages: list[list[int]]) -> set[int]:
    """Indices of the lines that are page furniture (see the module doc)."""
    # a page number in words opens with a dash or 第: the test a line costs (each line is asked)
    drop = {
        i
        for i, ln in enumerate(lines)
        if (t := ln.text.strip()) and t[0] in "-—–－第" and len(t) <= _SHORT and _PAGE_WORDS.fullmatch(t)
    }
    if len(pages) < _MIN_PAGES:
        return drop
    bare: dict[int, list[tuple[int, int]]] = {}  # offset (number - page ordinal) -> (page ordinal, line index)
    running: dict[str, list[tuple[int, int]]] = {}  # shape -> (page ordinal, line index)
    elsewhere: set[int] = set()  # running candidates that stand over no table title
    with_text = 0
    for ordinal, page in enumerate(pages):
        edges, filled = _edges(lines, page)
        with_text += bool(filled)
        for i in edges:
            text = lines[i].text
            if i in drop:
                continue
            if _PAGE_OF.fullmatch(text):
                drop.add(i)
            elif m := _BARE.fullmatch(text):
                bare.setdefault(int(m.group(1)) - ordinal, []).append((ordinal, i))
            elif _is_running_kind(lines[i]):
                running.setdefault(_DIGITS.sub("#", _SPACES.sub("", text)), []).append((ordinal, i))
                if not _over_a_title(lines, filled, i):
                    elsewhere.add(i)
    for found in bare.values():
        if len(_pages_with(found)) >= _MIN_PAGES:
            drop.update(i for _, i in found)
    for found in running.values():
        on = _pages_with(found)
        if len(on) >= _MIN_PAGES and len(on) >= _RUNNING_SHARE * with_text and any(i in elsewhere for _, i in found):
            drop.update(i for ordinal, i in found if ordinal != 0)
    return drop


def _is_running_kind(line: Line) -> bool:
    """A line that may be a running header or footer: one cell of words (a title, a name), not a figure
    or code, and none of a table's own words."""
    text = line.text
    return sum(1 for c in line.cells if c) <= 1 and bool(HAN.search(text)) and not any(w in text for w in _TABLE_WORDS)


def _edges(lines: list[Line], page: list[int]) -> tuple[list[int], list[int]]:
    """(the page's first and last ``_EDGE`` lines with text, those and the line with text after the
    top ones, in page order): what `furniture` reads of a page, without a walk of all its lines."""
    top: list[int] = []
    for i in page:
        if lines[i].text.strip():
            top.append(i)
            if len(top) > _EDGE:
                break
    bottom: list[int] = []
    for i in reversed(page):
        if lines[i].text.strip():
            bottom.append(i)
            if len(bottom) >= _EDGE:
                break
    bottom.reverse()
    return list(dict.fromkeys(top[:_EDGE] + bottom)), list(dict.fromkeys(top + bottom))


def _over_a_title(lines: list[Line], filled: list[int], i: int) -> bool:
    """Whether the line stands right above a table's title (its next line with text on the page ends in 表)."""
    at = filled.index(i)
    return at + 1 < len(filled) and "表" in lines[filled[at + 1]].text.strip()[-8:]


def _pages_with(found: list[tuple[int, int]]) -> set[int]:
    """The pages (ordinals) of (page ordinal, line index) pairs: a number at both edges of one page is one page."""
    return {ordinal for ordinal, _ in found}

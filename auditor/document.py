"""The source text of a disclosure as located lines: what every parser reads, whatever the file type."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import lazyre

_TAGS = lazyre.compile(r"</?(?:u|mark|i|b|em|strong|sup|sub|span|br)\s*/?>", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the source with where it came from.

    `line` is the 1-based line of a text file, or the 1-based line on its page for a PDF;
    `page` is the 1-based PDF page (None for text). `cells` are the line's table cells:
    tab-separated in text files, gap-separated in PDFs, one cell for prose. `cell_x` lets a
    table parser place a value under its header column when blank cells leave no trace.
    """

    text: str
    line: int
    page: int | None = None
    cells: tuple[str, ...] = ()
    #: (left, right) x extent of each cell in PDF points, when the source has geometry (PDFs).
    cell_x: tuple[tuple[float, float], ...] = ()
    #: (left, bottom, right, top) of the whole line on its page in PDF points (origin bottom left),
    #: when the source has geometry; a cell's box is its ``cell_x`` extent between this bottom and top.
    bbox: tuple[float, float, float, float] | None = None


@dataclass(slots=True)
class Document:
    """All lines of one source, in reading order, plus what the reader noticed about the file."""

    path: str
    lines: list[Line]
    kind: str  # "text" | "pdf" | "workbook"
    pages: int | None = None
    #: pages (1-based) with no extractable text: blank, or an image without a text layer.
    empty_pages: list[int] = field(default_factory=list)
    encoding: str | None = None
    #: how the text was obtained: "ocr" (auditor's OCR, or an OCR tool's text layer), "text-layer"
    #: (a PDF's own text), None when the source does not say (text files, workbooks)
    extraction: str | None = None
    #: OCR provenance: {"engine", "pages" (1-based), "confidence": {(page, line): per-cell confidence}}
    ocr: dict | None = None
    #: pages whose text is drawn turned (a landscape table on a portrait page), by quarter turns: their
    #: lines are read turned back, so their geometry is not the page's (no box is drawn on them)
    turned: dict[int, int] = field(default_factory=dict)
    #: text whose pages end in form feeds (its lines carry no page): the indices of the lines that
    #: begin the second page, the third, ...
    page_breaks: tuple[int, ...] = ()
    #: page numbers and running headers taken out of `lines` (``auditor.furniture``), in source order
    furniture: list[Line] = field(default_factory=list)
    #: derived views that rules share (e.g. prose paragraphs), computed once per document;
    #: not an init field, so a copy made with dataclasses.replace starts empty
    cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def excerpt(self, line: int | None, page: int | None = None, context: int = 2) -> list[Line]:
        """The lines around a location, for evidence in reports."""
        if line is None:
            return []
        idx = [i for i, ln in enumerate(self.lines) if ln.line == line and (page is None or ln.page == page)]
        if not idx:
            return []
        i = idx[0]
        return self.lines[max(0, i - context) : i + context + 1]


def strip_markup(text: str) -> str:
    """Remove stray HTML tags (`<u>`, `<mark>`, `<i>`) that OCR pipelines leave behind."""
    return _TAGS.sub("", text) if "<" in text else text  # (every tag starts with one)


_CODED_ROW = lazyre.compile(r"^\s*\d{3}(?: \d{1,2}){0,2} \S")
_CELL_GAP = lazyre.compile(r" {2,}|\u3000")
_CELL_SPLIT = lazyre.compile(r" {2,}|\u3000{1,}")
_WIDE_GAP = lazyre.compile(r" {2,}")
_SUB_CODE = lazyre.compile(r"\d{1,2}")
_AMOUNT_WORD = lazyre.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


def split_cells(raw: str) -> tuple[str, ...]:
    """Split a text line into table cells: on tabs when present, else on runs of 2+ spaces.

    Text extracted without layout (pdfplumber's ``extract_text``) separates a table row's cells by
    single spaces; a line that starts with a function/economic code is then split into its codes,
    its name and its trailing amounts.
    """
    if "\t" in raw:
        parts = raw.split("\t")
    elif "  " not in raw and "\u3000" not in raw and not _CODED_ROW.match(raw):
        return (raw.strip(),)  # no gap to split at (what the split below gives, without its scan)
    elif _CELL_GAP.search(raw.strip()) or not _CODED_ROW.match(raw):
        parts = _CELL_SPLIT.split(raw)
    else:
        words = raw.split()
        codes = [words.pop(0)]
        while words and len(codes) < 3 and _SUB_CODE.fullmatch(words[0]):
            codes.append(words.pop(0))
        amounts: list[str] = []
        while words and _AMOUNT_WORD.match(words[-1]):
            amounts.insert(0, words.pop())
        parts = [*codes, " ".join(words), *amounts] if words and amounts else _WIDE_GAP.split(raw)
    return tuple(map(str.strip, parts))


def form_feed_pages(text: str) -> tuple[int | None, list[int]]:
    """(pages, blank pages) of text whose pages end in form feeds, as pdftotext writes them; (None, [])
    for text without any. A trailing form feed closes the last page; it does not open another."""
    if "\f" not in text:
        return None, []
    pages = text.split("\f")
    if not pages[-1].strip():
        pages.pop()
    return len(pages), [n for n, page in enumerate(pages, start=1) if not page.strip()]


def lines_from_text(text: str) -> list[Line]:
    """Turn decoded text into located lines (1-based), markup stripped, cells split."""
    out: list[Line] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        clean = strip_markup(raw).rstrip()
        out.append(Line(text=clean, line=n, page=None, cells=split_cells(clean)))
    return out


def page_breaks(text: str) -> tuple[int, ...]:
    """The indices (into ``lines_from_text(text)``) of the lines that begin a page after a form feed;
    () for text without one. A trailing form feed closes the last page and begins none."""
    if "\f" not in text:
        return ()
    out: list[int] = []
    lines = text.splitlines(keepends=True)
    for n, raw in enumerate(lines):
        if raw.endswith("\f") and n + 1 < len(lines):
            out.append(n + 1)
    return tuple(out)

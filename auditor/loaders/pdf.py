"""Text-layer PDFs: located lines rebuilt from character boxes with pypdfium2 (fast, exact).

PDFium's own text order cannot be trusted for tables: in many disclosures every character is its
own text object, and a whole table can come out as one run. So lines are rebuilt from geometry
(:mod:`auditor.loaders.glyph_lines`): each character's *loose* box (font ascent to descent, origin
to advance) groups it into a line by vertical overlap, characters are ordered by x, and a
horizontal gap wider than about one character splits cells. Spaces PDFium invents between objects
are ignored; the gaps speak for themselves.
"""

from __future__ import annotations

import ctypes
import functools
import math
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .. import lazyre
from ..document import Document, Line
from ..errors import LoadError
from ..model import Budget
from .glyph_lines import _Glyphs, _located_lines
from .sniff import is_pdf

if TYPE_CHECKING:  # pragma: no cover
    import pypdfium2 as pdfium


def _pdfium():
    """pypdfium2 and its raw bindings, imported when a PDF is read (not when any file is sniffed)."""
    import pypdfium2
    import pypdfium2.raw

    return pypdfium2, pypdfium2.raw


def _page_glyphs(textpage, bounds: tuple[float, float, float, float] | None = None) -> _Glyphs:
    """Every visible character of a page with its loose box (generated and control chars skipped).

    With `bounds` (the page's crop box: left, bottom, right, top), a character whose centre lies
    outside it is not on the page: it prints nowhere (an exporter that lets a long cell run past
    the page's edge writes the overflowing lines onto both pages, clipped on one of them).

    The characters come from one ``FPDFText_GetText`` call for the page (PDFium writes one UTF-16
    unit per character index); only the boxes are asked for per character, each written into one
    array for the page, which numpy then filters and orders as a whole. When the text does not line
    up with the indices (characters outside the BMP), each character is asked for its code. The
    characters PDFium generates (``FPDFText_IsGenerated``) are spaces and line breaks, which the
    whitespace test drops, so they need no call of their own.
    """
    _, pdfium_c = _pdfium()
    raw = textpage  # a FPDF_TEXTPAGE handle
    count = pdfium_c.FPDFText_CountChars(raw)
    if count <= 0:
        return _Glyphs([], [], [], [], [])
    text: str | list[str] | None = _page_text(raw, count)
    if text is None:
        get_unicode = pdfium_c.FPDFText_GetUnicode
        text = [chr(get_unicode(raw, i)) for i in range(count)]
    # spaces and control characters are dropped: the gaps carry the layout (each character judged once)
    known = _VISIBLE
    for ch in set(text).difference(known, _DROPPED):
        (known if ch > " " and ch not in _SKIP and _visible(ch) else _DROPPED).add(ch)
    keep = [i for i, ch in enumerate(text) if ch in known]
    if not keep:
        return _Glyphs([], [], [], [], [])
    import numpy as np

    boxes = np.empty((len(keep), 4), dtype=np.float32)  # FS_RECTF rows: left, top, right, bottom
    base = boxes.ctypes.data
    page = ctypes.cast(raw, ctypes.c_void_p).value
    n = len(keep)
    bulk = _bulk_boxes()
    if bulk is not None:  # the loop in C (one call per page)
        found, indices = np.empty(n, dtype=bool), np.array(keep, dtype=np.int64)  # (both alive for the call)
        bulk(_box_address(pdfium_c), page, indices.ctypes.data, n, base, found.ctypes.data)
    else:
        get_box = _loose_char_box(pdfium_c)
        found = np.fromiter(map(get_box, repeat(page, n), keep, range(base, base + 16 * n, 16)), dtype=bool, count=n)
    boxes = boxes.astype(np.float64)
    left, right = boxes[:, 0], boxes[:, 2]
    top, bottom = np.maximum(boxes[:, 1], boxes[:, 3]), np.minimum(boxes[:, 1], boxes[:, 3])
    if bounds is not None:  # outside the page: clipped away, not printed here
        x0, y0, x1, y1 = bounds
        cx, cy = (left + right) / 2, (top + bottom) / 2
        found &= (x0 <= cx) & (cx <= x1) & (y0 <= cy) & (cy <= y1)
    chosen = np.flatnonzero(found)
    index = [keep[n] for n in chosen.tolist()]
    chars = [text[i] for i in index]
    turn = _turn(pdfium_c, raw, index)
    if turn:
        left, right, bottom, top = _turned((left, right, bottom, top), turn, bounds)
    return _Glyphs(
        chars, left[chosen].tolist(), right[chosen].tolist(), bottom[chosen].tolist(), top[chosen].tolist(), index, turn
    )


def _turn(pdfium_c, raw, index: list[int], sample: int = 16) -> int:
    """The quarter turns (1-3, counter-clockwise) most of a page's characters are drawn at, or 0.

    A producer that prints a landscape table on a portrait page may draw the text turned by 90° and
    set the page's /Rotate to show it upright: then lines run up or down the page in its coordinates.
    Judged on a sample of the characters (PDFium's ``FPDFText_GetCharAngle``)."""
    angle_of = getattr(pdfium_c, "FPDFText_GetCharAngle", None)  # (a PDFium build without it: upright)
    if not index or angle_of is None:
        return 0
    step = max(1, len(index) // sample)
    votes = [0, 0, 0, 0]
    for i in index[::step][:sample]:
        angle = angle_of(raw, i)
        if angle >= 0:
            votes[-round(angle / (math.pi / 2)) % 4] += 1  # PDFium measures the angle clockwise
    best = max(range(4), key=votes.__getitem__)
    return best if best and votes[best] * 2 > sum(votes) else 0


def _turned(box: tuple, turn: int, page: tuple | None = None) -> tuple:
    """(left, right, bottom, top) of boxes (numbers or arrays) turned back by `turn` quarter turns
    (clockwise), so that text drawn at that angle reads left to right, top to bottom; on the `page`
    (its visible area: left, bottom, right, top) turned alike, so positions stay within the page."""
    left, right, bottom, top = box
    x0, y0, x1, y1 = page or (0.0, 0.0, 0.0, 0.0)
    if turn == 1:  # (x, y) -> (y - y0, x1 - x)
        return bottom - y0, top - y0, x1 - right, x1 - left
    if turn == 2:  # (x, y) -> (x1 - x, y1 - y)
        return x1 - right, x1 - left, y1 - top, y1 - bottom
    return y1 - top, y1 - bottom, left - x0, right - x0  # turn 3: (x, y) -> (y1 - y, x - x0)


def _bulk_boxes() -> Callable[..., int] | None:
    """The box loop in C (``_boxes.c``, built with the package: one call per page instead of one
    ctypes call per character, which costs about twice PDFium's own work), or None where it was not
    built (no compiler at install): then each character's box through ``_loose_char_box``."""
    return _bulk("loose_boxes")


@functools.lru_cache(maxsize=2)
def _bulk(name: str) -> Callable[..., int] | None:
    """A loop of ``_boxes.c`` by name, or None where the module was not built."""
    try:
        from . import _boxes
    except ImportError:
        return None
    return getattr(_boxes, name, None)


@functools.lru_cache(maxsize=1)
def _box_address(pdfium_c) -> int:
    """The address of PDFium's ``FPDFText_GetLooseCharBox`` (what the C loop calls)."""
    return ctypes.cast(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_void_p).value


@functools.lru_cache(maxsize=1)
def _loose_char_box(pdfium_c):
    """FPDFText_GetLooseCharBox through a plain prototype (addresses as integers), made once: it runs
    once per character, and pypdfium2's typed binding spends more time checking pointer types than
    PDFium spends finding the box."""
    return ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)(
        ctypes.cast(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_void_p).value
    )


#: Spaces PDFium reports as characters (no-break, ideographic, BOM) and non-characters.
_SKIP = frozenset("\u00a0\u3000\ufeff\ufffe\uffff")
#: the characters seen so far that print (kept) and that do not (spaces, controls, ``_SKIP``)
_VISIBLE: set[str] = set()
_DROPPED: set[str] = set()


def _visible(ch: str) -> bool:
    """Not a control, format, surrogate or private-use character."""
    return unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co")


def _page_text(raw, count: int) -> str | None:
    """The page's characters, one per index, or None when UTF-16 units and indices do not line up."""
    _, pdfium_c = _pdfium()
    buffer = (ctypes.c_ushort * (count + 1))()
    written = pdfium_c.FPDFText_GetText(raw, 0, count, buffer)
    units = max(0, written - 1)  # the count includes the terminating NUL
    if units != count:
        return None
    text = memoryview(buffer).cast("B")[: units * 2].tobytes().decode("utf-16-le", errors="surrogatepass")
    return text if len(text) == count and not _SURROGATE.search(text) else None


_SURROGATE = lazyre.compile("[\ud800-\udfff]")


def page_lines(
    textpage, page_no: int, bounds: tuple[float, float, float, float] | None = None, turns: dict | None = None
) -> list[Line]:
    """The located lines of one page (`textpage`: its PDFium FPDF_TEXTPAGE handle), in reading order
    (top to bottom): only what prints, i.e. what lies on the page (`bounds`, the crop box) and inside
    the clip of its text (``_Clips``)."""
    firsts: list[int] = []  # the text-page index of each line's first character
    glyphs = _page_glyphs(textpage, bounds)
    if glyphs.turn and turns is not None:
        turns[page_no] = glyphs.turn
    lines = _located_lines(glyphs, page_no, firsts=firsts)
    clipped = _Clips(textpage, glyphs.turn, bounds)
    clipped.read_ahead([first for ln, first in zip(lines, firsts) if ln.cell_x and ln.bbox is not None and first >= 0])
    kept = [ln for ln, first in zip(lines, firsts) if not clipped(ln, first)]
    if len(kept) == len(lines):
        return lines
    return [replace(ln, line=n) for n, ln in enumerate(kept, start=1)]


class _Clips:
    """Whether a line's first character lies outside the clip path of its text object: an exporter
    that lets a long cell run past the page's edge writes the run-over lines on both pages and clips
    them away on one (Commerce 2025 p.4 holds 22 such lines of p.3). Checked once per line (a line
    is clipped whole), at the line's first character (its index on the text page, known from the
    line's building) and the line's middle; a clip whose extent cannot be read keeps the line. Each
    text object's clip extent is read once per page."""

    def __init__(self, textpage, turn: int = 0, bounds: tuple | None = None) -> None:
        self._turn, self._bounds = turn, bounds  # the page's text turned back (``_turn``): clips alike
        self._api = _clip_api(_pdfium()[1])
        self._page = ctypes.cast(textpage, ctypes.c_void_p).value
        self._extents: dict[int, tuple[float, float, float, float] | None] = {}
        #: the extents read ahead, by character index (``read_ahead``)
        self._ahead: dict[int, tuple[float, float, float, float] | None] = {}

    def read_ahead(self, indices: list[int]) -> None:
        """Read the clip extents of these characters' text objects in one call of the C loop
        (``_boxes.clip_extents``, the same PDFium calls as ``_extent``), where it was built."""
        bulk = _bulk("clip_extents")
        if bulk is None or not indices:
            return
        import numpy as np

        n = len(indices)
        at, extents, found = np.array(indices, dtype=np.int64), np.empty((n, 4)), np.empty(n, dtype=bool)
        bulk(*_clip_addresses(_pdfium()[1]), self._page, at.ctypes.data, n, extents.ctypes.data, found.ctypes.data)
        self._ahead = {i: tuple(e) if f else None for i, e, f in zip(indices, extents.tolist(), found.tolist())}

    def __call__(self, line: Line, index: int) -> bool:
        if not line.cell_x or line.bbox is None or index < 0:
            return False
        extent = self._ahead.get(index, False)
        if extent is False:
            obj = self._api.text_object(self._page, index)
            if not obj:
                return False
            extent = self._extents.get(obj, False)
            if extent is False:
                extent = self._extents[obj] = self._extent(obj)
        if extent is None:
            return False
        left, bottom, right, top = extent
        if self._turn:
            left, right, bottom, top = _turned((left, right, bottom, top), self._turn, self._bounds)
        x, y = line.cell_x[0][0] + 0.5, (line.bbox[1] + line.bbox[3]) / 2
        return not (left <= x <= right and bottom <= y <= top)

    def _extent(self, obj: int) -> tuple[float, float, float, float] | None:
        """The bounding box of the object's clip (None: no clip, or nothing readable or degenerate)."""
        c = self._api
        clip = c.clip_path(obj)
        if not clip:
            return None
        px, py = ctypes.c_float(), ctypes.c_float()
        rx, ry = ctypes.addressof(px), ctypes.addressof(py)
        left, bottom, right, top = -1e9, -1e9, 1e9, 1e9
        for i in range(c.count_paths(clip)):
            xs, ys = [], []
            for j in range(c.count_segments(clip, i)):
                seg = c.segment(clip, i, j)
                if seg and c.point(seg, rx, ry):
                    xs.append(px.value)
                    ys.append(py.value)
            if not xs:
                continue
            # the clip is the intersection of its paths; each path within its bounding box
            left, bottom, right, top = max(left, min(xs)), max(bottom, min(ys)), min(right, max(xs)), min(top, max(ys))
        if right - left < 1 or top - bottom < 1:
            return None  # nothing readable, or a degenerate clip: keep the text rather than guess
        return left, bottom, right, top


class _ClipApi(NamedTuple):
    text_object: Callable[..., int | None]
    clip_path: Callable[..., int | None]
    count_paths: Callable[..., int]
    count_segments: Callable[..., int]
    segment: Callable[..., int | None]
    point: Callable[..., int]


#: the clip test's PDFium functions, in ``_ClipApi``'s order
_CLIP_CALLS = (
    "FPDFText_GetTextObject",
    "FPDFPageObj_GetClipPath",
    "FPDFClipPath_CountPaths",
    "FPDFClipPath_CountPathSegments",
    "FPDFClipPath_GetPathSegment",
    "FPDFPathSegment_GetPoint",
)


@functools.lru_cache(maxsize=1)
def _clip_addresses(pdfium_c) -> tuple[int, ...]:
    """The addresses of the clip test's PDFium functions (what the C loop calls)."""
    return tuple(ctypes.cast(getattr(pdfium_c, name), ctypes.c_void_p).value for name in _CLIP_CALLS)


@functools.lru_cache(maxsize=1)
def _clip_api(pdfium_c) -> _ClipApi:
    """The PDFium calls of the clip test through plain prototypes (handles as integers), made once:
    they run for every line, several per clip path, and pypdfium2's typed bindings check the
    pointer types of every argument on each call."""
    vp, i = ctypes.c_void_p, ctypes.c_int

    def plain(name: str, restype, *argtypes):
        return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(getattr(pdfium_c, name), ctypes.c_void_p).value)

    types = ((vp, vp, i), (vp, vp), (i, vp), (i, vp, i), (vp, vp, i, i), (i, vp, vp, vp))  # (result, *arguments)
    return _ClipApi(*(plain(name, *t) for name, t in zip(_CLIP_CALLS, types)))


def _open(path: Path) -> pdfium.PdfDocument:
    pdfium, pdfium_c = _pdfium()
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        err = pdfium_c.FPDF_GetLastError()
        if err == pdfium_c.FPDF_ERR_PASSWORD:
            raise LoadError("PDF is encrypted and needs a password; decrypt it first", path=str(path)) from exc
        if err == pdfium_c.FPDF_ERR_SECURITY:
            raise LoadError("PDF uses an unsupported security handler (encrypted)", path=str(path)) from exc
        if err == pdfium_c.FPDF_ERR_FORMAT:
            reason = "the file is damaged or truncated (PDFium: data format error)"
        elif err == pdfium_c.FPDF_ERR_FILE:
            reason = "file not found or could not be read"
        else:
            reason = str(exc).strip().rstrip(".") or "unknown error"
        raise LoadError(f"cannot open PDF: {reason}", path=str(path)) from exc
    except OSError as exc:
        raise LoadError(f"cannot read file ({exc.strerror})", path=str(path)) from exc


def _crop_box(page) -> tuple[float, float, float, float] | None:
    """The page's visible area (left, bottom, right, top) in the coordinates of its characters, from
    its PDFium handle: the CropBox, else the MediaBox, else US Letter (what pypdfium2's
    ``get_cropbox`` answers)."""
    _, pdfium_c = _pdfium()
    box = [ctypes.c_float() for _ in range(4)]
    try:
        if pdfium_c.FPDFPage_GetCropBox(page, *box) or pdfium_c.FPDFPage_GetMediaBox(page, *box):
            left, bottom, right, top = (v.value for v in box)
        else:
            left, bottom, right, top = 0, 0, 612, 792
    except Exception:  # noqa: BLE001 - a page without a readable box keeps all its text
        return None
    if right - left < 1 or top - bottom < 1:
        return None
    return (min(left, right), min(bottom, top), max(left, right), max(bottom, top))


def read_document(path: str | Path, *, require_text: bool = True) -> Document:
    """Read a text-layer PDF into a located Document (no parsing); with `require_text` off, a PDF of
    images only gives a Document without lines (its pages in `empty_pages`) for the OCR stage."""
    path = Path(path)
    pdf = _open(path)
    try:
        return read_open(pdf, path, require_text=require_text)
    finally:
        pdf.close()


def read_open(pdf: pdfium.PdfDocument, path: Path, *, require_text: bool = True) -> Document:
    """`read_document` of a PDF the caller has opened (and closes)."""
    _, pdfium_c = _pdfium()
    n_pages = len(pdf)
    if n_pages == 0:
        raise LoadError("cannot open PDF: it has no pages", path=str(path))
    lines: list[Line] = []
    empty: list[int] = []
    turned: dict[int, int] = {}
    for index in range(n_pages):
        # PDFium's own page handles, not pypdfium2's page objects (their bookkeeping costs about a
        # tenth of loading a page), closed here as the helpers would close them
        page = pdfium_c.FPDF_LoadPage(pdf.raw, index)
        if not page:
            raise LoadError(f"cannot open PDF: page {index + 1} is damaged (Failed to load page.)", path=str(path))
        try:
            textpage = pdfium_c.FPDFText_LoadPage(page)
            if not textpage:
                raise LoadError(f"cannot open PDF: page {index + 1} has no readable text page", path=str(path))
            try:
                got = page_lines(textpage, index + 1, _crop_box(page), turned)
            finally:
                pdfium_c.FPDFText_ClosePage(textpage)
        finally:
            pdfium_c.FPDF_ClosePage(page)
        if not got:
            empty.append(index + 1)
        lines.extend(got)
    if not lines and require_text:
        raise LoadError(
            f"PDF has no text layer ({n_pages} page{'s' if n_pages != 1 else ''} of images or blank); "
            "OCR it first (e.g. ocrmypdf) and load the result",
            path=str(path),
        )
    return Document(path=str(path), lines=lines, kind="pdf", pages=n_pages, empty_pages=empty, turned=turned)


class PdfLoader:
    """Reads PDFs with a text layer; every line keeps its page and its line on that page."""

    name = "pdf"
    builtin = True

    def sniff(self, path: Path, head: bytes) -> bool:
        return is_pdf(path, head)

    def load(self, path: Path) -> Budget:
        from ..parse import parse_document

        return parse_document(read_document(path))

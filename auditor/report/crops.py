"""Pictures of the evidence: a crop of the PDF page around a finding, the spot outlined in red.

Rendered with pypdfium2 (already the PDF loader's engine) and drawn with Pillow; both the
checklist workbook and the HTML report embed the PNG bytes. A finding without a page, a source
that is not a PDF, or a missing Pillow give no picture (None), never an error: pictures are
evidence for a reader, the findings stand without them.
"""

from __future__ import annotations

import io
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..findings import Finding

#: Points of page kept above and below the outlined box.
MARGIN_Y = 42.0
#: Points of page kept left and right of the text block.
MARGIN_X = 14.0
#: Render scale (1 = 72 dpi).
SCALE = 2.0
OUTLINE = (214, 39, 40)
#: The narrowest crop, in points (a short cell still shows its neighbours).
MIN_WIDTH = 300.0

#: Rendered pages kept while cropping.
KEEP_PAGES = 4

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Crop:
    """One rendered crop: PNG bytes and its size in pixels."""

    png: bytes
    width: int
    height: int


def _pil():
    try:
        from PIL import Image, ImageDraw  # noqa: F401
    except ImportError:
        return None
    return True


class PageRenderer:
    """Renders crops of one PDF, keeping the document open across findings (``close()`` when done)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._pdf: Any = None
        self._failed = False
        self._cache: dict[tuple, Crop | None] = {}
        self._pages: OrderedDict[int, Any] = OrderedDict()

    def _doc(self):
        if self._pdf is None and not self._failed:
            try:
                import pypdfium2 as pdfium

                self._pdf = pdfium.PdfDocument(self.path)
            except Exception:  # noqa: BLE001 - no picture rather than no report
                self._failed = True
        return self._pdf

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None

    def __enter__(self) -> PageRenderer:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def crop(self, page: int | None, bbox: Box | None, line: Box | None = None) -> Crop | None:
        """The page around ``bbox`` (PDF points, origin bottom left), the box outlined; the top of
        the page when the box is unknown; None when the page cannot be rendered. ``line`` (the
        box of the whole line) widens the crop to the start of the line, so that a cell is shown
        with its row's code and name."""
        if page is None or _pil() is None:
            return None
        key = (page, tuple(bbox) if bbox else None, tuple(line) if line else None)
        if key not in self._cache:
            self._cache[key] = self._render(page, bbox, line)
        return self._cache[key]

    def _page_image(self, pdf: Any, page_no: int):
        """(image, width, height) of a page; the last few are kept (findings come roughly in page order)."""
        if page_no in self._pages:
            self._pages.move_to_end(page_no)
            return self._pages[page_no]
        try:
            page = pdf[page_no - 1]
            try:
                width, height = page.get_size()
                got = (page.render(scale=SCALE).to_pil().convert("RGB"), width, height)
            finally:
                page.close()
        except Exception:  # noqa: BLE001 - no picture rather than no report
            return None
        self._pages[page_no] = got
        while len(self._pages) > KEEP_PAGES:
            self._pages.popitem(last=False)
        return got

    def _render(self, page_no: int, bbox: Box | None, line: Box | None) -> Crop | None:
        pdf = self._doc()
        if pdf is None or not 1 <= page_no <= len(pdf):
            return None
        got = self._page_image(pdf, page_no)
        if got is None:
            return None
        image, width, height = got
        from PIL import ImageDraw

        if bbox is not None:
            left, bottom, right, top = (float(v) for v in bbox)
            y0 = max(0.0, height - top - MARGIN_Y)
            y1 = min(height, height - bottom + MARGIN_Y)
        else:  # no box: the upper part of the page, where a page's heading and first lines are
            left = right = None
            y0, y1 = 0.0, min(height, 220.0)
        if left is not None:
            start = min(left, float(line[0])) if line else left
            x0 = max(0.0, start - MARGIN_X)
            x1 = min(width, max(right + MARGIN_X, x0 + MIN_WIDTH))
            x0 = max(0.0, min(x0, x1 - MIN_WIDTH))
        else:
            x0, x1 = 0.0, width
        box = tuple(round(v * SCALE) for v in (x0, y0, x1, y1))
        picture = image.crop(box)  # a copy: the kept page image is not drawn on
        if bbox is not None:
            draw = ImageDraw.Draw(picture)
            pad = 3
            spot = (
                (left - x0) * SCALE - pad,
                (height - top - y0) * SCALE - pad,
                (right - x0) * SCALE + pad,
                (height - bottom - y0) * SCALE + pad,
            )
            draw.rectangle(spot, outline=OUTLINE, width=3)
        buf = io.BytesIO()
        # a page of text needs few colours: a 32-colour palette keeps the crop small and sharp
        picture.quantize(colors=32).save(buf, format="PNG")
        return Crop(buf.getvalue(), picture.width, picture.height)


def source_pdf(report: Any) -> str | None:
    """The PDF a report was made from, when it is one and still on disk."""
    doc = getattr(report, "document", None) or {}
    path = doc.get("path")
    if not path or doc.get("source") not in (None, "pdf"):
        return None
    p = Path(str(path))
    if p.suffix.lower() != ".pdf" or not p.is_file():
        return None
    return str(p)


def finding_crop(renderer: PageRenderer | None, finding: Finding, budget: Any = None) -> Crop | None:
    """The crop for one finding (None without a renderer or a page); with the Budget, the crop
    starts at the beginning of the finding's line."""
    if renderer is None:
        return None
    from ..locate import line_at

    loc = finding.location
    ln = line_at(getattr(budget, "document", None), loc.page, loc.line)
    return renderer.crop(loc.page, loc.bbox, ln.bbox if ln is not None else None)

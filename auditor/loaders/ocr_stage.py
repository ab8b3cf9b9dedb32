"""The OCR stage of the PDF loader: which pages to recognise, and how their lines join the document.

``--ocr auto`` (the default) recognises the pages that have no text layer but carry an image
(scans), page by page, so a mixed PDF keeps its text layer where it has one; ``always`` recognises
every page (ignoring the text layer); ``never`` reads the text layer only, as before. The options
come from ``auditor.load(path, ocr=..., jobs=..., cache_dir=...)`` or the run's Config (the CLI's
``--ocr``, ``--jobs``, ``--cache-dir``), held in a context variable (``ocr_options``) for the duration of one
load, so that the loader protocol (``load(path)``) stays the same for every loader.

This module is light: the recogniser (``auditor.loaders.ocr``, the optional ``ocr`` extra) is only
imported when a page needs it, and its absence is one clear LoadError naming the extra.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .. import lazyre
from ..document import Document
from ..errors import LoadError
from ..model import Budget
from .ocr_options import current_options
from .pdf import PdfLoader as _TextLayerPdfLoader
from .pdf import _open, read_open

INSTALL_HINT = "pip install 'budget-auditor[ocr]'"

#: Producers (or creators) of PDFs whose text layer is itself the output of an OCR engine.
_OCR_PRODUCERS = lazyre.compile(
    r"ocrmypdf|tesseract|abbyy|finereader|omnipage|readiris|paddleocr|rapidocr|ocr", re.IGNORECASE
)


# ----------------------------------------------------------------------------------------------
# what the PDF holds


@dataclass(frozen=True)
class PdfSurvey:
    """What the OCR stage needs to know about a PDF before recognising anything."""

    pages: int
    #: pages (1-based) that carry an image
    image_pages: frozenset[int]
    #: the producer/creator, when it names an OCR engine (the text layer is an OCR's output)
    ocr_producer: str | None
    #: pages whose text is all invisible (render mode 3) over an image: an OCR tool's hidden layer
    hidden_text_pages: frozenset[int]


def survey(path: Path, pages: list[int] | None = None, *, opened: Any = None) -> PdfSurvey:
    """Image pages, invisible-text pages and an OCR producer of the PDF at `path` (no rendering),
    looking at `pages` (1-based; default all). A page's scan stops at its first visible text object
    (such a page is neither a scan nor hidden OCR text), so a text-layer PDF costs little. `opened`:
    the PDF already open (the caller closes it); opening it again costs more than the scan."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    pdf = opened if opened is not None else _open(path)
    try:
        producer = None
        for key in ("Producer", "Creator"):
            try:
                value = pdf.get_metadata_value(key)
            except Exception:  # noqa: BLE001 - metadata is a nicety, never a reason to fail
                value = ""
            if value and _OCR_PRODUCERS.search(value):
                producer = value.strip()
                break
        images: set[int] = set()
        hidden: set[int] = set()
        for index in range(len(pdf)) if pages is None else [p - 1 for p in pages if 0 < p <= len(pdf)]:
            try:
                page = pdf[index]
            except pdfium.PdfiumError:
                continue
            try:
                has_image = False
                texts = invisible = 0
                for obj in page.get_objects(max_depth=2):
                    kind = obj.type
                    if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                        has_image = True
                    elif kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
                        texts += 1
                        if pdfium_c.FPDFTextObj_GetTextRenderMode(obj.raw) == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE:
                            invisible += 1
                        else:
                            break  # visible text: not a hidden OCR layer (and not a page OCR reads)
                if has_image:
                    images.add(index + 1)
                    if texts and invisible == texts:
                        hidden.add(index + 1)
            finally:
                page.close()
        return PdfSurvey(len(pdf), frozenset(images), producer, frozenset(hidden))
    finally:
        if opened is None:
            pdf.close()


def _no_text_message(n_pages: int) -> str:
    return (
        f"PDF has no text layer ({n_pages} page{'s' if n_pages != 1 else ''} of images or blank); "
        "OCR it first (e.g. ocrmypdf) and load the result, or let auditor read it (--ocr auto)"
    )


def complete_with_ocr(doc: Document, path: Path, first_page: PdfSurvey | None = None) -> Document:
    """The document with its scanned pages recognised (per the current options); `doc` is not changed.
    `first_page`: the survey of page 1, when the caller made it while the PDF was open.

    Raises LoadError when nothing can be read: no text layer and OCR off, or the ``ocr`` extra missing.
    """
    opts = current_options()
    n_pages = doc.pages or 0
    if opts.mode == "never":
        if not doc.lines:
            raise LoadError(_no_text_message(n_pages), path=str(path))
        return _mark_ocr_text_layer(doc, path, first_page)
    if opts.mode == "auto" and not doc.empty_pages:
        return _mark_ocr_text_layer(doc, path, first_page)
    info = survey(path)
    if opts.mode == "always":
        pages = list(range(1, info.pages + 1))
    else:
        pages = [p for p in doc.empty_pages if p in info.image_pages]
    if not pages:
        if not doc.lines:
            raise LoadError(_no_text_message(n_pages), path=str(path))
        return _mark_ocr_text_layer(doc, path, info)
    try:
        from . import ocr
    except ImportError as exc:
        what = (
            "is scanned" if len(pages) == n_pages else f"has {len(pages)} scanned page{'s' if len(pages) > 1 else ''}"
        )
        raise LoadError(
            f"PDF {what} (no text layer); reading it needs the OCR extra: {INSTALL_HINT} "
            f"({exc.name or 'rapidocr'} is not installed)",
            path=str(path),
        ) from exc
    result = ocr.recognise(path, pages, opts)
    replaced = set(pages)
    lines = [ln for ln in doc.lines if ln.page not in replaced]
    for page in pages:
        lines.extend(result.lines.get(page, []))
    lines.sort(key=lambda ln: (ln.page or 0, ln.line))
    empty = sorted({p for p in doc.empty_pages if p not in replaced} | {p for p in pages if not result.lines.get(p)})
    if not lines:
        raise LoadError(_no_text_message(n_pages) + "; OCR found no text either", path=str(path))
    return replace_document(
        doc,
        lines=lines,
        empty_pages=empty,
        extraction="ocr",
        ocr=result.provenance(),
    )


def _mark_ocr_text_layer(doc: Document, path: Path, info: PdfSurvey | None = None) -> Document:
    """The document's extraction: a text layer that an OCR tool added (its producer says so, or it
    is invisible text over images) is OCR output, its figures can be misread like ours ("ocr");
    any other is the printer's own text ("text-layer")."""
    info = info or survey(path, pages=[1] if doc.pages else [])  # an OCR tool writes every page alike
    hidden = sorted(info.hidden_text_pages)
    if not info.ocr_producer and not hidden:
        return replace_document(doc, extraction="text-layer")
    by = info.ocr_producer or "an invisible text layer over page images"
    return replace_document(doc, extraction="ocr", ocr={"engine": by, "pages": hidden, "confidence": {}})


def replace_document(doc: Document, **changes) -> Document:
    """A copy of `doc` with fields changed (its derived-view cache starts empty)."""
    return replace(doc, **changes)


class PdfLoader(_TextLayerPdfLoader):
    """The PDF loader with its OCR stage: the text layer where there is one, OCR where there is not."""

    def load(self, path: Path) -> Budget:
        from ..parse import parse_document

        pdf = _open(path)
        try:  # one opening for the text layer and the look at page 1 (which tells an OCR tool's layer)
            doc = read_open(pdf, path, require_text=False)
            first = survey(path, pages=[1], opened=pdf)
        finally:
            pdf.close()
        return parse_document(complete_with_ocr(doc, path, first))

"""A page whose text is drawn turned (a landscape table printed on a portrait page: the producer
turns the content 90° and sets /Rotate so that it shows upright) reads as the upright page does.

The corpus has none, so one is made: a page of a corpus PDF with every object (and its clip) turned
by a quarter turn, its boxes swapped and /Rotate set. Its lines must be the original page's, its
findings the document's, and no box is drawn on it (its geometry is measured turned back).
"""

from __future__ import annotations

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from corpus import CORPUS, needs_corpus

from auditor import audit, load
from auditor.loaders.pdf import read_document

pytestmark = needs_corpus

WANLI = CORPUS / "putuo-wanli-street-2025-budget.pdf"


def _turn_pages(src, dst, turns: dict[int, int]) -> None:
    """`src` with each page of `turns` (page: quarter turns) drawn turned counter-clockwise."""
    pdf = pdfium.PdfDocument(str(src))
    for page_no, quarter in turns.items():
        page = pdf[page_no - 1]
        w, h = page.get_size()
        # counter-clockwise by 90° (x, y) -> (h - y, x), by 180° (w - x, h - y), by 270° (y, w - x)
        matrix = {1: (0, 1, -1, 0, h, 0), 2: (-1, 0, 0, -1, w, h), 3: (0, -1, 1, 0, 0, w)}[quarter]
        box = (0, 0, w, h) if quarter == 2 else (0, 0, h, w)
        for k in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
            obj = pdfium_c.FPDFPage_GetObject(page.raw, k)
            pdfium_c.FPDFPageObj_Transform(obj, *matrix)
            pdfium_c.FPDFPageObj_TransformClipPath(obj, *matrix)
        pdfium_c.FPDFPage_GenerateContent(page.raw)
        pdfium_c.FPDFPage_SetMediaBox(page.raw, *box)
        pdfium_c.FPDFPage_SetCropBox(page.raw, *box)
        page.set_rotation(360 - 90 * quarter)
    pdf.save(str(dst))
    pdf.close()


def _findings(path) -> list[tuple]:
    return sorted((f.rule, f.severity, f.message) for f in audit(load(path)).findings)


def _cells(doc, page: int) -> list[tuple]:
    return [ln.cells for ln in doc.lines if ln.page == page]


@pytest.mark.parametrize("quarter", [1, 2, 3])
def test_a_turned_page_reads_as_the_upright_page(tmp_path, quarter):
    turned = tmp_path / "turned.pdf"
    _turn_pages(WANLI, turned, {17: quarter})
    doc, original = read_document(turned), read_document(WANLI)
    assert doc.turned == {17: quarter}
    assert _cells(doc, 17) == _cells(original, 17) and len(_cells(doc, 17)) > 10
    assert [ln.cells for ln in doc.lines if ln.page != 17] == [ln.cells for ln in original.lines if ln.page != 17]
    assert _findings(turned) == _findings(WANLI)
    assert all(f.location.bbox is None for f in audit(load(turned)).findings if f.location.page == 17)


def test_a_final_accounts_with_every_page_turned_gives_its_findings(tmp_path):
    # positions are kept within the page when turned back (the two-sided tables and the 说明 are read
    # by position): every page of the planning 决算 turned, one way and the other in turn
    source = CORPUS / "putuo-planning-resources-2024-final-accounts.pdf"
    pages = len(pdfium.PdfDocument(str(source)))
    turned = tmp_path / "turned.pdf"
    _turn_pages(source, turned, {p: 1 if p % 2 else 3 for p in range(1, pages + 1)})
    assert len(read_document(turned).turned) == pages
    assert _findings(turned) == _findings(source)

"""The OCR stage: scanned copies of corpus pages read to the same tables as their text layers.

OCR costs seconds of CPU per page, so these tests recognise five pages in all (a session-scoped
cache lets each scan be recognised once); whole scanned documents are in ``make bench``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd
import pypdfium2 as pdfium
import pytest
from corpus import CORPUS, needs_corpus

from auditor.errors import LoadError
from auditor.loaders import load
from auditor.loaders.ocr_stage import complete_with_ocr, survey
from auditor.loaders.pdf import read_document

WANLI = CORPUS / "putuo-wanli-street-2024-budget.pdf"
COMMERCE = CORPUS / "putuo-commerce-2025-budget.pdf"
LOCATION = {"line", "page"}


def _subset(src: Path, pages: list[int], dst: Path) -> Path:
    """A text-layer PDF of some pages of `src` (1-based)."""
    out = pdfium.PdfDocument.new()
    with pdfium.PdfDocument(str(src)) as pdf:
        out.import_pages(pdf, [p - 1 for p in pages])
    out.save(str(dst))
    out.close()
    return dst


def _tables(budget) -> dict[str, pd.DataFrame]:
    """The non-empty frames of the nine tables without their locations (line numbers may differ)."""
    out = {}
    for key in budget.meta.tables:
        frame = budget.frames[key]
        if len(frame):
            out[key] = frame.drop(columns=[c for c in frame.columns if c in LOCATION]).reset_index(drop=True)
    return out


def _assert_same_tables(scanned, original) -> None:
    got, want = _tables(scanned), _tables(original)
    assert sorted(got) == sorted(want)
    for key in want:
        pd.testing.assert_frame_equal(got[key], want[key], check_dtype=False, obj=key)


# ----------------------------------------------------------------------------------------------
# without the extra (always runs)


def _image_pdf(dst: Path) -> Path:
    from PIL import Image

    Image.new("L", (200, 280), 255).save(dst, format="PDF")
    return dst


@pytest.fixture
def no_ocr_extra(monkeypatch):
    """Make the recogniser's import fail, as on a machine without the ``ocr`` extra."""
    monkeypatch.setitem(sys.modules, "rapidocr", None)
    monkeypatch.delitem(sys.modules, "auditor.loaders.ocr", raising=False)


def test_scan_without_the_extra_is_one_clear_line_and_exit_2(tmp_path, no_ocr_extra, capsys):
    pytest.importorskip("PIL")
    scan = _image_pdf(tmp_path / "scan.pdf")
    with pytest.raises(LoadError, match=r"pip install 'budget-auditor\[ocr\]'"):
        load(scan)
    from auditor.cli import main

    assert main(["audit", str(scan)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pip install 'budget-auditor[ocr]'" in err[0] and "scan.pdf" in err[0]


def test_ocr_never_keeps_the_no_text_layer_error(tmp_path):
    pytest.importorskip("PIL")
    scan = _image_pdf(tmp_path / "scan.pdf")
    with pytest.raises(LoadError, match="no text layer"):
        load(scan, ocr="never")


def test_bad_ocr_mode_is_a_load_error(tmp_path):
    with pytest.raises(LoadError, match="--ocr must be one of"):
        load(tmp_path / "x.pdf", ocr="sometimes")


@needs_corpus
def test_text_layer_pdf_is_not_ocr():
    doc = complete_with_ocr(read_document(WANLI, require_text=False), WANLI)
    assert doc.extraction == "text-layer" and doc.ocr is None
    meta = load(WANLI).meta
    assert meta.extraction == "text-layer" and not meta.from_ocr


def test_invisible_text_over_an_image_is_an_ocr_tools_layer(tmp_path):
    """A text layer in render mode 3 over a page image (what ocrmypdf writes) counts as OCR."""
    pytest.importorskip("PIL")
    import pypdfium2.raw as c

    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(200, 200)
    from PIL import Image

    img = pdfium.PdfImage.new(pdf)
    img.set_bitmap(pdfium.PdfBitmap.from_pil(Image.new("RGB", (20, 20), (255, 255, 255))))
    img.set_matrix(pdfium.PdfMatrix().scale(200, 200))
    page.insert_obj(img)
    font = c.FPDFText_LoadStandardFont(pdf.raw, b"Helvetica")
    text = c.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", 12.0)
    value = "1,234.00"
    buf = (c.FPDF_WCHAR * (len(value) + 1))(*[ord(ch) for ch in value], 0)
    c.FPDFText_SetText(text, buf)
    c.FPDFTextObj_SetTextRenderMode(text, c.FPDF_TEXTRENDERMODE_INVISIBLE)
    c.FPDFPageObj_Transform(text, 1, 0, 0, 1, 20, 100)
    c.FPDFPage_InsertObject(page.raw, text)
    page.gen_content()
    dst = tmp_path / "ocrd.pdf"
    pdf.save(str(dst))
    del font
    assert survey(dst).hidden_text_pages == {1}
    doc = complete_with_ocr(read_document(dst, require_text=False), dst)
    assert doc.extraction == "ocr" and doc.lines and doc.lines[0].cells == ("1,234.00",)


# ----------------------------------------------------------------------------------------------
# with the extra: a few real pages

ocr_extra = pytest.mark.skipif(__import__("importlib").util.find_spec("rapidocr") is None, reason="needs the ocr extra")


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("ocr-cache")


@pytest.fixture(scope="module")
def wanli_p10(tmp_path_factory) -> tuple[Path, Path]:
    """The 财务收支预算总表 page: its text layer, and a scan of it (150 dpi, 1°, noise, JPEG 60)."""
    from auditor.scancopy import make_scan

    d = tmp_path_factory.mktemp("wanli")
    text = _subset(WANLI, [10], d / "text.pdf")
    return text, make_scan(text, d / "scan.pdf", skew=1.0)


@needs_corpus
@ocr_extra
def test_scanned_table_page_parses_to_the_same_table(wanli_p10, cache):
    text, scan = wanli_p10
    original = load(text)
    scanned = load(scan, cache_dir=cache, jobs=1)
    assert scanned.meta.extraction == "ocr" and scanned.meta.from_ocr and not original.meta.from_ocr
    _assert_same_tables(scanned, original)
    assert scanned.fiscal_summary["amount"].notna().sum() >= 10
    info = scanned.document.ocr["page_info"][1]
    assert info["rotation"] == 0 and 0.8 <= abs(info["skew"]) <= 1.2
    # every cell carries the recogniser's confidence
    conf = scanned.document.ocr["confidence"]
    for ln in scanned.document.lines:
        assert len(conf[(ln.page, ln.line)]) == len(ln.cells)
        assert all(0.5 <= c <= 1.0 for c in conf[(ln.page, ln.line)])


@needs_corpus
@ocr_extra
def test_second_load_of_a_scan_comes_from_the_cache(wanli_p10, cache):
    _, scan = wanli_p10
    first = load(scan, cache_dir=cache, jobs=1)  # recognised by the test above, or now
    started = time.perf_counter()
    again = load(scan, cache_dir=cache, jobs=1)
    assert time.perf_counter() - started < 1.0
    assert again.document.ocr["page_info"][1]["cached"] is True
    assert [ln.cells for ln in again.document.lines] == [ln.cells for ln in first.document.lines]


@needs_corpus
@ocr_extra
def test_page_turned_90_degrees_is_turned_back(tmp_path, wanli_p10, cache):
    from auditor.scancopy import make_scan

    text, _ = wanli_p10
    scan = make_scan(text, tmp_path / "sideways.pdf", skew=0.5, rotate=90)
    scanned = load(scan, cache_dir=cache, jobs=1)
    assert scanned.document.ocr["page_info"][1]["rotation"] == 270
    _assert_same_tables(scanned, load(text))


@needs_corpus
@ocr_extra
def test_mixed_pdf_reads_text_pages_and_recognises_scanned_ones(tmp_path, cache):
    """A text-layer 财务收支预算总表 page and a scanned 三公 page (万元, two decimals) at 100 dpi."""
    from auditor.scancopy import make_scan

    text = _subset(COMMERCE, [9, 21], tmp_path / "text.pdf")
    sangong = make_scan(_subset(COMMERCE, [21], tmp_path / "p21.pdf"), tmp_path / "p21-scan.pdf", dpi=100)
    mixed = pdfium.PdfDocument.new()
    for src, index in ((text, 0), (sangong, 0)):
        with pdfium.PdfDocument(str(src)) as pdf:
            mixed.import_pages(pdf, [index])
    mixed.save(str(tmp_path / "mixed.pdf"))
    mixed.close()
    scanned = load(tmp_path / "mixed.pdf", cache_dir=cache, jobs=1)
    assert scanned.document.ocr["pages"] == [2]  # page 1 kept its text layer
    assert scanned.meta.from_ocr
    _assert_same_tables(scanned, load(text))
    assert scanned.sangong["total"].notna().any()


# ----------------------------------------------------------------------------------------------
# provenance on findings (no recognition needed: a recognised document is built by hand)


def _ocr_budget(conf: float):
    from auditor.document import Document, Line
    from auditor.model import Budget, Meta

    lines = [Line("合计  1,234.00", line=3, page=2, cells=("合计", "1,234.00"), cell_x=((10, 40), (90, 130)))]
    doc = Document(
        path="scan.pdf",
        lines=lines,
        kind="pdf",
        pages=2,
        extraction="ocr",
        ocr={"engine": "rapidocr", "confidence": {(2, 3): (0.99, conf)}},
    )
    return Budget(meta=Meta(source="scan.pdf", extraction="ocr"), frames={}, document=doc)


def _finding(expected, actual):
    from auditor.findings import Finding, Location

    return Finding(
        "AR001", "error", "sum differs", location=Location(table="t", line=3, page=2), expected=expected, actual=actual
    )


def test_low_confidence_value_says_it_may_be_misread():
    from auditor.ocr_notes import annotate

    [f] = annotate([_finding("1,500.00", "1,234.00")], _ocr_budget(0.62))
    assert f.note == "可能是识别错误（识别置信度 0.62），请核对原件"


def test_one_digit_off_says_it_may_be_misread_even_when_confident():
    from auditor.ocr_notes import annotate

    [f] = annotate([_finding("1,284.00", "1,234.00")], _ocr_budget(0.99))
    assert f.note == "可能是识别错误（与应有值只差一位数字，识别置信度 0.99），请核对原件"


@pytest.mark.parametrize(
    "a, b, apart",
    [
        ("82,096,797.42", "82,096,797.40", True),  # a misread last decimal (measured on a scan)
        ("1,234", "1,284.00", True),
        ("1,234.00", "1,234.00", False),
        ("1,234.00", "12,340.00", False),
        ("1,234.00", "1,243.00", False),  # two digits differ
    ],
)
def test_one_digit_apart(a, b, apart):
    from auditor.ocr_notes import one_digit_apart

    assert one_digit_apart(a, b) is apart


def test_confident_value_far_off_and_text_layer_documents_get_no_note():
    from auditor.ocr_notes import annotate

    assert annotate([_finding("9,999.00", "1,234.00")], _ocr_budget(0.99)) is None
    budget = _ocr_budget(0.5)
    budget.meta.extraction = None
    assert annotate([_finding("1,284.00", "1,234.00")], budget) is None


# ----------------------------------------------------------------------------------------------
# hygiene steps on their own (cheap: no recognition)


@ocr_extra
@pytest.mark.parametrize(
    "raw, want",
    [
        ("119, 385, 303", "119,385,303"),
        ("1，867，397．54", "1,867,397.54"),
        ("397. 54", "397.54"),
        ("１２３", "123"),
        ("增加10，2024年", "增加10，2024年"),  # a full-width comma in prose before a year stays
        ("1. 一般公共预算资金", "1. 一般公共预算资金"),
        ("2023、2024", "2023、2024"),
        ("1. 2025年部门收入预算总表", "1. 2025年部门收入预算总表"),  # a list number before a year
        ("4．2025年", "4．2025年"),
        ("(一)部门主要职能", "（一）部门主要职能"),  # brackets touching Chinese text are full-width
        ("机关运行经费(万元)", "机关运行经费（万元）"),
        ("(2024)", "(2024)"),
    ],
)
def test_numbers_are_normalised_only_inside_numbers(raw, want):
    from auditor.loaders.ocr_hygiene import normalise

    assert normalise(raw) == want


@ocr_extra
def test_box_straddling_a_rule_is_split_and_kept_clear_of_it():
    from auditor.loaders.ocr_hygiene import Box, TableRule, split_at_rules

    merged = Box("1,867,397.5466,410,000.00", 100, 350, 10, 40, 0.97)  # 25 narrow characters, 10 px each
    rule = TableRule(x=220, top=0, bottom=100)
    left, right = split_at_rules([merged], [rule])
    assert (left.text, right.text) == ("1,867,397.54", "66,410,000.00")
    assert left.right <= 220 - 0.45 * 30 and right.left >= 220 + 0.45 * 30
    # a rule that does not reach the box's row changes nothing
    assert split_at_rules([merged], [TableRule(x=220, top=50, bottom=100)]) == [merged]


@ocr_extra
@pytest.mark.parametrize("angle", [-1.5, 0.7])
def test_skew_is_found_by_projection_profile(angle):
    import numpy as np

    from auditor.loaders.ocr_hygiene import rotate, skew_angle

    page = np.full((600, 800), 255, np.uint8)
    for y in range(60, 560, 40):  # rows of "text": dashes with gaps, as table rows print
        for x in range(60, 740, 30):
            page[y : y + 14, x : x + 20] = 0
    assert skew_angle(rotate(page, angle)) == pytest.approx(-angle, abs=0.1)

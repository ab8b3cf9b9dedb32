"""The PDF loader: located lines rebuilt from character boxes, and clear errors for bad PDFs."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from corpus import CORPUS, needs_corpus

from auditor.errors import LoadError
from auditor.loaders.pdf import PdfLoader, read_document

WANLI_2025 = CORPUS / "putuo-wanli-street-2025-budget.pdf"
WANLI_2024 = CORPUS / "putuo-wanli-street-2024-budget.pdf"
COMMERCE_2025 = CORPUS / "putuo-commerce-2025-budget.pdf"


@pytest.fixture(scope="module")
def wanli2025():
    return read_document(WANLI_2025)


@pytest.fixture(scope="module")
def commerce2025():
    return read_document(COMMERCE_2025)


def _lines_on(doc, page):
    return [ln for ln in doc.lines if ln.page == page]


@needs_corpus
@pytest.mark.parametrize(("path", "pages"), [(WANLI_2025, 31), (WANLI_2024, 33), (COMMERCE_2025, 26)])
def test_page_count_and_no_empty_pages(path, pages):
    doc = read_document(path)
    assert doc.kind == "pdf"
    assert doc.pages == pages
    assert doc.empty_pages == []
    assert {ln.page for ln in doc.lines} == set(range(1, pages + 1))


@needs_corpus
def test_lines_are_numbered_per_page(wanli2025):
    for page in range(1, wanli2025.pages + 1):
        numbers = [ln.line for ln in _lines_on(wanli2025, page)]
        assert numbers == list(range(1, len(numbers) + 1))


@needs_corpus
def test_table_row_is_one_line_with_faithful_cells(wanli2025):
    # 类 / 款 / 项 codes are printed in separate columns in this PDF; each row is one line.
    rows = [ln for ln in _lines_on(wanli2025, 10) if ln.cells[:3] == ("201", "05", "统计信息事务")]
    assert len(rows) == 1
    assert rows[0].cells == ("201", "05", "统计信息事务", "438,300", "438,300", "0", "0", "0")
    assert rows[0].text == "  ".join(rows[0].cells)
    item = [ln for ln in _lines_on(wanli2025, 10) if ln.cells[:3] == ("201", "05", "07")]
    assert item and item[0].cells[3] == "专项普查活动"


@needs_corpus
def test_title_and_department_line(wanli2025):
    page = _lines_on(wanli2025, 10)
    assert page[0].text == "2025年部门收入预算总表"
    assert page[1].cells == ("编制部门：上海市普陀区人民政府万里街道办事处", "单位：元")


@needs_corpus
def test_total_row_of_expenditure_table(commerce2025):
    totals = [ln for ln in commerce2025.lines if ln.cells and ln.cells[0] == "合计"]
    # the 支出预算总表 ends on page 13 with 合计 = 基本 + 项目
    on_13 = [ln for ln in totals if ln.page == 13]
    assert on_13 and on_13[0].cells == ("合计", "371,514,655.00", "19,830,655.00", "351,684,000.00")
    assert any(ln.page == 12 and ln.text == "2025年部门支出预算总表" for ln in commerce2025.lines)


@needs_corpus
def test_amount_right_aligned_against_next_column_is_its_own_cell(commerce2025, wanli2025):
    # In 财务收支预算总表 the income amount nearly touches the expenditure item.
    line = next(ln for ln in _lines_on(commerce2025, 9) if ln.cells and ln.cells[0] == "一、财政拨款收入")
    assert line.cells == ("一、财政拨款收入", "371,514,655.00", "一、一般公共服务支出", "21,601,733.00")
    line = next(ln for ln in _lines_on(wanli2025, 9) if ln.cells and ln.cells[0] == "一、财政拨款收入")
    assert line.cells[1:3] == ("189,767,551", "一、一般公共服务支出")


@needs_corpus
def test_numbered_items_keep_their_space_and_prose_gets_none(commerce2025, wanli2025):
    assert any(ln.cells[:1] == ("1. 一般公共预算资金",) for ln in _lines_on(commerce2025, 9))
    # justified Chinese prose: no spaces invented between ideographs and full-width punctuation
    prose = [ln.text for ln in wanli2025.lines if "三公" in ln.text and "万元" in ln.text]
    assert prose and all(" ，" not in t and "， " not in t for t in prose)


def test_truncated_pdf_is_a_clear_load_error(tmp_path):
    if not WANLI_2025.exists():
        pytest.skip("corpus not available")
    data = WANLI_2025.read_bytes()
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(data[: int(len(data) * 0.6)])
    with pytest.raises(LoadError) as info:
        read_document(broken)
    assert "broken.pdf" in str(info.value)
    assert "cannot open PDF" in str(info.value)


def test_pdf_without_text_layer(tmp_path):
    blank = tmp_path / "scan.pdf"
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    pdf.new_page(595, 842)
    pdf.save(str(blank))
    pdf.close()
    with pytest.raises(LoadError) as info:
        read_document(blank)
    msg = str(info.value)
    assert "scan.pdf" in msg and "no text layer" in msg and "OCR" in msg


def _encrypted_pdf() -> bytes:
    """A one-page PDF under the standard security handler whose user password is not empty."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1,
        b"ab" * 16,
        b"ab" * 16,
        xref,
    )
    return bytes(out)


def test_encrypted_pdf(tmp_path):
    path = tmp_path / "locked.pdf"
    path.write_bytes(_encrypted_pdf())
    with pytest.raises(LoadError) as info:
        read_document(path)
    assert "locked.pdf" in str(info.value) and "encrypted" in str(info.value)


def test_sniff_by_magic_and_suffix(tmp_path):
    loader = PdfLoader()
    assert loader.sniff(tmp_path / "x.bin", b"%PDF-1.7\n...")
    assert loader.sniff(tmp_path / "x.pdf", b"garbage")
    assert not loader.sniff(tmp_path / "x.txt", "部门预算".encode())


def test_load_through_the_registry_names_the_file_on_garbage(tmp_path):
    import auditor

    bad = tmp_path / "fake.pdf"
    bad.write_bytes(b"%PDF-1.4 this is not really a pdf")
    with pytest.raises(LoadError) as info:
        auditor.load(bad)
    assert "fake.pdf" in str(info.value)


@needs_corpus
@pytest.mark.parametrize("name", ["putuo-planning-resources-2024-final-accounts.pdf", "putuo-commerce-2025-budget.pdf"])
def test_the_loops_in_c_read_what_the_ctypes_calls_read(name, monkeypatch):
    """The characters' boxes and the lines' clip extents come from C loops when the package's
    `_boxes` module was built and through ctypes when not: every line, cell, x extent and box the
    same either way (Commerce p.4 holds 22 lines clipped away)."""
    from auditor.loaders import pdf

    if pdf._bulk_boxes() is None or pdf._bulk("clip_extents") is None:
        pytest.skip("the C loops were not built (no compiler at install)")
    fast = read_document(CORPUS / name)
    monkeypatch.setattr(pdf, "_bulk", lambda name: None)
    slow = read_document(CORPUS / name)
    assert [(ln.page, ln.line, ln.cells, ln.cell_x, ln.bbox) for ln in fast.lines] == [
        (ln.page, ln.line, ln.cells, ln.cell_x, ln.bbox) for ln in slow.lines
    ]
    assert fast.lines == slow.lines and fast.turned == slow.turned


@needs_corpus
def test_the_clip_extents_read_ahead_are_those_read_one_by_one():
    from auditor.loaders import pdf

    if pdf._bulk("clip_extents") is None:
        pytest.skip("the C loops were not built (no compiler at install)")
    raw = pdfium.raw
    doc = pdfium.PdfDocument(str(COMMERCE_2025))
    compared = with_clip = 0
    try:
        for index in range(len(doc)):
            page = raw.FPDF_LoadPage(doc.raw, index)
            text = raw.FPDFText_LoadPage(page)
            try:
                glyphs = pdf._page_glyphs(text, pdf._crop_box(page))
                firsts: list[int] = []
                pdf._located_lines(glyphs, index + 1, firsts=firsts)
                ahead = pdf._Clips(text)
                ahead.read_ahead(firsts)
                one_by_one = pdf._Clips(text)
                for first in firsts:
                    obj = one_by_one._api.text_object(one_by_one._page, first)
                    assert ahead._ahead[first] == (one_by_one._extent(obj) if obj else None)
                    compared += 1
                    with_clip += ahead._ahead[first] is not None
            finally:
                raw.FPDFText_ClosePage(text)
                raw.FPDF_ClosePage(page)
    finally:
        doc.close()
    assert compared > 400 and with_clip > 400  # (nearly every line of Commerce sits in a clip)


def test_the_loops_in_c_refuse_null_addresses():
    boxes = pytest.importorskip("auditor.loaders._boxes")
    with pytest.raises(ValueError, match="null address"):
        boxes.loose_boxes(0, 0, 0, 1, 0, 0)
    with pytest.raises(ValueError, match="null address"):
        boxes.clip_extents(1, 1, 1, 1, 1, 0, 1, 0, 1, 0, 0)
    assert boxes.loose_boxes(1, 1, 0, 0, 0, 0) == 0  # nothing asked: nothing called
    assert boxes.clip_extents(1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0) == 0

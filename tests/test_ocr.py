"""The OCR stage: scanned copies of corpus pages read to the same tables as their text layers.

OCR costs seconds of CPU per page, so these tests recognise five pages in all (a session-scoped
cache lets each scan be recognised once); whole scanned documents are in ``make bench``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from corpus import CORPUS, needs_corpus

from auditor.errors import LoadError
from auditor.loaders import load
from auditor.loaders.ocr_stage import complete_with_ocr, survey
from auditor.loaders.pdf import read_document
from auditor.table_diff import table_differences

WANLI = CORPUS / "putuo-wanli-street-2024-budget.pdf"
COMMERCE = CORPUS / "putuo-commerce-2025-budget.pdf"


def _subset(src: Path, pages: list[int], dst: Path) -> Path:
    """A text-layer PDF of some pages of `src` (1-based)."""
    out = pdfium.PdfDocument.new()
    with pdfium.PdfDocument(str(src)) as pdf:
        out.import_pages(pdf, [p - 1 for p in pages])
    out.save(str(dst))
    out.close()
    return dst


def _assert_same_tables(scanned, original) -> None:
    assert table_differences(scanned, original) == []


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
    import auditor.loaders

    # `from . import ocr` finds a module imported earlier (by another test) on the package itself
    monkeypatch.delattr(auditor.loaders, "ocr", raising=False)


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


def _text_pdf(dst: Path, texts: list[tuple[str, float, float, bool]], image: bool = False) -> Path:
    """A one-page PDF (200 x 200 pt) with `texts` as (text, x, y, invisible) in Helvetica 12, over a
    page image when `image`."""
    import pypdfium2.raw as c

    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(200, 200)
    if image:
        from PIL import Image

        img = pdfium.PdfImage.new(pdf)
        img.set_bitmap(pdfium.PdfBitmap.from_pil(Image.new("RGB", (20, 20), (255, 255, 255))))
        img.set_matrix(pdfium.PdfMatrix().scale(200, 200))
        page.insert_obj(img)
    for value, x, y, invisible in texts:
        text = c.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", 12.0)
        buf = (c.FPDF_WCHAR * (len(value) + 1))(*[ord(ch) for ch in value], 0)
        c.FPDFText_SetText(text, buf)
        if invisible:
            c.FPDFTextObj_SetTextRenderMode(text, c.FPDF_TEXTRENDERMODE_INVISIBLE)
        c.FPDFPageObj_Transform(text, 1, 0, 0, 1, x, y)
        c.FPDFPage_InsertObject(page.raw, text)
    page.gen_content()
    pdf.save(str(dst))
    return dst


def test_invisible_text_over_an_image_is_an_ocr_tools_layer(tmp_path):
    """A text layer in render mode 3 over a page image (what ocrmypdf writes) is read, and the
    document says it came from OCR."""
    pytest.importorskip("PIL")
    dst = _text_pdf(tmp_path / "ocrd.pdf", [("1,234.00", 20, 100, True)], image=True)
    assert survey(dst).hidden_text_pages == {1}
    doc = complete_with_ocr(read_document(dst, require_text=False), dst)
    assert doc.extraction == "ocr" and doc.lines and doc.lines[0].cells == ("1,234.00",)
    assert doc.ocr["pages"] == [1]


def test_text_outside_the_page_is_not_read(tmp_path):
    """Text placed beyond the page's edge prints nowhere (an exporter writes a cell that runs past
    the page bottom onto both pages, clipped on each): only what lies on the page is read."""
    dst = _text_pdf(tmp_path / "overflow.pdf", [("1,234.00", 20, 100, False), ("5,678.00", 20, 260, False)])
    doc = read_document(dst)
    assert [ln.cells for ln in doc.lines] == [("1,234.00",)]


@needs_corpus
def test_commerce_pages_keep_only_their_printed_lines():
    """Commerce 2025 p.3-4: the 主要职能 list runs over the page break, and the text layer holds the
    run-over lines on both pages, outside the visible area of one (22 lines above page 4's top)."""
    doc = read_document(COMMERCE)
    p3 = [ln.text for ln in doc.lines if ln.page == 3]
    p4 = [ln.text for ln in doc.lines if ln.page == 4]
    assert p4[0].startswith("应急机制，协调重要商品储备和市场调控") and len(p4) == 10
    assert p3[-1].startswith("9、组织协调本区商品交易市场规划") and not any(t.startswith("13、") for t in p3)


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
def test_pages_recognised_in_process_do_not_spend_the_document_s_cpu_budget(wanli_p10, tmp_path):
    """A page costs seconds of CPU: a 33-page scan audited with --jobs 1 was stopped by the default
    300 s --document-timeout at its 29th page. The budget is for parsing and rules."""
    from auditor.engine import cpu_budget

    text, scan = wanli_p10
    with cpu_budget(1.0):  # recognising the page alone takes several CPU-seconds
        scanned = load(scan, cache_dir=tmp_path / "fresh-cache", jobs=1)
    assert scanned.document.ocr["page_info"][1]["cached"] is False
    _assert_same_tables(scanned, load(text))


def test_a_page_recognised_in_process_moves_the_soft_cpu_limit_by_what_it_cost():
    resource = pytest.importorskip("resource")
    from auditor.loaders.ocr_budget import PAGE_ROOM, outside_document_budget

    before = resource.getrlimit(resource.RLIMIT_CPU)
    used = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(used.ru_utime + used.ru_stime) + 600
    resource.setrlimit(resource.RLIMIT_CPU, (soft, before[1]))
    try:
        with outside_document_budget():
            during = resource.getrlimit(resource.RLIMIT_CPU)[0]
            started = time.process_time()
            while time.process_time() - started < 0.2:
                pass
        after = resource.getrlimit(resource.RLIMIT_CPU)[0]
    finally:
        resource.setrlimit(resource.RLIMIT_CPU, before)
    assert during == soft + PAGE_ROOM
    assert after == soft + 1  # 0.2 s, rounded up to the limit's whole seconds


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
    from auditor.loaders.ocr_lines import normalise

    assert normalise(raw) == want


# ----------------------------------------------------------------------------------------------
# boxes -> rows (pure geometry, no recognition: what the page cache holds)


def _box(text, left, chars, conf=0.99, bottom=100.0, top=115.0, pitch=None):
    """A recognised box whose characters sit at `chars` ((left, right) each, in points), or, with
    `pitch`, one after another from `left`."""
    if pitch is not None:
        chars, x = [], left
        for ch in text:
            if not ch.isspace():
                w = pitch * (2 if ord(ch) > 0x2E80 else 1)
                chars.append((x, x + w))
                x += w
    placed = [[a, b, conf] for a, b in chars]
    return [text, chars[0][0] - 4, chars[-1][1] + 4, bottom, top, conf, placed]


def _cells(boxes, rules=()):
    from auditor.loaders.ocr_lines import page_lines

    lines, conf = page_lines({"page": 1, "boxes": boxes, "rules": [list(r) for r in rules]})
    return [ln.cells for ln in lines], conf


def test_a_box_running_over_a_rule_is_cut_at_the_rule_between_the_characters_it_places():
    """The detector ran `82,096,797.42` into the `1` of the next column's `13,819,399.88` (measured on
    a scanned 财务收支预算总表): cut at the rule, the amount keeps its last decimal and the stray
    `1`, read again in the next box, is kept once."""
    merged = _box("82,096,797.421", 419.0, None, pitch=5.6)
    merged[6][-1] = [511.5, 516.0, 0.53]  # the `1` past the rule at 505, read at low confidence
    nxt = _box("13,819,399.88", 511.4, None, pitch=5.6, conf=0.9999)
    cells, conf = _cells([merged, nxt], rules=[(505.0, 50.0, 300.0), (418.0, 50.0, 300.0)])
    assert cells == [("82,096,797.42", "13,819,399.88")]
    assert conf[(1, 1)] == (0.99, 0.9999)


def test_a_rule_separates_cells_however_close_the_text_on_either_side():
    amount = _box("371,514,655.00", 300.0, None, pitch=5.6)
    name = _box("一、一般公共服务支出", 380.0, None, pitch=5.6)
    assert _cells([amount, name])[0] == [("371,514,655.00一、一般公共服务支出",)]  # no rule: one run
    assert _cells([amount, name], rules=[(379.0, 0.0, 200.0)])[0] == [("371,514,655.00", "一、一般公共服务支出")]
    # a rule that does not reach the row changes nothing
    assert _cells([amount, name], rules=[(379.0, 150.0, 200.0)])[0] == [("371,514,655.00一、一般公共服务支出",)]


def test_characters_keep_the_places_the_recogniser_gave_them_not_an_even_spread():
    """A detection box padded well beyond its ink: spread evenly, `购` fell left of the name column's
    rule and became a cell of its own (`购 房补贴`); placed, the name is one cell."""
    name = _box("购房补贴", 0, [(190.0, 201.0), (201.0, 212.0), (212.0, 223.0), (223.0, 234.0)])
    name[1] = 160.0  # the box starts 30 pt left of its first character, across the rule at 178
    code = _box("03", 0, [(146.0, 151.6), (151.6, 157.2)])
    assert _cells([code, name], rules=[(178.0, 0.0, 200.0)])[0] == [("03", "购房补贴")]
    unplaced = name[:6]  # a box the recogniser placed no characters for is spread over its width
    assert _cells([code, unplaced], rules=[(178.0, 0.0, 200.0)])[0][0][-1] == "房补贴"  # 购 cut off


def test_cjk_fragments_of_two_abutting_boxes_join_without_a_space():
    head = _box("其他政府办公厅（室）及相关机构事", 100.0, None, pitch=5.5)
    tail = _box("务支出", head[6][-1][1] + 0.8, None, pitch=5.5)
    assert _cells([head, tail])[0] == [("其他政府办公厅（室）及相关机构事务支出",)]


def test_the_same_character_read_in_two_boxes_is_kept_once_with_the_better_reading():
    left = _box("二、社会保障和就业支出", 283.0, None, pitch=5.85)
    dup = [list(c) for c in left[6][-1:]]
    stray = ["出4,213,779.28", 405.0, 499.7, 100.0, 115.0, 0.98, [[dup[0][0], dup[0][1], 0.75]]]
    stray[6] += [[424.0 + 5.6 * i, 429.6 + 5.6 * i, 1.0] for i in range(12)]
    cells, _ = _cells([left, stray], rules=[(420.0, 0.0, 200.0)])
    assert cells == [("二、社会保障和就业支出", "4,213,779.28")]


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


def test_a_bracket_is_read_half_or_full_width_by_the_room_it_takes():
    """The recogniser writes `(` for both; a full-width bracket takes a Chinese character's room
    (`办公厅（室）`), a half-width one about half (`维修(护)费`, the economic classification's name)."""
    half = _box(
        "维修(护)费",
        0,
        [(183.0, 193.4), (195.4, 205.8), (205.5, 215.9), (213.9, 224.3), (222.3, 232.7), (231.7, 242.1)],
    )
    full = _box("办公厅(室)及", 0, [(x, x + 10.4) for x in (200.0, 212.0, 224.0, 236.0, 248.0, 260.0, 272.0)])
    assert _cells([half])[0] == [("维修(护)费",)]
    assert _cells([full])[0] == [("办公厅（室）及",)]
    # between digits, `（2024）4号`: the digits' centres 1.5 em apart (a half-width bracket leaves 0.83)
    centres = (83.5, 94.5, 105.5, 116.5, 124.75, 130.25, 135.75, 141.25, 149.5, 157.75, 166.0)
    digits = _box("沪商规(2024)4号", 0, [(c - 2.5, c + 2.5) for c in centres])
    assert _cells([digits])[0] == [("沪商规（2024）4号",)]

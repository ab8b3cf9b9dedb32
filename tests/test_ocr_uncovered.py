"""Ink the text detector left uncovered is found, grouped into words and recognised on its own.

The geometry (which ink is uncovered, what is a speck, what is one word) is checked on drawn
pages; the recognition on the scanned corpus pages where the detector missed a full stop alone
on its line and a table's code cell, given the boxes the detector found there (the fixture of
``tests/data/ocr``), so no page is detected again here.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest
from corpus import CORPUS, needs_corpus

cv2 = pytest.importorskip("cv2")
ocr_extra = pytest.mark.skipif(__import__("importlib").util.find_spec("rapidocr") is None, reason="needs the ocr extra")

from auditor.loaders.ocr_hygiene import Box, TableRule, erase, rotate, table_rules  # noqa: E402
from auditor.loaders.ocr_uncovered import char_height, crop, uncovered_groups  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "data" / "ocr"
CHAR = 18  # character height of the drawn pages, in pixels


def _page(width: int = 900, height: int = 300) -> np.ndarray:
    """A blank ink mask with a detected line of ten characters (so the page has a character size)."""
    ink = np.zeros((height, width), np.uint8)
    for i in range(10):
        ink[20 : 20 + CHAR, 20 + 22 * i : 20 + 22 * i + 14] = 1
    return ink


LINE = Box("十个字", 15, 240, 12, 46, 0.99)


def test_the_character_height_is_measured_from_the_characters_the_detector_found():
    ink = _page()
    for i in range(30):  # more dirt than characters, outside the detected line
        ink[100 + 10 * i : 105 + 10 * i, 600:605] = 1
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    assert char_height(stats, np.arange(n) > 0) == 5  # every component: the dirt's size
    assert uncovered_groups(ink, [LINE], [])[1] == CHAR  # the detected line's characters
    assert uncovered_groups(ink, [], [])[1] == 5  # no box: all the ink there is


def test_ink_inside_a_box_is_covered_and_ink_outside_every_box_is_not():
    ink = _page()
    ink[100:106, 40:46] = 1  # a full stop alone on its line: a third of a character
    groups, char = uncovered_groups(ink, [LINE], [])
    assert char == CHAR
    assert groups == [(40, 100, 46, 106)]


def test_ink_touching_a_box_counts_as_covered():
    ink = _page()
    ink[40:60, 230:240] = 1  # runs out of the box's bottom edge
    assert uncovered_groups(ink, [LINE], [])[0] == []


def test_specks_are_measured_against_the_page_s_characters():
    ink = _page()
    ink[100:102, 40:42] = 1  # 2 px: dust, a ninth of a character
    ink[150:154, 40:44] = 1  # 4 px: still under a quarter of a character
    ink[200:205, 40:45] = 1  # 5 px: over it (a full stop is about a third)
    assert uncovered_groups(ink, [LINE], [])[0] == [(40, 200, 45, 205)]


def test_near_components_on_one_line_are_one_word_unless_a_rule_parts_them():
    ink = _page()
    ink[100:118, 300:310] = 1  # 0
    ink[100:118, 313:323] = 1  # 8, 3 px on: the code cell `08`
    ink[100:118, 400:410] = 1  # 77 px further: another word
    ink[101:118, 340:350] = 1
    assert uncovered_groups(ink, [LINE], [])[0] == [(300, 100, 323, 118), (340, 101, 350, 118), (400, 100, 410, 118)]
    rule = TableRule(311.5, 80, 140)
    groups = uncovered_groups(ink, [LINE], [rule])[0]
    assert (300, 100, 310, 118) in groups and (313, 100, 323, 118) in groups


def test_components_on_different_lines_are_not_one_word():
    ink = _page()
    ink[100:118, 300:310] = 1
    ink[140:158, 300:310] = 1  # the line below, directly under it
    assert len(uncovered_groups(ink, [LINE], [])[0]) == 2


def test_a_blot_much_taller_than_the_page_s_text_is_not_read():
    ink = _page()
    ink[100:160, 500:560] = 1  # a stamp or a logo, over three characters tall
    assert uncovered_groups(ink, [LINE], [])[0] == []


def test_the_crop_is_padded_and_shows_no_detected_box_s_ink():
    image = np.full((300, 900), 255, np.uint8)
    image[20:38, 20:230] = 0  # the detected line
    image[50:56, 40:46] = 0  # a full stop just below it
    out = crop(image, [LINE], (40, 50, 46, 56), CHAR)
    pad = round(0.7 * CHAR)
    assert out.shape == (6 + 2 * pad, 6 + 2 * pad)
    assert (out == 0).sum() == 36  # the full stop's ink, and no ink of the line above


# ----------------------------------------------------------------------------------------------
# the recogniser on the corpus pages where the detector missed ink


def _fixture_page(name: str, page: int) -> dict:
    data = json.loads(gzip.decompress((FIXTURES / f"{name}.json.gz").read_bytes()))
    return data["pages"][page - 1]


@needs_corpus
@ocr_extra
@pytest.mark.parametrize(
    ("name", "page", "want"),
    [
        # a full stop alone on its line, ending item 30's sentence (p.9 line 17)
        ("putuo-wanli-street-2024-budget", 9, ["。"]),
        # the header 款 of the 项目支出 table and the code cell 08 of 2070308 群众体育 (p.23)
        ("putuo-wanli-street-2024-budget", 23, ["款", "08"]),
    ],
)
def test_the_ink_the_detector_missed_is_read(name, page, want, tmp_path):
    from auditor.loaders import ocr
    from auditor.loaders.ocr_uncovered import uncovered_boxes
    from auditor.scancopy import make_scan

    result = _fixture_page(name, page)
    assert result["uncovered"] == len(want)
    k = 72 / ocr.DPI
    height = result["size"][1]
    detected = [
        Box(b[0], b[1] / k, b[2] / k, (height - b[4]) / k, (height - b[3]) / k, b[5])
        for b in result["boxes"][: -result["uncovered"]]
    ]
    scan = make_scan(CORPUS / f"{name}.pdf", tmp_path / "scan.pdf", pages=[page], skew=1.0)
    import pypdfium2 as pdfium

    with pdfium.PdfDocument(str(scan)) as pdf:
        gray = pdf[0].render(scale=ocr.DPI / 72, grayscale=True).to_numpy()
    gray = rotate(np.ascontiguousarray(gray if gray.ndim == 2 else gray[:, :, 0]), result["skew"])
    rules, rule_mask = table_rules(gray, min_len=40)
    engine = ocr._engine()
    found = uncovered_boxes(erase(gray, rule_mask), detected, rules, lambda c: ocr._read_crop(engine, c))
    assert [b.text for b in sorted(found, key=lambda b: (b.top, b.left))] == want
    assert all(b.conf > 0.9 for b in found)
    # where the fixture has them (the same page, scanned as part of its document)
    for b, kept in zip(sorted(found, key=lambda b: (b.top, b.left)), result["boxes"][-result["uncovered"] :]):
        assert abs(b.left * k - kept[1]) < 3 and abs(b.right * k - kept[2]) < 3


def _white_page(ink: np.ndarray) -> np.ndarray:
    return np.where(ink > 0, 0, 255).astype(np.uint8)


def test_a_sure_reading_becomes_a_box_at_the_ink_with_a_line_s_height():
    from auditor.loaders.ocr_uncovered import uncovered_boxes

    ink = _page()
    ink[100:106, 40:46] = 1
    found = uncovered_boxes(_white_page(ink), [LINE], [], lambda crop: ("。", 0.97))
    assert [(b.text, b.conf, b.left, b.right) for b in found] == [("。", 0.97, 40.0, 46.0)]
    # as tall as the page's detected boxes (34 px), about the ink's centre
    assert (found[0].top, found[0].bottom) == (103 - 17, 103 + 17)


def test_an_unsure_or_blank_reading_of_uncovered_ink_is_dropped():
    from auditor.loaders.ocr_uncovered import SURE, uncovered_boxes

    ink = _page()
    ink[100:106, 40:46] = 1
    page = _white_page(ink)
    assert uncovered_boxes(page, [LINE], [], lambda crop: ("1", SURE - 0.01)) == []
    assert uncovered_boxes(page, [LINE], [], lambda crop: ("  ", 0.99)) == []
    assert len(uncovered_boxes(page, [LINE], [], lambda crop: ("。", SURE))) == 1


def test_a_dirty_page_reads_at_most_the_largest_words():
    from auditor.loaders.ocr_uncovered import MOST, uncovered_boxes

    ink = _page(width=1200, height=1200)
    for i in range(MOST + 20):  # dirt all over the page, one blot larger than the rest
        y, x = 100 + 40 * (i // 20), 30 + 50 * (i % 20)
        ink[y : y + 6, x : x + 6] = 1
    ink[100:110, 30:40] = 1
    sizes = []

    def read(crop):
        sizes.append(int((crop < 128).sum()))
        return "", 0.0

    uncovered_boxes(_white_page(ink), [LINE], [], read)
    assert len(sizes) == MOST and max(sizes) == 100

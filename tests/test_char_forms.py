"""Characters the parsers do not expect are read as the ones they do: no-break and typographic spaces
as spaces, zero-width characters dropped, figures printed in full-width digits (``２，９４０．０５``) as
their ASCII forms.

A corpus document whose every amount and percentage is rewritten in full-width characters (as a Word
file typed with a Chinese input method prints them) must read as the document itself: the same
frames and the same findings. Before ``auditor.fullwidth`` it raised dozens of false errors (an
amount cut at its full-width comma, a table read as empty).
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from corpus import MINHANG, needs_corpus
from layout_variants import pdf_lines

from auditor import audit
from auditor.document import Document, lines_from_text
from auditor.char_forms import ascii_figures, plain_characters, with_plain_characters
from auditor.parse import parse_document


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("比2024年增加２４，５５８．１８万元", "比2024年增加24,558.18万元"),
        ("占９９．７９％；", "占99.79%；"),
        ("项目１，２３４，５６７．００元", "项目1,234,567.00元"),
        ("２０２５年部门收入预算总表", "2025年部门收入预算总表"),
        ("２９４０．０５", "2940.05"),
        # a Chinese comma between two figures is not a thousands separator
        ("第１，２项", "第1，2项"),
        ("１２，３４５６", "12，3456"),
        # a comma printed for the decimal point after a thousands group stays a comma
        ("资金４１，６７２，６９万元", "资金41,672,69万元"),
        # a sentence's full stop after a figure is not a decimal point
        ("共３个。", "共3个。"),
        ("合计３．", "合计3．"),
        # ASCII figures with a full-width point are left to the number reader (no full-width digit)
        ("2940．05", "2940．05"),
        ("没有数字", "没有数字"),
    ],
)
def test_ascii_figures(text, expected):
    out = ascii_figures(text)
    assert out == expected
    assert len(out) == len(text)  # one character for one: offsets and cell extents still hold


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("合计\u00a0\u00a0166,\u00a0408.\u00a036", "合计  166, 408. 36"),
        ("一般公共\u2002服务\u202f支出", "一般公共 服务 支出"),
        ("部门\u200b预算\ufeff公开\u00ad", "部门预算公开"),
        ("占\u00a0９９％", "占 99%"),
        ("单位：\u3000元", "单位：\u3000元"),  # (an ideographic space is a cell gap already)
    ],
)
def test_plain_characters(text, expected):
    assert plain_characters(text) == expected


def test_a_no_break_spaced_rows_cells_are_split_at_its_gaps():
    doc = Document(path="x.txt", lines=lines_from_text("201\u00a0\u00a0一般公共服务支出\u00a0\u00a08,209.68"), kind="text")
    (line,) = with_plain_characters(doc).lines
    assert line.cells == ("201", "一般公共服务支出", "8,209.68")


def test_text_without_full_width_digits_is_the_same_object():
    doc = Document(path="x.txt", lines=lines_from_text("收入总计  1,234.00\n占99%"), kind="text")
    assert with_plain_characters(doc) is doc


def test_a_text_rows_cells_are_split_again_from_the_ascii():
    doc = Document(path="x.txt", lines=lines_from_text("201 一般公共服务支出 ８，２０９．６８ １２．００"), kind="text")
    (line,) = with_plain_characters(doc).lines
    assert line.cells == ("201", "一般公共服务支出", "8,209.68", "12.00")
    assert doc.lines[0].text.endswith("１２．００")  # the input is not changed


#: every figure: amounts, percentages, codes, years, numbering (``1.``, a point and a comma not between
#: digits stay ASCII, as in ``166, 408. 36``)
_AMOUNT = re.compile(r"\d+(?:[,.]\d+)*%?")
_FULL = str.maketrans("0123456789,.%", "０１２３４５６７８９，．％")


def _full_width(text: str) -> str:
    return _AMOUNT.sub(lambda m: m.group(0).translate(_FULL), text)


def _findings(budget) -> list[tuple]:
    return sorted((f.rule, f.severity, f.message, f.location.line, f.location.page) for f in audit(budget).findings)


def _frames(budget) -> dict:
    return {k: v.to_dict("list") for k, v in budget.frames.items()}


@needs_corpus
def test_a_text_disclosure_spaced_with_no_break_spaces_reads_as_the_document():
    text = MINHANG.read_text(encoding="utf-8")
    varied = text.replace(" ", "\u00a0").replace("\n", "\u200b\n")
    base = parse_document(Document(path="a.txt", lines=lines_from_text(text), kind="text"))
    read = parse_document(Document(path="a.txt", lines=lines_from_text(varied), kind="text"))
    assert _frames(read) == _frames(base)
    assert _findings(read) == _findings(base)


@needs_corpus
def test_a_text_disclosure_in_full_width_figures_reads_as_the_document():
    text = MINHANG.read_text(encoding="utf-8")
    varied = _full_width(text)
    assert len(re.findall("[０-９]", varied)) > 4000  # the variant is real: hundreds of amounts rewritten
    base = parse_document(Document(path="a.txt", lines=lines_from_text(text), kind="text"))
    read = parse_document(Document(path="a.txt", lines=lines_from_text(varied), kind="text"))
    assert _frames(read) == _frames(base)
    assert _findings(read) == _findings(base)


@needs_corpus
@pytest.mark.parametrize("name", ["putuo-government-office-2025-unit-budget", "putuo-planning-resources-2024-final-accounts"])
def test_a_pdf_in_full_width_figures_reads_as_the_document(name):
    doc = pdf_lines(name)
    lines = [dataclasses.replace(ln, text=_full_width(ln.text), cells=tuple(map(_full_width, ln.cells))) for ln in doc.lines]
    assert sum(a.text != b.text for a, b in zip(lines, doc.lines)) > 100
    base, read = parse_document(doc), parse_document(dataclasses.replace(doc, lines=lines))
    assert _frames(read) == _frames(base)
    assert _findings(read) == _findings(base)

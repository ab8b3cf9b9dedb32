"""The one numbering parser: every way the template and extractors print 一、/（一）/1./(1)/①/第一部分."""

from __future__ import annotations

import pytest

from auditor import numbering
from auditor.model import Section


@pytest.mark.parametrize(
    ("text", "style", "value", "rest"),
    [
        ("一、部门主要职能", "一、", 1, "部门主要职能"),
        ("十二、其他", "一、", 12, "其他"),
        ("二十一. 项目", "一、", 21, "项目"),
        ("三．机构设置", "一、", 3, "机构设置"),
        ("一、2024年“三公”经费预算情况说明", "一、", 1, "2024年“三公”经费预算情况说明"),
        ("（一）基本支出", "（一）", 1, "基本支出"),
        ("(二) 项目支出", "（一）", 2, "项目支出"),
        ("三）公务接待费", "（一）", 3, "公务接待费"),  # OCR lost the opening bracket
        ("1. 收入", "1.", 1, "收入"),
        ("2、支出", "1.", 2, "支出"),
        ("3 ．说明", "1.", 3, "说明"),
        ("  12、末项", "1.", 12, "末项"),
        ("（1）人员", "（1）", 1, "人员"),
        ("(10)公用", "（1）", 10, "公用"),
        ("③其他", "①", 3, "其他"),
        ("第二部分 预算表", "第一章", 2, "预算表"),
        ("第三章总则", "第一章", 3, "总则"),
    ],
)
def test_markers(text, style, value, rest):
    n = numbering.parse(text)
    assert (n.style, n.value) == (style, value)
    assert numbering.strip(text) == rest
    assert text[n.start : n.start + len(n.marker)] == n.marker


@pytest.mark.parametrize(
    "text", ["3.5万元", "2024年预算", "三公经费", "一次性补助", "1.2024年部门预算", "", "（2024）"]
)
def test_not_markers(text):
    assert numbering.parse(text) is None and numbering.strip(text) == text


def test_loose_lists_of_titles_take_a_year_after_the_number():
    assert numbering.parse("1.2024年部门财务收支预算总表", loose=True).value == 1
    assert numbering.parse("第一部分 概况", items_only=True) is None


def test_levels_and_chinese_numbers():
    assert [numbering.parse(t).level for t in ("一、a", "（一）a", "1.a", "（1）a", "①a")] == [1, 2, 3, 4, 5]
    assert [numbering.chinese_number(t) for t in ("一", "十", "十二", "二十", "一百零五", "x")] == [
        1,
        10,
        12,
        20,
        105,
        None,
    ]


def test_items_run_in_order():
    text = "主要包括。1.甲项目100万元;2、乙项目;3.5万元不是第三项;3. 丙项目"
    got = [(n, text[s:e]) for n, s, e in numbering.items(text)]
    assert [n for n, _ in got] == [1, 2, 3]
    assert got[2][1] == "丙项目"
    assert numbering.items("3. 没有第一项") == []


def test_sections_carry_their_numbering():
    s = Section("glossary", "三、名词解释", 40)
    assert s.number.style == "一、" and s.number.value == 3 and s.name == "名词解释"


def test_match_reads_strictly_as_a_lookahead_after_the_separator_would():
    """One pattern read two ways: strict is the match ``(?!\\d)`` after an arabic separator gives."""
    import itertools
    import re

    src = numbering._MARKERS.pattern
    lookahead = src.replace("(?P<n_sep>[.．、])", "(?P<n_sep>[.．、])(?!\\d)")
    assert lookahead != src
    strict = re.compile(lookahead, re.VERBOSE)
    loose = re.compile(src, re.VERBOSE)
    heads = ["", " ", "\u3000", "\t "]
    markers = ["1", "12", "123", "一", "十二", "(1", "（一", "三）", "③", "第二", "第12", "a", "１"]
    seps = ["", ".", "．", "、", " .", ")", "）", "部分", "章"]
    tails = ["", "5", "２", "2024年", " 收入", "x", "．5", "\u0663"]  # ARABIC-INDIC 3 is a \d too
    texts = ["".join(p) for p in itertools.product(heads, markers, seps, tails)]
    for text in texts:
        for want, loose_mode in ((strict, False), (loose, True)):
            got, expected = numbering.match(text, loose=loose_mode), want.match(text)
            assert (got and (got.span(), got.groupdict())) == (expected and (expected.span(), expected.groupdict())), (
                text,
                loose_mode,
            )
    assert numbering.match("1.5亿元") is None and numbering.match("1.5亿元", loose=True).group("n") == "1"
    assert numbering.match("共1.5亿元", 1) is None and numbering.match("共1. 5亿元", 1).group("n") == "1"

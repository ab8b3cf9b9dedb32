"""A table title printed over two lines (a long title in a large type wraps) is the table's title.

Before, the table was lost: a false DS001/FA001 error for each such table, its rows read under the
table before, and its lines read as prose (ED002). Each body title of a corpus budget and 决算 is cut
here in three places (after its year, in the middle, before its last word) and must read as printed
on one line.
"""

from __future__ import annotations

import dataclasses

import pytest
from corpus import needs_corpus
from layout_variants import pdf_lines

from auditor import audit
from auditor.document import Document, Line, lines_from_text
from auditor.parse import parse_document
from auditor.parse.final.locate import match_title as final_title
from auditor.parse.kind import find_titles
from auditor.parse.tables import match_title


def _titles(text: str, match=match_title) -> list[tuple[int, int, str, str]]:
    lines = lines_from_text(text)
    return find_titles(lines, 0, len(lines), match)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the second line alone is no title
        ("2025年部门财务收支\n预算总表", [(0, 1, "fiscal_summary", "2025年部门财务收支预算总表")]),
        # ... or another table's (收支预算总表 is the 财务收支预算总表's short form)
        (
            "2025年部门财政拨\n款收支预算总表",
            [(0, 1, "fiscal_appropriation_summary", "2025年部门财政拨款收支预算总表")],
        ),
        # ... or a part of the title: the first line ends as a title's first words do, or inside one
        (
            "上海市普陀区商务委员会2025年\n部门收入预算总表",
            [(0, 1, "income_summary", "上海市普陀区商务委员会2025年部门收入预算总表")],
        ),
        ("2025年预算单\n位财务收支预算总表", [(0, 1, "fiscal_summary", "2025年预算单位财务收支预算总表")]),
        ("2025年预算\n单位收入预算总表", [(0, 1, "income_summary", "2025年预算单位收入预算总表")]),
        # not after 预算: an empty table's column heads stand right above the next title
        (
            "国有资本经营预算\n2025年部门一般公共预算支出功能分类预算表",
            [(1, 1, "gpb_function", "2025年部门一般公共预算支出功能分类预算表")],
        ),
        # a document's title above a table's stays apart
        (
            "上海市普陀区商务委员会2025年部门预算\n2025年部门收入预算总表",
            [(1, 1, "income_summary", "2025年部门收入预算总表")],
        ),
        # a blank line between the two (pdftotext -layout under a large type)
        ("2025年部门支出\n\n预算总表", [(0, 2, "expenditure_summary", "2025年部门支出预算总表")]),
        # the unit on the second line is the table's, not its title's
        ("2025年部门收入\n预算总表      单位：元", [(0, 1, "income_summary", "2025年部门收入预算总表")]),
        # one line: as before
        ("2025年部门收入预算总表", [(0, 0, "income_summary", "2025年部门收入预算总表")]),
        # not a title's first words: a sentence, a row with figures, a table's last row
        ("本部门收入预算如下。\n2025年部门收入预算总表", [(1, 1, "income_summary", "2025年部门收入预算总表")]),
        ("其他收入    1,200.00\n2025年部门支出预算总表", [(1, 1, "expenditure_summary", "2025年部门支出预算总表")]),
        ("其他支出\n2025年部门支出预算总表", [(1, 1, "expenditure_summary", "2025年部门支出预算总表")]),
        ("注：本表无数据\n预算总表", []),
    ],
)
def test_find_titles_budget(text, expected):
    assert _titles(text) == expected


def test_find_titles_final_accounts():
    assert _titles("一般公共预算财政拨款基本支\n出决算表", final_title) == [
        (0, 1, "fa_gpb_basic_economic", "一般公共预算财政拨款基本支出决算表")
    ]
    # 国有资本经营预算财政拨款 / 收入支出决算表: alone, the second line would be the 收入支出决算总表's
    assert _titles("国有资本经营预算财政拨款\n收入支出决算表", final_title)[0][2] == "fa_soe_capital"


# ------------------------------------------------------------------------------------------------
# corpus documents with their body titles wrapped

DOCUMENTS = [
    "putuo-commerce-2025-budget",
    "putuo-government-office-2025-unit-budget",
    "putuo-finance-bureau-2024-final-accounts",
]
CUTS = {
    "after-the-year": lambda t: t.index("年") + 1 if 0 < t.find("年") < len(t) - 6 else len(t) // 2,
    "in-the-middle": lambda t: len(t) // 2,
    "before-the-last-word": lambda t: len(t) - 5,
}


def _wrapped(doc: Document, cut) -> tuple[Document, int]:
    """`doc` with each table title after the 目录 printed over two lines cut at ``cut(title)``."""
    budget = parse_document(doc)
    titled = {(t.page, t.line) for t in budget.meta.tables.values()}
    lines: list[Line] = []
    count = 0
    for ln in doc.lines:
        text = ln.text.strip()
        if (ln.page, ln.line) in titled and len(ln.cells) == 1:
            k = cut(text)
            lines.append(dataclasses.replace(ln, text=text[:k], cells=(text[:k],)))
            lines.append(dataclasses.replace(ln, text=text[k:], cells=(text[k:],)))
            count += 1
        else:
            lines.append(ln)
    return dataclasses.replace(doc, lines=lines), count


def _findings(budget) -> list[tuple]:
    return sorted((f.rule, f.severity, f.location.page, f.location.line, f.message) for f in audit(budget).findings)


@needs_corpus
@pytest.mark.parametrize("cut", CUTS)
@pytest.mark.parametrize("name", DOCUMENTS)
def test_wrapped_titles_read_as_the_document(name, cut):
    doc = pdf_lines(name)
    varied, count = _wrapped(doc, CUTS[cut])
    assert count >= 8  # the nine tables (an empty one may print its title with its unit)
    base, read = parse_document(doc), parse_document(varied)
    assert {k: t.title for k, t in read.meta.tables.items()} == {k: t.title for k, t in base.meta.tables.items()}
    assert {k: v.to_dict("list") for k, v in read.frames.items()} == {
        k: v.to_dict("list") for k, v in base.frames.items()
    }
    assert _findings(read) == _findings(base)

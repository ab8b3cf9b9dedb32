"""Tables in the text-object order of pdfium's ``get_text_range`` (and pdf.js): several rows on one line.

Those extractors follow the content stream and break a line only where the producer moved to a new
one, so a block of coded-table rows often comes out as one line, cells single-spaced, a row's last
amount cut from the next row's codes by a space (``… 0 0 0 204 06 司法 300,000 …``). The variants are
constructed from the corpus tables (their pdftotext -layout text, which the corpus tests hold equal to
the PDF): the same rows joined into lines in runs of every length, with the codes printed apart,
joined, run into the name, or without a 款/项 code's leading zero; each must load to exactly the
tables it was made from. The corpus PDFs' own pdfium text is checked in test_extraction_layouts.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import auditor
from auditor.document import lines_from_text
from auditor.model import TABLE_COLUMNS
from auditor.parse.table_order import split_rows
from auditor.parse.table_rows import tokenize
from auditor.parse.tables import match_title

TABLES_TEXT = Path(__file__).parent / "data" / "tables"
DOCS = sorted(p.stem for p in TABLES_TEXT.glob("*.txt"))
CODED = {"income_summary", "expenditure_summary", "gpb_function", "gov_fund_function", "soe_capital_function"}
_ROW = re.compile(r"^\s*(?:(\d{3})((?:\s+\d{1,2}){0,2})\s+(\S.*)|合\s*计\s+.*)$")
_SOURCES: dict[str, auditor.Budget] = {}


def source(name: str) -> auditor.Budget:
    if name not in _SOURCES:
        _SOURCES[name] = auditor.load(TABLES_TEXT / f"{name}.txt")
    return _SOURCES[name]


def _codes(line: str, style: str) -> str:
    """A data line single-spaced, its codes printed in `style`."""
    line = " ".join(line.split())
    m = _ROW.match(line)
    if m is None or m.group(1) is None:
        return line
    head, groups, rest = m.group(1), [g.zfill(2) for g in m.group(2).split()], m.group(3)
    if style == "joined":
        return f"{head}{''.join(groups)} {rest}"
    if style == "run into the name":
        return f"{head}{''.join(groups)}{rest}"
    if style == "no leading zero":
        return " ".join([head, *(g.lstrip("0") or "0" for g in groups), rest])
    if style == "name ends after the amounts":
        # a long name wrapped in its cell: its second line drawn after the row's amounts
        name, *amounts = rest.split()
        if len(name) > 6 and amounts:
            k = max(3, len(name) - 4)
            return " ".join([head, *groups, name[:k], *amounts, name[k:]])
    return line  # as printed (`301 2 津贴补贴` stays so)


def pdfium_order(text: str, runs: tuple[int, ...], style: str = "apart") -> tuple[str, int]:
    """The coded tables of `text` with their data rows joined into lines, run after run (the lengths
    cycle through `runs`; 0 joins every row up to the next line that is not a row), and how many
    lines hold more than one row."""
    out: list[str] = []
    run: list[str] = []
    n = 0
    coded = False
    joined = 0

    def flush() -> None:
        nonlocal run, joined
        if run:
            out.append(" ".join(run))
            joined += len(run) > 1
            run = []

    for line in text.splitlines():
        title = match_title(line)
        if title is not None:
            flush()
            coded = title[0] in CODED or title[0] == "gpb_basic_economic"
        if coded and _ROW.match(line) and match_title(line) is None:
            run.append(_codes(line, style))
            size = runs[n % len(runs)]
            if size and len(run) == size:
                flush()
                n += 1
            continue
        if line.strip():
            flush()  # a header, a wrapped name, a note: the run ends there, as the producer's does
        out.append(line)
    flush()
    return "\n".join(out), joined


def _equal_tables(a: auditor.Budget, b: auditor.Budget) -> list[str]:
    return [
        key
        for key, (columns, _) in TABLE_COLUMNS.items()
        if not a.frames[key][columns].reset_index(drop=True).equals(b.frames[key][columns].reset_index(drop=True))
    ]


@pytest.mark.parametrize(
    "runs,style",
    [
        ((0,), "apart"),
        ((2,), "apart"),
        ((3, 1, 7, 2, 5), "apart"),
        ((4, 9), "joined"),
        ((5, 2), "run into the name"),
        ((3, 6), "no leading zero"),
        ((0,), "name ends after the amounts"),
        ((1,), "name ends after the amounts"),
    ],
    ids=[
        "every row of a block",
        "pairs",
        "runs of 1-7",
        "codes joined",
        "codes run into the name",
        "no leading zero",
        "name ends after the amounts",
        "one row a line, name ends after the amounts",
    ],
)
@pytest.mark.parametrize("name", DOCS)
def test_rows_joined_on_one_line_load_exactly(tmp_path, name, runs, style):
    text, joined = pdfium_order((TABLES_TEXT / f"{name}.txt").read_text(encoding="utf-8"), runs, style)
    assert joined >= 3 or runs == (1,), "the variant joins rows"
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    assert _equal_tables(source(name), auditor.load(path)) == []


def test_joined_rows_audit_like_the_table_they_were_made_from(tmp_path):
    """Not only the frames: the same findings, rule by rule (Wanli 2025 prints its 21201 1-元 defect)."""
    from collections import Counter

    name = "putuo-wanli-street-2025-budget"
    path = tmp_path / f"{name}.txt"
    path.write_text(pdfium_order((TABLES_TEXT / f"{name}.txt").read_text(encoding="utf-8"), (0,))[0], encoding="utf-8")
    expected = auditor.audit(TABLES_TEXT / f"{name}.txt")
    got = auditor.audit(path)
    assert Counter((f.rule, f.severity, f.location.row) for f in got.findings) == Counter(
        (f.rule, f.severity, f.location.row) for f in expected.findings
    )


def _parts(text: str, lengths=(3, 5, 7)) -> list[list[str]]:
    (line,) = lines_from_text(text)
    return [[t.text for t in part if t.kind != "blank"] for part in split_rows(tokenize(line), lengths)]


@pytest.mark.parametrize(
    "text,expected",
    [
        # a row's last amount is a whole number: the next row's 3-digit code is not an amount
        (
            "201 38 02 一般行政管理事务 135,200 135,200 0 0 0 204 公共安全支出 1,633,000 0 204 06 司法 300,000",
            [
                ["201", "38", "02", "一般行政管理事务", "135,200", "135,200", "0", "0", "0"],
                ["204", "公共安全支出", "1,633,000", "0"],
                ["204", "06", "司法", "300,000"],
            ],
        ),
        # a row that prints no amounts, then a row, then the 合计
        (
            "221 02 住房改革支出 221 02 01 住房公积金 1,000.00 1,000.00 合计 9,000.00 9,000.00",
            [
                ["221", "02", "住房改革支出"],
                ["221", "02", "01", "住房公积金", "1,000.00", "1,000.00"],
                ["合计", "9,000.00", "9,000.00"],
            ],
        ),
        # codes run into the name
        (
            "2010301行政运行 12.00 12.00 2010302一般行政管理事务 3.00 3.00",
            [["2010301行政运行", "12.00", "12.00"], ["2010302一般行政管理事务", "3.00", "3.00"]],
        ),
        # a 款 code without its leading zero after a row's small whole amount
        (
            "301 1 基本工资 12 12 301 2 津贴补贴 5 5",
            [["301", "1", "基本工资", "12", "12"], ["301", "2", "津贴补贴", "5", "5"]],
        ),
    ],
)
def test_a_line_is_cut_where_each_row_starts(text, expected):
    assert _parts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "功能分类科目名称 合计 基本支出 项目支出",  # a header prints 合计 among its column names
        "201 13 50 事业运行 2,901,820.00 2,901,820.00",
        "210 11 行政事业 单位医疗 881,803.00 881,803.00",  # a name printed in two pieces
        "注：本表 2024 年数据 为 预算数",
    ],
)
def test_a_line_of_one_row_stays_whole(text):
    assert len(_parts(text)) == 1

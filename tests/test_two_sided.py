"""The two-sided 收支 summary tables in every way a text extractor lays their lines out.

Each variant is constructed from the table of a corpus document (as read from its pdftotext -layout
text, which the corpus tests hold equal to the PDF): the same rows printed with both halves on one
line, glued, with labels wrapped over two or three lines on either side, with a line of amounts
alone, and a cell per line. Every variant must load to exactly the table it was made from.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import auditor
from auditor.document import Document, lines_from_text
from auditor.model import TABLE_COLUMNS, Meta
from auditor.parse.tables import parse_tables

TABLES_TEXT = Path(__file__).parent / "data" / "tables"
DOCS = [
    "putuo-commerce-2025-budget",
    "putuo-government-office-2025-budget",
    "putuo-government-office-2025-unit-budget",
    "putuo-wanli-street-2024-budget",
    "putuo-wanli-street-2025-budget",
]
TITLES = {
    "fiscal_summary": "2025年部门财务收支预算总表",
    "fiscal_appropriation_summary": "2025年部门财政拨款收支预算总表",
}
_SOURCES: dict[str, auditor.Budget] = {}


def source(name: str):
    if name not in _SOURCES:
        _SOURCES[name] = auditor.load(TABLES_TEXT / f"{name}.txt")
    return _SOURCES[name]


def _fmt(fen) -> str:
    return f"{int(fen) // 100:,}.{int(fen) % 100:02d}"


def printed_lines(
    df: pd.DataFrame, key: str
) -> list[tuple[tuple[str, list[str]] | None, tuple[str, list[str]] | None]]:
    """The table's printed lines as (income cell, expenditure cell) pairs: label and amounts each."""
    money = TABLE_COLUMNS[key][1]
    out: dict[int, list] = {}
    for r in df.to_dict("records"):
        amounts = [_fmt(r[c]) for c in money if c in r and not pd.isna(r[c])]
        pair = out.setdefault(int(r["line"]) * 1000 + (int(r["page"]) if not pd.isna(r["page"]) else 0), [None, None])
        pair[0 if r["side"] == "income" else 1] = (r["item"], amounts)
    return [tuple(out[k]) for k in sorted(out)]


def _split(label: str) -> tuple[str, str]:
    k = max(2, len(label) - 2)
    return label[:k], label[k:]


def render(pairs, variant: str) -> list[str]:
    if variant.startswith("printed lines joined"):
        # text in the text objects' order (pdfium, pdf.js): a producer that draws several printed
        # lines as one run gives them on one line, the next line's income half after this one's amounts
        size = 2 if "pairs" in variant else 3
        single = render(pairs, "single-spaced")
        return [" ".join(single[i : i + size]) for i in range(0, len(single), size)]
    lines: list[str] = []
    for inc, exp in pairs:
        il, ia = inc if inc else ("", [])
        el, ea = exp if exp else ("", [])
        left = " ".join([il, *ia]).strip()
        right = " ".join([el, *ea]).strip()
        if variant == "spaced":
            lines.append(f"{left:<40}{right}" if left else " " * 40 + right)
        elif variant == "single-spaced":
            lines.append(f"{left} {right}".strip())
        elif variant == "glued":
            # the income amount runs into the expenditure label
            lines.append(f"{left}{right}" if ia and el else f"{left} {right}".strip())
        elif variant == "expenditure label wrapped around its amounts" and el and len(el) > 4:
            head, tail = _split(el)
            lines += [
                " " * 40 + head,
                f"{left:<40}{' '.join(ea)}" if left else " " * 40 + " ".join(ea),
                " " * 40 + tail,
            ]
        elif variant == "unindented label wrapped around its amounts" and el and len(el) > 4 and not il:
            # pdfplumber text: no indentation, a line of amounts alone between the label's two halves
            head, tail = _split(el)
            lines += [head, " ".join(ea), tail]
        elif variant == "income label wrapped around its amounts" and il and ia and len(il) > 4:
            head, tail = _split(il)
            lines += [head, f"{' '.join(ia)} {right}".strip(), tail]
        elif variant == "cell per line":
            lines += [c for c in (il, *ia, el, *ea) if c]
        else:
            lines.append(f"{left:<40}{right}" if left else " " * 40 + right)
    return lines


VARIANTS = [
    "spaced",
    "single-spaced",
    "glued",
    "expenditure label wrapped around its amounts",
    "unindented label wrapped around its amounts",
    "income label wrapped around its amounts",
    "cell per line",
    "printed lines joined in pairs",
    "printed lines joined in threes",
]


def parse_table(key: str, header: list[str], rows: list[str]) -> pd.DataFrame:
    text = "\n".join([TITLES[key], "编制部门：某部门", "单位：元", *header, *rows, "", "其他相关情况说明"])
    doc = Document(path="mem.txt", lines=lines_from_text(text), kind="text")
    meta, frames = Meta(source="mem.txt"), {}
    parse_tables(doc, meta, frames)
    return frames[key]


def _comparable(df: pd.DataFrame, key: str) -> pd.DataFrame:
    cols = TABLE_COLUMNS[key][0]
    return df[cols].reset_index(drop=True)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", DOCS)
@pytest.mark.parametrize("key", ["fiscal_summary", "fiscal_appropriation_summary"])
def test_two_sided_variant_loads_exactly(key, name, variant):
    want = source(name).frames[key]
    assert len(want) >= 8
    header = ["本年收入  本年支出", "项目  预算数  项目  合计  人员经费  公用经费  项目支出"]
    got = parse_table(key, header, render(printed_lines(want, key), variant))
    a, b = _comparable(want, key), _comparable(got, key)
    assert a.equals(b), f"{variant}:\n{a.compare(b) if a.shape == b.shape else b}"


def test_the_wide_unit_form_keeps_its_columns():
    """The 单位预算 财务收支总表 splits each expenditure into 人员经费, 公用经费 and 项目支出."""
    fs = source("putuo-government-office-2025-unit-budget").frames["fiscal_summary"]
    row = fs[fs["item"] == "二、社会保障和就业支出"].iloc[0]
    assert (row["amount"], row["personnel"], row["public"], pd.isna(row["project"])) == (
        421377928,
        394839928,
        26538000,
        True,
    )
    total = fs[fs["item"] == "支出总计"].iloc[0]
    assert [total[c] for c in ("amount", "personnel", "public", "project")] == [
        9101677535,
        2247399781,
        213277754,
        6641000000,
    ]
    income = fs[fs["side"] == "income"]
    assert income[["personnel", "public", "project"]].isna().all().all()


def test_the_issue_examples():
    """The middle line holds the income item and the expenditure amounts of a label wrapped above and below."""
    rows = [
        "一、社会保障和就业",
        "一、一般公共预算 123,456,789.10 7,654,321.00 7,654,321.00 0.00 0.00",
        "支出",
        "收入总计 123,456,789.10 支出总计 7,654,321.00 7,654,321.00",
    ]
    got = parse_table("fiscal_appropriation_summary", ["项目 预算数 项目 合计 一般公共预算"], rows)
    recs = got[["side", "item", "total", "general_public", "gov_fund", "soe_capital"]].astype(object)
    recs = recs.where(recs.notna(), None).values.tolist()
    assert recs == [
        ["income", "一、一般公共预算", 12345678910, None, None, None],
        ["expenditure", "一、社会保障和就业支出", 765432100, 765432100, 0, 0],
        ["income", "收入总计", 12345678910, None, None, None],
        ["expenditure", "支出总计", 765432100, 765432100, None, None],
    ]
    glued = parse_table(
        "fiscal_summary",
        ["项目 预算数 项目 预算数"],
        ["一、财政拨款收入 12,345,678一、社会保障和就业支出 1,234,567", "收入总计 12,345,678 支出总计 1,234,567"],
    )
    assert glued[["side", "item", "amount"]].values.tolist() == [
        ["income", "一、财政拨款收入", 1234567800],
        ["expenditure", "一、社会保障和就业支出", 123456700],
        ["income", "收入总计", 1234567800],
        ["expenditure", "支出总计", 123456700],
    ]

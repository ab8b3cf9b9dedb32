"""One-defect variants of the corpus 决算 for the checks on its tables: presence and structure, the
arithmetic within each of the nine tables, and the figures two tables share.

Each case changes one located line of the finance bureau's or the planning bureau's PDF reading and
states exactly what that adds to the document's own findings: (rule, severity, page). A figure that
two tables print is reported at the first table's page, and its message names both pages (either
print may be the wrong one); an identity that fails is reported at its total.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

import pytest
from corpus import needs_corpus
from final_variants import added_findings, baseline, drop, in_cell, replace, source, variant

from auditor import audit
from auditor.model import FA_NINE_TABLES
from auditor.parse import parse_document
from auditor.parse.final.locate import TITLE_VARIANTS, match_title

pytestmark = needs_corpus


def with_cells(cells: list[str], xs: list[tuple[float, float]]):
    """A change giving the line these cells at these x extents (figures written into an empty row)."""

    def change(ln):
        return dataclasses.replace(ln, text="  ".join(cells), cells=tuple(cells), cell_x=tuple(xs))

    return change


# the fund table's 合计 row (finance p.19) under its columns 年初, 本年收入, 本年支出 小计, 基本支出, 年末
_FUND_X = [(233, 257), (368, 392), (430, 458), (480, 505), (530, 555), (650, 674)]

F, P = "finance", "planning"
CASES = [
    # -- disclosure and structure --------------------------------------------------------------
    pytest.param(
        F,
        6,
        "第二部分上海市普陀区财政局",
        replace("普陀区", ""),
        [("FA016", "warning", 6)],
        id="D03-title-without-district",
    ),  # fmt: skip
    pytest.param(
        F,
        21,
        "第三部分上海市普陀区财政局",
        replace("2024", "2023"),
        [("FA016", "warning", 21)],
        id="D03-title-of-another-year",
    ),  # fmt: skip
    pytest.param(
        F, 20, "注：上海市普陀区财政局无国有资本经营", drop, [("FA011", "error", 20)], id="D04-empty-table-without-note"
    ),  # fmt: skip
    pytest.param(F, 15, "行政单位医疗", drop, [("FA003", "warning", 15)], id="D06-class-without-items"),
    pytest.param(
        F, 16, "津贴补贴", replace("津贴补贴", "津贴"), [("FA003", "warning", 16)], id="D06-economic-row-renamed"
    ),  # fmt: skip
    # -- arithmetic within a table ---------------------------------------------------------------
    # 收入支出决算总表: 本年收入合计 = Σ income; 本年支出合计 = Σ 类 (and 总表 类 = 支出决算表 类); the 总计
    pytest.param(
        F,
        6,
        "八、其他收入",
        in_cell(1, "6.20", "6.30"),
        [("FA101", "error", 6), ("FA201", "error", 6), ("FA301", "error", 21)],
        id="A01-income-line",
    ),  # fmt: skip
    pytest.param(
        F,
        6,
        "一、一般公共服务支出",
        in_cell(3, "2,106.66", "2,107.66"),
        [("FA101", "error", 6), ("FA201", "error", 6)],
        id="A01-class-line",
    ),  # fmt: skip
    pytest.param(
        F,
        7,
        "总计",
        in_cell(1, "2,995.39", "2,995.93"),
        [("FA101", "error", 7), ("FA101", "error", 7), ("FA301", "error", 21)],
        id="A01-income-grand-total",
    ),  # fmt: skip
    pytest.param(
        F, 7, "年初结转和结余", in_cell(1, "49.14", "49.41"), [("FA101", "error", 7)], id="A01-opening-balance"
    ),  # fmt: skip
    pytest.param(
        F, 7, "年末结转和结余", in_cell(3, "55.34", "55.43"), [("FA101", "error", 7)], id="A01-closing-balance"
    ),
    # 收入决算表 and 支出决算表: a row's 合计 = its columns; 类 = Σ款 = Σ项
    pytest.param(
        F,
        8,
        "01 行政运行",
        in_cell(3, "1,511.90", "1,512.90"),
        [("FA103", "error", 8), ("FA103", "error", 8)],
        id="A02-row-total",
    ),  # fmt: skip
    pytest.param(
        F,
        8,
        "07 信息化建设",
        replace("135.25", "153.25"),
        [("FA103", "error", 8), ("FA103", "error", 8)],
        id="A02-item-in-every-column",
    ),  # fmt: skip
    pytest.param(
        F,
        10,
        "07 信息化建设",
        in_cell(3, "135.25", "153.25"),
        [("FA103", "error", 10), ("FA103", "error", 10)],
        id="A03-row-total",
    ),  # fmt: skip
    # 财政拨款收入支出决算总表: each row's 合计 = its funds; the columns; 年初 = its three parts
    pytest.param(
        F,
        12,
        "八、社会保障和就业支出",
        in_cell(1, "326.71", "326.17"),
        [("FA102", "error", 12), ("FA102", "error", 13)],
        id="A04-row-total",
    ),  # fmt: skip
    pytest.param(
        F,
        13,
        "年初财政拨款结转和结余",
        in_cell(1, "21.63", "12.63"),
        [("FA102", "error", 13), ("FA102", "error", 13)],
        id="A04-opening-balance",
    ),  # fmt: skip
    # 一般公共预算财政拨款支出决算表: 合计 = 基本 + 项目; 合计行 = Σ类
    pytest.param(
        F,
        15,
        "2,940.05 2,336.91",
        in_cell(2, "603.14", "630.14"),
        [("FA103", "error", 15), ("FA103", "error", 15)],
        id="A05-total-row",
    ),  # fmt: skip
    # 基本支出决算表: 类 = Σ款; 公用经费合计 = 302 + 310 (and = GPB 基本 − 人员经费, 说明六, 机关运行经费)
    pytest.param(F, 16, "津贴补贴", in_cell(2, "1,238.58", "1,283.58"), [("FA104", "error", 16)], id="A06-class"),
    pytest.param(
        F,
        17,
        "公用经费合计",
        in_cell(3, "184.65", "148.65"),
        [("FA104", "error", 17), ("FA201", "error", 15), ("FA301", "error", 23), ("FA308", "error", 24)],
        id="A06-public-total",
    ),  # fmt: skip
    # 三公 table, 预算数 and 决算数 each: 合计 = 出国 + 车 + 接待; 车 = 购置 + 运行 (说明七 repeats them)
    pytest.param(
        P,
        17,
        "2.85",
        in_cell(5, "0.00", "0.20"),
        # 说明七 states the vehicles' 0.00 three times: （一）, （二）'s shares (p.25) and （二）item 2 (p.26)
        [
            ("FA105", "error", 17),
            ("FA105", "error", 17),
            ("FA301", "error", 25),
            ("FA301", "error", 25),
            ("FA301", "error", 26),
        ],
        id="A07-vehicle-subtotal-final",
    ),  # fmt: skip
    pytest.param(
        P,
        17,
        "2.85",
        in_cell(0, "2.85", "3.85"),
        [("FA105", "error", 17), ("FA301", "error", 25)],
        id="A07-total-budget",
    ),  # fmt: skip
    # fund tables: 年初 + 本年收入 − 本年支出 = 年末; a table with figures keeps no "本表无数据" note, and
    # the 财政拨款总表 and 说明八 that say the fund spent nothing now disagree with it
    pytest.param(
        F,
        19,
        "合计",
        with_cells(["合计", "1.00", "5.00", "3.00", "3.00", "2.00"], _FUND_X),
        [("FA011", "error", 19), ("FA103", "error", 19), ("FA201", "error", 13), ("FA317", "error", 23)],
        id="A08-fund-carry-over",
    ),  # fmt: skip
    pytest.param(
        F,
        19,
        "合计",
        with_cells(["合计", "1.00", "5.00", "3.00", "3.00", "3.00"], _FUND_X),
        [("FA011", "error", 19), ("FA201", "error", 13), ("FA317", "error", 23)],
        id="X09-fund-figures-where-none-are-stated",
    ),  # fmt: skip
    # -- cross-table ------------------------------------------------------------------------------
    pytest.param(
        F,
        8,
        "2,946.25",
        replace("2,946.25", "2,964.25"),
        [("FA103", "error", 8), ("FA103", "error", 8), ("FA201", "error", 6)],
        id="X01-income-total",
    ),  # fmt: skip
    pytest.param(
        F,
        8,
        "2,946.25",
        in_cell(5, "6.20", "6.02"),
        [("FA103", "error", 8), ("FA103", "error", 8), ("FA201", "error", 6)],
        id="X01-other-income",
    ),  # fmt: skip
    pytest.param(
        F,
        10,
        "08 财政委托业务支出",
        replace("449.52", "494.52"),
        [("FA103", "error", 10), ("FA103", "error", 10)],
        id="X02-expenditure-item",
    ),  # fmt: skip
    pytest.param(
        F,
        12,
        "一 一般公共预算财政拨款",
        replace("2,940.05", "2,904.05"),
        [("FA102", "error", 13), ("FA201", "error", 6)],
        id="X03-appropriation",
    ),  # fmt: skip
    pytest.param(
        F,
        13,
        "十九、住房保障支出",
        replace("445.69", "454.69"),
        [("FA102", "error", 13), ("FA102", "error", 13), ("FA201", "error", 13)],
        id="X04-general-budget-class",
    ),  # fmt: skip
    pytest.param(
        F,
        10,
        "08 财政委托业务支出",
        replace("449.52", "409.52"),
        [("FA103", "error", 10), ("FA103", "error", 10), ("FA205", "error", 15)],
        id="X05-general-budget-above-all-funds",
    ),  # fmt: skip
    pytest.param(
        P,
        16,
        "31013",
        in_cell(2, "0.00", "0.50"),
        [("FA104", "error", 16), ("FA202", "error", 16)],
        id="X07-vehicle-purchase-above-sangong",
    ),  # fmt: skip
    pytest.param(
        F,
        16,
        "机关事业单位基本养老保险缴",
        in_cell(3, "160.75", "160.57"),
        [("FA104", "error", 16), ("FA203", "info", 16)],
        id="X08-function-economic-mirror",
    ),  # fmt: skip
    pytest.param(
        F,
        24,
        "机关运行经费支出184.65万元",
        replace("184.65", "194.65"),
        [("FA304", "error", 24), ("FA308", "error", 24)],
        id="X10-operating-above-public",
    ),  # fmt: skip
    pytest.param(P, 26, "公务用车保有量为", replace("为 0辆", "为 2辆"), [("FA204", "warning", 28)], id="X11-fleet"),
    pytest.param(
        F,
        15,
        "卫生健康支出",
        replace("卫生健康支出", "医疗卫生与计划生育支出"),
        [("FA306", "warning", 15), ("SN002", "warning", 15)],
        id="X12-superseded-class-name",
    ),  # fmt: skip
    pytest.param(
        F,
        24,
        "截至2024年12月31日",
        replace("2024年12月31日", "2023年12月31日"),
        [("FA310", "warning", 24)],
        id="N13-assets-cut-off",
    ),  # fmt: skip
]


@pytest.mark.parametrize(("doc", "page", "match", "change", "added"), CASES)
def test_one_defect_adds_exactly_its_findings(doc, page, match, change, added):
    assert added_findings(doc, variant(source(doc), page, match, change)) == added


def test_a_figure_two_tables_print_names_both_pages():
    b = parse_document(variant(source(F), 8, "2,946.25", in_cell(5, "6.20", "6.02")))
    (f,) = [f for f in audit(b).findings if f.rule == "FA201" and "其他收入" in f.message]
    assert f.message == "总表“其他收入” vs 收入决算表合计行其他收入（第6页与第8页）：6.20万元 与 6.02万元 不一致"
    assert (f.location.table, f.location.page, f.expected, f.actual) == ("fa_summary", 6, "60200.00", "62000.00")


def _title_line(doc, title: str):
    """The body line printing a table's title (the one its 单位 line follows, not the 目录's)."""
    lines = doc.lines
    for i, ln in enumerate(lines):
        if ln.text.replace(" ", "") == title and any("单位" in x.text for x in lines[i + 1 : i + 3]):
            return ln
    raise AssertionError(f"no title line {title!r}")


@pytest.mark.parametrize("doc", [F, P])
@pytest.mark.parametrize("key", list(FA_NINE_TABLES))
def test_a_table_without_its_title_is_one_missing_table_and_its_rows_go_nowhere(doc, key):
    # without the title its rows would run on under the table before (another 单位 line and other
    # headers are where a table starts): a missing table, not dozens of false sums
    ln = _title_line(source(doc), FA_NINE_TABLES[key])
    changed = variant(source(doc), ln.page, ln.text, drop, hits=sum(
        1 for x in source(doc).lines if x.page == ln.page and ln.text in x.text))  # fmt: skip
    assert added_findings(doc, changed) == [("FA001", "error", None)]
    assert key in parse_document(changed).meta.missing_tables


@pytest.mark.parametrize(
    ("doc", "page", "heading", "part"),
    [
        (F, 4, "第一部分", "第一部分"),
        (F, 6, "第二部分", "第二部分"),
        (F, 21, "第三部分", "第三部分"),
        (F, 25, "第四部分", "第四部分"),
        (P, 4, "第一部分", "第一部分"),
        (P, 7, "2024年度部门决算表", "第二部分"),  # planning titles its tables' part without 第二部分
        (P, 20, "第三部分", "第三部分"),
        (P, 29, "第四部分", "第四部分"),
    ],
)
def test_a_part_without_its_heading_is_one_finding_not_one_per_section(doc, page, heading, part):
    found = [f for f in audit(parse_document(variant(source(doc), page, heading, drop))).findings
             if (f.rule, f.severity, f.location.page, f.message) not in baseline(doc)]  # fmt: skip
    assert [(f.rule, f.severity) for f in found] == [("FA002", "warning")]
    assert found[0].expected.startswith(part)


VARIANT_TITLES = [(key, title) for key, titles in TITLE_VARIANTS.items() for title in titles]


@pytest.mark.parametrize("doc", [F, P])
@pytest.mark.parametrize(("key", "title"), VARIANT_TITLES)
def test_a_table_under_another_templates_title_reads_as_under_this_ones(doc, key, title):
    # 国有资本经营预算财政拨款支出决算表, 一般公共预算财政拨款“三公”经费支出决算表, …: the same table
    ln = _title_line(source(doc), FA_NINE_TABLES[key])
    changed = variant(source(doc), ln.page, ln.text, lambda x: dataclasses.replace(x, text=title, cells=(title,)),
                      hits=sum(1 for x in source(doc).lines if x.page == ln.page and ln.text in x.text))  # fmt: skip
    budget = parse_document(changed)
    assert budget.meta.tables[key].title == title
    assert budget.table(key).equals(parse_document(source(doc)).table(key))
    assert added_findings(doc, changed) == []


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("上海市普陀区财政局2024年度收入支出决算总表", "fa_summary"),
        ("表1 部门收支决算总表", "fa_summary"),
        ("收入支出决算总表（公开01表）", "fa_summary"),
        ("财政拨款收入支出决算总表(续)", "fa_fiscal_summary"),
        ("一般公共预算财政拨款基本支出决算明细表", "fa_gpb_basic_economic"),
        ("一般公共预算财政拨款“三公”经费支出决算表", "fa_sangong"),
        ("国有资本经营预算财政拨款支出决算表", "fa_soe_capital"),
        # a qualifier before a title makes it another table's, not one of the nine
        ("基本支出决算表", None),
        ("项目支出决算表", None),
        ("一般公共预算财政拨款项目支出决算表", None),
        ("财政拨款支出决算明细表", None),
        ("政府性基金预算财政拨款“三公”经费支出决算表", None),
        ("本表反映部门本年度的总收支和年末结转结余情况。", None),
    ],
)
def test_which_titles_name_which_table(text, key):
    hit = match_title(text)
    assert (hit[0] if hit else None) == key


@pytest.mark.parametrize("doc", [F, P])
def test_a_units_final_accounts_reads_as_a_departments(doc):
    # a 单位决算 prints 单位决算 where a 部门决算 prints 部门决算 (单位决算单位构成, …年度单位决算表)
    lines = [
        dataclasses.replace(
            ln,
            text=ln.text.replace("部门决算", "单位决算").replace("本部门", "本单位"),
            cells=tuple(c.replace("部门决算", "单位决算").replace("本部门", "本单位") for c in ln.cells),
        )
        for ln in source(doc).lines
    ]
    changed = dataclasses.replace(source(doc), lines=lines)
    assert sum(a.text != b.text for a, b in zip(lines, source(doc).lines)) > 5
    budget = parse_document(changed)
    assert budget.meta.kind == "单位决算"
    kept = sorted((f.rule, f.severity, f.location.page) for f in audit(budget).findings)
    assert kept == sorted((rule, severity, page) for rule, severity, page, _ in baseline(doc))


_FIGURE = re.compile(r"(?<![\d.,])-?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2}(?!\d)")


def _in_yuan(text: str) -> str:
    return _FIGURE.sub(lambda m: f"{Decimal(m.group(0).replace(',', '')) * 10000:,.2f}", text)


@pytest.mark.parametrize("doc", [F, P])
def test_tables_printed_in_yuan_give_the_findings_of_tables_in_wanyuan(doc):
    # the template prints its tables in 万元; a 决算 headed 单位：元 prints each figure ×10,000, and the
    # 说明 still in 万元: the figures are read in the table's unit (they were taken for 万元)
    lines, tables = [], False
    for ln in source(doc).lines:
        if "单位：万元" in ln.text.replace(" ", ""):
            tables = True
            ln = dataclasses.replace(
                ln, text=ln.text.replace("万元", "元"), cells=tuple(c.replace("万元", "元") for c in ln.cells)
            )
        elif ln.text.lstrip().startswith("第三部分"):
            tables = False
        elif tables and ln.cell_x:
            ln = dataclasses.replace(ln, text=_in_yuan(ln.text), cells=tuple(_in_yuan(c) for c in ln.cells))
        lines.append(ln)
    changed = dataclasses.replace(source(doc), lines=lines)
    assert sum(a.text != b.text for a, b in zip(lines, source(doc).lines)) > 100
    budget = parse_document(changed)
    assert {info.unit for info in budget.meta.tables.values() if not info.empty} == {"元"}
    assert added_findings(doc, changed) == []


@pytest.mark.parametrize("doc", [F, P])
def test_the_unit_on_the_titles_line_reads_as_on_its_own(doc):
    # an extractor may set the right-aligned 单位：万元 on the title's line: the title is still the
    # table's, and the unit its unit
    lines, merged = list(source(doc).lines), 0
    out: list = []
    for ln in lines:
        before = out[-1] if out else None
        if (
            before is not None
            and before.page == ln.page
            and ln.text.replace(" ", "") == "单位：万元"
            and match_title(before.text)
        ):
            out[-1] = dataclasses.replace(before, text=before.text + "  单位：万元", cells=(*before.cells, "单位：万元"),
                                          cell_x=(*before.cell_x, ln.cell_x[0]))  # fmt: skip
            merged += 1
            continue
        out.append(ln)
    assert merged == 9
    changed = dataclasses.replace(source(doc), lines=out)
    assert {t.unit for t in parse_document(changed).meta.tables.values()} == {"万元"}
    assert added_findings(doc, changed) == []

"""决算 tables read from text as extractors lay them out: constructed texts, exact parsed values."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal

import pytest
from corpus import CORPUS, needs_corpus

from auditor import audit, load
from auditor.document import Document, lines_from_text
from auditor.parse.final.coded import read_coded
from auditor.parse.final.economic_text import read_economic_text
from auditor.parse.final.sided import FISCAL_EXPENDITURE, FISCAL_INCOME, read_sangong, read_two_sided
from auditor.parse.final.tables import IDENTITIES, KEYWORDS, _money
from auditor.parse.kind import cover_kind


def wan(fen) -> str | None:
    return None if fen is None else f"{Decimal(int(fen)) / 1_000_000:.2f}"


def economic(text: str) -> tuple[list[tuple], list[str]]:
    rows, notes = read_economic_text(lines_from_text(text))
    return [(r["code"] or r["name"], r["name"], wan(r["amount"]), r["lane"]) for r in rows], notes


WANT = [
    ("301", "工资福利支出", "30.00", "left"),
    ("302", "商品和服务支出", "5.00", "right"),
    ("30101", "基本工资", "10.00", "left"),
    ("30201", "办公费", None, "right"),
    ("30102", "津贴补贴", None, "left"),
    ("30202", "印刷费", "5.00", "right"),
    ("30108", "机关事业单位基本养老保险缴费", "20.00", "left"),
    ("30206", "电费", None, "right"),
    ("人员经费合计", "人员经费合计", "30.00", "left"),
    ("公用经费合计", "公用经费合计", "5.00", "right"),
]

# pdftotext -layout of a table whose figures sit above the baseline: each figure on the line above its
# code line, names on the line below, the right lane's 款 part beside its name, a wrapped name.
LAYOUT = """\
    经济分类                                   经济分类
类       款        科目名称      决算数         类   款   科目名称        决算数
301                         30.00      302                           5.00
            工资福利支出                                 商品和服务支出

                            10.00
301    01                              302
            基本工资                              01   办公费

                                                                      5.00
301    02                              302
            津贴补贴                              02   印刷费

                            20.00
301    08   机关事业单位基本养老保险缴              302
                                              06   电费
            费
                            30.00                                     5.00
           人员经费合计                              公用经费合计
"""

# pdfplumber: single spaces, figures on the line below their code line; a lone figure (5.00) has no
# column and is placed by the identities (301 = its 款; 302 = its 款); a lone name fragment (费)
# goes to the row whose classification name it completes.
PLUMBER = """\
经济分类 经济分类
科目名称 决算数 科目名称 决算数
301 302
工资福利支出 30.00 商品和服务支出 5.00
301 01 302
基本工资 01 办公费
10.00
301 02 302
津贴补贴 02 印刷费
5.00
301 08 机关事业单位基本养老保险缴 302
06 电费
费 20.00
人员经费合计 30.00 公用经费合计 5.00
"""

# codes glued to their names, a name centred on a bare code line, a page join gluing two lines.
GLUED = """\
经济分类                         经济分类
301     工资福利支出     30.00      302     商品和服务支出    5.00
30101    基本工资        10.00      30201办公费
30102    津贴补贴                   30202印刷费    5.00
         机关事业单位基本养老保
30108               20.00      30206    电费
        险缴费
      人员经费合计     30.00               公用经费合计    5.00
"""


def test_layout_text_figures_above_their_code_lines():
    assert economic(LAYOUT) == (WANT, [])


def test_plumber_text_lone_figures_placed_by_the_identities():
    assert economic(PLUMBER) == (WANT, [])


def test_glued_codes_and_centred_names():
    assert economic(GLUED) == (WANT, [])


def test_lone_figure_on_the_other_lane_when_the_left_class_already_adds_up():
    # the same lone 5.00 below a line whose left row is empty: 301 = 10 + 20 already, so it is 302's
    text = PLUMBER.replace("基本工资 01 办公费\n10.00\n", "基本工资 10.00 01 办公费\n")
    assert economic(text) == (WANT, [])


def test_figures_that_fit_no_placement_are_noted():
    text = PLUMBER.replace("10.00", "11.00")  # a digit wrong: 301 ≠ its 款 whatever the placement
    rows, notes = economic(text)
    assert notes == ["figures do not fit the table's identities in any placement"]
    assert ("30101", "基本工资", "11.00", "left") in rows


# -- coded tables (支出决算表 and the like) -------------------------------------------------------------


def coded(text: str, key: str = "fa_gpb_function") -> tuple[list[tuple], list[str]]:
    total, parts = IDENTITIES[key]
    reading = read_coded(lines_from_text(text), _money(key), KEYWORDS[key], total, parts)
    cols = _money(key)
    return [(r["code"], r["name"], *(wan(r[c]) for c in cols)) for r in reading.records], reading.notes


GPB_WANT = [
    (None, "合计", "40.00", "25.00", "15.00"),
    ("201", "一般公共服务支出", "40.00", "25.00", "15.00"),
    ("20106", "财政事务", "40.00", "25.00", "15.00"),
    ("2010601", "行政运行", "30.00", "25.00", "5.00"),
    ("2010602", "一般行政管理事务", "10.00", None, "10.00"),
]

# pdftotext -layout, figures set above the baseline: a row's total on its code line, its other
# columns on the line above; the 合计 row's figures on two lines above its label.
GPB_LAYOUT = """\
                       科目名称        合计        基本支出        项目支出
                                         25.00        15.00
                               40.00
                      合计
                                         25.00        15.00
201             一般公共服务支出       40.00
                                         25.00        15.00
201   06        财政事务            40.00
                                         25.00
201   06   01   行政运行            30.00               5.00
201   06   02   一般行政管理事务      10.00               10.00
"""

# pdfplumber of the same page: the name and the other columns on the line above the code line, the
# 合计 row's total on the line below its label.
GPB_PLUMBER = """\
科目名称 合计 基本支出 项目支出
合计 25.00 15.00
40.00
一般公共服务支出 25.00 15.00
201 40.00
财政事务 25.00 15.00
201 06 40.00
行政运行 25.00
201 06 01 30.00 5.00
一般行政管理事务
201 06 02 10.00 10.00
"""


def test_coded_layout_text_figures_above_their_code_line_go_by_column():
    assert coded(GPB_LAYOUT) == (GPB_WANT, [])


def test_coded_plumber_text_figures_above_and_below_go_to_the_row_they_complete():
    assert coded(GPB_PLUMBER) == (GPB_WANT, [])


def test_two_value_children_placed_together_by_their_parent():
    # 10.00 10.00 fits 合计 = 基本 and 合计 = 项目; only 项目 lets 20106's 基本 equal its children's
    text = """\
科目名称 合计 基本支出 项目支出
合计 40.00 25.00 15.00
201 一般公共服务支出 40.00 25.00 15.00
201 06 财政事务 40.00 25.00 15.00
201 06 01 行政运行 25.00 25.00
201 06 02 一般行政管理事务 10.00 10.00
201 06 07 信息化建设 5.00 5.00
"""
    got, notes = coded(text)
    assert (
        got[3:]
        == [
            ("2010601", "行政运行", "25.00", "25.00", None),
            ("2010602", "一般行政管理事务", "10.00", None, "10.00"),
            ("2010607", "信息化建设", "5.00", None, "5.00"),
        ]
        and notes == []
    )


def test_lines_joined_by_the_extractor_and_names_set_below_bare_code_lines():
    # a page join glues a figure to the next row's code (0.0022102) or name (15.00其他…); names of
    # two bare code lines wrapped below them, each keeping its own
    text = """\
科目名称 合计 基本支出 项目支出
合计 40.00 25.00 15.00
221 住房保障支出 40.00 25.00 15.0022102
住房改革支出 40.00 25.00 15.00
2210201 25.00 25.00
机关事业单位基本养老保险缴
费支出
2210202 15.00 15.00
机关事业单位职业年金缴费支
出
2210203 购房补贴 0.00 0.00
"""
    got, notes = coded(text)
    assert [(c, n) for c, n, *_ in got] == [
        (None, "合计"), ("221", "住房保障支出"), ("22102", "住房改革支出"),
        ("2210201", "机关事业单位基本养老保险缴费支出"), ("2210202", "机关事业单位职业年金缴费支出"),
        ("2210203", "购房补贴"),
    ]  # fmt: skip
    assert got[2] == ("22102", "住房改革支出", "40.00", "25.00", "15.00") and notes == []


def test_a_bare_code_line_with_its_name_centred_on_it_takes_the_fragment_above():
    # the template: one row's name wraps around its bare code line (one line above, one below) while
    # the row above prints its whole name on its own code line; '……' rows stand for rows left out
    text = """\
科目名称 合计 基本支出 项目支出
合计
205 教育支出
2050205 高等教育
…  …
207 文化旅游体育与传媒支出
其他文化旅游体育与传媒支
20799
出
…
"""
    got, _ = coded(text)
    assert [(c, n) for c, n, *_ in got] == [
        (None, "合计"), ("205", "教育支出"), ("2050205", "高等教育"), ("207", "文化旅游体育与传媒支出"),
        ("20799", "其他文化旅游体育与传媒支出"),
    ]  # fmt: skip


def test_a_bare_code_line_with_its_name_below_leaves_the_fragment_above_to_the_row_before():
    # pypdfium2's text of the same table: names continue below their code lines, so 与传媒支出 is 207's
    text = """\
科目名称 合计 基本支出 项目支出
合计
207 文化旅游体育
与传媒支出
20799
其他文化旅游
体育与传媒支
出
"""
    got, _ = coded(text)
    assert [(c, n) for c, n, *_ in got][1:] == [("207", "文化旅游体育与传媒支出"), ("20799", "其他文化旅游体育与传媒支出")]


@needs_corpus
def test_the_templates_wrapped_names_read_whole():
    b = load(CORPUS / "final-accounts-template.pdf")
    want = ["合计", "教育支出", "普通教育", "高等教育", "文化旅游体育与传媒支出", "其他文化旅游体育与传媒支出"]
    for key in ("fa_income", "fa_expenditure", "fa_gpb_function"):
        assert list(b.frames[key]["name"])[: len(want)] == want, key


# -- the 三公 table ----------------------------------------------------------------------------------


SANGONG_HEADER = (
    "预算数       决算数   预算数   决算数   预算数   决算数   预算数   决算数   预算数   决算数   预算数    决算数"
)


def sangong(text: str) -> tuple[list[tuple], list[str]]:
    rows, notes = read_sangong(lines_from_text(text))
    cols = ["total", "outbound", "vehicle_total", "vehicle_purchase", "vehicle_operation", "reception"]
    return [(r["stage"], *(wan(r[c]) for c in cols)) for r in rows], notes


def test_sangong_two_figures_in_layout_text_go_under_their_header():
    # 合计 0.95 and 接待 0.95 (or 出国 0.95: the identities allow both); the columns tell
    text = f"{SANGONG_HEADER}\n\n  0.95                                                              0.95\n"
    assert sangong(text) == (
        [("budget", "0.95", None, None, None, None, "0.95"), ("final", None, None, None, None, None, None)],
        [],
    )


def test_sangong_two_figures_without_columns_are_noted_as_ambiguous():
    text = "预算数 决算数 预算数 决算数 预算数 决算数 预算数 决算数 预算数 决算数 预算数 决算数\n0.95 0.95\n"
    rows, notes = sangong(text)
    assert notes == ["fa_sangong: 2 figures fit more than one placement; read in column order"]


# -- the two-sided summaries --------------------------------------------------------------------------


# pdftotext -layout of a 财政拨款收入支出决算总表 whose figures sit above the baseline: the income
# figure on the line above its label, the expenditure side's wrapped labels alone in their column
# (二十一、国有资本经营预算 / 支出 must not be read as the income item 国有资本经营预算财政拨款).
FISCAL_LAYOUT = """\
     项目         决算数            项目         合计          一般公共预算
               40.00
一、一般公共预算财政拨款              一、一般公共服务支出     40.00        40.00
二、政府性基金预算财政拨
                          二、外交支出
款
                          二十一、国有资本经营预算
                          支出
               40.00                  40.00
   本年收入合计                    本年支出合计                  40.00
"""


def test_fiscal_summary_layout_text_figures_above_labels_and_sides_by_column():
    recs = read_two_sided(lines_from_text(FISCAL_LAYOUT), FISCAL_INCOME, FISCAL_EXPENDITURE, fiscal=True)
    got = [(r["side"], r["item"], wan(r.get("total")), wan(r.get("general_public"))) for r in recs]
    assert got == [
        ("income", "一般公共预算财政拨款", "40.00", None),
        ("expenditure", "一般公共服务支出", "40.00", "40.00"),
        ("income", "政府性基金预算财政拨款", None, None),
        ("expenditure", "外交支出", None, None),
        ("expenditure", "国有资本经营预算支出", None, None),
        ("income", "本年收入合计", "40.00", None),
        ("expenditure", "本年支出合计", "40.00", "40.00"),
    ]


def test_fiscal_summary_plumber_text_numbering_and_fund_columns_on_the_next_line():
    # 二十一、 cannot be one of the three numbered income items; 本年支出合计 printed its 合计 only and
    # its 一般公共预算 column fell to the next line
    text = """\
项目 决算数 项目 合计
一、一般公共预算财政拨款 40.00 一、一般公共服务支出 40.00 40.00
二十一、国有资本经营预算
支出
本年收入合计 40.00 本年支出合计 40.00
40.00
"""
    recs = read_two_sided(lines_from_text(text), FISCAL_INCOME, FISCAL_EXPENDITURE, fiscal=True)
    got = [(r["side"], r["item"], wan(r.get("total")), wan(r.get("general_public"))) for r in recs]
    assert got == [
        ("income", "一般公共预算财政拨款", "40.00", None),
        ("expenditure", "一般公共服务支出", "40.00", "40.00"),
        ("expenditure", "国有资本经营预算支出", None, None),
        ("income", "本年收入合计", "40.00", None),
        ("expenditure", "本年支出合计", "40.00", "40.00"),
    ]


def test_cover_year_set_off_the_baseline():
    text = "上海市普陀区某某局\n年度部门决算\n2024目 录\n第一部分 概况\n"
    kind = cover_kind(Document(path="x.txt", lines=lines_from_text(text), kind="text"))
    assert (kind.kind, kind.year, kind.department) == ("部门决算", 2024, "上海市普陀区某某局")


def test_fiscal_summary_header_cells_below_the_figures_header_are_no_rows():
    # pypdfium2 sets each part of a header cell on a line of its own, below 项目 决算数 项目 合计
    text = """\
项目 决算数 项目 合计
一般公共预算
财
政拨款
政府性基金预
算
国有资本经营
一、一般公共预算财政拨款 40.00 一、一般公共服务支出 40.00 40.00
"""
    recs = read_two_sided(lines_from_text(text), FISCAL_INCOME, FISCAL_EXPENDITURE, fiscal=True)
    assert [(r["side"], r["item"]) for r in recs] == [
        ("income", "一般公共预算财政拨款"),
        ("expenditure", "一般公共服务支出"),
    ]


def test_a_name_fragment_goes_with_the_figures_on_its_line():
    # the end of 21011's name wrapped onto the line of its figures (pypdfium2), and the start of
    # 2101101's printed beside its figures above its code line (pdfplumber style) in another table
    below = """\
科目名称 合计 基本支出 项目支出
合计 40.00 40.00 0.00
210 卫生健康支出 40.00 40.00 0.00
21011 行政事业单位
医疗 40.00 40.00 0.00
2101101 行政单位医疗 40.00 40.00 0.00
"""
    got, notes = coded(below)
    assert [(c, n) for c, n, *_ in got] == [
        (None, "合计"), ("210", "卫生健康支出"), ("21011", "行政事业单位医疗"), ("2101101", "行政单位医疗"),
    ] and got[2][2:] == ("40.00", "40.00", "0.00") and notes == []  # fmt: skip


def test_fragments_between_a_code_line_and_its_figures_are_its_name():
    # pypdfium2: 行政单位离退 / 休 / its figures, then the next row; 休 is not the next row's start
    text = """\
科目名称 合计 基本支出 项目支出
合计 30.00 30.00 0.00
208 社会保障和就业支出 30.00 30.00 0.00
20805 行政事业单位养老支出 30.00 30.00 0.00
2080501 行政单位离退
休
10.00 10.00 0.00
2080502 事业单位离退
休
20.00 20.00 0.00
"""
    got, notes = coded(text)
    assert [(c, n, t) for c, n, t, *_ in got][3:] == [
        ("2080501", "行政单位离退休", "10.00"),
        ("2080502", "事业单位离退休", "20.00"),
    ] and notes == []


# -- the corpus 决算 as extracted text read as their PDFs ----------------------------------------------


_FINALS = ["putuo-finance-bureau-2024-final-accounts", "putuo-planning-resources-2024-final-accounts"]


def _differing(pdf_budget, text_budget) -> set[str]:
    out = set()
    for key in pdf_budget.meta.tables:
        a = pdf_budget.frames[key].drop(columns=["line", "page"], errors="ignore").reset_index(drop=True)
        b = text_budget.frames[key].drop(columns=["line", "page"], errors="ignore").reset_index(drop=True)
        if a.shape != b.shape or not a.astype(str).equals(b.astype(str)):
            out.add(key)
    return out


@needs_corpus
@pytest.mark.parametrize("name", _FINALS)
def test_pdftotext_layout_gives_the_pdfs_tables(tmp_path, name):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    out = tmp_path / f"{name}.txt"
    subprocess.run(["pdftotext", "-layout", str(CORPUS / f"{name}.pdf"), str(out)], check=True)
    pdf, text = load(CORPUS / f"{name}.pdf"), load(out)
    assert _differing(pdf, text) == set()
    assert (text.meta.department, text.meta.year) == (pdf.meta.department, pdf.meta.year)


@needs_corpus
@pytest.mark.parametrize("name", _FINALS)
def test_pdfplumber_text_gives_the_pdfs_tables(tmp_path, name):
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(CORPUS / f"{name}.pdf") as doc:
        (tmp_path / f"{name}.txt").write_text("\n".join(p.extract_text() or "" for p in doc.pages), encoding="utf-8")
    pdf, text = load(CORPUS / f"{name}.pdf"), load(tmp_path / f"{name}.txt")
    # the finance bureau's 三公 row prints two figures (合计 0.95, 接待 0.95) that fit 出国 as well:
    # without columns the text cannot tell, and says so (FA901)
    assert _differing(pdf, text) == ({"fa_sangong"} if "finance" in name else set())
    assert (text.meta.department, text.meta.year) == (pdf.meta.department, pdf.meta.year)


def _where(report) -> list[tuple]:
    # messages aside: a text line has no page, so a message naming the pages of two tables differs
    return sorted((f.rule, f.severity, f.location.table, str(f.location.row), f.location.column) for f in report.findings)


@needs_corpus
@pytest.mark.parametrize("name", [*_FINALS, "final-accounts-template"])
def test_pdftotext_layout_gives_the_pdfs_findings(tmp_path, name):
    """Every finding of the PDF, the blank page included: pdftotext ends each page with a form feed."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    out = tmp_path / f"{name}.txt"
    subprocess.run(["pdftotext", "-layout", str(CORPUS / f"{name}.pdf"), str(out)], check=True)
    assert _where(audit(out)) == _where(audit(CORPUS / f"{name}.pdf"))


def test_form_feeds_give_text_its_pages_and_blank_pages(tmp_path):
    path = tmp_path / "final.txt"
    path.write_text("上海市普陀区财政局2024年度部门决算\f目录\n一、收入支出决算总表\f\n  \f第一部分\f", encoding="utf-8")
    doc = load(path).document
    assert (doc.pages, doc.empty_pages) == (4, [3])
    path.write_text("上海市普陀区财政局2024年度部门决算\n\n目录", encoding="utf-8")
    doc = load(path).document
    assert (doc.pages, doc.empty_pages) == (None, [])

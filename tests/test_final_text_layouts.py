"""决算 tables read from text as extractors lay them out: constructed texts, exact parsed values."""

from __future__ import annotations

from decimal import Decimal

from auditor.document import lines_from_text
from auditor.parse.final.economic_text import read_economic_text


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

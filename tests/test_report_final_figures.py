"""The HTML report of a 决算: key figures and charts set 预算 against 决算."""

from __future__ import annotations

import re

import pytest
from corpus import CORPUS, needs_corpus

from auditor.engine import audit
from auditor.i18n import gettext_for
from auditor.report import ReportOptions, final_figures, render
from auditor.report.sample import sample_budget

PLANNING = CORPUS / "putuo-planning-resources-2024-final-accounts.pdf"
FINANCE = CORPUS / "putuo-finance-bureau-2024-final-accounts.pdf"


@pytest.fixture(scope="module")
def planning():
    return audit(PLANNING)


def _figures(budget, previous=None) -> dict[str, tuple[str, str]]:
    return {f.label: (f.value, f.note) for f in final_figures.key_figures(budget, previous, gettext_for("zh"))}


@needs_corpus
def test_planning_key_figures_set_the_budget_against_the_final_accounts(planning):
    figures = _figures(planning.budget)
    assert figures["本年收入合计"] == ("9,746.50万元", "")
    assert figures["本年支出合计"] == ("9,759.38万元", "")
    assert figures["年初结转和结余"] == ("112.88万元", "")
    assert figures["年末结转和结余"] == ("100.00万元", "")
    assert figures["基本支出"] == ("5,377.64万元", "占支出 55.1%")
    # 说明's 年初预算 10,210.34 against the table's 9,746.50
    assert figures["一般公共预算财政拨款支出决算"] == ("9,746.50万元", "年初预算 10,210.34万元，完成 95.46%")
    assert figures["“三公”经费财政拨款支出决算"] == ("0.39万元", "年初预算 2.85万元，完成 13.68%")
    assert figures["公务接待费"] == ("0.39万元", "年初预算 2.85万元，完成 13.68%")
    assert figures["机关运行经费"] == ("142.80万元", "")
    assert "收入预算" not in figures  # no budget figure on a 决算


@needs_corpus
def test_a_blank_sangong_cell_takes_the_amount_the_notes_state():
    # the finance bureau's 三公 决算数 row prints no figures; its 说明 says 公务接待费 决算为0.00万元
    figures = _figures(audit(FINANCE).budget)
    assert figures["公务接待费"] == ("0.00万元", "年初预算 0.95万元，完成 0.00%")
    assert figures["“三公”经费财政拨款支出决算"] == ("0.00万元", "年初预算 0.95万元，完成 0.00%")


@needs_corpus
def test_the_budget_audited_against_gives_the_年初预算_the_notes_do_not_state(planning):
    facts = planning.budget.frames["facts"]
    stated = facts[facts["key"] != "gpb_budget"].reset_index(drop=True)
    without = type(planning.budget)(
        meta=planning.budget.meta, frames={**planning.budget.frames, "facts": stated}, document=planning.budget.document
    )
    assert _figures(without)["一般公共预算财政拨款支出决算"] == ("9,746.50万元", "")
    previous = sample_budget()  # its gpb_function 合计: 2,082,935,857.58 元
    assert _figures(without, previous)["一般公共预算财政拨款支出决算"] == (
        "9,746.50万元",
        "年初预算 208,293.59万元，完成 4.68%",
    )


@needs_corpus
def test_html_of_a_final_accounts_charts_budget_and_final(planning):
    html = render(planning, "html", ReportOptions(rules=planning.rules, lang="zh"))
    charts = re.findall(r'<figure class="chart" id="([^"]+)"', html)
    assert charts == ["doc0-budget-final", "doc0-expenditure", "doc0-sangong", "doc0-families", "doc0-severity"]
    chart = html[html.index('id="doc0-budget-final"') : html.index('id="doc0-expenditure"')]
    assert "预算数与决算数" in chart and "10,210.34万元 / 9,746.50万元" in chart
    # the 说明五（三）items, largest budget first
    assert chart.index("事业单位人员支出、公用支出、项目支出") < chart.index("行政单位人员支出、公用支出")
    assert "一般公共预算财政拨款支出决算（按功能分类 类）" in html
    assert "收入预算" not in html

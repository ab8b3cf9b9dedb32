"""The narrative rules of issue 12 (NR004–NR011): the breakdown reader, and the findings on the corpus
documents in each form they are read from (the PDF, its pdftotext -layout text, its pdfplumber text)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from corpus import CORPUS, needs_corpus

import auditor
from auditor.breakdown import breakdowns, complements
from auditor.config import Config
from auditor.testing import run_rule

DATA = Path(__file__).parent / "data"
FORMS = {"pdf": None, "layout": DATA / "tables", "plumber": DATA / "plumber"}


def _forms(stem: str) -> list[Path]:
    """The corpus PDF and the extracted texts of it kept with the tests."""
    out = [CORPUS / f"{stem}.pdf"]
    out += [d / f"{stem}.txt" for d in (FORMS["layout"], FORMS["plumber"]) if (d / f"{stem}.txt").is_file()]
    return out


def _findings(path: Path, code: str):
    budget = auditor.load(path)
    return [f for f in auditor.audit(budget, Config(select=[code])).findings if f.rule == code]


# --- the breakdown reader ---------------------------------------------------------------------------


def test_breakdown_reads_nested_floor_areas():
    text = (
        "本工程规划建筑面积约为13459平方米，其中地上建筑面积为8013平方米（其中计容面积7998平方米，"
        "不计容面积105平方米），地下建筑面积为5356平方米，建筑高度为29.8米，地上主楼7层。"
    )
    outer, inner = breakdowns(text)
    assert (outer.whole.label, outer.whole.value, outer.whole.unit, outer.whole.approx) == (
        "本工程规划建筑面积",
        Decimal("13459"),
        "平方米",
        True,
    )
    assert [(p.label, p.value) for p in outer.parts] == [("地上建筑面积", 8013), ("地下建筑面积", 5356)]
    assert outer.closed and not outer.truncated
    assert (inner.whole.label, inner.whole.value) == ("地上建筑面积", 8013)
    assert [(p.label, p.value) for p in inner.parts] == [("计容面积", 7998), ("不计容面积", 105)]
    assert inner.closed


def test_breakdown_skips_changes_and_shares_and_reads_the_closing_total():
    (bd,) = breakdowns(
        "收入预算18,976.76万元，其中：财政拨款收入18,976.76万元，比2024年预算增加3,355.65万元；事业收入0.00万元；"
        "其他收入0.00万元。"
    )
    assert [(p.label, p.value) for p in bd.parts] == [
        ("财政拨款收入", Decimal("18976.76")),
        ("事业收入", 0),
        ("其他收入", 0),
    ]
    assert bd.closed and bd.whole.scaled() == 18976760000
    (bd,) = breakdowns("本年收入合计2946.25万元，其中：财政拨款收入2940.05万元，占99.79%；其他收入6.2万元，占0.21%；")
    assert bd.whole.label == "本年收入合计" and [p.value for p in bd.parts] == [Decimal("2940.05"), Decimal("6.2")]
    (bd,) = breakdowns("项目总预算1170.00万，其中支持企业规模化发展870.00万，支持企业稳增长300.00万，合计1170.00万。")
    assert [p.label for p in bd.parts] == ["支持企业规模化发展", "支持企业稳增长"]
    assert bd.total is not None and bd.total.value == Decimal("1170.00") and bd.closed


def test_breakdown_not_closed_when_it_may_list_some_parts():
    (bd,) = breakdowns("支出预算100.00万元，其中：人员经费30.00万元，公用经费20.00万元。")
    assert not bd.closed
    # a change before 其中 is not a whole; a 其中 of a part ends (truncates) the outer list
    assert breakdowns("比2023年预算增加25万元。其中：因公出国（境）费0万元。") == []
    outer = breakdowns("合计10万元，其中：A费6万元，其中：B费2万元，其他4万元。")[0]
    assert outer.truncated and not outer.closed


def test_complements():
    assert complements("地上建筑面积", "地下建筑面积")
    assert complements("计容面积", "不计容面积")
    assert not complements("绿化面积", "道路面积")


# --- the rules on constructed variants -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "n"),
    [
        # laid out as pdftotext -layout wraps it, and as one line
        ("总建筑面积12000平方米，其中地上建筑面积8000平方米，\n地下建筑面积3000平方米。", 1),
        ("总建筑面积 12,000 平方米，其中地上建筑面积 9,000 平方米，地下建筑面积 3,000 平方米。", 0),
        ("总建筑面积12000㎡，其中地上8000㎡、地下4000㎡。", 0),
        ("总建筑面积12000㎡，其中地上8000㎡、地下4100㎡。", 1),
    ],
)
def test_nr009_variants(text, n):
    assert len(run_rule("NR009", {"text": text})) == n


def test_nr009_reports_the_shared_misprint_once():
    (f,) = run_rule(
        "NR009",
        {
            "text": "规划建筑面积13459平方米，其中地上建筑面积为8013平方米（其中计容面积7998平方米，"
            "不计容面积105平方米），地下建筑面积为5356平方米。"
        },
    )
    assert f.expected == "8103平方米"
    assert "8013平方米" in f.actual
    assert len(f.evidence) == 2


def test_nr004_the_issue_example():
    facts = [
        {"key": "fiscal_expenditure_change", "value": "4200", "unit": "万元", "compare_year": 2024},
        {"key": "gpb_expenditure_change", "value": "-1200", "unit": "万元", "compare_year": 2024},
        {"key": "gov_fund_expenditure_change", "value": "5000", "unit": "万元", "compare_year": 2024},
        {"key": "soe_expenditure_change", "value": "0", "unit": "万元", "compare_year": 2024},
    ]
    (f,) = run_rule("NR004", {"facts": facts})
    assert (f.expected, f.actual) == ("38000000.00", "42000000.00")
    assert "一般公共预算拨款支出减少1,200.00万元" in f.message


def test_nr006_truncation_example():
    budget = {
        "tables": {"fiscal_summary": [{"side": "income", "item": "收入总计", "amount": "1234567890.60"}]},
        "facts": [{"key": "income_total", "value": "123456", "unit": "万元"}],
    }
    (f,) = run_rule("NR006", budget)
    assert (f.expected, f.actual) == ("123457万元", "123456万元")
    assert "截断" in f.message
    assert run_rule("NV001", budget) == []  # within the printed precision: not NV001's error


# --- the rules on the corpus, in each form ------------------------------------------------------------


@needs_corpus
@pytest.mark.parametrize("path", _forms("putuo-commerce-2025-budget"), ids=lambda p: f"{p.parent.name}/{p.suffix}")
def test_nr005_commerce_income_and_expenditure_change(path):
    """Commerce 2025 states 财政拨款收入 +24,558.18万元 against 2024's 执行数 and 财政拨款支出 +24,491.71万元
    against 2024's 预算 (the pdfplumber text breaks the line right before 24,558.18万元)."""
    (f,) = _findings(path, "NR005")
    assert "24,558.18" in f.message and "24,491.71" in f.message
    assert f.actual == "增加24,558.18万元（比上年执行数）"
    assert f.expected == "增加24,491.71万元（比上年预算）"


@needs_corpus
@pytest.mark.parametrize(
    "path",
    _forms("putuo-wanli-street-2024-budget") + _forms("putuo-wanli-street-2025-budget"),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_nr009_wanli_floor_area(path):
    """Both Wanli budgets print 地上建筑面积 8013平方米 where 计容 7998 + 不计容 105 and 13459 − 地下 5356 give 8103."""
    (f,) = _findings(path, "NR009")
    assert f.expected == "8103平方米"
    assert f.location.line is not None


@needs_corpus
@pytest.mark.parametrize(
    "name",
    ["putuo-government-office-2025-budget", "putuo-government-office-2025-unit-budget", "putuo-commerce-2025-budget"],
)
def test_no_breakdown_findings_where_the_parts_add_up(name):
    budget = auditor.load(CORPUS / f"{name}.pdf")
    found = auditor.audit(budget, Config(select=["NR004", "NR007", "NR009"])).findings
    assert found == []


@needs_corpus
@pytest.mark.parametrize("path", _forms("putuo-wanli-street-2024-budget"), ids=lambda p: f"{p.parent.name}/{p.suffix}")
def test_nr008_wanli_2024_items_explained_by_others(path):
    """Wanli 2024: item 15 (职业年金缴费支出) gives 事业单位离退休经费增加 as its reason, item 26 (城管执法)
    says it is for 城乡社区管理事务一般行政管理事务: both copied from other items. The 2025 edition fixed both."""
    found = _findings(path, "NR008")
    assert [f.message.split("”的")[0] for f in found] == ["“机关事业单位职业年金缴费支出（项）", "“城管执法（项）"]
    assert "“事业单位离退休”" in found[0].message and "“一般行政管理事务”" in found[1].message
    assert _findings(CORPUS / "putuo-wanli-street-2025-budget.pdf", "NR008") == []


def test_nr008_bare_item_names_and_table_names():
    """Items that quote only their 项 name (“信息化建设”科目…) are checked against the function table's names."""
    budget = {
        "tables": {
            "gpb_function": [
                {"code": "2040219", "name": "信息化建设", "total": "100.00", "basic": "100.00"},
                {"code": "2040220", "name": "执法办案", "total": "100.00", "basic": "100.00"},
            ]
        },
        "text": "2024年部门预算编制说明\n财政拨款支出主要内容如下：\n"
        "3. “信息化建设”科目4,918.04万元，主要用于执法办案经费支出。",
    }
    (f,) = run_rule("NR008", budget)
    assert "“执法办案”" in f.message
    budget["text"] = budget["text"].replace("执法办案经费支出", "信息化网络设备的运行维护支出")
    assert run_rule("NR008", budget) == []


@pytest.mark.parametrize(
    ("period", "n"),
    [
        ("2025年1月1日至2025年12月31日。", 0),
        ("2025全年度。", 0),
        ("2025.1.1-2025.12.31", 0),
        ("2024.1.1-2024.12.31", 1),
        ("2026年1月至2027年12月。", 1),
        ("2024年3月至2026年6月。", 0),
        ("第一至四季度支付尾款。", 0),
    ],
)
def test_nr011_periods(period, n):
    text = f"项目经费情况说明\n一、项目概况\n某项目。\n五、实施周期\n{period}\n六、年度预算安排\n按合同拨付。"
    assert len(run_rule("NR011", {"meta": {"year": 2025}, "text": text})) == n
    inline = f"项目经费情况说明\n五、实施周期：{period}\n六、年度预算安排"
    assert len(run_rule("NR011", {"meta": {"year": 2025}, "text": inline})) == n


def test_nr010_a_page_printed_twice():
    page = [
        "2025年部门“三公”经费和机关运行经费预算表",
        "编制部门：上海市普陀区某某局  单位：万元",
        "合计  因公出国（境）费  公务用车购置及运行费  公务接待费  机关运行经费",
        "12.00  0.00  10.00  2.00  300.00  （本表数据为示例，重复印刷的整页）",
    ]
    (f,) = run_rule("NR010", {"pages": [["目录"], page, page]})
    assert f.location.page == 3 and "第2页" in f.message
    assert run_rule("NR010", {"pages": [["目录"], page, page[:2]]}) == []


@needs_corpus
def test_nr010_not_for_a_text_box_continued_on_the_next_page():
    """Commerce 2025's text layer holds its 主要职能 text box on page 3 and again on page 4 (each clipped to
    what the page shows); the printed pages show it once, with one title: no finding in any form."""
    for path in _forms("putuo-commerce-2025-budget"):
        assert _findings(path, "NR010") == [], path


@pytest.mark.parametrize(
    "text",
    [
        "总额1万元其中" + "甲1万元" * 16000,  # no separator in 64k characters
        "1万元其中" * 13000,  # a 其中 after every figure
        "总额1万元，其中(" * 8000 + "1万元",  # brackets opened and never closed
        ("合计3.00万元，其中：甲1.00万元，其他1.00万元。" * 3000),  # thousands of failing breakdowns
    ],
    ids=["no-separators", "qizhong", "brackets", "many-failing"],
)
def test_breakdowns_are_linear_on_long_lines(text):
    """A 64k-character paragraph is read in well under a second of CPU (it took 20–40 s before the
    label and scan bounds), and the rules over it stay bounded too."""
    import time

    start = time.process_time()
    read = breakdowns(text)
    assert time.process_time() - start < 3
    if text.startswith("合计3.00万元"):
        assert len(read) == 3000 and all(b.closed for b in read)
        start = time.process_time()
        assert len(run_rule("NR007", {"text": text[: len(text) // 3]})) == 1000
        assert time.process_time() - start < 3

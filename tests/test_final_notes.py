"""The 情况说明 of a 决算 read into facts and fa_items, and the rules that compare them with the tables:
exact parsed values on the corpus, and constructed variants with one defect each."""

from __future__ import annotations

import dataclasses

import pytest
from corpus import CORPUS, needs_corpus

from auditor import audit
from auditor.loaders.pdf import read_document
from auditor.parse import parse_document

FINANCE = CORPUS / "putuo-finance-bureau-2024-final-accounts.pdf"
PLANNING = CORPUS / "putuo-planning-resources-2024-final-accounts.pdf"


@pytest.fixture(scope="module")
def finance_doc():
    return read_document(FINANCE)


@pytest.fixture(scope="module")
def finance(finance_doc):
    return parse_document(finance_doc)


def facts(budget) -> dict[str, str]:
    f = budget.table("facts")
    return dict(zip(f["key"], f["value"]))


def wan(fen) -> str:
    return f"{int(fen) // 1_000_000}.{int(fen) % 1_000_000 // 10_000:02d}"


def variant(doc, page, old, new):
    """The document with `old` replaced by `new` on the one line of `page` that holds it."""
    lines, hits = [], 0
    for ln in doc.lines:
        if ln.page == page and old in ln.text:
            hits += 1
            ln = dataclasses.replace(
                ln, text=ln.text.replace(old, new), cells=tuple(c.replace(old, new) for c in ln.cells)
            )
        lines.append(ln)
    assert hits == 1, f"{old!r} on p.{page}: {hits} lines"
    return parse_document(dataclasses.replace(doc, lines=lines))


def new_findings(budget, base, rules=("FA3",)):
    """(rule, severity, page, line) of the findings of `budget` that `base` does not have."""
    before = {(f.rule, f.severity, f.location.page, f.location.line, f.message) for f in audit(base).findings}
    return sorted(
        (f.rule, f.severity, f.location.page, f.location.line)
        for f in audit(budget).findings
        if f.rule.startswith(rules) and (f.rule, f.severity, f.location.page, f.location.line, f.message) not in before
    )


@needs_corpus
def test_finance_bureau_notes_facts(finance):
    got = facts(finance)
    assert {k: got[k] for k in (
        "total", "total_change", "total_change_pct", "income_total", "income:财政拨款收入", "share:income:财政拨款收入",
        "income:其他收入", "share:income:其他收入", "expenditure_total", "expenditure:基本支出",
        "share:expenditure:基本支出", "expenditure:项目支出", "share:expenditure:项目支出", "fiscal_total",
        "fiscal_total_change", "gpb_total", "gpb_share", "gpb_total_change", "gpb_total_change_pct",
        "gpb_class:一般公共服务支出", "share:gpb_class:一般公共服务支出", "gpb_class:住房保障支出",
        "gpb_budget", "gpb_final", "gpb_rate", "gpb_comparison", "basic_total", "personnel", "public",
        "sangong_budget", "sangong_final", "sangong_rate", "sangong:reception", "sangong_comparison",
        "sangong_final_change", "operating_expenses", "operating_expenses_change", "operating_expenses_change_pct",
        "procurement:total", "procurement:goods", "procurement:works", "procurement:services",
        "procurement:sme_reserved", "procurement:small_reserved", "procurement:sme_awarded",
        "procurement:small_awarded", "procurement:other_awarded", "assets_year",
        "vehicles", "perf:self_evaluated", "perf:excellent",
    )} == {
        "total": "2995.39", "total_change": "56.95", "total_change_pct": "1.87", "income_total": "2946.25",
        "income:财政拨款收入": "2940.05", "share:income:财政拨款收入": "99.79", "income:其他收入": "6.2",
        "share:income:其他收入": "0.21", "expenditure_total": "2940.05", "expenditure:基本支出": "2336.91",
        "share:expenditure:基本支出": "79.49", "expenditure:项目支出": "603.14", "share:expenditure:项目支出": "20.51",
        "fiscal_total": "0.3", "fiscal_total_change": "持平", "gpb_total": "2940.05", "gpb_share": "100.00",
        "gpb_total_change": "63.14", "gpb_total_change_pct": "2.10", "gpb_class:一般公共服务支出": "2106.66",
        "share:gpb_class:一般公共服务支出": "71.73", "gpb_class:住房保障支出": "445.69", "gpb_budget": "2993.92",
        "gpb_final": "2940.05", "gpb_rate": "98.20", "gpb_comparison": "小于", "basic_total": "2336.91",
        "personnel": "2152.26", "public": "184.65", "sangong_budget": "0.95", "sangong_final": "0.00",
        "sangong_rate": "0", "sangong:reception": "0.00", "sangong_comparison": "小于", "sangong_final_change": "持平",
        "operating_expenses": "184.65", "operating_expenses_change": "2.55", "operating_expenses_change_pct": "1.40",
        "procurement:total": "251.25", "procurement:goods": "4.79", "procurement:works": "0",
        "procurement:services": "246.47", "procurement:sme_reserved": "246.47", "procurement:small_reserved": "0",
        "procurement:sme_awarded": "246.47", "procurement:small_awarded": "0", "procurement:other_awarded": "4.79",
        "assets_year": "2024", "vehicles": "0", "perf:self_evaluated": "4",
        "perf:excellent": "4",
    }  # fmt: skip
    assert {k: got[k] for k in ("gov_fund_none", "soe_capital_none")} == {
        "gov_fund_none": "无政府性基金预算财政拨款收入和支出", "soe_capital_none": "无国有资本经营预算财政拨款收入和支出"}  # fmt: skip
    assert list(finance.table("fa_items")["code"]) == [
        "2010601", "2010602", "2010607", "2010608", "2080501", "2080505", "2080506", "2080599", "2101101", "2210201", "2210203",
    ]  # fmt: skip
    f = finance.table("facts").set_index("key")
    assert f.loc["total_change", "direction"] == "减少" and f.loc["total_change_pct", "direction"] == "下降"
    assert f.loc["total_change", "reason"].startswith("基本支出中人员进出及退休变化")
    assert (f.loc["gpb_rate", "page"], f.loc["gpb_rate", "line"]) == (21, 30)


@needs_corpus
def test_finance_bureau_items_of_note_five(finance):
    items = finance.table("fa_items")
    assert list(items["xiang"]) == [
        "行政运行", "一般行政管理事务", "信息化建设", "财政委托业务支出", "行政单位离退休",
        "机关事业单位基本养老保险缴费支出", "机关事业单位职业年金缴费支出", "其他行政事业单位养老支出",
        "行政单位医疗", "住房公积金", "购房补贴",
    ]  # fmt: skip
    assert [
        wan(v) for v in items["budget"]
    ] == "1560.05 10.00 135.90 450.52 85.55 161.62 80.81 0.94 62.29 187.75 258.50".split()
    assert [
        wan(v) for v in items["final"]
    ] == "1511.89 10.00 135.25 449.52 84.65 160.75 80.38 0.94 60.99 187.19 258.50".split()
    assert list(items["comparison"]) == [
        "小于",
        "基本持平",
        "小于",
        "小于",
        "小于",
        "小于",
        "小于",
        "基本持平",
        "小于",
        "小于",
        "基本持平",
    ]
    assert list(items["page"]) == [22] * 11


@needs_corpus
def test_planning_items_carry_their_rates():
    items = parse_document(read_document(PLANNING)).table("fa_items")
    assert len(items) == 13
    assert list(items["completion_rate"])[:4] == ["100.00", "100.00", "98.61", "99.50"]
    assert items.iloc[8]["xiang"] == "城乡社区规划与管理" and int(items.iloc[8]["final"]) == 2_739_560_000
    # the code of the 项 whose 类, 款 and 项 names are the item's; none where a name is not the table's
    assert [c if isinstance(c, str) else None for c in items["code"]] == [
        "2080501", "2080502", "2080505", "2080506", None, "2101101", "2101102", "2120101", "2120201", "2200150",
        None, None, None,
    ]  # fmt: skip
    assert set(items["section"]) == {"fa_n5"}


@needs_corpus
def test_planning_economic_names_wrapped_around_a_bare_code_line():
    eco = parse_document(read_document(PLANNING)).table("fa_gpb_basic_economic").set_index("code")
    assert eco.loc["30107", "name"] == "绩效工资"
    assert eco.loc["30108", "name"] == "机关事业单位基本养老保险缴费"
    assert eco.loc["31003", "name"] == "专用设备购置"
    assert eco.loc["31007", "name"] == "信息网络及软件购置更新"


@needs_corpus
@pytest.mark.parametrize(
    ("page", "old", "new", "expected"),
    [
        # 说明一: 收入支出总计 ≠ 总表 总计
        (21, "收入支出总计2995.39万元", "收入支出总计2995.93万元", [("FA301", "error", 21, 4)]),
        # 说明二: 其他收入 printed with one decimal, changed (its 0.21% is still the table's 6.20 of the total)
        (21, "收入6.2万元", "收入6.5万元", [("FA301", "error", 21, 9)]),
        # 说明三: a share
        (21, "603.14万元，占20.51%", "603.14万元，占25.51%", [("FA302", "error", 21, 12)]),
        # 说明五（三）: 完成率
        (21, "成年初预算的98.20%", "成年初预算的98.02%", [("FA302", "error", 21, 30)]),
        # 说明六: 公用经费 ≠ 公用经费合计
        (23, "公用经费184.65万元", "公用经费184.66万元", [("FA301", "warning", 23, 5)]),
        # 说明五（一）: the share of 本年支出合计
        (21, "占本年支出合计的100.00%", "占本年支出合计的99.00%", [("FA302", "error", 21, 20)]),
        # 说明五（二）: a 类 amount (its share still rounds to 11.11%)
        (21, "326.72万元，占11.11%", "326.62万元，占11.11%", [("FA301", "error", 21, 25)]),
        # 说明七: an item's 决算 (its 完成率 of 0% stays right against the table's blank, 0, 决算)
        (
            23,
            "公务接待费支出决算为0.00万元",
            "公务接待费支出决算为0.10万元",
            [("FA301", "error", 23, 12)],
        ),
        # 说明七: the 三公 budget ≠ the table's 预算数 (and its rate becomes a rate of another base)
        (23, "年初预算为0.95万元", "年初预算为0.59万元", [("FA301", "error", 23, 10)]),
    ],
)
def test_one_changed_note_figure_is_one_finding_at_its_line(finance_doc, finance, page, old, new, expected):
    assert new_findings(variant(finance_doc, page, old, new), finance) == expected


@needs_corpus
@pytest.mark.parametrize(
    ("page", "old", "new", "expected"),
    [
        # 说明一: the rate of a change on last year
        (21, "下降1.87%", "下降1.78%", [("FA304", "error", 21, 5)]),
        # 说明一: compared with a year other than the year before
        (21, "万元。与2023年度相比，收入", "万元。与2022年度相比，收入", [("FA314", "warning", 21, 5)]),
        # 十一（一）: a change without its reason
        (24, "主要原因是", "其中", [("FA305", "warning", 24, 1)]),
        # 五（三）item 3: 大于 where the 决算 is below the 预算
        (22, "135.25万元。决算数小于", "135.25万元。决算数大于", [("FA303", "error", 22, 7)]),
        # 五（三）item 2: its 决算 is not the 项's figure
        (22, "支出决算为10.00万元。", "支出决算为10.50万元。", [("FA306", "error", 22, 4)]),
        # 十一（一）: 机关运行经费 above 公用经费合计 (and its rate no longer fits)
        (24, "机关运行经费支出184.65万元", "机关运行经费支出194.65万元", [("FA304", "error", 24, 1), ("FA308", "error", 24, 1)]),
        # 十一（二）: the parts of 政府采购
        (24, "货物采购金额4.79万元", "货物采购金额14.79万元", [("FA309", "error", 24, 4)]),
        # 十一（二）: the SME awards (246.47 in reserved projects, 14.79 in others) above the total 251.25
        (24, "采购金额4.79万元。", "采购金额14.79万元。", [("FA315", "error", 24, 8)]),
        # 十一（二）: an award above its reservation (and so the awards above the total)
        (24, "预留政府采购项目预算金额246.47万元", "预留政府采购项目预算金额236.47万元", [("FA315", "warning", 24, 8)]),
        # 十一（二）: a tenth reserved for SMEs is a hint (and the award in the reserved projects exceeds it)
        (24, "预留政府采购项目预算金额246.47万元", "预留政府采购项目预算金额24.64万元",
         [("FA315", "warning", 24, 8), ("FA316", "info", 24, 6)]),
        # 八: figures stated for a fund whose table is empty (本年收入 and 本年支出 both)
        (23, "2024年度无政府性基金预算财政拨款收入和支出。", "2024年度政府性基金预算财政拨款收入5.00万元，支出5.00万元。",
         [("FA317", "error", 23, 21), ("FA317", "error", 23, 21)]),
        # 十一（三）: the vehicle categories
        (24, "车0辆、特种专业技术用车0辆、离退休干部用车0辆、其他用车0辆", "车0辆、特种专业技术用车0辆、离退休干部用车0辆、其他用车1辆",
         [("FA310", "error", 24, 12)]),
        # 十: the grades of the 自评 projects
        (23, "“良”的项目0个", "“良”的项目1个", [("FA311", "warning", 23, 29)]),
    ],
)  # fmt: skip
def test_one_changed_note_fact_is_one_finding_at_its_place(finance_doc, finance, page, old, new, expected):
    assert new_findings(variant(finance_doc, page, old, new), finance) == expected


@needs_corpus
@pytest.mark.parametrize(
    ("page", "old", "new", "expected"),
    [
        (
            23,
            "上海市普陀区财政局2024年度无政府性基金",
            "上海市XX局2024年度无政府性基金",
            [("FA012", "warning", 23, 21)],
        ),
        (21, "下降1.87%", "下降（增长）1.87%", [("FA012", "warning", 21, 5)]),
        (
            23,
            "上海市普陀区财政局2024年度无“三公”",
            "上海市普陀区财务局2024年度无“三公”",
            [("FA014", "warning", 23, 19)],
        ),
        (24, "采购金额4.79万元。", "采购金额4.79万元；", [("FA015", "warning", 24, 10)]),
        # two alternatives run together (the comparison is then not read, but its reason still is)
        (
            22,
            "135.25万元。决算数小于",
            "135.25万元。决算数大小于",
            [("FA017", "warning", 22, 8)],
        ),
        # a change of 2.00万元 called 持平
        (21, "财政拨款收入支出总计持平", "财政拨款收入支出总计减少2.00万元，持平", [("FA017", "warning", 21, 15)]),
        # an item's 决算 in 元, and a 完成率 without its %
        (22, "支出决算为10.00万元。", "支出决算为10.00元。", [("FA018", "warning", 22, 5)]),
        (21, "成年初预算的98.20%", "成年初预算的98.20", [("FA018", "warning", 21, 30)]),
        # the 主要用于 of 2080501 (退休人员经费支出) copied for 2101101
        (22, "在职人员基本医疗保险费", "退休人员经费支出", [("FA020", "info", 22, 28)]),
        # the tables' part titled without the district, the 说明's with another year
        (6, "第二部分上海市普陀区财政局2024年度", "第二部分上海市财政局2024年度", [("FA016", "warning", 6, 1)]),
        (21, "第三部分上海市普陀区财政局2024年度", "第三部分上海市普陀区财政局2023年度", [("FA016", "warning", 21, 1)]),
    ],
)
def test_one_editorial_defect_is_one_finding_at_its_line(finance_doc, finance, page, old, new, expected):
    assert new_findings(variant(finance_doc, page, old, new), finance, ("FA0", "FA3")) == expected


@needs_corpus
def test_a_section_missing_from_the_toc_and_one_out_of_order(finance_doc, finance):
    lines = [ln for ln in finance_doc.lines if not (ln.page == 3 and "十、预算绩效管理情况" in ln.text)]
    assert len(lines) == len(finance_doc.lines) - 1
    b = parse_document(dataclasses.replace(finance_doc, lines=lines))
    # reported in the 目录 (p.3, after 九's entry), where the entry is missing; the message gives the body's page
    assert [(f.rule, f.location.row, f.location.page) for f in audit(b).findings if f.rule == "FA013"] == [
        ("FA013", "fa_n10", 3)
    ]
    # the 目录 lists 八 before 七
    toc = [ln for ln in finance_doc.lines if ln.page == 2]
    i7 = next(
        i
        for i, ln in enumerate(finance_doc.lines)
        if ln.page == 2 and "七、财政拨款“三公”经费支出决算情况说明" in ln.text
    )
    i8 = next(
        i
        for i, ln in enumerate(finance_doc.lines)
        if ln.page == 2 and "八、政府性基金预算财政拨款收入支出决算情况说明" in ln.text
    )
    lines = list(finance_doc.lines)
    lines[i7], lines[i8] = (
        dataclasses.replace(lines[i8], line=lines[i7].line),
        dataclasses.replace(lines[i7], line=lines[i8].line),
    )
    b = parse_document(dataclasses.replace(finance_doc, lines=lines))
    found = [(f.rule, f.location.row) for f in audit(b).findings if f.rule == "FA013"]
    assert toc and found == [("FA013", "fa_n7")]


@needs_corpus
def test_the_finance_bureaus_note_four_corrected_gives_no_finding(finance_doc, finance):
    fixed = variant(finance_doc, 21, "财政拨款收入支出总计0.3万元", "财政拨款收入支出总计2961.68万元")
    before = {(f.rule, f.location.page, f.location.line) for f in audit(finance).findings}
    after = {(f.rule, f.location.page, f.location.line) for f in audit(fixed).findings}
    # the figure printed whole: FA301's difference goes, and FA021's one decimal among two with it
    assert before - after == {("FA301", 21, 14), ("FA021", 21, 14)} and after <= before


@needs_corpus
def test_note_six_without_the_item_it_does_not_spend_on(finance_doc, finance):
    assert [f.rule for f in audit(finance).findings if f.rule == "FA312"] == ["FA312"]
    b = variant(finance_doc, 23, "费、个人农业生产补贴；", "费；")
    assert [f for f in audit(b).findings if f.rule == "FA312"] == []


@needs_corpus
def test_the_template_is_one_unfilled_template_note():
    findings = audit(CORPUS / "final-accounts-template.pdf").findings
    assert [(f.rule, f.severity) for f in findings] == [("FA012", "info")]


@needs_corpus
def test_the_templates_numbered_class_form_is_read_and_checked(finance_doc, finance):
    """五（二）written as the template's 1.“一般公共服务”X万元，占p% (no （类）, no 支出)."""
    edits = {
        (21, 24): ("方面：一般公共服务支出", "方面：1.“一般公共服务”"),
        (21, 25): ("（类）2106.66万元，占71.73%", "2106.60万元，占71.65%"),
    }
    lines = []
    for ln in finance_doc.lines:
        if (ln.page, ln.line) in edits:
            old, new = edits[(ln.page, ln.line)]
            assert old in ln.text
            ln = dataclasses.replace(ln, text=ln.text.replace(old, new), cells=(ln.text.replace(old, new),))
        lines.append(ln)
    b = parse_document(dataclasses.replace(finance_doc, lines=lines))
    assert facts(b)["gpb_class:一般公共服务"] == "2106.60"
    assert new_findings(b, finance) == [("FA301", "error", 21, 25)]  # at the amount


@needs_corpus
def test_sangong_details_without_the_persons_received():
    doc = read_document(PLANNING)
    base = parse_document(doc)
    assert [f for f in audit(base).findings if f.rule == "FA313"] == []
    b = variant(doc, 26, "接待 2批次、26人次", "接待 2批次")
    assert [
        (f.rule, f.severity, f.location.table, f.location.column) for f in audit(b).findings if f.rule == "FA313"
    ] == [("FA313", "warning", "fa_sangong", "reception")]


def test_a_very_long_note_section_loads_in_linear_time(tmp_path):
    """15,000 lines of one 说明 section (its text was rebuilt line by line before: quadratic, ~7 s CPU)."""
    import time

    from auditor import load

    head = [
        "上海市普陀区财政局",
        "2024年度部门决算",
        "第三部分 上海市普陀区财政局2024年度部门决算情况说明",
        "二、收入决算情况说明",
    ]
    path = tmp_path / "long.txt"
    path.write_text(
        "\n".join(head + ["本年收入合计2946.25万元，其中：其他收入6.20万元，占0.21%；"] * 15_000), encoding="utf-8"
    )
    start = time.process_time()
    budget = load(path)
    assert time.process_time() - start < 5
    assert len(budget.table("facts")) == 1 + 2 * 15_000


def test_figures_an_extractor_set_on_their_own_line_go_back_into_their_sentence():
    from auditor.document import Line
    from auditor.parse.final.notes import _figures_put_back

    def put_back(*texts):
        return [
            t
            for _, t in _figures_put_back([Line(text=t, line=n, page=None, cells=(t,)) for n, t in enumerate(texts, 1)])
        ]

    # pdfplumber's text of the finance bureau's 说明 (figures off the baseline): gaps, a figure at the end
    assert put_back("上海市普陀区财政局 年度收入支出总计 万元。与 年度相比，收入", "2024 2995.39 2023") == [
        "上海市普陀区财政局2024年度收入支出总计2995.39万元。与2023年度相比，收入"
    ]
    assert put_back("卫生健康支出（类） 万元，占 ；住房保障支出（类） 万元，占", "60.99 2.07% 445.69 15.16%") == [
        "卫生健康支出（类）60.99万元，占2.07%；住房保障支出（类）445.69万元，占15.16%"
    ]
    # as many figures as places, but two ways to put them (the start or the end): left as printed
    assert put_back("万元；共有 辆，其中为", "1 2") == ["万元；共有 辆，其中为", "1 2"]
    # more figures than places: left as printed, never guessed
    assert put_back("本年收入合计 万元", "2946.25 2940.05") == ["本年收入合计 万元", "2946.25 2940.05"]

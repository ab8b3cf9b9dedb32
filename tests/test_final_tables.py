"""The nine 决算 tables read from the corpus PDFs: exact values (finance bureau), hierarchy sums (planning)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from corpus import CORPUS, needs_corpus

from auditor import audit, load

FINANCE = CORPUS / "putuo-finance-bureau-2024-final-accounts.pdf"
PLANNING = CORPUS / "putuo-planning-resources-2024-final-accounts.pdf"
TEMPLATE = CORPUS / "final-accounts-template.pdf"


def wan(fen) -> str | None:
    """Fen as 万元 with two decimals (as printed)."""
    if fen is None or fen != fen or str(fen) == "<NA>":
        return None
    return f"{Decimal(int(fen)) / 1_000_000:.2f}"


def rows(budget, key, *cols):
    return [tuple(r[c] if c in ("code", "name", "item", "side", "stage", "lane", "parent") else wan(r[c]) for c in cols)
            for r in budget.table(key).to_dict("records")]  # fmt: skip


@pytest.fixture(scope="module")
def finance():
    return load(FINANCE)


@pytest.fixture(scope="module")
def planning():
    return load(PLANNING)


@needs_corpus
def test_finance_summary(finance):
    got = {(s, i): a for s, i, a in rows(finance, "fa_summary", "side", "item", "amount") if a is not None}
    assert got == {
        ("income", "一般公共预算财政拨款收入"): "2940.05", ("income", "其他收入"): "6.20",
        ("income", "本年收入合计"): "2946.25", ("income", "年初结转和结余"): "49.14", ("income", "总计"): "2995.39",
        ("expenditure", "一般公共服务支出"): "2106.66", ("expenditure", "社会保障和就业支出"): "326.71",
        ("expenditure", "卫生健康支出"): "60.99", ("expenditure", "住房保障支出"): "445.69",
        ("expenditure", "本年支出合计"): "2940.05", ("expenditure", "年末结转和结余"): "55.34",
        ("expenditure", "总计"): "2995.39",
    }  # fmt: skip
    items = [i for s, i, _ in rows(finance, "fa_summary", "side", "item", "amount") if s == "expenditure"]
    assert len(items) == 30 and items[-4:] == ["本年支出合计", "结余分配", "年末结转和结余", "总计"]  # 26 类 + 4
    assert {r["page"] for r in finance.table("fa_summary").to_dict("records")} == {6, 7}


@needs_corpus
def test_finance_income_and_expenditure(finance):
    inc = rows(finance, "fa_income", "code", "total", "fiscal", "other")
    assert inc[:5] == [
        (None, "2946.25", "2940.05", "6.20"), ("201", "2112.86", "2106.66", "6.20"), ("20106", "2112.86", "2106.66", "6.20"),
        ("2010601", "1511.90", "1511.89", "0.01"), ("2010602", "16.19", "10.00", "6.19"),
    ]  # fmt: skip
    assert len(inc) == 20 and inc[-1] == ("2210203", "258.50", "258.50", None)
    exp = rows(finance, "fa_expenditure", "code", "total", "basic", "project")
    assert exp[:6] == [
        (None, "2940.05", "2336.91", "603.14"), ("201", "2106.66", "1503.52", "603.14"), ("20106", "2106.66", "1503.52", "603.14"),
        ("2010601", "1511.89", "1503.52", "8.37"), ("2010602", "10.00", None, "10.00"), ("2010607", "135.25", None, "135.25"),
    ]  # fmt: skip
    assert ("2080505", "160.75", "160.75", None) in exp and len(exp) == 20
    names = dict(rows(finance, "fa_income", "code", "name"))
    assert names["2080505"] == "机关事业单位基本养老保险缴费支出" and names["2080506"] == "机关事业单位职业年金缴费支出"


@needs_corpus
def test_finance_fiscal_summary_and_gpb(finance):
    fs = [r for r in rows(finance, "fa_fiscal_summary", "side", "item", "parent", "total", "general_public") if r[3]]
    assert fs == [
        ("income", "一般公共预算财政拨款", None, "2940.05", None), ("expenditure", "一般公共服务支出", None, "2106.66", "2106.66"),
        ("expenditure", "社会保障和就业支出", None, "326.71", "326.71"), ("expenditure", "卫生健康支出", None, "60.99", "60.99"),
        ("expenditure", "住房保障支出", None, "445.69", "445.69"), ("income", "本年收入合计", None, "2940.05", None),
        ("expenditure", "本年支出合计", None, "2940.05", "2940.05"), ("income", "年初财政拨款结转和结余", None, "21.63", None),
        ("expenditure", "年末财政拨款结转和结余", None, "21.63", "21.63"),
        ("income", "一般公共预算财政拨款", "年初财政拨款结转和结余", "21.63", None),
        ("income", "总计", None, "2961.68", None), ("expenditure", "总计", None, "2961.68", "2961.68"),
    ]  # fmt: skip
    gpb = rows(finance, "fa_gpb_function", "code", "total", "basic", "project")
    assert gpb[-1] == (None, "2940.05", "2336.91", "603.14") and len(gpb) == 20  # 合计 printed last
    assert gpb[3] == ("2010602", "10.00", None, "10.00") and gpb[2] == ("2010601", "1511.89", "1503.52", "8.37")


@needs_corpus
def test_finance_economic_sangong_and_fund_tables(finance):
    eco = {
        c or n: (lane, a) for c, n, lane, a in rows(finance, "fa_gpb_basic_economic", "code", "name", "lane", "amount")
    }
    assert eco["301"] == ("left", "2082.85") and eco["302"] == ("right", "171.07") and eco["303"] == ("left", "69.41")
    assert (
        eco["30101"] == ("left", "262.33") and eco["30201"] == ("right", "21.21") and eco["30204"] == ("right", "0.09")
    )
    assert (
        eco["30299"] == ("right", "11.53") and eco["310"] == ("right", "13.58") and eco["31002"] == ("right", "13.58")
    )
    assert eco["人员经费合计"] == ("left", "2152.26") and eco["公用经费合计"] == ("right", "184.65")
    assert "30306" not in eco and len(eco) == 66
    names = dict(rows(finance, "fa_gpb_basic_economic", "code", "name"))
    assert names["30212"] == "因公出国（境）费用" and names["30108"] == "机关事业单位基本养老保险缴费"
    assert rows(finance, "fa_sangong", "stage", "total", "reception", "outbound") == [
        ("budget", "0.95", "0.95", None), ("final", None, None, None),
    ]  # fmt: skip
    for key in ("fa_gov_fund", "fa_soe_capital"):
        info = finance.meta.tables[key]
        assert info.empty and info.notes and "故本表无数据" in info.notes[0]


@needs_corpus
def test_planning_hierarchy_sums(planning):
    for key, cols in [("fa_income", ["total", "fiscal"]), ("fa_expenditure", ["total", "basic", "project"]),
                      ("fa_gpb_function", ["total", "basic", "project"])]:  # fmt: skip
        df = planning.table(key)
        recs = [r for r in df.to_dict("records") if r["code"]]
        by = {r["code"]: r for r in recs}
        for r in recs:
            kids = [k for k in recs if len(k["code"]) == len(r["code"]) + 2 and k["code"].startswith(r["code"])]
            if kids:
                for c in cols:
                    got = sum(int(k[c]) for k in kids if k[c] is not None and str(k[c]) != "<NA>")
                    assert abs(got - int(by[r["code"]][c])) <= 10_000 * len(kids), (key, r["code"], c)
        total = next(r for r in df.to_dict("records") if r["code"] is None)
        classes = [r for r in recs if len(r["code"]) == 3]
        assert len(classes) == 5
        for c in cols:
            assert abs(sum(int(r[c]) for r in classes) - int(total[c])) <= 10_000 * 6, (key, c)
    assert rows(planning, "fa_sangong", "stage", "total", "reception") == [
        ("budget", "2.85", "2.85"),
        ("final", "0.39", "0.39"),
    ]
    eco = dict(rows(planning, "fa_gpb_basic_economic", "code", "amount"))
    assert eco["30107"] == "1594.02" and eco["30108"] == "446.11" and eco["31002"] == "39.76"
    names = dict(rows(planning, "fa_gpb_function", "code", "name"))
    assert names["208"] == "社会保障和就业支出" and names["2080505"] == "机关事业单位基本养老保险缴费支出"
    assert names["21202"] == "城乡社区规划与管理" and names["220"] == "自然资源海洋气象等支出"


@needs_corpus
def test_template_loads_with_nine_empty_tables_and_no_error():
    b = load(TEMPLATE)
    assert b.meta.kind == "部门决算" and not b.meta.missing_tables
    assert all(t.empty for t in b.meta.tables.values())
    assert not [f for f in audit(b).findings if f.severity == "error"]

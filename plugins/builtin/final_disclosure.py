"""部门决算 (final accounts) disclosure rules written in Python: empty tables and their notes, and how
finely the tables are broken down.

- FA011: an empty 三公 / 基金 / 国资 table carries its note, and a table with figures does not.
- FA003: the function tables go down to 项 (a 款 with spending has its 项), the basic-economic table
  down to 款 (a 类 with spending has its 款), and its rows are the template's (a template row left out
  is an ``info``; a code printed with another name than the template's a ``warning``).

The lists of required tables and sections are YAML rules (``rules/final-accounts.yaml``).
"""

from __future__ import annotations

from auditor import hookimpl, rule
from auditor.finalkit import PUBLICATION, TEMPLATE, TEMPLATE_ECONOMIC, from_text, item_name, loc, unreliable, wan
from auditor.rulekit import fen_or_zero, records

_EMPTY_NOTE = ("无", "没有", "未")


@rule(
    "FA011",
    name="fa-empty-table-note",
    title="空表（三公、政府性基金、国有资本经营）须附说明；有数据的表不应写“本表无数据”",
    severity="error",
    tags=["disclosure", "empty-fund"],
    reference=PUBLICATION,
    kinds="final",
    cases=[
        {"name": "empty with note", "fires": 0, "budget": {"meta": {"tables": {"fa_gov_fund": {
            "title": "政府性基金预算财政拨款收入支出决算表", "empty": True, "notes": ["注：本单位无政府性基金预算财政拨款支出，故本表无数据。"]}}}}},
        {"name": "empty without note", "fires": 1, "budget": {"meta": {"tables": {"fa_gov_fund": {
            "title": "政府性基金预算财政拨款收入支出决算表", "empty": True, "notes": ["注：本表反映部门本年度政府性基金预算财政拨款收入支出情况。"]},
            "fa_summary": {"title": "收入支出决算总表", "empty": False}}}}},
        {"name": "a blank form is not judged", "fires": 0, "budget": {"meta": {"tables": {"fa_gov_fund": {
            "title": "政府性基金预算财政拨款收入支出决算表", "empty": True, "notes": []},
            "fa_summary": {"title": "收入支出决算总表", "empty": True}}}}},
    ],
)  # fmt: skip
def fa_empty_table_note(budget, ctx):
    """An empty table says why; a blank form (no 决算 table holds a figure, e.g. the template) is not judged."""
    if all(t.empty for k, t in budget.meta.tables.items() if k.startswith("fa_")):
        return
    for key in ("fa_sangong", "fa_gov_fund", "fa_soe_capital"):
        ti = budget.meta.tables.get(key)
        if ti is None:
            continue
        says_empty = [n for n in ti.notes if any(w in n for w in _EMPTY_NOTE) and ("无数据" in n or "支出" in n)]
        if ti.empty and not says_empty:
            yield ctx.finding(f"“{ti.title}”为空表，未说明原因（应注明“…无…，故本表无数据”）", table=key, line=ti.line, page=ti.page,
                              expected="注：…无…，故本表无数据")  # fmt: skip
        elif not ti.empty and any("无数据" in n for n in says_empty):
            yield ctx.finding(f"“{ti.title}”有数据，却注明本表无数据", table=key, line=ti.line, page=ti.page)


_FUNCTION_TABLES = {"fa_expenditure": "支出决算表", "fa_gpb_function": "一般公共预算财政拨款支出决算表"}


@rule(
    "FA003",
    name="fa-tables-detailed-enough",
    title="功能分类细化到项、基本支出经济分类细化到款，经济分类科目与模板一致",
    severity="warning",
    tags=["disclosure"],
    reference=TEMPLATE | {"regulation": "《预算法实施条例》第六条：决算按功能分类列到项，基本支出按经济性质分类列到款；部门决算公开模板", "article": "R2/R4"},
    kinds="final",
    description=(
        "In a PDF (text can lose a row): a 款 of the 支出决算表 or the 一般公共预算 table with spending and "
        "no 项 under it, and a 类 of the basic-economic table with spending and no 款 under it, are "
        "warnings; a template row the basic-economic table leaves out is an info; a template code "
        "printed with another name is a warning."
    ),
    cases=[
        {"name": "detailed", "fires": 0, "budget": {"tables": {
            "fa_gpb_function": [{"code": "201", "name": "一般公共服务支出", "total": "10.00"},
                                {"code": "20106", "name": "财政事务", "total": "10.00"},
                                {"code": "2010601", "name": "行政运行", "total": "10.00"}],
            "fa_gpb_basic_economic": [{"code": "302", "name": "商品和服务支出", "amount": "1.00", "lane": "right"},
                                      {"code": "30201", "name": "办公费", "amount": "1.00", "lane": "right"}]}}},
        {"name": "a 款 without its 项", "fires": 1, "budget": {"tables": {
            "fa_gpb_function": [{"code": "201", "name": "一般公共服务支出", "total": "10.00"},
                                {"code": "20106", "name": "财政事务", "total": "10.00"}]}}},
        {"name": "a code with another name", "fires": 1, "budget": {"tables": {
            "fa_gpb_basic_economic": [{"code": "302", "name": "商品和服务支出", "amount": "1.00", "lane": "right"},
                                      {"code": "30201", "name": "办公用品费", "amount": "1.00", "lane": "right"}]}}},
    ],
)  # fmt: skip
def fa_tables_detailed(budget, ctx):
    # the function tables from a PDF only: extracted text may lose a row; the economic table's rows
    # from text too when its figures add up (its names, joined from fragments, from a PDF only)
    for key, title in {} if from_text(budget) else _FUNCTION_TABLES.items():
        rows = [r for r in records(budget, key) if isinstance(r.get("code"), str)]
        codes = {r["code"] for r in rows}
        for r in rows:
            if (
                len(r["code"]) == 5
                and fen_or_zero(r.get("total"))
                and not any(len(c) == 7 and c.startswith(r["code"]) for c in codes)
            ):
                yield ctx.finding(f"{title} {r['code']} {r['name']}（{wan(r['total'])}）未细化到项级科目",
                                  expected="项级科目", **loc(key, r, "total"))  # fmt: skip
    key = "fa_gpb_basic_economic"
    rows = [r for r in records(budget, key) if isinstance(r.get("code"), str)]
    if not rows or unreliable(budget, ctx, key):
        return
    codes = {r["code"] for r in rows}
    for r in rows:
        code = r["code"]
        if (
            len(code) == 3
            and fen_or_zero(r.get("amount"))
            and not any(len(c) == 5 and c.startswith(code) for c in codes)
        ):
            yield ctx.finding(f"基本支出决算表 {code} {r['name']}（{wan(r['amount'])}）未细化到款级科目",
                              expected="款级科目", **loc(key, r, "amount"))  # fmt: skip
        want = TEMPLATE_ECONOMIC.get(code)
        if want and not from_text(budget) and item_name(r.get("name")) and item_name(r.get("name")) != item_name(want):
            yield ctx.finding(f"基本支出决算表 {code} 名称为“{r['name']}”，模板为“{want}”", expected=want,
                              actual=r["name"], **loc(key, r, "name"))  # fmt: skip
    left_out = [c for c in TEMPLATE_ECONOMIC if c not in codes]
    if len(codes) >= 20 and left_out:  # a table read whole that leaves template rows out
        first = rows[0]
        yield ctx.finding(
            "基本支出决算表未列模板的科目：" + "、".join(f"{c} {TEMPLATE_ECONOMIC[c]}" for c in left_out),
            severity="info", expected="、".join(left_out), table=key, page=first.get("page"), line=first.get("line"),
        )  # fmt: skip


@hookimpl
def auditor_register_rules():
    return [fa_empty_table_note, fa_tables_detailed]

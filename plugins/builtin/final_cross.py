"""部门决算 figures across tables: the same figure printed twice, and figures that bound or mirror one another.

- FA201: a figure two tables both print agrees: the 总表's income sources with the 收入决算表's 合计 row
  and with the 财政拨款总表's three appropriations, its 本年支出合计 and 类 with the 支出决算表, the
  财政拨款总表's 一般公共预算 column with the 一般公共预算 table and its 基金 and 国资 columns with the two fund
  tables, the 一般公共预算 basic spending with 人员经费 + 公用经费.
- FA205: the 一般公共预算 spending of a 科目 does not exceed the 支出决算表's spending of it (all funds).
- FA202: the basic-economic table's 三公 items (30212 因公出国（境）费用, 30217 公务接待费, 30231 公务用车
  运行维护费, 31013 公务用车购置) do not exceed the 三公 table's 决算数 of the same item: the economic
  table holds the 一般公共预算 basic spending only, the 三公 table all 财政拨款 spending, basic and project.
- FA203: function 项 and economic 款 that name the same payment (养老保险 2080505 ↔ 30108, 职业年金
  2080506 ↔ 30109, 医疗 21011 ↔ 30110 + 30111, 住房公积金 2210201 ↔ 30113) usually print the same basic
  spending (an ``info`` when they differ: a unit may book part of it elsewhere).
- FA204: the 公务用车保有量 of 说明七（二）and the 共有车辆 of 十一（三）(a ``warning``: the two counts may be
  kept on different scopes).
"""

from __future__ import annotations

from auditor import hookimpl, rule
from auditor.finalkit import CENT, NOTES, TEMPLATE, loc, same_figure, side_items, unreliable, wan, withheld_in_text
from auditor.rulekit import fen_or_zero, first_fact, is_missing, records, yuan

#: the 总表's income lines -> the 收入决算表 column that prints the same source
_INCOME_COLUMNS = {
    "一般公共预算财政拨款收入": "fiscal", "政府性基金预算财政拨款收入": "fiscal", "国有资本经营预算财政拨款收入": "fiscal",
    "上级补助收入": "superior_grant", "事业收入": "business", "经营收入": "operating",
    "附属单位上缴收入": "affiliated", "其他收入": "other",
}  # fmt: skip
_INCOME_LABELS = {
    "fiscal": "财政拨款收入", "superior_grant": "上级补助收入", "business": "事业收入", "operating": "经营收入",
    "affiliated": "附属单位上缴收入", "other": "其他收入",
}  # fmt: skip
#: the 财政拨款总表's fund columns -> the fund table that details them
_FUND_TABLES = {"general_public": "fa_gpb_function", "gov_fund": "fa_gov_fund", "soe_capital": "fa_soe_capital"}
_FUND_LABELS = {"general_public": "一般公共预算", "gov_fund": "政府性基金预算", "soe_capital": "国有资本经营预算"}
_TABLE_TITLES = {
    "fa_gpb_function": "一般公共预算财政拨款支出决算表", "fa_gov_fund": "政府性基金预算财政拨款收入支出决算表",
    "fa_soe_capital": "国有资本经营预算财政拨款收入支出决算表",
}  # fmt: skip

#: economic code -> (a word its name holds, the 三公 column, the 三公 item as printed)
_SANGONG_ECONOMIC = {
    "30212": ("出国", "outbound", "因公出国（境）费"),
    "30217": ("接待", "reception", "公务接待费"),
    "30231": ("运行", "vehicle_operation", "公务用车运行维护费"),
    "31013": ("购置", "vehicle_purchase", "公务用车购置费"),
}


def _economic(budget) -> dict[str, dict]:
    return {
        r["code"]: r
        for r in records(budget, "fa_gpb_basic_economic")
        if isinstance(r.get("code"), str) and len(r["code"]) == 5
    }


@rule(
    "FA201",
    name="fa-tables-agree",
    title="同一数字在各决算表中一致：总表与收入/支出决算表及财政拨款总表、财政拨款总表与一般公共预算表及两张基金表、基本支出与人员/公用经费",
    severity="error",
    tags=["cross-table"],
    reference=TEMPLATE,
    kinds="final",
    description=(
        "Two prints of one figure round the same amount, so any difference is a defect: a warning at "
        "0.01万元, an error above. A line both tables leave blank is not compared; a blank against a "
        "printed figure is a difference."
    ),
    cases=[
        {"name": "agree", "fires": 0, "budget": {"tables": {
            "fa_summary": [{"side": "expenditure", "item": "一般公共服务支出", "amount": "10.00"},
                           {"side": "expenditure", "item": "本年支出合计", "amount": "10.00"}],
            "fa_expenditure": [{"code": None, "name": "合计", "total": "10.00"},
                               {"code": "201", "name": "一般公共服务支出", "total": "10.00"}]}}},
        {"name": "a 类 off by 0.01", "fires": 1, "budget": {"tables": {
            "fa_summary": [{"side": "expenditure", "item": "社会保障和就业支出", "amount": "326.71"}],
            "fa_expenditure": [{"code": "208", "name": "社会保障和就业支出", "total": "326.72"}]}}},
        {"name": "income sources agree", "fires": 0, "budget": {"tables": {
            "fa_summary": [{"side": "income", "item": "一般公共预算财政拨款收入", "amount": "20.00"},
                           {"side": "income", "item": "其他收入", "amount": "6.20"}],
            "fa_income": [{"code": None, "name": "合计", "total": "26.20", "fiscal": "20.00", "other": "6.20"}]}}},
        {"name": "other income printed otherwise", "fires": 1, "budget": {"tables": {
            "fa_summary": [{"side": "income", "item": "一般公共预算财政拨款收入", "amount": "20.00"},
                           {"side": "income", "item": "其他收入", "amount": "6.20"}],
            "fa_income": [{"code": None, "name": "合计", "total": "26.02", "fiscal": "20.00", "other": "6.02"}]}}},
        {"name": "an income table that prints no figure in the column is not compared", "fires": 0, "budget": {"tables": {
            "fa_summary": [{"side": "income", "item": "一般公共预算财政拨款收入", "amount": "20.00"},
                           {"side": "income", "item": "其他收入", "amount": "6.20"}],
            "fa_income": [{"code": None, "name": "合计", "fiscal": "20.00"}]}}},
        {"name": "an appropriation printed otherwise in the 财政拨款总表", "fires": 1, "budget": {"tables": {
            "fa_summary": [{"side": "income", "item": "一般公共预算财政拨款收入", "amount": "20.00"}],
            "fa_fiscal_summary": [{"side": "income", "item": "一般公共预算财政拨款", "total": "20.50"}]}}},
        {"name": "the 一般公共预算 spending total", "fires": 1, "budget": {"tables": {
            "fa_fiscal_summary": [{"side": "expenditure", "item": "本年支出合计", "total": "20.00", "general_public": "20.00"}],
            "fa_gpb_function": [{"code": None, "name": "合计", "total": "21.00", "basic": "21.00"}]}}},
        {"name": "a fund column with no fund table figures", "fires": 1, "budget": {"tables": {
            "fa_fiscal_summary": [{"side": "expenditure", "item": "城乡社区支出", "total": "5.00", "gov_fund": "5.00"}],
            "fa_gov_fund": [{"code": None, "name": "合计"}, {"code": "212", "name": "城乡社区支出"}]}}},
    ],
)  # fmt: skip
@withheld_in_text
def fa_tables_agree(budget, ctx):
    yield from _summary_against_detail(budget, ctx)
    yield from _fiscal_against_fund_tables(budget, ctx)
    gpb_total = _total_row(budget, "fa_gpb_function")
    eco = {r["name"]: r for r in records(budget, "fa_gpb_basic_economic") if r["code"] is None}
    if gpb_total and "人员经费合计" in eco and "公用经费合计" in eco:
        both = fen_or_zero(eco["人员经费合计"]["amount"]) + fen_or_zero(eco["公用经费合计"]["amount"])
        yield from _same(ctx, "一般公共预算基本支出合计 vs 人员经费合计 + 公用经费合计", gpb_total["basic"], both,
                         loc("fa_gpb_function", gpb_total, "basic"), eco["人员经费合计"])  # fmt: skip


def _same(ctx, what, a, b, location, other: dict | None = None):
    """FA201's finding when `a` (at `location`) and `b` (printed in row `other`) differ; the message
    names both pages when they differ, since either print may be the wrong one."""
    there = (other or {}).get("page")
    if there is not None and not is_missing(there) and location.get("page") not in (None, there):
        what = f"{what}（第{location['page']}页与第{int(there)}页）"
    f = same_figure(ctx, what, a, b, **location)
    if f:
        yield f


def _total_row(budget, key: str) -> dict | None:
    return next((r for r in records(budget, key) if r["code"] is None), None)


def _summary_against_detail(budget, ctx):
    """The 总表 against the 收入决算表, the 支出决算表 and the 财政拨款总表's income."""
    summary_inc = side_items(budget, "fa_summary", "income")
    summary_exp = side_items(budget, "fa_summary", "expenditure")
    inc_total, exp_total = _total_row(budget, "fa_income"), _total_row(budget, "fa_expenditure")
    if inc_total and "本年收入合计" in summary_inc:
        r = summary_inc["本年收入合计"]
        yield from _same(ctx, "总表本年收入合计 vs 收入决算表合计", r["amount"], inc_total["total"],
                         loc("fa_summary", r, "amount"), inc_total)  # fmt: skip
    if inc_total:
        by_column: dict[str, list[dict]] = {}
        for item, column in _INCOME_COLUMNS.items():
            if item in summary_inc:
                by_column.setdefault(column, []).append(summary_inc[item])
        income_rows = records(budget, "fa_income")
        for column, rows in by_column.items():
            printed = [x for x in rows if not is_missing(x["amount"])]
            if not printed and is_missing(inc_total.get(column)):
                continue
            if all(is_missing(r.get(column)) for r in income_rows):
                continue  # no figure in the column at all: the table may not print it (FA103 adds its rows)
            stated = sum(fen_or_zero(x["amount"]) for x in rows)
            where = (printed or rows)[0]
            items = "+".join(x["item"] for x in rows)
            yield from _same(ctx, f"总表“{items}” vs 收入决算表合计行{_INCOME_LABELS[column]}", stated,
                             inc_total.get(column), loc("fa_summary", where, "amount"), inc_total)  # fmt: skip
    if exp_total and "本年支出合计" in summary_exp:
        r = summary_exp["本年支出合计"]
        yield from _same(ctx, "总表本年支出合计 vs 支出决算表合计", r["amount"], exp_total["total"],
                         loc("fa_summary", r, "amount"), exp_total)  # fmt: skip
    classes = {
        r["name"]: r for r in records(budget, "fa_expenditure") if isinstance(r["code"], str) and len(r["code"]) == 3
    }
    for item, r in summary_exp.items():
        if item in classes:
            yield from _same(ctx, f"总表“{item}” vs 支出决算表 {classes[item]['code']}", r["amount"],
                             classes[item]["total"], loc("fa_summary", r, "amount"), classes[item])  # fmt: skip
    fiscal_inc = side_items(budget, "fa_fiscal_summary", "income")
    for item, r in summary_inc.items():
        fiscal = fiscal_inc.get(item.removesuffix("收入"))
        if fiscal is not None and item != fiscal["item"]:
            yield from _same(ctx, f"总表“{item}” vs 财政拨款总表“{fiscal['item']}”", r["amount"], fiscal["total"],
                             loc("fa_summary", r, "amount"), fiscal)  # fmt: skip


def _fiscal_against_fund_tables(budget, ctx):
    """The 财政拨款总表's fund columns against the 一般公共预算 table and the two fund tables."""
    fiscal_exp = side_items(budget, "fa_fiscal_summary", "expenditure")
    for column, key in _FUND_TABLES.items():
        spent = "total" if key == "fa_gpb_function" else "expenditure"
        rows = records(budget, key)
        label = f"财政拨款总表“{{item}}”{_FUND_LABELS[column]} vs {_TABLE_TITLES[key]}"
        classes = {r["name"]: r for r in rows if isinstance(r["code"], str) and len(r["code"]) == 3}
        for item, r in fiscal_exp.items():
            if item in classes:
                yield from _same(ctx, f"{label.format(item=item)} {classes[item]['code']}", r[column],
                                 classes[item][spent], loc("fa_fiscal_summary", r, column), classes[item])  # fmt: skip
            elif (
                column != "general_public"
                and item not in ("本年支出合计", "总计")
                and not is_missing(r[column])
                and fen_or_zero(r[column])
                and rows
            ):
                yield from _same(ctx, f"{label.format(item=item)}（表中无此类）", r[column], None,
                                 loc("fa_fiscal_summary", r, column))  # fmt: skip
        total = _total_row(budget, key)
        if total is not None and "本年支出合计" in fiscal_exp:
            r = fiscal_exp["本年支出合计"]
            yield from _same(ctx, f"{label.format(item='本年支出合计')}合计", r[column], total[spent],
                             loc("fa_fiscal_summary", r, column), total)  # fmt: skip


@rule(
    "FA205",
    name="fa-general-budget-within-all-funds",
    title="一般公共预算财政拨款支出决算表各科目的支出不超过支出决算表同一科目的支出（全部资金）",
    severity="error",
    tags=["cross-table"],
    reference=TEMPLATE,
    kinds="final",
    description=(
        "The 支出决算表 shows the spending of every source of funds, the 一般公共预算 table one source of "
        "it, so a 科目's 一般公共预算 spending cannot exceed its spending in all. An excess of 0.01万元 "
        "is a warning (two prints of rounded figures), more an error. A 科目 the 支出决算表 does not list "
        "is FA201's and FA103's matter, not compared here."
    ),
    cases=[
        {"name": "within", "fires": 0, "budget": {"tables": {
            "fa_expenditure": [{"code": "2010601", "name": "行政运行", "total": "16.19"}],
            "fa_gpb_function": [{"code": "2010601", "name": "行政运行", "total": "10.00"}]}}},
        {"name": "more than all funds", "fires": 1, "budget": {"tables": {
            "fa_expenditure": [{"code": "2010608", "name": "财政委托业务支出", "total": "409.52"}],
            "fa_gpb_function": [{"code": "2010608", "name": "财政委托业务支出", "total": "449.52"}]}}},
        {"name": "a blank 支出决算表 cell is not compared", "fires": 0, "budget": {"tables": {
            "fa_expenditure": [{"code": "2010608", "name": "财政委托业务支出", "total": None}],
            "fa_gpb_function": [{"code": "2010608", "name": "财政委托业务支出", "total": "449.52"}]}}},
    ],
)  # fmt: skip
@withheld_in_text
def fa_general_budget_within_all_funds(budget, ctx):
    spent = {r["code"]: r for r in records(budget, "fa_expenditure") if isinstance(r["code"], str)}
    for r in records(budget, "fa_gpb_function"):
        all_funds = spent.get(r["code"]) if isinstance(r["code"], str) else _total_row(budget, "fa_expenditure")
        if r["code"] is None and r["name"] != "合计":
            continue
        if all_funds is None or is_missing(all_funds["total"]) or is_missing(r["total"]):
            continue
        gpb, total = int(r["total"]), int(all_funds["total"])
        if gpb <= total:
            continue
        yield ctx.finding(
            f"一般公共预算财政拨款支出决算表 {r['code'] or ''}{r['name']} {wan(gpb)} 超过支出决算表同一科目的支出 {wan(total)}",
            severity="warning" if gpb - total <= CENT else None,
            expected=f"≤ {yuan(total)}", actual=yuan(gpb), **loc("fa_gpb_function", r, "total"),
        )  # fmt: skip


@rule(
    "FA202",
    name="fa-sangong-covers-economic-items",
    title="基本支出决算表中的因公出国（境）费用、公务接待费、公务用车运行维护费、公务用车购置不超过“三公”经费决算数",
    severity="error",
    tags=["cross-table", "sangong"],
    reference=TEMPLATE,
    kinds="final",
    description=(
        "The economic table is the 一般公共预算 basic spending; the 三公 table is all 财政拨款 spending on "
        "those items, basic and project. A row is compared only when its code and its name are the item's "
        "and both cells are printed (a blank cell is not taken for 0). An excess of 0.01万元 is a warning, "
        "more an error."
    ),
    cases=[
        {"name": "within", "fires": 0, "budget": {"tables": {
            "fa_gpb_basic_economic": [{"code": "30217", "name": "公务接待费", "amount": "0.39", "lane": "right"}],
            "fa_sangong": [{"stage": "final", "total": "0.39", "reception": "0.39"}]}}},
        {"name": "more reception in the basic spending", "fires": 1, "budget": {"tables": {
            "fa_gpb_basic_economic": [{"code": "30217", "name": "公务接待费", "amount": "1.39", "lane": "right"}],
            "fa_sangong": [{"stage": "final", "total": "0.39", "reception": "0.39"}]}}},
        {"name": "a blank 三公 cell is not compared", "fires": 0, "budget": {"tables": {
            "fa_gpb_basic_economic": [{"code": "30212", "name": "因公出国（境）费用", "amount": "2.00", "lane": "right"}],
            "fa_sangong": [{"stage": "final", "total": "2.00"}]}}},
    ],
)  # fmt: skip
def fa_sangong_covers_economic(budget, ctx):
    final = next((r for r in records(budget, "fa_sangong") if r["stage"] == "final"), None)
    if final is None or unreliable(budget, ctx, "fa_sangong") or unreliable(budget, ctx, "fa_gpb_basic_economic"):
        return
    rows = _economic(budget)
    for code, (word, column, label) in _SANGONG_ECONOMIC.items():
        r = rows.get(code)
        if r is None or word not in str(r.get("name") or "") or is_missing(r.get("amount")):
            continue
        if is_missing(final.get(column)):
            continue
        basic, spent = int(r["amount"]), int(final[column])
        if basic <= spent:
            continue
        yield ctx.finding(
            f"基本支出决算表 {code} {r['name']} {wan(basic)} 超过“三公”经费支出决算表{label}决算数 {wan(spent)}",
            severity="warning" if basic - spent <= CENT else None,
            expected=f"≤ {yuan(spent)}", actual=yuan(basic), **loc("fa_gpb_basic_economic", r, "amount"),
        )  # fmt: skip


#: function code -> (economic codes, what both name)
_MIRRORS = {
    "2080505": (("30108",), "机关事业单位基本养老保险缴费"),
    "2080506": (("30109",), "职业年金缴费"),
    "21011": (("30110", "30111"), "行政事业单位医疗（职工基本医疗保险缴费 + 公务员医疗补助缴费）"),
    "2210201": (("30113",), "住房公积金"),
}


@rule(
    "FA203",
    name="fa-function-and-economic-mirror",
    title="功能分类与经济分类中同一支出（养老保险、职业年金、医疗、住房公积金）的基本支出通常相等",
    severity="info",
    tags=["cross-table"],
    reference=TEMPLATE,
    kinds="final",
    description=(
        "The 一般公共预算 basic spending of 2080505, 2080506, 21011 and 2210201 in the function table is "
        "normally booked under 30108, 30109, 30110 + 30111 and 30113 of the basic-economic table. A "
        "difference is a hint, not a defect."
    ),
    cases=[
        {"name": "equal", "fires": 0, "budget": {"tables": {
            "fa_gpb_function": [{"code": "21011", "name": "行政事业单位医疗", "total": "60.99", "basic": "60.99"}],
            "fa_gpb_basic_economic": [{"code": "30110", "name": "职工基本医疗保险缴费", "amount": "60.99", "lane": "left"},
                                      {"code": "30111", "name": "公务员医疗补助缴费", "amount": None, "lane": "left"}]}}},
        {"name": "a cent apart", "fires": 1, "budget": {"tables": {
            "fa_gpb_function": [{"code": "21011", "name": "行政事业单位医疗", "total": "236.64", "basic": "236.64"}],
            "fa_gpb_basic_economic": [{"code": "30110", "name": "职工基本医疗保险缴费", "amount": "236.63", "lane": "left"},
                                      {"code": "30111", "name": "公务员医疗补助缴费", "amount": "0.00", "lane": "left"}]}}},
    ],
)  # fmt: skip
def fa_function_economic_mirror(budget, ctx):
    if unreliable(budget, ctx, "fa_gpb_function") or unreliable(budget, ctx, "fa_gpb_basic_economic"):
        return
    functions = {r["code"]: r for r in records(budget, "fa_gpb_function") if isinstance(r.get("code"), str)}
    economic = _economic(budget)
    for code, (eco_codes, what) in _MIRRORS.items():
        f = functions.get(code)
        first = economic.get(eco_codes[0])
        if f is None or first is None or is_missing(f.get("basic")) or is_missing(first.get("amount")):
            continue
        paid = sum(
            int(economic[c]["amount"]) for c in eco_codes if c in economic and not is_missing(economic[c]["amount"])
        )
        if paid == int(f["basic"]):
            continue
        yield ctx.finding(
            f"{what}：功能分类 {code} {f['name']} 基本支出 {wan(f['basic'])}，经济分类 {' + '.join(eco_codes)} 为 {wan(paid)}",
            expected=yuan(int(f["basic"])), actual=yuan(paid), **loc("fa_gpb_basic_economic", first, "amount"),
        )  # fmt: skip


@rule(
    "FA204",
    name="fa-fleet-counts-agree",
    title="说明七（二）的公务用车保有量与十一（三）国有资产的共有车辆数一致",
    severity="warning",
    tags=["narrative", "sangong", "assets"],
    reference=NOTES,
    kinds="final",
    description="Two counts of the department's vehicles at the year end; they may be kept on different scopes, so a difference is a warning to look at.",
    cases=[
        {"name": "equal", "fires": 0, "budget": {"facts": [
            {"key": "sangong_count:fleet", "value": "3"}, {"key": "vehicles", "value": "3", "unit": "辆"}]}},
        {"name": "different", "fires": 1, "budget": {"facts": [
            {"key": "sangong_count:fleet", "value": "3"}, {"key": "vehicles", "value": "5", "unit": "辆"}]}},
    ],
)  # fmt: skip
def fa_fleet_counts(budget, ctx):
    fleet, vehicles = first_fact(budget, "sangong_count:fleet"), first_fact(budget, "vehicles")
    if fleet is None or vehicles is None:
        return
    if int(fleet["value"]) != int(vehicles["value"]):
        yield ctx.finding(
            f"说明七公务用车保有量为 {fleet['value']} 辆，国有资产占有使用情况称共有车辆 {vehicles['value']} 辆（请核对口径）",
            expected=str(fleet["value"]), actual=str(vehicles["value"]), table="facts", row="vehicles",
            line=vehicles.get("line"), page=vehicles.get("page"),
        )  # fmt: skip


@hookimpl
def auditor_register_rules():
    return [
        fa_tables_agree,
        fa_general_budget_within_all_funds,
        fa_sangong_covers_economic,
        fa_function_economic_mirror,
        fa_fleet_counts,
    ]

"""部门决算 figures that bound or mirror one another across tables (not the same figure printed twice,
which is FA201's).

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
from auditor.finalkit import CENT, NOTES, TEMPLATE, loc, unreliable, wan
from auditor.rulekit import first_fact, is_missing, records, yuan

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
    return [fa_sangong_covers_economic, fa_function_economic_mirror, fa_fleet_counts]

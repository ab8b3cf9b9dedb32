"""部门决算 against the same department's 部门预算 of that year (``auditor audit FINAL --previous BUDGET``).

The 年初预算 a 决算 cites is the budget the department published: 说明五（三）'s 一般公共预算财政拨款
支出年初预算 is the budget's 一般公共预算支出 合计, each item's 年初预算 the budget's figure for that
项, and the 三公 table's 预算数 the budget's 三公 table. The budget prints 元, the 决算 万元 with two
decimals, so figures agree within the printing of the 决算 (``money.tolerance``). A difference is an
``info``: some departments cite the budget as adjusted during the year (年初预算 0, with a 全年预算).
"""

from __future__ import annotations

from auditor import hookimpl, rule
from auditor.finalkit import NOTES, item_section, resolve_item, wan
from auditor.model import is_final
from auditor.rulekit import agrees, fact_records, fen_or_zero, is_missing, records, total_row, yuan

_SANGONG = {
    "total": "合计",
    "outbound": "因公出国（境）费",
    "vehicle_total": "公务用车购置及运行费",
    "vehicle_purchase": "公务用车购置费",
    "vehicle_operation": "公务用车运行费",
    "reception": "公务接待费",
}


def _budget_of_year(budget, previous) -> bool:
    return (
        previous is not None
        and not is_final(previous.meta.kind)
        and (not budget.meta.year or not previous.meta.year or int(previous.meta.year) == int(budget.meta.year))
    )


def _differs(ctx, what: str, cited: int, published: int, **where):
    if agrees(published, cited, "万元", 2):
        return None
    return ctx.finding(
        f"{what}：决算所列预算 {wan(cited)}，同年部门预算为 {wan(published)}",
        expected=yuan(published), actual=yuan(cited), **where,
    )  # fmt: skip


@rule(
    "FA401",
    name="fa-initial-budget-is-the-budget",
    title="决算所列年初预算与同年部门预算一致（一般公共预算支出、逐项年初预算、“三公”经费预算数）",
    severity="info",
    tags=["narrative", "year-over-year"],
    reference={**NOTES, "regulation": "《预算法》第十四条；部门决算公开模板：年初预算数与决算数对比"},
    kinds="final",
    description=(
        "Runs when the same department's 部门预算 of the accounts year is given with `--previous`. "
        "A difference is an info: the 决算 may cite the budget as adjusted during the year."
    ),
    cases=[
        {"name": "equal", "fires": 0, "budget": {
            "meta": {"year": 2024},
            "facts": [{"key": "gpb_budget", "value": "2993.92", "unit": "万元", "budget_kind": "年初"}],
            "tables": {"fa_sangong": [{"stage": "budget", "total": "0.95", "reception": "0.95"}]},
            "previous": {"meta": {"year": 2024, "kind": "部门预算"}, "tables": {
                "gpb_function": [{"code": None, "name": "合计", "total": "29939200.00"}],
                "sangong": [{"total": "9500.00", "reception": "9500.00"}]}}}},
        {"name": "another 年初预算 and 三公 预算数", "fires": 3, "budget": {
            "meta": {"year": 2024},
            "facts": [{"key": "gpb_budget", "value": "2993.92", "unit": "万元", "budget_kind": "年初"}],
            "tables": {"fa_sangong": [{"stage": "budget", "total": "0.95", "reception": "0.95"}]},
            "previous": {"meta": {"year": 2024, "kind": "部门预算"}, "tables": {
                "gpb_function": [{"code": None, "name": "合计", "total": "30039200.00"}],
                "sangong": [{"total": "19500.00", "reception": "9500.00", "outbound": "10000.00"}]}}}},
        {"name": "no budget given", "fires": 0, "budget": {
            "facts": [{"key": "gpb_budget", "value": "2993.92", "unit": "万元", "budget_kind": "年初"}]}},
    ],
)  # fmt: skip
def fa_initial_budget(budget, ctx):
    previous = ctx.previous
    if not _budget_of_year(budget, previous):
        return
    gpb = previous.table("gpb_function")
    total = total_row(gpb)
    for fact in fact_records(budget, "gpb_budget"):
        if total is not None and fact.get("budget_kind") != "全年" and not is_missing(fact.get("amount")):
            f = _differs(ctx, "一般公共预算财政拨款支出", int(fact["amount"]), fen_or_zero(total["total"]),
                         table="facts", row="gpb_budget", line=fact.get("line"), page=fact.get("page"))  # fmt: skip
            if f:
                yield f
    by_code = {str(r["code"]): r for r in records(previous, "gpb_function") if not is_missing(r.get("code"))}
    rows = records(budget, "fa_gpb_function")
    for item in records(budget, "fa_items"):
        if is_missing(item.get("budget")) or item.get("budget_kind") == "全年" or item_section(item) != "fa_n5":
            continue
        row, _ = resolve_item(item, rows)
        if row is None or row["code"] not in by_code:
            continue
        f = _differs(ctx, f"说明五（三）第{item.get('number')}项 {row['code']} {row['name']}", int(item["budget"]),
                     fen_or_zero(by_code[row["code"]]["total"]), table="fa_items", row=row["code"],
                     line=item.get("line"), page=item.get("page"))  # fmt: skip
        if f:
            yield f
    stage = next((r for r in records(budget, "fa_sangong") if r["stage"] == "budget"), None)
    sangong = records(previous, "sangong")
    if stage is not None and sangong:
        for column, label in _SANGONG.items():
            cited, published = stage.get(column), sangong[0].get(column)
            if is_missing(cited) and is_missing(published):
                continue
            f = _differs(ctx, f"“三公”经费 {label}", fen_or_zero(cited), fen_or_zero(published), table="fa_sangong",
                         row="budget", column=column, line=stage.get("line"), page=stage.get("page"))  # fmt: skip
            if f:
                yield f


@hookimpl
def auditor_register_rules():
    return [fa_initial_budget]

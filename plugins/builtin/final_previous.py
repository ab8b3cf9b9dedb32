"""部门决算 against the same department's 部门预算 of that year, or its 部门决算 of the year before
(``auditor audit FINAL --previous OTHER``).

FA401, with the 部门预算 of the accounts year:

The 年初预算 a 决算 cites is the budget the department published: 说明五（三）'s 一般公共预算财政拨款
支出年初预算 is the budget's 一般公共预算支出 合计, each item's 年初预算 the budget's figure for that
项, and the 三公 table's 预算数 the budget's 三公 table. The budget prints 元, the 决算 万元 with two
decimals, so figures agree within the printing of the 决算 (``money.tolerance``). A difference is an
``info``: some departments cite the budget as adjusted during the year (年初预算 0, with a 全年预算).

FA402, with the 部门决算 of the year before: each change on last year the 说明 states (一 收入支出总计,
四 财政拨款收入支出总计, 五（一）一般公共预算财政拨款支出, 七 “三公”经费, 十一（一）机关运行经费) gives
last year's figure as this year's ∓ the change, and that is the figure last year's 决算 printed.
"""

from __future__ import annotations

from auditor import hookimpl, rule
from auditor.finalkit import NOTES, half_step, item_section, resolve_item, side_items, wan
from auditor.model import is_final
from auditor.rulekit import agrees, fact_records, fen_or_zero, first_fact, is_missing, records, total_row, yuan

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


def _summary_total(b, key: str, column: str) -> dict | None:
    r = side_items(b, key, "income").get("总计")
    return None if r is None or is_missing(r.get(column)) else {"fen": int(r[column]), "printed": "0.00"}


def _table_total(b, key: str, column: str, pick) -> dict | None:
    r = next((r for r in records(b, key) if pick(r)), None)
    return None if r is None or is_missing(r.get(column)) else {"fen": int(r[column]), "printed": "0.00"}


#: the figure a change is about -> (its label, how to read it from a 决算's tables)
_YEAR_FIGURES = {
    "total": ("收入支出总计", lambda b: _summary_total(b, "fa_summary", "amount")),
    "fiscal_total": ("财政拨款收入支出总计", lambda b: _summary_total(b, "fa_fiscal_summary", "total")),
    "gpb_total": ("一般公共预算财政拨款支出", lambda b: _table_total(
        b, "fa_gpb_function", "total", lambda r: not isinstance(r.get("code"), str))),
    "sangong_final": ("“三公”经费财政拨款支出", lambda b: _table_total(
        b, "fa_sangong", "total", lambda r: r.get("stage") == "final")),
    "operating_expenses": ("机关运行经费", lambda b: None),
}  # fmt: skip


def _figure(b, key: str) -> dict | None:
    """A 决算's figure for `key`: its table's (two decimals), else what its 说明 states."""
    got = _YEAR_FIGURES[key][1](b)
    if got is not None:
        return got
    fact = first_fact(b, key)
    if fact is None or is_missing(fact.get("amount")):
        return None
    return {"fen": int(fact["amount"]), "printed": str(fact["value"])}


def _last_years_final(budget, previous) -> bool:
    return (
        previous is not None
        and is_final(previous.meta.kind)
        and bool(budget.meta.year)
        and bool(previous.meta.year)
        and int(previous.meta.year) == int(budget.meta.year) - 1
    )


@rule(
    "FA402",
    name="fa-changes-reproduce-last-year",
    title="与上年相比的增减额与上年度部门决算一致（本年数 ∓ 增减额 = 上年决算数）",
    severity="warning",
    tags=["narrative", "year-over-year"],
    reference={**NOTES, "regulation": "部门决算公开模板：与上年度相比的增减变化情况"},
    kinds="final",
    description=(
        "Runs when the department's 决算 of the year before is given with `--previous`. This year's "
        "figure (its table's, else the 说明's) less an 增加 or plus a 减少 is last year's figure, which "
        "last year's 决算 printed (its table's, else its 说明's); they agree within the printing of the "
        "three figures. A warning: a department may restate last year's figures on this year's basis."
    ),
    cases=[
        {"name": "reproduces", "fires": 0, "budget": {
            "meta": {"year": 2024},
            "facts": [{"key": "operating_expenses", "value": "184.65", "unit": "万元"},
                      {"key": "operating_expenses_change", "value": "2.55", "unit": "万元", "direction": "增加"}],
            "previous": {"meta": {"year": 2023, "kind": "部门决算"},
                         "facts": [{"key": "operating_expenses", "value": "182.10", "unit": "万元"}]}}},
        {"name": "another prior year total", "fires": 1, "budget": {
            "meta": {"year": 2024},
            "tables": {"fa_gpb_function": [{"code": None, "name": "合计", "total": "2940.05"}]},
            "facts": [{"key": "gpb_total_change", "value": "63.14", "unit": "万元", "direction": "增加"}],
            "previous": {"meta": {"year": 2023, "kind": "部门决算"},
                         "tables": {"fa_gpb_function": [{"code": None, "name": "合计", "total": "2867.91"}]}}}},
        {"name": "a budget is not last year's 决算", "fires": 0, "budget": {
            "meta": {"year": 2024},
            "facts": [{"key": "operating_expenses", "value": "184.65", "unit": "万元"},
                      {"key": "operating_expenses_change", "value": "2.55", "unit": "万元", "direction": "增加"}],
            "previous": {"meta": {"year": 2024, "kind": "部门预算"}}}},
    ],
)  # fmt: skip
def fa_changes_reproduce_last_year(budget, ctx):
    previous = ctx.previous
    if not _last_years_final(budget, previous):
        return
    for key, (label, _) in _YEAR_FIGURES.items():
        change = first_fact(budget, f"{key}_change")
        now, then = _figure(budget, key), _figure(previous, key)
        if change is None or now is None or then is None:
            continue
        direction = change.get("direction")
        if direction == "持平":
            delta = 0
        elif direction in ("增加", "减少") and not is_missing(change.get("amount")):
            delta = int(change["amount"]) if direction == "增加" else -int(change["amount"])
        else:
            continue
        implied = now["fen"] - delta
        slack = half_step(now["printed"]) + half_step(then["printed"]) + half_step(str(change.get("value") or "0.00"))
        if abs(implied - then["fen"]) <= slack:
            continue
        said = "持平" if delta == 0 else f"{direction} {change['value']}万元"
        yield ctx.finding(
            f"情况说明{label}与上年相比{said}，推算上年为 {wan(implied)}，{previous.meta.year} 年度决算为 {wan(then['fen'])}",
            expected=yuan(then["fen"]), actual=yuan(implied), table="facts", row=f"{key}_change",
            line=change.get("line"), page=change.get("page"),
        )  # fmt: skip


@hookimpl
def auditor_register_rules():
    return [fa_initial_budget, fa_changes_reproduce_last_year]

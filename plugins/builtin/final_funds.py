"""部门决算 说明八 (政府性基金) and 九 (国有资本经营) against the fund tables and the two 总表.

- FA317: “无…预算财政拨款收入和支出” only when the fund's table, its line of the 收入支出决算总表 and its
  column of the 财政拨款收入支出决算总表 hold no figure other than 0; where the 说明 states the fund's
  income and spending they are the fund table's 合计, and each item's 决算 is its 项's 本年支出.
"""

from __future__ import annotations

from auditor import hookimpl, rule
from auditor.finalkit import NOTES, at, item_section, resolve_item, same_figure, side_items, unreliable, wan
from auditor.rulekit import fen_or_zero, first_fact, is_missing, records

#: section -> (fact prefix, fund table, 收入支出决算总表 income item, 财政拨款总表 column, the fund's name)
_FUNDS = {
    "fa_n8": ("gov_fund", "fa_gov_fund", "政府性基金预算财政拨款收入", "gov_fund", "政府性基金"),
    "fa_n9": ("soe_capital", "fa_soe_capital", "国有资本经营预算财政拨款收入", "soe_capital", "国有资本经营"),
}
_MONEY = ("opening", "income", "expenditure", "basic", "project", "closing")


def _figures(budget, table: str, item: str, column: str) -> list[tuple[str, int, dict]]:
    """(where, fen, location) of the non-zero figures the fund has in its table and in the two 总表."""
    out = []
    for r in records(budget, table):
        cell = next((c for c in _MONEY if fen_or_zero(r.get(c))), None)
        if cell is not None:
            label = r.get("code") if isinstance(r.get("code"), str) else r.get("name")
            out.append((f"{budget.meta.tables[table].title if table in budget.meta.tables else table} {label}",
                        fen_or_zero(r[cell]), {"table": table, "row": label, "column": cell}))  # fmt: skip
            break
    summary = side_items(budget, "fa_summary", "income").get(item)
    if summary is not None and fen_or_zero(summary.get("amount")):
        out.append(("收入支出决算总表 " + item, fen_or_zero(summary["amount"]), {"table": "fa_summary", "row": item}))
    for r in records(budget, "fa_fiscal_summary"):
        if fen_or_zero(r.get(column)) and r.get("item") in ("本年收入合计", "本年支出合计"):
            out.append((f"财政拨款收入支出决算总表 {r['item']}", fen_or_zero(r[column]),
                        {"table": "fa_fiscal_summary", "row": r["item"], "column": column}))  # fmt: skip
            break
    return out


def _total(budget, table: str) -> dict | None:
    return next((r for r in records(budget, table) if not isinstance(r.get("code"), str) or not r["code"]), None)


@rule(
    "FA317",
    name="fa-notes-funds-agree-with-tables",
    title="说明八、九与政府性基金、国有资本经营预算财政拨款收入支出决算表一致（称“无…收入和支出”时表中无数）",
    severity="error",
    tags=["narrative", "cross-table", "empty-fund"],
    reference=NOTES,
    kinds="final",
    description=(
        "A 说明 that says the department has no 政府性基金 (国有资本经营) money contradicts any figure other "
        "than 0 in that fund's table, in its income line of the 收入支出决算总表 or in its column of the "
        "财政拨款收入支出决算总表 (one finding, naming the first). Stated income and spending are the fund "
        "table's 合计 本年收入 and 本年支出; an item's 支出决算 is the 本年支出 of the 项 it names."
    ),
    cases=[
        {"name": "none and none", "fires": 0, "budget": {
            "facts": [{"key": "gov_fund_none", "value": "无政府性基金预算财政拨款收入和支出", "section": "fa_n8"}],
            "tables": {"fa_summary": [{"side": "income", "item": "政府性基金预算财政拨款收入", "amount": None}]}}},
        {"name": "none but the 总表 has income", "fires": 1, "budget": {
            "facts": [{"key": "gov_fund_none", "value": "无政府性基金预算财政拨款收入和支出", "section": "fa_n8"}],
            "tables": {"fa_summary": [{"side": "income", "item": "政府性基金预算财政拨款收入", "amount": "58.00"}]}}},
        {"name": "stated figures and an item", "fires": 2, "budget": {
            "facts": [{"key": "gov_fund_income", "value": "58.00", "unit": "万元", "section": "fa_n8"},
                      {"key": "gov_fund_expenditure", "value": "58.00", "unit": "万元", "section": "fa_n8"}],
            "tables": {"fa_gov_fund": [
                {"code": None, "name": "合计", "income": "58.00", "expenditure": "50.00"},
                {"code": "212", "name": "城乡社区支出", "income": "58.00", "expenditure": "50.00"},
                {"code": "21208", "name": "国有土地使用权出让收入安排的支出", "income": "58.00", "expenditure": "50.00"},
                {"code": "2120899", "name": "其他国有土地使用权出让收入安排的支出", "income": "58.00", "expenditure": "50.00"}],
                "fa_items": [{"number": 1, "code": "2120899", "section": "fa_n8", "lei": "城乡社区支出",
                              "kuan": "国有土地使用权出让收入安排的支出", "xiang": "其他国有土地使用权出让收入安排的支出",
                              "budget": "60.00", "final": "55.00"}]}}},
    ],
)  # fmt: skip
def fa_funds_agree(budget, ctx):
    for section, (prefix, table, item, column, name) in _FUNDS.items():
        if unreliable(budget, ctx, table):
            continue
        none = first_fact(budget, f"{prefix}_none")
        if none is not None:
            shown = _figures(budget, table, item, column)
            if shown:
                where, fen, _ = shown[0]
                yield ctx.finding(f"情况说明称“{none['value']}”，而{where}为 {wan(fen)}",
                                  expected="0", actual=wan(fen), **at(none))  # fmt: skip
            continue
        total = _total(budget, table)
        for key, col, what in (("income", "income", "本年收入"), ("expenditure", "expenditure", "本年支出")):
            fact = first_fact(budget, f"{prefix}_{key}")
            if fact is None or total is None or is_missing(fact.get("amount")):
                continue
            f = same_figure(
                ctx, f"情况说明{name}预算财政拨款{what} vs 表中合计", fact["amount"], total.get(col), **at(fact)
            )
            if f:
                yield f
        rows = records(budget, table)
        for it in records(budget, "fa_items"):
            if item_section(it) != section or is_missing(it.get("final")):
                continue
            row, _ = resolve_item(it, rows, amount="expenditure")
            if row is None:
                continue
            f = same_figure(ctx, f"情况说明{name}第{it.get('number')}项支出决算 vs 表中 {row['code']}", it["final"],
                            row.get("expenditure"), **at(it, "fa_items"))  # fmt: skip
            if f:
                yield f


@hookimpl
def auditor_register_rules():
    return [fa_funds_agree]

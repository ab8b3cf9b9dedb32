"""Arithmetic of the two-sided summary tables (收入 | 支出 on one line), which YAML row rules cannot see.

The coded tables' hierarchy and row identities are YAML rules in rules/arithmetic-*.yaml.
"""

from __future__ import annotations

from auditor import hookimpl, lazyre, numbering, rule
from auditor.rulekit import ROUNDING_NOTE, fen_or_zero, is_missing, readable, records, row_location, show, yuan

STRUCTURE = {
    "regulation": "部门预算公开表格结构（上海区级模板）",
    "article": "CONSIST-001/002/005",
    "confidence": "H",
    "sources": ["S5"],
}

_GRAND = lazyre.compile(r"总计|合计")


def _label(item) -> str:
    return numbering.strip(str(item or "")).strip()


def _style(item) -> str | None:
    """The numbering style of an item (``一、`` for a top line, ``1.`` for a sub-line), or None."""
    n = numbering.parse(str(item or ""))
    return n.style if n else None


def _side(budget, key, side):
    return [r for r in records(budget, key) if r["side"] == side]


def _grand(rows):
    grand = [r for r in rows if _GRAND.search(str(r["item"]))]
    return grand[-1] if grand else None


def _differs(ctx, budget, table, message, printed, summed, terms, **location):
    """A finding when a printed total differs from what it should equal; within the rounding of the
    table's printed figures (万元, or 元 without 分) a warning saying so, else the rule's error."""
    if printed == summed:
        return None
    info = budget.meta.tables.get(table)
    within = info is not None and abs(printed - summed) <= info.rounding(terms)
    return ctx.finding(
        message + (ROUNDING_NOTE if within else ""),
        severity="warning" if within else None,
        note="rounding: the difference is within the rounding of the printed figures" if within else None,
        table=table,
        expected=yuan(summed),
        actual=yuan(printed),
        **location,
    )


def _sum_check(ctx, budget, table, rows, column, title):
    """Top-level items (一、二、…) sum to the 总计 row; sub-items (1. 2. …) sum to their top-level item."""
    grand = _grand(rows)
    items = [r for r in rows if not _GRAND.search(str(r["item"]))]
    top = [r for r in items if _style(str(r["item"])) == "一、"]
    found = []
    if grand is not None and top:
        s = sum(fen_or_zero(r[column]) for r in top)
        g = fen_or_zero(grand[column])
        found.append(
            _differs(
                ctx,
                budget,
                table,
                f"{title}：{grand['item']} {show(g)} ≠ 各项之和 {show(s)}",
                g,
                s,
                len(top) + 1,
                column=column,
                **row_location(grand),
            )  # fmt: skip
        )
    current = None
    subs: list = []
    for row in [*items, None]:
        if row is None or _style(str(row["item"])) == "一、":
            if current is not None and subs and not is_missing(current[column]):
                s = sum(fen_or_zero(r[column]) for r in subs)
                c = fen_or_zero(current[column])
                message = f"{title}：{_label(current['item'])} {show(c)} ≠ 其中各项之和 {show(s)}"
                found.append(
                    _differs(ctx, budget, table, message, c, s, len(subs) + 1, column=column, **row_location(current))
                )
            current, subs = row, []
        elif _style(str(row["item"])) == "1.":
            subs.append(row)
    return [f for f in found if f is not None]


@rule(
    "AR020",
    name="fiscal-summary-balances",
    title="财务收支预算总表：收入总计 = 支出总计，各项之和等于总计",
    severity="error",
    tags=["arithmetic"],
    reference=STRUCTURE,
    cases=[
        {
            "name": "balanced",
            "fires": 0,
            "budget": {
                "tables": {
                    "fiscal_summary": [
                        {"side": "income", "item": "一、财政拨款收入", "amount": "10.00"},
                        {"side": "income", "item": "1. 一般公共预算资金", "amount": "10.00"},
                        {"side": "income", "item": "二、事业收入", "amount": None},
                        {"side": "expenditure", "item": "一、公共安全支出", "amount": "7.00"},
                        {"side": "expenditure", "item": "二、住房保障支出", "amount": "3.00"},
                        {"side": "income", "item": "收入总计", "amount": "10.00"},
                        {"side": "expenditure", "item": "支出总计", "amount": "10.00"},
                    ]
                }
            },
        },
        {
            "name": "expenditure items short",
            "fires": 1,
            "budget": {
                "tables": {
                    "fiscal_summary": [
                        {"side": "expenditure", "item": "一、公共安全支出", "amount": "7.00"},
                        {"side": "income", "item": "收入总计", "amount": "10.00"},
                        {"side": "expenditure", "item": "支出总计", "amount": "10.00"},
                    ]
                }
            },
        },
        {
            "name": "totals differ",
            "fires": 1,
            "budget": {
                "tables": {
                    "fiscal_summary": [
                        {"side": "income", "item": "收入总计", "amount": "10.00"},
                        {"side": "expenditure", "item": "支出总计", "amount": "11.00"},
                    ]
                }
            },
        },
    ],
)
def fiscal_summary_balances(budget, ctx):
    if not readable(budget, "fiscal_summary"):
        return  # EX002 reports the table as not reliably read
    inc, exp = _side(budget, "fiscal_summary", "income"), _side(budget, "fiscal_summary", "expenditure")
    gi, ge = _grand(inc), _grand(exp)
    if gi is not None and ge is not None:
        a, b = fen_or_zero(gi["amount"]), fen_or_zero(ge["amount"])
        found = _differs(ctx, budget, "fiscal_summary", f"财务收支预算总表：收入总计 {show(a)} ≠ 支出总计 {show(b)}",
                         a, b, 2, column="amount", **row_location(gi))  # fmt: skip
        if found is not None:
            yield found
    yield from _sum_check(ctx, budget, "fiscal_summary", inc, "amount", "财务收支预算总表收入")
    yield from _sum_check(ctx, budget, "fiscal_summary", exp, "amount", "财务收支预算总表支出")


@rule(
    "AR021",
    name="fiscal-appropriation-summary-balances",
    title="财政拨款收支预算总表：收入总计 = 支出总计，各项之和等于总计",
    severity="error",
    tags=["arithmetic"],
    reference=STRUCTURE,
    cases=[
        {
            "name": "balanced",
            "fires": 0,
            "budget": {
                "tables": {
                    "fiscal_appropriation_summary": [
                        {"side": "income", "item": "一、一般公共预算资金", "total": "10.00"},
                        {
                            "side": "expenditure",
                            "item": "一、公共安全支出",
                            "total": "10.00",
                            "general_public": "10.00",
                        },
                        {"side": "income", "item": "收入总计", "total": "10.00"},
                        {"side": "expenditure", "item": "支出总计", "total": "10.00", "general_public": "10.00"},
                    ]
                }
            },
        },
        {
            "name": "column short",
            "fires": 1,
            "budget": {
                "tables": {
                    "fiscal_appropriation_summary": [
                        {"side": "expenditure", "item": "一、公共安全支出", "total": "10.00", "general_public": "9.00"},
                        {"side": "expenditure", "item": "支出总计", "total": "10.00", "general_public": "10.00"},
                    ]
                }
            },
        },
    ],
)
def fiscal_appropriation_balances(budget, ctx):
    key = "fiscal_appropriation_summary"
    if not readable(budget, key):
        return  # EX002 reports the table as not reliably read
    inc, exp = _side(budget, key, "income"), _side(budget, key, "expenditure")
    gi, ge = _grand(inc), _grand(exp)
    if gi is not None and ge is not None:
        a, b = fen_or_zero(gi["total"]), fen_or_zero(ge["total"])
        found = _differs(ctx, budget, key, f"财政拨款收支预算总表：收入总计 {show(a)} ≠ 支出总计 {show(b)}",
                         a, b, 2, column="total", **row_location(gi))  # fmt: skip
        if found is not None:
            yield found
    yield from _sum_check(ctx, budget, key, inc, "total", "财政拨款收支预算总表收入")
    for col, label in (
        ("total", "合计"),
        ("general_public", "一般公共预算"),
        ("gov_fund", "政府性基金"),
        ("soe_capital", "国有资本经营"),
    ):
        yield from _sum_check(ctx, budget, key, exp, col, f"财政拨款收支预算总表支出（{label}）")


@hookimpl
def auditor_register_rules():
    return [fiscal_summary_balances, fiscal_appropriation_balances]

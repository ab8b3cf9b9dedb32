"""Arithmetic of the two-sided summary tables (收入 | 支出 on one line), which YAML row rules cannot see.

The coded tables' hierarchy and row identities are YAML rules in rules/arithmetic-*.yaml.
"""

from __future__ import annotations

from auditor import hookimpl, lazyre, numbering, rule
from auditor.rulekit import fen_or_zero, is_missing, mismatch, readable, records, row_location, show

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


def _sum_check(ctx, table, rows, column, title):
    """Top-level items (一、二、…) sum to the 总计 row; sub-items (1. 2. …) sum to their top-level item."""
    grand = _grand(rows)
    items = [r for r in rows if not _GRAND.search(str(r["item"]))]
    top = [r for r in items if _style(str(r["item"])) == "一、"]
    if grand is not None and top:
        s = sum(fen_or_zero(r[column]) for r in top)
        g = fen_or_zero(grand[column])
        if s != g:
            yield mismatch(
                ctx,
                f"{title}：{grand['item']} {show(g)} ≠ 各项之和 {show(s)}",
                table=table,
                column=column,
                expected=s,
                actual=g,
                **row_location(grand),
            )
    current = None
    subs: list = []
    for row in [*items, None]:
        if row is None or _style(str(row["item"])) == "一、":
            if current is not None and subs and not is_missing(current[column]):
                s = sum(fen_or_zero(r[column]) for r in subs)
                c = fen_or_zero(current[column])
                if s != c:
                    yield mismatch(
                        ctx,
                        f"{title}：{_label(current['item'])} {show(c)} ≠ 其中各项之和 {show(s)}",
                        table=table,
                        column=column,
                        expected=s,
                        actual=c,
                        **row_location(current),
                    )
            current, subs = row, []
        elif _style(str(row["item"])) == "1.":
            subs.append(row)


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
    if gi is not None and ge is not None and fen_or_zero(gi["amount"]) != fen_or_zero(ge["amount"]):
        a, b = fen_or_zero(gi["amount"]), fen_or_zero(ge["amount"])
        yield mismatch(
            ctx,
            f"财务收支预算总表：收入总计 {show(a)} ≠ 支出总计 {show(b)}",
            table="fiscal_summary",
            column="amount",
            expected=b,
            actual=a,
            **row_location(gi),
        )
    yield from _sum_check(ctx, "fiscal_summary", inc, "amount", "财务收支预算总表收入")
    yield from _sum_check(ctx, "fiscal_summary", exp, "amount", "财务收支预算总表支出")


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
    if gi is not None and ge is not None and fen_or_zero(gi["total"]) != fen_or_zero(ge["total"]):
        a, b = fen_or_zero(gi["total"]), fen_or_zero(ge["total"])
        yield mismatch(
            ctx,
            f"财政拨款收支预算总表：收入总计 {show(a)} ≠ 支出总计 {show(b)}",
            table="fiscal_appropriation_summary",
            column="total",
            expected=b,
            actual=a,
            **row_location(gi),
        )
    yield from _sum_check(ctx, "fiscal_appropriation_summary", inc, "total", "财政拨款收支预算总表收入")
    for col in ("total", "general_public", "gov_fund", "soe_capital"):
        yield from _sum_check(ctx, "fiscal_appropriation_summary", exp, col, f"财政拨款收支预算总表支出（{col}）")


@hookimpl
def auditor_register_rules():
    return [fiscal_summary_balances, fiscal_appropriation_balances]

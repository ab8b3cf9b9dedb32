"""Cross-table rules: the same figure agrees wherever the disclosure prints it (function codes,
the economic classification, the summary tables). The 三公 table against the economic
classification is ``cross_table_sangong.py``."""

from __future__ import annotations

from auditor import hookimpl, numbering, rule
from auditor.rulekit import (
    by_code,
    by_name,
    diagnosis,
    fen_or_zero,
    mismatch,
    records,
    row_location,
    show,
    total_of,
    unless_unread,
    yuan,
)

STRUCTURE = {
    "regulation": "部门预算公开表格结构（上海区级模板）",
    "article": "CONSIST-003/004/006/008",
    "confidence": "H",
    "sources": ["S5"],
}


def _class_row(budget, key, label):
    """The 类 row (3-digit code) of a table with this name, or None."""
    return next((r for r in by_name(budget, key).get(label, []) if len(str(r["code"])) == 3), None)


@rule(
    "XT001",
    name="function-code-amounts-agree",
    title="A function code carries the same amounts in every table that prints it",
    severity="error",
    tags=["cross-table"],
    reference=STRUCTURE,
    description=(
        "收入预算总表 and 支出预算总表 cover all funds, so a code's 合计 must be equal in both; the "
        "支出预算总表 row of a code equals the sum of that code's rows in the three fund function tables "
        "(一般公共预算, 政府性基金, 国有资本经营), column by column (合计, 基本支出, 项目支出)."
    ),
    cases=[
        {
            "name": "income and expenditure agree",
            "fires": 0,
            "budget": {
                "tables": {
                    "income_summary": [{"code": "204", "name": "公共安全支出", "total": "100.00", "fiscal": "100.00"}],
                    "expenditure_summary": [
                        {"code": "204", "name": "公共安全支出", "total": "100.00", "basic": "60.00", "project": "40.00"}
                    ],
                    "gpb_function": [
                        {"code": "204", "name": "公共安全支出", "total": "100.00", "basic": "60.00", "project": "40.00"}
                    ],
                }
            },
        },
        {
            "name": "gpb basic differs from expenditure summary, both tables consistent in themselves",
            "fires": 2,
            "budget": {
                "tables": {
                    "expenditure_summary": [
                        {"code": "204", "name": "公共安全支出", "total": "100.00", "basic": "60.00", "project": "40.00"}
                    ],
                    "gpb_function": [
                        {"code": "204", "name": "公共安全支出", "total": "90.00", "basic": "50.00", "project": "40.00"}
                    ],
                }
            },
        },
        {
            "name": "a cell that breaks its own row too is the row rule's (AR012), not reported again",
            "fires": 0,
            "budget": {
                "tables": {
                    "expenditure_summary": [
                        {"code": "204", "name": "公共安全支出", "total": "100.00", "basic": "60.00", "project": "40.00"}
                    ],
                    "gpb_function": [
                        {"code": "204", "name": "公共安全支出", "total": "100.00", "basic": "50.00", "project": "40.00"}
                    ],
                }
            },
        },
    ],
)
@unless_unread("income_summary", "expenditure_summary", "gpb_function", "gov_fund_function", "soe_capital_function")
def function_code_amounts_agree(budget, ctx):
    exp_rows = by_code(budget, "expenditure_summary")
    funds = ("gpb_function", "gov_fund_function", "soe_capital_function")
    fund_maps = [by_code(budget, k) for k in funds]
    fund_printed = any(fund_maps)
    # a misprinted cell that the table diagnosis reports at its own row (AR0xx) is not reported again here
    diag = diagnosis(budget)
    if exp_rows and fund_printed:
        for code, row in exp_rows.items():
            for col in ("total", "basic", "project"):
                parts = [m[code][col] for m in fund_maps if code in m]
                if not parts:
                    continue
                if diag.explains("expenditure_summary", code, col) or any(
                    code in m and diag.explains(k, code, col) for k, m in zip(funds, fund_maps)
                ):
                    continue
                expected = sum(fen_or_zero(v) for v in parts)
                actual = fen_or_zero(row[col])
                if expected != actual:
                    yield mismatch(
                        ctx,
                        f"支出预算总表 {code} {row['name']} {col} {show(actual)} ≠ 功能分类预算表合计 {show(expected)}",
                        table="expenditure_summary",
                        column=col,
                        expected=expected,
                        actual=actual,
                        **row_location(row),
                    )
    for code, row in by_code(budget, "income_summary").items():
        if code in exp_rows and not (
            diag.explains("income_summary", code, "total") or diag.explains("expenditure_summary", code, "total")
        ):
            a, b = fen_or_zero(row["total"]), fen_or_zero(exp_rows[code]["total"])
            if a != b:
                yield mismatch(
                    ctx,
                    f"收入预算总表 {code} {row['name']} 合计 {show(a)} ≠ 支出预算总表 {show(b)}",
                    table="income_summary",
                    column="total",
                    expected=b,
                    actual=a,
                    **row_location(row),
                )


@rule(
    "XT002",
    name="basic-expenditure-economic-total",
    title="Basic expenditure in the function table equals the economic classification table",
    severity="error",
    tags=["cross-table"],
    reference={**STRUCTURE, "article": "CONSIST-008"},
    description="一般公共预算支出功能分类预算表 合计·基本支出 = 一般公共预算基本支出经济分类预算表 合计.",
    cases=[
        {
            "name": "equal",
            "fires": 0,
            "budget": {
                "tables": {
                    "gpb_function": [
                        {"code": None, "name": "合计", "total": "10.00", "basic": "6.00", "project": "4.00"}
                    ],
                    "gpb_basic_economic": [
                        {"code": None, "name": "合计", "total": "6.00", "personnel": "5.00", "public": "1.00"}
                    ],
                }
            },
        },
        {
            "name": "different",
            "fires": 1,
            "budget": {
                "tables": {
                    "gpb_function": [
                        {"code": None, "name": "合计", "total": "10.00", "basic": "6.00", "project": "4.00"}
                    ],
                    "gpb_basic_economic": [
                        {"code": None, "name": "合计", "total": "7.00", "personnel": "6.00", "public": "1.00"}
                    ],
                }
            },
        },
    ],
)
@unless_unread("gpb_function", "gpb_basic_economic")
def basic_expenditure_economic_total(budget, ctx):
    fn = total_of(budget, "gpb_function")
    ec = total_of(budget, "gpb_basic_economic")
    if fn is None or ec is None:
        return
    a, b = fen_or_zero(ec["total"]), fen_or_zero(fn["basic"])
    if a != b:
        yield mismatch(
            ctx,
            f"经济分类预算表合计 {show(a)} ≠ 功能分类预算表基本支出合计 {show(b)}",
            table="gpb_basic_economic",
            column="total",
            expected=b,
            actual=a,
            **row_location(ec),
        )


@rule(
    "XT003",
    name="function-economic-pairs",
    title="Paired function and economic lines carry the same basic expenditure",
    severity="warning",
    tags=["cross-table"],
    reference={
        "regulation": "政府收支分类科目（功能分类与部门预算支出经济分类的对应）",
        "article": "CODE-003",
        "confidence": "M",
        "sources": ["S5"],
    },
    params={
        # [function codes, relation, economic codes]: the economic lines are funded by those function lines
        "pairs": [
            [["2080505"], "==", ["30108"]],
            [["2080506"], "==", ["30109"]],
            [["2101101", "2101102"], "==", ["30110"]],
            [["2101103"], "==", ["30111"]],
            [["2210201"], "==", ["30113"]],
            [["2080501", "2080502"], ">=", ["30301", "30302"]],
        ]
    },
    description=(
        "Where the document prints both sides, the basic expenditure of function lines equals the economic "
        "lines they fund: 养老保险 2080505↔30108, 职业年金 2080506↔30109, 行政/事业单位医疗 "
        "2101101+2101102↔30110, 公务员医疗补助 2101103↔30111, 住房公积金 2210201↔30113; and 离退休 "
        "2080501+2080502 (which may also pay 302 items) is at least 离休费 + 退休费 30301+30302."
    ),
    cases=[
        {
            "name": "pension matches",
            "fires": 0,
            "budget": {
                "tables": {
                    "gpb_function": [
                        {
                            "code": "2080505",
                            "name": "机关事业单位基本养老保险缴费支出",
                            "total": "9.00",
                            "basic": "9.00",
                        }
                    ],
                    "gpb_basic_economic": [
                        {"code": "30108", "name": "机关事业单位基本养老保险缴费", "total": "9.00", "personnel": "9.00"}
                    ],
                }
            },
        },
        {
            "name": "medical insurance covers administrative and institution units",
            "fires": 0,
            "budget": {
                "tables": {
                    "gpb_function": [
                        {"code": "2101101", "name": "行政单位医疗", "total": "6.00", "basic": "6.00"},
                        {"code": "2101102", "name": "事业单位医疗", "total": "3.00", "basic": "3.00"},
                    ],
                    "gpb_basic_economic": [
                        {"code": "30110", "name": "职工基本医疗保险缴费", "total": "9.00", "personnel": "9.00"}
                    ],
                }
            },
        },
        {
            "name": "pension differs",
            "fires": 1,
            "budget": {
                "tables": {
                    "gpb_function": [
                        {
                            "code": "2080505",
                            "name": "机关事业单位基本养老保险缴费支出",
                            "total": "9.00",
                            "basic": "9.00",
                        }
                    ],
                    "gpb_basic_economic": [
                        {"code": "30108", "name": "机关事业单位基本养老保险缴费", "total": "8.00", "personnel": "8.00"}
                    ],
                }
            },
        },
    ],
)
@unless_unread("gpb_function", "gpb_basic_economic")
def function_economic_pairs(budget, ctx):
    fn = by_code(budget, "gpb_function")
    ec = by_code(budget, "gpb_basic_economic")
    for fcodes, relation, ecodes in ctx.params["pairs"]:
        shown_f = [c for c in fcodes if c in fn]
        shown_e = [c for c in ecodes if c in ec]
        if not shown_f or not shown_e:
            continue
        a = sum(fen_or_zero(fn[c]["basic"]) for c in shown_f)
        b = sum(fen_or_zero(ec[c]["total"]) for c in shown_e)
        ok = a == b if relation == "==" else a >= b
        if not ok:
            first = fn[shown_f[0]]
            message = (
                f"功能科目 {'+'.join(shown_f)} 基本支出 {show(a)} {'≠' if relation == '==' else '<'} "
                f"经济科目 {'+'.join(shown_e)} {show(b)}"
            )
            where = {"table": "gpb_function", "column": "basic", **row_location(first)}
            if relation == "==":
                yield mismatch(ctx, message, expected=b, actual=a, **where)
            else:  # a bound, not a figure to agree with: formatted once, never parsed back
                yield ctx.finding(message, expected=f"≥ {yuan(b)}", actual=yuan(a), **where)


def item_label(text) -> str:
    """An item label without its numbering (`一、公共安全支出` -> `公共安全支出`)."""
    return numbering.strip(str(text or "")).strip()


@rule(
    "XT006",
    name="summary-tables-agree",
    title="The summary tables agree with each other and with the function tables",
    severity="error",
    tags=["cross-table"],
    reference={**STRUCTURE, "article": "CONSIST-003/004/005/006"},
    description=(
        "财务收支预算总表 收入 items equal the 收入预算总表 合计 columns (财政拨款, 事业, 经营, 其他) and its "
        "收入总计 their sum; 支出总计 equals 支出预算总表 合计; each 支出 item (by 类 name) equals that 类's "
        "合计 in 支出预算总表. 财政拨款收支预算总表: 一般公共预算/政府性基金/国有资本经营 column totals equal the "
        "合计 of the three function tables, and each 类 item equals that 类 in the function tables."
    ),
    cases=[
        {
            "name": "summary agrees",
            "fires": 0,
            "budget": {
                "tables": {
                    "fiscal_summary": [
                        {"side": "income", "item": "一、财政拨款收入", "amount": "10.00"},
                        {"side": "expenditure", "item": "一、公共安全支出", "amount": "10.00"},
                        {"side": "income", "item": "收入总计", "amount": "10.00"},
                        {"side": "expenditure", "item": "支出总计", "amount": "10.00"},
                    ],
                    "income_summary": [{"code": None, "name": "合计", "total": "10.00", "fiscal": "10.00"}],
                    "expenditure_summary": [
                        {"code": "204", "name": "公共安全支出", "total": "10.00", "basic": "10.00"},
                        {"code": None, "name": "合计", "total": "10.00", "basic": "10.00"},
                    ],
                }
            },
        },
        {
            "name": "category differs",
            "fires": 1,
            "budget": {
                "tables": {
                    "fiscal_summary": [{"side": "expenditure", "item": "一、公共安全支出", "amount": "12.00"}],
                    "expenditure_summary": [
                        {"code": "204", "name": "公共安全支出", "total": "10.00", "basic": "10.00"}
                    ],
                }
            },
        },
    ],
)
@unless_unread("fiscal_summary", "income_summary", "expenditure_summary", "fiscal_appropriation_summary")
def summary_tables_agree(budget, ctx):
    inc_total = total_of(budget, "income_summary")
    exp_total = total_of(budget, "expenditure_summary")
    income_map = {
        "财政拨款收入": "fiscal",
        "事业收入": "business",
        "事业单位经营收入": "operating",
        "其他收入": "other",
        "收入总计": "total",
    }
    for row in records(budget, "fiscal_summary"):
        label = item_label(row["item"])
        if row["side"] == "income" and inc_total is not None and label in income_map:
            col = income_map[label]
            a, b = fen_or_zero(row["amount"]), fen_or_zero(inc_total[col])
            if a != b:
                yield mismatch(
                    ctx,
                    f"财务收支预算总表 {label} {show(a)} ≠ 收入预算总表合计 {show(b)}",
                    table="fiscal_summary",
                    column="amount",
                    expected=b,
                    actual=a,
                    **row_location(row),
                )
        if row["side"] == "expenditure":
            if label == "支出总计" and exp_total is not None:
                a, b = fen_or_zero(row["amount"]), fen_or_zero(exp_total["total"])
            else:
                match = _class_row(budget, "expenditure_summary", label)
                if match is None:
                    continue
                a, b = fen_or_zero(row["amount"]), fen_or_zero(match["total"])
            if a != b:
                yield mismatch(
                    ctx,
                    f"财务收支预算总表 {label} {show(a)} ≠ 支出预算总表 {show(b)}",
                    table="fiscal_summary",
                    column="amount",
                    expected=b,
                    actual=a,
                    **row_location(row),
                )
    fund_tables = {
        "general_public": "gpb_function",
        "gov_fund": "gov_fund_function",
        "soe_capital": "soe_capital_function",
    }
    for row in (r for r in records(budget, "fiscal_appropriation_summary") if r["side"] == "expenditure"):
        label = item_label(row["item"])
        for col, key in fund_tables.items():
            if label == "支出总计":
                tr = total_of(budget, key)
                if tr is None:
                    continue
                b = fen_or_zero(tr["total"])
            else:
                match = _class_row(budget, key, label)
                if match is None:
                    continue
                b = fen_or_zero(match["total"])
            a = fen_or_zero(row[col])
            if a != b:
                yield mismatch(
                    ctx,
                    f"财政拨款收支预算总表 {label} {col} {show(a)} ≠ {key} {show(b)}",
                    table="fiscal_appropriation_summary",
                    column=col,
                    expected=b,
                    actual=a,
                    **row_location(row),
                )


@hookimpl
def auditor_register_rules():
    return [
        function_code_amounts_agree,
        basic_expenditure_economic_total,
        function_economic_pairs,
        summary_tables_agree,
    ]

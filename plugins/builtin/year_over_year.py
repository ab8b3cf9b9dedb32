"""Year-over-year rules: the changes the prose states match last year's disclosure (given with --previous)."""

from __future__ import annotations

from auditor import hookimpl, rule
from auditor.money import to_fen
from auditor.rulekit import (
    agrees,
    fact_decimals,
    fact_location,
    fact_records,
    fen_or_zero,
    is_missing,
    readable,
    show,
    total_of,
    yuan,
)


def _fiscal_income(budget):
    fs = budget.table("fiscal_summary")
    if fs.empty or not readable(budget, "fiscal_summary"):
        return None
    rows = fs[(fs["side"] == "income") & fs["item"].astype(str).str.contains("财政拨款收入")]
    return None if rows.empty else fen_or_zero(rows.iloc[0]["amount"])


def _fa_total(budget, column):
    fa = budget.table("fiscal_appropriation_summary")
    if fa.empty or not readable(budget, "fiscal_appropriation_summary"):
        return None
    rows = fa[(fa["side"] == "expenditure") & fa["item"].astype(str).str.contains("支出总计")]
    return None if rows.empty else fen_or_zero(rows.iloc[0][column])


def _income_total(budget):
    fs = budget.table("fiscal_summary")
    if fs.empty or not readable(budget, "fiscal_summary"):
        return None
    rows = fs[(fs["side"] == "income") & fs["item"].astype(str).str.contains("收入总计")]
    return None if rows.empty else fen_or_zero(rows.iloc[0]["amount"])


def _sangong(column):
    def get(budget):
        sg = budget.table("sangong")
        return None if sg.empty or not readable(budget, "sangong") else fen_or_zero(sg.iloc[0][column])

    return get


def _gpb_total(budget):
    tr = total_of(budget, "gpb_function") if readable(budget, "gpb_function") else None
    return None if tr is None else fen_or_zero(tr["total"])


#: stated change fact -> (label, how to read the figure from a Budget)
CHANGES = {
    "income_total_change": ("收入预算总额", _income_total),
    "fiscal_income_change": ("财政拨款收入", _fiscal_income),
    "fiscal_expenditure_change": ("财政拨款支出", lambda b: _fa_total(b, "total")),
    "gpb_expenditure_change": ("一般公共预算拨款支出", _gpb_total),
    "gov_fund_expenditure_change": ("政府性基金拨款支出", lambda b: _fa_total(b, "gov_fund")),
    "soe_expenditure_change": ("国有资本经营预算拨款支出", lambda b: _fa_total(b, "soe_capital")),
    "sangong_total_change": ("“三公”经费", _sangong("total")),
    "outbound_change": ("因公出国(境)费", _sangong("outbound")),
    "vehicle_total_change": ("公务用车购置及运行费", _sangong("vehicle_total")),
    "vehicle_purchase_change": ("公务用车购置费", _sangong("vehicle_purchase")),
    "vehicle_operation_change": ("公务用车运行费", _sangong("vehicle_operation")),
    "reception_change": ("公务接待费", _sangong("reception")),
}


@rule(
    "YY001",
    name="stated-change-matches-last-year",
    title="A change stated against last year matches last year's disclosure",
    severity="error",
    tags=["year-over-year", "narrative"],
    reference={
        "regulation": "财预〔2016〕143号（说明预算收支增减变化情况）",
        "article": "DISCLOSURE-004; SANGONG-002",
        "confidence": "H",
        "sources": ["S2", "S5"],
    },
    description=(
        "Runs when last year's disclosure of the same department is given (`--previous`): each stated change "
        "(比上年预算增加/减少 X万元, 持平) is recomputed as this year's table figure minus last year's."
    ),
    cases=[
        {
            "name": "stated change matches",
            "fires": 0,
            "budget": {
                "meta": {"year": 2025},
                "tables": {
                    "fiscal_summary": [{"side": "income", "item": "一、财政拨款收入", "amount": "189767551.00"}]
                },
                "facts": [{"key": "fiscal_income_change", "value": "3355.65", "unit": "万元", "compare_year": 2024}],
                "previous": {
                    "meta": {"year": 2024},
                    "tables": {
                        "fiscal_summary": [{"side": "income", "item": "一、财政拨款收入", "amount": "156211123.00"}]
                    },
                },
            },
        },
        {
            "name": "stated change does not match",
            "fires": 1,
            "budget": {
                "meta": {"year": 2025},
                "tables": {
                    "fiscal_summary": [{"side": "income", "item": "一、财政拨款收入", "amount": "189767551.00"}]
                },
                "facts": [{"key": "fiscal_income_change", "value": "3255.65", "unit": "万元", "compare_year": 2024}],
                "previous": {
                    "meta": {"year": 2024},
                    "tables": {
                        "fiscal_summary": [{"side": "income", "item": "一、财政拨款收入", "amount": "156211123.00"}]
                    },
                },
            },
        },
        {
            "name": "no previous document",
            "fires": 0,
            "budget": {
                "facts": [{"key": "fiscal_income_change", "value": "3255.65", "unit": "万元", "compare_year": 2024}]
            },
        },
    ],
)
def stated_change(budget, ctx):
    previous = ctx.previous
    if previous is None:
        return
    prev_year = previous.meta.year
    for key, (label, read) in CHANGES.items():
        for fact in fact_records(budget, key):
            compare_year = fact.get("compare_year")
            if prev_year and not is_missing(compare_year) and int(compare_year) != int(prev_year):
                continue
            if is_missing(fact.get("value")):
                continue
            now, before = read(budget), read(previous)
            if now is None or before is None:
                continue
            stated = to_fen(str(fact["value"]), "万元")
            actual = now - before
            if not agrees(actual, stated, "万元", fact_decimals(fact)):
                yield ctx.finding(
                    f"说明称{label}比{prev_year or '上'}年{_word(stated)}，但两年预算表相差 {_signed(actual)}"
                    f"（{show(now)} − {show(before)}）",
                    expected=yuan(actual),
                    actual=yuan(stated),
                    **fact_location(fact),
                )


def _word(fen):
    if fen == 0:
        return "持平"
    return f"{'增加' if fen > 0 else '减少'}{show(abs(fen), '万元')}"


def _signed(fen):
    return f"{'+' if fen >= 0 else '−'}{show(abs(fen), '万元')}"


@hookimpl
def auditor_register_rules():
    return [stated_change]

"""Cross-table rules on the 三公 table against the economic classification: an economic 三公 line
never exceeds its 三公 item, and 机关运行经费 never exceeds the 公用经费 of the basic expenditure.

The 三公 figures are printed in 万元 with two decimals, so comparisons allow that rounding. The
other cross-table rules are ``cross_table.py``.
"""

from __future__ import annotations

from auditor import hookimpl, rule
from auditor.rulekit import (
    agrees,
    by_code,
    fact_records,
    fen_or_zero,
    is_missing,
    records,
    row_location,
    show,
    total_of,
    unless_unread,
    yuan,
)

SANGONG_ECONOMIC = {
    "30212": "outbound",
    "30217": "reception",
    "30231": "vehicle_operation",
    "31013": "vehicle_purchase",
}
SANGONG_LABEL = {
    "outbound": "因公出国(境)费",
    "reception": "公务接待费",
    "vehicle_operation": "公务用车运行费",
    "vehicle_purchase": "公务用车购置费",
}


@rule(
    "XT004",
    name="sangong-vs-economic-lines",
    title="An economic 三公 line never exceeds its 三公 item",
    severity="error",
    tags=["cross-table", "sangong"],
    reference={
        "regulation": "“三公”经费定义（名词解释）；部门预算支出经济分类",
        "article": "SANGONG-004",
        "confidence": "H",
        "sources": ["S5", "S7"],
    },
    description=(
        "The 三公 table covers basic and project expenditure, the economic table basic expenditure only, so "
        "30212 ≤ 因公出国(境)费, 30217 ≤ 公务接待费, 30231 ≤ 公务用车运行费, 31013 ≤ 公务用车购置费 "
        "(三公 figures are 万元 with two decimals: compared within that rounding)."
    ),
    cases=[
        {
            "name": "reception within",
            "fires": 0,
            "budget": {
                "tables": {
                    "gpb_basic_economic": [
                        {"code": "30217", "name": "公务接待费", "total": "2295800.00", "public": "2295800.00"}
                    ],
                    "sangong": [
                        {"total": "2295800.00", "reception": "2295800.00", "outbound": "0", "vehicle_total": "0"}
                    ],
                }
            },
        },
        {
            "name": "reception exceeds",
            "fires": 1,
            "budget": {
                "tables": {
                    "gpb_basic_economic": [
                        {"code": "30217", "name": "公务接待费", "total": "3000000.00", "public": "3000000.00"}
                    ],
                    "sangong": [{"total": "2295800.00", "reception": "2295800.00"}],
                }
            },
        },
    ],
)
@unless_unread("sangong", "gpb_basic_economic")
def sangong_vs_economic(budget, ctx):
    sg = records(budget, "sangong")
    if not sg:
        return
    srow = sg[0]
    ec = by_code(budget, "gpb_basic_economic")
    for code, col in SANGONG_ECONOMIC.items():
        if code not in ec:
            continue
        line_amount = fen_or_zero(ec[code]["total"])
        item = fen_or_zero(srow[col])
        if line_amount > item and not agrees(item, line_amount, "万元", 2):
            yield ctx.finding(
                f"经济科目 {code} {ec[code]['name']} {show(line_amount)} 大于“三公”表 {SANGONG_LABEL[col]} {show(item, '万元')}",
                table="gpb_basic_economic",
                column="total",
                expected=f"≤ {yuan(item)}",
                actual=yuan(line_amount),
                **row_location(ec[code]),
            )


@rule(
    "XT005",
    name="operating-expenses-vs-public-funds",
    title="机关运行经费 is never larger than 公用经费 (and equal for purely administrative departments)",
    severity="error",
    tags=["cross-table"],
    reference={
        "regulation": "机关运行经费定义（名词解释）",
        "article": "JGYX-002",
        "confidence": "H",
        "sources": ["S5", "S17"],
    },
    description=(
        "机关运行经费 (三公 table, 万元) is the 日常公用经费 of administrative and 参公 units within 一般公共预算"
        "基本支出, so it cannot exceed the 公用经费 total of the economic table. When the document says the "
        "department has only administrative units, they should be equal: a difference is a warning."
    ),
    cases=[
        {
            "name": "equal within 万元 rounding",
            "fires": 0,
            "budget": {
                "tables": {
                    "gpb_basic_economic": [
                        {"code": None, "name": "合计", "total": "230168970.80", "public": "230168970.80"}
                    ],
                    "sangong": [{"operating_expenses": "230169000.00"}],
                }
            },
        },
        {
            "name": "larger",
            "fires": 1,
            "budget": {
                "tables": {
                    "gpb_basic_economic": [{"code": None, "name": "合计", "total": "100.00", "public": "100.00"}],
                    "sangong": [{"operating_expenses": "2000000.00"}],
                }
            },
        },
    ],
)
@unless_unread("sangong", "gpb_basic_economic")
def operating_vs_public(budget, ctx):
    sg = records(budget, "sangong")
    ec = total_of(budget, "gpb_basic_economic")
    if not sg or ec is None or is_missing(sg[0]["operating_expenses"]):
        return
    op = fen_or_zero(sg[0]["operating_expenses"])
    public = fen_or_zero(ec["public"])
    loc = row_location(sg[0])
    loc["row"] = "机关运行经费"
    if op > public and not agrees(public, op, "万元", 2):
        yield ctx.finding(
            f"机关运行经费 {show(op, '万元')} 大于 公用经费合计 {show(public)}",
            table="sangong",
            column="operating_expenses",
            expected=f"≤ {yuan(public)}",
            actual=yuan(op),
            **loc,
        )
        return
    institutions = fact_records(budget, "institution_units")
    admin = fact_records(budget, "admin_units")
    only_admin = bool(admin) and all(_int_or_zero(f["value"]) == 0 for f in institutions)
    if only_admin and not agrees(public, op, "万元", 2):
        yield ctx.finding(
            f"本部门只有行政（参公）单位，机关运行经费 {show(op, '万元')} 应等于 公用经费合计 {show(public)}",
            table="sangong",
            column="operating_expenses",
            expected=yuan(public),
            actual=yuan(op),
            severity="warning",
            **loc,
        )


def _int_or_zero(v):
    try:
        return int(str(v))
    except (TypeError, ValueError):
        return 0


@hookimpl
def auditor_register_rules():
    return [sangong_vs_economic, operating_vs_public]

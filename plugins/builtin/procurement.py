"""Government procurement rules: the breakdown adds up, SME reservations are consistent and against policy."""

from __future__ import annotations

from decimal import Decimal

from auditor import hookimpl, rule
from auditor.rulekit import fact_decimals, fact_fen, fact_location, first_fact, show, tolerance, yuan

PROC_001 = {
    "regulation": "财预〔2016〕143号（政府采购预算总额及货物、工程、服务分项说明）",
    "article": "PROC-001",
    "confidence": "H",
    "sources": ["S2", "S4"],
}
PROC_002 = {
    "regulation": "财库〔2020〕46号《政府采购促进中小企业发展管理办法》（预留份额单独列示）",
    "article": "PROC-002",
    "confidence": "H",
    "sources": ["S10"],
}


def _reservation(total: str, sme: str, small: str) -> list[dict]:
    """Facts of a procurement paragraph in 万元, for the rules' cases."""
    keys = ("procurement_total", "sme_reserved", "small_micro_reserved")
    return [{"key": k, "value": v, "unit": "万元"} for k, v in zip(keys, (total, sme, small), strict=True)]


def _facts(budget, *keys):
    out = []
    for k in keys:
        f = first_fact(budget, k)
        out.append((f, None if f is None else fact_fen(f)))
    return out


@rule(
    "PR001",
    name="procurement-breakdown",
    title="政府采购预算 = 货物 + 工程 + 服务",
    severity="error",
    tags=["procurement", "arithmetic"],
    reference=PROC_001,
    cases=[
        {
            "name": "adds up",
            "fires": 0,
            "budget": {
                "facts": [
                    {"key": "procurement_total", "value": "24801.03", "unit": "万元"},
                    {"key": "procurement_goods", "value": "1046.36", "unit": "万元"},
                    {"key": "procurement_works", "value": "0", "unit": "万元"},
                    {"key": "procurement_services", "value": "23754.67", "unit": "万元"},
                ]
            },
        },
        {
            "name": "does not",
            "fires": 1,
            "budget": {
                "facts": [
                    {"key": "procurement_total", "value": "24801.03", "unit": "万元"},
                    {"key": "procurement_goods", "value": "1046.36", "unit": "万元"},
                    {"key": "procurement_works", "value": "10", "unit": "万元"},
                    {"key": "procurement_services", "value": "23754.67", "unit": "万元"},
                ]
            },
        },
    ],
)
def breakdown(budget, ctx):
    (tf, total), *parts = _facts(
        budget, "procurement_total", "procurement_goods", "procurement_works", "procurement_services"
    )
    if total is None or any(v is None for _, v in parts):
        return
    s = sum(v for _, v in parts)
    allowed = sum(tolerance("万元", fact_decimals(f)) for f, _ in [(tf, total), *parts])
    if abs(s - total) > allowed:
        yield ctx.finding(
            f"政府采购预算 {show(total, '万元')} ≠ 货物 + 工程 + 服务 {show(s, '万元')}",
            expected=yuan(s),
            actual=yuan(total),
            **fact_location(tf),
        )


@rule(
    "PR002",
    name="sme-reservation-bounds",
    title="小微企业预留 ≤ 中小企业预留 ≤ 政府采购预算",
    severity="error",
    tags=["procurement"],
    reference=PROC_002,
    cases=[
        {
            "name": "within",
            "fires": 0,
            "budget": {"facts": _reservation("100", "40", "30")},
        },
        {
            "name": "small exceeds sme",
            "fires": 1,
            "budget": {"facts": _reservation("100", "40", "50")},
        },
    ],
)
def reservation_bounds(budget, ctx):
    (tf, total), (sf, sme), (mf, small) = _facts(budget, "procurement_total", "sme_reserved", "small_micro_reserved")
    if sme is not None and total is not None and sme > total:
        yield ctx.finding(
            f"面向中小企业预留 {show(sme, '万元')} 大于 政府采购预算 {show(total, '万元')}",
            expected=f"≤ {yuan(total)}",
            actual=yuan(sme),
            **fact_location(sf),
        )
    if small is not None and sme is not None and small > sme:
        yield ctx.finding(
            f"预留给小型和微型企业 {show(small, '万元')} 大于 面向中小企业预留 {show(sme, '万元')}",
            expected=f"≤ {yuan(sme)}",
            actual=yuan(small),
            **fact_location(mf),
        )


@rule(
    "PR003",
    name="sme-reservation-shares",
    title="Department-level SME shares against the thresholds of 财库〔2020〕46号",
    severity="info",
    tags=["procurement"],
    reference={
        "regulation": "财库〔2020〕46号（预留项目预算总额的30%以上专门面向中小企业，其中预留给小微企业的比例不低于60%）",
        "article": "PROC-003",
        "confidence": "H",
        "sources": ["S10", "S11"],
    },
    params={"sme_share": "0.30", "small_micro_share": "0.60"},
    description=(
        "The thresholds apply per project, so a department-level ratio below them cannot prove a breach: "
        "reported as information, to be verified with project-level data."
    ),
    cases=[
        {
            "name": "above",
            "fires": 0,
            "budget": {"facts": _reservation("100", "40", "30")},
        },
        {
            "name": "below both",
            "fires": 2,
            "budget": {"facts": _reservation("100", "20", "10")},
        },
    ],
)
def reservation_shares(budget, ctx):
    (tf, total), (sf, sme), (mf, small) = _facts(budget, "procurement_total", "sme_reserved", "small_micro_reserved")
    sme_min = Decimal(str(ctx.params["sme_share"]))
    small_min = Decimal(str(ctx.params["small_micro_share"]))
    if total and sme is not None and Decimal(sme) < sme_min * total:
        share = Decimal(sme) / total
        yield ctx.finding(
            f"面向中小企业预留占政府采购预算 {share:.2%}，低于 {sme_min:.0%}（部门汇总口径，无法据此认定违规，需按项目核实）",
            expected=f"≥ {sme_min:.0%}",
            actual=f"{share:.2%}",
            **fact_location(sf),
        )
    if sme and small is not None and Decimal(small) < small_min * sme:
        share = Decimal(small) / sme
        yield ctx.finding(
            f"预留给小微企业占中小企业预留 {share:.2%}，低于 {small_min:.0%}（部门汇总口径，无法据此认定违规，需按项目核实）",
            expected=f"≥ {small_min:.0%}",
            actual=f"{share:.2%}",
            **fact_location(mf),
        )


@hookimpl
def auditor_register_rules():
    return [breakdown, reservation_bounds, reservation_shares]

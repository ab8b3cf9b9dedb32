"""The changes the 预算编制说明 states agree with each other.

The 说明 states this year's totals and each one's change against last year (比2024年预算增加 X万元,
持平). The parts' changes add up to the change of their whole (NR004); the change of the income and
the change of the expenditure of the same balanced total are one figure, compared with one basis
(执行数 or 预算, NR005). The 三公 changes have their own rule (SG003).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from auditor import hookimpl, lazyre, rule
from auditor.money import UNIT_FEN, decimal_to_fen, tolerance
from auditor.rulekit import fact_decimals, fact_location, fact_records, is_missing, show, yuan

NOTES = {
    "regulation": "财预〔2016〕143号（说明预算收支增减变化情况及原因）；编制说明前后表述一致",
    "article": "DISCLOSURE-004; CONSIST-010",
    "confidence": "H",
    "sources": ["S2", "S5"],
}

#: A stated total and its parts, by fact key (the stems of the ``*_change`` facts).
PARTS = [
    ("fiscal_expenditure", ["gpb_expenditure", "gov_fund_expenditure", "soe_expenditure"]),
    ("income_total", ["fiscal_income", "business_income", "operating_income", "other_income"]),
]
LABELS = {
    "income_total": "收入预算",
    "expenditure_total": "支出预算",
    "fiscal_income": "财政拨款收入",
    "fiscal_expenditure": "财政拨款支出预算",
    "gpb_expenditure": "一般公共预算拨款支出",
    "gov_fund_expenditure": "政府性基金拨款支出",
    "soe_expenditure": "国有资本经营预算拨款支出",
    "business_income": "事业收入",
    "operating_income": "事业单位经营收入",
    "other_income": "其他收入",
}
#: The income and the expenditure of one balanced total: their changes are one figure.
PAIRS = [("fiscal_income", "fiscal_expenditure"), ("income_total", "expenditure_total")]

_BASIS = lazyre.compile(
    r"(?:比|较|与|同)\s*(?:上年|\d{4}\s*年(?:度)?)\s*(当年)?(年初)?(预算执行数|执行数|决算数|预算数|预算)?"
)


def basis(text: str | None) -> str | None:
    """What a stated change compares with: 执行数, 决算数 or 预算 (None when the wording does not say)."""
    m = _BASIS.search(str(text or ""))
    if not m or not m.group(3):
        return None
    word = m.group(3)
    return "执行数" if "执行" in word else "决算数" if word == "决算数" else "预算"


def _change(fact) -> int | None:
    """A change fact as signed fen (None when it carries no figure)."""
    unit = fact.get("unit")
    value = fact.get("value")
    if is_missing(value) or unit not in UNIT_FEN:
        return None
    try:
        return decimal_to_fen(Decimal(str(value)), unit)
    except (InvalidOperation, ValueError):
        return None


def _allowed(facts) -> int:
    """The rounding the printed figures allow together: one unit of each one's last digit (0 for 持平)."""
    total = 0
    for f in facts:
        if _change(f) == 0:
            continue  # 持平 / 0.00: exact
        total += tolerance(f.get("unit") or "万元", fact_decimals(f))
    return total


def _changes(budget) -> dict[str, list[dict]]:
    """stem -> its stated change facts (in document order)."""
    out: dict[str, list[dict]] = {}
    for stem in LABELS:
        rows = [f for f in fact_records(budget, f"{stem}_change") if _change(f) is not None]
        if rows:
            out[stem] = rows
    return out


def _signed(fen: int) -> str:
    if fen == 0:
        return "持平"
    return f"{'增加' if fen > 0 else '减少'}{show(abs(fen), '万元')}"


@rule(
    "NR004",
    name="part-changes-add-up",
    title="The stated changes of the parts add up to the stated change of their whole",
    severity="warning",
    tags=["narrative", "year-over-year"],
    reference=NOTES,
    description=(
        "财政拨款支出预算 is the sum of its 一般公共预算, 政府性基金 and 国有资本经营预算 parts, and 收入预算 the "
        "sum of 财政拨款收入, 事业收入, 事业单位经营收入 and 其他收入: so is each one's change against the same "
        "year. Checked when the 说明 states the change of the whole and of every part (持平 is 0), within one "
        "unit of the last printed digit of each figure (`money.tolerance`). One contradiction is one warning, "
        "at the whole's change, listing the parts."
    ),
    cases=[
        {
            "name": "parts add up",
            "fires": 0,
            "budget": {
                "facts": [
                    {"key": "fiscal_expenditure_change", "value": "3800", "unit": "万元", "compare_year": 2024},
                    {"key": "gpb_expenditure_change", "value": "-1200", "unit": "万元", "compare_year": 2024},
                    {"key": "gov_fund_expenditure_change", "value": "5000", "unit": "万元", "compare_year": 2024},
                    {"key": "soe_expenditure_change", "value": "0", "unit": "万元", "compare_year": 2024},
                ]
            },
        },
        {
            "name": "whole's change contradicts its parts",
            "fires": 1,
            "budget": {
                "facts": [
                    {"key": "fiscal_expenditure_change", "value": "4200", "unit": "万元", "compare_year": 2024},
                    {"key": "gpb_expenditure_change", "value": "-1200", "unit": "万元", "compare_year": 2024},
                    {"key": "gov_fund_expenditure_change", "value": "5000", "unit": "万元", "compare_year": 2024},
                    {"key": "soe_expenditure_change", "value": "0", "unit": "万元", "compare_year": 2024},
                ]
            },
        },
        {
            "name": "within the rounding of the printed figures",
            "fires": 0,
            "budget": {
                "facts": [
                    {"key": "fiscal_expenditure_change", "value": "3800.01", "unit": "万元", "compare_year": 2024},
                    {"key": "gpb_expenditure_change", "value": "-1200.00", "unit": "万元", "compare_year": 2024},
                    {"key": "gov_fund_expenditure_change", "value": "5000.00", "unit": "万元", "compare_year": 2024},
                    {"key": "soe_expenditure_change", "value": "0", "unit": "万元", "compare_year": 2024},
                ]
            },
        },
        {
            "name": "a part's change not stated",
            "fires": 0,
            "budget": {
                "facts": [
                    {"key": "fiscal_expenditure_change", "value": "4200", "unit": "万元", "compare_year": 2024},
                    {"key": "gpb_expenditure_change", "value": "-1200", "unit": "万元", "compare_year": 2024},
                    {"key": "gov_fund_expenditure_change", "value": "5000", "unit": "万元", "compare_year": 2024},
                ]
            },
        },
        {
            "name": "parts compared with another year",
            "fires": 0,
            "budget": {
                "facts": [
                    {"key": "fiscal_expenditure_change", "value": "4200", "unit": "万元", "compare_year": 2024},
                    {"key": "gpb_expenditure_change", "value": "-1200", "unit": "万元", "compare_year": 2023},
                    {"key": "gov_fund_expenditure_change", "value": "5000", "unit": "万元", "compare_year": 2024},
                    {"key": "soe_expenditure_change", "value": "0", "unit": "万元", "compare_year": 2024},
                ]
            },
        },
    ],
)
def part_changes_add_up(budget, ctx):
    changes = _changes(budget)
    for whole, parts in PARTS:
        if whole not in changes or any(p not in changes for p in parts):
            continue
        w = changes[whole][0]
        chosen = [changes[p][0] for p in parts]
        years = {None if is_missing(f.get("compare_year")) else int(f["compare_year"]) for f in [w, *chosen]}
        if len(years - {None}) > 1:
            continue  # not the same comparison: ED008 reports a wrong year
        total = _change(w)
        s = sum(_change(f) for f in chosen)
        if abs(total - s) <= _allowed([w, *chosen]):
            continue
        listed = "，".join(f"{LABELS[p]}{_signed(_change(f))}" for p, f in zip(parts, chosen, strict=True))
        bases = {basis(f.get("text")) for f in [w, *chosen]} - {None}
        yield ctx.finding(
            f"{LABELS[whole]}{_signed(total)}，但其各部分的变动合计为{_signed(s)}（{listed}）"
            + ("；各句的比较基数也不一致（" + "、".join(sorted(bases)) + "）" if len(bases) > 1 else ""),
            expected=yuan(s),
            actual=yuan(total),
            evidence=[
                {
                    "kind": "prose",
                    "identity": f"{LABELS[whole]}的变动 = Σ 各部分的变动",
                    "parts": [
                        {"label": LABELS[p], "printed": yuan(_change(f)), "line": f.get("line")}
                        for p, f in zip(parts, chosen, strict=True)
                    ],
                    "sum": yuan(s),
                    "printed": yuan(total),
                    "difference": yuan(total - s),
                }
            ],
            **fact_location(w),
        )


@rule(
    "NR005",
    name="income-expenditure-changes-agree",
    title="The income change and the expenditure change stated for one total agree and compare with one basis",
    severity="warning",
    tags=["narrative", "year-over-year"],
    reference=NOTES,
    description=(
        "A budget balances: 财政拨款收入 equals 财政拨款支出 (and 收入预算 equals 支出预算) this year and last, so "
        "the change the 说明 states for the income and the one it states for the expenditure are the same "
        "figure, and they compare with the same basis (last year's 预算, or its 预算执行数). Different figures, "
        "or one said against 执行数 and the other against 预算, is one warning at the income's change."
    ),
    cases=[
        {
            "name": "same change, same basis",
            "fires": 0,
            "budget": {
                "facts": [
                    {
                        "key": "fiscal_income_change",
                        "value": "3355.65",
                        "unit": "万元",
                        "text": "比2024年预算增加3,355.65万元",
                    },
                    {
                        "key": "fiscal_expenditure_change",
                        "value": "3355.65",
                        "unit": "万元",
                        "text": "比2024年预算增加3,355.65万元",
                    },
                ]
            },
        },
        {
            "name": "different figures and bases",
            "fires": 1,
            "budget": {
                "facts": [
                    {
                        "key": "fiscal_income_change",
                        "value": "24558.18",
                        "unit": "万元",
                        "text": "比2024年预算执行数增加24,558.18万元",
                    },
                    {
                        "key": "fiscal_expenditure_change",
                        "value": "24491.71",
                        "unit": "万元",
                        "text": "比2024年预算增加24,491.71万元",
                    },
                ]
            },
        },
        {
            "name": "same figure, another basis",
            "fires": 1,
            "budget": {
                "facts": [
                    {
                        "key": "income_total_change",
                        "value": "-876.75",
                        "unit": "万元",
                        "text": "比2023年预算执行数减少876.75万元",
                    },
                    {
                        "key": "expenditure_total_change",
                        "value": "-876.75",
                        "unit": "万元",
                        "text": "比2023年预算减少876.75万元",
                    },
                ]
            },
        },
        {
            "name": "this year's totals differ: not one total",
            "fires": 0,
            "budget": {
                "facts": [
                    {"key": "fiscal_income", "value": "100.00", "unit": "万元"},
                    {"key": "fiscal_expenditure", "value": "120.00", "unit": "万元"},
                    {
                        "key": "fiscal_income_change",
                        "value": "10.00",
                        "unit": "万元",
                        "text": "比2024年预算增加10.00万元",
                    },
                    {
                        "key": "fiscal_expenditure_change",
                        "value": "30.00",
                        "unit": "万元",
                        "text": "比2024年预算增加30.00万元",
                    },
                ]
            },
        },
    ],
)
def income_expenditure_changes(budget, ctx):
    changes = _changes(budget)
    for inc, exp in PAIRS:
        if inc not in changes or exp not in changes:
            continue
        if not _same_total(budget, inc, exp):
            continue
        fi, fe = changes[inc][0], changes[exp][0]
        ci, ce = _change(fi), _change(fe)
        bi, be = basis(fi.get("text")), basis(fe.get("text"))
        differ = abs(ci - ce) > _allowed([fi, fe])
        other_basis = bi is not None and be is not None and bi != be
        if not differ and not other_basis:
            continue
        said = []
        if differ:
            said.append(f"收入{_signed(ci)}，支出{_signed(ce)}")
        if other_basis:
            said.append(f"收入比上年{bi}、支出比上年{be}")
        yield ctx.finding(
            f"同一收支总额的增减前后不一：{LABELS[inc]}“{fi.get('text')}”，{LABELS[exp]}“{fe.get('text')}”"
            f"（{'；'.join(said)}）",
            expected=f"{_signed(ce)}（比上年{be}）" if be else _signed(ce),
            actual=f"{_signed(ci)}（比上年{bi}）" if bi else _signed(ci),
            **fact_location(fi),
        )


def _same_total(budget, inc: str, exp: str) -> bool:
    """Unless the 说明 states the two totals differently, they are the one balanced total."""
    a, b = fact_records(budget, inc), fact_records(budget, exp)
    if not a or not b or is_missing(a[0].get("amount")) or is_missing(b[0].get("amount")):
        return True
    terms = [f for f in (a[0], b[0])]
    allowed = sum(tolerance(f.get("unit") or "万元", fact_decimals(f)) for f in terms)
    return abs(int(a[0]["amount"]) - int(b[0]["amount"])) <= allowed


@hookimpl
def auditor_register_rules():
    return [part_changes_add_up, income_expenditure_changes]

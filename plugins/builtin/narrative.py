"""Narrative rules: the amounts and counts the prose states agree with the tables and with each other."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation

from auditor import hookimpl, lazyre, numbering, rule
from auditor.money import UNIT_FEN
from auditor.rulekit import (
    agrees,
    by_code,
    by_name,
    fact_decimals,
    fact_fen,
    fact_location,
    fact_records,
    fen_or_zero,
    first_fact,
    is_missing,
    memo,
    mismatch,
    readable,
    records,
    show,
    total_of,
)

CONSIST_010 = {
    "regulation": "部门预算编制说明与预算表一致（万元两位小数的舍入内）",
    "article": "CONSIST-010; DISCLOSURE-004",
    "confidence": "H",
    "sources": ["S2", "S5"],
}


def _item(budget, key, side, labels):
    if not readable(budget, key):
        return None  # a table not reliably read is no source to compare the prose with (EX002)
    for row in records(budget, key):
        if row["side"] != side:
            continue
        label = numbering.strip(str(row["item"])).strip()
        if label in labels:
            return row
    return None


def _sources(budget):
    """fact key -> (label, table figure in fen) for the totals the 编制说明 states (memoised)."""
    return memo(budget, "narrative:sources", _compute_sources)


def _compute_sources(budget):
    out = {}
    inc = _item(budget, "fiscal_summary", "income", ("收入总计",))
    exp = _item(budget, "fiscal_summary", "expenditure", ("支出总计",))
    fiscal = _item(budget, "fiscal_summary", "income", ("财政拨款收入",))
    if inc is not None:
        out["income_total"] = ("收入总计", fen_or_zero(inc["amount"]))
    if exp is not None:
        out["expenditure_total"] = ("支出总计", fen_or_zero(exp["amount"]))
    if fiscal is not None:
        out["fiscal_income"] = ("财政拨款收入", fen_or_zero(fiscal["amount"]))
    for key, label, labels in (
        ("business_income", "事业收入", ("事业收入",)),
        ("operating_income", "事业单位经营收入", ("事业单位经营收入",)),
        ("other_income", "其他收入", ("其他收入",)),
    ):
        row = _item(budget, "fiscal_summary", "income", labels)
        if row is not None:
            out[key] = (label, fen_or_zero(row["amount"]))
    tot = _item(budget, "fiscal_appropriation_summary", "expenditure", ("支出总计",))
    if tot is not None:
        out["fiscal_expenditure"] = ("财政拨款支出总计", fen_or_zero(tot["total"]))
    for key, table, label in (
        ("gpb_expenditure", "gpb_function", "一般公共预算支出合计"),
        ("gov_fund_expenditure", "gov_fund_function", "政府性基金预算支出合计"),
        ("soe_expenditure", "soe_capital_function", "国有资本经营预算支出合计"),
    ):
        if not readable(budget, table):
            continue
        tr = total_of(budget, table)
        if tr is not None or key != "gpb_expenditure":
            out[key] = (label, 0 if tr is None else fen_or_zero(tr["total"]))
    return out


@rule(
    "NV001",
    name="budget-notes-totals-equal-tables",
    title="The totals in the 编制说明 equal the tables",
    severity="error",
    tags=["narrative", "cross-table"],
    reference=CONSIST_010,
    cases=[
        {
            "name": "equal",
            "fires": 0,
            "budget": {
                "tables": {"fiscal_summary": [{"side": "income", "item": "收入总计", "amount": "2082935857.58"}]},
                "facts": [{"key": "income_total", "value": "208293.59", "unit": "万元"}],
            },
        },
        {
            "name": "differs",
            "fires": 1,
            "budget": {
                "tables": {"fiscal_summary": [{"side": "income", "item": "收入总计", "amount": "2082935857.58"}]},
                "facts": [{"key": "income_total", "value": "208239.59", "unit": "万元"}],
            },
        },
    ],
)
def notes_totals(budget, ctx):
    sources = _sources(budget)
    for key, (label, table_fen) in sources.items():
        for fact in fact_records(budget, key):
            stated = fact_fen(fact)
            if stated is None:
                continue
            if not agrees(table_fen, stated, fact.get("unit") or "万元", fact_decimals(fact)):
                yield mismatch(
                    ctx,
                    f"编制说明中{label} {fact['value']}{fact.get('unit') or ''} ≠ 表中 {show(table_fen)}",
                    expected=table_fen,
                    actual=stated,
                    **fact_location(fact),
                )


_PATH = lazyre.compile(r"(.+?)[（(]类[)）](.+?)[（(]款[)）](.+?)[（(]项[)）]")


def _find_row(budget, key: str, subject: str):
    """The function-table row a 科目 reference names: a 类/款/项 path, or a unique 项 (or 款/类) name."""
    codes = by_code(budget, key)
    names = by_name(budget, key)
    if not codes:
        return None
    subject = subject.strip().strip("“”\"'")
    m = _PATH.match(subject)
    if m:
        lei, kuan, xiang = (x.strip() for x in m.groups())
        for row in names.get(xiang, []):
            code = str(row["code"])
            if len(code) != 7:
                continue
            parent, grand = codes.get(code[:5]), codes.get(code[:3])
            if (parent is None or str(parent["name"]).strip() == kuan) and (
                grand is None or str(grand["name"]).strip() == lei
            ):
                return row
        return None
    for length in (7, 5, 3):
        match = [r for r in names.get(subject, []) if len(str(r["code"])) == length]
        if len(match) == 1:
            return match[0]
        if len(match) > 1:
            return None  # ambiguous: the same name under several 款
    return None


@rule(
    "NV002",
    name="budget-notes-items-equal-tables",
    title="Each 科目 amount listed in the 编制说明 equals the function table",
    severity="error",
    tags=["narrative", "cross-table"],
    reference=CONSIST_010,
    description=(
        "The numbered list of 财政拨款支出主要内容 names a 科目 (by its 项 name or its 类/款/项 path) and an "
        "amount in 万元; it must equal that 科目's 合计 in the 一般公共预算支出功能分类预算表 within the rounding."
    ),
    cases=[
        {
            "name": "equal",
            "fires": 0,
            "budget": {
                "tables": {
                    "gpb_function": [
                        {"code": "2040201", "name": "行政运行", "total": "1156314756.25", "basic": "1156314756.25"}
                    ]
                },
                "facts": [{"key": "item", "subject": "行政运行", "value": "115631.48", "unit": "万元"}],
            },
        },
        {
            "name": "differs",
            "fires": 1,
            "budget": {
                "tables": {
                    "gpb_function": [
                        {"code": "2040201", "name": "行政运行", "total": "1156314756.25", "basic": "1156314756.25"}
                    ]
                },
                "facts": [{"key": "item", "subject": "行政运行", "value": "115613.48", "unit": "万元"}],
            },
        },
    ],
)
def notes_items(budget, ctx):
    for fact in fact_records(budget, "item"):
        stated = fact_fen(fact)
        if stated is None or is_missing(fact.get("subject")):
            continue
        row = _find_row(budget, "gpb_function", str(fact["subject"]))
        if row is None:
            continue
        table_fen = fen_or_zero(row["total"])
        if not agrees(table_fen, stated, fact.get("unit") or "万元", fact_decimals(fact)):
            yield mismatch(
                ctx,
                f"编制说明“{fact['subject']}”科目 {fact['value']}{fact.get('unit') or ''} ≠ 功能分类预算表 {row['code']} {show(table_fen)}",
                expected=table_fen,
                actual=stated,
                **fact_location(fact),
            )


def _count(fact):
    if fact is None or is_missing(fact.get("value")):
        return None
    try:
        return int(str(fact["value"]).split(".")[0])
    except ValueError:
        return None


@rule(
    "NV003",
    name="unit-counts-agree",
    title="The number of budget units stated in 机构设置 and in 绩效目标设置情况 agree",
    severity="error",
    tags=["narrative"],
    reference={
        "regulation": "部门机构设置（预算单位构成）与绩效目标设置情况说明一致",
        "article": "DISCLOSURE-002; PERF-001",
        "confidence": "H",
        "sources": ["S2", "S5"],
    },
    description=(
        "机构设置 lists the units the budget covers (本部 + 下属N家, or 行政/参公/事业 counts); the performance "
        "paragraph says how many units reported targets. More reporting units than the department has is a "
        "contradiction."
    ),
    cases=[
        {
            "name": "fewer reporting units",
            "fires": 0,
            "budget": {
                "facts": [
                    {"key": "admin_units", "value": "1", "unit": "家"},
                    {"key": "institution_units", "value": "4", "unit": "家"},
                    {"key": "kpi_units", "value": "2", "unit": "个"},
                ]
            },
        },
        {
            "name": "more reporting units",
            "fires": 1,
            "budget": {
                "facts": [
                    {"key": "budget_units", "value": "0", "unit": "家"},
                    {"key": "admin_units", "value": "1", "unit": "家"},
                    {"key": "kpi_units", "value": "14", "unit": "个"},
                ]
            },
        },
    ],
)
def unit_counts(budget, ctx):
    kpi = first_fact(budget, "kpi_units")
    if _count(kpi) is None:
        return
    breakdown = [
        _count(first_fact(budget, k))
        for k in ("admin_units", "civil_servant_units", "institution_units")
        if first_fact(budget, k) is not None
    ]
    subordinate = _count(first_fact(budget, "budget_units"))
    candidates = []
    if breakdown:
        candidates.append(sum(c or 0 for c in breakdown))
    if subordinate is not None:
        candidates.append(subordinate + 1)  # 本部 plus the subordinate units
    if not candidates:
        return
    org = max(candidates)
    if _count(kpi) > org:
        src = first_fact(budget, "budget_units") if subordinate is not None else first_fact(budget, "admin_units")
        yield ctx.finding(
            f"绩效目标设置情况称 {_count(kpi)} 个预算单位编报绩效目标，但机构设置中本部门只有 {org} 家预算单位"
            + (f"（第 {int(src['line'])} 行）" if src is not None and not is_missing(src.get("line")) else ""),
            expected=f"≤ {org}",
            actual=str(_count(kpi)),
            **fact_location(kpi),
        )


# --- NR006 a 万元 figure is the table figure rounded, not truncated ----------------------------------


def _rounded_wrongly(table_fen: int, fact) -> tuple[str, Decimal, Decimal] | None:
    """(how, correct, exact) when a stated figure agrees with the table within its printing but is not
    the table figure rounded to the printed decimals: ``截断`` (digits dropped) or ``多进一位`` (rounded up)."""
    unit = fact.get("unit") or "万元"
    if unit not in UNIT_FEN or is_missing(fact.get("value")):
        return None
    try:
        stated = Decimal(str(fact["value"]))
    except InvalidOperation:
        return None
    if not stated.is_finite() or stated < 0:
        return None
    exact = Decimal(int(table_fen)) / UNIT_FEN[unit]
    step = Decimal(1).scaleb(-fact_decimals(fact))
    correct = {exact.quantize(step, ROUND_HALF_UP), exact.quantize(step, ROUND_HALF_EVEN)}  # a tie either way
    if stated in correct or abs(stated - exact) >= step:
        return None  # rounded right, or too far off: NV001/NV002 report that
    if stated == exact.quantize(step, ROUND_DOWN):
        return "截断", exact.quantize(step, ROUND_HALF_UP), exact
    if stated == exact.quantize(step, ROUND_UP):
        return "多进一位", exact.quantize(step, ROUND_HALF_UP), exact
    return None


def _stated_against_tables(budget):
    """(fact, label, table figure in fen) of every figure the 说明 states that a table also gives."""
    for key, (label, table_fen) in _sources(budget).items():
        for fact in fact_records(budget, key):
            yield fact, label, table_fen
    for fact in fact_records(budget, "item"):
        if is_missing(fact.get("subject")):
            continue
        row = _find_row(budget, "gpb_function", str(fact["subject"]))
        if row is not None:
            yield fact, f"“{fact['subject']}”（{row['code']}）", fen_or_zero(row["total"])


@rule(
    "NR006",
    name="prose-figure-rounded-not-truncated",
    title="A 万元 figure in the 编制说明 is the table figure rounded, not truncated",
    severity="warning",
    tags=["narrative", "cross-table"],
    reference=CONSIST_010,
    description=(
        "The 说明 states in 万元 what the tables print in 元. Rounded half up to the printed decimals, "
        "1,234,567,890.60元 is 123,457万元 (or 123,456.79万元); 123,456万元 drops the digits instead. Such a "
        "figure is within the printed precision, so NV001/NV002 accept it; this warning names it. A figure "
        "further off is NV001/NV002's error."
    ),
    cases=[
        {
            "name": "rounded",
            "fires": 0,
            "budget": {
                "tables": {"fiscal_summary": [{"side": "income", "item": "收入总计", "amount": "1234567890.60"}]},
                "facts": [{"key": "income_total", "value": "123457", "unit": "万元"}],
            },
        },
        {
            "name": "truncated",
            "fires": 1,
            "budget": {
                "tables": {"fiscal_summary": [{"side": "income", "item": "收入总计", "amount": "1234567890.60"}]},
                "facts": [{"key": "income_total", "value": "123456", "unit": "万元"}],
            },
        },
        {
            "name": "truncated at two decimals",
            "fires": 1,
            "budget": {
                "tables": {"fiscal_summary": [{"side": "income", "item": "收入总计", "amount": "1234567890.60"}]},
                "facts": [{"key": "income_total", "value": "123456.78", "unit": "万元"}],
            },
        },
        {
            "name": "exactly half: either way",
            "fires": 0,
            "budget": {
                "tables": {"fiscal_summary": [{"side": "income", "item": "收入总计", "amount": "1234567850.00"}]},
                "facts": [{"key": "income_total", "value": "123456.78", "unit": "万元"}],
            },
        },
        {
            "name": "far off (NV001's error, not this)",
            "fires": 0,
            "budget": {
                "tables": {"fiscal_summary": [{"side": "income", "item": "收入总计", "amount": "1234567890.60"}]},
                "facts": [{"key": "income_total", "value": "123400.00", "unit": "万元"}],
            },
        },
    ],
)
def rounded_not_truncated(budget, ctx):
    for fact, label, table_fen in _stated_against_tables(budget):
        wrong = _rounded_wrongly(table_fen, fact)
        if wrong is None:
            continue
        how, correct, exact = wrong
        unit = fact.get("unit") or "万元"
        yield ctx.finding(
            f"编制说明中{label} {fact['value']}{unit} 是表中 {show(table_fen)} 元{how}所得，四舍五入应为 {correct}{unit}"
            if how == "截断"
            else f"编制说明中{label} {fact['value']}{unit} 比表中 {show(table_fen)} 元四舍五入所得的 {correct}{unit} 多一个末位",
            expected=f"{correct}{unit}",
            actual=f"{fact['value']}{unit}",
            note=f"表中折合 {exact.normalize():f}{unit}",
            **fact_location(fact),
        )


@hookimpl
def auditor_register_rules():
    return [notes_totals, notes_items, unit_counts, rounded_not_truncated]

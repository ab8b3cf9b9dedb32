"""部门决算 情况说明 vs the tables: every amount the 说明 states, every share (占比) and every 完成率.

The facts are read from 第三部分 by the loader (``facts``, see ``auditor.parse.final.notes``). An
amount printed with two decimals is the table figure printed again: any difference is a defect
(``warning`` at 0.01万元, ``error`` above); one printed with fewer decimals passes when it is the
table figure rounded. A share or rate passes when it lies in the range the printing of its two
figures allows (``auditor.finalkit.rate_check``).
"""

from __future__ import annotations

from decimal import Decimal

from auditor import hookimpl, rule
from auditor.finalkit import CENT, NOTES, half_step, pct, rate_check, side_items, unreliable, wan
from auditor.model import FA_NINE_TABLES
from auditor.money import parse_decimal
from auditor.rulekit import decimals_of, fact_records, fen_or_zero, first_fact, is_missing, memo, records, yuan

_INCOME = {
    "财政拨款收入": ("一般公共预算财政拨款收入", "政府性基金预算财政拨款收入", "国有资本经营预算财政拨款收入"),
    "上级补助收入": ("上级补助收入",),
    "事业收入": ("事业收入",),
    "经营收入": ("经营收入",),
    "附属单位上缴收入": ("附属单位上缴收入",),
    "其他收入": ("其他收入",),
}
_EXPENDITURE = {
    "基本支出": "basic",
    "项目支出": "project",
    "上缴上级支出": "remit_superior",
    "经营支出": "operating",
    "对附属单位补助支出": "subsidy_affiliated",
}
_SANGONG = {"outbound": "因公出国（境）费", "vehicle_total": "公务用车购置及运行（维护）费", "reception": "公务接待费"}


def _total(rows: list[dict], column: str):
    row = next((r for r in rows if r.get("code") is None and str(r.get("name") or "").startswith("合计")), None)
    return None if row is None else row.get(column)


_TABLE_OF = {title: key for key, title in FA_NINE_TABLES.items()}


def table_figures(budget) -> dict[str, tuple[str, int | None]]:
    """fact key -> (where the figure is in the tables, its fen) for every stated amount with a table twin."""
    return memo(budget, "fa:table-figures", _figures)


def source_table(where: str) -> str:
    """The table key of a figure's place (`收入支出决算总表 总计` -> `fa_summary`)."""
    title = where.split(" ", 1)[0]
    return _TABLE_OF.get(title) or next((k for t, k in _TABLE_OF.items() if t.endswith(title)), "")


def _figures(budget) -> dict[str, tuple[str, int | None]]:
    out: dict[str, tuple[str, int | None]] = {}
    inc = side_items(budget, "fa_summary", "income")
    exp = side_items(budget, "fa_summary", "expenditure")
    if "总计" in inc:
        out["total"] = ("收入支出决算总表 总计", inc["总计"]["amount"])
    if "本年收入合计" in inc:
        out["income_total"] = ("收入支出决算总表 本年收入合计", inc["本年收入合计"]["amount"])
        for name, items in _INCOME.items():
            if any(i in inc for i in items):
                out[f"income:{name}"] = (
                    f"收入支出决算总表 {name}",
                    sum(fen_or_zero(inc[i]["amount"]) for i in items if i in inc),
                )
    if "本年支出合计" in exp:
        out["expenditure_total"] = ("收入支出决算总表 本年支出合计", exp["本年支出合计"]["amount"])
    spending = records(budget, "fa_expenditure")
    for name, col in _EXPENDITURE.items():
        value = _total(spending, col)
        if spending and value is not None or (spending and _total(spending, "total") is not None):
            out[f"expenditure:{name}"] = (f"支出决算表 合计行 {name}", value)
    fiscal = side_items(budget, "fa_fiscal_summary", "income")
    if "总计" in fiscal:
        out["fiscal_total"] = ("财政拨款收入支出决算总表 总计", fiscal["总计"]["total"])
    gpb = records(budget, "fa_gpb_function")
    if _total(gpb, "total") is not None:
        for key in ("gpb_total", "gpb_structure_total", "gpb_final"):
            out[key] = ("一般公共预算财政拨款支出决算表 合计", _total(gpb, "total"))
        out["basic_total"] = ("一般公共预算财政拨款支出决算表 合计 基本支出", _total(gpb, "basic"))
    for r in gpb:
        code = r.get("code")
        if isinstance(code, str) and len(code) == 3:
            where = (f"一般公共预算财政拨款支出决算表 {code} {r['name']}", r["total"])
            out[f"gpb_class:{r['name']}"] = where
            if str(r["name"]).endswith("支出"):  # the template's 1.“一般公共服务”X万元 names it without 支出
                out.setdefault(f"gpb_class:{str(r['name']).removesuffix('支出')}", where)
    eco = {r["name"]: r for r in records(budget, "fa_gpb_basic_economic") if r.get("code") is None}
    for key, name in (("personnel", "人员经费合计"), ("public", "公用经费合计")):
        if name in eco:
            out[key] = (f"一般公共预算财政拨款基本支出决算表 {name}", eco[name]["amount"])
    stages = {r["stage"]: r for r in records(budget, "fa_sangong")}
    if "budget" in stages:
        out["sangong_budget"] = ("“三公”经费支出决算表 预算数 合计", stages["budget"]["total"])
    if "final" in stages:
        out["sangong_final"] = ("“三公”经费支出决算表 决算数 合计", stages["final"]["total"])
        for item, name in _SANGONG.items():
            out[f"sangong:{item}"] = (f"“三公”经费支出决算表 决算数 {name}", stages["final"][item])
            out[f"sangong_detail:{item}"] = out[f"sangong:{item}"]  # 七（二）prints them again
    return out


def _agrees(stated: int, printed: str, table: int) -> tuple[bool, str | None]:
    """(agrees, severity if not) of a stated amount against the table figure it prints again."""
    diff = abs(stated - table)
    if decimals_of(printed) < 2:
        return diff <= half_step(printed), None  # the table figure rounded to fewer decimals
    if diff == 0:
        return True, None
    return False, "warning" if diff <= CENT else None


@rule(
    "FA301",
    name="fa-notes-amounts-equal-tables",
    title="情况说明中的金额与决算表一致（总计、收入、支出、财政拨款、一般公共预算各类、基本支出、人员/公用经费、“三公”经费）",
    severity="error",
    tags=["narrative", "cross-table"],
    reference=NOTES,
    kinds="final",
    cases=[
        {"name": "equal", "fires": 0, "budget": {
            "tables": {"fa_summary": [{"side": "income", "item": "总计", "amount": "2995.39"}]},
            "facts": [{"key": "total", "value": "2995.39", "unit": "万元"}]}},
        {"name": "another figure", "fires": 1, "budget": {
            "tables": {"fa_fiscal_summary": [{"side": "income", "item": "总计", "total": "2961.68"}]},
            "facts": [{"key": "fiscal_total", "value": "0.3", "unit": "万元"}]}},
        {"name": "fewer decimals, rounded", "fires": 0, "budget": {
            "tables": {"fa_summary": [{"side": "income", "item": "其他收入", "amount": "6.20"},
                                      {"side": "income", "item": "本年收入合计", "amount": "6.20"}]},
            "facts": [{"key": "income:其他收入", "value": "6.2", "unit": "万元"}]}},
    ],
)  # fmt: skip
def fa_notes_amounts(budget, ctx):
    """Each amount of 说明 一 … 七 equals the table figure it repeats."""
    figures = table_figures(budget)
    for key, (where, table) in figures.items():
        if is_missing(table):
            table = 0 if key.startswith(("expenditure:", "sangong:", "sangong_detail:")) else None
        if table is None or unreliable(budget, ctx, source_table(where)):
            continue
        for fact in fact_records(budget, key):
            stated = fact.get("amount")
            if is_missing(stated):
                continue
            ok, severity = _agrees(int(stated), str(fact["value"]), int(table))
            if ok:
                continue
            yield ctx.finding(
                f"情况说明“{fact['text']}”：{fact['value']}万元，而{where}为 {wan(table)}",
                severity=severity, table="facts", row=key, line=fact.get("line"), page=fact.get("page"),
                expected=yuan(int(table)), actual=yuan(int(stated)),
            )  # fmt: skip


def _operand(budget, ctx, key: str) -> tuple[int, int] | None:
    """(fen, uncertainty) of a stated figure, else of its table twin; None when neither is known."""
    fact = first_fact(budget, key)
    if fact is not None and not is_missing(fact.get("amount")):
        return int(fact["amount"]), half_step(str(fact["value"]))
    where = table_figures(budget).get(key)
    if where is not None and not is_missing(where[1]) and not unreliable(budget, ctx, source_table(where[0])):
        return int(where[1]), half_step("0.00")
    return None


def _sangong_budget(budget, ctx, item: str) -> tuple[int, int] | None:
    if unreliable(budget, ctx, "fa_sangong"):
        return None
    row = next((r for r in records(budget, "fa_sangong") if r["stage"] == "budget"), None)
    if row is None:
        return None
    return fen_or_zero(row[item]), half_step("0.00")


def _rates(budget, ctx):
    """(fact, numerator, denominator, label) of every stated share and completion rate."""
    facts = budget.table("facts")
    if facts.empty:
        return
    for fact in records(budget, "facts"):
        key = str(fact["key"])
        if key.startswith("share:") or key == "gpb_share":
            num, den, label = fact.get("of"), fact.get("base"), "占比"
        elif key.endswith("_rate") and key in ("gpb_rate", "sangong_rate"):
            num, den, label = fact.get("of"), fact.get("base"), "完成率"
        elif key.startswith("sangong_rate:"):
            item = key.split(":", 1)[1]
            a, b = _operand(budget, ctx, f"sangong:{item}"), _sangong_budget(budget, ctx, item)
            if a is not None and b is not None:
                yield fact, a, b, "完成率"
            continue
        else:
            continue
        if is_missing(num) or is_missing(den):
            continue
        a, b = _operand(budget, ctx, str(num)), _operand(budget, ctx, str(den))
        if a is not None and b is not None:
            yield fact, a, b, label


@rule(
    "FA302",
    name="fa-notes-rates-recompute",
    title="情况说明中的占比与完成率可由所述金额算出（在印刷精度之内）",
    severity="error",
    tags=["narrative"],
    reference=NOTES,
    kinds="final",
    description=(
        "A share is the item over the total the sentence names; a 完成率 is 决算 over 年初预算. The stated "
        "percentage passes when it lies in the range the printed precision of both figures allows; just "
        "outside it (within 0.05 points) is a warning. A rate of a zero base is undefined."
    ),
    cases=[
        {"name": "47.83% of 12.41 / 25.95 passes", "fires": 0, "budget": {"facts": [
            {"key": "expenditure:基本支出", "value": "12.41", "unit": "万元"},
            {"key": "expenditure_total", "value": "25.95", "unit": "万元"},
            {"key": "share:expenditure:基本支出", "value": "47.83", "unit": "%", "base": "expenditure_total",
             "of": "expenditure:基本支出"}]}},
        {"name": "95.45% of 9746.50 / 10210.34 is just outside", "fires": 1, "budget": {"facts": [
            {"key": "gpb_budget", "value": "10210.34", "unit": "万元"},
            {"key": "gpb_final", "value": "9746.50", "unit": "万元"},
            {"key": "gpb_rate", "value": "95.45", "unit": "%", "base": "gpb_budget", "of": "gpb_final"}]}},
        {"name": "a share far off", "fires": 1, "budget": {"facts": [
            {"key": "gpb_structure_total", "value": "2940.05", "unit": "万元"},
            {"key": "gpb_class:一般公共服务支出", "value": "2106.66", "unit": "万元"},
            {"key": "share:gpb_class:一般公共服务支出", "value": "71.73", "unit": "%", "base": "gpb_structure_total",
             "of": "gpb_class:一般公共服务支出"}]}},
    ],
)  # fmt: skip
def fa_notes_rates(budget, ctx):
    for fact, (a, ha), (b, hb), label in _rates(budget, ctx):
        printed = str(fact["value"])
        stated = parse_decimal(printed) if isinstance(fact.get("value"), str) else None
        if stated is None:
            continue  # no printed rate to check (an export may carry anything here)
        severity, exact = rate_check(stated, decimals_of(printed), a, ha, b, hb)
        if severity is None and exact is None and not a:
            continue
        if severity is None:
            continue
        if exact is None:
            text = f"情况说明“{fact['text']}”：{label} {printed}% 的基数为 0，比率无意义"
        else:
            text = f"情况说明“{fact['text']}”：{label}应为 {wan(a)} / {wan(b)} = {pct(exact)}，文中为 {printed}%"
        yield ctx.finding(
            text, severity=severity, table="facts", row=fact["key"], line=fact.get("line"), page=fact.get("page"),
            expected=None if exact is None else str(exact.quantize(Decimal("0.01"))), actual=printed,
        )  # fmt: skip


@hookimpl
def auditor_register_rules():
    return [fa_notes_amounts, fa_notes_rates]

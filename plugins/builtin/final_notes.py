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
from auditor.finalkit import (
    CENT,
    NOTES,
    half_step,
    item_section,
    pct,
    rate_check,
    resolve_item,
    stated_or_table,
    table_figures,
    table_twin,
    unreliable,
    wan,
)
from auditor.money import parse_decimal
from auditor.rulekit import decimals_of, fact_records, fen_or_zero, first_fact, is_missing, records, yuan
from auditor.subjects import superseded


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
    for key, (where, _) in figures.items():
        table = table_twin(budget, ctx, key)
        if table is None:
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


def _sangong_budget(budget, ctx, item: str) -> list[tuple[int, int]]:
    if unreliable(budget, ctx, "fa_sangong"):
        return []
    row = next((r for r in records(budget, "fa_sangong") if r["stage"] == "budget"), None)
    if row is None:
        return []
    return [(fen_or_zero(row[item]), half_step("0.00"))]


def _item_rates(budget, ctx):
    """(item, 决算 candidates, 年初预算, label) of each 五（三）item stating its own 完成率."""
    rows = [] if unreliable(budget, ctx, "fa_gpb_function") else records(budget, "fa_gpb_function")
    for item in records(budget, "fa_items"):
        if is_missing(item.get("completion_rate")) or is_missing(item.get("budget")) or is_missing(item.get("final")):
            continue
        final = [(int(item["final"]), half_step(str(item.get("final_text") or "0.00")))]
        row, _ = resolve_item(item, rows) if item_section(item) == "fa_n5" and rows else (None, False)
        if row is not None and not is_missing(row.get("total")) and int(row["total"]) != final[0][0]:
            final.append((int(row["total"]), half_step("0.00")))  # FA306 reports the misprinted 决算
        name = item.get("xiang") or item.get("kuan") or item.get("lei")
        fact = {"key": f"item:{item.get('number')}", "value": str(item["completion_rate"]),
                "text": f"{item.get('number')}、{name}（项）完成年初预算的{item['completion_rate']}%",
                "line": item.get("line"), "page": item.get("page")}  # fmt: skip
        yield fact, final, [(int(item["budget"]), half_step(str(item.get("budget_text") or "0.00")))], "完成率"


def _rates(budget, ctx):
    """(fact, numerator candidates, denominator candidates, label) of every stated share and completion rate."""
    facts = budget.table("facts")
    if not facts.empty:
        for fact in records(budget, "facts"):
            key = str(fact["key"])
            if key.startswith("share:") or key == "gpb_share":
                num, den, label = fact.get("of"), fact.get("base"), "占比"
            elif key.endswith("_rate") and key in ("gpb_rate", "sangong_rate"):
                num, den, label = fact.get("of"), fact.get("base"), "完成率"
            elif key.startswith("sangong_rate:"):
                item = key.split(":", 1)[1]
                a, b = stated_or_table(budget, ctx, f"sangong:{item}"), _sangong_budget(budget, ctx, item)
                if a and b:
                    yield fact, a, b, "完成率"
                continue
            else:
                continue
            if is_missing(num) or is_missing(den):
                continue
            a, b = stated_or_table(budget, ctx, str(num)), stated_or_table(budget, ctx, str(den))
            if a and b:
                yield fact, a, b, label
    yield from _item_rates(budget, ctx)


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
        "outside it (within 0.05 points) is a warning. A rate of a zero base is undefined. Each 五（三）item's "
        "own 完成率 is checked the same way. A rate that is right against the table figure of a misprinted "
        "amount passes: the amount is FA301's (or FA306's) finding, so one defect gives one finding."
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
        {"name": "the share of a misprinted amount is the table's (FA301 reports the amount)", "fires": 0, "budget": {
            "tables": {"fa_summary": [{"side": "income", "item": "本年收入合计", "amount": "2946.25"},
                                      {"side": "income", "item": "其他收入", "amount": "6.20"}]},
            "facts": [{"key": "income_total", "value": "2946.25", "unit": "万元"},
                      {"key": "income:其他收入", "value": "6.50", "unit": "万元"},
                      {"key": "share:income:其他收入", "value": "0.21", "unit": "%", "base": "income_total",
                       "of": "income:其他收入"}]}},
        {"name": "an item's 完成率", "fires": 0, "budget": {"tables": {"fa_items": [
            {"number": 4, "xiang": "机关事业单位职业年金缴费支出", "budget": "226.25", "final": "225.12",
             "budget_text": "226.25", "final_text": "225.12", "completion_rate": "99.50"}]}}},
        {"name": "an item's 完成率 of other figures", "fires": 1, "budget": {"tables": {"fa_items": [
            {"number": 4, "xiang": "机关事业单位职业年金缴费支出", "budget": "226.25", "final": "225.12",
             "budget_text": "226.25", "final_text": "225.12", "completion_rate": "95.50"}]}}},
    ],
)  # fmt: skip
def fa_notes_rates(budget, ctx):
    for fact, nums, dens, label in _rates(budget, ctx):
        printed = str(fact["value"])
        stated = parse_decimal(printed) if isinstance(fact.get("value"), str) else None
        if stated is None:
            continue  # no printed rate to check (an export may carry anything here)
        # the figures as stated first; a rate that recomputes from the table's twin of a misprinted
        # figure is right (the figure's own finding is FA301's / FA306's)
        checks = [((a, ha, b, hb), rate_check(stated, decimals_of(printed), a, ha, b, hb))
                  for a, ha in nums for b, hb in dens]  # fmt: skip
        if any(sev is None for _, (sev, _) in checks):
            continue
        (a, _, b, _), (severity, exact) = checks[0]
        if exact is None:
            text = f"情况说明“{fact['text']}”：{label} {printed}% 的基数为 0，比率无意义"
        else:
            text = f"情况说明“{fact['text']}”：{label}应为 {wan(a)} / {wan(b)} = {pct(exact)}，文中为 {printed}%"
        yield ctx.finding(
            text, severity=severity, table="facts", row=fact["key"], line=fact.get("line"), page=fact.get("page"),
            expected=None if exact is None else str(exact.quantize(Decimal("0.01"))), actual=printed,
        )  # fmt: skip


@rule(
    "FA319",
    name="fa-notes-classes-listed",
    title="情况说明五（二）按一般公共预算财政拨款支出决算表列出每一个有支出的类，类名与表中一致",
    severity="warning",
    tags=["narrative", "disclosure"],
    reference=NOTES,
    kinds="final",
    description=(
        "说明五（二）gives the 一般公共预算 spending by 类 (主要用于以下方面：…（类）X万元，占p%). Every 类 of "
        "the 一般公共预算财政拨款支出决算表 with spending is listed, by the table's name (the template's "
        "“一般公共服务”without 支出 is the same 类; a name the table does not print, with the amount of a 类 "
        "left out, is one finding). Checked when 五（二）lists at least one 类."
    ),
    cases=[
        {"name": "every class, by its name", "fires": 0, "budget": {
            "tables": {"fa_gpb_function": [{"code": "201", "name": "一般公共服务支出", "total": "10.00"},
                                           {"code": "210", "name": "卫生健康支出", "total": "5.00"}]},
            "facts": [{"key": "gpb_class:一般公共服务", "value": "10.00", "unit": "万元"},
                      {"key": "gpb_class:卫生健康支出", "value": "5.00", "unit": "万元"}]}},
        {"name": "a class left out, and one named otherwise", "fires": 2, "budget": {
            "tables": {"fa_gpb_function": [{"code": "201", "name": "一般公共服务支出", "total": "10.00"},
                                           {"code": "210", "name": "卫生健康支出", "total": "5.00"},
                                           {"code": "221", "name": "住房保障支出", "total": "1.00"}]},
            "facts": [{"key": "gpb_class:一般公共服务支出", "value": "10.00", "unit": "万元"},
                      {"key": "gpb_class:医疗卫生支出", "value": "5.00", "unit": "万元"}]}},
    ],
)  # fmt: skip
def fa_notes_classes_listed(budget, ctx):
    stated = [f for f in records(budget, "facts") if str(f["key"]).startswith("gpb_class:")]
    if not stated or "fa_gpb_function" in budget.meta.missing_tables or unreliable(budget, ctx, "fa_gpb_function"):
        return  # no table to compare with: FA001 reports it
    figures = table_figures(budget)
    listed = {str(f["key"])[10:] for f in stated}
    unlisted = [
        r for r in records(budget, "fa_gpb_function")
        if isinstance(r.get("code"), str) and len(r["code"]) == 3 and fen_or_zero(r["total"])
        and not ({str(r["name"]), str(r["name"]).removesuffix("支出")} & listed)
    ]  # fmt: skip
    for fact in stated:
        if fact["key"] in figures or fact.get("amount") == 0:
            continue  # a 类 of 0 listed is FA312's (不涉及的不列)
        # a name the table does not print: the 类 of that amount the list leaves out, if there is one
        same = next((r for r in unlisted if not is_missing(fact.get("amount")) and r["total"] == fact["amount"]), None)
        if same is not None:
            unlisted.remove(same)
            if superseded(str(same["name"]), budget.meta.year, same["code"]):
                continue  # the table prints an old name for the 类 the 说明 names rightly: SN002's finding
        table = f"为表中 {same['code']} {same['name']}" if same is not None else "表中无此类"
        yield ctx.finding(f"情况说明五（二）“{fact['text']}”：类名“{fact['key'][10:]}”与一般公共预算财政拨款支出决算表不一致（{table}）",
                          expected=same["name"] if same is not None else "表中的类名", actual=fact["key"][10:],
                          table="facts", row=fact["key"], line=fact.get("line"), page=fact.get("page"))  # fmt: skip
    for r in unlisted:
        last = stated[-1]
        yield ctx.finding(f"情况说明五（二）未列出 {r['code']} {r['name']}（{wan(r['total'])}）", expected=f"{r['name']}（类）",
                          table="facts", row=f"gpb_class:{r['name']}", line=last.get("line"), page=last.get("page"))  # fmt: skip


@rule(
    "FA320",
    name="fa-notes-items-budgets-add-up",
    title="说明五（三）各项的年初预算之和与一般公共预算财政拨款支出的年初预算一致",
    severity="warning",
    tags=["narrative", "arithmetic"],
    reference=NOTES,
    kinds="final",
    description=(
        "The items' 年初预算 add up to the 年初预算 of the whole (五（三）'s first sentence), within the printing "
        "of each figure. More than the whole is a warning; less is an info, since a 项 budgeted but not "
        "spent has no item. Compared when every item of the 年初 kind prints its 年初预算."
    ),
    cases=[
        {"name": "the items make the whole", "fires": 0, "budget": {
            "facts": [{"key": "gpb_budget", "value": "20.01", "unit": "万元", "budget_kind": "年初"}],
            "tables": {"fa_items": [{"number": 1, "budget": "10.00", "budget_text": "10.00", "budget_kind": "年初"},
                                    {"number": 2, "budget": "10.00", "budget_text": "10.00", "budget_kind": "年初"}]}}},
        {"name": "more than the whole", "fires": 1, "budget": {
            "facts": [{"key": "gpb_budget", "value": "20.00", "unit": "万元", "budget_kind": "年初"}],
            "tables": {"fa_items": [{"number": 1, "budget": "10.00", "budget_text": "10.00", "budget_kind": "年初"},
                                    {"number": 2, "budget": "14.00", "budget_text": "14.00", "budget_kind": "年初"}]}}},
    ],
)  # fmt: skip
def fa_items_budgets_add_up(budget, ctx):
    whole = first_fact(budget, "gpb_budget")
    items = [i for i in records(budget, "fa_items") if item_section(i) == "fa_n5"]
    if whole is None or is_missing(whole.get("amount")) or len(items) < 2:
        return
    kind = whole.get("budget_kind") or "年初"
    if any(is_missing(i.get("budget")) for i in items) or any((i.get("budget_kind") or "年初") != kind for i in items):
        return  # an item without its 年初预算, or another kind of budget: no sum to compare
    total = sum(int(i["budget"]) for i in items)
    slack = half_step(str(whole["value"])) + sum(half_step(str(i.get("budget_text") or "0.00")) for i in items)
    diff = total - int(whole["amount"])
    if abs(diff) <= slack:
        return
    yield ctx.finding(
        f"情况说明五（三）各项{kind}预算之和 {wan(total)}{'多于' if diff > 0 else '少于'}{kind}预算 {whole['value']}万元"
        f"（差 {wan(abs(diff))}）" + ("" if diff > 0 else "：可能有预算未支出、未逐项说明的项，请核对"),
        severity="warning" if diff > 0 else "info", expected=yuan(int(whole["amount"])), actual=yuan(total),
        table="facts", row="gpb_budget", line=whole.get("line"), page=whole.get("page"),
    )  # fmt: skip


@hookimpl
def auditor_register_rules():
    return [fa_notes_amounts, fa_notes_rates, fa_notes_classes_listed, fa_items_budgets_add_up]

"""部门决算 情况说明: the words that compare two figures, the changes on last year, and their reasons.

- FA303: 决算数大于/小于/持平预算数 agrees with the 年初预算 and 决算 it compares (五（三）total and
  items, 三公).
- FA304: a change on last year: 增加 goes with 增长, 减少 with 下降; the rate is Δ / (this year ∓ Δ)
  within the printing of the figures; a rate against a zero prior year is undefined; the % sign; the
  三公 items' changes add up to the total's.
- FA305: a change on last year, or a 决算 that differs from its 预算, states its reason.
- FA314: a change "on last year" compares with the year before the accounts year.
"""

from __future__ import annotations

from decimal import Decimal

from auditor import hookimpl, rule
from auditor.finalkit import (
    NOTES,
    at,
    half_step,
    item_section,
    pct,
    rate_check,
    resolve_item,
    stated_or_table,
    table_twin,
    unreliable,
    wan,
)
from auditor.money import parse_decimal
from auditor.rulekit import decimals_of, fact_records, first_fact, is_missing, records, yuan

_RISE, _FALL = ("增加",), ("减少",)
_RATE_RISE, _RATE_FALL = ("增长", "上升"), ("下降", "降低")
_SANGONG_ITEMS = {"sangong:outbound": "因公出国（境）费", "sangong:vehicle_total": "公务用车购置及运行维护费",
                  "sangong:reception": "公务接待费"}  # fmt: skip
_LABELS = {
    "total": "收入支出总计",
    "fiscal_total": "财政拨款收入支出总计",
    "gpb_total": "一般公共预算财政拨款支出",
    "sangong_final": "“三公”经费财政拨款支出",
    **{k: f"“三公”经费{v}支出" for k, v in _SANGONG_ITEMS.items()},
    "operating_expenses": "机关运行经费",
}
_BASES = tuple(_LABELS)


def _comparisons(budget, ctx):
    """(what, budget fen, final fen, the table's final when it differs, word, reason, location) of every
    决算数 … 预算数 comparison."""
    for prefix, label in (("gpb", "一般公共预算财政拨款支出"), ("sangong", "“三公”经费财政拨款支出")):
        word, a, b = (
            first_fact(budget, f"{prefix}_comparison"),
            first_fact(budget, f"{prefix}_budget"),
            first_fact(budget, f"{prefix}_final"),
        )
        if word and a and b and not is_missing(a.get("amount")) and not is_missing(b.get("amount")):
            twin = table_twin(budget, ctx, f"{prefix}_final")
            yield label, int(a["amount"]), int(b["amount"]), twin, word["value"], word.get("reason"), word
    rows = [] if unreliable(budget, ctx, "fa_gpb_function") else records(budget, "fa_gpb_function")
    for item in records(budget, "fa_items"):
        if is_missing(item.get("budget")) or is_missing(item.get("final")):
            continue
        label = f"{item.get('number')}、{item.get('xiang') or item.get('kuan') or item.get('lei')}（项）"
        row = resolve_item(item, rows)[0] if rows and item_section(item) == "fa_n5" else None
        twin = None if row is None or is_missing(row.get("total")) else int(row["total"])
        yield label, int(item["budget"]), int(item["final"]), twin, item.get("comparison"), item.get("reason"), item


@rule(
    "FA303",
    name="fa-notes-comparison-word",
    title="“决算数大于/小于/持平预算数”与所比较的年初预算、支出决算相符",
    severity="error",
    tags=["narrative"],
    reference=NOTES,
    kinds="final",
    description=(
        "大于 needs 决算 > 预算, 小于 决算 < 预算 (an error otherwise); 持平 needs the two printed figures "
        "equal and 基本持平 within 5% (a warning otherwise). A word right for the table's 决算 where the stated "
        "one is misprinted passes (FA301 / FA306 report the figure)."
    ),
    cases=[
        {"name": "小于 and smaller", "fires": 0, "budget": {"facts": [
            {"key": "gpb_budget", "value": "2993.92", "unit": "万元"}, {"key": "gpb_final", "value": "2940.05", "unit": "万元"},
            {"key": "gpb_comparison", "value": "小于", "reason": "调减"}]}},
        {"name": "大于 but smaller", "fires": 1, "budget": {"facts": [
            {"key": "gpb_budget", "value": "2993.92", "unit": "万元"}, {"key": "gpb_final", "value": "2940.05", "unit": "万元"},
            {"key": "gpb_comparison", "value": "大于", "reason": "调减"}]}},
        {"name": "an item 持平 that is not", "fires": 1, "budget": {"tables": {"fa_items": [
            {"number": 2, "xiang": "一般行政管理事务", "budget": "10.00", "final": "9.00", "comparison": "持平"}]}}},
        {"name": "小于, right for the table's 决算 (the misprinted 决算 is FA301's)", "fires": 0, "budget": {
            "tables": {"fa_gpb_function": [{"code": None, "name": "合计", "total": "2940.05"}]},
            "facts": [{"key": "gpb_budget", "value": "2993.92", "unit": "万元"}, {"key": "gpb_final", "value": "2999.05", "unit": "万元"},
                      {"key": "gpb_comparison", "value": "小于", "reason": "调减"}]}},
    ],
)  # fmt: skip
def fa_comparison_word(budget, ctx):
    for label, a, b, twin, word, _, rec in _comparisons(budget, ctx):
        if word is None:
            continue
        bad, severity = _contradicts(word, a, b)
        if bad and twin is not None and twin != b:
            bad = _contradicts(word, a, twin)[0]  # right for the table's 决算: the misprint is FA301's / FA306's
        if bad:
            yield ctx.finding(
                f"情况说明{label}：年初预算 {wan(a)}、支出决算 {wan(b)}，文中却称决算数“{word}”预算数",
                severity=severity, expected=_word_for(a, b), actual=word, **at(rec),
            )  # fmt: skip


def _contradicts(word: str, a: int, b: int) -> tuple[bool, str | None]:
    """(whether `word` misstates 决算 b against 预算 a, the severity if so)."""
    if word == "大于":
        return b <= a, None
    if word == "小于":
        return b >= a, None
    if word == "持平":
        return b != a, "warning"
    if word == "基本持平":
        return a > 0 and abs(b - a) * 20 > a, "warning"
    return False, None


def _word_for(a: int, b: int) -> str:
    return "大于" if b > a else "小于" if b < a else "持平"


def _changes(budget):
    """(base key, current fact, change fact, rate fact or None) of every change on last year stated."""
    for key in _BASES:
        changes, rates = fact_records(budget, f"{key}_change"), fact_records(budget, f"{key}_change_pct")
        current = first_fact(budget, key)
        by_text = {r.get("text"): r for r in rates}  # a change and its rate are read from one phrase
        for change in changes:
            yield (
                key,
                current,
                change,
                by_text.get(change.get("text"), rates[0] if len(rates) == len(changes) == 1 else None),
            )


@rule(
    "FA304",
    name="fa-notes-change-on-last-year",
    title="与上年相比的增减：增加/增长、减少/下降成对，增长率 = 增减额 / 上年数，上年为 0 时无增长率，百分号齐全",
    severity="error",
    tags=["narrative", "year-over-year"],
    reference=NOTES,
    kinds="final",
    description=(
        "The prior year is this year's figure minus the change (增加) or plus it (减少); the stated rate "
        "is checked against Δ / prior within the printing of both figures (a warning within 0.05 points, "
        "else an error); a rate right against the table figure of a misprinted this-year amount passes (FA301 "
        "reports the amount). The 三公 total's change is the sum of its three items' (七（一）其中：…). A rate against a zero prior year, a 增加 stated as 下降 (or the reverse) and a rate "
        "printed without % are warnings."
    ),
    cases=[
        {"name": "1.87% for 56.95 less on 2995.39", "fires": 0, "budget": {"facts": [
            {"key": "total", "value": "2995.39", "unit": "万元"},
            {"key": "total_change", "value": "56.95", "unit": "万元", "direction": "减少", "reason": "x"},
            {"key": "total_change_pct", "value": "1.87", "unit": "%", "direction": "下降"}]}},
        {"name": "a wrong rate", "fires": 1, "budget": {"facts": [
            {"key": "total", "value": "2995.39", "unit": "万元"},
            {"key": "total_change", "value": "56.95", "unit": "万元", "direction": "减少", "reason": "x"},
            {"key": "total_change_pct", "value": "1.97", "unit": "%", "direction": "下降"}]}},
        {"name": "增加 … 下降, and no %", "fires": 2, "budget": {"facts": [
            {"key": "gpb_total", "value": "9746.50", "unit": "万元"},
            {"key": "gpb_total_change", "value": "1193.20", "unit": "万元", "direction": "增加", "reason": "x"},
            {"key": "gpb_total_change_pct", "value": "13.95", "direction": "下降"}]}},
        {"name": "from a zero prior year", "fires": 1, "budget": {"facts": [
            {"key": "operating_expenses", "value": "10.00", "unit": "万元"},
            {"key": "operating_expenses_change", "value": "10.00", "unit": "万元", "direction": "增加", "reason": "x"},
            {"key": "operating_expenses_change_pct", "value": "100.00", "unit": "%", "direction": "增长"}]}},
        {"name": "a misprinted total: the rate is the table total's (FA301 reports the total)", "fires": 0, "budget": {
            "tables": {"fa_summary": [{"side": "income", "item": "总计", "amount": "2995.39"}]},
            "facts": [{"key": "total", "value": "2959.39", "unit": "万元"},
                      {"key": "total_change", "value": "56.95", "unit": "万元", "direction": "减少", "reason": "x"},
                      {"key": "total_change_pct", "value": "1.87", "unit": "%", "direction": "下降"}]}},
        {"name": "三公: the items' changes add up to the total's", "fires": 0, "budget": {"facts": [
            {"key": "sangong_final_change", "value": "0.15", "unit": "万元", "direction": "减少", "reason": "x"},
            {"key": "sangong:outbound_change", "value": "持平", "direction": "持平"},
            {"key": "sangong:vehicle_total_change", "value": "持平", "direction": "持平"},
            {"key": "sangong:reception_change", "value": "0.15", "unit": "万元", "direction": "减少", "reason": "x"}]}},
        {"name": "三公: the items' changes do not add up", "fires": 1, "budget": {"facts": [
            {"key": "sangong_final_change", "value": "0.15", "unit": "万元", "direction": "减少", "reason": "x"},
            {"key": "sangong:outbound_change", "value": "持平", "direction": "持平"},
            {"key": "sangong:vehicle_total_change", "value": "持平", "direction": "持平"},
            {"key": "sangong:reception_change", "value": "0.51", "unit": "万元", "direction": "减少", "reason": "x"}]}},
    ],
)  # fmt: skip
def fa_change_on_last_year(budget, ctx):
    yield from _sangong_change_parts(budget, ctx)
    for key, _, change, rate in _changes(budget):
        label = _LABELS[key]
        word = change.get("direction")
        if rate is None or word not in (*_RISE, *_FALL):
            continue
        where = at(rate)
        rate_word = rate.get("direction")
        if (word in _RISE and rate_word in _RATE_FALL) or (word in _FALL and rate_word in _RATE_RISE):
            yield ctx.finding(f"情况说明{label}：“{word}”与“{rate_word}”矛盾", severity="warning",
                              expected=_RATE_RISE[0] if word in _RISE else _RATE_FALL[0], actual=rate_word, **where)  # fmt: skip
        if rate.get("unit") != "%":
            yield ctx.finding(f"情况说明{label}：增减率 {rate['value']} 缺少百分号", severity="warning",
                              expected=f"{rate['value']}%", actual=rate["value"], **where)  # fmt: skip
        if is_missing(change.get("amount")):
            continue
        printed = str(rate["value"])
        stated = parse_decimal(printed) if isinstance(rate.get("value"), str) else None
        if stated is None:
            continue  # no printed rate to check (an export may carry anything here)
        # this year's figure as stated, else its table twin (a misprinted figure is FA301's finding)
        checks = [_rate_on(stated, printed, change, word, cur, h) for cur, h in stated_or_table(budget, ctx, key)]
        if not checks or any(c is None for c in checks):
            continue
        delta, prior, severity, exact = checks[0]
        if exact is None:
            yield ctx.finding(f"情况说明{label}：上年数为 {wan(max(prior, 0))}，增减率无意义，文中却写 {printed}%",
                              severity="warning", expected=None, actual=printed, **where)  # fmt: skip
        else:
            yield ctx.finding(
                f"情况说明{label}：{word} {wan(delta)}，上年 {wan(prior)}，增减率应为 {pct(exact)}，文中为 {printed}%",
                severity=severity, expected=str(exact.quantize(Decimal("0.01"))), actual=printed, **where,
            )  # fmt: skip


def _sangong_change_parts(budget, ctx):
    """The 三公 total's change on last year against the sum of its three items' changes."""
    total = first_fact(budget, "sangong_final_change")
    parts = [first_fact(budget, f"{k}_change") for k in _SANGONG_ITEMS]
    if total is None or any(p is None for p in parts):
        return
    signed = [_signed(f) for f in (total, *parts)]
    if any(v is None for v in signed):
        return
    slack = sum(half_step(str(f["value"])) for f in (total, *parts) if f.get("direction") != "持平")
    if abs(signed[0] - sum(signed[1:])) > slack:
        shown = "；".join(f"{_LABELS[k]}{p['value'] if p.get('direction') == '持平' else p['direction'] + p['value'] + '万元'}"
                         for k, p in zip(_SANGONG_ITEMS, parts))  # fmt: skip
        yield ctx.finding(
            f"情况说明“三公”经费财政拨款支出{total['direction']} {total['value']}万元，而各项增减之和为 {wan(sum(signed[1:]))}（{shown}）",
            expected=yuan(sum(signed[1:])), actual=yuan(signed[0]), **at(total),
        )  # fmt: skip


def _signed(change: dict) -> int | None:
    if change.get("direction") == "持平":
        return 0
    if is_missing(change.get("amount")) or change.get("direction") not in (*_RISE, *_FALL):
        return None
    return int(change["amount"]) * (1 if change["direction"] in _RISE else -1)


def _rate_on(stated: Decimal, printed: str, change: dict, word: str, cur: int, h_cur: int):
    """None when the stated rate of `change` on this year's `cur` passes, else (Δ, prior, severity, rate)."""
    delta = int(change["amount"])
    prior = cur - delta if word in _RISE else cur + delta
    h = h_cur + half_step(str(change["value"]))
    if prior <= 0 or prior - h <= 0:
        return delta, prior, "warning", None  # a rate against a zero prior year is undefined
    severity, exact = rate_check(stated, decimals_of(printed), delta, half_step(str(change["value"])), prior, h)
    return None if severity is None else (delta, prior, severity, exact)


@rule(
    "FA305",
    name="fa-notes-reason-stated",
    title="与上年相比有增减、决算数与预算数不同时，说明主要原因",
    severity="warning",
    tags=["narrative"],
    reference=NOTES,
    kinds="final",
    description=(
        "A change on last year (增加/减少 a non-zero amount) and a 决算 that differs from its 年初预算 (五（三）"
        "total and each item, 三公) state 主要原因 with some words after it; items whose 决算 equals the "
        "预算 need none (“预决算持平的不用说明变动原因”)."
    ),
    cases=[
        {"name": "with reasons", "fires": 0, "budget": {"facts": [
            {"key": "operating_expenses", "value": "184.65", "unit": "万元"},
            {"key": "operating_expenses_change", "value": "2.55", "unit": "万元", "direction": "增加", "reason": "更换照明"}],
            "tables": {"fa_items": [{"number": 1, "xiang": "行政运行", "budget": "10.00", "final": "10.00"}]}}},
        {"name": "a change without a reason", "fires": 1, "budget": {"facts": [
            {"key": "operating_expenses", "value": "184.65", "unit": "万元"},
            {"key": "operating_expenses_change", "value": "2.55", "unit": "万元", "direction": "增加", "reason": ""}]}},
        {"name": "an item below its budget without a reason", "fires": 1, "budget": {"tables": {"fa_items": [
            {"number": 1, "xiang": "行政运行", "budget": "10.00", "final": "9.00", "comparison": "小于"}]}}},
    ],
)  # fmt: skip
def fa_reason_stated(budget, ctx):
    for key, _, change, _ in _changes(budget):
        if (
            change.get("direction") in (*_RISE, *_FALL)
            and not is_missing(change.get("amount"))
            and int(change["amount"])
        ):
            if not (change.get("reason") or "").strip():
                yield ctx.finding(f"情况说明{_LABELS[key]}{change['direction']} {change['value']}万元，未说明主要原因",
                                  expected="主要原因：…", actual=change.get("text"), **at(change))  # fmt: skip
    for label, a, b, _, word, reason, rec in _comparisons(budget, ctx):
        if a != b and not (reason or "").strip() and word not in ("持平", "基本持平"):
            yield ctx.finding(f"情况说明{label}：年初预算 {wan(a)}、支出决算 {wan(b)}，未说明决算数与预算数不同的主要原因",
                              expected="决算数大于（小于）预算数的主要原因：…", actual=yuan(b), **at(rec))  # fmt: skip


@rule(
    "FA314",
    name="fa-notes-comparison-year",
    title="与上年相比的年度为决算年度的上一年（如 2024 年度决算与 2023 年度相比）",
    severity="warning",
    tags=["narrative", "editorial"],
    reference=NOTES,
    kinds="final",
    cases=[
        {"name": "the year before", "fires": 0, "budget": {"meta": {"year": 2024}, "facts": [
            {"key": "total_change", "value": "56.95", "unit": "万元", "direction": "减少", "compare_year": 2023}]}},
        {"name": "another year", "fires": 1, "budget": {"meta": {"year": 2024}, "facts": [
            {"key": "total_change", "value": "56.95", "unit": "万元", "direction": "减少", "compare_year": 2024}]}},
    ],
)  # fmt: skip
def fa_comparison_year(budget, ctx):
    year = budget.meta.year
    if not year:
        return
    for key, _, change, _ in _changes(budget):
        compared = change.get("compare_year")
        if not is_missing(compared) and int(compared) != int(year) - 1:
            yield ctx.finding(f"情况说明{_LABELS[key]}与 {int(compared)} 年度相比，而决算年度为 {year} 年",
                              expected=str(int(year) - 1), actual=str(int(compared)), **at(change))  # fmt: skip


@hookimpl
def auditor_register_rules():
    return [fa_comparison_word, fa_change_on_last_year, fa_reason_stated, fa_comparison_year]

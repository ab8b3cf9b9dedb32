"""Figures and charts of the HTML report for final accounts (部门决算 / 单位决算): 预算 against 决算.

A 决算 answers what was spent against what was budgeted, so its headline numbers are the year's
income and expenditure with their carry-overs, the general public budget's 决算 against its 年初预算
with the completion rate, and the 三公 expenses 决算 against 预算; its charts set the two side by
side. The 年初预算 figures come from the document itself (the 说明 and the 三公 table's 预算数 row);
when the 决算 is audited against its budget (``--previous BUDGET``) and the 说明 states none, the
budget's own table gives it. Amounts are shown in 万元, as a 决算 prints them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..i18n import gettext_for
from ..model import is_final
from .figures import (
    COLORS,
    SANGONG_PARTS,
    Chart,
    Figure,
    as_int,
    bar_chart,
    expenditure_chart,
    fact_amount,
    in_wan,
    share_of,
    table_frame,
    total_row,
)

#: The 收入支出决算总表 lines shown as key figures: (side, item printed, label msgid).
_SUMMARY_LINES = [
    ("income", "本年收入合计", "Income this year"),
    ("expenditure", "本年支出合计", "Expenditure this year"),
    ("income", "年初结转和结余", "Carried over at the start of the year"),
    ("expenditure", "年末结转和结余", "Carried over at the end of the year"),
]

#: How many 说明五（三）items the 预算 vs 决算 chart shows (the largest by budget).
MOST_ITEMS = 12


def _summary_amount(budget: Any, side: str, item: str) -> int | None:
    df = table_frame(budget, "fa_summary")
    if df is None or not {"side", "item", "amount"} <= set(df.columns):
        return None
    items = df["item"].astype("string").str.replace(r"\s+", "", regex=True)
    rows = df[(df["side"] == side) & (items == item)]
    return as_int(rows.iloc[0]["amount"]) if len(rows) else None


def _sangong(budget: Any, stage: str):
    df = table_frame(budget, "fa_sangong")
    if df is None or "stage" not in df:
        return None
    rows = df[df["stage"] == stage]
    return rows.iloc[0] if len(rows) else None


def _rate(final: int | None, budget: int | None) -> str | None:
    """决算 / 预算 as a percentage with two decimals (None against a zero or missing budget)."""
    if final is None or not budget:
        return None
    return f"{(Decimal(final) * 100 / Decimal(budget)).quantize(Decimal('0.01'))}%"


def _budget_gpb(budget: Any, previous: Any) -> int | None:
    """The general public budget's 年初预算: as the 说明 states it, else the budget's own table."""
    stated = fact_amount(budget, "gpb_budget")
    if stated is not None or previous is None:
        return stated
    row = total_row(table_frame(previous, "gpb_function"))
    return as_int(row.get("total")) if row is not None else None


def _final_gpb(budget: Any) -> int | None:
    row = total_row(table_frame(budget, "fa_gpb_function"))
    total = as_int(row.get("total")) if row is not None else None
    return total if total is not None else fact_amount(budget, "gpb_final")


def _against(final: int | None, planned: int | None, _: Any) -> str:
    if planned is None:
        return ""
    rate = _rate(final, planned)
    if rate is None:
        return _("budget %(budget)s", budget=in_wan(planned))
    return _("budget %(budget)s, %(rate)s completed", budget=in_wan(planned), rate=rate)


def key_figures(budget: Any, previous: Any = None, _: Any = None) -> list[Figure]:
    """The headline numbers of a 决算 (only those it has), labelled by ``_`` (gettext)."""
    _ = _ or gettext_for("en")
    out: list[Figure] = []
    for side, item, label in _SUMMARY_LINES:
        amount = _summary_amount(budget, side, item)
        if amount is not None:
            out.append(Figure(_(label), in_wan(amount), "", "budget"))
    row = total_row(table_frame(budget, "fa_expenditure"))
    if row is not None:
        total = as_int(row.get("total"))
        for key, label in (("basic", "Basic expenditure"), ("project", "Project expenditure")):
            v = as_int(row.get(key))
            if v is not None:
                out.append(
                    Figure(_(label), in_wan(v), _("%(share)s of expenditure", share=share_of(v, total) or ""), "budget")
                )
    final = _final_gpb(budget)
    if final is not None:
        note = _against(final, _budget_gpb(budget, previous), _)
        out.append(Figure(_("General public budget appropriations spent"), in_wan(final), note, "final"))
    planned, spent = _sangong(budget, "budget"), _sangong(budget, "final")
    if planned is not None or spent is not None:
        p_total = as_int(planned.get("total")) if planned is not None else fact_amount(budget, "sangong_budget")
        f_total = as_int(spent.get("total")) if spent is not None else None
        if f_total is None:
            f_total = fact_amount(budget, "sangong_final")
        out.append(
            Figure(_("“Three public” expenses spent"), in_wan(f_total), _against(f_total, p_total, _), "sangong")
        )
        for key, label in SANGONG_PARTS:
            f_part = as_int(spent.get(key)) if spent is not None else None
            if f_part is None:  # a blank cell of the table: the 说明 may state it (决算为0.00万元)
                f_part = fact_amount(budget, f"sangong:{key}")
            p_part = as_int(planned.get(key)) if planned is not None else None
            if f_part is not None or p_part is not None:
                out.append(Figure(label, in_wan(f_part), _against(f_part, p_part, _), "sangong"))
    ops = fact_amount(budget, "operating_expenses")
    if ops is not None:
        out.append(Figure(_("Operating expenses of the organs"), in_wan(ops), "", "sangong"))
    return out


def budget_against_final_chart(budget: Any, previous: Any, uid: str, _: Any = None) -> Chart | None:
    """预算数 and 决算数 side by side: the general public budget and the 说明's items (largest first)."""
    _ = _ or gettext_for("en")
    rows: list[tuple[str, list[int | None], str]] = []
    planned, final = _budget_gpb(budget, previous), _final_gpb(budget)
    if planned is not None and final is not None:
        rows.append((_("General public budget appropriations"), [planned, final], _pair(planned, final)))
    items = table_frame(budget, "fa_items")
    if items is not None and {"purpose", "budget", "final"} <= set(items.columns):
        listed = [
            (str(r.get("purpose") or r.get("code") or ""), as_int(r.get("budget")), as_int(r.get("final")))
            for r in items.to_dict("records")
        ]
        listed = [it for it in listed if it[1] is not None or it[2] is not None]
        listed.sort(key=lambda it: -(it[1] or it[2] or 0))
        for label, p, f in listed[:MOST_ITEMS]:
            rows.append((label if len(label) <= 18 else label[:17] + "…", [p, f], _pair(p, f)))
    if not rows:
        return None
    series = [(_("Budget"), COLORS["previous"]), (_("Final accounts"), COLORS["current"])]
    return bar_chart(
        f"{uid}-budget-final",
        _("Budget against final accounts"),
        rows,
        series,
        stacked=False,
        unit_fmt=in_wan,
        label_width=210,
    )


def sangong_against_budget_chart(budget: Any, uid: str, _: Any = None) -> Chart | None:
    """The 三公 expenses: 预算数 and 决算数 of each part, from the 三公 table."""
    _ = _ or gettext_for("en")
    planned, spent = _sangong(budget, "budget"), _sangong(budget, "final")
    if planned is None and spent is None:
        return None
    rows = []
    for key, label in SANGONG_PARTS:
        p = as_int(planned.get(key)) if planned is not None else None
        f = as_int(spent.get(key)) if spent is not None else None
        rows.append((label, [p, f], _pair(p, f)))
    if all(not any(vals) for _label, vals, _text in rows):
        return None
    series = [(_("Budget"), COLORS["previous"]), (_("Final accounts"), COLORS["current"])]
    return bar_chart(
        f"{uid}-sangong",
        _("“Three public” expenses: budget and final accounts"),
        rows,
        series,
        stacked=False,
        unit_fmt=in_wan,
    )


def _pair(planned: int | None, final: int | None) -> str:
    return f"{in_wan(planned)} / {in_wan(final)}"


def charts(budget: Any, previous: Any, uid: str, _: Any = None) -> list[Chart]:
    """The charts of a 决算, those it has data for."""
    _ = _ or gettext_for("en")
    made = [
        budget_against_final_chart(budget, previous, uid, _),
        expenditure_chart(
            budget, uid, _, key="fa_gpb_function", title=_("General public budget appropriations spent by function")
        ),
        sangong_against_budget_chart(budget, uid, _),
    ]
    return [c for c in made if c is not None]


def applies(budget: Any) -> bool:
    """Whether `budget` is final accounts (its figures are these, not a budget's)."""
    return is_final(getattr(getattr(budget, "meta", None), "kind", None))

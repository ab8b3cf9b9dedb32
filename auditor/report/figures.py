"""Figures and charts of the HTML report: headline numbers from a Budget, bar-chart geometry.

The charts are inline SVG whose geometry is computed here, server-side, so the page needs no
charting library and no JavaScript to show them. Labels go through ``_`` (the report's gettext).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..findings import Finding
from ..i18n import gettext_for
from ..money import fen_to_display
from ..values import is_missing
from .base import SEVERITY_ORDER, family, family_counts, severity_counts

COLORS = {
    "error": "#c62828",
    "warning": "#ef8f00",
    "info": "#1e6fb8",
    "basic": "#3c7dc4",
    "project": "#8cc0ea",
    "current": "#2e7d5b",
    "previous": "#b5c9bd",
}

SANGONG_PARTS = [
    ("outbound", "因公出国（境）费"),
    ("vehicle_purchase", "公务用车购置费"),
    ("vehicle_operation", "公务用车运行维护费"),
    ("reception", "公务接待费"),
]


# ---------------------------------------------------------------------------------------------
# charts: geometry here, drawing in the template's `bar_chart` macro


@dataclass
class Segment:
    x: float
    y: float
    width: float
    height: float
    color: str
    title: str


@dataclass
class Bar:
    label: str
    y: float
    segments: list[Segment]
    value_text: str
    value_x: float


@dataclass
class Chart:
    """A horizontal bar chart (stacked or grouped), laid out for an SVG of ``width`` x ``height``."""

    id: str
    title: str
    legend: list[tuple[str, str]]  # (name, colour)
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    note: str = ""

    @property
    def empty(self) -> bool:
        return not self.bars


def bar_chart(
    chart_id: str,
    title: str,
    rows: list[tuple[str, list[int | None], str]],
    series: list[tuple[str, str]],
    stacked: bool = True,
    width: int = 640,
    label_width: int = 170,
    unit_fmt=None,
    note: str = "",
) -> Chart:
    """Lay out bars for ``rows`` = (label, values per series, value text).

    Stacked: one bar per row, its series end to end. Grouped: one thin bar per series per row.
    """
    value_width = 130
    area = width - label_width - value_width - 10
    nseries = len(series)
    bar_h = 18 if stacked else 12
    row_h = (bar_h + 10) if stacked else (bar_h * nseries + 12)
    top = 8
    totals = [sum(v or 0 for v in vals) if stacked else max([v or 0 for v in vals] or [0]) for _, vals, _ in rows]
    peak = max(totals or [0]) or 1
    bars = []
    for i, (label, vals, text) in enumerate(rows):
        y = top + i * row_h
        segs = []
        x = label_width
        for j, ((name, color), v) in enumerate(zip(series, vals)):
            v = v or 0
            if not v:
                continue
            w = max(area * v / peak, 0.0)
            if v and w < 1:
                w = 1.0
            shown = unit_fmt(v) if unit_fmt else str(v)
            if stacked:
                segs.append(Segment(round(x, 2), y, round(w, 2), bar_h, color, f"{label} · {name}: {shown}"))
                x += w
            else:
                segs.append(
                    Segment(label_width, y + j * bar_h, round(w, 2), bar_h - 2, color, f"{label} · {name}: {shown}")
                )
                x = max(x, label_width + w)
        bars.append(
            Bar(label=label, y=y + (row_h - 10) / 2 + 4, segments=segs, value_text=text, value_x=round(x + 6, 2))
        )
    height = top * 2 + len(rows) * row_h
    return Chart(chart_id, title, series, bars, width, height, label_width, note)


def in_wan(fen: int | None) -> str:
    """Fen shown in 万元 with two decimals (``208,293.59万元``), ``—`` when missing."""
    return fen_to_display(fen, "万元")


# ---------------------------------------------------------------------------------------------
# figures from a Budget


def table_frame(budget: Any, key: str):
    """The Budget's frame `key` when it has rows, else None."""
    frames = getattr(budget, "frames", None) or {}
    df = frames.get(key)
    return df if df is not None and len(df) else None


def as_int(value: Any) -> int | None:
    """An amount as int; None when missing or not a number (figures never stop a report)."""
    if is_missing(value):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def total_row(df):
    """The 合计 row of a frame (code null, name 合计), or None."""
    if df is None or "name" not in df:
        return None
    names = df["name"].astype("string").str.replace(r"\s+", "", regex=True)
    mask = names.str.contains("合计", na=False)
    if "code" in df:
        mask &= df["code"].isna() | (df["code"].astype("string").str.strip() == "")
    rows = df[mask.fillna(False)]
    return rows.iloc[0] if len(rows) else None


def fact_amount(budget: Any, key: str) -> int | None:
    """The first printed amount of the 说明 fact `key`, None when there is none."""
    facts = table_frame(budget, "facts")
    if facts is None or "key" not in facts or "amount" not in facts:
        return None
    rows = facts[facts["key"] == key]
    for v in rows["amount"]:
        n = as_int(v)
        if n is not None:
            return n
    return None


def share_of(part: int | None, whole: int | None) -> str | None:
    """`part` as a percentage of `whole` with one decimal, None against a zero or missing whole."""
    if part is None or not whole:
        return None
    pct = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))
    return f"{pct}%"


def _sangong_row(budget: Any):
    df = table_frame(budget, "sangong")
    return None if df is None else df.iloc[0]


@dataclass
class Figure:
    label: str
    value: str
    note: str = ""
    group: str = ""


def key_figures(budget: Any, previous: Any = None, _: Any = None) -> list[Figure]:
    """The headline numbers of a Budget (only those it has), labelled by ``_`` (gettext)."""
    _ = _ or gettext_for("en")
    out: list[Figure] = []
    if budget is None:
        return out
    income = None
    row = total_row(table_frame(budget, "income_summary"))
    if row is not None:
        income = as_int(row.get("total"))
    if income is None:
        fs = table_frame(budget, "fiscal_summary")
        if fs is not None and {"side", "item", "amount"} <= set(fs.columns):
            hits = fs[(fs["side"] == "income") & fs["item"].astype("string").str.contains("总计", na=False)]
            if len(hits):
                income = as_int(hits.iloc[0]["amount"])
    if income is not None:
        out.append(Figure(_("Income budget"), fen_to_display(income) + " 元", in_wan(income), "budget"))
    row = total_row(table_frame(budget, "expenditure_summary"))
    if row is None:
        row = total_row(table_frame(budget, "gpb_function"))
    if row is not None:
        total, basic, project = (as_int(row.get(k)) for k in ("total", "basic", "project"))
        if total is not None:
            out.append(Figure(_("Expenditure budget"), fen_to_display(total) + " 元", in_wan(total), "budget"))
        if basic is not None:
            out.append(
                Figure(
                    _("Basic expenditure"),
                    in_wan(basic),
                    _("%(share)s of expenditure", share=share_of(basic, total) or ""),
                    "budget",
                )
            )
        if project is not None:
            out.append(
                Figure(
                    _("Project expenditure"),
                    in_wan(project),
                    _("%(share)s of expenditure", share=share_of(project, total) or ""),
                    "budget",
                )
            )
    sg = _sangong_row(budget)
    if sg is not None:
        total = as_int(sg.get("total"))
        if total is not None:
            note = ""
            prev = _sangong_row(previous) if previous is not None else None
            ptotal = as_int(prev.get("total")) if prev is not None else None
            if ptotal is not None:
                diff = total - ptotal
                sign = "+" if diff > 0 else ("−" if diff < 0 else "±")
                note = _(
                    "%(change)s vs last year (%(share)s)",
                    change=f"{sign}{in_wan(abs(diff))}",
                    share=share_of(abs(diff), ptotal) or "—",
                )
            out.append(Figure(_("“Three public” expenses total"), in_wan(total), note, "sangong"))
        for key, label in SANGONG_PARTS:
            v = as_int(sg.get(key))
            if v is not None:
                out.append(Figure(label, in_wan(v), "", "sangong"))
        ops = as_int(sg.get("operating_expenses"))
        if ops is not None:
            out.append(Figure(_("Operating expenses of the organs"), in_wan(ops), "", "sangong"))
    ptotal = fact_amount(budget, "procurement_total")
    sme = fact_amount(budget, "sme_reserved")
    small = fact_amount(budget, "small_micro_reserved")
    if ptotal is not None:
        out.append(Figure(_("Government procurement"), in_wan(ptotal), "", "procurement"))
    if sme is not None:
        out.append(
            Figure(
                _("Reserved for SMEs"),
                in_wan(sme),
                _("%(share)s of procurement", share=share_of(sme, ptotal) or "—"),
                "procurement",
            )
        )
    if small is not None:
        out.append(
            Figure(
                _("Reserved for small and micro enterprises"),
                in_wan(small),
                _("%(share)s of SME reservation", share=share_of(small, sme) or "—"),
                "procurement",
            )
        )
    return out


def expenditure_chart(
    budget: Any, uid: str, _: Any = None, key: str = "gpb_function", title: str | None = None
) -> Chart | None:
    """The function table's 类 rows (3-digit codes), basic and project stacked, largest first."""
    _ = _ or gettext_for("en")
    df = table_frame(budget, key)
    if df is None or "code" not in df:
        return None
    codes = df["code"].astype("string").str.strip()
    rows = df[codes.str.fullmatch(r"\d{3}", na=False)]
    if not len(rows):
        return None
    items = []
    for _idx, r in rows.iterrows():
        total, basic, project = (as_int(r.get(k)) for k in ("total", "basic", "project"))
        if total is None:
            total = (basic or 0) + (project or 0)
        if basic is None and project is None:
            basic = total
        items.append((f"{r['code']} {r.get('name') or ''}".strip(), [basic, project], in_wan(total), total))
    items.sort(key=lambda it: -(it[3] or 0))
    return bar_chart(
        f"{uid}-expenditure",
        title or _("General public budget expenditure by function"),
        [(label, vals, text) for label, vals, text, _total in items],
        [(_("Basic expenditure"), COLORS["basic"]), (_("Project expenditure"), COLORS["project"])],
        unit_fmt=in_wan,
        label_width=190,
    )


def sangong_chart(budget: Any, previous: Any, uid: str, _: Any = None) -> Chart | None:
    _ = _ or gettext_for("en")
    sg = _sangong_row(budget)
    if sg is None:
        return None
    prev = _sangong_row(previous) if previous is not None else None
    year = getattr(getattr(budget, "meta", None), "year", None)
    pyear = getattr(getattr(previous, "meta", None), "year", None) if prev is not None else None
    series = [(f"{year or _('this year')}", COLORS["current"])]
    if prev is not None:
        series.append((f"{pyear or _('last year')}", COLORS["previous"]))
    rows = []
    for key, label in SANGONG_PARTS:
        vals = [as_int(sg.get(key))]
        text = in_wan(vals[0])
        if prev is not None:
            vals.append(as_int(prev.get(key)))
            text = f"{in_wan(vals[0])} / {in_wan(vals[1])}"
        rows.append((label, vals, text))
    if all(not any(v for v in vals) for _label, vals, _text in rows) and as_int(sg.get("total")) is None:
        return None
    title = _("“Three public” expenses against last year") if prev is not None else _("“Three public” expenses")
    return bar_chart(f"{uid}-sangong", title, rows, series, stacked=False, unit_fmt=in_wan, label_width=170)


def findings_charts(findings: list[Finding], uid: str, _: Any = None) -> list[Chart]:
    _ = _ or gettext_for("en")
    if not findings:
        return []
    sev_series = [(_(s), COLORS[s]) for s in SEVERITY_ORDER]
    fams = family_counts(findings)
    rows = []
    for fam in fams:
        vals = [sum(1 for f in findings if family(f) == fam and f.severity == s) for s in SEVERITY_ORDER]
        rows.append((_(fam), vals, str(sum(vals))))
    by_family = bar_chart(
        f"{uid}-families", _("Findings by family"), rows, sev_series, unit_fmt=str, label_width=130, width=520
    )
    sev = severity_counts(findings)
    by_sev = bar_chart(
        f"{uid}-severity",
        _("Findings by severity"),
        [(_(s), [sev[s] if s == t else 0 for t in SEVERITY_ORDER], str(sev[s])) for s in SEVERITY_ORDER],
        sev_series,
        unit_fmt=str,
        label_width=130,
        width=520,
    )
    return [by_family, by_sev]

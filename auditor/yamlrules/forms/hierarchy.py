"""``hierarchy``: parents equal the sum of their children by code prefix (类=Σ款, 款=Σ项, 合计=Σ类)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from ...findings import Finding
from ...model import columns_for
from ...money import fen_to_display, fen_to_yuan_str
from ...rules import RuleContext
from ...values import fen_or_zero
from ..common import parse_tolerance, row_location

if TYPE_CHECKING:
    from ..builder import Builder


def build(b: Builder, spec: dict[str, Any], table: str | None) -> Callable[[Any, RuleContext], list[Finding]]:
    body = spec["hierarchy"]
    if not isinstance(body, dict):
        raise b.error("hierarchy must be a mapping (table, columns, levels, total)", "hierarchy")
    t = b.table(body.get("table", table), "hierarchy")
    if "code" not in b.columns(t):
        raise b.error(f"table {t!r} has no code column for a hierarchy", "hierarchy")
    _, money = columns_for(t)
    columns = body.get("columns", money)
    if not isinstance(columns, list) or not columns:
        raise b.error("hierarchy columns must be a list", "hierarchy")
    for c in columns:
        b.column(t, c, "hierarchy")
    levels = body.get("levels", [3, 5, 7])
    if not isinstance(levels, list) or not all(isinstance(x, int) for x in levels) or levels != sorted(levels):
        raise b.error("hierarchy levels must be increasing code lengths, e.g. [3, 5, 7]", "hierarchy")
    total = body.get("total", True)
    total_names = body.get("total_names", ["合计", "总计"])
    tol = parse_tolerance(body.get("tolerance", spec.get("tolerance")), b, "hierarchy")
    message = b.template(spec.get("message"), "message", None)

    def check(budget: Any, ctx: RuleContext) -> list[Finding]:
        df = budget.table(t)
        if df.empty:
            return []
        # plain Python over the rows: these tables have tens of rows, where pandas' per-call cost dominates
        rows = list(zip(df.index, df["code"].tolist(), *(df[c].tolist() for c in columns)))
        out: list[Finding] = []

        def emit(idx: Any, col: str, actual: int, expected: int, what: str) -> None:
            loc = row_location(df, idx)
            special = {
                "table": t,
                "column": col,
                "actual": fen_to_display(actual),
                "expected": fen_to_display(expected),
                "diff": fen_to_display(actual - expected),
                **loc,
            }
            default = f"{t} {loc['row']} {col}: printed {fen_to_display(actual)}, but {what} sum to {fen_to_display(expected)}"
            out.append(
                ctx.finding(
                    message.render(default, None, special, set()),
                    table=t,
                    row=loc["row"],
                    column=col,
                    line=loc["line"],
                    page=loc["page"],
                    expected=fen_to_yuan_str(expected),
                    actual=fen_to_yuan_str(actual),
                )
            )

        coded = [(idx, str(code), vals) for idx, code, *vals in rows if code is not None and code is not pd.NA]
        for parent_len, child_len in zip(levels, levels[1:]):
            sums: dict[str, list[int]] = {}
            for _, code, vals in coded:
                if len(code) == child_len:
                    acc = sums.setdefault(code[:parent_len], [0] * len(columns))
                    for i, v in enumerate(vals):
                        acc[i] += fen_or_zero(v)
            for idx, code, vals in coded:
                if len(code) != parent_len or code not in sums:
                    continue
                for i, col in enumerate(columns):
                    actual, expected = fen_or_zero(vals[i]), sums[code][i]
                    if abs(actual - expected) > tol:
                        emit(idx, col, actual, expected, "its children")
        if total and "name" in df.columns:
            tops = [vals for _, code, vals in coded if len(code) == levels[0]]
            names = df["name"].tolist()
            total_idx = next(
                (
                    idx
                    for (idx, code, *_), name in zip(rows, names)
                    if (code is None or code is pd.NA) and name in total_names
                ),
                None,
            )
            if tops and total_idx is not None:
                for i, col in enumerate(columns):
                    actual = fen_or_zero(df.at[total_idx, col])
                    expected = sum(fen_or_zero(v[i]) for v in tops)
                    if abs(actual - expected) > tol:
                        emit(total_idx, col, actual, expected, f"the {levels[0]}-digit codes")
        return out

    return check

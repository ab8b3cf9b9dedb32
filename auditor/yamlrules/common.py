"""What several check forms share: tolerances, comparison operators, expression environments over a
frame or one row, and a row's location."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..expr import Env
from ..model import columns_for
from ..money import UNIT_FEN, tolerance
from ..rules import row_label
from ..values import plain

if TYPE_CHECKING:
    from .builder import Builder


def parse_tolerance(raw: Any, b: Builder, key: str) -> int:
    """Tolerance in fen: ``"0.01"`` (元), ``{abs: "0.01"}``, or ``{printed: 万元, decimals: 2, terms: n}``.

    ``printed`` is ``money.tolerance(unit, decimals, terms)``: one unit of the last printed digit (万元
    with two decimals -> 100.00 元) for each of ``terms`` rounded figures (default 1).
    """
    if raw is None:
        return 0
    try:
        if isinstance(raw, (str, int, float)) and not isinstance(raw, bool):
            return yuan_fen(raw)
        if isinstance(raw, dict):
            if "abs" in raw:
                return yuan_fen(raw["abs"])
            if "printed" in raw:
                unit = raw["printed"]
                if unit not in UNIT_FEN:
                    raise b.error(f"tolerance printed unit must be one of {', '.join(UNIT_FEN)}", key)
                return tolerance(unit, int(raw.get("decimals", 2)), int(raw.get("terms", 1)))
    except (InvalidOperation, ValueError, TypeError):
        pass
    raise b.error(f'bad tolerance {raw!r} (use "0.01" in 元, or {{printed: 万元, decimals: 2}})', key)


def yuan_fen(v: Any) -> int:
    return int((Decimal(str(v).replace(",", "")) * 100).to_integral_value())


OPS: dict[str, Callable[[Any, Any, int], bool]] = {
    "==": lambda a, b, t: abs(a - b) <= t,
    "!=": lambda a, b, t: abs(a - b) > t,
    "<=": lambda a, b, t: a <= b + t,
    ">=": lambda a, b, t: a + t >= b,
    "<": lambda a, b, t: a < b + t,
    ">": lambda a, b, t: a + t > b,
}


def frame_env(df: pd.DataFrame, table: str, names: set[str], nulls: str) -> tuple[dict[str, Any], dict[str, Any]]:
    _, money = columns_for(table)
    raw = {n: df[n] for n in names if n in df.columns}
    cols = dict(raw)
    if nulls == "zero":
        for n in names:
            if n in money and n in cols:
                cols[n] = cols[n].fillna(0)
    return cols, raw


def row_env(df: pd.DataFrame, idx: Any, table: str, params: dict[str, Any], budget: Any, nulls: str) -> Env:
    _, money = columns_for(table)
    values = {}
    raw = {}
    for c in df.columns:
        v = plain(df.at[idx, c])
        raw[c] = v
        values[c] = 0 if (v is None and nulls == "zero" and c in money) else v
    return Env(columns=values, raw=raw, params=params, budget=budget)


def row_location(df: pd.DataFrame, idx: Any) -> dict[str, Any]:
    return {
        "row": row_label(df, idx),
        "line": df.at[idx, "line"] if "line" in df.columns else None,
        "page": df.at[idx, "page"] if "page" in df.columns else None,
    }


def tol_series(op: str, lv: Any, rv: Any, tol: int, index: pd.Index) -> pd.Series:
    lv = lv if isinstance(lv, pd.Series) else pd.Series(lv, index=index)
    rv = rv if isinstance(rv, pd.Series) else pd.Series(rv, index=index)
    return OPS[op](lv, rv, tol)

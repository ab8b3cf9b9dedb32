"""Pandera schemas, one per table key; validation is lazy and its failures come back as data.

pandera is imported on first use: valid frames are cleared by a hand-written pre-check, so a run
over clean documents never pays pandera's import (about a quarter of the command's start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from . import lazyre
from .model import LOCATION_COLUMNS, columns_for, object_frame

FUNCTION_CODE = r"^\d{3}(\d{2}){0,2}$"  # 类 3 digits, 款 5, 项 7
ECONOMIC_CODE = r"^3\d{2}(\d{2})?$"  # economic 类 3 digits, 款 5

_CODE_PATTERNS = {
    "income_summary": FUNCTION_CODE,
    "expenditure_summary": FUNCTION_CODE,
    "gpb_function": FUNCTION_CODE,
    "gov_fund_function": FUNCTION_CODE,
    "soe_capital_function": FUNCTION_CODE,
    "gpb_basic_economic": ECONOMIC_CODE,
    # 部门决算
    "fa_income": FUNCTION_CODE,
    "fa_expenditure": FUNCTION_CODE,
    "fa_gpb_function": FUNCTION_CODE,
    "fa_gov_fund": FUNCTION_CODE,
    "fa_soe_capital": FUNCTION_CODE,
    "fa_gpb_basic_economic": ECONOMIC_CODE,
    "fa_items": FUNCTION_CODE,
}
#: columns that take one of a few values
_CHOICES = {"side": ["income", "expenditure"], "stage": ["budget", "final"], "lane": ["left", "right"]}

#: Human names of the checks, used in schema finding messages.
CHECK_LABELS = {
    "str_matches": "code format",
    "greater_than_or_equal_to": "non-negative money",
    "not_nullable": "required value",
    "column_in_dataframe": "required column",
    "dtype": "column type",
}


if TYPE_CHECKING:  # pragma: no cover
    import pandera.pandas as pa


def _money() -> pa.Column:
    import pandera.pandas as pa

    # no coercion: frame_from_records already types money as Int64, and a wrong dtype is a finding
    return pa.Column("Int64", pa.Check.ge(0), nullable=True)


def _location() -> pa.Column:
    import pandera.pandas as pa

    return pa.Column("Int64", nullable=True, required=True)


def build_schema(key: str) -> pa.DataFrameSchema:
    """The schema of one table key: required columns, code patterns, non-negative money."""
    import pandera.pandas as pa

    cols, money = columns_for(key)
    spec: dict[str, pa.Column] = {}
    for c in cols:
        if c in LOCATION_COLUMNS:
            spec[c] = _location()
        elif c in money:
            spec[c] = _money()
        elif c == "code":
            spec[c] = pa.Column(object, pa.Check.str_matches(_CODE_PATTERNS[key]), nullable=True)
        elif c in ("name", "item"):
            spec[c] = pa.Column(object, nullable=False)
        elif c in _CHOICES:
            spec[c] = pa.Column(object, pa.Check.isin(_CHOICES[c]), nullable=False)
        elif c == "key":
            spec[c] = pa.Column(object, nullable=False)
        else:
            spec[c] = pa.Column(nullable=True, required=True)
    return pa.DataFrameSchema(spec, strict=False, name=key)


_SCHEMAS: dict[str, pa.DataFrameSchema] = {}


def schema_for(key: str) -> pa.DataFrameSchema:
    """Cached schema for `key` (schemas are built once per process)."""
    if key not in _SCHEMAS:
        _SCHEMAS[key] = build_schema(key)
    return _SCHEMAS[key]


FAILURE_COLUMNS = ["table", "column", "check", "row", "value", "line", "page"]


_COMPILED = {k: lazyre.compile(p) for k, p in _CODE_PATTERNS.items()}


def _clean(key: str, df: pd.DataFrame) -> bool:
    """A fast, hand-written pass over the same constraints as the schema: True when pandera would pass.

    Budgets are mostly valid and their frames small, where pandera's per-check overhead dominates
    (about 4 ms a frame); so pandera runs only on frames this pre-check cannot clear, and its
    failure cases stay the single source of schema findings.
    """
    cols, money = columns_for(key)
    if df.columns.has_duplicates:
        return False  # pandera says what is wrong
    position = {c: i for i, c in enumerate(df.columns.tolist())}
    if any(c not in position for c in cols):
        return False
    arrays = _column_arrays(df, position)
    for c in [*money, *LOCATION_COLUMNS]:
        if str(arrays(c).dtype) != "Int64":
            return False
    for c in money:
        lowest = arrays(c).min()
        if lowest is not pd.NA and lowest < 0:
            return False
    if "code" in cols and key in _CODE_PATTERNS:
        pattern = _COMPILED[key]
        if not all(c is None or (isinstance(c, str) and pattern.match(c)) for c in arrays("code").tolist()):
            return False
    for c in ("name", "item", "key"):
        if c in cols and pd.isna(arrays(c)).any():
            return False
    for c, choices in _CHOICES.items():
        if c in cols and not all(v in choices for v in arrays(c).tolist()):
            return False
    return True


def _column_arrays(df: pd.DataFrame, position: dict[str, int]):
    """A column's array by name, without building a Series (most of the pre-check's cost)."""

    def get(column: str):
        try:
            return df._get_column_array(position[column])
        except AttributeError:  # pragma: no cover - a pandas without the accessor
            return df[column].array

    return get


def validate_frames(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Validate every frame lazily; return one row per failure (empty frame when all pass)."""
    rows: list[dict] = []
    for key, df in frames.items():
        try:
            columns_for(key)
        except KeyError:
            continue
        if df.empty or _clean(key, df):
            continue
        schema = schema_for(key)
        from pandera.errors import SchemaErrors

        try:
            schema.validate(df, lazy=True)
        except SchemaErrors as exc:
            for rec in exc.failure_cases.to_dict("records"):
                idx = rec.get("index")
                line = page = None
                if idx is not None and not pd.isna(idx) and idx in df.index:
                    line = df.at[idx, "line"] if "line" in df else None
                    page = df.at[idx, "page"] if "page" in df else None
                rows.append(
                    {
                        "table": key,
                        "column": rec.get("column"),
                        "check": str(rec.get("check")),
                        "row": None if idx is None or pd.isna(idx) else int(idx),
                        "value": None if pd.isna(rec.get("failure_case")) else str(rec.get("failure_case")),
                        "line": None if line is None or pd.isna(line) else int(line),
                        "page": None if page is None or pd.isna(page) else int(page),
                    }
                )
    return pd.DataFrame(rows, columns=FAILURE_COLUMNS) if rows else object_frame(FAILURE_COLUMNS)

"""Structured forms of a Budget: the JSON of ``auditor parse --format json``, an .xlsx workbook, a text view.

Money leaves the model as 元 strings with two decimals (``"2082935857.58"``): exact, and readable by a
person or a spreadsheet without float rounding. Both structured forms also carry a small column
``schema`` (the kind and dtype of each column) so that :mod:`auditor.loaders.workbook` can rebuild
the very same frames; a hand-written file without it still loads (money columns are known).
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from .model import ALL_TABLE_KEYS, LOCATION_COLUMNS, Budget, columns_for, printed_tables, table_keys
from .money import fen_to_display, fen_to_yuan_str
from .values import is_missing, plain

META_SHEET = "meta"
SCHEMA_SHEET = "_columns"

# Column kinds recorded in the schema.
MONEY, LOCATION, TEXT, INT, FLOAT, BOOL, DECIMAL, JSON, EMPTY, MIXED = (
    "money",
    "location",
    "text",
    "int",
    "float",
    "bool",
    "decimal",
    "json",
    "empty",
    "mixed",
)


def _column_kind(key: str, column: str, values: list[Any]) -> str:
    _, money = columns_for(key) if key in ALL_TABLE_KEYS else ([], [])
    if column in money:
        return MONEY
    if column in LOCATION_COLUMNS:
        return LOCATION
    present = [v for v in values if v is not None]
    if not present:
        return EMPTY
    if any(isinstance(v, (list, dict, tuple)) for v in present):
        return JSON
    if any(isinstance(v, str) and v == "" for v in present):
        return MIXED  # a workbook cell cannot hold "" apart from empty: JSON-encode this column
    kinds = set()
    for v in present:
        if isinstance(v, bool):
            kinds.add(BOOL)
        elif isinstance(v, int):
            kinds.add(INT)
        elif isinstance(v, float):
            kinds.add(FLOAT)
        elif isinstance(v, Decimal):
            kinds.add(DECIMAL)
        elif isinstance(v, str):
            kinds.add(TEXT)
        else:
            kinds.add(MIXED)
    return kinds.pop() if len(kinds) == 1 else MIXED


def _json_safe(value: Any) -> Any:
    """A value JSON can carry: Decimal as its exact string, tuples as lists, nested alike."""
    value = plain(value)
    if value is None:
        return None
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float) and math.isinf(value):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_json_safe(v) for v in value]
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def frame_rows(key: str, df: pd.DataFrame) -> tuple[list[dict[str, Any]], dict[str, dict[str, str]]]:
    """The rows of one frame as JSON-ready dicts, and the frame's column schema."""
    _, money = columns_for(key)
    columns = [str(c) for c in df.columns]
    raw = {c: [plain(v) for v in df[c].tolist()] for c in columns}
    schema = {c: {"kind": _column_kind(key, c, raw[c]), "dtype": str(df[c].dtype)} for c in columns}
    for c in columns:
        # how an object column marks a missing value (None, or NaN where a record lacked the key),
        # so that loading gives back the identical frame
        if df[c].dtype == object:
            missing = [v for v in df[c].tolist() if is_missing(v)]
            if missing and all(isinstance(v, float) for v in missing):
                schema[c]["missing"] = "nan"
    rows: list[dict[str, Any]] = []
    for i in range(len(df)):
        row: dict[str, Any] = {}
        for c in columns:
            v = raw[c][i]
            if c in money:
                row[c] = None if v is None else fen_to_yuan_str(int(v))
            elif c in LOCATION_COLUMNS:
                row[c] = None if v is None else int(v)
            else:
                row[c] = _json_safe(v)
        rows.append(row)
    return rows, schema


def _meta_dict(budget: Budget) -> dict[str, Any]:
    meta = budget.meta.to_dict()
    # fields the model's to_dict leaves out, kept so that a round trip restores them
    for key, info in budget.meta.tables.items():
        if key in meta["tables"] and getattr(info, "unit_assumed", None) is not None:
            meta["tables"][key]["unit_assumed"] = info.unit_assumed
    return _json_safe(meta)


def _frames(budget: Budget) -> dict[str, pd.DataFrame]:
    return {key: budget.table(key) for key in table_keys(budget.meta.kind)}


def budget_to_dict(budget: Budget) -> dict[str, Any]:
    """The JSON shape of ``auditor parse FILE --format json`` (docs/data-model.md), plus a column schema."""
    tables: dict[str, list] = {}
    top: dict[str, list] = {}
    schema: dict[str, dict] = {}
    printed = printed_tables(budget.meta.kind)
    for key, df in _frames(budget).items():
        rows, cols = frame_rows(key, df)
        schema[key] = cols
        (tables if key in printed else top)[key] = rows
    out: dict[str, Any] = {"meta": _meta_dict(budget), "tables": tables}
    out.update(top)
    out["schema"] = schema
    return out


def budget_to_json(budget: Budget, indent: int | None = 2) -> str:
    """:func:`budget_to_dict` as JSON text (UTF-8 characters kept, deterministic)."""
    return json.dumps(budget_to_dict(budget), ensure_ascii=False, indent=indent)


# --------------------------------------------------------------------------- workbook


def _cell_value(kind: str, value: Any) -> Any:
    """How a JSON-ready value is stored in a workbook cell of a column of `kind`."""
    if value is None:
        return None
    if kind in (JSON, MIXED):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_workbook(budget: Budget, path: str | Path) -> Path:
    """Write the Budget as an .xlsx: one sheet per frame key, a `meta` sheet, a `_columns` sheet.

    Money cells are 元 strings with two decimals (nothing lost to float); locations are integers;
    values that are not scalars (and columns of mixed types) are JSON-encoded.
    """
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell

    data = budget_to_dict(budget)
    wb = Workbook()
    wb.remove(wb.active)

    def put(ws, r: int, c: int, value: Any) -> None:
        cell: Cell = ws.cell(row=r, column=c)
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"  # never let a leading "=" turn text into a formula

    schema = data["schema"]
    keys = table_keys(budget.meta.kind)
    for key in keys:
        rows = data["tables"][key] if key in data["tables"] else data[key]
        columns = list(schema[key])
        ws = wb.create_sheet(key)
        for j, c in enumerate(columns, start=1):
            put(ws, 1, j, c)
        for i, row in enumerate(rows, start=2):
            for j, c in enumerate(columns, start=1):
                put(ws, i, j, _cell_value(schema[key][c]["kind"], row.get(c)))
        ws.freeze_panes = "A2"

    ws = wb.create_sheet(META_SHEET)
    put(ws, 1, 1, "field")
    put(ws, 1, 2, "value (JSON)")
    for i, (k, v) in enumerate(data["meta"].items(), start=2):
        put(ws, i, 1, k)
        put(ws, i, 2, json.dumps(v, ensure_ascii=False))

    ws = wb.create_sheet(SCHEMA_SHEET)
    for j, h in enumerate(("sheet", "column", "kind", "dtype", "missing"), start=1):
        put(ws, 1, j, h)
    r = 2
    for key in keys:
        for c, spec in schema[key].items():
            for j, v in enumerate((key, c, spec["kind"], spec["dtype"], spec.get("missing")), start=1):
                put(ws, r, j, v)
            r += 1

    out = Path(path)
    wb.save(out)
    return out


# --------------------------------------------------------------------------- text view


def _display(value: Any, money: bool) -> str:
    if money:
        return fen_to_display(None if is_missing(value) else int(value))
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, (list, dict, tuple)):
        return json.dumps(_json_safe(value), ensure_ascii=False)
    return str(value)


def budget_table_text(budget: Budget, *, tablefmt: str = "simple") -> str:
    """A human view for ``--format table``: a header, then one titled table per frame key."""
    from tabulate import tabulate

    meta = budget.meta
    head = [
        f"source: {meta.source or '—'}",
        f"department: {meta.department or '—'}    year: {meta.year or '—'}    kind: {meta.kind or '—'}",
    ]
    if meta.missing_tables:
        head.append("missing tables: " + ", ".join(meta.missing_tables))
    if meta.missing_sections:
        head.append("missing sections: " + ", ".join(meta.missing_sections))
    parts = ["\n".join(head)]
    printed = printed_tables(meta.kind)
    for key in table_keys(meta.kind):
        df = budget.table(key)
        _, money = columns_for(key)
        info = meta.tables.get(key)
        title = key
        if key in printed:
            title += f" — {info.title if info else printed[key]}"
            unit = info.unit if info and info.unit else None
            title += f" (unit: 元; printed in {unit})" if unit and unit != "元" else " (元)"
        title += f" [{len(df)} row{'s' if len(df) != 1 else ''}]"
        if df.empty:
            parts.append(f"{title}\n(empty)")
            continue
        columns = [str(c) for c in df.columns]
        body = [[_display(v, c in money) for c, v in zip(columns, row)] for row in df.itertuples(index=False)]
        colalign = ["right" if c in money or c in LOCATION_COLUMNS else "left" for c in columns]
        table = tabulate(body, headers=columns, tablefmt=tablefmt, disable_numparse=True, colalign=colalign)
        parts.append(f"{title}\n{table}")
    return "\n\n".join(parts) + "\n"

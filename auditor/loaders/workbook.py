"""Workbook (.xlsx) and JSON forms of the canonical model: read back exactly what export wrote.

The layout is the one :mod:`auditor.export` writes — a sheet (or a JSON list) per frame key with the
model's columns, money as 元 strings, a ``meta`` sheet (or object) and an optional column schema.
A finance bureau can produce the same from its budget system; sheets it leaves out load as empty
frames, and a value that is not money where money belongs is a LoadError naming sheet, row, column.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd

from ..document import Document
from ..errors import LoadError
from ..export import DECIMAL, EMPTY, FLOAT, INT, JSON, LOCATION, META_SHEET, MIXED, MONEY, SCHEMA_SHEET
from ..model import (
    ALL_TABLE_KEYS,
    MAX_LOCATION,
    Budget,
    Meta,
    Section,
    TableInfo,
    columns_for,
    frame_from_records,
    printed_tables,
    table_keys,
)
from ..money import MAX_FEN, parse_decimal
from ..parse import sentences as sentences  # hands Budget.paragraphs() its prose reader (rules read the text)
from ..schemas import validate_frames
from .shape import cell_problem, column_spec_problem, meta_field_problem, meta_problem, row_problem, schema_problem
from .sniff import ZIP_MAGIC, is_json_export, is_workbook

#: The largest JSON export read (a disclosure's export is a few MiB at most).
MAX_JSON_BYTES = 256 << 20


class _BadValue(ValueError):
    """A cell that cannot be read as its column's kind (carries the reason)."""


def _to_fen(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if isinstance(value, bool):
        raise _BadValue(f"bad money value {value!r}")
    if isinstance(value, int):
        if abs(value) > MAX_FEN:
            raise _BadValue(f"money value {_shown(value)} is out of range")
        dec = Decimal(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _BadValue(f"money value {value!r} is not a finite number")
        dec = Decimal(repr(value))
    elif isinstance(value, Decimal):
        dec = value
    elif isinstance(value, str):
        dec = parse_decimal(value.strip())
        if dec is None:
            raise _BadValue(f'bad money value {value!r} (expected 元 such as "1234.56")')
    else:
        raise _BadValue(f"bad money value {value!r}")
    if not dec.is_finite() or dec.adjusted() > 24:
        raise _BadValue(f"money value {_shown(value)} is out of range")
    fen = dec * 100
    if fen != fen.to_integral_value():
        raise _BadValue(f"bad money value {_shown(value)} (more precise than one fen)")
    if abs(fen) > MAX_FEN:
        raise _BadValue(f"money value {_shown(value)} is out of range (over 100万亿元)")
    return int(fen)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:30]}…({len(text)} characters)"


def _to_location(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if isinstance(value, bool):
        raise _BadValue(f"bad line/page number {value!r}")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) < 20:
        value = int(value.strip())
    if isinstance(value, int) and 0 <= value <= MAX_LOCATION:
        return value
    if isinstance(value, int):
        raise _BadValue(f"line/page number {_shown(value)} is out of range")
    raise _BadValue(f"bad line/page number {_shown(value)}")


def _restore(kind: str | None, value: Any, *, from_cells: bool) -> Any:
    """A stored value back in the model's type for a column of `kind`."""
    if kind == MONEY:
        return _to_fen(value)
    if kind == LOCATION:
        return _to_location(value)
    if value is None:
        return None
    if kind == DECIMAL:
        try:
            dec = Decimal(str(value))
        except InvalidOperation as exc:
            raise _BadValue(f"bad decimal value {_shown(value)}") from exc
        if not dec.is_finite() or abs(dec.adjusted()) > 24:
            raise _BadValue(f"decimal value {_shown(value)} is out of range")
        return dec
    if kind in (JSON, MIXED) and from_cells:
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except (json.JSONDecodeError, RecursionError, ValueError) as exc:
            raise _BadValue(f"bad JSON value {_shown(value)}") from exc
    if kind in (JSON, MIXED) and isinstance(value, list):
        return value
    if kind == FLOAT and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind == INT and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _cell(key: str, column: str, kind: str | None, value: Any, *, from_cells: bool) -> Any:
    """A stored value restored and checked against the model (raises _BadValue naming the problem)."""
    if from_cells and isinstance(value, (int, float)) and not isinstance(value, bool):
        if cell_problem(key, column, kind, "") is None and cell_problem(key, column, kind, value) is not None:
            # a spreadsheet turned a code such as 204 into a number: it is text in the model
            value = str(int(value)) if isinstance(value, int) or value.is_integer() else str(value)
    restored = _restore(kind, value, from_cells=from_cells)
    problem = cell_problem(key, column, kind, restored)
    if problem:
        raise _BadValue(problem)
    return restored


def _kinds(key: str, schema: dict[str, dict] | None) -> dict[str, str]:
    """Column kinds of a frame key: the stored schema, with the model's money/location columns."""
    kinds = {c: (spec or {}).get("kind") for c, spec in (schema or {}).items()}
    _, money = columns_for(key)
    for c in money:
        kinds[c] = MONEY
    for c in ("line", "page"):
        kinds[c] = LOCATION
    return kinds


def _build_frame(key: str, records: list[dict[str, Any]], schema: dict[str, dict] | None) -> pd.DataFrame:
    df = frame_from_records(key, records)
    if schema:
        order = [c for c in schema if c in df.columns] + [c for c in df.columns if c not in schema]
        df = df[order]
        for c, spec in schema.items():
            dtype = (spec or {}).get("dtype")
            kind = (spec or {}).get("kind")
            if c not in df.columns or not dtype or str(df[c].dtype) == dtype or kind in (MONEY, LOCATION):
                continue
            if kind == EMPTY and dtype == "object":
                df[c] = df[c].astype(object).where(df[c].notna(), None)
                continue
            try:
                df[c] = df[c].astype(dtype)
            except (TypeError, ValueError):
                pass
        for c, spec in schema.items():
            if c in df.columns and (spec or {}).get("missing") == "nan" and df[c].dtype == object:
                df[c] = pd.Series([float("nan") if v is None else v for v in df[c].tolist()], dtype=object)
    return df.reset_index(drop=True)


def meta_from_dict(data: dict[str, Any] | None, source: str | None = None) -> Meta:
    """Rebuild Meta (with TableInfo and Section objects) from its ``to_dict`` form."""
    data = dict(data or {})
    names = {f.name for f in dataclasses.fields(Meta)}
    kwargs = {k: v for k, v in data.items() if k in names and k not in ("tables", "sections")}
    for k in ("toc", "missing_tables", "missing_sections", "notes"):
        if k in kwargs:  # null is an empty list (as Meta's default), never None for rules to trip on
            kwargs[k] = list(kwargs[k] or [])
    info_fields = {f.name for f in dataclasses.fields(TableInfo)}
    section_fields = {f.name for f in dataclasses.fields(Section)}
    tables = {}
    for key, t in (data.get("tables") or {}).items():
        t = {k: v for k, v in dict(t).items() if k in info_fields}
        t.setdefault("key", key)
        t.setdefault("title", key)
        t["notes"] = list(t.get("notes") or [])
        tables[key] = TableInfo(**t)
    sections = {}
    for key, s in (data.get("sections") or {}).items():
        s = {k: v for k, v in dict(s).items() if k in section_fields}
        s.setdefault("key", key)
        s.setdefault("title", key)
        sections[key] = Section(**s)
    meta = Meta(**kwargs, tables=tables, sections=sections)
    if meta.source is None:
        meta.source = source
    return meta


def _budget(path: Path, kind: str, meta: Meta, frames: dict[str, pd.DataFrame]) -> Budget:
    frames = {k: df for k, df in frames.items() if k in table_keys(meta.kind)}  # a budget's or a 决算's
    for key in table_keys(meta.kind):
        if key not in frames:
            frames[key] = frame_from_records(key, [])
    doc = Document(path=str(path), lines=[], kind=kind)
    return Budget(meta=meta, frames=frames, document=doc, schema_errors=validate_frames(frames))


def budget_from_dict(data: Any, path: str | Path = "<dict>") -> Budget:
    """Rebuild a Budget from the dict of :func:`auditor.export.budget_to_dict`."""
    path = Path(path)
    if not isinstance(data, dict) or not ({"meta", "tables"} & set(data)):
        raise LoadError(
            'JSON is not an auditor budget export (expected an object with "meta" and "tables")',
            path=str(path),
        )
    schema_all = data.get("schema") or {}
    problem = schema_problem(schema_all)
    if problem:
        raise LoadError(f"JSON schema{problem[0]}: {problem[1]}", path=str(path))
    meta = data.get("meta")
    problem = meta_problem(meta) if meta is not None else None
    if problem:
        raise LoadError(f"JSON meta{problem[0]}: {problem[1]}", path=str(path))
    tables = data.get("tables") or {}
    if not isinstance(tables, dict):
        raise LoadError('JSON "tables" must be an object keyed by table name', path=str(path))
    frames: dict[str, pd.DataFrame] = {}
    kind = meta.get("kind") if isinstance(meta, dict) else None
    printed = printed_tables(kind)
    for key in table_keys(kind):
        if key in printed:
            rows, where = tables.get(key), f"tables.{key}"
        else:
            rows, where = data.get(key), key
        if rows is None:
            continue
        if not isinstance(rows, list):
            raise LoadError(f"JSON {where} must be a list of rows", path=str(path))
        schema = schema_all.get(key)
        kinds = _kinds(key, schema)
        records = []
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                raise LoadError(f"JSON {where}[{i}] is not an object", path=str(path))
            rec = {}
            for col, value in row.items():
                try:
                    rec[col] = _cell(key, col, kinds.get(col), value, from_cells=False)
                except _BadValue as exc:
                    raise LoadError(f"{where}[{i}].{col}: {exc}", path=str(path)) from exc
            if bad := row_problem(key, rec):
                raise LoadError(f"{where}[{i}].{bad[0]}: {bad[1]}", path=str(path))
            records.append(rec)
        frames[key] = _build_frame(key, records, schema)
    return _budget(path, "json", meta_from_dict(meta, str(path)), frames)


def _no_constant(name: str) -> Any:
    raise _BadValue(f"{name} is not a JSON value (JSON numbers are finite)")


class JsonLoader:
    """Reads the JSON of ``auditor parse --format json`` back into the same Budget."""

    name = "json"
    builtin = True

    def sniff(self, path: Path, head: bytes) -> bool:
        return is_json_export(path, head)

    def load(self, path: Path) -> Budget:
        try:
            if path.stat().st_size > MAX_JSON_BYTES:
                raise LoadError(f"JSON file too large (the limit is {MAX_JSON_BYTES >> 20} MiB)", path=str(path))
            raw = path.read_bytes()
        except OSError as exc:
            raise LoadError(f"cannot read file ({exc.strerror})", path=str(path)) from exc
        try:
            data = json.loads(raw.decode("utf-8-sig"), parse_constant=_no_constant)
        except UnicodeDecodeError as exc:
            raise LoadError(f"JSON is not UTF-8 (bad byte at offset {exc.start})", path=str(path)) from None
        except json.JSONDecodeError as exc:
            raise LoadError(
                f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", path=str(path)
            ) from None
        except _BadValue as exc:
            raise LoadError(f"not valid JSON: {exc}", path=str(path)) from None
        except RecursionError:
            raise LoadError("not valid JSON: nested too deeply", path=str(path)) from None
        except ValueError as exc:  # e.g. an integer of more digits than Python converts
            raise LoadError(f"not valid JSON: {str(exc)[:200]}", path=str(path)) from None
        return budget_from_dict(data, path)


class WorkbookLoader:
    """Reads an .xlsx with one sheet per frame key (the layout ``auditor parse --format xlsx`` writes)."""

    name = "xlsx"
    builtin = True

    def sniff(self, path: Path, head: bytes) -> bool:
        return is_workbook(path, head)

    def load(self, path: Path) -> Budget:
        try:
            with path.open("rb") as fh:
                magic = fh.read(4)
        except OSError as exc:
            raise LoadError(f"cannot read file ({exc.strerror})", path=str(path)) from exc
        if magic != ZIP_MAGIC:
            raise LoadError("not an .xlsx workbook (the file is not a zip archive)", path=str(path))
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException, ...
            raise LoadError(f"cannot read workbook: {exc.__class__.__name__}: {exc}", path=str(path)) from exc
        try:
            sheets = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
        except Exception as exc:
            raise LoadError(f"cannot read workbook: {exc.__class__.__name__}: {exc}", path=str(path)) from exc
        finally:
            wb.close()
        return self._from_sheets(path, sheets)

    def _from_sheets(self, path: Path, sheets: dict[str, list[list[Any]]]) -> Budget:
        known = [k for k in ALL_TABLE_KEYS if k in sheets]
        if not known and META_SHEET not in sheets:
            raise LoadError(
                "not an auditor workbook: none of its sheets is a table key (fiscal_summary, gpb_function, ...)",
                path=str(path),
            )
        schema_all = self._schema(path, sheets.get(SCHEMA_SHEET))
        frames: dict[str, pd.DataFrame] = {}
        for key in known:
            rows = sheets[key]
            if not rows:
                continue
            header = [None if h is None else str(h).strip() for h in rows[0]]
            schema = schema_all.get(key)
            kinds = _kinds(key, schema)
            records = []
            for r, values in enumerate(rows[1:], start=2):
                if all(v is None or (isinstance(v, str) and v == "") for v in values):
                    continue
                rec: dict[str, Any] = {}
                for col, value in zip(header, values):
                    if not col:
                        continue
                    try:
                        rec[col] = _cell(key, col, kinds.get(col), value, from_cells=True)
                    except _BadValue as exc:
                        raise LoadError(f"sheet '{key}', row {r}, column '{col}': {exc}", path=str(path)) from exc
                if bad := row_problem(key, rec):
                    raise LoadError(f"sheet '{key}', row {r}, column '{bad[0]}': {bad[1]}", path=str(path))
                records.append(rec)
            frames[key] = _build_frame(key, records, schema)
        meta = self._meta(path, sheets.get(META_SHEET))
        return _budget(path, "workbook", meta_from_dict(meta, str(path)), frames)

    @staticmethod
    def _schema(path: Path, rows: list[list[Any]] | None) -> dict[str, dict[str, dict]]:
        out: dict[str, dict[str, dict]] = {}
        for r, values in enumerate((rows or [])[1:], start=2):
            values = list(values) + [None] * 5
            sheet, col, kind, dtype, missing = values[:5]
            if sheet and col:
                spec = {"kind": kind, "dtype": dtype}
                if missing:
                    spec["missing"] = missing
                problem = column_spec_problem(spec)
                if problem:
                    raise LoadError(
                        f"sheet '{SCHEMA_SHEET}', row {r}, column '{problem[0].lstrip('.')}': {problem[1]}",
                        path=str(path),
                    )
                out.setdefault(str(sheet), {})[str(col)] = spec
        return out

    @staticmethod
    def _meta(path: Path, rows: list[list[Any]] | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for r, values in enumerate((rows or [])[1:], start=2):
            values = list(values) + [None, None]
            field, value = values[0], values[1]
            if not field:
                continue
            try:
                parsed = json.loads(value, parse_constant=_no_constant) if isinstance(value, str) else value
            except json.JSONDecodeError as exc:
                raise LoadError(
                    f"sheet '{META_SHEET}', row {r}, column 'value': bad JSON ({exc.msg})", path=str(path)
                ) from None
            except (_BadValue, RecursionError, ValueError) as exc:
                why = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)[:200]
                raise LoadError(
                    f"sheet '{META_SHEET}', row {r}, column 'value': bad JSON ({why})", path=str(path)
                ) from None
            problem = meta_field_problem(str(field), parsed)
            if problem:
                raise LoadError(
                    f"sheet '{META_SHEET}', row {r} ({field}{problem[0]}), column 'value': {problem[1]}", path=str(path)
                )
            out[str(field)] = parsed
        return out

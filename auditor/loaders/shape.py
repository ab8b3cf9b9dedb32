"""The shape a JSON export or workbook must have before any of it is used.

``meta_problem`` and ``schema_problem`` check the ``meta`` object and the column schema against the
model (types of every field, bounded numbers); ``cell_problem`` checks one value of a table column.
Each returns ``None`` or ``(where, what)`` so that the loader can name the sheet, row and column
(or the JSON path) in its LoadError. Nothing here recurses on the input: every walk is bounded by
the fixed shape of the model.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..export import BOOL, DECIMAL, EMPTY, FLOAT, INT, JSON, LOCATION, MIXED, MONEY, TEXT
from ..model import ALL_TABLE_KEYS, MAX_LOCATION, columns_for
from ..money import UNIT_FEN

_NONE = type(None)
_YEAR = (1000, 9999)
KINDS = {MONEY, LOCATION, TEXT, INT, FLOAT, BOOL, DECIMAL, JSON, EMPTY, MIXED}
DTYPES = {"object", "Int64", "bool", "boolean", "float64", "int64", "string"}
#: How deep a JSON value in a cell may nest (real exports nest two or three levels).
MAX_DEPTH = 20


def _type_name(v: Any) -> str:
    if v is None:
        return "null"
    return {bool: "boolean", int: "integer", float: "number", str: "text", list: "list", dict: "object"}.get(
        type(v), type(v).__name__
    )


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _text(v: Any) -> str | None:
    return None if v is None or isinstance(v, str) else f"expected text or null, got {_type_name(v)}"


def _whole(what: str, expected: str):
    """A check for a whole number from 0 to MAX_LOCATION, or null."""

    def check(v: Any) -> str | None:
        if v is None:
            return None
        if not _is_int(v):
            return f"expected {expected} or null, got {_type_name(v)}"
        if not 0 <= v <= MAX_LOCATION:
            return f"{what} {v} is out of range"
        return None

    return check


_location = _whole("line/page number", "a line/page number")
_count = _whole("count", "a whole number")


def _text_list(v: Any) -> tuple[str, str] | None:
    if v is None:
        return None
    if not isinstance(v, list):
        return "", f"expected a list of text, got {_type_name(v)}"
    for i, item in enumerate(v):
        if not isinstance(item, str):
            return f"[{i}]", f"expected text, got {_type_name(item)}"
    return None


def _fields(obj: Any, spec: dict[str, Any]) -> tuple[str, str] | None:
    if not isinstance(obj, dict):
        return "", f"expected an object, got {_type_name(obj)}"
    for name, check in spec.items():
        if name not in obj:
            continue
        problem = check(obj[name])
        if problem:
            if isinstance(problem, tuple):
                return f".{name}{problem[0]}", problem[1]
            return f".{name}", problem
    return None


def _flag(v: Any) -> str | None:
    return None if isinstance(v, bool) else f"expected true or false, got {_type_name(v)}"


_TABLE_INFO = {
    "key": _text,
    "title": _text,
    "unit": _text,
    "department": _text,
    "notes": _text_list,
    "line": _location,
    "page": _location,
    "empty": _flag,
    "unit_assumed": _text,
    "decimals": _count,
    "amounts": _count,
}
_SECTION = {"key": _text, "title": _text, "line": _location, "page": _location}
_TOC = {"title": _text, "line": _location, "page": _location}


def _year(v: Any) -> str | None:
    if v is None:
        return None
    if not _is_int(v):
        return f"expected a year (a whole number) or null, got {_type_name(v)}"
    if not _YEAR[0] <= v <= _YEAR[1]:
        return f"year {v} is out of range"
    return None


def _mapping_of(spec: dict[str, Any]):
    def check(v: Any) -> tuple[str, str] | str | None:
        if v is None:
            return None
        if not isinstance(v, dict):
            return f"expected an object, got {_type_name(v)}"
        for k, item in v.items():
            problem = _fields(item, spec)
            if problem:
                return f".{k}{problem[0]}", problem[1]
        return None

    return check


def _list_of(spec: dict[str, Any]):
    def check(v: Any) -> tuple[str, str] | str | None:
        if v is None:
            return None
        if not isinstance(v, list):
            return f"expected a list, got {_type_name(v)}"
        for i, item in enumerate(v):
            problem = _fields(item, spec)
            if problem:
                return f"[{i}]{problem[0]}", problem[1]
        return None

    return check


_META = {
    "source": _text,
    "department": _text,
    "year": _year,
    "kind": _text,
    "unit": _text,
    "extraction": _text,
    "tables": _mapping_of(_TABLE_INFO),
    "sections": _mapping_of(_SECTION),
    "toc": _list_of(_TOC),
    "missing_tables": _text_list,
    "missing_sections": _text_list,
    "notes": _text_list,
}


def meta_problem(meta: Any) -> tuple[str, str] | None:
    """(path inside meta, what is wrong) for the first field of the wrong type, else None."""
    return _fields(meta, _META)


def meta_field_problem(name: str, value: Any) -> tuple[str, str] | None:
    """The problem of one meta field (a workbook's meta sheet holds one field a row)."""
    check = _META.get(name)
    if check is None:
        return None
    problem = check(value)
    if isinstance(problem, str):
        return "", problem
    return problem


def schema_problem(schema: Any) -> tuple[str, str] | None:
    """(path, what) for a column schema that is not {sheet: {column: {kind, dtype, missing}}}."""
    if not isinstance(schema, dict):
        return "", f"expected an object, got {_type_name(schema)}"
    for key, cols in schema.items():
        if not isinstance(cols, dict):
            return f".{key}", f"expected an object of columns, got {_type_name(cols)}"
        for col, spec in cols.items():
            problem = column_spec_problem(spec)
            if problem:
                return f".{key}.{col}{problem[0]}", problem[1]
    return None


def column_spec_problem(spec: Any) -> tuple[str, str] | None:
    if spec is None:
        return None
    if not isinstance(spec, dict):
        return "", f"expected an object with kind and dtype, got {_type_name(spec)}"
    kind, dtype, missing = spec.get("kind"), spec.get("dtype"), spec.get("missing")
    for name, v in (("kind", kind), ("dtype", dtype), ("missing", missing)):
        if v is not None and not isinstance(v, str):
            return f".{name}", f"expected text, got {_type_name(v)}"
    if kind is not None and kind not in KINDS:
        return ".kind", f"unknown column kind {str(kind)[:40]!r}"
    if dtype is not None and dtype not in DTYPES:
        return ".dtype", f"unknown dtype {str(dtype)[:40]!r}"
    if missing is not None and missing != "nan":
        return ".missing", f"unknown missing-value marker {str(missing)[:40]!r}"
    return None


#: Contract columns that are neither money nor text.
_NOT_TEXT = {("indicators", "number"), ("facts", "value"), ("fa_items", "completion_rate")}


def _contract_kinds(key: str) -> dict[str, str]:
    cols, money = columns_for(key)
    flags = {"has_kpi_table", "malformed"}
    out = {}
    for c in cols:
        if c in money or c in ("line", "page") or (key, c) in _NOT_TEXT:
            continue
        out[c] = BOOL if c in flags else TEXT
    return out


_CONTRACT = {key: _contract_kinds(key) for key in ALL_TABLE_KEYS}


def depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """How deep lists and objects nest in `value` (stops counting past `limit`), without recursion."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        v, d = stack.pop()
        if d > deepest:
            deepest = d
            if deepest > limit:
                return deepest
        if isinstance(v, dict):
            stack.extend((x, d + 1) for x in v.values())
        elif isinstance(v, list):
            stack.extend((x, d + 1) for x in v)
    return deepest


def cell_problem(key: str, column: str, kind: str | None, value: Any) -> str | None:
    """What is wrong with a restored value of `column` (None when it fits the model)."""
    expected = _CONTRACT.get(key, {}).get(column) or kind
    if value is None:
        return None
    if expected == TEXT and not isinstance(value, str):
        return f"expected text, got {_type_name(value)}"
    if expected == BOOL and not isinstance(value, bool):
        return f"expected true or false, got {_type_name(value)}"
    if expected == INT and (not _is_int(value) or abs(value) > MAX_LOCATION):
        return f"expected a whole number, got {_type_name(value) if not _is_int(value) else value}"
    if isinstance(value, Decimal):
        return None if value.is_finite() else f"value {value} is not a finite number"
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return f"value {value} is not a finite number"
    if isinstance(value, (list, dict)) and depth(value) > MAX_DEPTH:
        return f"value nests more than {MAX_DEPTH} levels deep"
    return None


def row_problem(key: str, row: dict[str, Any]) -> tuple[str, str] | None:
    """What is wrong with a restored row as a whole: (column, problem), None when it fits the model.

    A fact with an amount is money, so its unit is one money is printed in (or none: 万元 is read).
    """
    if key == "facts" and row.get("amount") is not None:
        unit = row.get("unit")
        if unit is not None and unit not in UNIT_FEN:
            return (
                "unit",
                f"a fact with an amount is money: unit must be {', '.join(UNIT_FEN)}, got {_shown_text(unit)}",
            )
    return None


def _shown_text(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."

"""Rule parameters: the types a rule declares for them and the check of configured values.

A rule declares its parameters with their defaults (``params={"floor": 90}`` in Python,
``params: {floor: 90}`` in YAML) and, where the default does not say it, their types
(``param_types={"cap_total": "decimal"}`` / ``param_types: {cap_total: decimal}``). A type not
declared is the type of the default:

=========  ===========================================================  =====================
type       accepts                                                      inferred from
=========  ===========================================================  =====================
decimal    a number or a string of one (``"50.00"``, ``50``, ``0.3``)     a string like "0.30"
number     an integer or a float                                        an int or a float
integer    an integer                                                   (declared only)
string     text                                                         other strings
bool       true / false                                                 a bool
list       an array                                                     a list
mapping    a table                                                      a dict
any        anything                                                     None (no default)
=========  ===========================================================  =====================

``[tool.auditor.params.CODE]`` values are checked against these types when the engine is prepared
(``auditor.selection``); a value of the wrong type is a configuration error (exit 2).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

TYPES = ("decimal", "number", "integer", "string", "bool", "list", "mapping", "any")


def _is_decimal_text(v: str) -> bool:
    try:
        d = Decimal(v.strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return False
    return d.is_finite()


def infer_type(default: Any) -> str:
    """The type of a parameter from its default value."""
    if default is None:
        return "any"
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, (int, float)):
        return "number"
    if isinstance(default, str):
        return "decimal" if _is_decimal_text(default) else "string"
    if isinstance(default, (list, tuple)):
        return "list"
    if isinstance(default, dict):
        return "mapping"
    return "any"


def declared_types(defaults: dict[str, Any], types: dict[str, str] | None) -> dict[str, str]:
    """Every parameter's type: declared, else inferred from its default."""
    types = types or {}
    return {k: types.get(k) or infer_type(v) for k, v in defaults.items()}


def check_value(kind: str, value: Any) -> str | None:
    """None when `value` is a valid `kind`, else what is wrong (for a one-line message)."""
    if kind == "any":
        return None
    if isinstance(value, bool) and kind != "bool":
        return f"a {kind}, not a boolean"
    ok = {
        "decimal": isinstance(value, (int, float, Decimal)) or (isinstance(value, str) and _is_decimal_text(value)),
        "number": isinstance(value, (int, float, Decimal)),
        "integer": isinstance(value, int),
        "string": isinstance(value, str),
        "bool": isinstance(value, bool),
        "list": isinstance(value, (list, tuple)),
        "mapping": isinstance(value, dict),
    }.get(kind, True)
    if ok:
        return None
    article = "an" if kind[0] in "aeiou" else "a"
    return f"{article} {kind}, not {value!r}"

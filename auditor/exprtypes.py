"""Load-time type check of YAML rule expressions against the column types of the rule's table.

``check(tree, column_types)`` walks a parsed expression (already whitelisted by ``auditor.expr``)
and refuses what can only fail or mislead at run time: comparing, adding or subtracting a money or
number column and a text literal (``total <= "50"``: money columns hold integer fen, so write
``wan("50")`` or ``yuan("50.00")``), or text with a number. Types it cannot know (parameters,
``cell()``, ``fact()``, columns of mixed content) are ``unknown`` and pass.
"""

from __future__ import annotations

import ast
from typing import Any

from .model import LOCATION_COLUMNS, columns_for

#: Columns that always hold text (codes are text: "2040201").
TEXT_COLUMNS = {"code", "name", "item", "side", "key", "text", "unit", "section", "project", "level1", "level2"}
_NUMERIC = {"money", "number"}
_SAME_AS_FIRST = {"abs", "min", "max", "sum", "coalesce", "round"}
_RETURNS = {
    "yuan": "money",
    "wan": "money",
    "count": "number",
    "len": "number",
    "nrows": "number",
    "mean": "number",
    "isnull": "bool",
    "notnull": "bool",
    "any": "bool",
    "all": "bool",
    "startswith": "bool",
    "endswith": "bool",
    "contains": "bool",
    "matches": "bool",
    "exists": "bool",
}


class ExprTypeError(Exception):
    """An expression whose operands cannot go together."""


def column_types(table: str | None) -> dict[str, str]:
    """name -> money | number | text for the columns of a table key (others unknown)."""
    if not table:
        return {}
    cols, money = columns_for(table)
    out = {}
    for c in cols:
        if c in money:
            out[c] = "money"
        elif c in LOCATION_COLUMNS:
            out[c] = "number"
        elif c in TEXT_COLUMNS:
            out[c] = "text"
    return out


def _describe(node: ast.AST, kind: str) -> str:
    if isinstance(node, ast.Name):
        return f"{kind} column {node.id!r}"
    if isinstance(node, ast.Constant):
        return f"{kind} {node.value!r}"
    return kind


def infer(node: ast.AST, types: dict[str, str]) -> str:
    """The type of an expression node: money, number, text, bool, none or unknown."""
    if isinstance(node, ast.Constant):
        v = node.value
        if v is None:
            return "none"
        if isinstance(v, bool):
            return "bool"
        if isinstance(v, (int, float)):
            return "number"
        return "text" if isinstance(v, str) else "unknown"
    if isinstance(node, ast.Name):
        return "bool" if node.id in ("True", "False") else types.get(node.id, "unknown")
    if isinstance(node, ast.BoolOp):
        for v in node.values:
            infer(v, types)
        return "bool"
    if isinstance(node, ast.UnaryOp):
        t = infer(node.operand, types)
        return "bool" if isinstance(node.op, ast.Not) else t
    if isinstance(node, ast.BinOp):
        left, right = infer(node.left, types), infer(node.right, types)
        if isinstance(node.op, (ast.Add, ast.Sub)) and {left, right} & _NUMERIC and "text" in (left, right):
            num, txt = (node.left, node.right) if left in _NUMERIC else (node.right, node.left)
            raise ExprTypeError(
                f"combines {_describe(num, left if left in _NUMERIC else right)} with {_describe(txt, 'text')}"
            )
        if "money" in (left, right):
            return "money"
        if left == right == "number":
            return "number"
        return "text" if left == right == "text" else "unknown"
    if isinstance(node, ast.Compare):
        operands = [node.left, *node.comparators]
        kinds = [infer(o, types) for o in operands]
        for op, (a, ka), (b, kb) in zip(node.ops, zip(operands, kinds), zip(operands[1:], kinds[1:]), strict=False):
            if isinstance(op, (ast.In, ast.NotIn)):
                continue
            if {ka, kb} & _NUMERIC and "text" in (ka, kb):
                num, kn, txt = (a, ka, b) if ka in _NUMERIC else (b, kb, a)
                hint = ' (money is in fen: write wan("…") or yuan("…"))' if kn == "money" else ""
                raise ExprTypeError(f"compares {_describe(num, kn)} with {_describe(txt, 'text')}{hint}")
        return "bool"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name = node.func.id
        args = [infer(a, types) for a in node.args]
        if name in ("yuan", "wan") and node.args and args[0] not in ("text", "number", "unknown"):
            raise ExprTypeError(f"{name}() takes a number written as text or a number, not {args[0]}")
        if name in _SAME_AS_FIRST and args:
            return args[0]
        return _RETURNS.get(name, "unknown")
    return "unknown"


def check(tree: Any, types: dict[str, str]) -> None:
    """Raise ExprTypeError when the expression mixes money or numbers with text."""
    if types:
        infer(tree.body if isinstance(tree, ast.Expression) else tree, types)

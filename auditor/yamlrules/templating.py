"""Messages with ``{placeholder}`` parts, and how values are shown in messages and finding fields."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from ..expr import Env, Expr, ExprError
from ..money import fen_to_display, fen_to_yuan_str

PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]+)\}(?!\})")
SPECIAL_PLACEHOLDERS = {
    "expected", "actual", "diff", "row", "table", "column", "line", "page", "left", "right",
    "match", "text", "key", "missing", "tolerance",
}  # fmt: skip


class Template:
    """A message with ``{placeholder}`` parts: expressions over the row or special names."""

    def __init__(self, text: str | None, parts: list[Any]):
        self.text = text
        self.parts = parts

    def render(self, default: str, env: Env | None, special: dict[str, Any], money_cols: set[str]) -> str:
        if self.text is None:
            return default
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            elif part[0] == "special":
                out.append(display(special.get(part[1]), False))
            else:
                e: Expr = part[1]
                try:
                    v = e.evaluate(env) if env is not None else None
                except (ExprError, TypeError, ValueError):
                    v = None
                is_money = bool(e.names & money_cols) or bool(e.functions & {"yuan", "wan", "cell", "fact"})
                out.append(display(v, is_money))
        return "".join(out)


def display(v: Any, money: bool) -> str:
    if v is None or v is pd.NA:
        return "—"
    if hasattr(v, "item") and not isinstance(v, str):
        v = v.item()
    if isinstance(v, float) and v != v:
        return "—"
    if money and isinstance(v, int) and not isinstance(v, bool):
        return fen_to_display(v)
    return str(v)


def money_field(v: Any, money: bool) -> Any:
    """A value for a finding's expected/actual: money as a 元 string with two decimals (the JSON contract)."""
    if hasattr(v, "item") and not isinstance(v, str):
        v = v.item()
    if money and isinstance(v, int) and not isinstance(v, bool):
        return fen_to_yuan_str(v)
    return money_out(v, money)


def money_out(v: Any, money: bool) -> Any:
    """A value as a finding's expected/actual: money as a 元 display string."""
    if v is None or v is pd.NA:
        return None
    if hasattr(v, "item") and not isinstance(v, str):
        v = v.item()
    if money and isinstance(v, int) and not isinstance(v, bool):
        return fen_to_display(v)
    if isinstance(v, float) and v != v:
        return None
    return v

"""Messages with ``{placeholder}`` parts: expressions over the row, or the special names of a finding."""

from __future__ import annotations

from typing import Any

from .. import lazyre
from ..expr import Env, Expr, ExprError
from ..labels import column_label
from ..values import shown

PLACEHOLDER = lazyre.compile(r"(?<!\{)\{([^{}]+)\}(?!\})")
SPECIAL_PLACEHOLDERS = {
    "expected", "actual", "diff", "row", "table", "column", "line", "page", "left", "right",
    "match", "text", "key", "missing", "tolerance", "label", "title", "assumed",
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
            elif part[0] == "special" and part[1] == "column":  # the header the table prints, never the key
                out.append(shown(column_label(special.get("table"), special.get("column")), False))
            elif part[0] == "special":
                out.append(shown(special.get(part[1]), False))
            else:
                e: Expr = part[1]
                try:
                    v = e.evaluate(env) if env is not None else None
                except (ExprError, TypeError, ValueError):
                    v = None
                is_money = bool(e.names & money_cols) or bool(e.functions & {"yuan", "wan", "cell", "fact"})
                out.append(shown(v, is_money))
        return "".join(out)

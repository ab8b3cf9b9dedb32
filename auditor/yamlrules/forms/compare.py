"""``compare``: two scalar references (cells, sums, facts, params, expressions) with ``op``/``tolerance``."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from ...expr import Env, Expr, fact_value, select_rows, to_fen
from ...findings import Finding
from ...model import columns_for
from ...money import UNIT_FEN, fen_to_display
from ...rules import RuleContext
from ...values import field_value, shown_or_none
from ..common import OPS, frame_env, parse_tolerance, row_location

if TYPE_CHECKING:
    from ..builder import Builder


class Ref:
    """A scalar reference in ``compare``/``fact``: a cell or sum of a table, a fact, a param, a value, an expression."""

    def __init__(self, b: Builder, raw: Any, key: str):
        self.raw = raw
        self.money = True
        self.table = self.column = None
        self.expr: Expr | None = None
        self.source = "current"
        if isinstance(raw, str):
            raw = {"expr": raw}
        if not isinstance(raw, dict):
            raise b.error(f"{key} must be a mapping (table/column/row, fact, param, value or expr)", key)
        self.source = raw.get("source", "current")
        self.agg = raw.get("agg", "sum")
        if self.agg not in ("sum", "first", "count", "max", "min"):
            raise b.error(f"agg must be sum, first, count, max or min, not {self.agg!r}", key)
        if "table" in raw:
            self.table = b.table(raw["table"], key)
            self.column = b.column(self.table, raw.get("column"), key)
            self.money = self.column in columns_for(self.table)[1]
            self.row = raw.get("row", raw.get("code"))
            self.where = b.expr(raw["where"], key, self.table) if "where" in raw else None
            self.kind = "table"
        elif "fact" in raw:
            self.kind, self.key = "fact", raw["fact"]
            self.field = raw.get("field")
        elif "param" in raw:
            if raw["param"] not in b.params:
                raise b.error(f"unknown parameter {raw['param']!r} (declare it under params:)", key)
            self.kind, self.key = "param", raw["param"]
            self.unit = raw.get("unit", "元")
            if self.unit not in UNIT_FEN and self.unit != "number":
                raise b.error("unit must be 元, 万元, 亿元 or number", key)
            self.money = self.unit != "number"
        elif "value" in raw:
            self.kind = "value"
            self.unit = raw.get("unit", "元")
            self.money = self.unit != "number"
            self.value = raw["value"] if not self.money else to_fen(raw["value"], UNIT_FEN[self.unit])
        elif "expr" in raw:
            self.kind = "expr"
            self.expr = b.expr(raw["expr"], key, None)
            self.money = raw.get("money", True)
        else:
            raise b.error(f"{key} needs table/column, fact, param, value or expr", key)
        self.desc = raw.get("label") or describe(raw)

    def resolve(self, budget: Any, ctx: RuleContext) -> tuple[Any, dict[str, Any]]:
        """(value, location) — value None when the document does not show it."""
        if self.source == "previous":
            budget = ctx.previous
            if budget is None:
                return None, {}
        if self.kind == "table":
            df = budget.table(self.table)
            if df.empty:
                return None, {}
            if self.where is not None:
                names = self.where.names
                cols, raw = frame_env(df, self.table, names, "keep")
                m = self.where.evaluate(Env(columns=cols, raw=raw, params=ctx.params, budget=budget))
                sel = (
                    df[m.astype("boolean").fillna(False).to_numpy(dtype=bool)]
                    if isinstance(m, pd.Series)
                    else (df if m else df.iloc[0:0])
                )
            elif self.row is not None:
                rows = self.row if isinstance(self.row, list) else [self.row]
                parts = [select_rows(df, r) for r in rows]
                if any(p.empty for p in parts):
                    return None, {}
                sel = pd.concat(parts)
            else:
                sel = df
            if sel.empty:
                return None, {}
            loc = {"table": self.table, "column": self.column}
            if len(sel) == 1:
                loc.update(row_location(sel, sel.index[0]))
            s = sel[self.column]
            if self.agg == "count":
                return int(s.notna().sum()), loc
            if self.agg == "first":
                v = s.iloc[0]
                return (None if v is pd.NA else (v.item() if hasattr(v, "item") else v)), loc
            s = s.fillna(0) if self.money else s
            v = getattr(s, self.agg)()
            return (v.item() if hasattr(v, "item") else v), loc
        if self.kind == "fact":
            facts = budget.table("facts")
            hit = facts[facts["key"] == self.key]
            if hit.empty:
                return None, {}
            idx = hit.index[0]
            loc = {"table": "facts", "row": self.key, "line": hit.at[idx, "line"], "page": hit.at[idx, "page"]}
            if self.field:
                v = hit.at[idx, self.field]
                return (None if v is pd.NA else v), loc
            return fact_value(budget, self.key), loc
        if self.kind == "param":
            v = ctx.params.get(self.key)
            if v is None:
                return None, {}
            return (to_fen(v, UNIT_FEN[self.unit]) if self.money else v), {}
        if self.kind == "value":
            return self.value, {}
        v = self.expr.evaluate(Env(params=ctx.params, budget=budget))  # type: ignore[union-attr]
        return (None if v is pd.NA else v), {}


def describe(raw: dict[str, Any]) -> str:
    if "table" in raw:
        sel = raw.get("row", raw.get("code"))
        sel = f"[{sel}]" if sel is not None else (f"[{raw['where']}]" if "where" in raw else "")
        return f"{raw['table']}{sel}.{raw.get('column')}"
    for k in ("fact", "param", "value", "expr"):
        if k in raw:
            return f"{k} {raw[k]}"
    return "?"


def build_compare_list(
    b: Builder, items: list[dict[str, Any]], key: str, tol_default: Any, missing_default: str
) -> list[tuple[Ref, str, Ref, int, str]]:
    out = []
    for item in items:
        if not isinstance(item, dict) or "left" not in item or "right" not in item:
            raise b.error(f"each {key} needs left and right", key)
        op = item.get("op", "==")
        if op not in OPS:
            raise b.error(f"op must be one of {', '.join(OPS)}", key)
        missing = item.get("missing", missing_default)
        if missing not in ("skip", "fail", "zero"):
            raise b.error("missing must be skip, fail or zero", key)
        tol = parse_tolerance(item.get("tolerance", tol_default), b, key)
        out.append((Ref(b, item["left"], key), op, Ref(b, item["right"], key), tol, missing))
    return out


def compare_check(
    b: Builder, spec: dict[str, Any], pairs: list[tuple[Ref, str, Ref, int, str]]
) -> Callable[[Any, RuleContext], list[Finding]]:
    message = b.template(spec.get("message"), "message", None)

    def check(budget: Any, ctx: RuleContext) -> list[Finding]:
        out = []
        for left, op, right, tol, missing in pairs:
            lv, lloc = left.resolve(budget, ctx)
            rv, rloc = right.resolve(budget, ctx)
            loc = lloc or rloc
            money = left.money and right.money
            if lv is None or rv is None:
                if missing == "skip":
                    continue
                if missing == "zero":
                    lv, rv = lv or 0, rv or 0
                else:
                    absent = left.desc if lv is None else right.desc
                    out.append(
                        ctx.finding(
                            message.render(
                                f"{absent} is missing",
                                None,
                                {"missing": absent, "left": left.desc, "right": right.desc},
                                set(),
                            ),
                            table=loc.get("table"),
                            row=loc.get("row"),
                            column=loc.get("column"),
                            line=loc.get("line"),
                            page=loc.get("page"),
                        )
                    )
                    continue
            try:
                ok = OPS[op](lv, rv, tol)
            except TypeError:
                ok = OPS[op](Decimal(str(lv)), Decimal(str(rv)), tol)
            if ok:
                continue
            a, e = shown_or_none(lv, money), shown_or_none(rv, money)
            special = {
                "actual": a,
                "expected": e,
                "left": left.desc,
                "right": right.desc,
                "tolerance": fen_to_display(tol),
                **loc,
            }
            if isinstance(lv, int) and isinstance(rv, int):
                special["diff"] = shown_or_none(lv - rv, money)
            default = f"{left.desc} = {a}, expected {op} {right.desc} = {e}"
            out.append(
                ctx.finding(
                    message.render(default, None, special, set()),
                    table=loc.get("table"),
                    row=loc.get("row"),
                    column=loc.get("column"),
                    line=loc.get("line"),
                    page=loc.get("page"),
                    expected=field_value(rv, money),
                    actual=field_value(lv, money),
                )
            )
        return out

    return check


def build(b: Builder, spec: dict[str, Any], table: str | None) -> Callable[[Any, RuleContext], list[Finding]]:
    body = spec["compare"]
    items = body if isinstance(body, list) else [body]
    return compare_check(b, spec, build_compare_list(b, items, "compare", spec.get("tolerance"), "skip"))

"""``assert``: a row-wise expression over ``table`` (optional ``where``), or a scalar expression."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from ...expr import Env, Expr
from ...findings import Finding
from ...model import columns_for
from ...rules import RuleContext
from ...values import field_value, shown_or_none
from ..common import OPS, frame_env, parse_tolerance, row_env, row_location, tol_series

if TYPE_CHECKING:
    from ..builder import Builder


def build(b: Builder, spec: dict[str, Any], table: str | None) -> Callable[[Any, RuleContext], list[Finding]]:
    assertion = b.expr(spec["assert"], "assert", table)
    where = b.expr(spec["where"], "where", table) if "where" in spec else None
    tol = parse_tolerance(spec.get("tolerance"), b, "tolerance")
    message = b.template(spec.get("message"), "message", table)
    nulls = spec.get("nulls", "zero")
    money_cols = set(columns_for(table)[1]) if table else set()
    top = assertion.top_comparison()
    sides = None
    if top is not None:
        left_e = Expr(
            text="", tree=as_expression(top[0]), names=set(assertion.names), functions=set(assertion.functions)
        )
        right_e = Expr(
            text="", tree=as_expression(top[2]), names=set(assertion.names), functions=set(assertion.functions)
        )
        sides = (left_e, top[1], right_e)
    is_money = bool(assertion.names & money_cols) or bool(assertion.functions & {"yuan", "wan", "cell", "fact"})
    default_msg = f"{spec.get('title') or spec.get('name') or spec['code']}: {str(spec['assert']).strip()} fails"

    def check(budget: Any, ctx: RuleContext) -> list[Finding]:
        if table is None:
            env = Env(params=ctx.params, budget=budget)
            if sides is not None and tol:
                lv, rv = sides[0].evaluate(env), sides[2].evaluate(env)
                if lv is None or rv is None:
                    return []
                ok = OPS[sides[1]](lv, rv, tol)
            else:
                ok = assertion.evaluate(env)
                if ok is None or ok is pd.NA:
                    return []
            if ok:
                return []
            special: dict[str, Any] = {}
            if sides is not None:
                lv, rv = sides[0].evaluate(env), sides[2].evaluate(env)
                special = {
                    "actual": shown_or_none(lv, is_money),
                    "expected": shown_or_none(rv, is_money),
                    "left": shown_or_none(lv, is_money),
                    "right": shown_or_none(rv, is_money),
                }
                if isinstance(lv, int) and isinstance(rv, int):
                    special["diff"] = shown_or_none(lv - rv, is_money)
                fields = {"expected": field_value(rv, is_money), "actual": field_value(lv, is_money)}
            else:
                fields = {}
            return [ctx.finding(message.render(default_msg, env, special, money_cols), **fields)]
        df = budget.table(table)
        if df.empty:
            return []
        names = set(assertion.names) | (where.names if where else set())
        for part in message.parts:
            if isinstance(part, tuple) and part[0] == "expr":
                names |= part[1].names
        cols, raw = frame_env(df, table, names, nulls)
        env = Env(columns=cols, raw=raw, params=ctx.params, budget=budget)
        selected = pd.Series(True, index=df.index)
        if where is not None:
            w = where.evaluate(env)
            selected = (
                w.astype("boolean").fillna(False) if isinstance(w, pd.Series) else pd.Series(bool(w), index=df.index)
            )
        if nulls == "skip":
            for n in assertion.names & money_cols:
                selected &= raw[n].notna()
        if sides is not None and tol:
            lv, rv = sides[0].evaluate(env), sides[2].evaluate(env)
            ok = tol_series(sides[1], lv, rv, tol, df.index)
        else:
            ok = assertion.evaluate(env)
        if not isinstance(ok, pd.Series):
            ok = pd.Series(ok, index=df.index)
        passing = ok.astype("boolean").fillna(True)
        failing = selected & ~passing
        out = []
        for idx in df.index[failing.to_numpy(dtype=bool)]:
            renv = row_env(df, idx, table, ctx.params, budget, nulls)
            special = {"table": table, **row_location(df, idx)}
            fields: dict[str, Any] = {}
            if sides is not None:
                lv, rv = sides[0].evaluate(renv), sides[2].evaluate(renv)
                special.update(
                    actual=shown_or_none(lv, is_money),
                    expected=shown_or_none(rv, is_money),
                    left=shown_or_none(lv, is_money),
                    right=shown_or_none(rv, is_money),
                )
                if isinstance(lv, int) and isinstance(rv, int):
                    special["diff"] = shown_or_none(lv - rv, is_money)
                fields = {"expected": field_value(rv, is_money), "actual": field_value(lv, is_money)}
            out.append(
                ctx.finding(
                    message.render(default_msg, renv, special, money_cols),
                    table=table,
                    row=special["row"],
                    line=special["line"],
                    page=special["page"],
                    **fields,
                )
            )
        return out

    return check


def as_expression(node: Any) -> Any:
    import ast

    return ast.Expression(body=node)

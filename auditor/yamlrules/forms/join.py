"""``join``: the same key (code) has the same amounts in two tables."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from ...expr import Env
from ...findings import Finding
from ...money import fen_to_display, fen_to_yuan_str
from ...rules import RuleContext
from ...values import plain
from ..common import frame_env, parse_tolerance

if TYPE_CHECKING:
    from ..builder import Builder


def build(b: Builder, spec: dict[str, Any], table: str | None) -> Callable[[Any, RuleContext], list[Finding]]:
    body = spec["join"]
    if not isinstance(body, dict):
        raise b.error("join must be a mapping (left, right, on, columns)", "join")
    lt = b.table(body.get("left"), "join")
    rt = b.table(body.get("right"), "join")
    on = body.get("on", "code")
    on = [on] if isinstance(on, str) else on
    for c in on:
        b.column(lt, c, "join")
        b.column(rt, c, "join")
    cols = body.get("columns")
    if isinstance(cols, list):
        cols = {c: c for c in cols}
    if not isinstance(cols, dict) or not cols:
        raise b.error("join columns must be a list or a mapping left_column: right_column", "join")
    for lc, rc in cols.items():
        b.column(lt, lc, "join")
        b.column(rt, rc, "join")
    where = b.expr(body["where"], "join", lt) if "where" in body else None
    missing = body.get("missing", "ignore")
    if missing not in ("ignore", "fail"):
        raise b.error("join missing must be ignore or fail", "join")
    tol = parse_tolerance(body.get("tolerance", spec.get("tolerance")), b, "join")
    message = b.template(spec.get("message"), "message", None)

    def check(budget: Any, ctx: RuleContext) -> list[Finding]:
        left = budget.table(lt)
        right = budget.table(rt)
        if left.empty or right.empty:
            return []
        left = left[left[on].notna().all(axis=1)]
        if where is not None:
            cenv, raw = frame_env(left, lt, where.names, "keep")
            m = where.evaluate(Env(columns=cenv, raw=raw, params=ctx.params, budget=budget))
            if isinstance(m, pd.Series):
                left = left[m.astype("boolean").fillna(False).to_numpy(dtype=bool)]
        r = right[right[on].notna().all(axis=1)][[*on, *cols.values()]].drop_duplicates(subset=on)
        r = r.rename(columns={rc: f"__r_{rc}" for rc in cols.values()})
        merged = left.reset_index().merge(r, on=on, how="left", indicator=True)
        out = []
        for _, row in merged.iterrows():
            key = "/".join(str(row[c]) for c in on)
            loc = {"row": key, "line": row.get("line"), "page": row.get("page")}
            if row["_merge"] != "both":
                if missing == "fail":
                    default = f"{lt} {key} is not in {rt}"
                    out.append(
                        ctx.finding(
                            message.render(default, None, {"table": lt, "missing": key, **loc}, set()),
                            table=lt,
                            row=key,
                            line=plain(loc["line"]),
                            page=plain(loc["page"]),
                        )
                    )
                continue
            for lc, rc in cols.items():
                a, e = plain(row[lc]), plain(row[f"__r_{rc}"])
                a, e = a or 0, e or 0
                if abs(int(a) - int(e)) > tol:
                    special = {
                        "table": lt,
                        "column": lc,
                        "actual": fen_to_display(a),
                        "expected": fen_to_display(e),
                        "diff": fen_to_display(a - e),
                        "left": lt,
                        "right": rt,
                        **loc,
                    }
                    default = f"{lt} {key} {lc} = {fen_to_display(a)}, but {rt} prints {fen_to_display(e)}"
                    out.append(
                        ctx.finding(
                            message.render(default, None, special, set()),
                            table=lt,
                            row=key,
                            column=lc,
                            line=plain(loc["line"]),
                            page=plain(loc["page"]),
                            expected=fen_to_yuan_str(e),
                            actual=fen_to_yuan_str(a),
                        )
                    )
        return out

    return check

"""``require``: presence of tables, sections, notes of empty tables, facts, values, table units/编制部门."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...expr import table_present
from ...findings import Finding
from ...rules import RuleContext

if TYPE_CHECKING:
    from ..builder import Builder


def build(b: Builder, spec: dict[str, Any], table: str | None) -> Callable[[Any, RuleContext], list[Finding]]:
    body = spec["require"]
    if not isinstance(body, dict):
        raise b.error("require must be a mapping (tables, sections, notes, facts, values, table_info)", "require")
    allowed = {"tables", "sections", "notes", "facts", "values", "table_info", "of"}
    for k in body:
        if k not in allowed:
            raise b.error(f"unknown require key {k!r} (use {', '.join(sorted(allowed))})", "require")
    tables = [b.table(t, "require") for t in body.get("tables", [])]
    notes = [b.table(t, "require") for t in body.get("notes", [])]
    sections = list(body.get("sections", []))
    facts = list(body.get("facts", []))
    values = body.get("values", [])
    for v in values:
        if not isinstance(v, dict):
            raise b.error("require values are {table, column}", "require")
        b.column(b.table(v.get("table"), "require"), v.get("column"), "require")
    info = body.get("table_info", [])
    for f in info:
        if f not in ("unit", "department"):
            raise b.error("table_info may require unit and department", "require")
    of = [b.table(t, "require") for t in body.get("of", [])]
    message = b.template(spec.get("message"), "message", None)

    def check(budget: Any, ctx: RuleContext) -> list[Finding]:
        out = []
        meta = budget.meta

        def emit(default: str, missing: str, **loc: Any) -> None:
            out.append(ctx.finding(message.render(default, None, {"missing": missing, **loc}, set()), **loc))

        for t in tables:
            if not table_present(budget, t):
                emit(f"required table {t} is missing", t, table=t)
        for s in sections:
            if s not in meta.sections:
                emit(f"required section {s} is missing", s)
        for t in notes:
            ti = meta.tables.get(t)
            df = budget.frames.get(t)
            empty = (ti is not None and ti.empty) or (ti is not None and (df is None or df.empty))
            if empty and not ti.notes:
                emit(f"table {t} is empty and carries no note saying why", t, table=t, line=ti.line, page=ti.page)
        for k in facts:
            if budget.fact(k).empty:
                emit(f"the document states no {k}", k)
        for v in values:
            df = budget.table(v["table"])
            if df.empty or df[v["column"]].isna().all():
                emit(
                    f"{v['table']}.{v['column']} has no value",
                    f"{v['table']}.{v['column']}",
                    table=v["table"],
                    column=v["column"],
                )
        for f in info:
            for key, ti in meta.tables.items():
                if of and key not in of:
                    continue
                if not getattr(ti, f):
                    label = "unit" if f == "unit" else "编制部门"
                    emit(f"table {key} does not state its {label}", f"{key}.{f}", table=key, line=ti.line, page=ti.page)
        return out

    return check

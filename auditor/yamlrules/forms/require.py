"""``require``: presence of tables, sections, notes of empty tables, facts, values, table units/编制部门.

Each missing thing is one finding whose ``expected`` names it: a table by its template title, a
section by the label the rule gives it (``sections: {glossary: 名词解释}``; a plain list uses the key).
Messages may use ``{missing}`` (the key), ``{label}``, and for ``table_info`` ``{title}`` (the table's
printed title) and ``{assumed}`` (the unit its amounts were read in); ``table_info`` may give each
field its own message (``table_info: {unit: "…", department: "…"}``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...expr import table_present
from ...findings import Finding
from ...model import DEFAULT_UNIT, FA_NINE_TABLES, NINE_TABLES
from ...rules import RuleContext

if TYPE_CHECKING:
    from ..builder import Builder

#: What a table header states, as (column of the finding, expected text, English name).
TABLE_INFO = {
    "department": ("编制部门", "编制部门：……", "编制部门"),
    "unit": ("单位", "单位：元/万元", "unit"),
}


def _labelled(b: Builder, raw: Any, what: str) -> dict[str, str]:
    """A list of keys, or a mapping key: label, as {key: label}."""
    if raw is None:
        return {}
    if isinstance(raw, dict):
        items = {str(k): str(v) if v is not None else str(k) for k, v in raw.items()}
    elif isinstance(raw, list):
        items = {str(k): str(k) for k in raw}
    else:
        raise b.error(f"require {what} must be a list of keys or a mapping key: label", "require")
    return items


def build(b: Builder, spec: dict[str, Any], table: str | None) -> Callable[[Any, RuleContext], list[Finding]]:
    body = spec["require"]
    if not isinstance(body, dict):
        raise b.error("require must be a mapping (tables, sections, notes, facts, values, table_info)", "require")
    allowed = {"tables", "sections", "notes", "facts", "values", "table_info", "of"}
    for k in body:
        if k not in allowed:
            raise b.error(f"unknown require key {k!r} (use {', '.join(sorted(allowed))})", "require")
    titles = {**NINE_TABLES, **FA_NINE_TABLES}
    tables = {b.table(t, "require"): titles.get(t, t) for t in body.get("tables", [])}
    notes = [b.table(t, "require") for t in body.get("notes", [])]
    sections = _labelled(b, body.get("sections"), "sections")
    facts = list(body.get("facts", []))
    values = body.get("values", [])
    for v in values:
        if not isinstance(v, dict):
            raise b.error("require values are {table, column}", "require")
        b.column(b.table(v.get("table"), "require"), v.get("column"), "require")
    raw_info = body.get("table_info", [])
    info_messages = raw_info if isinstance(raw_info, dict) else dict.fromkeys(raw_info or [])
    for f in info_messages:
        if f not in TABLE_INFO:
            raise b.error("table_info may require unit and department", "require")
    info = {f: b.template(m, "require", None) if m is not None else None for f, m in info_messages.items()}
    of = [b.table(t, "require") for t in body.get("of", [])]
    message = b.template(spec.get("message"), "message", None)

    def check(budget: Any, ctx: RuleContext) -> list[Finding]:
        out = []
        meta = budget.meta

        def emit(default: str, missing: str, label: str, template=None, special=None, **loc: Any) -> None:
            special = {"missing": missing, "label": label, **(special or {}), **loc}
            text = (template or message).render(default, None, special, set())
            out.append(ctx.finding(text, expected=special.pop("expected", label), actual=None, **loc))

        for t, label in tables.items():
            if not table_present(budget, t):
                emit(f"required table {t} is missing", t, label, table=t)
        for s, label in sections.items():
            if s not in meta.sections:
                emit(f"required section {s} is missing", s, label)
        for t in notes:
            ti = meta.tables.get(t)
            df = budget.frames.get(t)
            empty = (ti is not None and ti.empty) or (ti is not None and (df is None or df.empty))
            if empty and not ti.notes:
                emit(
                    f"table {t} is empty and carries no note saying why",
                    t,
                    ti.title,
                    table=t,
                    line=ti.line,
                    page=ti.page,
                )
        for k in facts:
            if budget.fact(k).empty:
                emit(f"the document states no {k}", k, k)
        for v in values:
            df = budget.table(v["table"])
            if df.empty or df[v["column"]].isna().all():
                key = f"{v['table']}.{v['column']}"
                emit(f"{key} has no value", key, key, table=v["table"], column=v["column"])
        for key, ti in meta.tables.items():
            if of and key not in of:
                continue
            for f, template in info.items():
                if getattr(ti, f):
                    continue
                column, expected, name = TABLE_INFO[f]
                special = {
                    "title": ti.title,
                    "assumed": ti.unit_assumed or DEFAULT_UNIT.get(key, "元"),
                    "expected": expected,
                }
                emit(
                    f"table {key} does not state its {name}",
                    f"{key}.{f}",
                    column,
                    template or message,
                    special,
                    table=key,
                    column=column,
                    line=ti.line,
                    page=ti.page,
                )
        return out

    return check

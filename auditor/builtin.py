"""The built-in plugin: the repository's rule pack and rule plugins, and SCH001.

Registered through the entry point ``[project.entry-points.auditor] builtin = "auditor.builtin"``
(and directly by the plugin manager, so a source checkout works without reinstalling). It is an
ordinary plugin: a user's plugin uses the same hooks.
"""

from __future__ import annotations

from .bundle import BUNDLE, plugin_files, plugins_dir, required_sections, rules_dir
from .hookspecs import hookimpl
from .rules import rule
from .values import is_missing

__all__ = ["BUNDLE", "plugin_files", "plugins_dir", "required_sections", "rules_dir"]  # defined in bundle.py


@hookimpl
def auditor_rule_paths():
    d = rules_dir()
    return [d] if d.is_dir() else []


def _schema_message(rec: dict) -> str:
    from .schemas import CHECK_LABELS

    check = str(rec.get("check") or "")
    label = next((v for k, v in CHECK_LABELS.items() if check.startswith(k)), check)
    where = f"{rec.get('table')}.{rec.get('column')}" if rec.get("column") else str(rec.get("table"))
    value = rec.get("value")
    return f"{where}: fails {label}" + (f" ({value!r})" if value not in (None, "") else "")


@rule(
    "SCH001",
    name="schema",
    severity="error",
    tags=["schema"],
    title="Every table passes its schema (code formats, non-negative money, required columns and names)",
    reference={"regulation": "数据模型（docs/data-model.md 所列的表、列与类型）", "confidence": "H"},
    kinds="all",
)
def schema_rule(budget, ctx):
    """Every table passes its pandera schema: code formats, non-negative money, required columns, names."""
    errors = getattr(budget, "schema_errors", None)
    if errors is None or errors.empty:
        return
    for rec in errors.to_dict("records"):
        rec = {k: (None if is_missing(v) else v) for k, v in rec.items()}
        row = rec.get("row")
        df = budget.frames.get(rec.get("table"))
        if df is not None and row is not None and row in df.index:
            from .rules import row_label

            row = row_label(df, row)
        yield ctx.finding(
            _schema_message(rec),
            table=rec.get("table"),
            row=row,
            column=rec.get("column"),
            line=rec.get("line"),
            page=rec.get("page"),
            actual=rec.get("value"),
            expected=rec.get("check"),
        )


@hookimpl
def auditor_register_rules():
    return [schema_rule]

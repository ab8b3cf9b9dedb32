"""The built-in plugin: the repository's rule pack and rule plugins, and SCH001.

Registered through the entry point ``[project.entry-points.auditor] builtin = "auditor.builtin"``
(and directly by the plugin manager, so a source checkout works without reinstalling). It is an
ordinary plugin: a user's plugin uses the same hooks.
"""

from __future__ import annotations

import functools
from pathlib import Path

from .hookspecs import hookimpl
from .rules import rule
from .values import is_missing

#: ``rules/`` and ``plugins/builtin/`` live at the top of the repository; ``auditor/_bundled``
#: links to them so that a wheel carries them (setuptools copies the linked files) and a source
#: checkout reads them in place (resolving the links gives the repository paths).
BUNDLE = Path(__file__).resolve().parent / "_bundled"


def rules_dir() -> Path:
    """The built-in YAML rule pack."""
    return (BUNDLE / "rules").resolve()


def plugins_dir() -> Path:
    """The directory of the built-in rule plugins."""
    return (BUNDLE / "plugins").resolve()


def plugin_files() -> list[Path]:
    """The built-in rule plugin files ``plugins/builtin/*.py`` (registered like ``--plugin FILE.py``)."""
    d = plugins_dir()
    if not d.is_dir():
        return []
    return sorted(p for p in d.glob("*.py") if not p.name.startswith("_"))


def required_sections(kind: str | None) -> list[str]:
    """The sections a document of this kind must have, in rule order.

    The disclosure rules own the list: it is the ``require: sections`` of the built-in YAML rules
    (DS002, DS003, ...) that apply to the kind (``when:`` evaluated for a document of that kind).
    ``auditor parse`` reports ``meta.missing_sections`` from it, so it and the rules always agree.
    """
    return list(_required_sections(kind))


@functools.lru_cache(maxsize=16)
def _required_sections(kind: str | None) -> tuple[str, ...]:
    from .errors import RuleError
    from .expr import Env, ExprError, compile_expr
    from .model import Budget, Meta
    from .yamlrules import load_pack

    d = rules_dir()
    if not d.is_dir():
        return ()
    probe = Budget(meta=Meta(kind=kind), frames={})
    out: list[str] = []
    for r in load_pack(d):
        sections = ((r.spec or {}).get("require") or {}).get("sections") if isinstance(r.spec, dict) else None
        if not sections:
            continue
        applies = getattr(r, "applies_to", None)
        if applies is not None and not applies(kind):
            continue
        when = r.spec.get("when")
        if when is not None:
            try:
                if not compile_expr(when).evaluate(Env(params=dict(r.params), budget=probe)):
                    continue
            except (RuleError, ExprError, TypeError, ValueError):
                pass  # a condition on the document's content: the sections stay required
        out.extend(k for k in sections if k not in out)
    return tuple(out)


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
    reference={"regulation": "PRODUCT.md canonical data model", "confidence": "high"},
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

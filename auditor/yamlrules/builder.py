"""Checking one rule mapping and compiling it into a ``Rule``: metadata, parameters, the one check form.

The check form is looked up in the table of forms (``forms.FORMS``); each form's builder validates its
own body through the ``Builder`` helpers, so every error names the file and the line of the key.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..errors import RuleError
from ..expr import Env, Expr, compile_expr
from ..exprtypes import ExprTypeError, column_types
from ..exprtypes import check as check_types
from ..findings import Finding
from ..model import ALL_TABLE_KEYS, columns_for
from ..rulekit import unread_tables
from ..rules import Rule, RuleContext, resolve_kinds, validate_meta, validate_param_types
from .forms import FORMS
from .templating import PLACEHOLDER, SPECIAL_PLACEHOLDERS, Template

META_KEYS = {
    "code", "name", "title", "description", "severity", "tags", "reference", "message", "params",
    "tests", "table", "where", "nulls", "tolerance", "when", "expected", "actual", "source", "kinds",
}  # fmt: skip


class Builder:
    """Checks one rule mapping and compiles its expressions, with errors located at the right line."""

    def __init__(self, spec: dict[str, Any], path: str, line: int, key_lines: dict[str, int]):
        self.spec = spec
        self.path = path
        self.line = line
        self.key_lines = key_lines
        self.code = spec.get("code")
        self.params = _param_defaults(spec.get("params"), self)
        self.param_types = _param_types(spec.get("params"), self)

    def at(self, key: str | None) -> int:
        return self.key_lines.get(key, self.line) if key else self.line

    def error(self, problem: str, key: str | None = None) -> RuleError:
        prefix = f"rule {self.code}: " if self.code else ""
        return RuleError(prefix + problem, path=self.path, line=self.at(key))

    def table(self, name: Any, key: str) -> str:
        if not isinstance(name, str) or name not in ALL_TABLE_KEYS:
            raise self.error(f"unknown table {name!r} (known: {', '.join(ALL_TABLE_KEYS)})", key)
        return name

    def columns(self, table: str) -> set[str]:
        cols, _ = columns_for(table)
        return set(cols)

    def column(self, table: str, column: Any, key: str) -> str:
        if column not in self.columns(table):
            raise self.error(f"unknown column {column!r} of table {table!r}", key)
        return column

    def expr(self, text: Any, key: str, table: str | None) -> Expr:
        cols = self.columns(table) if table else set()
        e = compile_expr(text, path=self.path, line=self.at(key), columns=cols)
        try:
            check_types(e.tree, column_types(table))
        except ExprTypeError as exc:
            raise self.error(f"expression {e.text!r} {exc}", key) from None
        for p in e.params:
            if p not in self.params:
                raise self.error(f"unknown parameter params.{p} (declare it under params:)", key)
        return e

    def template(self, text: Any, key: str, table: str | None) -> Template:
        if text is None:
            return Template(None, [])
        if not isinstance(text, str):
            raise self.error("message must be text", key)
        parts: list[Any] = []
        pos = 0
        for m in PLACEHOLDER.finditer(text):
            parts.append(text[pos : m.start()].replace("{{", "{").replace("}}", "}"))
            inner = m.group(1).strip()
            if inner in SPECIAL_PLACEHOLDERS:
                parts.append(("special", inner))
            else:
                parts.append(("expr", self.expr(inner, key, table)))
            pos = m.end()
        parts.append(text[pos:].replace("{{", "{").replace("}}", "}"))
        return Template(text, parts)


def _param_defaults(raw: Any, b: Builder) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise b.error("params must be a mapping of name: default", "params")
    out = {}
    for k, v in raw.items():
        if not isinstance(k, str) or not k.isidentifier() or k.startswith("_"):
            raise b.error(f"bad parameter name {k!r}", "params")
        out[k] = v.get("default") if isinstance(v, dict) else v
    return out


def _param_types(raw: Any, b: Builder) -> dict[str, str]:
    """The types declared as ``name: {default: ..., type: decimal}`` (others come from the default)."""
    if not isinstance(raw, dict):
        return {}
    types = {k: v["type"] for k, v in raw.items() if isinstance(v, dict) and "type" in v}
    try:
        return validate_param_types(str(b.code), dict(raw), types, path=b.path, line=b.at("params"))
    except RuleError as exc:
        raise RuleError(exc.args[0], path=b.path, line=b.at("params")) from None


def build_rule(spec: dict[str, Any], *, path: str, line: int, key_lines: dict[str, int] | None = None) -> Rule:
    """Check a rule mapping and turn it into a Rule (kind="yaml")."""
    b = Builder(spec, path, line, key_lines or {})
    unknown = [k for k in spec if k not in META_KEYS and k not in FORMS]
    if unknown:
        raise b.error(f"unknown key {unknown[0]!r}", unknown[0])
    code = spec.get("code")
    if not code:
        raise RuleError("rule has no code", path=path, line=line)
    severity = spec.get("severity", "error")
    tags = spec.get("tags", [])
    name = spec.get("name") or str(code).lower()
    try:
        validate_meta(code, name, severity, tags, path=path, line=line)
    except RuleError as exc:
        key = (
            "severity"
            if "severity" in str(exc)
            else "tags"
            if "tag" in str(exc)
            else "name"
            if "name" in str(exc)
            else "code"
        )
        raise RuleError(exc.args[0], path=path, line=b.at(key)) from None
    kinds = resolve_kinds(spec.get("kinds"), code=code, path=path, line=b.at("kinds"))
    forms = [f for f in FORMS if f in spec]
    if len(forms) != 1:
        raise b.error(f"a rule needs exactly one check ({', '.join(FORMS)}); found {forms or 'none'}")
    form = forms[0]
    reference = spec.get("reference")
    if isinstance(reference, str):
        reference = {"regulation": reference}
    elif reference is not None and not isinstance(reference, dict):
        raise b.error("reference must be a mapping (regulation, article, confidence, sources) or text", "reference")
    table = spec.get("table")
    if table is not None:
        b.table(table, "table")
    cases = spec.get("tests") or []
    if not isinstance(cases, list) or any(not isinstance(c, dict) or "fires" not in c for c in cases):
        raise b.error("tests must be a list of {name, fires, budget, params}", "tests")
    nulls = spec.get("nulls", "zero")
    if nulls not in ("zero", "skip", "keep"):
        raise b.error(f"nulls must be zero, skip or keep, not {nulls!r}", "nulls")
    when = b.expr(spec["when"], "when", None) if "when" in spec else None
    try:
        check = FORMS[form](b, spec, table)
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
        # a value of the wrong shape (require: {tables: 5}) that no check of the form anticipated
        raise b.error(f"{form}: a value has the wrong type or shape ({type(exc).__name__}: {exc})", form) from None
    source = spec.get("source", "current")
    if source not in ("current", "previous"):
        raise b.error("source must be current or previous", "source")

    def run(budget: Any, ctx: RuleContext) -> list[Finding]:
        target = budget
        if source == "previous":
            target = ctx.previous
            if target is None:
                return []
        if when is not None:
            ok = when.evaluate(Env(params=ctx.params, budget=target))
            if not ok or ok is pd.NA:
                return []
        found = check(target, ctx)
        if read_from and found and read_from in unread_tables(target):
            # a table whose rows were not reliably read from the source (EX002): its errors are not
            # the document's (a coded table's misprints are diagnosed by the AR rules, not withheld here)
            found = [f for f in found if f.severity != "error"]
        return found

    read_from = table or _form_table(spec, form)
    run.__qualname__ = f"yaml rule {code}"
    return Rule(
        code=code,
        name=name,
        func=run,
        title=spec.get("title"),
        description=spec.get("description"),
        severity=severity,
        tags=list(tags),
        reference=reference,
        params=b.params,
        param_types=b.param_types,
        cases=cases,
        table=table or _form_table(spec, form),
        origin=path,
        line=line,
        kind="yaml",
        spec=spec,
        kinds=kinds,
    )


def _form_table(spec: dict[str, Any], form: str) -> str | None:
    body = spec.get(form)
    if isinstance(body, dict):
        t = body.get("table") or body.get("left")
        return t if isinstance(t, str) else None
    return None

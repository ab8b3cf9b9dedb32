"""Rules: the ``Rule`` object, the ``@rule`` decorator, and the context a rule function receives.

A rule function takes ``(budget)`` or ``(budget, ctx)`` and yields or returns findings, dicts with the
keyword names of :meth:`RuleContext.finding`, or a boolean mask over its ``table`` (False = failing
row). YAML rules (``auditor.yamlrules``) become the same ``Rule`` objects with ``kind="yaml"``.

A rule never writes to the budget. What belongs to one audit rather than to the document lives in
the :class:`AuditContext` (``ctx.audit``): last year's budget (``ctx.previous``) and the views rules
derive from the frames once and share (``ctx.memo(name, compute)``; the ``auditor.rulekit`` helpers
``records``/``by_code``/``fact_records`` use it). The context is active while a rule runs, so those
helpers find it from the budget alone; outside an audit they compute without caching.
"""

from __future__ import annotations

import functools
import inspect
import types
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from . import lazyre
from .errors import RuleError
from .findings import SEVERITIES, Finding, Location
from .money import fen_to_display
from .params import TYPES as PARAM_TYPES
from .tags import tag_problem
from .values import int_or_none, is_missing, plain

CODE_RE = lazyre.compile(r"^[A-Z][A-Z0-9_-]*\d+[A-Z0-9_-]*$")
NAME_RE = lazyre.compile(r"^[a-z0-9][a-z0-9-]*$")

#: The kinds of disclosure a rule can target (``meta.kind`` of a loaded document).
BUDGET_KINDS: tuple[str, ...] = ("部门预算", "单位预算")
FINAL_KINDS: tuple[str, ...] = ("部门决算", "单位决算")
ALL_KINDS: tuple[str, ...] = (*BUDGET_KINDS, *FINAL_KINDS)
#: Shorthands a rule may write in ``kinds`` instead of listing the kinds.
KIND_GROUPS: dict[str, tuple[str, ...]] = {"budget": BUDGET_KINDS, "final": FINAL_KINDS, "all": ALL_KINDS}


def resolve_kinds(value: Any, *, code: str = "?", path: str | None = None, line: int | None = None) -> tuple[str, ...]:
    """A rule's ``kinds`` declaration as a tuple of kinds: None means the budget kinds (the default)."""
    if value is None:
        return BUDGET_KINDS
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not items:
        raise RuleError(f"rule {code}: kinds must be a kind or a non-empty list of kinds", path=path, line=line)
    out: list[str] = []
    for item in items:
        group = KIND_GROUPS.get(item) if isinstance(item, str) else None
        if group is None and item not in ALL_KINDS:
            known = ", ".join([*KIND_GROUPS, *ALL_KINDS])
            raise RuleError(f"rule {code}: unknown kind {item!r} (use one of {known})", path=path, line=line)
        out.extend(k for k in (group or (item,)) if k not in out)
    return tuple(out)


@dataclass(eq=False)
class AuditContext:
    """One audit of one document: the budget, last year's budget, and the views rules share.

    The engine makes one per ``audit()`` call and gives it to every rule (``ctx.audit``), so that a
    view is computed once per audit and nothing is stored on the Budget. Views are kept only for the
    audited budget and ``previous``; any other budget is computed afresh.
    """

    budget: Any
    previous: Any = None
    views: dict[tuple[bool, str], Any] = field(default_factory=dict, repr=False)

    def memo(self, budget: Any, name: str, compute: Callable[[Any], Any]) -> Any:
        """``compute(budget)``, computed once per audit for this budget and `name`."""
        if budget is self.budget:
            key = (False, name)
        elif budget is self.previous and budget is not None:
            key = (True, name)
        else:
            return compute(budget)
        views = self.views
        if key not in views:
            views[key] = compute(budget)
        return views[key]


_ACTIVE: ContextVar[AuditContext | None] = ContextVar("auditor_audit", default=None)


def current_audit() -> AuditContext | None:
    """The audit whose rule is running (None outside a rule run)."""
    return _ACTIVE.get()


@dataclass
class Rule:
    """One check: metadata (code, name, severity, tags, reference, params) and the function that runs it."""

    code: str
    name: str
    func: Callable[..., Any] | None = None
    title: str | None = None
    description: str | None = None
    severity: str = "error"
    tags: list[str] = field(default_factory=list)
    reference: dict[str, Any] | None = None
    params: dict[str, Any] = field(default_factory=dict)
    cases: list[dict[str, Any]] = field(default_factory=list)
    table: str | None = None
    #: the type of each parameter (auditor.params); one not given is inferred from its default
    param_types: dict[str, str] = field(default_factory=dict)
    origin: str | None = None  # the file that defines the rule
    line: int | None = None  # its line in that file
    kind: str = "python"  # "python" | "yaml"
    spec: dict[str, Any] | None = None  # a YAML rule's mapping, as written
    #: the kinds of disclosure the rule applies to (budget rules never run on 决算 and vice versa)
    kinds: tuple[str, ...] = BUDGET_KINDS

    def applies_to(self, kind: str | None) -> bool:
        """Whether the rule runs on a document of this ``meta.kind`` (an undetected kind reads as a budget)."""
        return (kind or BUDGET_KINDS[0]) in self.kinds

    def reference_text(self) -> str | None:
        """The reference on one line, in words: regulation, provision, sources and confidence (auditor.regulations)."""
        from .regulations import describe

        return describe(self.reference)

    @property
    def summary(self) -> str:
        """A one-line description for listings."""
        return (
            self.title or (self.description or "").strip().splitlines()[0]
            if (self.title or self.description)
            else self.name
        )

    def where(self) -> str:
        """``file:line`` of the definition, for messages."""
        if not self.origin:
            return "<unknown>"
        return f"{self.origin}:{self.line}" if self.line else self.origin

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "severity": self.severity,
            "tags": list(self.tags),
            "reference": self.reference_text(),
            "params": {k: _jsonable(v) for k, v in self.params.items()},
            "table": self.table,
            "kinds": list(self.kinds),
            "kind": self.kind,
            "origin": self.origin,
            "line": self.line,
        }

    def run(
        self,
        budget: Any,
        params: dict[str, Any] | None = None,
        *,
        severity: str | None = None,
        audit: AuditContext | None = None,
        previous: Any = None,
    ) -> list[Finding]:
        """Run the rule on one budget (no containment: exceptions propagate).

        `audit` is the engine's context for this audit; without one the rule gets a fresh context
        (with `previous` as last year's budget).
        """
        if audit is None:
            audit = AuditContext(budget, previous)
        ctx = RuleContext(self, budget, params, severity=severity, audit=audit)
        if self.func is None:
            return []
        token = _ACTIVE.set(audit)
        try:
            if _takes_ctx(self.func):
                result = self.func(budget, ctx)
            else:
                result = self.func(budget)
            return list(collect(result, ctx))
        finally:
            _ACTIVE.reset(token)

    __call__ = run


def _jsonable(v: Any) -> Any:
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    return str(v)


@functools.lru_cache(maxsize=1024)  # inspect.signature is slow; a rule's signature never changes
def _takes_ctx(func: Callable[..., Any]) -> bool:
    code = getattr(func, "__code__", None)
    plain = type(func) is types.FunctionType and not hasattr(func, "__wrapped__") and not hasattr(func, "__signature__")
    if plain and code is not None:
        # a plain function: its code says what inspect.signature would (positional parameters, *args)
        return code.co_argcount >= 2 or bool(code.co_flags & inspect.CO_VARARGS)
    try:
        params = [
            p
            for p in inspect.signature(func).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
        ]
    except (TypeError, ValueError):
        return False
    return len(params) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in params)


def validate_meta(
    code: Any, name: Any, severity: Any, tags: Any, *, path: str | None = None, line: int | None = None
) -> None:
    """Refuse a rule whose code, name, severity or tags are not usable (RuleError naming where)."""
    if not code or not isinstance(code, str):
        raise RuleError("rule has no code", path=path, line=line)
    if not CODE_RE.match(code):
        raise RuleError(
            f"rule code {code!r} must be upper-case letters followed by digits (e.g. AR001)", path=path, line=line
        )
    if not name or not isinstance(name, str) or not NAME_RE.match(name):
        raise RuleError(f"rule {code}: name {name!r} must be lower-case kebab-case", path=path, line=line)
    if severity not in SEVERITIES:
        raise RuleError(
            f"rule {code}: bad severity {severity!r} (use one of {', '.join(SEVERITIES)})", path=path, line=line
        )
    if not isinstance(tags, (list, tuple)):
        raise RuleError(f"rule {code}: tags must be a list", path=path, line=line)
    for t in tags:
        problem = tag_problem(t)
        if problem:
            raise RuleError(f"rule {code}: {problem}", path=path, line=line)


def validate_param_types(
    code: str, params: dict[str, Any], types: Any, *, path: str | None = None, line: int | None = None
) -> dict[str, str]:
    """A rule's declared parameter types, checked: each names a declared parameter and a known type."""
    if types is None:
        return {}
    if not isinstance(types, dict):
        raise RuleError(f"rule {code}: param_types must be a mapping of parameter: type", path=path, line=line)
    for k, t in types.items():
        if k not in params:
            raise RuleError(f"rule {code}: param_types names {k!r}, which is not in params", path=path, line=line)
        if t not in PARAM_TYPES:
            raise RuleError(
                f"rule {code}: parameter {k} has unknown type {t!r} (use one of {', '.join(PARAM_TYPES)})",
                path=path,
                line=line,
            )
    return dict(types)


def name_from_function(func: Callable[..., Any]) -> str:
    """The rule name a function gives: ``sangong_cap`` -> ``sangong-cap``."""
    return getattr(func, "__name__", "").strip("_").lower().replace("_", "-")


def rule(
    code: str,
    *,
    name: str | None = None,
    severity: str = "error",
    tags: Iterable[str] = (),
    reference: dict[str, Any] | str | None = None,
    title: str | None = None,
    description: str | None = None,
    params: dict[str, Any] | None = None,
    cases: list[dict[str, Any]] | None = None,
    table: str | None = None,
    kinds: str | Iterable[str] | None = None,
    param_types: dict[str, str] | None = None,
) -> Callable[[Callable[..., Any]], Rule]:
    """Turn a function ``f(budget)`` or ``f(budget, ctx)`` into a :class:`Rule`.

    `name` defaults to the function's name in kebab-case (``sangong_cap`` -> ``sangong-cap``);
    `param_types` gives the type of a parameter whose default does not say it (auditor.params).

    >>> @rule("EX001", name="sangong-present", tags=["disclosure"])
    ... def sangong_present(budget, ctx):
    ...     if budget.table("sangong").empty:
    ...         yield ctx.finding("三公经费表缺失", table="sangong")

    `kinds` names the disclosures the rule applies to: kinds (``部门决算``) or the shorthands
    ``budget`` (the default), ``final`` and ``all``.
    """
    tags = list(tags)

    def decorate(func: Callable[..., Any]) -> Rule:
        source = inspect.unwrap(func)  # a decorated function is defined where its original is
        path = inspect.getsourcefile(source) if hasattr(source, "__code__") else None
        line = source.__code__.co_firstlineno if hasattr(source, "__code__") else None
        rule_name = name if name is not None else name_from_function(func)
        validate_meta(code, rule_name, severity, tags, path=path, line=line)
        types = validate_param_types(code, dict(params or {}), param_types, path=path, line=line)
        applies = resolve_kinds(
            None if kinds is None else list(kinds) if not isinstance(kinds, str) else kinds,
            code=code,
            path=path,
            line=line,
        )
        if isinstance(reference, str):
            ref: dict[str, Any] | None = {"regulation": reference}
        else:
            ref = dict(reference) if reference else None
        doc = inspect.getdoc(func)
        return Rule(
            code=code,
            name=rule_name,
            func=func,
            title=title or (doc.splitlines()[0] if doc else None),
            description=description or doc,
            severity=severity,
            tags=tags,
            reference=ref,
            params=dict(params or {}),
            cases=list(cases or []),
            table=table,
            param_types=types,
            origin=path,
            line=line,
            kind="python",
            kinds=applies,
        )

    return decorate


class RuleContext:
    """What a rule function gets besides the budget: its parameters, a finding factory, and the audit
    (``previous``, ``memo``)."""

    def __init__(
        self,
        rule: Rule,
        budget: Any,
        params: dict[str, Any] | None = None,
        *,
        severity: str | None = None,
        audit: AuditContext | None = None,
    ):
        self.rule = rule
        self.budget = budget
        self.params: dict[str, Any] = {**rule.params, **(params or {})}
        self.severity = severity or rule.severity
        self.audit = audit if audit is not None else AuditContext(budget)

    @property
    def previous(self) -> Any:
        """Last year's Budget of the same department (``--previous``), or None."""
        return self.audit.previous

    def memo(self, name: str, compute: Callable[[Any], Any]) -> Any:
        """``compute(budget)`` computed once per audit and shared by the rules that ask for `name`."""
        return self.audit.memo(self.budget, name, compute)

    @property
    def document(self) -> str | None:
        meta = getattr(self.budget, "meta", None)
        return getattr(meta, "source", None)

    def finding(
        self,
        message: str,
        *,
        table: str | None = None,
        row: Any = None,
        column: str | None = None,
        line: int | None = None,
        page: int | None = None,
        expected: Any = None,
        actual: Any = None,
        note: str | None = None,
        severity: str | None = None,
        tags: Iterable[str] | None = None,
        evidence: list[dict[str, Any]] | None = None,
    ) -> Finding:
        """A Finding of this rule, with its code, name, severity, tags, reference and document filled in."""
        return Finding(
            rule=self.rule.code,
            severity=severity or self.severity,
            message=str(message),
            tags=list(tags) if tags is not None else list(self.rule.tags),
            location=Location(
                table=table if table is not None else self.rule.table,
                row=plain(row),
                column=column,
                line=int_or_none(line),
                page=int_or_none(page),
            ),
            expected=expected,
            actual=actual,
            reference=self.rule.reference_text(),
            name=self.rule.name,
            document=self.document,
            note=note,
            evidence=list(evidence or []),
        )

    def money(self, fen: Any) -> str:
        """Money in fen as a 元 display string (``2,082,935.58``)."""
        return fen_to_display(int_or_none(fen))


def row_label(df: pd.DataFrame, idx: Any) -> Any:
    """How a finding names a row: its code, else item / name / key, else its index."""
    for col in ("code", "item", "name", "key"):
        if col in df.columns:
            v = df.at[idx, col]
            if not is_missing(v) and str(v) != "":
                return str(v)
    return int(idx) if isinstance(idx, (int,)) or hasattr(idx, "item") else idx


def mask_findings(mask: pd.Series, ctx: RuleContext, message: str | None = None) -> list[Finding]:
    """One finding per row where `mask` is False (NA counts as passing) over the rule's table."""
    table = ctx.rule.table
    if table is None:
        raise RuleError(
            f"rule {ctx.rule.code} returned a mask but declares no table", path=ctx.rule.origin, line=ctx.rule.line
        )
    df = ctx.budget.table(table)
    failing = mask.astype("boolean").fillna(True)
    out = []
    for idx in failing.index[~failing.to_numpy(dtype=bool)]:
        out.append(
            ctx.finding(
                message or ctx.rule.title or ctx.rule.name,
                table=table,
                row=row_label(df, idx) if idx in df.index else idx,
                line=df.at[idx, "line"] if idx in df.index and "line" in df.columns else None,
                page=df.at[idx, "page"] if idx in df.index and "page" in df.columns else None,
            )
        )
    return out


def collect(result: Any, ctx: RuleContext) -> Iterable[Finding]:
    """Normalise what a rule function produced into Findings."""
    if result is None or result is True:
        return
    if result is False:
        yield ctx.finding(ctx.rule.title or ctx.rule.name)
        return
    if isinstance(result, Finding):
        yield result
        return
    if isinstance(result, dict):
        yield ctx.finding(**result)
        return
    if isinstance(result, str):
        yield ctx.finding(result)
        return
    if isinstance(result, pd.Series):
        yield from mask_findings(result, ctx)
        return
    if isinstance(result, pd.DataFrame):
        raise TypeError(f"rule {ctx.rule.code} returned a DataFrame; return a boolean Series or findings")
    for item in result:
        if isinstance(item, Finding):
            yield item
        elif isinstance(item, dict):
            yield ctx.finding(**item)
        elif isinstance(item, str):
            yield ctx.finding(item)
        elif item is None:
            continue
        else:
            raise TypeError(f"rule {ctx.rule.code} produced {type(item).__name__}; expected a Finding or a dict")

"""YAML rule packs: a directory of ``.yaml``/``.yml`` files, each holding one rule or a list of rules.

Every rule has exactly one check form (see docs/writing-rules.md for the full vocabulary):

``assert``      a row-wise expression over ``table`` (optional ``where``), or a scalar expression
``hierarchy``   parents equal the sum of their children by code prefix (类=Σ款, 款=Σ项, 合计=Σ类)
``compare``     two scalar references (cells, sums, facts, params, expressions) with ``op``/``tolerance``
``join``        the same key (code) has the same amounts in two tables
``require``     presence of tables, sections, notes of empty tables, facts, values, table units/编制部门
``pattern``     a regular expression over the document's lines (prose, a section, everything)
``fact``        a prose fact compared with a value, a parameter, or a table cell

Files are parsed once per process (cached by path and modification time). Any problem is a
RuleError naming the file and the line of the offending rule or key; nothing in a rule is executed
while loading.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .errors import RuleError
from .expr import Env, Expr, ExprError, compile_expr, fact_value, select_rows, table_present, to_fen
from .findings import Finding
from .model import TABLE_KEYS, columns_for
from .money import UNIT_FEN, fen_to_display, fen_to_yuan_str
from .rules import Rule, RuleContext, row_label, validate_meta

FORMS = ("assert", "hierarchy", "compare", "join", "require", "pattern", "fact")
META_KEYS = {
    "code", "name", "title", "description", "severity", "tags", "reference", "message", "params",
    "tests", "table", "where", "nulls", "tolerance", "when", "expected", "actual", "source",
}  # fmt: skip
_CACHE: dict[tuple[str, int, int], list[Rule]] = {}
#: libyaml's loader when PyYAML was built with it (about 10x faster), else the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def clear_cache() -> None:
    """Forget parsed packs (tests use this)."""
    _CACHE.clear()


def rule_files(path: str | Path) -> list[Path]:
    """The YAML files of a pack (a file, or a directory searched recursively), sorted."""
    p = Path(path)
    if p.is_file():
        return [p]
    if p.is_dir():
        return sorted(q for q in p.rglob("*") if q.suffix in (".yaml", ".yml") and q.is_file())
    raise RuleError("rule path does not exist", path=str(p))


def load_pack(path: str | Path) -> list[Rule]:
    """All rules of a pack (file or directory); codes must be unique within it."""
    rules: list[Rule] = []
    seen: dict[str, Rule] = {}
    for f in rule_files(path):
        for r in load_file(f):
            if r.code in seen:
                raise RuleError(
                    f"duplicate rule code {r.code} (also at {seen[r.code].where()})", path=str(f), line=r.line
                )
            seen[r.code] = r
            rules.append(r)
    return rules


def load_file(path: str | Path) -> list[Rule]:
    """Parse one YAML file into rules (cached by path + mtime + size)."""
    p = Path(path)
    try:
        st = p.stat()
    except OSError as exc:
        raise RuleError(f"cannot read rule file ({exc.strerror})", path=str(p)) from exc
    key = (str(p.resolve()), st.st_mtime_ns, st.st_size)
    if key in _CACHE:
        return _CACHE[key]
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"cannot read rule file ({exc})", path=str(p)) from exc
    rules = parse_rules(text, str(p))
    _CACHE[key] = rules
    return rules


def parse_rules(text: str, path: str = "<string>") -> list[Rule]:
    """Parse YAML text holding one rule or a list of rules."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RuleError(f"malformed YAML: {problem}", path=path, line=mark.line + 1 if mark else None) from None
    if data is None:
        return []
    if isinstance(data, dict):
        items, nodes = [data], [node]
    elif isinstance(data, list):
        items, nodes = data, list(node.value)
    else:
        raise RuleError("a rule file holds a mapping (one rule) or a list of rules", path=path, line=1)
    out = []
    for item, n in zip(items, nodes):
        line = n.start_mark.line + 1
        if not isinstance(item, dict):
            raise RuleError("each rule must be a mapping", path=path, line=line)
        key_lines = {k.value: k.start_mark.line + 1 for k, _ in n.value} if isinstance(n, yaml.MappingNode) else {}
        out.append(build_rule(item, path=path, line=line, key_lines=key_lines))
    return out


# ----------------------------------------------------------------------------------------------
# building a rule


class _Builder:
    """Checks one rule mapping and compiles its expressions, with errors located at the right line."""

    def __init__(self, spec: dict[str, Any], path: str, line: int, key_lines: dict[str, int]):
        self.spec = spec
        self.path = path
        self.line = line
        self.key_lines = key_lines
        self.code = spec.get("code")
        self.params = _param_defaults(spec.get("params"), self)

    def at(self, key: str | None) -> int:
        return self.key_lines.get(key, self.line) if key else self.line

    def error(self, problem: str, key: str | None = None) -> RuleError:
        prefix = f"rule {self.code}: " if self.code else ""
        return RuleError(prefix + problem, path=self.path, line=self.at(key))

    def table(self, name: Any, key: str) -> str:
        if not isinstance(name, str) or name not in TABLE_KEYS:
            raise self.error(f"unknown table {name!r} (known: {', '.join(TABLE_KEYS)})", key)
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
        for m in _PLACEHOLDER.finditer(text):
            parts.append(text[pos : m.start()].replace("{{", "{").replace("}}", "}"))
            inner = m.group(1).strip()
            if inner in SPECIAL_PLACEHOLDERS:
                parts.append(("special", inner))
            else:
                parts.append(("expr", self.expr(inner, key, table)))
            pos = m.end()
        parts.append(text[pos:].replace("{{", "{").replace("}}", "}"))
        return Template(text, parts)


_PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]+)\}(?!\})")
SPECIAL_PLACEHOLDERS = {
    "expected", "actual", "diff", "row", "table", "column", "line", "page", "left", "right",
    "match", "text", "key", "missing", "tolerance",
}  # fmt: skip


def _param_defaults(raw: Any, b: _Builder) -> dict[str, Any]:
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


def build_rule(spec: dict[str, Any], *, path: str, line: int, key_lines: dict[str, int] | None = None) -> Rule:
    """Check a rule mapping and turn it into a Rule (kind="yaml")."""
    b = _Builder(spec, path, line, key_lines or {})
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
    check = _FORM_BUILDERS[form](b, spec, table)
    source = spec.get("source", "current")
    if source not in ("current", "previous"):
        raise b.error("source must be current or previous", "source")

    def run(budget: Any, ctx: RuleContext) -> list[Finding]:
        target = budget
        if source == "previous":
            target = getattr(budget, "previous", None)
            if target is None:
                return []
        if when is not None:
            ok = when.evaluate(Env(params=ctx.params, budget=target))
            if not ok or ok is pd.NA:
                return []
        return check(target, ctx)

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
        cases=cases,
        table=table or _form_table(spec, form),
        origin=path,
        line=line,
        kind="yaml",
        spec=spec,
    )


def _form_table(spec: dict[str, Any], form: str) -> str | None:
    body = spec.get(form)
    if isinstance(body, dict):
        t = body.get("table") or body.get("left")
        return t if isinstance(t, str) else None
    return None


# ----------------------------------------------------------------------------------------------
# values, tolerance, messages


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
            elif part[0] == "special":
                out.append(_display(special.get(part[1]), False))
            else:
                e: Expr = part[1]
                try:
                    v = e.evaluate(env) if env is not None else None
                except (ExprError, TypeError, ValueError):
                    v = None
                is_money = bool(e.names & money_cols) or bool(e.functions & {"yuan", "wan", "cell", "fact"})
                out.append(_display(v, is_money))
        return "".join(out)


def _display(v: Any, money: bool) -> str:
    if v is None or v is pd.NA:
        return "—"
    if hasattr(v, "item") and not isinstance(v, str):
        v = v.item()
    if isinstance(v, float) and v != v:
        return "—"
    if money and isinstance(v, int) and not isinstance(v, bool):
        return fen_to_display(v)
    return str(v)


def _money_field(v: Any, money: bool) -> Any:
    """A value for a finding's expected/actual: money as a 元 string with two decimals (the JSON contract)."""
    if hasattr(v, "item") and not isinstance(v, str):
        v = v.item()
    if money and isinstance(v, int) and not isinstance(v, bool):
        return fen_to_yuan_str(v)
    return _money_out(v, money)


def _money_out(v: Any, money: bool) -> Any:
    """A value as a finding's expected/actual: money as a 元 display string."""
    if v is None or v is pd.NA:
        return None
    if hasattr(v, "item") and not isinstance(v, str):
        v = v.item()
    if money and isinstance(v, int) and not isinstance(v, bool):
        return fen_to_display(v)
    if isinstance(v, float) and v != v:
        return None
    return v


def parse_tolerance(raw: Any, b: _Builder, key: str) -> int:
    """Tolerance in fen: ``"0.01"`` (元), ``{abs: "0.01"}``, or ``{printed: 万元, decimals: 2, terms: n}``.

    ``printed`` is half a unit of the last printed digit (万元 with two decimals -> 50.00 元) times
    ``terms`` (how many rounded figures were added up; default 1).
    """
    if raw is None:
        return 0
    try:
        if isinstance(raw, (str, int, float)) and not isinstance(raw, bool):
            return _yuan_fen(raw)
        if isinstance(raw, dict):
            if "abs" in raw:
                return _yuan_fen(raw["abs"])
            if "printed" in raw:
                unit = raw["printed"]
                if unit not in UNIT_FEN:
                    raise b.error(f"tolerance printed unit must be one of {', '.join(UNIT_FEN)}", key)
                decimals = int(raw.get("decimals", 2))
                terms = int(raw.get("terms", 1))
                step = Decimal(UNIT_FEN[unit]) / (Decimal(10) ** decimals)
                return int((step / 2 * terms).to_integral_value())
    except (InvalidOperation, ValueError, TypeError):
        pass
    raise b.error(f'bad tolerance {raw!r} (use "0.01" in 元, or {{printed: 万元, decimals: 2}})', key)


def _yuan_fen(v: Any) -> int:
    return int((Decimal(str(v).replace(",", "")) * 100).to_integral_value())


_OPS: dict[str, Callable[[Any, Any, int], bool]] = {
    "==": lambda a, b, t: abs(a - b) <= t,
    "!=": lambda a, b, t: abs(a - b) > t,
    "<=": lambda a, b, t: a <= b + t,
    ">=": lambda a, b, t: a + t >= b,
    "<": lambda a, b, t: a < b + t,
    ">": lambda a, b, t: a + t > b,
}


def _frame_env(df: pd.DataFrame, table: str, names: set[str], nulls: str) -> tuple[dict[str, Any], dict[str, Any]]:
    _, money = columns_for(table)
    raw = {n: df[n] for n in names if n in df.columns}
    cols = dict(raw)
    if nulls == "zero":
        for n in names:
            if n in money and n in cols:
                cols[n] = cols[n].fillna(0)
    return cols, raw


def _row_env(df: pd.DataFrame, idx: Any, table: str, params: dict[str, Any], budget: Any, nulls: str) -> Env:
    _, money = columns_for(table)
    values = {}
    raw = {}
    for c in df.columns:
        v = df.at[idx, c]
        v = None if v is pd.NA or (not isinstance(v, str) and not isinstance(v, (list, tuple)) and pd.isna(v)) else v
        if hasattr(v, "item") and not isinstance(v, str):
            v = v.item()
        raw[c] = v
        values[c] = 0 if (v is None and nulls == "zero" and c in money) else v
    return Env(columns=values, raw=raw, params=params, budget=budget)


def _loc(df: pd.DataFrame, idx: Any) -> dict[str, Any]:
    return {
        "row": row_label(df, idx),
        "line": df.at[idx, "line"] if "line" in df.columns else None,
        "page": df.at[idx, "page"] if "page" in df.columns else None,
    }


# ----------------------------------------------------------------------------------------------
# check forms


def _build_assert(b: _Builder, spec: dict[str, Any], table: str | None) -> Callable[[Any, RuleContext], list[Finding]]:
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
            text="", tree=_as_expression(top[0]), names=set(assertion.names), functions=set(assertion.functions)
        )
        right_e = Expr(
            text="", tree=_as_expression(top[2]), names=set(assertion.names), functions=set(assertion.functions)
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
                ok = _OPS[sides[1]](lv, rv, tol)
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
                    "actual": _money_out(lv, is_money),
                    "expected": _money_out(rv, is_money),
                    "left": _money_out(lv, is_money),
                    "right": _money_out(rv, is_money),
                }
                if isinstance(lv, int) and isinstance(rv, int):
                    special["diff"] = _money_out(lv - rv, is_money)
                fields = {"expected": _money_field(rv, is_money), "actual": _money_field(lv, is_money)}
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
        cols, raw = _frame_env(df, table, names, nulls)
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
            ok = _tol_series(sides[1], lv, rv, tol, df.index)
        else:
            ok = assertion.evaluate(env)
        if not isinstance(ok, pd.Series):
            ok = pd.Series(ok, index=df.index)
        passing = ok.astype("boolean").fillna(True)
        failing = selected & ~passing
        out = []
        for idx in df.index[failing.to_numpy(dtype=bool)]:
            renv = _row_env(df, idx, table, ctx.params, budget, nulls)
            special = {"table": table, **_loc(df, idx)}
            fields: dict[str, Any] = {}
            if sides is not None:
                lv, rv = sides[0].evaluate(renv), sides[2].evaluate(renv)
                special.update(
                    actual=_money_out(lv, is_money),
                    expected=_money_out(rv, is_money),
                    left=_money_out(lv, is_money),
                    right=_money_out(rv, is_money),
                )
                if isinstance(lv, int) and isinstance(rv, int):
                    special["diff"] = _money_out(lv - rv, is_money)
                fields = {"expected": _money_field(rv, is_money), "actual": _money_field(lv, is_money)}
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


def _tol_series(op: str, lv: Any, rv: Any, tol: int, index: pd.Index) -> pd.Series:
    lv = lv if isinstance(lv, pd.Series) else pd.Series(lv, index=index)
    rv = rv if isinstance(rv, pd.Series) else pd.Series(rv, index=index)
    return _OPS[op](lv, rv, tol)


def _as_expression(node: Any) -> Any:
    import ast

    return ast.Expression(body=node)


def _build_hierarchy(
    b: _Builder, spec: dict[str, Any], table: str | None
) -> Callable[[Any, RuleContext], list[Finding]]:
    body = spec["hierarchy"]
    if not isinstance(body, dict):
        raise b.error("hierarchy must be a mapping (table, columns, levels, total)", "hierarchy")
    t = b.table(body.get("table", table), "hierarchy")
    if "code" not in b.columns(t):
        raise b.error(f"table {t!r} has no code column for a hierarchy", "hierarchy")
    _, money = columns_for(t)
    columns = body.get("columns", money)
    if not isinstance(columns, list) or not columns:
        raise b.error("hierarchy columns must be a list", "hierarchy")
    for c in columns:
        b.column(t, c, "hierarchy")
    levels = body.get("levels", [3, 5, 7])
    if not isinstance(levels, list) or not all(isinstance(x, int) for x in levels) or levels != sorted(levels):
        raise b.error("hierarchy levels must be increasing code lengths, e.g. [3, 5, 7]", "hierarchy")
    total = body.get("total", True)
    total_names = body.get("total_names", ["合计", "总计"])
    tol = parse_tolerance(body.get("tolerance", spec.get("tolerance")), b, "hierarchy")
    message = b.template(spec.get("message"), "message", None)

    def check(budget: Any, ctx: RuleContext) -> list[Finding]:
        df = budget.table(t)
        if df.empty:
            return []
        # plain Python over the rows: these tables have tens of rows, where pandas' per-call cost dominates
        rows = list(zip(df.index, df["code"].tolist(), *(df[c].tolist() for c in columns)))
        out: list[Finding] = []

        def amount(v: Any) -> int:
            return 0 if v is None or v is pd.NA else int(v)

        def emit(idx: Any, col: str, actual: int, expected: int, what: str) -> None:
            loc = _loc(df, idx)
            special = {
                "table": t,
                "column": col,
                "actual": fen_to_display(actual),
                "expected": fen_to_display(expected),
                "diff": fen_to_display(actual - expected),
                **loc,
            }
            default = f"{t} {loc['row']} {col}: printed {fen_to_display(actual)}, but {what} sum to {fen_to_display(expected)}"
            out.append(
                ctx.finding(
                    message.render(default, None, special, set()),
                    table=t,
                    row=loc["row"],
                    column=col,
                    line=loc["line"],
                    page=loc["page"],
                    expected=fen_to_yuan_str(expected),
                    actual=fen_to_yuan_str(actual),
                )
            )

        coded = [(idx, str(code), vals) for idx, code, *vals in rows if code is not None and code is not pd.NA]
        for parent_len, child_len in zip(levels, levels[1:]):
            sums: dict[str, list[int]] = {}
            for _, code, vals in coded:
                if len(code) == child_len:
                    acc = sums.setdefault(code[:parent_len], [0] * len(columns))
                    for i, v in enumerate(vals):
                        acc[i] += amount(v)
            for idx, code, vals in coded:
                if len(code) != parent_len or code not in sums:
                    continue
                for i, col in enumerate(columns):
                    actual, expected = amount(vals[i]), sums[code][i]
                    if abs(actual - expected) > tol:
                        emit(idx, col, actual, expected, "its children")
        if total and "name" in df.columns:
            tops = [vals for _, code, vals in coded if len(code) == levels[0]]
            names = df["name"].tolist()
            total_idx = next(
                (
                    idx
                    for (idx, code, *_), name in zip(rows, names)
                    if (code is None or code is pd.NA) and name in total_names
                ),
                None,
            )
            if tops and total_idx is not None:
                for i, col in enumerate(columns):
                    actual = amount(df.at[total_idx, col])
                    expected = sum(amount(v[i]) for v in tops)
                    if abs(actual - expected) > tol:
                        emit(total_idx, col, actual, expected, f"the {levels[0]}-digit codes")
        return out

    return check


class _Ref:
    """A scalar reference in ``compare``/``fact``: a cell or sum of a table, a fact, a param, a value, an expression."""

    def __init__(self, b: _Builder, raw: Any, key: str):
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
        self.desc = raw.get("label") or _describe(raw)

    def resolve(self, budget: Any, ctx: RuleContext) -> tuple[Any, dict[str, Any]]:
        """(value, location) — value None when the document does not show it."""
        if self.source == "previous":
            budget = getattr(budget, "previous", None)
            if budget is None:
                return None, {}
        if self.kind == "table":
            df = budget.table(self.table)
            if df.empty:
                return None, {}
            if self.where is not None:
                names = self.where.names
                cols, raw = _frame_env(df, self.table, names, "keep")
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
                loc.update(_loc(sel, sel.index[0]))
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


def _describe(raw: dict[str, Any]) -> str:
    if "table" in raw:
        sel = raw.get("row", raw.get("code"))
        sel = f"[{sel}]" if sel is not None else (f"[{raw['where']}]" if "where" in raw else "")
        return f"{raw['table']}{sel}.{raw.get('column')}"
    for k in ("fact", "param", "value", "expr"):
        if k in raw:
            return f"{k} {raw[k]}"
    return "?"


def _build_compare_list(
    b: _Builder, items: list[dict[str, Any]], key: str, tol_default: Any, missing_default: str
) -> list[tuple[_Ref, str, _Ref, int, str]]:
    out = []
    for item in items:
        if not isinstance(item, dict) or "left" not in item or "right" not in item:
            raise b.error(f"each {key} needs left and right", key)
        op = item.get("op", "==")
        if op not in _OPS:
            raise b.error(f"op must be one of {', '.join(_OPS)}", key)
        missing = item.get("missing", missing_default)
        if missing not in ("skip", "fail", "zero"):
            raise b.error("missing must be skip, fail or zero", key)
        tol = parse_tolerance(item.get("tolerance", tol_default), b, key)
        out.append((_Ref(b, item["left"], key), op, _Ref(b, item["right"], key), tol, missing))
    return out


def _compare_check(
    b: _Builder, spec: dict[str, Any], pairs: list[tuple[_Ref, str, _Ref, int, str]]
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
                ok = _OPS[op](lv, rv, tol)
            except TypeError:
                ok = _OPS[op](Decimal(str(lv)), Decimal(str(rv)), tol)
            if ok:
                continue
            a, e = _money_out(lv, money), _money_out(rv, money)
            special = {
                "actual": a,
                "expected": e,
                "left": left.desc,
                "right": right.desc,
                "tolerance": fen_to_display(tol),
                **loc,
            }
            if isinstance(lv, int) and isinstance(rv, int):
                special["diff"] = _money_out(lv - rv, money)
            default = f"{left.desc} = {a}, expected {op} {right.desc} = {e}"
            out.append(
                ctx.finding(
                    message.render(default, None, special, set()),
                    table=loc.get("table"),
                    row=loc.get("row"),
                    column=loc.get("column"),
                    line=loc.get("line"),
                    page=loc.get("page"),
                    expected=_money_field(rv, money),
                    actual=_money_field(lv, money),
                )
            )
        return out

    return check


def _build_compare(b: _Builder, spec: dict[str, Any], table: str | None) -> Callable[[Any, RuleContext], list[Finding]]:
    body = spec["compare"]
    items = body if isinstance(body, list) else [body]
    return _compare_check(b, spec, _build_compare_list(b, items, "compare", spec.get("tolerance"), "skip"))


def _build_fact(b: _Builder, spec: dict[str, Any], table: str | None) -> Callable[[Any, RuleContext], list[Finding]]:
    body = spec["fact"]
    if not isinstance(body, dict) or "key" not in body:
        raise b.error("fact needs key (and value, param, ref or expr)", "fact")
    right = {k: body[k] for k in ("value", "param", "unit", "expr") if k in body}
    if "ref" in body:
        right = body["ref"]
    if not right:
        raise b.error("fact needs value, param, ref or expr to compare with", "fact")
    item = {
        "left": {"fact": body["key"], **({"field": body["field"]} if "field" in body else {})},
        "right": right,
        "op": body.get("op", "=="),
        "tolerance": body.get("tolerance"),
        "missing": body.get("missing", "skip"),
    }
    return _compare_check(b, spec, _build_compare_list(b, [item], "fact", spec.get("tolerance"), "skip"))


def _build_join(b: _Builder, spec: dict[str, Any], table: str | None) -> Callable[[Any, RuleContext], list[Finding]]:
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
            cenv, raw = _frame_env(left, lt, where.names, "keep")
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
                            line=_na(loc["line"]),
                            page=_na(loc["page"]),
                        )
                    )
                continue
            for lc, rc in cols.items():
                a, e = _na(row[lc]), _na(row[f"__r_{rc}"])
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
                            line=_na(loc["line"]),
                            page=_na(loc["page"]),
                            expected=fen_to_yuan_str(e),
                            actual=fen_to_yuan_str(a),
                        )
                    )
        return out

    return check


def _na(v: Any) -> Any:
    if v is None or v is pd.NA:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v.item() if hasattr(v, "item") else v


def _build_require(b: _Builder, spec: dict[str, Any], table: str | None) -> Callable[[Any, RuleContext], list[Finding]]:
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


def _build_pattern(b: _Builder, spec: dict[str, Any], table: str | None) -> Callable[[Any, RuleContext], list[Finding]]:
    body = spec["pattern"]
    if isinstance(body, str):
        body = {"regex": body}
    if not isinstance(body, dict) or "regex" not in body:
        raise b.error("pattern needs regex", "pattern")
    flags = re.IGNORECASE if body.get("ignore_case") else 0
    try:
        rx = re.compile(str(body["regex"]), flags)
    except re.error as exc:
        raise b.error(f"bad regular expression {body['regex']!r}: {exc}", "pattern") from None
    where = body.get("in", "prose")
    if not (where in ("prose", "all", "tables") or str(where).startswith("section:")):
        raise b.error("pattern in: must be prose, all, tables or section:<key>", "pattern")
    must = body.get("must", "not_match")
    if must not in ("match", "not_match"):
        raise b.error("pattern must: is match or not_match", "pattern")
    message = b.template(spec.get("message"), "message", None)

    def check(budget: Any, ctx: RuleContext) -> list[Finding]:
        doc = budget.document
        if doc is None:
            return []
        lines = scoped_lines(budget, where)
        if lines is None:
            return []
        out = []
        found = False
        for ln in lines:
            m = rx.search(ln.text)
            if not m:
                continue
            found = True
            if must == "not_match":
                special = {"match": m.group(0), "text": ln.text.strip(), "line": ln.line, "page": ln.page}
                out.append(
                    ctx.finding(
                        message.render(f"line matches {rx.pattern!r}: {ln.text.strip()[:80]}", None, special, set()),
                        line=ln.line,
                        page=ln.page,
                        actual=m.group(0),
                    )
                )
        if must == "match" and not found:
            out.append(
                ctx.finding(
                    message.render(f"no line in {where} matches {rx.pattern!r}", None, {"missing": rx.pattern}, set())
                )
            )
        return out

    return check


def scoped_lines(budget: Any, where: str) -> list[Any] | None:
    """The document lines a pattern searches: prose (single-cell lines), tables, all, or one section."""
    lines = budget.document.lines
    if where == "all":
        return lines
    if where == "prose":
        return [ln for ln in lines if len(ln.cells) <= 1 and ln.text.strip()]
    if where == "tables":
        return [ln for ln in lines if len(ln.cells) > 1]
    key = where.split(":", 1)[1]
    sec = budget.meta.sections.get(key)
    if sec is None:
        return None
    pos = {(ln.line, ln.page): i for i, ln in enumerate(lines)}
    starts = sorted(pos.get((s.line, s.page), -1) for s in budget.meta.sections.values())
    start = pos.get((sec.line, sec.page))
    if start is None:
        return None
    later = [s for s in starts if s > start]
    end = later[0] if later else len(lines)
    return lines[start:end]


_FORM_BUILDERS = {
    "assert": _build_assert,
    "hierarchy": _build_hierarchy,
    "compare": _build_compare,
    "join": _build_join,
    "require": _build_require,
    "pattern": _build_pattern,
    "fact": _build_fact,
}

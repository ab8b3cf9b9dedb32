"""The safe expression language of YAML rules: parsed with ``ast``, checked against a whitelist, evaluated
over whole pandas columns.

Nothing in rule text is ever passed to ``eval``/``exec``. ``compile_expr`` refuses anything outside the
whitelist at load time (attribute access other than ``params.x``, dunders, imports, lambdas,
comprehensions, calls of unknown functions, huge exponents), so a hostile rule file fails before any of
it runs. Evaluation walks the checked tree: names are columns (pandas Series) or ``params``; ``and``,
``or`` and ``not`` map to ``&``, ``|`` and ``~``. Money columns hold integer fen; ``yuan("1000.00")``
and ``wan("1.5")`` write money literals.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

from .errors import RuleError
from .userregex import UserPatternError, compile_pattern, search_series
from .values import is_missing, plain

#: Largest magnitude a number may reach (literals and arithmetic results); far above any budget in fen.
MAX_NUMBER = 10**24
MAX_EXPONENT = 64
MAX_STRING = 10_000
#: How deep an expression may nest (a sum of 30 terms is 31 deep; real rules stay under 15).
MAX_DEPTH = 64
#: The most items a list value (a parameter) may have in an expression.
MAX_ITEMS = 10_000

_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_CMPOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_CMP_TEXT = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}

#: Functions an expression may call: name -> (min args, max args). Implementations are in `_call`.
FUNCTIONS: dict[str, tuple[int, int]] = {
    "abs": (1, 1),
    "min": (1, 2),
    "max": (1, 2),
    "sum": (1, 1),
    "count": (1, 1),
    "mean": (1, 1),
    "any": (1, 1),
    "all": (1, 1),
    "isnull": (1, 1),
    "notnull": (1, 1),
    "coalesce": (2, 2),
    "round": (1, 2),
    "yuan": (1, 1),
    "wan": (1, 1),
    "len": (1, 1),
    "startswith": (2, 2),
    "endswith": (2, 2),
    "contains": (2, 2),
    "matches": (2, 2),
    "cell": (3, 3),
    "fact": (1, 1),
    "exists": (1, 1),
    "nrows": (1, 1),
    "kind": (0, 0),
}


class ExprError(Exception):
    """A problem in an expression (raised as RuleError with file and line by `compile_expr`)."""


@dataclass
class Expr:
    """A checked expression, ready to evaluate any number of times."""

    text: str
    tree: ast.Expression
    names: set[str] = field(default_factory=set)  # column names referenced
    params: set[str] = field(default_factory=set)  # params.x referenced
    functions: set[str] = field(default_factory=set)

    def evaluate(self, env: Env) -> Any:
        return _Evaluator(env).visit(self.tree.body)

    def top_comparison(self) -> tuple[ast.AST, str, ast.AST] | None:
        """(left, op, right) when the whole expression is one binary comparison, else None."""
        body = self.tree.body
        if isinstance(body, ast.Compare) and len(body.ops) == 1 and type(body.ops[0]) in _CMP_TEXT:
            return body.left, _CMP_TEXT[type(body.ops[0])], body.comparators[0]
        return None


def compile_expr(
    text: Any, *, path: str | None = None, line: int | None = None, columns: set[str] | None = None
) -> Expr:
    """Parse and check `text`; raise RuleError naming file and line for anything not allowed.

    `columns`, when given, are the names a bare name may refer to (the rule's table columns).
    """
    if isinstance(text, bool) or isinstance(text, (int, float)):
        text = str(text)
    if not isinstance(text, str) or not text.strip():
        raise RuleError(f"expression must be a non-empty string, got {text!r}", path=path, line=line)
    if len(text) > MAX_STRING:
        raise RuleError("expression too long", path=path, line=line)
    shown = text if len(text) <= 80 else text[:60] + "…"
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise RuleError(f"bad expression syntax in {shown!r}: {exc.msg}", path=path, line=line) from None
    except (RecursionError, MemoryError):
        raise RuleError(f"expression nests too deeply: {shown!r}", path=path, line=line) from None
    depth = _depth(tree.body)
    if depth > MAX_DEPTH:
        raise RuleError(
            f"expression nests {depth} levels deep (the limit is {MAX_DEPTH}): {shown!r}", path=path, line=line
        )
    expr = Expr(text=text, tree=tree)
    try:
        _Checker(expr, columns).visit(tree.body)
    except ExprError as exc:
        raise RuleError(f"{exc} in expression {shown!r}", path=path, line=line) from None
    return expr


def _depth(root: ast.AST) -> int:
    """How deep the tree nests (without recursion: the tree may be deeper than Python's stack)."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, d + 1) for child in ast.iter_child_nodes(node))
    return deepest


class _Checker(ast.NodeVisitor):
    """Walks a parsed expression and refuses every node outside the whitelist."""

    def __init__(self, expr: Expr, columns: set[str] | None):
        self.expr = expr
        self.columns = columns

    def generic_visit(self, node: ast.AST) -> None:
        raise ExprError(f"{type(node).__name__} is not allowed")

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        for v in node.values:
            self.visit(v)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if not isinstance(node.op, (ast.Not, ast.USub, ast.UAdd)):
            raise ExprError(f"operator {type(node.op).__name__} is not allowed")
        self.visit(node.operand)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if type(node.op) not in _BINOPS:
            raise ExprError(f"operator {type(node.op).__name__} is not allowed")
        if isinstance(node.op, ast.Pow):
            exp = node.right
            if not (isinstance(exp, ast.Constant) and isinstance(exp.value, int) and not isinstance(exp.value, bool)):
                raise ExprError("the exponent of ** must be a whole-number literal")
            if abs(exp.value) > MAX_EXPONENT:
                raise ExprError(f"exponent {exp.value} is too large (limit {MAX_EXPONENT})")
        self.visit(node.left)
        self.visit(node.right)

    def visit_Compare(self, node: ast.Compare) -> None:
        for op in node.ops:
            if type(op) not in _CMPOPS and not isinstance(op, (ast.In, ast.NotIn)):
                raise ExprError(f"comparison {type(op).__name__} is not allowed")
        self.visit(node.left)
        for c in node.comparators:
            if isinstance(c, (ast.List, ast.Tuple)):
                for elt in c.elts:
                    if not isinstance(elt, ast.Constant):
                        raise ExprError("a list after `in` may hold only literals")
                    self.visit(elt)
            else:
                self.visit(c)

    def visit_Constant(self, node: ast.Constant) -> None:
        v = node.value
        if v is None or isinstance(v, bool):
            return
        if isinstance(v, (int, float)):
            if abs(v) > MAX_NUMBER:
                raise ExprError("number literal too large")
            return
        if isinstance(v, str):
            if len(v) > MAX_STRING:
                raise ExprError("string literal too long")
            return
        raise ExprError(f"literal {type(v).__name__} is not allowed")

    def visit_Name(self, node: ast.Name) -> None:
        name = node.id
        if name.startswith("_"):
            raise ExprError(f"name {name!r} is not allowed")
        if name == "params":
            raise ExprError("use params.<name> to read a parameter")
        if name in ("True", "False", "None"):
            return
        if name in FUNCTIONS:
            raise ExprError(f"function {name!r} must be called")
        if self.columns is not None and name not in self.columns:
            raise ExprError(f"unknown column {name!r}")
        self.expr.names.add(name)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.value, ast.Name) and node.value.id == "params" and not node.attr.startswith("_"):
            self.expr.params.add(node.attr)
            return
        raise ExprError("attribute access is not allowed (only params.<name>)")

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if (
            isinstance(node.value, ast.Name)
            and node.value.id == "params"
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
            and not node.slice.value.startswith("_")
        ):
            self.expr.params.add(node.slice.value)
            return
        raise ExprError("subscripts are not allowed (only params['name'])")

    def visit_Call(self, node: ast.Call) -> None:
        if not isinstance(node.func, ast.Name):
            raise ExprError("only calls of the listed functions are allowed")
        name = node.func.id
        if name not in FUNCTIONS:
            raise ExprError(f"unknown function {name!r}")
        if node.keywords:
            raise ExprError(f"{name}() takes no keyword arguments")
        lo, hi = FUNCTIONS[name]
        if not lo <= len(node.args) <= hi:
            raise ExprError(f"{name}() takes {lo}{'' if lo == hi else f'-{hi}'} arguments, got {len(node.args)}")
        for a in node.args:
            if isinstance(a, ast.Starred):
                raise ExprError("* arguments are not allowed")
        if name in ("yuan", "wan") and isinstance(node.args[0], ast.Constant):
            try:
                to_fen(node.args[0].value, 100 if name == "yuan" else 1_000_000)
            except ExprError as exc:
                raise ExprError(f"{name}(): {exc}") from None
        if name == "matches":
            pat = node.args[1]
            if isinstance(pat, ast.Constant) and isinstance(pat.value, str):
                try:
                    compile_pattern(pat.value)
                except UserPatternError as exc:
                    raise ExprError(f"regular expression {pat.value!r}: {exc}") from None
        self.expr.functions.add(name)
        if name in ("cell", "fact", "exists", "nrows"):
            # their arguments are table / row / column / key names given as literals or params
            for a in node.args:
                if isinstance(a, ast.Constant):
                    self.visit_Constant(a)
                else:
                    self.visit(a)
            return
        for a in node.args:
            self.visit(a)


@dataclass
class Env:
    """What names mean during one evaluation.

    `columns`: name -> Series (row-wise) or scalar; `raw`: the same before null filling (for isnull);
    `params`: the rule's parameters; `budget`: for cell()/fact()/exists().
    """

    columns: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] | None = None
    params: dict[str, Any] = field(default_factory=dict)
    budget: Any = None


def _is_series(x: Any) -> bool:
    return isinstance(x, pd.Series)


def _text_series(x: Any) -> bool:
    """A column of text (or of mixed objects): `*` on it would repeat every string."""
    return _is_series(x) and not (pd.api.types.is_numeric_dtype(x.dtype) or pd.api.types.is_bool_dtype(x.dtype))


def _check_size(x: Any) -> Any:
    if isinstance(x, int) and not isinstance(x, bool) and abs(x) > MAX_NUMBER:
        raise ExprError("arithmetic result too large")
    if isinstance(x, float) and abs(x) > MAX_NUMBER and x == x and abs(x) != float("inf"):
        raise ExprError("arithmetic result too large")
    return x


def to_fen(value: Any, unit_fen: int) -> Any:
    """`yuan()` / `wan()`: a literal or param (text or number) in a unit -> integer fen."""
    if _is_series(value):
        return value * unit_fen
    if value is None:
        return None
    text = str(value).replace(",", "").strip()
    if len(text) > 64:
        raise ExprError(f"not an amount: {text[:30]!r}… ({len(text)} characters)")
    try:
        d = Decimal(text)
    except InvalidOperation:
        raise ExprError(f"not an amount: {value!r}") from None
    if not d.is_finite() or d.adjusted() > 24:
        raise ExprError(f"amount {text!r} is out of range")
    return _check_size(int((d * unit_fen).to_integral_value()))


def _bool_series(x: Any) -> Any:
    if _is_series(x):
        return x.astype("boolean")
    return x


class _Evaluator:
    def __init__(self, env: Env):
        self.env = env

    def visit(self, node: ast.AST) -> Any:
        return getattr(self, "visit_" + type(node).__name__)(node)

    def visit_Constant(self, node: ast.Constant) -> Any:
        return node.value

    def visit_Name(self, node: ast.Name) -> Any:
        if node.id == "True":
            return True
        if node.id == "False":
            return False
        if node.id == "None":
            return None
        try:
            return self.env.columns[node.id]
        except KeyError:
            raise ExprError(f"unknown column {node.id!r}") from None

    def _param(self, name: str) -> Any:
        if name not in self.env.params:
            raise ExprError(f"unknown parameter {name!r}")
        return self.env.params[name]

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        return self._param(node.attr)

    def visit_Subscript(self, node: ast.Subscript) -> Any:
        return self._param(node.slice.value)  # type: ignore[attr-defined]

    def visit_BoolOp(self, node: ast.BoolOp) -> Any:
        vals = [_bool_series(self.visit(v)) for v in node.values]
        out = vals[0]
        for v in vals[1:]:
            if isinstance(node.op, ast.And):
                out = (out & v) if (_is_series(out) or _is_series(v)) else (out and v)
            else:
                out = (out | v) if (_is_series(out) or _is_series(v)) else (out or v)
        return out

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Any:
        v = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            return ~_bool_series(v) if _is_series(v) else (not v)
        if isinstance(node.op, ast.USub):
            return -v
        return v

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        left = self.visit(node.left)
        right = self.visit(node.right)
        if isinstance(left, (list, tuple, dict, set, bytes)) or isinstance(right, (list, tuple, dict, set, bytes)):
            raise ExprError("arithmetic on lists is not allowed")
        if _text_series(left) or _text_series(right):
            if not isinstance(node.op, ast.Add):
                raise ExprError("arithmetic on text is not allowed")
        if isinstance(left, str) or isinstance(right, str):
            if isinstance(node.op, ast.Add) and isinstance(left, str) and isinstance(right, str):
                if len(left) + len(right) > MAX_STRING:
                    raise ExprError("string result too long")
                return left + right
            raise ExprError("arithmetic on text is not allowed")
        for operand in (left, right):
            _check_size(operand)
        try:
            result = _BINOPS[type(node.op)](left, right)
        except ZeroDivisionError:
            return None
        except OverflowError:
            raise ExprError("arithmetic result too large") from None
        return _check_size(result)

    def visit_Compare(self, node: ast.Compare) -> Any:
        left = self.visit(node.left)
        out: Any = True
        for op, comp in zip(node.ops, node.comparators):
            if isinstance(op, (ast.In, ast.NotIn)):
                if isinstance(comp, (ast.List, ast.Tuple)):
                    items = [e.value for e in comp.elts]  # type: ignore[attr-defined]
                else:
                    items = self.visit(comp)
                if _is_series(left):
                    res = left.isin(list(items))
                elif isinstance(items, str):
                    res = left in items
                else:
                    res = left in list(items)
                if isinstance(op, ast.NotIn):
                    res = ~res if _is_series(res) else not res
                right = comp
            else:
                right = self.visit(comp)
                if (left is None or right is None) and not (_is_series(left) or _is_series(right)):
                    res = (
                        (left is right)
                        if isinstance(op, ast.Eq)
                        else (left is not right)
                        if isinstance(op, ast.NotEq)
                        else None
                    )
                    if res is None:
                        return None
                else:
                    res = _CMPOPS[type(op)](left, right)
            res = _bool_series(res)
            out = res if out is True else ((out & res) if (_is_series(out) or _is_series(res)) else (out and res))
            left = right
        return out

    def visit_Call(self, node: ast.Call) -> Any:
        name = node.func.id  # type: ignore[attr-defined]
        if name in ("isnull", "notnull"):
            arg = node.args[0]
            if isinstance(arg, ast.Name) and self.env.raw is not None and arg.id in self.env.raw:
                v = self.env.raw[arg.id]
            else:
                v = self.visit(arg)
            if _is_series(v):
                return v.isna() if name == "isnull" else v.notna()
            missing = is_missing(v)
            return missing if name == "isnull" else not missing
        args = [self.visit(a) for a in node.args]
        return _call(name, args, self.env)


def _call(name: str, args: list[Any], env: Env) -> Any:
    if name == "kind":  # the kind of disclosure (部门预算, 单位预算, ...)
        return getattr(getattr(env.budget, "meta", None), "kind", None)
    a = args[0]
    if name == "abs":
        return a.abs() if _is_series(a) else (None if a is None else abs(a))
    if name in ("min", "max"):
        if len(args) == 1:
            if _is_series(a):
                return plain(a.min() if name == "min" else a.max())
            return a
        b = args[1]
        if _is_series(a) or _is_series(b):
            frame = pd.concat(
                [
                    pd.Series(a) if _is_series(a) else pd.Series(a, index=b.index),
                    b if _is_series(b) else pd.Series(b, index=a.index),
                ],
                axis=1,
            )
            return frame.min(axis=1) if name == "min" else frame.max(axis=1)
        return min(a, b) if name == "min" else max(a, b)
    if name == "sum":
        return plain(a.sum()) if _is_series(a) else a
    if name == "count":
        return int(a.notna().sum()) if _is_series(a) else int(a is not None)
    if name == "mean":
        return plain(a.mean()) if _is_series(a) else a
    if name == "any":
        return bool(a.fillna(False).any()) if _is_series(a) else bool(a)
    if name == "all":
        return bool(a.fillna(True).all()) if _is_series(a) else bool(a)
    if name == "coalesce":
        b = args[1]
        if _is_series(a):
            return a.fillna(b)
        return b if is_missing(a) else a
    if name == "round":
        nd = int(args[1]) if len(args) > 1 else 0
        return a.round(nd) if _is_series(a) else (None if a is None else round(a, nd))
    if name == "yuan":
        return to_fen(a, 100)
    if name == "wan":
        return to_fen(a, 1_000_000)
    if name == "len":
        if _is_series(a):
            return a.astype("string").str.len()
        return None if a is None else len(str(a))
    if name in ("startswith", "endswith", "contains", "matches"):
        b = args[1]
        if not isinstance(b, str):
            raise ExprError(f"{name}() needs text as its second argument")
        if _is_series(a):
            s = a.astype("string")
            if name == "startswith":
                return s.str.startswith(b)
            if name == "endswith":
                return s.str.endswith(b)
            if name == "contains":
                return s.str.contains(b, regex=False)
            return search_series(b, s)
        if a is None:
            return None
        a = str(a)
        if name == "startswith":
            return a.startswith(b)
        if name == "endswith":
            return a.endswith(b)
        if name == "contains":
            return b in a
        return compile_pattern(b).search(a) is not None
    budget = env.budget
    if name == "exists":
        return budget is not None and table_present(budget, a)
    if name == "nrows":
        return 0 if budget is None or a not in budget.frames else int(len(budget.frames[a]))
    if name == "cell":
        return cell(budget, a, args[1], args[2])
    if name == "fact":
        return fact_value(budget, a)
    raise ExprError(f"unknown function {name!r}")  # pragma: no cover - the checker refuses it


def table_present(budget: Any, key: str) -> bool:
    """True when the document prints table `key` (found by title) or has rows for it."""
    if key in budget.meta.tables:
        return True
    df = budget.frames.get(key)
    return df is not None and not df.empty


def select_rows(df: pd.DataFrame, row: Any) -> pd.DataFrame:
    """Rows of `df` whose code, or else name / item / key, equals `row` (an int selects by position)."""
    if isinstance(row, int) and not isinstance(row, bool):
        return df.iloc[[row]] if -len(df) <= row < len(df) else df.iloc[0:0]
    row = str(row)
    for col in ("code", "item", "name", "key", "side"):
        if col in df.columns:
            hit = df[df[col].astype("string") == row]
            if not hit.empty:
                return hit
    return df.iloc[0:0]


def cell(budget: Any, table: str, row: Any, column: str) -> Any:
    """The value of one cell: `cell("gpb_function", "20402", "total")`; None when absent."""
    if budget is None or table not in budget.frames:
        return None
    df = budget.frames[table]
    if column not in df.columns:
        raise ExprError(f"unknown column {column!r} of table {table!r}")
    hit = select_rows(df, row)
    if hit.empty:
        return None
    v = hit.iloc[0][column]
    return plain(v)


def fact_value(budget: Any, key: str) -> Any:
    """The first prose fact with this key: its amount in fen when it has one, else its value."""
    if budget is None:
        return None
    facts = budget.frames.get("facts")
    if facts is None or facts.empty:
        return None
    hit = facts[facts["key"] == key]
    if hit.empty:
        return None
    row = hit.iloc[0]
    for col in ("amount", "value"):
        v = row.get(col)
        if not is_missing(v):
            return plain(v)
    return None

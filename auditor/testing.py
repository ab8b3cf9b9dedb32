"""Helpers for rule authors (shipped in the package so plugins reuse them, sqlfluff style).

from auditor.testing import budget_from_dict, run_rule, check_rule_cases

budget = budget_from_dict({"tables": {"gpb_function": [
    {"code": "204", "name": "公共安全支出", "total": "10.00", "basic": "6.00", "project": "4.00"},
]}})
assert run_rule(MY_RULE, budget) == []
check_rule_cases(MY_RULE)          # runs the rule's own `cases` / YAML `tests:`
"""

from __future__ import annotations

from typing import Any

from .document import Document, Line, form_feed_pages, lines_from_text
from .findings import Finding
from .model import (
    ALL_TABLE_KEYS,
    FA_NINE_TABLES,
    NINE_TABLES,
    Budget,
    Meta,
    Section,
    TableInfo,
    columns_for,
    empty_frame,
    frame_from_records,
    is_final,
    table_keys,
)
from .money import UNIT_FEN, to_fen, yuan_str_to_fen
from .parse import sentences as _sentences  # noqa: F401 - Budget.paragraphs() of constructed budgets
from .rules import Rule


def _money(v: Any, unit: str = "元") -> int | None:
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        raise ValueError(f"not an amount: {v!r}")
    text = str(v).replace(",", "")
    return yuan_str_to_fen(text) if unit == "元" else to_fen(text, unit)


def _frame(key: str, rows: list[dict[str, Any]], unit: str = "元") -> Any:
    _, money = columns_for(key)
    recs = []
    for r in rows:
        rec = dict(r)
        for c in money:
            if c in rec:
                rec[c] = _money(rec[c], unit)
        if (
            key == "facts"
            and rec.get("amount") is None
            and rec.get("unit") in UNIT_FEN
            and rec.get("value") not in (None, "")
        ):
            # a prose fact given as printed (value + unit): its amount in fen, as the parser records it
            rec["amount"] = to_fen(str(rec["value"]), rec["unit"])
        recs.append(rec)
    return frame_from_records(key, recs)


def budget_from_dict(d: dict[str, Any] | None = None, *, validate: bool = True) -> Budget:
    """A Budget from a small dict, money written in 元 (strings or numbers); for final accounts
    (``meta.kind`` 部门决算 / 单位决算) in 万元, as those documents print it.

    Shape: ``{"meta": {"department", "year", "kind", "source", "tables": {key: {unit, department, notes,
    empty, line}}, "sections": [key, ...] or {key: {title, line}}}, "tables": {key: [row, ...]},
    "facts": [...], "projects": [...], "indicators": [...], "text": "document text" or "lines": [...] or "pages": [[lines of page 1], ...],
    "previous": {... same shape ...}}``. Every table given (even with no rows) counts as printed.
    The ``previous`` entry is last year's budget for the year-over-year rules: :func:`run_rule`
    and :func:`previous_from_dict` read it; the Budget returned here is this year's only.
    """
    d = dict(d or {})
    meta_in = dict(d.get("meta") or {})
    meta = Meta(
        source=meta_in.get("source", "<test>"),
        department=meta_in.get("department"),
        year=meta_in.get("year"),
        kind=meta_in.get("kind", "部门预算"),
    )
    unit = "万元" if is_final(meta.kind) else "元"
    meta.unit = meta_in.get("unit", "万元" if is_final(meta.kind) else None)
    titles = {**NINE_TABLES, **FA_NINE_TABLES}
    tables = dict(d.get("tables") or {})
    frames: dict[str, Any] = {}
    for key, rows in tables.items():
        if key not in ALL_TABLE_KEYS:
            raise KeyError(f"unknown table {key!r}")
        frames[key] = _frame(key, list(rows or []), unit)
        meta.tables[key] = TableInfo(
            key=key, title=titles.get(key, key), unit=unit, department=meta.department, empty=not rows
        )
    for key in ("facts", "projects", "indicators"):
        if key in d:
            frames[key] = _frame(key, list(d[key] or []), unit)
    for key, info in (meta_in.get("tables") or {}).items():
        ti = meta.tables.get(key) or TableInfo(key=key, title=titles.get(key, key))
        for k, v in dict(info or {}).items():
            setattr(ti, k, v)
        meta.tables[key] = ti
    secs = meta_in.get("sections") or {}
    if isinstance(secs, list):
        secs = {k: {} for k in secs}
    for key, info in secs.items():
        info = dict(info or {})
        meta.sections[key] = Section(
            key=key, title=info.get("title", key), line=info.get("line"), page=info.get("page")
        )
    for k in ("missing_tables", "missing_sections", "notes", "toc"):
        if k in meta_in:
            setattr(meta, k, list(meta_in[k]))
    for key in table_keys(meta.kind):
        frames.setdefault(key, empty_frame(key))
    document = None
    if "text" in d or "lines" in d or "pages" in d:
        if "pages" in d:
            # a PDF-like document: a list of pages, each a list of lines ([] = a blank page)
            lines = [
                Line(text=t, line=n, page=p, cells=(t,))
                for p, page in enumerate(d["pages"], start=1)
                for n, t in enumerate(page, start=1)
            ]
            empty = [p for p, page in enumerate(d["pages"], start=1) if not any(t.strip() for t in page)]
            document = Document(
                path=meta.source or "<test>", lines=lines, kind="pdf", pages=len(d["pages"]), empty_pages=empty
            )
        else:
            text = d["text"] if "text" in d else "\n".join(d["lines"])
            pages, blank = form_feed_pages(text)
            document = Document(
                path=meta.source or "<test>", lines=lines_from_text(text), kind="text", pages=pages, empty_pages=blank
            )
    schema_errors = None
    if validate:
        from .schemas import validate_frames

        schema_errors = validate_frames({k: v for k, v in frames.items() if not v.empty})
    return Budget(meta=meta, frames=frames, document=document, schema_errors=schema_errors)


def previous_from_dict(d: dict[str, Any] | None, *, validate: bool = True) -> Budget | None:
    """Last year's Budget of a budget_from_dict dict (its ``previous`` entry), or None."""
    prev = (d or {}).get("previous")
    return budget_from_dict(prev, validate=validate) if prev else None


def find_rule(code: str) -> Rule:
    """A loaded rule by code (built-in rules, installed plugins, the built-in rule pack)."""
    from .engine import default_engine

    r = default_engine().rule(code)
    if r is None:
        raise KeyError(f"no rule {code}")
    return r


def run_rule(
    rule_or_code: Rule | str,
    budget_or_dict: Budget | dict[str, Any],
    params: dict[str, Any] | None = None,
    *,
    previous: Budget | None = None,
) -> list[Finding]:
    """Run one rule on a Budget (or a budget_from_dict dict) and return its findings (exceptions propagate).

    Last year's budget is `previous`, else the dict's ``previous`` entry.
    """
    r = find_rule(rule_or_code) if isinstance(rule_or_code, str) else rule_or_code
    if isinstance(budget_or_dict, dict):
        budget = budget_from_dict(_of_rule_kind(r, budget_or_dict))
        if previous is None:
            previous = previous_from_dict(budget_or_dict)
    else:
        budget = budget_or_dict
    return r.run(budget, params, previous=previous)


def _of_rule_kind(rule: Rule, d: dict[str, Any]) -> dict[str, Any]:
    """A case's budget dict, of the rule's first kind when the case names none and the rule is not a budget rule."""
    meta = dict(d.get("meta") or {})
    if "kind" in meta or rule.applies_to("部门预算"):
        return d
    meta["kind"] = rule.kinds[0]
    return {**d, "meta": meta}


def check_rule_cases(rule: Rule) -> int:
    """Run a rule's own cases; AssertionError naming the rule, the case and the findings when one fails.

    Returns the number of cases run.
    """
    for i, case in enumerate(rule.cases):
        name = case.get("name", f"case {i + 1}")
        expected = case.get("fires")
        found = run_rule(rule, case.get("budget") or {}, case.get("params"))
        n = len(found)
        ok = (n > 0) == expected if isinstance(expected, bool) else n == expected
        if not ok:
            want = (
                ("some findings" if expected else "no findings")
                if isinstance(expected, bool)
                else f"{expected} finding(s)"
            )
            got = "; ".join(f.message for f in found[:5]) or "none"
            raise AssertionError(f"rule {rule.code} ({rule.where()}) case {name!r}: expected {want}, got {n}: {got}")
    return len(rule.cases)


# ----------------------------------------------------------------------------------------------
# helpers for test suites that audit real disclosures, and for running rule cases one by one
# (the pytest plugin, auditor.pytest_plugin, is built on these)

_BUDGETS: dict[tuple[str, int, int], Budget] = {}


def disclosure_paths(*paths: Any) -> list[Any]:
    """The disclosure files under `paths` (files as given; directories searched, sorted, for
    .txt/.pdf/.xlsx/.json), for ``@pytest.mark.parametrize("path", disclosure_paths("disclosures/"))``."""
    from .engine import expand_paths

    return expand_paths(paths)


def load_budget(path: Any) -> Budget:
    """Load a disclosure once per process (cached by path, modification time and size).

    Raises LoadError like :func:`auditor.load` (the default engine's loaders). The cached Budget is
    shared (Budgets are read-only).
    """
    from pathlib import Path

    from .engine import load

    p = Path(path)
    try:
        st = p.stat()
        key = (str(p.resolve()), st.st_mtime_ns, st.st_size)
    except OSError:
        return load(p)  # raises the LoadError naming the problem
    if key not in _BUDGETS:
        _BUDGETS[key] = load(p)
    return _BUDGETS[key]


def case_name(case: dict[str, Any], index: int) -> str:
    """A rule case's name (``case 3`` when it has none)."""
    return str(case.get("name") or f"case {index + 1}")


def case_expects(case: dict[str, Any]) -> str:
    """What a case expects, in words: ``some findings``, ``no findings`` or ``2 finding(s)``."""
    expected = case.get("fires")
    if isinstance(expected, bool):
        return "some findings" if expected else "no findings"
    return "no findings" if expected == 0 else f"{expected} finding(s)"


def case_fires(case: dict[str, Any]) -> bool:
    """True when the case expects the rule to fire (``fires: true`` or a count above 0)."""
    expected = case.get("fires")
    return bool(expected) if isinstance(expected, bool) else bool(expected and int(expected) > 0)


def run_rule_case(rule: Rule, case: dict[str, Any]) -> tuple[bool, list[Finding]]:
    """Run one of a rule's cases: (whether the outcome is the expected one, the findings).

    Exceptions of the rule propagate (a crashing case is a failing case).
    """
    expected = case.get("fires")
    found = run_rule(rule, case.get("budget") or {}, case.get("params"))
    n = len(found)
    ok = (n > 0) == expected if isinstance(expected, bool) else n == expected
    return ok, found

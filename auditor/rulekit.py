"""Helpers that rule authors share: code hierarchy, printed-precision tolerance, OCR twins, display.

The value helpers (``is_missing``, ``fen_or_zero``, ``yuan``, ``show``) come from ``auditor.values`` and
the tolerance from ``auditor.money.tolerance``; they are re-exported here so a rule imports one module.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

import pandas as pd

from .diagnosis import diagnose
from .model import frame_records, read_only_table
from .money import tolerance
from .reading import unread
from .rules import current_audit
from .values import fen_or_zero, is_missing, show, yuan

__all__ = [  # the value helpers and the tolerance are defined once (values.py, money.py) and shared here
    "fen_or_zero",
    "is_missing",
    "show",
    "tolerance",
    "yuan",
]

#: what a finding adds when its difference is within the rounding of the printed figures
ROUNDING_NOTE = "。差额在印刷精度的舍入范围内（各数取整后相加），可能为舍入所致"

FUNCTION_KEYS = ("income_summary", "expenditure_summary", "gpb_function", "gov_fund_function", "soe_capital_function")


def decimals_of(text: str | None) -> int:
    """How many decimals a printed number shows (`208,293.59` -> 2, `10` -> 0)."""
    if not text:
        return 2
    digits = "".join(ch for ch in str(text) if ch.isdigit() or ch == ".")
    if "." not in digits:
        return 0
    return len(digits.rsplit(".", 1)[1])


def agrees(table_fen: int, stated_fen: int, unit: str = "元", decimals: int = 2, terms: int = 1) -> bool:
    """True when a stated figure equals the table figure within the rounding of its printing (``tolerance``)."""
    return abs(int(table_fen) - int(stated_fen)) <= tolerance(unit, decimals, terms)


def twin_note(kept, printed: str) -> str:
    """How two printings of one figure differ, in digits (no guess at the cause: an OCR misreading
    is said by ``auditor.ocr_notes``, and only for a document read by OCR)."""
    kept_digits = str(abs(int(kept)))
    twin_digits = re.sub(r"\D", "", str(printed))
    if len(kept_digits) != len(twin_digits):
        return f"两处印刷的位数不同（{kept_digits} 与 {twin_digits}），请核对原件"
    diff = sum(1 for x, y in zip(kept_digits, twin_digits, strict=True) if x != y)
    return f"两处印刷有 {diff} 位数字不同（{kept_digits} 与 {twin_digits}），请核对原件"


def mismatch(ctx, message: str, *, actual, expected, **location):
    """A finding for two money figures (fen) that should agree, both as 元 strings. (On a document
    read by OCR, ``auditor.ocr_notes`` adds the misreading note where a digit or the recogniser's
    confidence suggests one; nothing here guesses at OCR.)"""
    return ctx.finding(message, expected=yuan(expected), actual=yuan(actual), **location)


def level(code: str | None) -> str | None:
    """类 / 款 / 项 of a function code (3/5/7 digits) or economic code (3/5)."""
    if code is None or is_missing(code):
        return None
    return {3: "类", 5: "款", 7: "项"}.get(len(str(code)))


def coded_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Rows that carry a code (not the 合计 row)."""
    if df.empty or "code" not in df:
        return df.iloc[0:0]
    return df[df["code"].notna()]


def total_row(df: pd.DataFrame) -> pd.Series | None:
    """The 合计 row of a coded table, or None."""
    if df.empty or "code" not in df:
        return None
    codes, names = df["code"].tolist(), df["name"].tolist()
    for i in range(len(codes) - 1, -1, -1):
        if is_missing(codes[i]) and ("合计" in str(names[i]) or "总计" in str(names[i])):
            return df.iloc[i]
    return None


def total_record(rows: list[dict]) -> dict | None:
    """The 合计 row among a coded table's records (``records(budget, key)``), or None: as ``total_row``."""
    for r in reversed(rows):
        name = str(r.get("name"))
        if is_missing(r.get("code")) and ("合计" in name or "总计" in name):
            return r
    return None


def total_of(budget, key: str) -> dict | None:
    """The 合计 row of a coded table as a record (memoised per audit): ``total_row`` of the table,
    without copying the frame and building a Series for the row."""

    def find(b) -> dict | None:
        rows = records(b, key)
        return total_record(rows) if rows and "code" in rows[0] else None

    return memo(budget, f"total:{key}", find)


def children(df: pd.DataFrame, parent_code: str) -> pd.DataFrame:
    """Direct children of a code: 类 -> its 款 rows, 款 -> its 项 rows."""
    coded = coded_rows(df)
    n = len(parent_code)
    codes = coded["code"].astype(str)
    return coded[codes.str.startswith(parent_code) & (codes.str.len() == n + 2)]


def hierarchy_mismatches(
    df: pd.DataFrame, columns: list[str]
) -> Iterator[tuple[pd.Series, str, int, int, pd.DataFrame]]:
    """Yield (parent row, column, parent value, children sum, children) where a parent ≠ Σ its children.

    Parents without printed children are skipped (a table may stop at 款).
    """
    coded = coded_rows(df)
    for _, parent in coded.iterrows():
        code = str(parent["code"])
        kids = children(df, code)
        if kids.empty:
            continue
        for col in columns:
            if col not in df:
                continue
            expected = sum(fen_or_zero(v) for v in kids[col])
            actual = fen_or_zero(parent[col])
            if expected != actual:
                yield parent, col, actual, expected, kids


def row_location(row) -> dict:
    """Location keywords (row, line, page) for ctx.finding from a frame row (Series or record dict)."""
    line = row.get("line")
    page = row.get("page")
    code = row.get("code") if "code" in row else None
    label = code if not is_missing(code) else (row.get("name") if "name" in row else row.get("item"))
    return {
        "row": None if is_missing(label) else str(label),
        "line": None if is_missing(line) else int(line),
        "page": None if is_missing(page) else int(page),
    }


def memo(budget, name: str, compute):
    """A view of the budget computed once per audit and shared by rules.

    Kept in the running audit's context (``ctx.audit``), never on the budget; outside a rule run
    it is computed afresh.
    """
    audit = current_audit()
    return compute(budget) if audit is None else audit.memo(budget, name, compute)


def records(budget, key: str) -> list[dict]:
    """The rows of a table as dicts (memoised): rules that walk rows avoid pandas' per-row cost."""
    return memo(budget, f"records:{key}", lambda b: frame_records(read_only_table(b, key)))


def by_code(budget, key: str) -> dict[str, dict]:
    """Coded rows of a table keyed by code (memoised)."""
    return memo(
        budget,
        f"by_code:{key}",
        lambda b: {str(r["code"]): r for r in records(b, key) if not is_missing(r.get("code"))},
    )


def by_name(budget, key: str) -> dict[str, list[dict]]:
    """Coded rows of a table grouped by their printed name (memoised)."""

    def build(b):
        out: dict[str, list[dict]] = {}
        for r in by_code(b, key).values():
            out.setdefault(str(r.get("name") or "").strip(), []).append(r)
        return out

    return memo(budget, f"by_name:{key}", build)


def _facts_by_key(budget) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for rec in frame_records(budget.table("facts")):
        out.setdefault(rec["key"], []).append(rec)
    return out


def fact_records(budget, key: str) -> list[dict]:
    """Facts with this key as record dicts, in document order (indexed once per audit)."""
    return memo(budget, "facts_by_key", _facts_by_key).get(key, [])


def fact_rows(budget, key: str) -> pd.DataFrame:
    """Facts with this key as a frame (empty frame when none); prefer fact_records in loops."""
    facts = budget.table("facts")
    return facts.iloc[0:0] if facts.empty else facts[facts["key"] == key]


def first_fact(budget, key: str) -> dict | None:
    """The first fact with this key (a record dict), or None."""
    rows = fact_records(budget, key)
    return rows[0] if rows else None


def fact_location(fact: pd.Series) -> dict:
    return {
        "table": "facts",
        "row": fact.get("key"),
        "line": None if is_missing(fact.get("line")) else int(fact.get("line")),
        "page": None if is_missing(fact.get("page")) else int(fact.get("page")),
    }


def fact_fen(fact: pd.Series) -> int | None:
    """The amount of a money fact in fen (uses the likely reading for malformed numbers)."""
    amount = fact.get("amount")
    if is_missing(amount):
        return None
    return int(amount)


def fact_decimals(fact: pd.Series) -> int:
    return decimals_of(fact.get("value"))


def unread_tables(budget) -> dict:
    """The tables not reliably read from the source (``auditor.reading``), memoised per audit."""
    return memo(budget, "reading:unread", lambda b: unread(b, rows=lambda key: records(b, key)))


def readable(budget, key: str) -> bool:
    """Whether a table was read consistently enough for document errors to be computed from it.

    False for a table ``auditor.reading`` judges not reliably read (EX002) and for a coded table
    whose identities no small set of misprints explains (EX001): rules withhold their errors there.
    """
    if key in unread_tables(budget):
        return False
    return key not in diagnosis(budget).unreliable


def diagnosis(budget):
    """The diagnosis of the coded tables (``auditor.diagnosis``), memoised per audit; it skips the
    tables ``unread_tables`` judges not read, from the same shared judgement."""
    return memo(budget, "diagnosis", lambda b: diagnose(b, unread=unread_tables(b)))


def unless_unread(*tables: str):
    """Decorate a rule function whose errors are computed from ``tables``: when any of them was not
    reliably read (``readable`` is False), the rule's errors are withheld (its warnings stay)."""

    def wrap(func):
        @functools.wraps(func)
        def run(budget, ctx):
            withheld = any(not readable(budget, t) for t in tables)
            for f in func(budget, ctx) or ():
                if not (withheld and f.severity == "error"):
                    yield f

        return run

    return wrap

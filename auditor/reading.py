"""Whether a table was read consistently from its source: a fault of the reading, not of the document.

Text extractors lay a table out in many ways (cells on one line, a cell per line, column after
column); a table that comes out of one of them unreadably looks, to a rule, like a table printed
empty or wrong. A reviewer would not call that a defect of the document, so the tables are judged
here first, from the model alone (frames and table metadata):

- **rows not read**: the table's printed lines carry amounts (``TableInfo.amounts``) but its rows
  hold none of them, or fewer than half;
- **identities that no single misprint explains** (the two-sided 收支 summaries and the 三公 table):
  收入总计 = 支出总计, Σ 一、二、… = 总计, Σ 1. 2. … = their item, each 财政拨款 expenditure row's 合计 =
  its columns, 合计 = 出国 + 车 + 接待 and 车 = 购置 + 运行. One misprinted cell breaks exactly the
  identities it takes part in, and changing it repairs them all: that is the document's defect and
  the arithmetic rules report it. When no one cell does, the figures were misread.

:func:`unread` maps each such table to an :class:`Unread` (the lines and what did not hold). The
coded tables' identities are judged by :mod:`auditor.diagnosis` instead (EX001); both are behind
``rulekit.readable``, which every rule that computes a document error from a table consults.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import lazyre, numbering
from .labels import column_label
from .model import columns_for, frame_records, read_only_table
from .values import fen_or_zero, int_or_none, is_missing, show

#: the tables a budget always fills (a title found with no rows read is a reading problem)
SUMMARY_TABLES = ("fiscal_summary", "income_summary", "expenditure_summary", "fiscal_appropriation_summary")
#: the tables whose own identities are judged here (the coded tables are the diagnosis's)
TWO_SIDED = ("fiscal_summary", "fiscal_appropriation_summary")
_MONEY = {
    "fiscal_summary": ("amount", "personnel", "public", "project"),
    "fiscal_appropriation_summary": ("total", "general_public", "gov_fund", "soe_capital"),
}
_GRAND = lazyre.compile(r"总计|合计")
#: a cell holding two figures, the first with its decimals (``47.91 0``); an OCR-spaced figure (``293. 59``) is one
_TWO_FIGURES = lazyre.compile(r"\d\.\d{1,2}\s+\d")
_SANGONG_MONEY = (
    "total",
    "outbound",
    "vehicle_total",
    "vehicle_purchase",
    "vehicle_operation",
    "reception",
    "operating_expenses",
)


@dataclass(frozen=True)
class Unread:
    """A table not reliably read: where it is and what did not hold."""

    table: str
    line: int | None
    page: int | None
    lines: tuple[int, ...]  # the printed lines concerned (the rows whose identities fail)
    reasons: tuple[str, ...]  # what did not hold, in words


@dataclass(frozen=True)
class _Identity:
    what: str  # the identity in words
    lhs: tuple[int, str]  # (row index, column)
    rhs: tuple[tuple[int, str], ...]


def unread(budget, rows: Callable[[str], list[dict]] | None = None) -> dict[str, Unread]:
    """The tables of a budget that were not reliably read from its source (see the module doc).

    ``rows(key)`` gives a table's rows as dicts (``rulekit.records`` shares them between rules).
    """
    out: dict[str, Unread] = {}
    for key, info in budget.meta.tables.items():
        if key.startswith("fa_"):
            continue  # the 决算 tables are judged by their own rules (FA901)
        table = rows(key) if rows is not None else _records(budget, key)
        problem = _judge(key, info, table)
        if problem is not None:
            out[key] = problem
    return out


def _records(budget, key: str) -> list[dict]:
    """A table's rows, read from the stored frame without a copy (``to_dict`` and the copy a lookup
    hands out were a fifth of an audit's rule time: the diagnosis asks for every table)."""
    df = read_only_table(budget, key)
    return [] if df is None or df.empty else frame_records(df)


def _judge(key: str, info, rows: list[dict]) -> Unread | None:
    money = _money_columns(key, rows)
    if money is None:
        return None
    printed = getattr(info, "amounts", None) or 0
    read = sum(1 for r in rows for c in money if not is_missing(r.get(c)) and fen_or_zero(r.get(c)) != 0)
    if printed and read * 2 < printed:
        what = (
            f"本表印有 {printed} 个非零金额，未读出任何金额"
            if read == 0
            else f"本表印有 {printed} 个非零金额，只读出 {read} 个"
        )
        return Unread(key, info.line, info.page, (), (what,))
    if not rows:
        return None
    if key in TWO_SIDED:
        values, ids = _two_sided_identities(key, rows)
        missing = [f"{side}总计" for side in ("收入", "支出") if not _has_grand(rows, side)]
        if missing and read and printed:
            return Unread(key, info.line, info.page, _lines(rows), (f"未读出{'、'.join(missing)}行",))
    elif key == "sangong":
        values, ids = _sangong_identities(rows)
    else:
        return None
    # a difference within the rounding of the printed figures (万元, 元 without 分) is no misreading
    broken = [i for i in ids if abs(_residual(values, i)) > (info.rounding(len(i.rhs) + 1) if info else 0)]
    if not broken:
        return None
    # a total left blank while a figure printed in the table went unplaced is that figure misread, not
    # a misprint that one cell explains (layout text stripped of its indentation loses a row's amount)
    blank = [i for i in broken if is_missing(rows[i.lhs[0]].get(i.lhs[1]))]
    if blank and printed and read < printed:
        reasons = tuple(f"{i.what}：总计未读出金额（本表印有 {printed} 个非零金额，只读出 {read} 个）" for i in blank[:4])
        return Unread(key, info.line, info.page, _total_lines(rows, blank), reasons)
    # a 三公 cell read as two figures (``47.91 0``: a gap inside the row not where the columns part) was
    # misread, whatever one corrected cell would explain
    if key == "sangong" and (
        joined := [str(v) for r in rows for v in (r.get("printed") or {}).values() if v and _TWO_FIGURES.search(str(v))]
    ):
        reasons = (f"单元格读出两个数字（{'、'.join(joined[:3])}），栏目无法确定",)
        return Unread(key, info.line, info.page, _lines(rows), reasons)
    if _one_cell_explains(values, ids, broken):
        return None
    unit = "万元" if key == "sangong" else "元"
    reasons = tuple(
        f"{i.what}：印 {show(values.get(i.lhs, 0), unit)}，各项之和 {show(sum(values.get(c, 0) for c in i.rhs), unit)}"
        for i in broken[:4]
    ) + ((f"等 {len(broken)} 个等式不成立",) if len(broken) > 4 else ())
    return Unread(key, info.line, info.page, _total_lines(rows, broken), reasons)


def _money_columns(key: str, rows: list[dict]) -> tuple[str, ...] | None:
    if key in _MONEY:
        return _MONEY[key]
    if key == "sangong":
        return _SANGONG_MONEY
    if key in SUMMARY_TABLES or key.endswith(("_function", "_economic")):
        try:
            money = columns_for(key)[1]
        except KeyError:
            return None
        present = {c for r in rows for c in r}  # the model's money columns the rows use (not extra keys)
        return tuple(c for c in money if c in present) or ("total",)
    return None


def _lines(rows: list[dict]) -> tuple[int, ...]:
    return tuple(sorted({n for r in rows if (n := int_or_none(r.get("line"))) is not None}))


def _line(rows: list[dict], index: int) -> int | None:
    return int_or_none(rows[index].get("line"))


def _total_lines(rows: list[dict], identities: list[_Identity]) -> tuple[int, ...]:
    """The lines of the identities' totals (their left-hand cells), in order."""
    return tuple(sorted({ln for i in identities if (ln := _line(rows, i.lhs[0])) is not None}))


def _has_grand(rows: list[dict], side: str) -> bool:
    side_key = "income" if side == "收入" else "expenditure"
    return any(r.get("side") == side_key and _GRAND.search(str(r.get("item") or "")) for r in rows)


def _style(item) -> str | None:
    n = numbering.parse(str(item or ""))
    return n.style if n else None


def _two_sided_identities(key: str, rows: list[dict]):
    """Cell values and the identities of a two-sided summary table (as the arithmetic rules check them)."""
    columns = [c for c in _MONEY[key] if any(c in r for r in rows)]
    values = {(i, c): fen_or_zero(r.get(c)) for i, r in enumerate(rows) for c in columns}
    ids: list[_Identity] = []
    first = columns[0]
    grands: dict[str, int] = {}
    for side, word in (("income", "收入"), ("expenditure", "支出")):
        idx = [i for i, r in enumerate(rows) if r.get("side") == side]
        grand = [i for i in idx if _GRAND.search(str(rows[i].get("item") or ""))]
        items = [i for i in idx if i not in grand]
        cols = [first] if side == "income" else columns
        if grand:
            g = grand[-1]
            grands[side] = g
            top = [i for i in items if _style(rows[i].get("item")) == "一、"]
            for c in cols:
                if top:
                    what = f"{word}总计 = Σ 一、二、…" + (f"（{column_label(key, c)}）" if len(cols) > 1 else "")
                    ids.append(_Identity(what, (g, c), tuple((i, c) for i in top)))
        current, subs = None, []
        for i in [*items, None]:
            if i is None or _style(rows[i].get("item")) == "一、":
                if current is not None and subs and not is_missing(rows[current].get(first)):
                    for c in cols:
                        label = numbering.strip(str(rows[current].get("item"))).strip()
                        what = f"{label} = Σ 其中各项" + (f"（{column_label(key, c)}）" if len(cols) > 1 else "")
                        ids.append(_Identity(what, (current, c), tuple((s, c) for s in subs)))
                current, subs = i, []
            elif _style(rows[i].get("item")) == "1.":
                subs.append(i)
        if side == "expenditure" and len(columns) > 1:
            parts = [c for c in columns[1:]]
            for i in idx:
                if any(fen_or_zero(rows[i].get(c)) for c in parts):
                    label = numbering.strip(str(rows[i].get("item"))).strip()
                    ids.append(_Identity(f"{label} 合计 = 各栏之和", (i, first), tuple((i, c) for c in parts)))
    if "income" in grands and "expenditure" in grands:
        ids.append(_Identity("收入总计 = 支出总计", (grands["income"], first), ((grands["expenditure"], first),)))
    return values, ids


def _sangong_identities(rows: list[dict]):
    values = {(0, c): fen_or_zero(rows[0].get(c)) for c in _SANGONG_MONEY}
    ids = [
        _Identity(
            "“三公”经费合计 = 出国 + 公务用车 + 接待",
            (0, "total"),
            ((0, "outbound"), (0, "vehicle_total"), (0, "reception")),
        ),
        _Identity("公务用车 = 购置 + 运行", (0, "vehicle_total"), ((0, "vehicle_purchase"), (0, "vehicle_operation"))),
    ]
    return values, ids


def _residual(values: dict, ident: _Identity) -> int:
    return values.get(ident.lhs, 0) - sum(values.get(c, 0) for c in ident.rhs)


def _one_cell_explains(values: dict, ids: list[_Identity], broken: list[_Identity]) -> bool:
    """Whether correcting one printed cell makes every identity hold (a misprint, not a misreading)."""
    member: dict[tuple[int, str], list[tuple[_Identity, int]]] = {}
    for ident in ids:
        member.setdefault(ident.lhs, []).append((ident, 1))
        for c in ident.rhs:
            member.setdefault(c, []).append((ident, -1))
    broken_set = {id(i) for i in broken}
    for inside in member.values():
        if {id(i) for i, _ in inside} != broken_set:
            continue
        # the correction each identity asks of this cell must be the same one
        deltas = {-_residual(values, i) * sign for i, sign in inside}
        if len(deltas) == 1:
            return True
    return False

"""Which printed cells are wrong: one defect, one finding, at the faulty cell.

The coded tables tie their cells together by identities: each row's 合计 is the sum of its columns,
each parent (类, 款, 合计) the sum of its children, and the same function code carries the same
amounts in every table that prints it (收入预算总表 = 支出预算总表 = Σ the fund function tables). One
misprinted cell breaks every identity it takes part in; reporting each broken identity blames parents
and other tables that are right.

:func:`diagnose` looks instead for the smallest set of cell corrections that makes every identity
hold: it repeatedly corrects the cell whose correction repairs the most broken identities while
breaking the fewest that hold (a middle level that disagrees with both its parent and its children
repairs two identities at once, so it is preferred to either), until nothing is broken or no
correction helps. A table whose broken identities no small set of corrections explains was most
likely misread (columns shifted, rows lost): it is reported as ``unreliable`` instead.

A table whose rows were not read at all (``auditor.reading``: it prints amounts its rows do not
hold, the EX002 warning) takes no part: its identities, and the other tables' equalities with it,
say nothing about the document.

Rules read the result (:class:`Diagnosis`); the module reads only the model (frames and meta).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from . import reading
from .model import frame_columns, read_only_table
from .money import fen_to_yuan_str
from .values import fen_or_zero, is_missing

#: coded tables: money columns, the row identity (total = Σ parts) and the code lengths of the hierarchy
CODED: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...]]] = {
    "income_summary": (
        ("total", "fiscal", "business", "operating", "other"),
        ("fiscal", "business", "operating", "other"),
        (3, 5, 7),
    ),
    "expenditure_summary": (("total", "basic", "project"), ("basic", "project"), (3, 5, 7)),
    "gpb_function": (("total", "basic", "project"), ("basic", "project"), (3, 5, 7)),
    "gov_fund_function": (("total", "basic", "project"), ("basic", "project"), (3, 5, 7)),
    "soe_capital_function": (("total", "basic", "project"), ("basic", "project"), (3, 5, 7)),
    "gpb_basic_economic": (("total", "personnel", "public"), ("personnel", "public"), (3, 5)),
}
FUND_TABLES = ("gpb_function", "gov_fund_function", "soe_capital_function")
TOTAL_NAMES = ("合计", "总计")
#: more corrections than this in one table: the table was misread, not misprinted
MAX_CORRECTIONS_PER_TABLE = 3
_MAX_STEPS = 60


class Cell(NamedTuple):
    """One printed cell. A named tuple, not a dataclass: the diagnosis hashes cells thousands of
    times per document, and a tuple's hash is native."""

    table: str
    index: int  # position of the row in the table's frame
    column: str


@dataclass(frozen=True, slots=True)
class Identity:
    kind: str  # "row" | "hierarchy" | "cross-table"
    lhs: Cell
    rhs: tuple[Cell, ...]


@dataclass
class Correction:
    """A printed row whose cells the diagnosis corrects: the defect to report."""

    table: str
    index: int
    row: str | None  # the code, or the 合计 row's name
    line: int | None
    page: int | None
    columns: dict[str, tuple[int, int]]  # column -> (printed fen, corrected fen)
    broken: list[Identity] = field(default_factory=list)  # identities these cells break as printed
    within_rounding: bool = False  # every broken identity is off by no more than the printed rounding
    #: False for a printed sum that fails where no correction of a cell explains which one is wrong:
    #: ``columns`` then holds (printed total, sum of its parts) and ``broken`` the failing sums
    explained: bool = True

    def kinds(self) -> set[str]:
        return {i.kind for i in self.broken}


@dataclass
class Diagnosis:
    corrections: list[Correction]
    #: table -> the identities left broken when the table was set aside as not reliably read
    unreliable: dict[str, list[Identity]]
    values: dict[Cell, int]  # printed values
    labels: dict[tuple[str, int], dict[str, Any]]  # (table, index) -> row, line, page

    def corrected_cells(self) -> set[Cell]:
        return {Cell(c.table, c.index, col) for c in self.corrections for col in c.columns}

    def explains(self, table: str, code: str | None, column: str) -> bool:
        """True when a correction covers this cell (other rules then leave it to the diagnosis)."""
        return (
            any(
                c.table == table and c.row == code and column in c.columns and c.kinds() - {"cross-table"}
                for c in self.corrections
            )
            or table in self.unreliable
        )

    def evidence(self, identity: Identity) -> dict[str, Any]:
        """An identity as printed, for a finding's evidence: its rows, their sum, the printed figure, the gap."""
        s = sum(self.values.get(c, 0) for c in identity.rhs)
        p = self.values.get(identity.lhs, 0)
        lhs = self.labels[(identity.lhs.table, identity.lhs.index)]
        return {
            "kind": identity.kind,
            "table": identity.lhs.table,
            "row": lhs["row"],
            "column": identity.lhs.column,
            "identity": describe(identity, self.labels),
            "parts": [
                {
                    "table": c.table,
                    "row": self.labels[(c.table, c.index)]["row"],
                    "column": c.column,
                    "printed": fen_to_yuan_str(self.values.get(c, 0)),
                }
                for c in identity.rhs
            ],
            "sum": fen_to_yuan_str(s),
            "printed": fen_to_yuan_str(p),
            "difference": fen_to_yuan_str(p - s),
        }


TITLES = {
    "income_summary": "收入预算总表",
    "expenditure_summary": "支出预算总表",
    "gpb_function": "一般公共预算支出功能分类预算表",
    "gov_fund_function": "政府性基金预算支出功能分类预算表",
    "soe_capital_function": "国有资本经营预算支出功能分类预算表",
    "gpb_basic_economic": "基本支出经济分类预算表",
}
COLUMN_NAMES = {
    "total": "合计",
    "fiscal": "财政拨款收入",
    "business": "事业收入",
    "operating": "事业单位经营收入",
    "other": "其他收入",
    "basic": "基本支出",
    "project": "项目支出",
    "personnel": "人员经费",
    "public": "公用经费",
}


def describe(identity: Identity, labels: dict) -> str:
    """An identity in words: ``21201 合计 = 基本支出 + 项目支出``, ``212 合计 = Σ(21201, 21203)``."""
    lhs = labels[(identity.lhs.table, identity.lhs.index)]["row"]
    col = COLUMN_NAMES.get(identity.lhs.column, identity.lhs.column)
    if identity.kind == "row":
        return f"{lhs} {col} = " + " + ".join(COLUMN_NAMES.get(c.column, c.column) for c in identity.rhs)
    if identity.kind == "hierarchy":
        kids = [labels[(c.table, c.index)]["row"] for c in identity.rhs]
        shown = ", ".join(kids[:6]) + (f", …（共 {len(kids)} 行）" if len(kids) > 6 else "")
        return f"{lhs} {col} = Σ({shown})"
    parts = " + ".join(TITLES[c.table] for c in identity.rhs)
    return f"{lhs} {col}：{TITLES[identity.lhs.table]} = {parts}"


def _code(v: Any) -> str | None:
    return None if is_missing(v) else str(v)


def _identities(
    budget, skip: set[str]
) -> tuple[list[Identity], dict[Cell, int], dict[tuple[str, int], dict[str, Any]]]:
    ids: list[Identity] = []
    values: dict[Cell, int] = {}
    labels: dict[tuple[str, int], dict[str, Any]] = {}
    by_code: dict[str, dict[str, int]] = {}
    for table, (money, parts, levels) in CODED.items():
        if table in skip:
            continue  # its rows were not read (EX002): its figures are not the document's
        df = read_only_table(budget, table)  # read, never written: no copy
        if df is None or df.empty or "code" not in df:
            continue
        columns = frame_columns(df)  # plain lists: no Series per column
        codes = [_code(v) for v in columns["code"]]
        names = columns.get("name") or [None] * len(codes)
        lines = columns.get("line") or [None] * len(codes)
        pages = columns.get("page") or [None] * len(codes)
        cols = {c: columns[c] for c in money if c in columns}
        if "total" not in cols:
            continue
        present = [c for c in money if c in cols]
        for i, code in enumerate(codes):
            labels[(table, i)] = {
                "row": code if code is not None else (None if is_missing(names[i]) else str(names[i])),
                "line": None if is_missing(lines[i]) else int(lines[i]),
                "page": None if is_missing(pages[i]) else int(pages[i]),
            }
            for c in present:
                values[Cell(table, i, c)] = fen_or_zero(cols[c][i])
        index: dict[str, int] = {}
        for i, code in enumerate(codes):
            if code is not None and len(code) in levels and code not in index:
                index[code] = i
        by_code[table] = index
        # row identities
        rparts = [c for c in parts if c in cols]
        for i in range(len(codes)):
            if codes[i] is None and str(names[i] or "").strip() not in TOTAL_NAMES:
                continue
            ids.append(Identity("row", Cell(table, i, "total"), tuple(Cell(table, i, c) for c in rparts)))
        # hierarchy: parents printed with children; 合计 = Σ top-level codes
        kids: dict[str, list[int]] = {}
        for code, i in index.items():
            pos = levels.index(len(code))
            if pos > 0:
                kids.setdefault(code[: levels[pos - 1]], []).append(i)
        for parent, members in kids.items():
            if parent in index:
                for c in present:
                    ids.append(
                        Identity("hierarchy", Cell(table, index[parent], c), tuple(Cell(table, k, c) for k in members))
                    )
        total_i = next(
            (
                i
                for i in range(len(codes) - 1, -1, -1)
                if codes[i] is None and str(names[i] or "").strip() in TOTAL_NAMES
            ),
            None,
        )
        tops = [i for code, i in index.items() if len(code) == levels[0]]
        if total_i is not None and tops:
            for c in present:
                ids.append(Identity("hierarchy", Cell(table, total_i, c), tuple(Cell(table, k, c) for k in tops)))
    # cross-table: 收入 = 支出 per code (合计), 支出 = Σ fund tables per code and column
    inc, exp = by_code.get("income_summary", {}), by_code.get("expenditure_summary", {})
    for code, i in inc.items():
        if code in exp:
            ids.append(
                Identity(
                    "cross-table",
                    Cell("income_summary", i, "total"),
                    (Cell("expenditure_summary", exp[code], "total"),),
                )
            )
    funds = [t for t in FUND_TABLES if by_code.get(t)]
    if funds:
        for code, i in exp.items():
            holders = [t for t in funds if code in by_code[t]]
            if not holders:
                continue
            for c in ("total", "basic", "project"):
                ids.append(
                    Identity(
                        "cross-table",
                        Cell("expenditure_summary", i, c),
                        tuple(Cell(t, by_code[t][code], c) for t in holders),
                    )
                )
    return ids, values, labels


def _tolerance(budget, identity: Identity) -> int:
    """The rounding a printed identity may show (``TableInfo.rounding``; 0 for a table not found)."""
    info = budget.meta.tables.get(identity.lhs.table)
    return info.rounding(len(identity.rhs) + 1) if info is not None else 0


def _unambiguous(options: list[tuple]) -> list[tuple[Cell, int]] | None:
    """The best correction, unless another row of the same table would repair as much: then the
    printed figures do not say which row is wrong, and none is blamed (the broken sum is reported)."""
    options.sort(key=lambda o: o[0])
    groups: dict[tuple, set[tuple[str, int]]] = {}
    for key, moves in options:
        groups.setdefault(key[:3], set()).add((moves[0][0].table, moves[0][0].index))
    for key, moves in options:
        rows = groups[key[:3]]
        table = moves[0][0].table
        if sum(1 for t, _ in rows if t == table) == 1:
            return moves
    return None


def diagnose(budget, unread: Mapping[str, Any] | None = None) -> Diagnosis:
    """The corrections that explain the broken identities of the coded tables (see the module doc);
    `unread` is the judgement of ``auditor.reading.unread`` when the caller has it already."""
    skipped = reading.unread(budget) if unread is None else unread
    ids, values, labels = _identities(budget, {k for k in skipped if k in CODED})
    current = dict(values)
    member: dict[Cell, list[tuple[int, int]]] = {}
    for n, ident in enumerate(ids):
        member.setdefault(ident.lhs, []).append((n, 1))
        for c in ident.rhs:
            member.setdefault(c, []).append((n, -1))

    def residual(n: int) -> int:
        ident = ids[n]
        return current.get(ident.lhs, 0) - sum(current.get(c, 0) for c in ident.rhs)

    res = [residual(n) for n in range(len(ids))]
    originally_broken = {n for n, r in enumerate(res) if r}
    deltas: dict[Cell, int] = {}
    order = list(CODED)

    def score(moves: list[tuple[Cell, int]]) -> tuple[int, int, list[int]]:
        """(identities repaired, identities newly broken, the identities left broken by these moves)."""
        change: dict[int, int] = {}
        for cell, delta in moves:
            for m, s in member.get(cell, []):
                change[m] = change.get(m, 0) + s * delta
        fixed = worse = 0
        newly: list[int] = []
        for m, d in change.items():
            after = res[m] + d
            if res[m] and not after:
                fixed += 1
            elif not res[m] and after:
                worse += 1
                newly.append(m)
        return fixed, worse, newly

    for _ in range(_MAX_STEPS):
        broken = [n for n, r in enumerate(res) if r]
        if not broken:
            break
        options: list[tuple] = []
        seen: set[tuple[Cell, int]] = set()

        def consider(moves: list[tuple[Cell, int]], home: str, options: list = options) -> None:
            fixed, worse, _ = score(moves)
            gain = fixed - worse
            if gain <= 0:
                return
            first = moves[0][0]
            # most repaired per cell first; then fewer cells; then the cell in most identities (the
            # middle level); then a cell of the identity's own table; then document order
            key = (-gain / len(moves), len(moves), -fixed, first.table != home, order.index(first.table), first.index)
            options.append(((*key, first.column), moves))

        for n in broken:
            ident = ids[n]
            for cell, sign in ((ident.lhs, 1), *((c, -1) for c in ident.rhs)):
                delta = -res[n] * sign
                if (cell, delta) in seen:
                    continue
                seen.add((cell, delta))
                consider([(cell, delta)], ident.lhs.table)
                # the same wrong figure in two cells that agree with each other (a row's 合计 and one
                # of its columns): correct both, so that the identity between them keeps holding
                _, worse, newly = score([(cell, delta)])
                if 0 < worse <= 2:
                    for m in newly:
                        other = ids[m]
                        after = res[m] + sum(s * delta for mm, s in member[cell] if mm == m)
                        for cell2, sign2 in ((other.lhs, 1), *((c, -1) for c in other.rhs)):
                            if cell2 != cell and cell2.table == cell.table:
                                consider([(cell, delta), (cell2, -after * sign2)], ident.lhs.table)
        best = _unambiguous(options)
        if best is None:
            break
        for cell, delta in best:
            current[cell] = current.get(cell, 0) + delta
            deltas[cell] = deltas.get(cell, 0) + delta
            for m, s in member.get(cell, []):
                res[m] += s * delta
    left = [n for n, r in enumerate(res) if r and ids[n].kind != "cross-table"]
    # two tables that disagree as wholes (each consistent in itself) are left to the cross-table rules
    rows: dict[tuple[str, int], Correction] = {}
    for cell, delta in deltas.items():
        if not delta:
            continue
        lab = labels[(cell.table, cell.index)]
        corr = rows.setdefault(
            (cell.table, cell.index),
            Correction(cell.table, cell.index, lab["row"], lab["line"], lab["page"], {}),
        )
        corr.columns[cell.column] = (values.get(cell, 0), values.get(cell, 0) + delta)
    # sums no correction explains: reported where they fail (the printed total against its parts)
    for n in left:
        ident = ids[n]
        lab = labels[(ident.lhs.table, ident.lhs.index)]
        key = ("?", ident.lhs.table, ident.lhs.index)
        corr = rows.setdefault(
            key,  # type: ignore[arg-type]
            Correction(ident.lhs.table, ident.lhs.index, lab["row"], lab["line"], lab["page"], {}, explained=False),
        )
        if ident.lhs.column not in corr.columns:
            corr.columns[ident.lhs.column] = (
                values.get(ident.lhs, 0),
                sum(values.get(c, 0) for c in ident.rhs),
            )
            corr.broken.append(ident)
    per_table: dict[str, int] = {}
    for corr in rows.values():
        per_table[corr.table] = per_table.get(corr.table, 0) + 1
    unreliable: dict[str, list[Identity]] = {}
    for table, count in per_table.items():
        if count > MAX_CORRECTIONS_PER_TABLE:
            unreliable[table] = [ids[n] for n in sorted(originally_broken) if ids[n].lhs.table == table]
    corrections: list[Correction] = []
    ordered = sorted(rows.values(), key=lambda c: (order.index(c.table), c.index, not c.explained))
    for corr in ordered:
        if corr.table in unreliable:
            continue
        if corr.explained:
            cells = {Cell(corr.table, corr.index, col) for col in corr.columns}
            corr.broken = [ids[n] for n in sorted(originally_broken) if ids[n].lhs in cells or cells & set(ids[n].rhs)]
        corr.within_rounding = bool(corr.broken) and all(
            abs(values.get(i.lhs, 0) - sum(values.get(c, 0) for c in i.rhs)) <= _tolerance(budget, i)
            for i in corr.broken
        )
        corrections.append(corr)
    return Diagnosis(corrections=corrections, unreliable=unreliable, values=values, labels=labels)

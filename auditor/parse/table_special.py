"""The one-row 三公 table (the two-sided 收支 tables are ``table_two_sided``)."""

from __future__ import annotations

import itertools
import re

from ..document import Line
from ..money import to_fen
from .table_rows import Token, amount_text, tokenize
from .table_two_sided import is_meta_line

# --------------------------------------------------------------------------------------------
# 三公 table

SANGONG = [
    "total",
    "outbound",
    "vehicle_total",
    "vehicle_purchase",
    "vehicle_operation",
    "reception",
    "operating_expenses",
]
#: printed column orders seen in the template family (canonical, and 接待 before 车 as printed in
#: Shanghai district templates).
_ORDERS = [
    ["total", "outbound", "vehicle_total", "vehicle_purchase", "vehicle_operation", "reception", "operating_expenses"],
    ["total", "outbound", "reception", "vehicle_total", "vehicle_purchase", "vehicle_operation", "operating_expenses"],
]
_LABELS = {
    "total": r"合\s*计",
    "outbound": r"因公出国",
    "vehicle_total": r"小\s*计",
    "vehicle_purchase": r"(?<!车)购置费",
    "vehicle_operation": r"(?<!及)运行费",
    "reception": r"公务接待",
    "operating_expenses": r"机关运行",
}


def _label_offsets(lines: list[Line]) -> dict[str, float]:
    """Character offset (centre) of each column label in layout text (no tabs); {} when unknown."""
    out: dict[str, float] = {}
    for ln in lines:
        if "\t" in ln.text:
            return {}
        for col, pat in _LABELS.items():
            if col in out:
                continue
            m = re.search(pat, ln.text)
            if m:
                out[col] = (m.start() + m.end()) / 2
    return out


def _label_x(lines: list[Line]) -> dict[str, float]:
    """x centre (PDF points) of each column label, from the header cells' geometry; {} when unknown."""
    out: dict[str, float] = {}
    for ln in lines:
        for cell, (left, right) in zip(ln.cells, ln.cell_x):
            for col, pat in _LABELS.items():
                if col not in out and re.search(pat, cell):
                    out[col] = (left + right) / 2
    return out


#: economic-classification lines that carry each 三公 component (basic expenditure only).
ECONOMIC_TWINS = {
    "outbound": ["30212"],
    "reception": ["30217"],
    "vehicle_operation": ["30231"],
    "vehicle_purchase": ["31013"],
}


def parse_sangong(lines: list[Line], unit: str, present: dict[str, bool] | None = None) -> tuple[list[dict], list[str]]:
    """The one data row of the 三公 table, assigned to columns by the identities; 万元 -> fen.

    When several assignments satisfy the identities, the printed positions decide (cell geometry
    of PDF lines, or character offsets of layout text), then `present` (component -> whether the
    economic table shows a non-zero twin line).
    """
    data: Line | None = None
    amts: list[Token] = []
    header: list[Line] = []
    for n_line, ln in enumerate(lines):
        if not ln.text.strip() or is_meta_line(ln.text):
            continue
        toks = tokenize(ln)
        a = [t for t in toks if t.is_amount]
        texts = [t for t in toks if t.kind == "text"]
        if a and len(a) >= max(2, len(texts)) or (a and not texts):
            data, amts = ln, a  # the amounts line (OCR may leave a stray text cell on it)
            if len(a) == 1 and not texts:
                amts = _cell_per_line(lines[n_line:])
            break
        header.append(ln)
    if data is None:
        return [], []
    n = len(SANGONG)
    amts = amts[:n]
    vals = [to_fen(amount_text(t), unit) for t in amts]
    if data.cell_x:
        # PDF lines: each amount sits under its column label; compare x centres in points
        offsets = _label_x(header)

        def position(t: Token) -> float:
            left, right = data.cell_x[t.index]
            return (left + right) / 2
    else:
        # character offsets mean something only in layout text (pdftotext -layout keeps the spacing)
        layout = "\t" not in data.text and bool(re.search(r" {4,}", data.text))
        offsets = _label_offsets(header) if layout else {}

        def position(t: Token) -> float:
            return (t.start or 0) + len(t.text) / 2

    best = None
    for order_no, order in enumerate(_ORDERS):
        for slots in itertools.combinations(range(n), len(vals)):
            row = {c: 0 for c in SANGONG}
            for v, s in zip(vals, slots):
                row[order[s]] = v or 0
            if row["total"] != row["outbound"] + row["vehicle_total"] + row["reception"]:
                continue
            if row["vehicle_total"] != row["vehicle_purchase"] + row["vehicle_operation"]:
                continue
            if offsets and all(order[s] in offsets for s in slots):
                cost = sum(abs(position(t) - offsets[order[s]]) for t, s in zip(amts, slots))
            else:
                cost = 0.0
            # prefer: printed positions, then agreement with the economic table, then blanks in the
            # columns most often blank (出国, 购置)
            twin_pen = sum(1 for c, has in (present or {}).items() if bool(row[c]) != has)
            blanks = [order[s] for s in range(n) if s not in slots]
            blank_pen = sum(0 if b in ("outbound", "vehicle_purchase") else 1 for b in blanks)
            key = (cost, twin_pen, blank_pen, order_no, slots)
            if best is None or key < best[0]:
                best = (key, order, slots)
    notes: list[str] = []
    printed = {c: None for c in SANGONG}
    row: dict = {c: None for c in SANGONG}
    if best is None:
        # no assignment satisfies the identities: keep the canonical order as printed
        order, slots = _ORDERS[0], tuple(range(len(vals)))
        inferred = "no column assignment satisfies 合计 = 出国 + 车 + 接待 and 车 = 购置 + 运行; read in template order"
    else:
        _, order, slots = best
        inferred = None
        if len(vals) < n or order != _ORDERS[0]:
            inferred = "columns assigned by the identities 合计 = 出国 + 车 + 接待, 车 = 购置 + 运行"
            if len(vals) < n:
                inferred += f" ({n - len(vals)} blank printed as empty, read as 0)"
        for c in SANGONG:
            row[c] = 0
    for t, v, s in zip(amts, vals, slots):
        row[order[s]] = v
        printed[order[s]] = t.text
    rec = {**row, "line": data.line, "page": data.page, "printed": printed, "inferred": inferred}
    if inferred:
        notes.append(f"sangong line {data.line}{_where(data)}: {inferred}")
    return [rec], notes


def _cell_per_line(lines: list[Line]) -> list[Token]:
    """The row's amounts when text extracted without layout prints a cell per line: the amounts of
    the lines from the first one on, past the column labels printed among them (``购置费``)."""
    out: list[Token] = []
    for ln in lines:
        if not ln.text.strip() or is_meta_line(ln.text):
            continue
        toks = tokenize(ln)
        texts = [t for t in toks if t.kind == "text"]
        if any(len(t.text.strip()) > 8 or re.search(r"\d", t.text) for t in texts):
            break  # prose or another table: the row has ended
        out.extend(t for t in toks if t.is_amount)
    return out


def _where(line: Line) -> str:
    return f" page {line.page}" if line.page is not None else ""

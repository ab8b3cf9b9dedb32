"""The tables that are not coded lists: the two-sided 收支 tables and the one-row 三公 table."""

from __future__ import annotations

import itertools
import re

from .. import numbering
from ..document import Line
from ..money import to_fen
from .table_rows import Token, amount_text, tokenize

_HEADER_WORDS = {
    "项目",
    "预算数",
    "本年收入",
    "本年支出",
    "收入",
    "支出",
    "财政拨款收入",
    "财政拨款支出",
    "财政拨款",
    "合计",
    "小计",
    "金额",
    "一般公共预算",
    "政府性基金预算",
    "国有资本经营预算",
}


def _side(label: str) -> str:
    return "expenditure" if "支出" in label else "income"


#: a second item label inside one text cell (single-space text: "2. 政府性基金 三、教育支出")
_SECOND_ITEM = re.compile(r"\s+(?=[一二三四五六七八九十]+、)")


def _segments(tokens: list[Token]) -> list[tuple[Token, list[Token]]]:
    segs: list[tuple[Token, list[Token]]] = []
    for t in tokens:
        if t.kind == "text":
            for part in _SECOND_ITEM.split(t.text):
                segs.append((Token("text", part, t.index, t.start), []))
        elif t.kind == "amount" and segs:
            segs[-1][1].append(t)
    return segs


def _is_header(tokens: list[Token]) -> bool:
    if any(t.is_amount for t in tokens):
        return False
    labels = [t.text for t in tokens if t.kind == "text"]
    if not labels:
        return True
    return not any(numbering.parse(x, loose=True, items_only=True) for x in labels) and not any(
        re.sub(r"\s+", "", x).endswith(("总计",)) for x in labels
    )


def _is_meta_line(text: str) -> bool:
    compact = re.sub(r"\s+", "", text)
    return compact.startswith(("编制部门", "编制单位", "单位:", "单位：", "注:", "注：", "备注"))


def parse_two_sided(lines: list[Line], key: str, unit: str) -> tuple[list[dict], list[str]]:
    """Rows of 财务收支预算总表 / 财政拨款收支预算总表: income item+amount left, expenditure right."""
    records: list[dict] = []
    notes: list[str] = []
    for ln in lines:
        if not ln.text.strip() or _is_meta_line(ln.text):
            continue
        toks = tokenize(ln)
        if _is_header(toks):
            continue
        segs = _segments(toks)
        for n_seg, (label, amts) in enumerate(segs):
            item = label.text.strip()
            if re.sub(r"\s+", "", item) in _HEADER_WORDS:
                continue
            if n_seg > 0:
                side = "expenditure"  # the right half of the printed line
            elif "支出" in item or "收入" in item:
                side = _side(item)
            elif "\t" in ln.text and label.index >= 2:
                side = "expenditure"  # left cells blank in tab-separated text
            elif "\t" not in ln.text and re.match(r"^ {12,}", ln.text):
                side = "expenditure"  # layout text indented past the income half
            else:
                side = _side(item)
            if key == "fiscal_summary":
                rec = {"side": side, "item": item, "amount": to_fen(amount_text(amts[0]), unit) if amts else None}
            else:
                rec = {"side": side, "item": item, **_appropriation_values(side, amts, unit)}
            rec["line"] = ln.line
            rec["page"] = ln.page
            records.append(rec)
    return records, notes


_APPROP = ["total", "general_public", "gov_fund", "soe_capital"]


def _appropriation_values(side: str, amts: list[Token], unit: str) -> dict:
    vals = [to_fen(amount_text(t), unit) for t in amts]
    out: dict = {c: None for c in _APPROP}
    if side == "income" or not vals:
        if vals:
            out["total"] = vals[0]
        return out
    n = len(_APPROP)
    vals = vals[:n]
    if len(vals) == n:
        placement = tuple(range(n))
    else:
        # the printed order: total first, then the leftmost columns the identity allows
        cands = [(0, *r) for r in itertools.combinations(range(1, n), len(vals) - 1)]
        good = [c for c in cands if _sum_ok(vals, c, n)]
        placement = (good or cands)[0]
    for v, col in zip(vals, placement):
        out[_APPROP[col]] = v
    return out


def _sum_ok(vals: list[int | None], placement: tuple[int, ...], n: int) -> bool:
    row: list[int] = [0] * n
    for v, c in zip(vals, placement):
        row[c] = v or 0
    return row[0] == sum(row[1:])


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
    for ln in lines:
        if not ln.text.strip() or _is_meta_line(ln.text):
            continue
        toks = tokenize(ln)
        a = [t for t in toks if t.is_amount]
        texts = [t for t in toks if t.kind == "text"]
        if a and len(a) >= max(2, len(texts)) or (a and not texts):
            data, amts = ln, a  # the amounts line (OCR may leave a stray text cell on it)
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


def _where(line: Line) -> str:
    return f" page {line.page}" if line.page is not None else ""

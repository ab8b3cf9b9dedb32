"""The two-sided 收支 summary tables (财务收支预算总表, 财政拨款收支预算总表): income items and their
amounts on the left, expenditure items and theirs on the right, both halves on one printed line.

Text extractors lay such a line out in several ways, and the reader takes each of them:

- both halves on one line, cells spaced or single-spaced, an amount glued to the next label
  (``12,345,678一、社会保障和就业支出``);
- a label wrapped over two or three lines with its amounts on the middle line, on either side
  (``一、社会保障和就业`` / ``一、一般公共预算 123.00 7,654.00 7,654.00`` / ``支出``), or on a line of
  amounts alone whose label wraps above and below it;
- a cell per line, as text extracted without layout gives it: a label, then its amounts on the
  next line, perhaps run into the next label (``189,767,551 一、一般公共服务支出``);
- several printed lines on one line, as text in the text objects' order (pdfium, pdf.js) gives it
  when the producer drew them as one run: after an expenditure row, a label without 支出 whose
  numbering continues the income half (``二、`` after ``一、``, ``2.`` after ``1.``), or with 收入 in
  it, opens the next printed line.

A line's labels open rows; amounts that follow a label are its own, and amounts with no label in
front of them belong to the rows opened on the line above that still have none. A label fragment
(no numbering, not a total) continues the row it was wrapped from. The income half has one money
column; the expenditure half has the table's columns (财政拨款: 合计, 一般公共预算, 政府性基金, 国有资本经营;
the 单位预算 form of 财务收支: 合计, 人员经费, 公用经费, 项目支出), and amounts are placed in them by the
row identity (合计 = Σ columns) and the column sums (支出总计 = Σ items), as the coded tables are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import lazyre, numbering
from ..document import Line
from ..money import to_fen
from .table_rows import CodedRow, Token, amount_text, resolve_columns, tokenize

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
    "基本支出",
    "项目支出",
    "人员经费",
    "公用经费",
}
#: money columns of the expenditure half, per table (the income half has the first one only)
EXPENDITURE_COLUMNS = {
    "fiscal_summary": ["amount"],
    "fiscal_summary/wide": ["amount", "personnel", "public", "project"],
    "fiscal_appropriation_summary": ["total", "general_public", "gov_fund", "soe_capital"],
}
#: header words that also end a wrapped label (``一、一般公共服务`` / ``支出``)
_TAIL_WORDS = {"收入", "支出"}
_WIDE_HEADER = lazyre.compile(r"人员经费|公用经费")
_TOTAL = lazyre.compile(r"总计|合计|结转|结余")
#: a second item label inside one text cell (single-space text: "2. 政府性基金 三、教育支出"), or a
#: total after an item ("四、其他收入 收入总计": printed lines joined in text-object order)
_SECOND_ITEM = lazyre.compile(r"\s+(?=[一二三四五六七八九十]+、|\S{0,6}(?:总计|合计)(?:\s|$))")


@dataclass
class _Row:
    side: str
    item: str
    line: Line
    side_known: bool
    amounts: list[Token] = field(default_factory=list)
    from_other_line: bool = False  # its amounts were printed on another line than its label
    blank: bool = False  # settled with no amounts (the next row began)
    at: int = 0  # the printed line (index) the row's figures are on: rows are in that order
    moved: bool = False  # `line` and `at` were moved to the line of its amounts


def _compact(text: str) -> str:
    return "".join(text.split())  # (spaces, ideographic ones too)


def is_meta_line(text: str) -> bool:
    compact = _compact(text)
    return compact.startswith(("编制部门", "编制单位", "单位:", "单位：", "注:", "注：", "备注"))


def _is_fragment(label: str) -> bool:
    """A piece of a wrapped label: no numbering, not a total, Chinese text (``支出``, ``资金``)."""
    t = _compact(label)
    return (
        bool(t)
        and numbering.parse(t, loose=True, items_only=True) is None
        and not _TOTAL.search(t)
        and (t not in _HEADER_WORDS or t in _TAIL_WORDS)
        and bool(re.fullmatch(r"[\u4e00-\u9fff（）()、·和及与]+", t))
        and len(t) <= 16
    )


def _side_of(label: str, ln: Line, label_token: Token, first_on_line: bool) -> tuple[str, bool]:
    """(side, whether the printing settles it) of a row opened by `label`."""
    if not first_on_line:
        return "expenditure", True  # the right half of the printed line
    if "支出" in label:
        return "expenditure", True
    if "收入" in label:
        return "income", True
    if "\t" in ln.text and label_token.index >= 2:
        return "expenditure", True  # left cells blank in tab-separated text
    if "\t" not in ln.text and re.match(r"^ {12,}", ln.text):
        return "expenditure", True  # layout text indented past the income half
    return "income", False


def _segments(tokens: list[Token]) -> tuple[list[Token], list[tuple[Token, list[Token]]]]:
    """(amounts before any label, [(label, its amounts)]) of a printed line."""
    lead: list[Token] = []
    segs: list[tuple[Token, list[Token]]] = []
    for t in tokens:
        if t.kind == "text":
            for part in _SECOND_ITEM.split(t.text):
                if part.strip():
                    segs.append((Token("text", part.strip(), t.index, t.start), []))
        elif t.kind == "amount":
            (segs[-1][1] if segs else lead).append(t)
    return lead, segs


def _is_header(tokens: list[Token]) -> bool:
    if any(t.is_amount for t in tokens):
        return False
    labels = [t.text for t in tokens if t.kind == "text"]
    if not labels:
        return True
    return not any(numbering.parse(x, loose=True, items_only=True) for x in labels) and not any(
        _compact(x).endswith("总计") for x in labels
    )


def _repeated_header(tokens: list[Token]) -> bool:
    """A line of column heads only (``本年收入 本年支出``, ``项目 预算数 项目 预算数``), not just 收入 or 支出
    (they may end a label wrapped from the line above)."""
    if any(t.is_amount for t in tokens):
        return False
    words = [w for t in tokens if t.kind == "text" for w in t.text.split()]
    return bool(words) and all(w in _HEADER_WORDS for w in words) and not all(w in _TAIL_WORDS for w in words)


def _give(row: _Row, amounts: list[Token], capacity: int, other_line: bool, flip: bool = True) -> list[Token]:
    """Give `row` the amounts it can hold; returns the rest."""
    if flip and row.side == "income" and not row.side_known and len(amounts) > 1 and capacity > 1:
        row.side, row.side_known = "expenditure", True  # more figures than the income half has columns
    cap = 1 if row.side == "income" else capacity
    row.amounts, rest = list(amounts[:cap]), list(amounts[cap:])
    row.from_other_line = other_line
    return rest


def read_rows(lines: list[Line], exp_capacity: int) -> tuple[list[_Row], bool]:
    """The rows of a two-sided table in printed order, and whether its header shows the wide form."""
    rows: list[_Row] = []
    awaiting: list[_Row] = []  # rows opened on the previous data line that have no amounts yet
    received: list[_Row] = []  # rows that took amounts from the previous data line, not their own
    last_line: list[_Row] = []  # rows opened or given amounts on the previous data line
    started = False
    wide = False
    right_col: int | None = None  # layout text: where the expenditure half starts on the line
    for at, ln in enumerate(lines):
        if not ln.text.strip() or is_meta_line(ln.text):
            continue
        toks = tokenize(ln)
        if not started and _is_header(toks):
            wide = wide or bool(_WIDE_HEADER.search(ln.text))
            continue
        lead, segs = _segments(toks)
        segs = [
            (t, a) for t, a in segs if a or _compact(t.text) not in _HEADER_WORDS or _compact(t.text) in _TAIL_WORDS
        ]
        if not lead and not segs:
            continue  # nothing but header words (a header repeated inside the data, a cell per line)
        if _repeated_header(toks):
            continue  # the column heads again, on the page the table continues on (single-spaced)
        started = True
        touched: list[_Row] = []
        got: list[_Row] = []
        sub = 0  # printed lines of the table before this one on the same text line
        pending = list(awaiting)
        extended: set[int] = set()
        if lead:
            # amounts with no label in front: the rows opened above that still have none
            rest = lead
            while rest and pending:
                row = pending.pop(0)
                cap = exp_capacity if (row.side == "expenditure" or not pending) else 1
                rest = _give(row, rest, cap, other_line=True)
                got.append(row)
                touched.append(row)
            if rest and received:
                # a cell per line: more amounts of the row that took the line above's
                row = received[-1]
                room = (exp_capacity if row.side == "expenditure" else 1) - len(row.amounts)
                if room > 0:
                    row.amounts.extend(rest[:room])
                    got.append(row)
                    touched.append(row)
        for n, (label, amts) in enumerate(segs):
            text = label.text.strip()
            if _compact(text) in _HEADER_WORDS and _compact(text) not in _TAIL_WORDS:
                continue
            if _is_fragment(text):
                target = next((r for r in pending if id(r) not in extended), None)
                if not amts and received and len(_compact(text)) <= 8:
                    target = None  # the last line of the label that took the amounts above
                if target is not None:
                    # the rest of a label wrapped from the line above, perhaps with its amounts
                    target.item += _compact(text)
                    extended.add(id(target))
                    if amts:
                        pending.remove(target)
                        rest = _give(target, amts, exp_capacity, other_line=False)
                        got.append(target)
                        _surplus(rest, pending, exp_capacity, got)
                    touched.append(target)
                    continue
                if not amts and len(_compact(text)) <= 8:
                    tail = _tail_owner(ln, received, last_line)
                    if tail is not None:
                        tail.item += _compact(text)  # the last line of a label wrapped around its amounts
                        touched.append(tail)
                        continue
            side, known = _side_of(text, ln, label, n == 0)
            if n and side == "expenditure" and _continues_income(text, rows):
                # text in the text objects' order: the next printed line's income half on this line
                side, known, sub = "income", True, sub + 1
            row = _Row(side=side, item=text, line=ln, side_known=known, at=at * _SUBLINES + sub)
            rows.append(row)
            touched.append(row)
            layout = not ln.cell_x and "\t" not in ln.text and "  " in ln.text.rstrip()
            if side == "expenditure" and known and layout and label.start is not None:
                right_col = label.start if right_col is None else min(right_col, label.start)
            if amts and side == "income" and layout and right_col is not None and label.start is not None:
                # layout text: figures printed in the expenditure half are not this income row's
                own = [t for t in amts if t.start is None or t.start < right_col - 2]
                if len(own) < len(amts):
                    _surplus(amts[len(own) :], pending, exp_capacity, got)
                    amts = own
                    row.side_known = True
            if amts:
                # with a row above still waiting for amounts, figures beyond the income half's one
                # column are that row's (its label wraps around this line), not a sign of this row's side
                waiting = any(r.side == "expenditure" or not r.side_known for r in pending)
                rest = _give(row, amts, exp_capacity, other_line=False, flip=not waiting)
                _surplus(rest, pending, exp_capacity, got)
        for row in pending:
            if not row.amounts and id(row) not in extended:
                row.blank = True  # a row printed with no amounts: the next row began
        awaiting = [r for r in touched if not r.amounts and not r.blank]
        received = [r for r in got if r.from_other_line]
        for r in received:
            if not r.moved:  # a row is located where its figures are printed
                r.line, r.at, r.moved = ln, at * _SUBLINES, True
        last_line = touched
    for r in rows:
        if not r.side_known and "支出" in r.item:
            r.side = "expenditure"  # a wrapped label completed below the line that opened it
    rows.sort(key=lambda r: (r.at, r.side != "income"))
    return rows, wide


#: room for the printed lines one text line may hold (rows are ordered by line, then by these)
_SUBLINES = 1000


def _continues_income(label: str, rows: list[_Row]) -> bool:
    """Whether a label found after an expenditure row on the same line opens the income half of the
    next printed line: no 支出 in it, and its numbering the next of the income half's (二、 after 一、,
    2. after 1., 1. under an income 一、 item), or 收入 in it."""
    if "支出" in label:
        return False
    if "收入" in label:
        return True
    num = numbering.parse(_compact(label), loose=True, items_only=True)
    income = [r for r in rows if r.side == "income"]
    if num is None or not income:
        return False
    last: dict[str, int] = {}
    for r in income:
        n = numbering.parse(_compact(r.item), loose=True, items_only=True)
        if n is not None:
            last[n.style] = n.value
            if n.style == "一、":
                last.pop("1.", None)  # sub-items count again under each item
    if num.style in last:
        return num.value == last[num.style] + 1
    return num.style == "1." and num.value == 1 and "一、" in last


def _tail_owner(ln: Line, received: list[_Row], last_line: list[_Row]) -> _Row | None:
    """The row a label's last fragment (a line of its own) belongs to: the row that took its amounts
    from the line above (its label wraps around them); else, in layout text, the half the fragment
    is printed in; else the last row of the line above."""
    if received:
        return received[-1]
    rows = [r for r in last_line if r.amounts] or last_line
    if not rows:
        return None
    above = rows[-1].line.text
    if len(rows) > 1 and re.search(r"\S {2,}\S", above.strip()) and not re.match(r"^ {12,}", ln.text):
        return rows[0]  # layout text: a fragment at the left margin continues the income half
    return rows[-1]


def _surplus(rest: list[Token], pending: list[_Row], capacity: int, got: list[_Row]) -> None:
    """Amounts beyond an income row's one column: the expenditure row whose label wraps around this
    line (opened above, its amounts here)."""
    if not rest:
        return
    target = next((r for r in pending if r.side == "expenditure" or not r.side_known), None)
    if target is None:
        return
    pending.remove(target)
    target.side, target.side_known = "expenditure", True
    _give(target, rest, capacity, other_line=True)
    got.append(target)


def parse_two_sided(lines: list[Line], key: str, unit: str) -> tuple[list[dict], list[str]]:
    """Rows of 财务收支预算总表 / 财政拨款收支预算总表 as records (side, item, money columns), plus notes."""
    capacity = len(EXPENDITURE_COLUMNS["fiscal_appropriation_summary"])
    rows, wide = read_rows(lines, capacity)
    if key == "fiscal_summary":
        wide = wide or any(r.side == "expenditure" and len(r.amounts) > 1 for r in rows)
        columns = EXPENDITURE_COLUMNS["fiscal_summary/wide" if wide else "fiscal_summary"]
    else:
        columns = EXPENDITURE_COLUMNS[key]
    first = columns[0]
    placed = _place_expenditure([r for r in rows if r.side == "expenditure"], columns, unit, key)
    records: list[dict] = []
    notes: list[str] = list(placed.notes)
    for r in rows:
        rec: dict = {"side": r.side, "item": r.item}
        if r.side == "income":
            rec[first] = to_fen(amount_text(r.amounts[0]), unit) if r.amounts else None
        else:
            rec.update(placed.values.get(id(r), {first: None}))
        rec["line"] = r.line.line
        rec["page"] = r.line.page
        if placed.inferred.get(id(r)):
            rec["inferred"] = placed.inferred[id(r)]
        records.append(rec)
    return records, notes


@dataclass
class _Placed:
    values: dict[int, dict]
    inferred: dict[int, str]
    notes: list[str]


def _place_expenditure(rows: list[_Row], columns: list[str], unit: str, key: str) -> _Placed:
    """The expenditure rows' amounts in the table's columns: one column takes the one amount; more
    are placed so that each row's 合计 = Σ columns and 支出总计 = Σ items hold (``resolve_columns``)."""
    if len(columns) == 1:
        values = {id(r): {columns[0]: to_fen(amount_text(r.amounts[0]), unit) if r.amounts else None} for r in rows}
        return _Placed(values, {}, [])
    coded: list[CodedRow] = []
    for n, r in enumerate(rows):
        code = None if _TOTAL.search(r.item) else f"{100 + n % 800:03d}"
        coded.append(CodedRow(code=code, name=r.item, amounts=r.amounts[: len(columns)], line=r.line, name_index=0))
    # one 总计 (the last), the items its children
    totals = [c for c in coded if c.code is None]
    for extra in totals[:-1]:
        extra.code = "999"
    notes = resolve_columns(coded, columns, unit, key) if coded else []
    values = {id(r): dict(c.values) for r, c in zip(rows, coded)}
    inferred = {id(r): c.inferred for r, c in zip(rows, coded) if c.inferred}
    return _Placed(values, inferred, notes)

"""Coded 决算 tables (收入决算表, 支出决算表, 一般公共预算财政拨款支出决算表, the two fund tables).

A row starts at a line that begins with a function code (``201``, ``201 06 01``, ``2080501``) or
with the 合计 label. Names wrapped over several lines are joined: a table's layout is told from its
fragments — names set above the code line (text extracted line by line), below it (a PDF whose
figures sit off the baseline) or centred on it (both) — and every fragment goes to its row.
Figures go under their header column by x position in a PDF; in text, by the row identity (合计 =
the sum of the other columns) restricted to the columns the 合计 row uses, ties broken by the
hierarchy (a parent equals the sum of its children).
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field

from ... import lazyre
from ...document import Line
from .tokens import Word, has_geometry, is_layout, split_glued, words

_CODE_HEAD = lazyre.compile(r"^\d{3}(?:\d{2}){0,2}$")
_CODE_PART = lazyre.compile(r"^\d{2}$")
_HEADER_WORDS = {"类", "款", "项"}
_HEADER = lazyre.compile(r"(科目编码|科目名称|功能分类|项目|决算数|^类款项$)")
#: rounding allowance of a printed identity: 0.005 万元 per printed term, in fen
_HALF_CENT = 5_000
#: most joint placements tried for the children of one parent
_MAX_JOINT = 4096
#: most figure orders tried for one row (merges of its figure lines)
_MAX_ORDERS = 64


@dataclass
class Row:
    code: str | None
    line: Line
    inline: list[str] = field(default_factory=list)
    pre: list[str] = field(default_factory=list)
    post: list[str] = field(default_factory=list)
    amounts: list[Word] = field(default_factory=list)
    #: lines of figures without a code given to this row (text with figures off the baseline)
    loose: list[list[Word]] = field(default_factory=list)
    values: dict[str, int | None] = field(default_factory=dict)

    #: name fragments printed beside the row's figures on a line above / below its code line
    pre_tied: list[str] = field(default_factory=list)
    post_tied: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        parts = [*self.pre, *self.pre_tied, *self.inline, *self.post, *self.post_tied]
        return "".join(parts) or ("合计" if self.code is None else "")


@dataclass
class Reading:
    records: list[dict]
    notes: list[str]
    #: rows whose figures could not be placed consistently (extraction, not a document defect)
    unplaced: list[Row]


def _split_codes(ws: list[Word]) -> tuple[str | None, list[Word]]:
    if not ws or not _CODE_HEAD.match(ws[0].text):
        return None, ws
    code = ws[0].text
    i = 1
    while len(code) < 7 and i < len(ws) and _CODE_PART.match(ws[i].text) and len(code) in (3, 5):
        code += ws[i].text
        i += 1
    return code, ws[i:]


def _rows(lines: list[Line], text: bool = False) -> tuple[list[Line], list[tuple[str, object]]]:
    """Header lines, then the body as a sequence of ('row', Row), ('frag', text) and, in text,
    ('figs', [Word]) items: figures printed on a line without a code (set off the baseline)."""
    body_start = len(lines)
    for i, ln in enumerate(lines):
        ws = words(ln)
        code, rest = _split_codes(ws)
        if code is not None or any(w.is_amount for w in ws) or ln.text.replace(" ", "").startswith("合计"):
            body_start = i
            break
    header = lines[:body_start]
    items: list[tuple[str, object]] = []
    orphans: list[Word] = []
    segments: list[tuple[Line, list[Word]]] = []
    for ln in lines[body_start:]:
        if not text:
            segments.append((ln, words(ln)))
            continue
        ws = split_glued(words(ln))
        cuts = [j for j in range(1, len(ws)) if ws[j - 1].is_amount and _CODE_HEAD.match(ws[j].text)]
        for a, b in zip([0, *cuts], [*cuts, len(ws)]):  # a code after figures: two lines joined
            segments.append((ln, ws[a:b]))
    for ln, ws in segments:
        code, rest = _split_codes(ws)
        after: list[str] = []
        if text and code is not None:
            first = next((i for i, w in enumerate(rest) if w.is_amount), len(rest))
            # a name after a row's figures is the next printed line's (two lines joined)
            after = [w.text for w in rest[first:] if not w.is_amount and w.text not in _HEADER_WORDS]
            rest = [w for i, w in enumerate(rest) if i < first or w.is_amount]
        amounts = [w for w in rest if w.is_amount]
        words_ = [w.text for w in rest if not w.is_amount and w.text not in _HEADER_WORDS]
        joined = "".join(words_)
        if code is not None:
            items.append(("row", Row(code=code, line=ln, inline=[joined] if joined else [], amounts=amounts)))
            if after:
                items.append(("frag", "".join(after)))
        elif joined.startswith("合计"):
            row = Row(code=None, line=ln, amounts=amounts)
            if not amounts and orphans:
                row.amounts, orphans = orphans, []
            items.append(("row", row))
        elif text and amounts:
            if joined and not _HEADER.search(joined):
                items.append(("tied", joined))  # a name fragment goes with its line's figures
            items.append(("figs", amounts))
        elif amounts and not joined:
            last = items[-1][1] if items and items[-1][0] == "row" else None
            if isinstance(last, Row) and last.code is None and not last.amounts:
                last.amounts = amounts
            else:
                orphans = amounts  # a 合计 label on the next line takes them
        elif joined and not _HEADER.search(joined) and joined.strip("…。.·"):  # '……': the template's rows left out
            items.append(("frag", joined))
    return header, items


def _merges(a: list[Word], b: list[Word]) -> list[list[Word]]:
    """Every order of `a` and `b` together that keeps each one's own order."""
    if not a or not b:
        return [a + b]
    out = []
    for pos in itertools.combinations(range(len(a) + len(b)), len(b)):
        ia, ib = iter(a), iter(b)
        picked = set(pos)
        out.append([next(ib) if i in picked else next(ia) for i in range(len(a) + len(b))])
    return out


def figure_orders(row: Row, layout: bool) -> list[list[Word]]:
    """The orders the row's figures may be printed in: by column in layout text, else any merge of
    its own line's figures with each line of figures given to it."""
    if not row.loose:
        return [row.amounts]
    if layout:
        return [sorted([*row.amounts, *(w for g in row.loose for w in g)], key=lambda w: w.centre)]
    orders = [row.amounts]
    for group in row.loose:
        if sum(len(o) for o in orders) * (len(orders[0]) + len(group)) > _MAX_ORDERS:
            orders = [o + group for o in orders]
            continue
        orders = [m for o in orders for m in _merges(o, group)]
    return orders


def _attach_loose(items: list[tuple[str, object]], fits) -> list[tuple[str, object]]:
    """Give each line of figures to the row above or below it: to the row above when that row's
    identity fails without them and holds with them, else to the row below (or above, at the end).
    A name fragment printed on that line goes with them: the end of the row above's name ('post')
    or the start of the row below's ('pre')."""
    out: list[tuple[str, object]] = []
    rows_at = [i for i, (kind, _) in enumerate(items) if kind == "row"]
    for i, (kind, obj) in enumerate(items):
        if kind == "tied":
            continue  # placed with the figures that follow it
        if kind != "figs":
            out.append((kind, obj))
            continue
        k = bisect.bisect_left(rows_at, i)
        prev = items[rows_at[k - 1]][1] if k else None
        nxt = items[rows_at[k]][1] if k < len(rows_at) else None
        chosen = nxt if nxt is not None else prev
        if prev is not None and not fits(prev):
            prev.loose.append(obj)
            complete = fits(prev)
            prev.loose.pop()
            if complete or nxt is None:
                chosen = prev
        if chosen is not None:
            chosen.loose.append(obj)
        if chosen is prev and prev is not None:
            # fragments between a row's code line and the figures given to it are its name's end
            j = len(out)
            while j and out[j - 1][0] == "frag":
                j -= 1
            out[j:] = [("post", text) for _, text in out[j:]]
        if i and items[i - 1][0] == "tied":
            out.append(("post" if chosen is prev else "pre", items[i - 1][1]))
    return out


def _assign_names(items: list[tuple[str, object]]) -> list[Row]:
    """Give every name fragment to its row, by the layout the table's fragments show."""
    rows = [r for kind, r in items if kind == "row"]
    tied = [(i, kind, obj) for i, (kind, obj) in enumerate(items) if kind in ("pre", "post")]
    tied_pre = sum(1 for _, kind, _ in tied if kind == "pre")
    tied_post = len(tied) - tied_pre
    if tied:  # fragments tied to a row by their figures: placed first, the layout read from the rest
        rest: list[tuple[str, object]] = []
        current: Row | None = None
        early: list[str] = []
        for kind, obj in items:
            if kind == "row" and obj.code is not None:
                current = obj
                obj.pre_tied, early = early, []
            if kind == "post" and current is not None:
                current.post_tied.append(obj)
            elif kind in ("pre", "post"):
                early.append(obj)
            else:
                rest.append((kind, obj))
        items = rest
    coded = [i for i, (kind, r) in enumerate(items) if kind == "row" and r.code is not None]
    if not coded:
        return rows
    gaps = []
    for a, b in zip(coded, coded[1:]):
        gaps.append(b - a - 1)
    tail = 0
    for kind, _ in items[coded[-1] + 1 :]:
        if kind != "frag":
            break
        tail += 1
    head = sum(1 for kind, _ in items[: coded[0]] if kind == "frag")
    centred = any(g >= 2 for g in gaps) or (head and tail)
    pre_only = (head > 0 or tied_pre > tied_post) and not centred
    current: Row | None = None
    pending: list[str] = []
    idx = 0
    while idx < len(items):
        kind, obj = items[idx]
        if kind == "row":
            row = obj
            if row.code is not None:
                row.pre, pending = pending, []
                current = row
            else:
                if current is not None and pending:
                    current.post.extend(pending)
                pending = []
                current = None
            idx += 1
            continue
        # a run of fragments up to the next item
        run = []
        while idx < len(items) and items[idx][0] == "frag":
            run.append(items[idx][1])
            idx += 1
        nxt_is_coded = idx < len(items) and items[idx][0] == "row" and items[idx][1].code is not None
        if current is None:
            pending = run
        elif not nxt_is_coded:
            current.post.extend(run)
        elif pre_only:
            pending = run
        elif centred and not current.pre and not current.inline:
            current.post.extend(run)  # a name set below its bare code line
        elif centred:
            keep = min(len(run), len(current.pre)) if current.pre else 0
            if keep == len(run) and not items[idx][1].inline:
                keep -= 1  # the next row prints no name on its code line: the last fragment is its name
            current.post.extend(run[:keep])
            pending = run[keep:]
        elif not items[idx][1].inline and current.inline and _frags_after(items, idx) <= len(run):
            # the next row prints no name on its code line and no more of it below than above: its
            # name is centred on the code line, so the fragment just above starts it
            current.post.extend(run[:-1])
            pending = run[-1:]
        else:
            current.post.extend(run)
    return rows


def _frags_after(items: list[tuple[str, object]], idx: int) -> int:
    """How many name fragments follow item `idx` before the next row."""
    n = 0
    for kind, _ in items[idx + 1 :]:
        if kind != "frag":
            break
        n += 1
    return n


def column_anchors(header: list[Line], keywords: dict[str, tuple[str, ...]]) -> dict[str, float]:
    """x centre of each column's header label (the first word starting with one of its keywords)."""
    anchors: dict[str, float] = {}
    ws = [w for ln in header for w in words(ln)]
    for col, keys in keywords.items():
        for w in ws:
            if any(w.text.startswith(k) for k in keys) and not any(abs(w.centre - x) < 5 for x in anchors.values()):
                anchors[col] = w.centre
                break
    return anchors


def _place_by_x(row: Row, anchors: dict[str, float]) -> dict[str, int] | None:
    placed: dict[str, int] = {}
    for w in row.amounts:
        col = min(anchors, key=lambda c: abs(anchors[c] - w.centre))
        if col in placed:
            return None
        placed[col] = w.fen()
    return placed


def _identity_ok(values: dict[str, int], total: str, parts: list[str]) -> bool:
    if total not in values:
        return False
    n = sum(1 for p in parts if p in values)
    return abs(values[total] - sum(values.get(p, 0) for p in parts)) <= _HALF_CENT * (n + 1)


def _candidates(
    row: Row, columns: list[str], allowed: list[str], total: str, parts: list[str], layout: bool = False
) -> list[dict]:
    pool = [c for c in columns if c in allowed] or columns
    out: list[dict] = []
    for order in figure_orders(row, layout):
        figures = [w.fen() for w in order]
        for combo in itertools.combinations(pool, len(figures)):
            values = dict(zip(combo, figures))
            if _identity_ok(values, total, parts) and values not in out:
                out.append(values)
    return out


def _parent(code: str) -> str | None:
    return code[:-2] if len(code) > 3 else None


def _resolve_by_hierarchy(rows: list[Row], options: dict[int, list[dict]], columns: list[str]) -> None:
    """Pick, for the ambiguous rows, the placements that let parents and children add up.

    The rows under one parent are chosen together (a parent's column holds only when all its
    children are placed right), then each row once more against its own children.
    """
    by_code = {r.code: r for r in rows if r.code}
    children: dict[str, list[Row]] = {}
    for r in rows:
        if r.code and _parent(r.code) in by_code:
            children.setdefault(_parent(r.code), []).append(r)
    # each parent's column sums over its children, kept up to date as a child's placement changes
    # (a placement is judged in constant time, however many children a parent has)
    sums = {p: {c: sum((k.values or {}).get(c) or 0 for k in kids) for c in columns} for p, kids in children.items()}
    parent_of = {id(k): p for p, kids in children.items() for k in kids}

    def place(row: Row, opt: dict) -> None:
        p = parent_of.get(id(row))
        if p is not None:
            s, old = sums[p], row.values or {}
            for c in columns:
                s[c] += (opt.get(c) or 0) - (old.get(c) or 0)
        row.values = opt

    def holds(parent: Row) -> int:
        kids = children.get(parent.code or "", [])
        if not kids or not parent.values:
            return 0
        s = sums[parent.code]
        slack = _HALF_CENT * (len(kids) + 1)
        return sum(1 if abs(s[c] - (parent.values.get(c) or 0)) <= slack else -1 for c in columns)

    index = {id(r): i for i, r in enumerate(rows)}
    for parent_code, kids in children.items():
        open_ = [k for k in kids if len(options.get(index[id(k)], [])) > 1]
        combos = 1
        for k in open_:
            combos *= len(options[index[id(k)]])
        if not open_ or combos > _MAX_JOINT:
            continue
        parent = by_code[parent_code]
        best, best_score = None, None
        for choice in itertools.product(*(options[index[id(k)]] for k in open_)):
            for k, opt in zip(open_, choice):
                place(k, opt)
            score = holds(parent)
            if best_score is None or score > best_score:
                best, best_score = choice, score
        for k, opt in zip(open_, best or ()):
            place(k, opt)
    for _ in range(2):
        for idx, opts in options.items():
            row = rows[idx]
            if len(opts) < 2:
                continue
            best, best_score = None, None
            for opt in opts:
                place(row, opt)
                related = [row] + ([by_code[_parent(row.code)]] if row.code and _parent(row.code) in by_code else [])
                score = sum(holds(p) for p in related)
                if best_score is None or score > best_score:
                    best, best_score = opt, score
            place(row, best)


def read_coded(
    lines: list[Line],
    columns: list[str],
    keywords: dict[str, tuple[str, ...]],
    total: str,
    parts: list[str],
    known_totals: dict[str, int] | None = None,
) -> Reading:
    """Rows of a coded table as records (code, name, money columns in fen, line, page)."""
    text = not has_geometry(lines)
    layout = text and is_layout(lines)
    header, items = _rows(lines, text)
    if text:
        items = _attach_loose(items, lambda r: bool(_candidates(r, columns, columns, total, parts, layout)))
    rows = _assign_names(items)
    if any(r.code is None and (r.amounts or r.loose) for r in rows):
        rows = [r for r in rows if r.code is not None or r.amounts or r.loose]  # a 合计 header cell, not the row
    notes: list[str] = []
    unplaced: list[Row] = []
    first_code = next((i for i, ln in enumerate(lines) if _split_codes(words(ln))[0] is not None), len(lines))
    anchors = column_anchors(lines[:first_code], keywords) if has_geometry(lines) else {}
    if anchors and len(anchors) >= max(2, len(columns) - 1):
        for r in rows:
            placed = _place_by_x(r, {c: x for c, x in anchors.items() if c in columns})
            if placed is None:
                unplaced.append(r)
                placed = {}
            r.values = placed
    else:
        total_row = next((r for r in rows if r.code is None and (r.amounts or r.loose)), None)
        allowed = list(columns)
        if known_totals:
            allowed = [c for c in columns if c == total or known_totals.get(c)]
        elif total_row is not None:
            opts = _candidates(total_row, columns, columns, total, parts, layout)
            if len(opts) == 1:
                allowed = list(opts[0])
        options: dict[int, list[dict]] = {}
        for i, r in enumerate(rows):
            opts = _candidates(r, columns, allowed, total, parts, layout) if r.amounts or r.loose else [{}]
            if not opts:
                unplaced.append(r)
                opts = [dict(zip(columns, (w.fen() for w in figure_orders(r, layout)[0])))]
            options[i] = opts
            r.values = opts[0]
        _resolve_by_hierarchy(rows, options, columns)
    records = []
    for r in rows:
        rec = {"code": r.code, "name": r.name, "line": r.line.line, "page": r.line.page}
        for c in columns:
            rec[c] = r.values.get(c)
        records.append(rec)
    if unplaced:
        notes.append(f"{len(unplaced)} row(s) whose figures could not be placed under their columns")
    return Reading(records=records, notes=notes, unplaced=unplaced)

"""Rows of the nine budget tables: cell tokens, coded rows, and the column assignment of lost cells.

A printed row is read as tokens (code, text, amount, blank).  Where a row prints fewer amounts than
the table has money columns (OCR rows after a page break lose their empty cells; PDF text never shows
empty cells), the amounts are placed into the columns so that the row identity holds
(合计 = 基本 + 项目, ...) and the subtotals hold (类 = Σ款, 款 = Σ项, 合计 = Σ类).  A choice the
printed positions do not settle is recorded in the row's ``inferred`` note.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from .. import lazyre
from ..document import Line
from ..money import clean_number_text, is_amount, to_fen
from ..text import HAN
from .table_order import split_rows

#: OCR debris printed where a cell should be: `* *`, `, ,`, `. .`, lone punctuation.
_GARBAGE = lazyre.compile(r"^[\s*,，.。·・:：;；'\"|/\\_~`^-]*$")
#: An amount inside a longer cell, bounded by whitespace (pdftotext joins `189,767,551 一、...`).
_INNER_AMOUNT = lazyre.compile(r"(?<!\S)-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?!\S)")
_CODE = lazyre.compile(r"^\d{2,7}$")
#: a 类 code and its 款/项 codes in one cell, spaced (`204 02 01`)
_SPACED_CODES = lazyre.compile(r"\d{3}(?:\s+\d{2}){1,2}")
_TOTAL_WORDS = {"合计", "总计"}


@dataclass(slots=True)
class Token:
    kind: str  # "amount" | "text" | "blank"
    text: str
    index: int  # cell index on the printed line
    start: int | None = None  # character offset in the line text, when known

    @property
    def is_amount(self) -> bool:
        return self.kind == "amount"


#: an amount glued to the label that follows it (`12,345,678一、社会保障和就业支出`): separators or decimals
#: make it surely an amount, and the next character starts a label
_GLUED = lazyre.compile(r"((?<![\d.,])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d{2}))(?=[\u4e00-\u9fff（(])")


def tokenize(line: Line) -> list[Token]:
    """The line's cells as tokens; mixed cells (`189,767,551 一、一般公共服务支出`) are split, and an
    amount glued to the next label (`12,345,678一、社会保障和就业支出`) is parted from it."""
    cells = line.cells or (line.text,)
    if any(_GLUED.search(c) for c in cells):
        cells = tuple(_GLUED.sub(r"\1 ", c) for c in cells)
    out: list[Token] = []
    cursor = 0
    for i, raw in enumerate(cells):
        cell = raw.strip()
        start = line.text.find(cell, cursor) if cell else -1
        if start >= 0:
            cursor = start + len(cell)
        pos = start if start >= 0 else None
        if not cell or _GARBAGE.match(cell):
            out.append(Token("blank", cell, i, pos))
        elif is_amount(cell):
            out.append(Token("amount", cell, i, pos))
        elif inner := _inner_amounts(cell):
            last = 0
            for m in inner:
                before = cell[last : m.start()].strip()
                if before:
                    out.append(Token("text", before, i, None if pos is None else pos + last))
                out.append(Token("amount", m.group(0), i, None if pos is None else pos + m.start()))
                last = m.end()
            rest = cell[last:].strip()
            if rest:
                out.append(Token("text", rest, i, None if pos is None else pos + last))
        else:
            out.append(Token("text", cell, i, pos))
    return out


#: the codes that open a cell (`204 02 01 行政运行`): not amounts
_CODE_PREFIX = lazyre.compile(r"^\d{3}(?:\s+\d{1,2}){0,2}(?=\s+\D)")


def _inner_amounts(cell: str) -> list[re.Match]:
    """The amounts inside a mixed cell, past the codes that open it: ``204 02 01 行政运行`` holds none;
    ``201 一般公共 21,601,733.00 服务支出 201 13 商贸事务 …`` (rows in text-object order, one cell) does."""
    prefix = _CODE_PREFIX.match(cell)
    after = prefix.end() if prefix else 0
    return [m for m in _INNER_AMOUNT.finditer(cell) if m.start() >= after]


def amount_text(tok: Token) -> str:
    return clean_number_text(tok.text)


# --------------------------------------------------------------------------------------------
# coded rows (功能分类 / 经济分类 tables, 收入/支出预算总表)


@dataclass
class CodedRow:
    code: str | None
    name: str
    amounts: list[Token]
    line: Line
    name_index: int
    values: dict[str, int | None] = field(default_factory=dict)
    inferred: str | None = None
    candidates: list[tuple[int, ...]] = field(default_factory=list)
    positional: tuple[int, ...] | None = None
    pushed: bool = False  # amounts taken from the following amount-only line
    #: (unit, amounts, their fen) read once: every placement tried places the same figures
    fens: tuple[str, list[Token], list[int | None]] | None = None


def read_coded_row(tokens: list[Token], code_lengths: tuple[int, ...]) -> tuple[str | None, str, int] | None:
    """(code, name, position of the name token) of a data row, or None for header/garbage lines.

    Codes come before the name: the 类 code (3 digits, or 5/7 when printed joined), then 2-digit
    款/项 codes.  An amount is never printed before the name, so leading digits are codes.
    """
    live = _split_leading_codes([(p, t) for p, t in enumerate(tokens) if t.kind != "blank"])
    if not live:
        return None
    codes: list[str] = []
    pos = 0
    while pos < len(live):
        t = live[pos][1]
        compact = "".join(t.text.split())  # (what `\s+` removes: str.split splits on the same spaces)
        if compact.isdecimal() and "," not in t.text and "." not in t.text:  # (`\d+`: decimal digits)
            if not codes and len(compact) in (3, 5, 7):
                codes.append(compact)
            elif codes and len(compact) in (1, 2) and len("".join(codes)) < 7:
                # a 款/项 code printed without its leading zero (`301   2  津贴补贴`) is still 2 digits
                codes.append(compact.zfill(2))
            else:
                break
            pos += 1
            continue
        if not codes and _SPACED_CODES.fullmatch(t.text.strip()):
            codes.extend(t.text.split())
            pos += 1
            continue
        break
    if pos >= len(live):
        return None
    p, t = live[pos]
    if not codes:
        if t.kind == "text" and "".join(t.text.split()) in _TOTAL_WORDS:
            return None, "合计", p
        return None
    code = "".join(codes)
    if len(code) not in code_lengths:
        return None
    if t.kind != "text":
        return code, "", live[pos - 1][0]
    name = t.text.strip()
    if not HAN.search(name):
        return None
    return code, name, p


#: codes run into the name of a row: `2010399其他政府办公厅事务支出`, `301 07绩效工资`, `302 17 公务接待费`
_CODE_THEN_NAME = lazyre.compile(r"^(\d{1,7}(?:\s+\d{1,2}){0,2})\s*([^\d\s,.，．%].*)$")


def _split_leading_codes(live: list[tuple[int, Token]]) -> list[tuple[int, Token]]:
    """Leading text cells that start with codes split into code cells and the name cell.

    Only before the name (the first text cell), and only when what follows the digits is not a
    number's continuation, so `2024年…` stays text unless 4 digits were a code length (they are not).
    """
    out: list[tuple[int, Token]] = []
    for n, (p, t) in enumerate(live):
        if t.kind == "text":
            m = _CODE_THEN_NAME.match(t.text.strip())
            if m and HAN.search(m.group(2)):
                for code in m.group(1).split():
                    out.append((p, Token("amount", code, t.index, t.start)))
                out.append((p, Token("text", m.group(2).strip(), t.index, t.start)))
                return out + live[n + 1 :]
            return out + live[n:]
        out.append((p, t))
    return out


_HEADER_WORDS = lazyre.compile(
    r"(项目|科目|编码|名称|合计|总计|基本支出|项目支出|人员经费|公用经费|收入|预算|单位|注|^[类款项]$|功能分类|经济分类)"
)


def _name_fragment(text: str) -> bool:
    """A short run of Chinese text that is not a header word: the wrapped tail of a long name."""
    t = text.strip()
    return 0 < len(t) <= 20 and bool(re.fullmatch(r"[\u4e00-\u9fff（）()、·]+", t)) and not _HEADER_WORDS.search(t)


def placements(k: int, n: int) -> list[tuple[int, ...]]:
    """Order-preserving placements of k printed amounts into n columns, the first amount as total."""
    if k == 0:
        return [()]
    if k > n:
        return []
    return [(0, *rest) for rest in itertools.combinations(range(1, n), k - 1)]


def identity_holds(values: list[int | None], identity: str) -> bool:
    """The row identity of a coded table: total = Σ of the other columns (blank = 0)."""
    total = values[0]
    if total is None:
        return all(v in (None, 0) for v in values)
    return total == sum(v or 0 for v in values[1:])


def _values(row: CodedRow, placement: tuple[int, ...], n: int, unit: str) -> list[int | None]:
    read = row.fens
    if read is None or read[0] != unit or read[1] is not row.amounts:
        read = row.fens = (unit, row.amounts, [to_fen(amount_text(tok), unit) for tok in row.amounts])
    vals: list[int | None] = [None] * n
    for fen, col in zip(read[2], placement):
        vals[col] = fen
    return vals


def column_edges(rows: list[CodedRow], n: int) -> list[float] | None:
    """The right edge of each of the `n` money columns of a PDF table (figures are set flush right):
    the figures' right edges when they fall into `n` tight groups, else the median of each column
    over the rows printing all `n` figures. None without geometry or when neither gives `n` columns."""
    if not n:
        return None
    found = [x for x in map(_right_edges, rows) if x is not None]
    groups: list[list[float]] = []
    for v in sorted(v for x in found for v in x):
        if groups and v - groups[-1][-1] <= _SAME_EDGE:
            groups[-1].append(v)
        else:
            groups.append([v])
    if len(groups) == n and all(g[-1] - g[0] <= 2 * _SAME_EDGE for g in groups):
        return [g[len(g) // 2] for g in groups]
    full = [x for x in found if len(x) == n]
    if not full:
        return None
    cols = [sorted(column)[len(full) // 2] for column in zip(*full)]
    return cols if all(a < b for a, b in zip(cols, cols[1:])) else None


#: figures whose right edges are this close (PDF points) stand in one column
_SAME_EDGE = 2.0


def _right_edges(row: CodedRow) -> list[float] | None:
    """The right edge of each of the row's figures on its PDF line; two figures in one cell (set
    closer than a cell gap) share its extent by their characters. None: no geometry, figures taken
    from another line, or a figure whose place in its cell is unknown."""
    ln = row.line
    cx = ln.cell_x
    if not row.amounts or row.pushed:
        return None
    if not cx or len(cx) != len(ln.cells):  # (text: pdftotext -layout does not keep figures flush right)
        return None
    shared = {t.index for t in row.amounts if sum(u.index == t.index for u in row.amounts) > 1}
    starts: list[int] = []
    at = 0
    for cell in ln.cells:  # a PDF line's text is its cells joined by two spaces
        starts.append(at)
        at += len(cell) + 2
    out: list[float] = []
    for t in row.amounts:
        if t.index >= len(cx):
            return None
        x0, x1 = cx[t.index]
        if t.index not in shared:
            out.append(x1)
            continue
        cell = ln.cells[t.index]
        end = None if t.start is None else t.start - starts[t.index] + len(t.text)
        if end is None or not 0 < end <= len(cell):
            return None
        out.append(x0 + (x1 - x0) * end / len(cell))
    return out


def _by_edges(row: CodedRow, edges: list[float]) -> tuple[int, ...] | None:
    """The columns the row's figures stand under, each within half a column of its right edge."""
    x = _right_edges(row)
    if x is None:
        return None
    half = min((b - a for a, b in zip(edges, edges[1:])), default=float("inf")) / 2
    cols = tuple(min(range(len(edges)), key=lambda j: abs(edges[j] - v)) for v in x)
    if any(abs(edges[c] - v) >= half for c, v in zip(cols, x)) or list(cols) != sorted(set(cols)):
        return None
    return cols


def prepare_candidates(row: CodedRow, n: int, unit: str, edges: list[float] | None = None) -> None:
    """The identity-consistent placements of the row's amounts, most likely first: nearest to where
    the figures are printed (tab-separated cells, or a PDF's column `edges`) when that is known."""
    k = len(row.amounts)
    if k > n:
        row.amounts = row.amounts[:n]
        k = n
        row.inferred = f"{len(row.amounts)} amounts printed for {n} columns; extra amounts ignored"
    cands = placements(k, n)
    good = [c for c in cands if identity_holds(_values(row, c, n, unit), "sum")]
    if not good:
        good = cands[:1]
    # positional reading (tab-separated text keeps empty cells until a page break drops them)
    pos = None
    if row.amounts and "\t" in row.line.text:
        cols = tuple(t.index - row.name_index - 1 for t in row.amounts)
        if cols[0] == 0 and all(0 <= c < n for c in cols) and list(cols) == sorted(set(cols)):
            pos = cols
    elif row.amounts and edges is not None:
        cols = _by_edges(row, edges)
        if cols is not None and cols[0] == 0:
            pos = cols
    row.positional = pos

    def rank(c: tuple[int, ...]) -> tuple:
        dist = sum(abs(a - b) for a, b in zip(c, pos)) if pos is not None else 0
        return (dist, c)

    row.candidates = sorted(good, key=rank)


def _parent_code(code: str | None) -> str | None:
    if code is None:
        return None
    if len(code) == 7:
        return code[:5]
    if len(code) == 5:
        return code[:3]
    return "__total__"


def resolve_columns(rows: list[CodedRow], columns: list[str], unit: str, table: str) -> list[str]:
    """Choose each row's placement top-down so that subtotals hold; returns notes of inferences."""
    n = len(columns)
    edges = column_edges(rows, n)
    for r in rows:
        prepare_candidates(r, n, unit, edges)
    by_code: dict[str, CodedRow] = {}
    for r in rows:
        if r.code is not None and r.code not in by_code:
            by_code[r.code] = r
    total_row = next((r for r in rows if r.code is None), None)
    children: dict[str, list[CodedRow]] = {}
    orphans: list[CodedRow] = []
    for r in rows:
        if r.code is None:
            continue
        pc = _parent_code(r.code)
        if pc == "__total__":
            if total_row is not None:
                children.setdefault("__total__", []).append(r)
            else:
                orphans.append(r)
        elif pc in by_code:
            children.setdefault(pc, []).append(r)
        else:
            orphans.append(r)
    chosen: dict[int, tuple[int, ...]] = {}

    def vals(r: CodedRow, c: tuple[int, ...]) -> list[int | None]:
        return _values(r, c, n, unit)

    def solve(
        parent_vals: list[int | None],
        kids: list[CodedRow],
        ignore: int | None = None,
        budget: list[int] | None = None,
    ) -> list[tuple[int, ...]] | None:
        """Placements of the kids that sum to the parent in every column (but `ignore`, a column
        one misprinted figure breaks), or None; at most `budget[0]` placements are tried (shared
        by the calls given the same list, so that retries cost no more than one search)."""
        target = [v or 0 for v in parent_vals]
        cols = [j for j in range(n) if j != ignore]
        options: list[list[tuple[tuple[int, ...], list[int]]]] = []
        for kid in kids:
            opts = []
            for c in kid.candidates:
                v = [x or 0 for x in vals(kid, c)]
                # a column blank in the parent is blank in every child
                if any(v[j] and not target[j] for j in cols):
                    continue
                opts.append((c, v))
            if not opts:
                return None
            options.append(opts)
        budget = [200_000] if budget is None else budget
        nonneg = all(x >= 0 for o in options for _, v in o for x in v) and all(t >= 0 for t in target)
        # remaining maximum per column, for pruning
        suffix_max = [[0] * n for _ in range(len(options) + 1)]
        for i in range(len(options) - 1, -1, -1):
            for j in range(n):
                suffix_max[i][j] = suffix_max[i + 1][j] + max(v[j] for _, v in options[i])
        pick: list[tuple[int, ...]] = []

        def dfs(i: int, acc: list[int]) -> bool:
            budget[0] -= 1
            if budget[0] < 0:
                return False
            if i == len(options):
                return all(acc[j] == target[j] for j in cols)
            for c, v in options[i]:
                nxt = [a + b for a, b in zip(acc, v)]
                if nonneg and any(nxt[j] > target[j] or nxt[j] + suffix_max[i + 1][j] < target[j] for j in cols):
                    continue
                pick.append(c)
                if dfs(i + 1, nxt):
                    return True
                pick.pop()
            return False

        if dfs(0, [0] * n):
            return list(pick)
        return None

    def _fitting(kid: CodedRow, parent_vals: list[int | None] | None) -> tuple[int, ...]:
        if not kid.candidates:
            return ()
        if parent_vals is not None:
            for c in kid.candidates:
                v = vals(kid, c)
                if not any(v[j] and not parent_vals[j] for j in range(n)):
                    return c
        return kid.candidates[0]

    def settle(parent: CodedRow | None, key: str) -> None:
        kids = children.get(key, [])
        if not kids:
            return
        parent_vals = vals(parent, chosen[id(parent)]) if parent is not None else None
        tries = [200_000]
        solution = solve(parent_vals, kids, budget=tries) if parent_vals is not None else None
        # one misprinted figure (the parent's or a kid's) breaks one column only: the others still
        # say where each kid's figures go
        for j in range(n) if solution is None and parent_vals is not None else ():
            solution = solve(parent_vals, kids, ignore=j, budget=tries)
            if solution is not None:
                break
        if solution is None:
            # the subtotal does not hold under any placement (a misprint): still keep each child's
            # amounts out of the columns its parent leaves blank
            solution = [_fitting(k, parent_vals) for k in kids]
        for kid, c in zip(kids, solution):
            chosen[id(kid)] = c
        for kid in kids:
            settle(kid, kid.code)

    if total_row is not None:
        picked = False
        tops = children.get("__total__", [])
        options = total_row.candidates or [()]
        if total_row.positional is None:  # where the 类 rows' figures stand says which columns it fills
            options = sorted(
                options, key=lambda c: -sum(k.positional is not None and set(k.positional) <= set(c) for k in tops)
            )
        for c in options:
            chosen[id(total_row)] = c
            if not children.get("__total__") or solve(vals(total_row, c), children["__total__"]) is not None:
                picked = True
                break
        if not picked:
            chosen[id(total_row)] = (total_row.candidates or [()])[0]
        settle(total_row, "__total__")
    for r in orphans:
        chosen[id(r)] = r.candidates[0] if r.candidates else ()
        settle(r, r.code)
    notes: list[str] = []
    placed: list[CodedRow] = []
    for r in rows:
        c = chosen.get(id(r), r.candidates[0] if r.candidates else ())
        v = vals(r, c)
        r.values = dict(zip(columns, v))
        k = len(r.amounts)
        ambiguous = len(r.candidates) > 1 or (r.positional is not None and r.positional != c)
        if k and k < n and ambiguous and (r.positional is None or r.positional != c):
            where = ", ".join(columns[j] for j in c)
            note = f"{k} amounts printed for {n} columns; placed in {where} so that the row identity and subtotals hold"
            r.inferred = f"{r.inferred}; {note}" if r.inferred else note
            placed.append(r)
        if r.pushed:
            notes.append(f"{table} line {r.line.line}{_page(r.line)} ({r.code or r.name}): {r.inferred}")
    if placed:
        where = ", ".join(f"{r.line.line}{_page(r.line)}" for r in placed[:12])
        more = f" and {len(placed) - 12} more" if len(placed) > 12 else ""
        notes.append(
            f"{table}: the columns of {len(placed)} rows that print fewer amounts than the table has columns "
            f"were inferred from the row identity and the subtotals (lines {where}{more}); see the rows' `inferred`"
        )
    return notes


def _page(line: Line) -> str:
    return f" page {line.page}" if line.page is not None else ""


def _tail_of_name(after: list[Token], ln: Line) -> str:
    """The end of a row's name printed after its amounts (``… 机关事业单位职业 4.00 4.00 年金缴费支出``):
    text in the text objects' order puts a wrapped name's second line where the producer drew it.
    Only in plain text (cells and tabs place text elsewhere) and only name fragments."""
    if ln.cell_x or "\t" in ln.text:
        return ""
    first = next((n for n, t in enumerate(after) if t.is_amount), None)
    if first is None:
        return ""
    texts = [t.text.strip() for t in after[first:] if t.kind == "text"]
    return "".join(texts) if texts and all(_TAIL.fullmatch(x) for x in texts) else ""


#: the end of a name: Chinese text and brackets, no total or note word (after a row's amounts no
#: header can stand, so header words such as 单位 or 收入 may end a name there)
_TAIL = lazyre.compile(r"(?!合计|总计|注|备注)[\u4e00-\u9fff（）()、·]{1,20}")


def _rows_of(lines: list[Line], code_lengths: tuple[int, ...]):
    """(printed line, tokens of one row) for each row of the lines: a line holding several rows (text
    in the PDF's text-object order, ``table_order``) gives one pair per row."""
    for ln in lines:
        if not ln.text.strip():
            continue
        for toks in split_rows(tokenize(ln), code_lengths):
            yield ln, toks


def parse_coded_table(
    lines: list[Line], columns: list[str], unit: str, table: str, code_lengths: tuple[int, ...]
) -> tuple[list[dict], list[str]]:
    """Rows of a coded table (code, name, money columns) as records, plus notes of inferences."""
    rows: list[CodedRow] = []
    pending: CodedRow | None = None
    previous: CodedRow | None = None  # the data row on the line just before (blank lines skipped)
    lent: tuple[CodedRow, int] | None = None  # a fragment just added to a row's name, which may be the next row's
    above: str | None = None  # a name fragment on the line just before, belonging to no row yet
    for ln, toks in _rows_of(lines, code_lengths):
        read = read_coded_row(toks, code_lengths)
        if read is None:
            if lent is not None and (any(t.is_amount for t in toks) or len([t for t in toks if t.kind == "text"]) != 1):
                lent = None
            amts = [t for t in toks if t.is_amount]
            texts = [t for t in toks if t.kind == "text"]
            if (
                previous is not None
                and previous.code
                and not amts
                and len(texts) == 1
                and _name_fragment(texts[0].text)
            ):
                # a long name wrapped onto the next line (or the head of the next row's name, when
                # that row prints its code and amounts with no name: the name wraps around it)
                previous.name += texts[0].text.strip()
                lent = (previous, len(texts[0].text.strip()))
                previous = None
                continue
            if not amts and len(texts) == 1 and _name_fragment(texts[0].text) and previous is None and lent is None:
                above = texts[0].text.strip()  # a name fragment above a row that prints no name
                continue
            previous = None
            if pending is not None and amts and not texts:
                pending.amounts = amts
                pending.pushed = True
                pending.name_index = amts[0].index - 1
                pending.inferred = f"amounts printed on the next line ({ln.line}) taken for this row"
                pending = None
            continue
        code, name, p = read
        amts = [t for t in toks[p + 1 :] if t.is_amount]
        name += _tail_of_name(toks[p + 1 :], ln)
        if not name and code is not None:
            if lent is not None:
                owner, size = lent
                name, owner.name = owner.name[-size:], owner.name[:-size]
            elif above is not None:
                name = above
        lent = above = None
        row = CodedRow(code=code, name=name, amounts=amts, line=ln, name_index=toks[p].index)
        if code is None and not amts:
            pending = None
            continue  # the 合计 row of an empty table
        rows.append(row)
        pending = row if not amts else None
        previous = row
    notes = resolve_columns(rows, columns, unit, table)
    records = []
    for r in rows:
        rec = {
            "code": r.code,
            "name": r.name,
            **r.values,
            "line": r.line.line,
            "page": r.line.page,
            "inferred": r.inferred,
        }
        records.append(rec)
    return records, notes

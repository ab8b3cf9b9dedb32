"""一般公共预算财政拨款基本支出决算表 read from extracted text, where no x position places a value.

The table prints two lanes side by side: 人员经费 (classes 301, 303) on the left, 公用经费 (302,
310, …) on the right, each row ``code | name | 决算数``. A text extractor keeps the reading order
of a printed line (left lane first) but loses the columns, and it may put figures set off the
baseline on the line above their code (pdftotext -layout) or below it (pdfplumber), names on the
line after their code, and a lane's 款 part on the next line. So each token is given its lane by
what the line shows:

* a code by its class (the lane the table prints that class in, learnt from lines that print
  both lanes; 301 and 303 left otherwise), a 款 part to the lane whose row still lacks one;
* in layout text (columns kept as runs of spaces), any other token by its column;
* otherwise by reading order: a token after a right-lane code is on the right, one before a
  code on the left, and a figure followed by anything is the left lane's last cell.

Tokens a line leaves open (a lone figure or name fragment) are settled by the row identities:
a name fragment goes to the lane whose row's classification name it continues, a figure to the
lane and row that make each class equal the sum of its 款 and each lane's 合计 the sum of its
classes. Whether a lane's figures sit on, above or below their code line is chosen the same way.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field

from ... import lazyre
from ...document import Line
from .economic_names import ROW_NAMES
from .tokens import AMOUNT, Word, is_layout, words

LEFT_CLASSES = frozenset({"301", "303"})
TOTALS = {"人员经费合计": "left", "公用经费合计": "right"}
_HEAD = lazyre.compile(r"^3\d{2}(?:\d{2})?$")
_PART = lazyre.compile(r"^\d{2}$")
_HEADER = {"类", "款", "经济分类", "科目编码", "科目名称", "决算数", "单位：万元"}
#: a code glued to a name (``30207邮电费``) or a name to a code (a page join: ``被装购置费303``)
_GLUED = lazyre.compile(r"^(3\d{2}(?:\d{2})?)([^\d,.].*)$|^(.*[^\d,.])(3\d{2}(?:\d{2})?)$")
_TOTAL_GLUE = lazyre.compile("(" + "|".join(TOTALS) + ")")
_HALF_CENT = 5_000
#: most open figures one class may leave to the identities (2**n placements are tried)
_MAX_OPEN = 12
#: work (rows scored) the placements of open figures may take in one table: keeps reading linear
_TRIAL_BUDGET = 2_000_000
LANES = ("left", "right")


@dataclass
class _Tok:
    kind: str  # code, part, total, amount, text
    word: Word
    seq: int
    lane: str | None = None
    group: int | None = None  # tokens a line leaves open share a group (and a lane)


@dataclass
class _Row:
    code: str | None
    lane: str
    seq: int
    line: Line
    name: str = ""
    own_name: bool = False
    is_class: bool = False
    amounts: list[int] = field(default_factory=list)
    need_part: bool = False

    @property
    def standard(self) -> str:
        return ROW_NAMES.get(self.code or "", "")


def _expand(ws: list[Word]) -> list[Word]:
    out: list[Word] = []
    for w in ws:
        if w.text in _HEADER:
            continue
        parts = [p for p in _TOTAL_GLUE.split(w.text) if p] if len(w.text) > 6 else [w.text]
        for p in parts:
            m = _GLUED.match(p)
            pieces = [g for g in m.groups() if g] if m and not w.is_amount else [p]
            out.extend(Word(t, w.x0, w.x1, w.line) for t in pieces)
    return out


def _kind(text: str) -> str:
    if text in TOTALS:
        return "total"
    if _HEAD.match(text):
        return "code"
    if _PART.match(text):
        return "part"
    if AMOUNT.match(text) and ("." in text or "," in text):
        return "amount"
    return "text"


def _class_lanes(lines: list[list[Word]]) -> dict[str, str]:
    """The lane of each class code: the first code of a line printing two is left, the others right."""
    votes: dict[str, list[int]] = {}
    for ws in lines:
        codes = [w.text[:3] for w in ws if _kind(w.text) == "code"]
        if len(codes) >= 2:
            votes.setdefault(codes[0], [0, 0])[0] += 1
            for c in codes[1:]:
                if c != codes[0]:
                    votes.setdefault(c, [0, 0])[1] += 1
    out = {c: ("left" if v[0] > v[1] else "right") for c, v in votes.items() if v[0] != v[1]}
    return out


class _Reader:
    def __init__(self, lines: list[Line]):
        self.lines = lines
        self.toks: list[_Tok] = []
        self.rows: list[_Row] = []
        self.totals: list[_Row] = []
        self.groups = 0

    # -- pass 1: tokens, their lanes, the rows ---------------------------------------------------
    def tokenise(self) -> None:
        expanded = [_expand(words(ln)) for ln in self.lines]
        lanes = _class_lanes(expanded)
        layout = is_layout(self.lines)
        lane_of = lambda code: lanes.get(code[:3], "left" if code[:3] in LEFT_CLASSES else "right")  # noqa: E731
        current: dict[str, _Row | None] = {"left": None, "right": None}
        seen_class: set[str] = set()
        seq = 0
        right_x: list[float] = []
        for ws in expanded:
            seq += 1
            line_toks: list[_Tok] = []
            right_started = False
            for w in ws:
                kind = _kind(w.text)
                if kind == "code" and right_started and lane_of(w.text) == "left":
                    self._settle_line(line_toks)  # a page join: a new printed line
                    line_toks, right_started, seq = [], False, seq + 1
                t = _Tok(kind, w, seq)
                if kind == "code":
                    t.lane = lane_of(w.text)
                    row = _Row(w.text, t.lane, seq, w.line)
                    if len(w.text) == 3:
                        if w.text not in seen_class:
                            row.is_class = True
                            seen_class.add(w.text)
                        else:
                            row.need_part = True
                    current[t.lane] = row
                    self.rows.append(row)
                    if t.lane == "right" and any(x.lane == "left" for x in line_toks):
                        right_x.append(w.x0)
                elif kind == "part":
                    prev = line_toks[-1] if line_toks else None
                    wanting = [ln for ln in LANES if current[ln] is not None and current[ln].need_part]
                    if prev is not None and prev.kind == "code" and prev.lane in wanting:
                        t.lane = prev.lane
                    elif len(wanting) == 1:
                        t.lane = wanting[0]
                    elif wanting:
                        t.lane = "right" if right_started else "left"
                    if t.lane is not None:
                        row = current[t.lane]
                        row.code += w.text
                        row.need_part = False
                    else:
                        continue  # a stray two-digit number (a header's column number)
                elif kind == "total":
                    t.lane = TOTALS[w.text]
                    row = _Row(None, t.lane, seq, w.line, name=w.text, own_name=True)
                    self.totals.append(row)
                    current[t.lane] = row
                if t.lane == "right":
                    right_started = True
                line_toks.append(t)
            self._settle_line(line_toks)
        self.split = min(right_x) if right_x else None
        if layout and self.split is not None:
            for t in self.toks:  # what reading order leaves open, the column tells
                if t.lane is None:
                    t.lane, t.group = ("left" if t.word.x0 < self.split else "right"), None

    def _settle_line(self, toks: list[_Tok]) -> None:
        """Lanes of a line's figures and names from its codes, parts and reading order."""
        n = len(toks)
        lefts = [i for i, t in enumerate(toks) if t.lane == "left"]
        rights = [i for i, t in enumerate(toks) if t.lane == "right"]
        lo = max(lefts) + 1 if lefts else 0
        hi = min(rights) if rights else n
        cut = None
        for i in range(lo, hi):
            if toks[i].kind == "amount" and i < n - 1:
                cut = i + 1  # a figure followed by anything closes the left lane
                break
        if cut is None and (lefts or rights):
            cut = hi if rights or not lefts else n
        open_group = None
        for i, t in enumerate(toks):
            if t.lane is None:
                if cut is not None:
                    t.lane = "left" if i < cut else "right"
                else:
                    if open_group is None:
                        self.groups += 1
                        open_group = self.groups
                    t.group = open_group
            self.toks.append(t)

    # -- pass 2: names ---------------------------------------------------------------------------
    def names(self) -> None:
        by_seq: dict[int, list[_Tok]] = {}
        for t in self.toks:
            by_seq.setdefault(t.seq, []).append(t)
        inline = {ln: self._inline(by_seq, ln) for ln in LANES}
        current: dict[str, _Row | None] = {"left": None, "right": None}
        pending: dict[str, list[str]] = {"left": [], "right": []}
        ahead: dict[str, list[str]] = {"left": [], "right": []}  # the start of the next row's name
        row_at = {(r.seq, r.lane): r for r in [*self.rows, *self.totals]}

        def settle(lane: str) -> None:
            if current[lane] is not None and pending[lane]:
                current[lane].name += "".join(pending[lane])
            pending[lane] = []

        for seq in sorted(by_seq):
            toks = by_seq[seq]
            self._resolve_open_names(toks, current)
            for lane in LANES:
                mine = [t for t in toks if t.lane == lane]
                if not mine:
                    continue
                new = row_at.get((seq, lane))
                texts = [t.word.text for t in mine if t.kind == "text"]
                if new is not None and new is not current[lane]:
                    new.own_name = new.own_name or bool(texts)
                    if new.own_name or not inline[lane]:
                        settle(lane)
                    else:
                        new.name, pending[lane] = "".join(pending[lane]), []
                    new.name = "".join(ahead[lane]) + new.name
                    ahead[lane] = []
                    current[lane] = new
                    if new.code is not None:
                        new.name += "".join(texts)
                    continue
                rec = current[lane]
                if rec is None or not texts:
                    continue
                frag = "".join(texts)
                starts_row = any(t.kind == "part" for t in mine)
                if starts_row:
                    rec.own_name = True
                    rec.name += frag
                elif rec.standard and rec.standard != rec.name and rec.standard.startswith(rec.name + frag):
                    rec.name += frag  # the row's name continues
                elif self._starts_next(rec, lane, "".join(ahead[lane]) + frag):
                    ahead[lane].append(frag)
                elif inline[lane] and (rec.own_name or (not rec.name and rec.is_class)):
                    pending[lane].append(frag)  # its row is told by the next code line
                else:
                    rec.name += frag
        for lane in LANES:
            settle(lane)

    def _starts_next(self, rec: _Row, lane: str, frag: str) -> bool:
        """Whether `frag` begins the classification name of the lane's next row (not of `rec`'s)."""
        nxt = self.next_row(lane, rec.seq)
        return (
            nxt is not None
            and not nxt.name
            and nxt.standard.startswith(frag)
            and not (rec.standard and rec.standard != rec.name and rec.standard.startswith(rec.name + frag))
        )

    def _inline(self, by_seq: dict[int, list[_Tok]], lane: str) -> bool:
        named = bare = 0
        for r in self.rows:
            if r.lane != lane:
                continue
            if any(t.kind == "text" and t.lane == lane for t in by_seq.get(r.seq, [])):
                named += 1
            else:
                bare += 1
        return named > bare

    def _resolve_open_names(self, toks: list[_Tok], current: dict[str, _Row | None]) -> None:
        """An open group's lane: the lane whose row's classification name its text continues."""
        for g in {t.group for t in toks if t.group is not None and t.lane is None}:
            members = [t for t in toks if t.group == g]
            frag = "".join(t.word.text for t in members if t.kind == "text")
            if not frag:
                continue
            fits = []
            for lane in LANES:
                rec = current[lane]
                nxt = self.next_row(lane, members[0].seq)
                if (
                    rec is not None
                    and rec.standard
                    and rec.standard != rec.name
                    and rec.standard.startswith(rec.name + frag)
                ):
                    fits.append(lane)
                elif nxt is not None and nxt.standard.startswith(frag) and not nxt.name:
                    fits.append(lane)
            if len(fits) != 1:
                live = [ln for ln in LANES if current[ln] is not None]
                fits = live if len(live) == 1 else ["left"]
            for t in members:
                t.lane = fits[0]

    # -- pass 3: figures -------------------------------------------------------------------------
    def index(self) -> None:
        """Rows by lane in line order, and each class's 款 rows (the identities' terms)."""
        self.lane_rows = {ln: sorted((r for r in [*self.rows, *self.totals] if r.lane == ln), key=lambda r: r.seq)
                          for ln in LANES}  # fmt: skip
        self.lane_seqs = {ln: [r.seq for r in rows] for ln, rows in self.lane_rows.items()}
        self.classes = [r for r in self.rows if r.code and len(r.code) == 3 and r.is_class]
        kids: dict[str, list[_Row]] = {}
        for r in self.rows:
            if r.code and len(r.code) == 5:
                kids.setdefault(r.code[:3], []).append(r)
        self.kids = kids

    def next_row(self, lane: str, seq: int) -> _Row | None:
        """The lane's first row below line `seq`."""
        i = bisect.bisect_right(self.lane_seqs[lane], seq)
        return self.lane_rows[lane][i] if i < len(self.lane_rows[lane]) else None

    def figures(self) -> bool:
        """Place every figure; True when the table's identities hold."""
        amounts = [t for t in self.toks if t.kind == "amount"]
        budget = [_TRIAL_BUDGET]
        best = None
        for dirs in itertools.product(("after", "before"), repeat=2):
            placement = self._place(amounts, dict(zip(LANES, dirs)), budget)
            score = self._score(placement)
            if best is None or score > best[0]:
                best = (score, placement)
        assert best is not None
        for r in [*self.rows, *self.totals]:
            r.amounts = best[1].get(id(r), [])
        return best[0][0] == 0

    def _target(self, t: _Tok, lane: str, direction: str) -> _Row | None:
        """The row of `lane` a figure on line ``t.seq`` belongs to: the last at or above it (figures
        below their code line), or the first at or below it (figures above)."""
        seqs, rows = self.lane_seqs[lane], self.lane_rows[lane]
        if direction == "after":
            i = bisect.bisect_right(seqs, t.seq)
            return rows[i - 1] if i else None
        i = bisect.bisect_left(seqs, t.seq)
        return rows[i] if i < len(rows) else None

    def _place(self, amounts: list[_Tok], dirs: dict[str, str], budget: list[int]) -> dict[int, list[int]]:
        placed: dict[int, list[int]] = {}
        open_: dict[int, list[_Tok]] = {}
        for t in amounts:
            if t.lane is not None:
                row = self._target(t, t.lane, dirs[t.lane])
                if row is not None:
                    placed.setdefault(id(row), []).append(t.word.fen())
            else:
                open_.setdefault(t.group or 0, []).append(t)
        # the open groups: each goes left or right as a whole; decided class by class
        by_class: dict[str, list[int]] = {}
        options: dict[int, dict[str, _Row | None]] = {}
        for g, toks in open_.items():
            options[g] = {ln: self._target(toks[0], ln, dirs[ln]) for ln in LANES}
            left = options[g]["left"]
            key = (left.code or left.name)[:3] if left is not None else "-"
            by_class.setdefault(key, []).append(g)
        size = len(self.rows) + len(self.totals) + 1
        for gs in by_class.values():
            chosen = None
            if len(gs) <= _MAX_OPEN and budget[0] >= size * 2 ** len(gs):
                combos = itertools.product(LANES, repeat=len(gs))
                budget[0] -= size * 2 ** len(gs)
            else:  # too many open figures to try: each to a lane that has a row for it, left first
                for g in gs:
                    row = options[g]["left"] or options[g]["right"]
                    if row is not None:
                        placed.setdefault(id(row), []).extend(t.word.fen() for t in open_[g])
                continue
            for combo in combos:
                trial = {k: list(v) for k, v in placed.items()}
                ok = True
                for g, lane in zip(gs, combo):
                    row = options[g][lane]
                    if row is None:
                        ok = False
                        break
                    trial.setdefault(id(row), []).extend(t.word.fen() for t in open_[g])
                if not ok:
                    continue
                score = self._score(trial)
                if chosen is None or score > chosen[0]:
                    chosen = (score, trial)
            if chosen is not None:
                placed = chosen[1]
        return placed

    def _score(self, placed: dict[int, list[int]]) -> tuple[int, int]:
        """(−failed identities − rows given two figures, −rows given two figures): higher is better."""
        amount = lambda r: (placed.get(id(r)) or [0])[0]  # noqa: E731
        doubled = sum(1 for v in placed.values() if len(v) > 1)
        failed = 0
        for c in self.classes:
            kids = self.kids.get(c.code or "", [])
            if abs(amount(c) - sum(amount(k) for k in kids)) > _HALF_CENT * (len(kids) + 1):
                failed += 1
        for tot in self.totals:
            mine = [c for c in self.classes if c.lane == tot.lane]
            if abs(amount(tot) - sum(amount(c) for c in mine)) > _HALF_CENT * (len(mine) + 1):
                failed += 1
        return (-failed - doubled, -doubled)


def read_economic_text(lines: list[Line]) -> tuple[list[dict], list[str]]:
    """Rows (code, name, amount, lane) and the two 合计 rows; notes when the figures do not add up."""
    reader = _Reader(lines)
    reader.tokenise()
    reader.index()
    reader.names()
    consistent = reader.figures()
    notes = [] if consistent else ["figures do not fit the table's identities in any placement"]
    if any(len(r.amounts) > 1 for r in [*reader.rows, *reader.totals]):
        notes.append("a row received more than one figure")
    out = []
    for r in [*reader.rows, *reader.totals]:
        name = r.name or (ROW_NAMES.get(r.code, "") if r.is_class else "")
        out.append(
            {"code": r.code, "name": name, "amount": r.amounts[0] if r.amounts else None, "lane": r.lane,
             "line": r.line.line, "page": r.line.page}
        )  # fmt: skip
    return out, notes

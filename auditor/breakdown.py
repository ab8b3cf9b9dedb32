"""A stated whole and its parts in the prose: ``X 1,170.00万元，其中：A 870.00万元，B 300.00万元（合计…）``.

The disclosures state a figure and then break it down after 其中: the income by source, a project's
annual budget by purpose, a building's floor area above and below ground. This module reads those
breakdowns from a paragraph so that rules can check that the parts add up; it does not judge them.

- The **whole** is the figure right before 其中 (only punctuation between). A figure that is itself
  a stated change (比上年增加 X万元，其中…) is not a whole.
- The **parts** follow to the end of the sentence, each a figure with the words before it in its
  clause as its label. A stated change (比上年增加…) or share (占…%) after a part belongs to that part
  and is skipped; a figure inside brackets belongs to the breakdown opened there (nested, read on its
  own); the first figure of another kind of unit ends the list (建筑高度29.8米 after the areas); so
  does a second 其中 outside brackets (the list is then ``truncated``).
- A closing 合计/共计/总计 figure is the stated **total** of the parts.
- A breakdown is **closed** (its parts are all of the whole, so they must add up to it) when it
  states a total, when its last part is the residue (其他…, 其余…), or when its two parts are
  complements (地上/地下, 计容/不计容, 境内/境外, 室内/室外). Anything else may list only some parts.

Money units (元, 万元, 亿元, 万) are one kind, compared in fen; other units (平方米, 个, 人, …) each their own.
Scanning is linear in the paragraph: figures are found once, and each 其中 looks at the figures of
its own sentence only.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from decimal import Decimal

from . import lazyre
from .money import UNIT_FEN
from .text import NUMBER, normalise, read_number

#: Printed unit -> the unit it is read in.
_UNITS = {
    "万元": "万元",
    "亿元": "亿元",
    "元": "元",
    "万": "万元",
    "平方米": "平方米",
    "平米": "平方米",
    "㎡": "平方米",
    "m²": "平方米",
    "m2": "平方米",
    "平方公里": "平方公里",
    "公顷": "公顷",
    "亩": "亩",
    "公里": "公里",
    "千米": "公里",
    "米": "米",
}
_COUNT_UNITS = "个|人|户|家|台|套|间|张|辆|项|次|场|份|吨|所|座|条|层|册|名|批|处|件|盏|棵|株|只|部"
_UNIT = "|".join(sorted(_UNITS, key=len, reverse=True)) + "|" + _COUNT_UNITS
#: A figure and its unit; 万 is money unless a counted noun follows (万人, 万个…).
_FIGURE = lazyre.compile(rf"(?<![\d.,])({NUMBER})\s*(?:({_UNIT})(?![人个户元平方])|(%))")
_SEP = ",;:、()。\n"
_CHANGE_LEAD = lazyre.compile(
    r"(?:比|较|与|同)[^,;。]{0,20}?(?:增加|减少|增长|下降|上升|降低|多|少)了?\s*$|(?:^|[,;:])\s*(?:增加|减少|增长|下降|上升|降低)了?\s*$"
)
_SHARE_LEAD = lazyre.compile(r"占[^,;。]{0,20}$")
_TOTAL_LEAD = lazyre.compile(r"^\s*(?:合计|共计|总计|小计|总共|累计)\s*(?:为|是)?\s*$")
_FILLER = lazyre.compile(r"(?:约为|约|为|是|达到|达)\s*$")
_APPROX = lazyre.compile(r"约|大约|近|左右|余")
_RESIDUE = lazyre.compile(r"^(?:其他|其它|其余|剩余)")
#: Complementary prefixes: two parts whose labels differ only in these are all of the whole.
_COMPLEMENTS = [
    ("地上", "地下"),
    ("境内", "境外"),
    ("室内", "室外"),
    ("国内", "国外"),
    ("市内", "市外"),
    ("区内", "区外"),
]
_QIZHONG = lazyre.compile(r"其中\s*[:,]?")


@dataclass(frozen=True)
class Figure:
    """A figure printed in the prose: its label, value, unit and where it is in the paragraph."""

    label: str
    value: Decimal
    printed: str
    unit: str
    start: int
    end: int
    approx: bool = False

    @property
    def money(self) -> bool:
        return self.unit in UNIT_FEN

    def scaled(self) -> Decimal:
        """The value in the unit's base: fen for money, the unit itself otherwise."""
        return self.value * UNIT_FEN[self.unit] if self.money else self.value

    def step(self) -> Decimal:
        """One unit of the last printed digit, in the base of :meth:`scaled` (0 for a printed zero)."""
        if self.value == 0:
            return Decimal(0)
        digits = re.sub(r"[\s,]", "", self.printed)
        dec = len(digits.split(".", 1)[1]) if "." in digits else 0
        one = Decimal(1).scaleb(-dec)
        return one * UNIT_FEN[self.unit] if self.money else one

    def kind(self) -> str:
        return "money" if self.money else self.unit


@dataclass
class Breakdown:
    """A whole, the parts stated after its 其中, and the total they are said to make."""

    whole: Figure
    parts: list[Figure] = field(default_factory=list)
    total: Figure | None = None
    truncated: bool = False

    @property
    def closed(self) -> bool:
        """Whether the parts are all of the whole (so they must add up to it)."""
        if self.truncated or len(self.parts) < 2:
            return False
        if self.total is not None or _RESIDUE.match(self.parts[-1].label):
            return True
        return len(self.parts) == 2 and complements(self.parts[0].label, self.parts[1].label)

    def sum(self) -> Decimal:
        return sum((p.scaled() for p in self.parts), Decimal(0))


def complements(a: str, b: str) -> bool:
    """Two labels that name complementary parts: 计容面积/不计容面积, 地上建筑面积/地下建筑面积."""
    for x, y in ((a, b), (b, a)):
        if y in ("不" + x, "非" + x) or (len(x) >= 2 and y[1:] == x and y[0] in "不非"):
            return True
        for p, q in _COMPLEMENTS:
            if x.startswith(p) and y.startswith(q) and x[len(p) :] == y[len(q) :]:
                return True
    return False


#: How far before a figure its label is looked for (labels are short; a bound keeps scanning linear).
LEAD = 40
#: The most figures one breakdown looks at (a list of parts is a few dozen at most): linear time
#: however many figures a sentence without a full stop holds.
MAX_SCAN = 80


def _label(norm: str, start: int, floor: int) -> str:
    """The words before a figure in its clause (after the last separator), filler words dropped."""
    floor = max(floor, start - LEAD)
    cut = max(norm.rfind(c, floor, start) for c in _SEP)
    lead = norm[max(cut + 1, floor) : start]
    lead = _QIZHONG.sub("", lead).strip()
    return _FILLER.sub("", lead).strip().strip('"')


def figures(text: str) -> list[Figure]:
    """Every figure with a unit in a paragraph, in order (percentages have unit ``%``)."""
    norm = normalise(text)
    out = []
    for m in _FIGURE.finditer(norm):
        value, _ = read_number(m.group(1))
        if value is None:
            continue
        unit = "%" if m.group(3) else _UNITS.get(m.group(2), m.group(2))
        floor = max(0, m.start() - LEAD)
        cut = max(norm.rfind(c, floor, m.start()) for c in _SEP)
        lead = norm[max(cut + 1, floor) : m.start()]
        out.append(
            Figure(
                label=_label(norm, m.start(), 0),
                value=value,
                printed=m.group(1),
                unit=unit,
                start=m.start(),
                end=m.end(),
                approx=bool(_APPROX.search(lead[-6:])) or norm[m.end() : m.end() + 2] == "左右",
            )
        )
    return out


def _depths(norm: str) -> list[int]:
    """The bracket depth at every character (a stray closing bracket never goes below 0)."""
    depth = 0
    out = []
    for ch in norm:
        if ch == ")":
            depth = max(0, depth - 1)
        out.append(depth)
        if ch == "(":
            depth += 1
    return out


def breakdowns(text: str) -> list[Breakdown]:
    """The breakdowns stated in a paragraph (outer ones first, nested ones after them)."""
    norm = normalise(text)
    if "其中" not in norm:
        return []
    figs = figures(text)
    ends = [f.end for f in figs]
    depth = _depths(norm)
    stops = [i for i, ch in enumerate(norm) if ch == "。"]
    marks = [m.start() for m in _QIZHONG.finditer(norm)]
    out = []
    for qm in _QIZHONG.finditer(norm):
        k = qm.start()
        i = bisect.bisect_right(ends, k) - 1
        if i < 0:
            continue
        whole = figs[i]
        between = norm[whole.end : k].strip(" ,;:")
        if whole.unit == "%" or between not in ("", "(") or depth[k] != depth[whole.start] + (between == "("):
            continue  # not right after a figure (or the figure is a share)
        lead = norm[max(0, whole.start - 24) : whole.start]
        if _CHANGE_LEAD.search(lead) or _SHARE_LEAD.search(lead):
            continue  # 比上年增加 X万元，其中…: the change, not a whole
        bd = Breakdown(whole=whole)
        level = depth[k]
        s = bisect.bisect_left(stops, qm.end())
        stop = stops[s] if s < len(stops) else len(norm)
        floor = qm.end()
        mark = bisect.bisect_right(marks, k)  # the next 其中 after this one
        for n in range(i + 1, min(len(figs), i + 1 + MAX_SCAN)):
            f = figs[n]
            if f.start >= stop:
                break
            while mark < len(marks) and marks[mark] < f.start and depth[marks[mark]] != level:
                mark += 1  # a 其中 inside brackets opens a nested breakdown: not an end of this one
            if mark < len(marks) and marks[mark] < f.start:
                bd.truncated = True  # a 其中 of the part before: what follows is its parts, not these
                break
            if depth[f.start] > level:
                continue  # inside brackets: a nested breakdown of the part before
            if depth[f.start] < level:
                break  # the bracket the breakdown opened in has closed
            if f.unit == "%":
                continue
            if f.kind() != whole.kind():
                break
            flead = norm[max(floor, f.start - 24) : f.start]
            if _CHANGE_LEAD.search(flead) or _SHARE_LEAD.search(flead):
                continue
            label = _label(norm, f.start, floor)
            if _TOTAL_LEAD.match(norm[max(floor, f.start - 8) : f.start].split(",")[-1]) or label in (
                "合计",
                "共计",
                "总计",
                "小计",
            ):
                bd.total = f
                break
            bd.parts.append(Figure(label, f.value, f.printed, f.unit, f.start, f.end, f.approx))
            floor = f.end
        else:
            last = i + MAX_SCAN
            if last + 1 < len(figs) and figs[last + 1].start < stop:
                bd.truncated = True  # more figures than any list of parts: not read as one
        if bd.parts:
            out.append(bd)
    return out

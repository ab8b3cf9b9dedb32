"""一般公共预算财政拨款基本支出决算表: two lanes (301/303 left, 302/310 right) of economic codes.

Each lane is read as a stream: a class code (``301``) or a full code (``30101``, ``301 01``) starts
a row; a name, a 款 code or a figure on a following line completes the row that lacks it (figures
set off the baseline put codes and names on separate lines). In a table that prints names on their
code lines, a name wrapped around a code line (``机关事业单位基本养老保`` / ``30108 446.11`` / ``险缴费``)
is told by the code line: a name-only line before a code line that prints no name is that row's
first part, one after such a row its last part; any other name-only line continues the row above.
"""

from __future__ import annotations

from dataclasses import dataclass

from ... import lazyre
from ...document import Line
from .economic_text import read_economic_text
from .tokens import Word, has_geometry, words

CLASSES = {"301": "工资福利支出", "302": "商品和服务支出", "303": "对个人和家庭的补助", "310": "资本性支出"}
_HEAD = lazyre.compile(r"^3\d{2}(?:\d{2})?$")
_PART = lazyre.compile(r"^\d{2}$")
_TOTALS = {"人员经费合计": "left", "公用经费合计": "right"}


@dataclass
class _Rec:
    code: str
    lane: str
    line: Line
    name: str = ""
    amount: int | None = None
    is_class: bool = False
    own_name: bool = False  # the code line itself printed (part of) the name


def _lane_split(lines: list[Line]) -> float | None:
    for ln in lines:
        heads = [w for w in words(ln) if w.text in ("经济分类", "科目编码", "科目名称")]
        xs = sorted({round(w.x0) for w in heads if w.text == heads[0].text})
        if len(xs) >= 2:
            return xs[1] - 20  # codes may start a little left of their header
    return None


def _lanes(ln: Line, split: float | None) -> list[tuple[str, list[Word]]]:
    ws = [w for w in words(ln) if w.text not in ("类", "款")]
    if split is not None:
        return [("left", [w for w in ws if w.x0 < split]), ("right", [w for w in ws if w.x0 >= split])]
    # text: the right lane starts at the second code of the line
    starts = [i for i, w in enumerate(ws) if _HEAD.match(w.text) and i > 0]
    if starts:
        return [("left", ws[: starts[0]]), ("right", ws[starts[0] :])]
    return [("left", ws)]


def _names_inline(lines: list[Line], split: float | None) -> bool:
    """Whether the table prints names on their code lines (most code lines carry one).

    Then a code line without a name is a wrapped name's middle; otherwise (figures set off the
    baseline put every name on the line below its code) each name-only line completes the row above.
    """
    named = bare = 0
    for ln in lines:
        for _, ws in _lanes(ln, split):
            if ws and _HEAD.match(ws[0].text):
                rest = ws[1:]
                if any(not w.is_amount and not _PART.match(w.text) for w in rest):
                    named += 1
                else:
                    bare += 1
    return named > bare


def read_economic(lines: list[Line]) -> tuple[list[dict], list[str]]:
    """Rows (code, name, amount, lane), the 人员经费合计 / 公用经费合计 rows, and notes on what was unsure.

    Text without geometry is read by :func:`read_economic_text`.
    """
    if not has_geometry(lines):
        return read_economic_text(lines)
    split = _lane_split(lines)
    current: dict[str, _Rec | None] = {"left": None, "right": None}
    seen_class: set[str] = set()
    recs: list[_Rec] = []
    totals: list[dict] = []
    pending: dict[str, list[str]] = {"left": [], "right": []}  # name-only lines not yet given a row
    inline = _names_inline(lines, split)

    def settle(lane: str, rec: _Rec | None) -> None:
        if rec is not None and pending[lane]:
            rec.name += "".join(pending[lane])
        pending[lane] = []

    for ln in lines:
        joined = ln.text.replace(" ", "")
        if any(t in joined for t in _TOTALS):
            for lane in ("left", "right"):
                settle(lane, current[lane])
            for w_text, lane in _TOTALS.items():
                ws = words(ln)
                idx = next((i for i, w in enumerate(ws) if w.text.startswith(w_text)), None)
                if idx is None:
                    continue
                amt = next((w for w in ws[idx + 1 :] if w.is_amount), None)
                totals.append(
                    {"code": None, "name": w_text, "amount": amt.fen() if amt else None, "lane": lane,
                     "line": ln.line, "page": ln.page}
                )  # fmt: skip
            continue
        for lane, ws in _lanes(ln, split):
            if not ws:
                continue
            rec = current[lane]
            i = 0
            if _HEAD.match(ws[0].text):
                code = ws[0].text
                i = 1
                if len(code) == 3 and len(ws) > 1 and _PART.match(ws[1].text):
                    code += ws[1].text
                    i = 2
                new = _Rec(code=code, lane=lane, line=ln)
                new.own_name = any(not w.is_amount and not _PART.match(w.text) for w in ws[i:])
                if new.own_name or not inline:
                    settle(lane, rec)  # the lines above continued the row before
                else:
                    new.name, pending[lane] = "".join(pending[lane]), []  # …and began this one
                rec = new
                if len(code) == 3 and code not in seen_class:
                    rec.is_class = True
                    seen_class.add(code)
                recs.append(rec)
                current[lane] = rec
            elif rec is not None and _PART.match(ws[0].text) and len(rec.code) == 3 and not rec.is_class:
                rec.code += ws[0].text
                i = 1
            if rec is None:
                continue
            rest = ws[i:]
            if inline and i == 0 and rest and not any(w.is_amount or _PART.match(w.text) for w in rest):
                if rec.own_name or not rec.name and rec.is_class:
                    pending[lane].append("".join(w.text for w in rest))  # its row is told by the next code line
                else:
                    rec.name += "".join(w.text for w in rest)  # the end of a name centred on a bare code line
                continue
            for w in rest:
                if w.is_amount:
                    if rec.amount is None:
                        rec.amount = w.fen()
                elif not _PART.match(w.text):
                    rec.name += w.text
    for lane in ("left", "right"):
        settle(lane, current[lane])
    out = []
    for r in recs:
        name = r.name or (CLASSES.get(r.code, "") if r.is_class else "")
        out.append(
            {"code": r.code, "name": name, "amount": r.amount, "lane": r.lane, "line": r.line.line, "page": r.line.page}
        )
    return out + totals, []

"""Two-sided 决算 tables (收入支出决算总表, 财政拨款收入支出决算总表) and the 三公 table.

Row labels come from the template's vocabulary: a label wrapped over two lines is matched by its
beginning, its tail line ignored. In a PDF a word is on the income side when it lies left of the
first 决算数 header; in text the vocabulary tells the sides apart (总计 is income first).
"""

from __future__ import annotations

import itertools

from ... import lazyre
from ...document import Line
from .tokens import Word, has_geometry, is_layout, words

CATEGORIES = [
    "一般公共服务支出", "外交支出", "国防支出", "公共安全支出", "教育支出", "科学技术支出",
    "文化旅游体育与传媒支出", "社会保障和就业支出", "卫生健康支出", "节能环保支出", "城乡社区支出",
    "农林水支出", "交通运输支出", "资源勘探工业信息等支出", "商业服务业等支出", "金融支出",
    "援助其他地区支出", "自然资源海洋气象等支出", "住房保障支出", "粮油物资储备支出",
    "国有资本经营预算支出", "灾害防治及应急管理支出", "其他支出", "债务还本支出", "债务付息支出",
    "抗疫特别国债安排的支出",
]  # fmt: skip
SUMMARY_INCOME = [
    "一般公共预算财政拨款收入", "政府性基金预算财政拨款收入", "国有资本经营预算财政拨款收入", "上级补助收入",
    "事业收入", "经营收入", "附属单位上缴收入", "其他收入", "本年收入合计", "使用非财政拨款结余（含专用结余）",
    "年初结转和结余", "总计",
]  # fmt: skip
SUMMARY_EXPENDITURE = [*CATEGORIES, "本年支出合计", "结余分配", "年末结转和结余", "总计"]
FISCAL_INCOME = [
    "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款", "本年收入合计",
    "年初财政拨款结转和结余", "总计",
]  # fmt: skip
FISCAL_EXPENDITURE = [*CATEGORIES, "本年支出合计", "年末财政拨款结转和结余", "总计"]
FISCAL_COLUMNS = ["total", "general_public", "gov_fund", "soe_capital"]
_FISCAL_KEYS = {
    "total": ("合计",),
    "general_public": ("一般公共",),
    "gov_fund": ("政府性基",),
    "soe_capital": ("国有资本",),
}
_NUMBERING = lazyre.compile(r"^[一二三四五六七八九十]{1,3}[、.．]")
_ROW_STARTS = ("本年", "总计", "结余分配", "年初", "年末", "使用非财政")
_NUMERAL = lazyre.compile(r"^[一二三四五六七八九十]{1,3}[、.．]?$")
SANGONG_COLUMNS = ["total", "outbound", "vehicle_total", "vehicle_purchase", "vehicle_operation", "reception"]
_HALF_CENT = 5_000


_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}


def _number(text: str) -> int | None:
    """The value of a label's Chinese numbering (``二十一、`` -> 21), None without one."""
    m = _NUMBERING.match(text)
    if not m:
        return None
    n = m.group()[:-1]
    tens, _, ones = n.rpartition("十") if "十" in n else ("", "", n)
    value = (_DIGITS.get(tens, 1) * 10 if "十" in n else 0) + _DIGITS.get(ones, 0)
    return value or None


def _canonical(text: str, vocabulary: list[str], numbered: int | None = None) -> str | None:
    """The vocabulary item a label prints (its beginning, when wrapped); with `numbered`, a label
    numbered beyond that side's count of numbered items (二十一、 on a side of three) is none of it."""
    bare = _NUMBERING.sub("", text).strip("、")
    if len(bare) < 2:
        return None
    number = _number(text)
    if numbered is not None and number is not None and number > numbered:
        return None
    for item in vocabulary:
        if item == bare or (item.startswith(bare) and len(bare) >= 4) or bare.startswith(item):
            return item
    return None


def _labels(ws: list[Word]) -> list[tuple[str, list[Word], Word]]:
    """Label text, its amounts and its first word: consecutive text words form one label, unless a
    word starts a new numbered item (``八、``) or a total row."""
    out: list[tuple[str, list[Word], Word]] = []
    text: list[Word] = []
    for w in ws:
        if text and not w.is_amount and (_NUMBERING.match(w.text) or w.text.startswith(_ROW_STARTS)):
            out.append(("".join(t.text for t in text), [], text[0]))
            text = []
        if w.is_amount:
            if text:
                out.append(("".join(t.text for t in text), [w], text[0]))
                text = []
            elif out:
                out[-1][1].append(w)
        elif not (not text and _NUMERAL.match(w.text)):
            text.append(w)
    if text:
        out.append(("".join(t.text for t in text), [], text[0]))
    return out


def _split_x(lines: list[Line]) -> float | None:
    for ln in lines:
        for w in words(ln):
            if w.text == "决算数":
                return w.x1 + 5
    return None


def read_two_sided(lines: list[Line], income: list[str], expenditure: list[str], fiscal: bool) -> list[dict]:
    """Rows of a two-sided summary: side, item, money (fiscal: four expenditure columns)."""
    geometry = has_geometry(lines)
    split = _split_x(lines) if geometry else None
    anchors: dict[str, float] = {}
    if fiscal and geometry:
        from .coded import column_anchors

        anchors = column_anchors(lines[:8], _FISCAL_KEYS)
        anchors = {c: x for c, x in anchors.items() if split is None or x > split}
    records: list[dict] = []
    seen_total = {"income": False}
    opening = False
    start = next((i + 1 for i, ln in enumerate(lines[:12]) if "决算数" in ln.text.replace(" ", "")), 0)
    # the column headers may continue below the 决算数 line (一般公共预算 / 财 / 政拨款, one cell part
    # a line): the body starts at its first figure or numbered item
    body = next((i for i in range(start, min(start + 16, len(lines))) if _starts_body(lines[i])), None)
    start = body if body is not None else start
    numbered_income = income.index("本年收入合计") if "本年收入合计" in income else None
    layout = not geometry and is_layout(lines)
    if layout:
        split = _layout_split(lines[start:], income, expenditure)
    waiting: list[tuple[dict, str]] = []  # records of the previous line still without figures
    early: list[Word] = []  # layout text: a line of figures set above its labels' baseline
    short: tuple[dict, list[Word]] | None = None  # text: a fiscal row whose fund columns are missing
    for ln in lines[start:]:
        ws = words(ln)
        if ws and all(w.is_amount for w in ws) and waiting:
            # figures set off the baseline land on a line of their own (text extracted line by line)
            _late_figures(waiting, ws, anchors, fiscal)
            waiting = []
            continue
        if ws and all(w.is_amount for w in ws) and short is not None:
            # an expenditure row printed its 合计 only, its fund columns fell to the next line
            rec, got = short
            rec.update(_fiscal_values([*got, *ws], anchors))
            short = None
            continue
        short = None
        if layout and ws and all(w.is_amount for w in ws):
            early = ws
            continue
        if early and ws:
            ws = sorted([*ws, *early], key=lambda w: w.x0)  # back beside their labels, by column
            early = []
        waiting = []
        if split is not None:
            sides = [("income", [w for w in ws if w.x0 < split]), ("expenditure", [w for w in ws if w.x0 >= split])]
        else:
            sides = [("", ws)]
        for side_hint, part in sides:
            for text, amounts, _first in _labels(part):
                side = side_hint
                item = None
                if side in ("", "income"):
                    item = _canonical(text, income, numbered_income)
                    if item == "总计" and side == "" and seen_total["income"]:
                        item = None
                    if item is not None:
                        side = "income"
                if item is None and side in ("", "expenditure"):
                    item = _canonical(text, expenditure)
                    side = "expenditure" if item else side
                if item is None:
                    continue
                if side == "income" and item == "总计":
                    seen_total["income"] = True
                rec = {"side": side, "item": item, "line": ln.line, "page": ln.page}
                if fiscal:
                    rec["parent"] = None
                    if side == "income":
                        if item.startswith("年初"):
                            opening = True
                        elif opening and item in FISCAL_INCOME[:3]:
                            rec["parent"] = "年初财政拨款结转和结余"
                        rec.update(dict(zip(FISCAL_COLUMNS, [a.fen() for a in amounts[:1]])))
                    else:
                        rec.update(_fiscal_values(amounts, anchors))
                        if not geometry and len(amounts) == 1 and amounts[0].fen():
                            short = (rec, amounts)
                else:
                    rec["amount"] = amounts[0].fen() if amounts else None
                records.append(rec)
                if not amounts:
                    waiting.append((rec, side))
    return records


def _starts_body(ln: Line) -> bool:
    ws = words(ln)
    return bool(ws) and (
        any(w.is_amount for w in ws) or bool(_NUMBERING.match(ws[0].text)) or ws[0].text.startswith(_ROW_STARTS)
    )


def _layout_split(lines: list[Line], income: list[str], expenditure: list[str]) -> float | None:
    """Layout text: the column where the expenditure side starts (its labels' leftmost start), when
    every income label lies left of it."""
    exp_x, inc_x = [], []
    for ln in lines:
        for w in words(ln):
            if w.is_amount:
                continue
            if _canonical(w.text, expenditure) in CATEGORIES and w.x0 > 0:
                exp_x.append(w.x0)
            elif (item := _canonical(w.text, income)) is not None and item != "总计":
                inc_x.append(w.x0)
    if not exp_x:
        return None
    split = min(exp_x)
    return split if all(x < split for x in inc_x) else None


def _late_figures(waiting: list[tuple[dict, str]], ws: list[Word], anchors: dict[str, float], fiscal: bool) -> None:
    """Give a line of figures to the labels above it: one each, or the rest to the expenditure label."""
    groups: list[list[Word]]
    if len(waiting) == len(ws):
        groups = [[w] for w in ws]
    elif len(waiting) == 1:
        groups = [ws]
    elif fiscal and len(waiting) == 2 and waiting[0][1] == "income":
        groups = [ws[:1], ws[1:]]
    else:
        return
    for (rec, side), group in zip(waiting, groups):
        if not fiscal:
            rec["amount"] = group[0].fen()
        elif side == "income":
            rec["total"] = group[0].fen()
        else:
            rec.update(_fiscal_values(group, anchors))


def _fiscal_values(amounts: list[Word], anchors: dict[str, float]) -> dict[str, int]:
    if not amounts:
        return {}
    if anchors and len(anchors) >= 2:
        out: dict[str, int] = {}
        for w in amounts:
            col = min(anchors, key=lambda c: abs(anchors[c] - w.centre))
            out.setdefault(col, w.fen())
        return out
    figures = [w.fen() for w in amounts]
    for combo in itertools.combinations(FISCAL_COLUMNS[1:], len(figures) - 1):
        values = {"total": figures[0], **dict(zip(combo, figures[1:]))}
        if abs(figures[0] - sum(figures[1:])) <= _HALF_CENT * len(figures):
            return values
    return dict(zip(FISCAL_COLUMNS, figures))


def read_sangong(lines: list[Line]) -> tuple[list[dict], list[str]]:
    """The two rows (预算数, 决算数) of the 三公 table; a note when the figures cannot be placed."""
    header = None
    for ln in lines:
        ws = [w for w in words(ln) if w.text in ("预算数", "决算数")]
        if len(ws) >= 10:
            header = ws
            break
    values = [w for ln in lines for w in words(ln) if w.is_amount]
    placed: dict[tuple[str, str], int] = {}
    notes: list[str] = []
    if header is not None and has_geometry(lines):
        slots = []
        for i, w in enumerate(header[:12]):
            slots.append((w, SANGONG_COLUMNS[i // 2], "budget" if w.text == "预算数" else "final"))
        for v in values:
            w, col, stage = min(slots, key=lambda s: abs(s[0].centre - v.centre))
            placed[(stage, col)] = v.fen()
    elif values:
        order = [(s, c) for c in SANGONG_COLUMNS for s in ("budget", "final")]
        figures = [v.fen() for v in values]
        fits = []
        for combo in itertools.combinations(order, len(figures)) if len(figures) <= len(order) else ():
            got = dict(zip(combo, figures))
            if all(_sangong_ok(got, s) for s in ("budget", "final")):
                fits.append((combo, got))
        if len(fits) > 1 and header is not None and len(header) >= 12 and is_layout(lines):
            # layout text: of the placements the identities allow, the one nearest the header's columns
            centre = {(("budget" if w.text == "预算数" else "final"), SANGONG_COLUMNS[i // 2]): w.centre
                      for i, w in enumerate(header[:12])}  # fmt: skip
            far = [sum(abs(centre[slot] - v.centre) for slot, v in zip(combo, values)) for combo, _ in fits]
            best = min(far)
            if far.count(best) == 1:
                fits = [fits[far.index(best)]]
        if fits:
            placed = fits[0][1]
            if len(fits) > 1 and len(figures) < 12:
                notes.append(f"fa_sangong: {len(figures)} figures fit more than one placement; read in column order")
        else:
            placed = dict(zip(order, figures))
            notes.append("fa_sangong: the figures do not fit the table's identities in any placement")
    line = values[0].line if values else (lines[0] if lines else None)
    rows = []
    for stage in ("budget", "final"):
        rec = {"stage": stage, "line": line.line if line else None, "page": line.page if line else None}
        for c in SANGONG_COLUMNS:
            rec[c] = placed.get((stage, c))
        rows.append(rec)
    return rows, notes


def _sangong_ok(got: dict, stage: str) -> bool:
    v = {c: got.get((stage, c), 0) for c in SANGONG_COLUMNS}
    return (
        abs(v["total"] - v["outbound"] - v["vehicle_total"] - v["reception"]) <= 4 * _HALF_CENT
        and abs(v["vehicle_total"] - v["vehicle_purchase"] - v["vehicle_operation"]) <= 3 * _HALF_CENT
    )

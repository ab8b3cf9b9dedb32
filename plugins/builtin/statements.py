"""Statement rules: what the prose states about its own figures is true of those figures.

A stated change recomputed from the two amounts it compares (direction, percentage, 万元), a stated
share recomputed from its part and the table total, a reason that says the opposite of the change it
explains, and one numbered item that gives the same budget line two different amounts. Figures are
recomputed with Decimal; the tolerance is the rounding of what is printed (half a unit of the last
printed decimal of each figure, carried through the computation).
"""

from __future__ import annotations

import bisect
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from auditor import hookimpl, lazyre, numbering, rule
from auditor.money import UNIT_FEN
from auditor.rulekit import fact_records, fen_or_zero, is_missing, records, total_of
from auditor.text import NUMBER, read_number, snippet

CHANGES = {
    "regulation": "部门预算编制说明与预算表一致；增减变化按所列金额计算",
    "article": "CONSIST-010; DISCLOSURE-004",
    "confidence": "H",
    "sources": ["S2", "S5"],
}

_UNIT = r"万元|亿元|元"
_AMOUNT = lazyre.compile(
    rf"(?:(\d{{4}})\s*年(?:度)?(?:当年)?[^,;。\d]{{0,10}}?(?:执行数|预算数|决算数|预算安排|安排|预算)?(?:为|是)?\s*)?(?<![\d.,])({NUMBER})\s*({_UNIT})"
)
_CHANGE = lazyre.compile(
    rf"(?:比|较|与|同)\s*(?:上年|(\d{{4}})\s*年(?:度)?)[^,;。\d%]{{0,14}}?"
    rf"(增加|减少|增长|下降|上升|降低|持平|相同|不变|一致)(?:了)?\s*(?:({NUMBER})\s*(%|{_UNIT}))?"
)
_UP = ("增加", "增长", "上升")
_DOWN = ("减少", "下降", "降低")


def _yuan(value: Decimal, unit: str) -> Decimal:
    return value * Decimal(UNIT_FEN[unit]) / 100


def _half(printed: str, unit: str | None = None) -> Decimal:
    """Half a unit of the last printed digit (in 元 when a money unit is given)."""
    digits = re.sub(r"[\s,]", "", printed)
    dec = len(digits.split(".", 1)[1]) if "." in digits else 0
    half = Decimal(5) / (Decimal(10) ** (dec + 1))
    return _yuan(half, unit) if unit else half


def _direction(word: str) -> int:
    return 1 if word in _UP else -1 if word in _DOWN else 0


def _fmt(x: Decimal, places: int = 2) -> str:
    return f"{x:.{places}f}"


def _sentences(budget):
    for p in budget.paragraphs():
        norm = p.norm
        for s, e in p.sentences():
            yield p, norm, s, e


def _last(items: list, keep) -> Any:
    """The last item that `keep` accepts among the last few (a sentence compares nearby amounts)."""
    return next((a for a in reversed(items[-_NEARBY:]) if keep(a)), None)


_NEARBY = 24


def _amounts(norm: str, s: int, e: int):
    """(year or None, value in 元, printed, unit, start, end) of the money amounts in norm[s:e]."""
    out = []
    for m in _AMOUNT.finditer(norm, s, e):
        v, _ = read_number(m.group(2))
        if v is None:
            continue
        out.append(
            (int(m.group(1)) if m.group(1) else None, _yuan(v, m.group(3)), m.group(2), m.group(3), m.start(), m.end())
        )
    return out


@rule(
    "ST001",
    name="stated-change-matches-amounts",
    title="A stated change agrees with the two amounts it compares",
    severity="error",
    tags=["narrative", "year-over-year"],
    reference=CHANGES,
    description=(
        "Where one sentence gives last year's amount, this year's amount and the change between them "
        "(2023年当年预算执行数为60.13万元，2024年预算安排25.77万元，比2023年预算执行数减少57.14%), the change "
        "is recomputed: the direction (增加/减少/持平), the percentage within the rounding of every printed "
        "figure, and a change in 万元 against the difference. A percentage against a zero base is not checked."
    ),
    cases=[
        {
            "name": "agrees",
            "fires": 0,
            "budget": {
                "meta": {"year": 2024},
                "text": "1. “一般公共服务支出（类）统计信息事务（款）专项普查活动（项）”25.77万元，主要用于专项普查活动。2023年当年预算执行数为60.13万元，2024年预算安排25.77万元，比2023年预算执行数减少57.14%。",
            },
        },
        {
            "name": "wrong percentage",
            "fires": 1,
            "budget": {
                "meta": {"year": 2024},
                "text": "2023年当年预算执行数为60.13万元，2024年预算安排25.77万元，比2023年预算执行数减少51.74%。",
            },
        },
        {
            "name": "wrong direction",
            "fires": 1,
            "budget": {
                "meta": {"year": 2024},
                "text": "2023年当年预算执行数为60.13万元，2024年预算安排25.77万元，比2023年预算执行数增加57.14%。",
            },
        },
        {
            "name": "持平 with different amounts",
            "fires": 1,
            "budget": {
                "meta": {"year": 2024},
                "text": "2023年当年预算执行数为10.00万元，2024年预算安排12.00万元，比2023年预算执行数持平。",
            },
        },
        {
            "name": "增加 N万元 not the difference",
            "fires": 1,
            "budget": {
                "meta": {"year": 2024},
                "text": "2023年预算数为10.00万元，2024年预算数为12.00万元，比2023年预算增加3.00万元。",
            },
        },
    ],
)
def stated_change(budget, ctx):
    year = budget.meta.year
    heads: dict[int, list] = {}  # the headline amounts of the current paragraph
    for p, norm, s, e in _sentences(budget):
        sentence: list | None = None  # the sentence's amounts, read once however many changes it states
        for cm in _CHANGE.finditer(norm, s, e):
            cy = int(cm.group(1)) if cm.group(1) else (year - 1 if year else None)
            if sentence is None:
                sentence = _amounts(norm, s, e)
                ends = [a[5] for a in sentence]
            before = sentence[: bisect.bisect_right(ends, cm.start())]
            prior = _last(before, lambda a, cy=cy: a[0] is not None and a[0] == cy)
            current = _last(before, lambda a, cy=cy: a[0] is not None and a[0] != cy)
            if prior is None or current is None:
                continue
            candidates = [current]
            # the headline amount of a numbered item names the same budget line
            if id(p) not in heads:
                heads.clear()
                heads[id(p)] = _amounts(norm, 0, p.sentences()[0][1]) if numbering.parse(norm) else []
            head = heads[id(p)]
            if head and head[0][0] is None and head[0][4] < s:
                candidates.append(head[0])
            word = cm.group(2)
            stated_dir = _direction(word)
            problems = []
            for cur in candidates:
                problems.append(_check(prior, cur, stated_dir, cm))
            if any(pr is None for pr in problems):
                continue
            message, expected = problems[0]
            text = p.text[cm.start() : cm.end()]
            yield ctx.finding(
                f"“{text}”与所列金额不符：{prior[2]}{prior[3]}（{prior[0]}年）→ {candidates[0][2]}{candidates[0][3]}，{message}",
                expected=expected,
                actual=snippet(p.text, cm.start(), cm.end()),
                **p.where(cm.start()),
            )


def _check(prior, cur, stated_dir, cm):
    """None when the change agrees with the amounts, else (message, expected)."""
    p, c = prior[1], cur[1]
    hp, hc = _half(prior[2], prior[3]), _half(cur[2], cur[3])
    diff = c - p
    actual_dir = 1 if diff > 0 else -1 if diff < 0 else 0
    words = {1: "增加", -1: "减少", 0: "持平"}
    if stated_dir != actual_dir:
        if abs(diff) <= hp + hc and stated_dir == 0:
            return None  # equal within the printing
        return (f"实际为{words[actual_dir]}", words[actual_dir])
    if cm.group(3) is None or stated_dir == 0:
        return None
    stated, _ = read_number(cm.group(3))
    if stated is None:
        return None
    unit = cm.group(4)
    if unit == "%":
        if p <= 0:
            return None  # no percentage against a zero base
        hs = _half(cm.group(3))
        lo = (abs(diff) - hp - hc) / (p + hp) * 100
        hi = (abs(diff) + hp + hc) / max(p - hp, Decimal("0.000001")) * 100
        if lo - hs <= stated <= hi + hs:
            return None
        exact = abs(diff) / p * 100
        return (f"按所列金额计算为{words[actual_dir]}{_fmt(exact)}%", f"{_fmt(exact)}%")
    stated_yuan = _yuan(stated, unit)
    hs = _half(cm.group(3), unit)
    if abs(stated_yuan - abs(diff)) <= hp + hc + hs:
        return None
    shown = abs(diff) / (Decimal(UNIT_FEN[unit]) / 100)
    return (f"按所列金额计算为{words[actual_dir]}{_fmt(shown)}{unit}", f"{_fmt(shown)}{unit}")


# --- ST002 stated shares ---------------------------------------------------------------------------

_SHARE = lazyre.compile(rf"占\s*([^,;。\d%]{{0,24}}?)(?:的)?(?:比例|比重)?(?:为|是|约)?\s*({NUMBER})\s*%")


def _fs(budget, side, word):
    fs = budget.table("fiscal_summary")
    if fs.empty:
        return None
    rows = fs[(fs["side"] == side) & fs["item"].astype(str).str.contains(word)]
    return None if rows.empty else fen_or_zero(rows.iloc[0]["amount"])


def _summary(budget, column):
    tr = total_of(budget, "expenditure_summary")
    return None if tr is None else fen_or_zero(tr[column])


def _fact_total(budget, key):
    rows = fact_records(budget, key)
    if not rows or is_missing(rows[0].get("amount")):
        return None
    return int(rows[0]["amount"])


#: label in the 占…% phrase -> (name, how to read the total in fen)
_TOTALS = [
    (r"项目支出", "项目支出", lambda b: _summary(b, "project")),
    (r"基本支出", "基本支出", lambda b: _summary(b, "basic")),
    (r"政府采购", "政府采购预算", lambda b: _fact_total(b, "procurement_total")),
    (r"中小企业", "面向中小企业预留金额", lambda b: _fact_total(b, "sme_reserved")),
    (
        r"一般公共预算",
        "一般公共预算支出",
        lambda b: (lambda t: None if t is None else fen_or_zero(t["total"]))(total_of(b, "gpb_function")),
    ),
    (r"财政拨款", "财政拨款收入", lambda b: _fs(b, "income", "财政拨款")),
    (r"收入", "收入总计", lambda b: _fs(b, "income", "收入总计")),
    (r"支出", "支出总计", lambda b: _fs(b, "expenditure", "支出总计")),
]


@rule(
    "ST002",
    name="stated-share-matches-total",
    title="A stated share (占 X%) agrees with its part and the total the tables give",
    severity="error",
    tags=["narrative", "cross-table"],
    reference=CHANGES,
    description=(
        "“项目支出5,000.00万元，占支出总额的25.00%”: the part is the amount stated before 占 in the sentence, "
        "the total is read from the tables (支出总计, 项目支出, 基本支出, 一般公共预算) or from the stated "
        "procurement totals; the share is recomputed within the rounding of the printed figures."
    ),
    cases=[
        {
            "name": "agrees",
            "fires": 0,
            "budget": {
                "tables": {"fiscal_summary": [{"side": "expenditure", "item": "支出总计", "amount": "200000000.00"}]},
                "text": "项目支出5,000.00万元，占支出总额的25.00%。",
            },
        },
        {
            "name": "wrong share",
            "fires": 1,
            "budget": {
                "tables": {"fiscal_summary": [{"side": "expenditure", "item": "支出总计", "amount": "200000000.00"}]},
                "text": "项目支出5,000.00万元，占支出总额的52.00%。",
            },
        },
    ],
)
def stated_share(budget, ctx):
    for p, norm, s, e in _sentences(budget):
        for m in _SHARE.finditer(norm, s, e):
            parts = _amounts(norm, s, m.start())
            if not parts:
                continue
            part = parts[-1]
            label = m.group(1)
            total_fen = None
            name = None
            for pat, nm, read in _TOTALS:
                if re.search(pat, label):
                    total_fen, name = read(budget), nm
                    break
            if not total_fen:
                continue
            total = Decimal(total_fen) / 100
            stated, _ = read_number(m.group(2))
            if stated is None:
                continue
            hp, hs = _half(part[2], part[3]), _half(m.group(2))
            lo = (part[1] - hp) / total * 100
            hi = (part[1] + hp) / total * 100
            if lo - hs <= stated <= hi + hs:
                continue
            exact = part[1] / total * 100
            yield ctx.finding(
                f"“{p.text[m.start() : m.end()]}”不符：{part[2]}{part[3]} ÷ {name} {_fmt(total)}元 = {_fmt(exact)}%",
                expected=f"{_fmt(exact)}%",
                actual=snippet(p.text, m.start(), m.end()),
                **p.where(m.start()),
            )


# --- ST003 reason against direction ------------------------------------------------------------------

_REASON = lazyre.compile(r"主要原因(?:是|为)?\s*[:]?\s*([^。;]*)")
_REASON_DIR = lazyre.compile(r"(增加|增长|上升|提高|减少|下降|降低|压减|缩减|不变|持平)(?:所致|导致|等)?$")
_LEAD_DIR = lazyre.compile(r"(增加|减少|增长|下降|持平|不变)的$")


@rule(
    "ST003",
    name="reason-contradicts-change",
    title="The reason given says the opposite of the change it explains",
    severity="warning",
    tags=["narrative", "year-over-year"],
    reference=CHANGES,
    description=(
        "“比2023年预算执行数减少2.98%。主要原因是：宣传事务一般行政管理事务经费增加。” The reason's last clause "
        "ends with a direction (增加/减少/保持不变) opposite to the change stated just before it. Usually a copied "
        "reason; a warning, since the figures themselves may be right."
    ),
    cases=[
        {
            "name": "agrees",
            "fires": 0,
            "budget": {"text": "2024年预算安排110.60万元，比2023年预算执行数减少2.98%。主要原因是：宣传事务经费减少。"},
        },
        {
            "name": "opposite",
            "fires": 1,
            "budget": {"text": "2024年预算安排110.60万元，比2023年预算执行数减少2.98%。主要原因是：宣传事务经费增加。"},
        },
        {
            "name": "no direction in reason",
            "fires": 0,
            "budget": {"text": "2024年预算安排110.60万元，比2023年预算执行数减少2.98%。主要原因是：项目调整。"},
        },
    ],
)
def reason_direction(budget, ctx):
    words = {1: "增加", -1: "减少", 0: "持平"}
    for p in budget.paragraphs():
        norm = p.norm
        changes = [(m.start(), _direction(m.group(2))) for m in _CHANGE.finditer(norm)]
        for rm in _REASON.finditer(norm):
            lead = _LEAD_DIR.search(norm[: rm.start()])
            if lead:
                stated = _direction(lead.group(1))
            else:
                before = [d for pos, d in changes if pos < rm.start()]
                if not before:
                    continue
                stated = before[-1]
            reason = rm.group(1).strip()
            last = re.split(r"[,，、]", reason)[-1].strip()
            dm = _REASON_DIR.search(last)
            if not dm:
                continue
            said = (
                _direction(dm.group(1))
                if dm.group(1) in _UP + _DOWN
                else (1 if dm.group(1) == "提高" else -1 if dm.group(1) in ("压减", "缩减") else 0)
            )
            if said == stated:
                continue
            yield ctx.finding(
                f"原因与增减方向矛盾：说明为{words[stated]}，原因却称“{last}”",
                expected=words[stated],
                actual=snippet(p.text, rm.start(), rm.end(), pad=20),
                **p.where(rm.start()),
            )


# --- ST004 one item, two amounts ----------------------------------------------------------------------


#: The sections that may state one figure twice, and the fact keys that are not such figures.
_TWICE_SECTIONS = {"sangong_notes", "operating_notes", "procurement_notes", "budget_notes"}
_NOT_TWICE = lazyre.compile("item|_change|reason|vehicles|units|date|project|kpi_")


def _dec(fact):
    v = fact.get("value")
    if is_missing(v) or is_missing(fact.get("unit")) or fact.get("unit") not in UNIT_FEN:
        return None
    try:
        d = Decimal(str(v))
    except InvalidOperation:  # a value that is not a figure (a hand-edited export): nothing to compare
        return None
    if not d.is_finite() or d.adjusted() > 18:  # beyond any printed figure (1e999999 overflows arithmetic)
        return None
    return _yuan(d, fact["unit"]), _half(str(v), fact["unit"])


@rule(
    "ST004",
    name="one-item-two-amounts",
    title="One numbered item (or one 其他相关情况说明 paragraph) gives the same budget line two amounts",
    severity="error",
    tags=["narrative"],
    reference=CHANGES,
    description=(
        "An item of 财政拨款支出主要内容 opens with its amount (“住房公积金（项）”350.35万元) and may repeat it as "
        "this year's budget (2024年预算安排352.67万元); a 其他相关情况说明 part may state the same figure "
        "(三公经费, 机关运行经费, 政府采购预算…) twice. The copies must agree within their printed rounding."
    ),
    cases=[
        {
            "name": "same",
            "fires": 0,
            "budget": {
                "facts": [
                    {"key": "item", "item_no": 31, "value": "350.35", "unit": "万元"},
                    {"key": "item_budget", "item_no": 31, "value": "350.35", "unit": "万元"},
                ]
            },
        },
        {
            "name": "differs",
            "fires": 1,
            "budget": {
                "facts": [
                    {"key": "item", "item_no": 31, "value": "350.35", "unit": "万元"},
                    {"key": "item_budget", "item_no": 31, "value": "352.67", "unit": "万元"},
                ]
            },
        },
    ],
)
def two_amounts(budget, ctx):
    facts = records(budget, "facts")  # rows as dicts, once per audit: no pandas per row
    if not facts:
        return
    groups = []
    items: dict = {}
    for r in facts:
        if r["key"] in ("item", "item_budget") and not is_missing(r.get("item_no")):
            items.setdefault(r["item_no"], []).append(r)
    for no in sorted(items):
        groups.append((f"第{int(no)}项", items[no]))
    other: dict = {}
    for r in facts:
        if isinstance(r["key"], str) and r.get("section") in _TWICE_SECTIONS and not _NOT_TWICE.search(r["key"]):
            other.setdefault((r["section"], r["key"]), []).append(r)
    for section_key in sorted(other):
        if len(other[section_key]) > 1:
            groups.append((str(section_key[1]), other[section_key]))
    for label, g in groups:
        rows = [(r, _dec(r)) for r in g]
        rows = [(r, d) for r, d in rows if d is not None]
        if len(rows) < 2:
            continue
        first, (v0, h0) = rows[0]
        for r, (v, h) in rows[1:]:
            if abs(v - v0) <= h + h0:
                continue
            subject = first.get("subject") if "subject" in first and not is_missing(first.get("subject")) else None
            yield ctx.finding(
                f"同一{'科目' if subject else '项目'}{label}{'“' + subject + '”' if subject else ''}前后金额不一致："
                f"{first['value']}{first['unit']} 与 {r['value']}{r['unit']}",
                expected=f"{first['value']}{first['unit']}",
                actual=str(r.get("text") or r["value"]),
                table="facts",
                row=str(r["key"]),
                line=None if is_missing(r.get("line")) else int(r["line"]),
                page=None if is_missing(r.get("page")) else int(r["page"]),
            )


@hookimpl
def auditor_register_rules():
    return [stated_change, stated_share, reason_direction, two_amounts]

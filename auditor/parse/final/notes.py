"""The facts of a 决算's 情况说明 (第三部分 一 … 十一): amounts, shares, rates, changes and their reasons.

Each section's lines are joined with their spaces removed (the text wraps mid-sentence and
mid-number), keeping a map from each character back to its line. Facts are read by the template's
sentence patterns; a pattern that does not match whole yields no fact, so a sentence an extractor
scrambled (lines set off the baseline come out of order) is missed rather than misread.

Every fact is a row of the ``facts`` frame: ``key`` (below), ``value`` as printed, ``unit``
(``万元``, ``%``, ``个``, ``辆``, ``台``, or None for words), ``amount`` (fen, money only), ``section``
and extras: ``base`` (the fact key a share or rate is of), ``direction`` (增加/减少/持平, 大于/小于/
持平/基本持平, or the rate's 增长/下降), ``compare_year`` and ``reason`` (the stated reason, "" when
the sentence says 主要原因 and gives none).

Keys: ``total`` (一 收入支出总计), ``fiscal_total`` (四), ``gpb_total`` (五), ``operating_expenses``
(十一（一）), ``sangong_final``; each with ``<key>_change`` (Δ万元) and ``<key>_change_pct`` (%) when a
change on last year is stated. ``income_total`` and ``income:<source>`` (二, with ``share`` facts
``share:income:<source>``), ``expenditure_total`` and ``expenditure:<kind>`` (三), ``gpb_share`` (五
（一）of 本年支出合计), ``gpb_class:<类>`` and ``share:gpb_class:<类>`` (五（二）), ``gpb_budget`` /
``gpb_final`` / ``gpb_rate`` / ``gpb_comparison`` (五（三）), ``basic_total`` / ``personnel`` /
``public`` (六), ``sangong_budget`` / ``sangong_final`` / ``sangong_rate`` / ``sangong_comparison``,
``sangong:<item>`` and ``sangong_rate:<item>`` (items ``outbound``, ``vehicle_total``,
``reception``) with ``sangong:<item>_change`` / ``_change_pct``, ``sangong_detail:<item>`` (七（二）, also
``vehicle_purchase`` / ``vehicle_operation``), ``sangong_none`` (七), ``procurement:<part>`` (十一（二）: total, goods, works, services, sme_reserved,
small_reserved, sme_awarded, small_awarded, other_awarded), ``vehicles`` /
``vehicles:<category>`` / ``equipment_100w`` / ``assets_year`` (十一（三）) and ``perf:<count>`` (十).
``<fund>_none`` (“无…预算财政拨款收入和支出”) or ``<fund>_income`` / ``<fund>_expenditure`` (八
``gov_fund``, 九 ``soe_capital``). The 五（三）items, and those of 八 and 九, go to ``fa_items``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ... import lazyre
from ...document import Document, Line
from ...money import decimal_to_fen
from .structure import Structure, section_spans

N = r"(\d[\d,]*(?:\.\d+)?)"
_WS = lazyre.compile(r"[\s\u3000]+")
_C = r"[，,]"  # a comma, either width


@dataclass
class Text:
    """A section's lines joined without spaces; ``line_at(i)`` is the source line of character i."""

    section: str
    text: str = ""
    starts: list[int] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)

    @classmethod
    def of(cls, section: str, lines: list[Line]) -> Text:
        t = cls(section)
        parts = []
        offset = 0
        for ln, text in _figures_put_back(lines):
            body = _WS.sub("", text)
            if not body:
                continue
            t.starts.append(offset)
            t.lines.append(ln)
            parts.append(body)
            offset += len(body)
        t.text = "".join(parts)
        return t

    def line_at(self, i: int) -> Line | None:
        if not self.lines:
            return None
        return self.lines[max(0, bisect.bisect_right(self.starts, i) - 1)]


_FIGURE_LINE = lazyre.compile(r"^\s*(?:-?\d[\d,]*(?:\.\d+)?[%％]?\s+)*-?\d[\d,]*(?:\.\d+)?[%％]?\s*$")
_GAP = lazyre.compile(r"(?<=\S)[ \u3000]+(?=\S)")
_UNIT_FIRST = lazyre.compile(r"^(?:万元|%|％|个|辆|台|人次|批次)")
_FIGURE_NEXT = lazyre.compile(r"(?:占|为|计|额|增加|减少|增长|下降|收入|支出|决算|预算|的)$")


def _figures_put_back(lines: list[Line]) -> list[tuple[Line, str]]:
    """(line, text) of a section, with figures an extractor set on a line of their own put back.

    Figures set slightly off the baseline (another font) come out of some extractors (pdfplumber at
    its default tolerance) on a line of their own after the sentence, which keeps a gap where each
    stood: ``本年收入合计 万元，其中：财政拨款收入 万元，占 ；`` then ``2946.25 2940.05 99.79%``. When
    a line holds only figures and the line before it has exactly as many places for them (its gaps,
    its start when it begins with a unit such as 万元, its end when it ends with a word a figure
    follows, such as 占 or 为) and one way only to fit them, the figures go back in order; otherwise
    both lines stay as they are (a sentence left unread, not misread).
    """
    out: list[tuple[Line, str]] = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if nxt is not None and _FIGURE_LINE.match(nxt.text) and not _FIGURE_LINE.match(ln.text):
            figures = nxt.text.split()
            body = ln.text.strip()
            # where the figures stood: the gaps, and the line's start (when it begins with a unit) and end
            # (when it ends with a word a figure follows)
            gaps = [(g.start(), g.end()) for g in _GAP.finditer(body)]
            ways = {
                (lead, trail)
                for lead in {False, bool(_UNIT_FIRST.match(body))}
                for trail in {False, bool(_FIGURE_NEXT.search(body))}
                if len(gaps) + lead + trail == len(figures)
            }
            if len(ways) == 1:  # one way only for the figures to fit
                lead, trail = ways.pop()
                slots = [(0, 0)] * lead + gaps + [(len(body), len(body))] * trail
                text, last = [], 0
                for (start, end), figure in zip(slots, figures, strict=True):
                    text += [body[last:start], figure]
                    last = end
                out.append((ln, "".join(text) + body[last:]))
                i += 2
                continue
        out.append((ln, ln.text))
        i += 1
    return out


class Sink:
    def __init__(self) -> None:
        self.facts: list[dict[str, Any]] = []

    def add(self, t: Text, key: str, m: re.Match, group: int | str, unit: str | None, **extra: Any) -> dict:
        value = m.group(group)
        start = m.start(group) if value is not None else m.start()
        ln = t.line_at(start)
        amount = None
        if unit == "万元" and value is not None:
            amount = decimal_to_fen(Decimal(value.replace(",", "")), "万元")
        rec = {
            "key": key,
            "text": m.group(0)[:200].lstrip("，,；;：:。"),
            "value": None if value is None else value.replace(",", ""),
            "unit": unit,
            "amount": amount,
            "section": t.section,
            "malformed": False,
            "likely": None,
            "line": ln.line if ln else None,
            "page": ln.page if ln else None,
            **extra,
        }
        self.facts.append(rec)
        return rec


# --- changes on last year ------------------------------------------------------------------------

_CHANGE = lazyre.compile(
    rf"(?:与|比|较|同)(?:上年|上一年度|(\d{{4}})年度?)(?:相比)?{_C}?[^。；;]{{0,24}}?"
    rf"(?:(?<![增减])(增加|减少)(?:了)?{N}万元(?:{_C}?(?<![增减])(增长|下降|上升|降低)(?:[（(][^）)]{{0,4}}[）)])?{N}(%|％)?)?"
    rf"|(持平|相同|一致|不变))"
)
_REASON = lazyre.compile(r"主要原因(?:是|为)?[：:]?([^。]*)")


def _reason_after(text: str, pos: int, limit: int = 80) -> str | None:
    """The reason stated right after `pos` ("" when 主要原因 is printed with none), None if none is."""
    at = text.find("主要原因", pos, min(len(text), pos + limit))
    m = _REASON.match(text, at) if at != -1 else None
    if not m:
        return None
    return m.group(1).strip("，,；; ")


def change_after(sink: Sink, t: Text, key: str, pos: int, window: int = 60, reasons: int = 80) -> int:
    """Read a change on last year stated within `window` characters after `pos` (the end of the
    figure it is about) into ``<key>_change`` / ``<key>_change_pct``; returns where it ended."""
    m = _CHANGE.search(t.text, pos, min(len(t.text), pos + window))
    if not m:
        return pos
    year = int(m.group(1)) if m.group(1) else None
    reason = _reason_after(t.text, m.end(), reasons)
    if m.group(7):
        sink.add(t, f"{key}_change", m, 7, None, direction="持平", compare_year=year, reason=reason)
    elif m.group(2):
        sink.add(t, f"{key}_change", m, 3, "万元", direction=m.group(2), compare_year=year, reason=reason)
        if m.group(5):
            sink.add(t, f"{key}_change_pct", m, 5, "%" if m.group(6) else None, direction=m.group(4),
                     base=key, compare_year=year)  # fmt: skip
    return m.end()


# --- section readers -----------------------------------------------------------------------------

_INCOME_SOURCES = ("财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入")
_EXPENDITURE_KINDS = ("基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出")
_SHARE = rf"万元{_C}?占(?:本年[收支][入出]合计的)?{N}(%|％)?"


def _shares(sink: Sink, t: Text, pos: int, prefix: str, names: tuple[str, ...], base: str) -> None:
    alt = "|".join(names)
    for m in re.compile(rf"(?<![\u4e00-\u9fa5])({alt}){N}(?:{_SHARE})?").finditer(t.text, pos):
        key = f"{prefix}:{m.group(1)}"
        sink.add(t, key, m, 2, "万元")
        if m.group(3):
            sink.add(t, f"share:{key}", m, 3, "%" if m.group(4) else None, base=base, of=key)


#: section -> (the total's label, its fact key, (prefix, the parts whose shares follow) or None for a
#: change on last year after it)
_TOTALS = {
    "fa_n1": ("(?<!财政拨款)收入支出总计", "total", None),
    "fa_n2": ("本年收入合计", "income_total", ("income", _INCOME_SOURCES)),
    "fa_n3": ("本年支出合计", "expenditure_total", ("expenditure", _EXPENDITURE_KINDS)),
    "fa_n4": ("财政拨款收入支出总计", "fiscal_total", None),
}


def _total(sink: Sink, t: Text) -> None:
    """一 … 四: a total, then either its parts with their shares or its change on last year."""
    label, key, parts = _TOTALS[t.section]
    m = re.search(rf"{label}(?:为)?{N}万元", t.text)
    if not m:
        return
    sink.add(t, key, m, 1, "万元")
    if parts is None:
        change_after(sink, t, key, m.end())
    else:
        _shares(sink, t, m.end(), parts[0], parts[1], key)


_CLASS = lazyre.compile(
    rf"(?:^|[；;。：:])(?:\d{{1,2}}[.、．])?[“\"]?([\u4e00-\u9fa5]{{2,16}}?)[”\"]?(?:[（(]类[)）])?{N}万元(?:{_C}?占{N}(%|％)?)?"
)
_BUDGET_FINAL = lazyre.compile(
    rf"(年初|全年)预算(?:数)?为{N}万元{_C}?(?:支出)?决算(?:数)?为{N}万元"
    rf"(?:{_C}?完成(?:年初|全年)?预算的{N}(%|％)?)?"
)
_COMPARISON = lazyre.compile(
    r"决算数(大于|小于|等于)(?:[（(][大小]于[)）])?预算数|决算数(?:与|同|和)预算数(基本持平|持平|相同|一致)"
)


def comparison(sink: Sink | None, t: Text, key: str, pos: int, stop: int) -> tuple[str | None, str | None]:
    """(word, reason) of the first 决算数 … 预算数 comparison in t.text[pos:stop], added as fact `key`."""
    m = _COMPARISON.search(t.text, pos, stop)
    if not m:  # no comparison word read (大小于 …: FA017's): a reason stated is still one
        at = t.text.find("主要原因", pos, stop)
        return None, (_reason_after(t.text, at, 40) if at != -1 else None)
    word = m.group(1) or m.group(2)
    word = "持平" if word in ("相同", "一致", "等于") else word
    reason = _reason_after(t.text, m.end(), 40)
    if sink is not None:
        sink.add(t, key, m, 1 if m.group(1) else 2, None, direction=word, reason=reason)
    return word, reason


def _n5(sink: Sink, t: Text, items: list[dict]) -> None:
    text = t.text
    m = re.search(rf"一般公共预算财政拨款支出(?:决算)?(?:为)?{N}万元{_C}?占本年支出合计的{N}(%|％)?", text)
    if m:
        sink.add(t, "gpb_total", m, 1, "万元")
        sink.add(t, "gpb_share", m, 2, "%" if m.group(3) else None, base="expenditure_total", of="gpb_total")
        change_after(sink, t, "gpb_total", m.end())
    s = re.search(rf"一般公共预算财政拨款支出{N}万元{_C}?主要用于(?:以下方面)?[：:]", text)
    stop = text.find("年初预算", s.end()) if s else -1
    if s:
        sink.add(t, "gpb_structure_total", s, 1, "万元")
        end = stop if stop != -1 else len(text)
        for c in _CLASS.finditer(text, s.end() - 1, end):
            name = c.group(1)
            if name.endswith("支出") or "支出" not in name:
                key = f"gpb_class:{name}"
                sink.add(t, key, c, 2, "万元")
                if c.group(3):  # extracted text may set a line's share apart from its amount
                    sink.add(t, f"share:{key}", c, 3, "%" if c.group(4) else None, base="gpb_structure_total", of=key)
    b = _BUDGET_FINAL.search(text, s.end() if s else 0)
    if b and "一般公共预算财政拨款支出" in text[max(0, b.start() - 20) : b.start()]:
        _budget_final(sink, t, b, "gpb")
        first_item = _ITEM.search(text, b.end())
        comparison(sink, t, "gpb_comparison", b.end(), first_item.start() if first_item else len(text))
        _items(t, b.end(), items)


def _budget_final(sink: Sink, t: Text, m: re.Match, prefix: str) -> None:
    sink.add(t, f"{prefix}_budget", m, 2, "万元", budget_kind=m.group(1))
    sink.add(t, f"{prefix}_final", m, 3, "万元")
    if m.group(4):
        sink.add(t, f"{prefix}_rate", m, 4, "%" if m.group(5) else None, base=f"{prefix}_budget", of=f"{prefix}_final")


_ITEM = lazyre.compile(
    r"(?:^|[。：:；;])(\d{1,2})[、.．]([\u4e00-\u9fa5“”]{2,24})[（(]类[)）]"
    r"(?:([\u4e00-\u9fa5“”、]{2,30})[（(]款[)）])?(?:([\u4e00-\u9fa5“”、（）()]{2,40}?)[（(]项[)）])?"
)
_AMOUNT_AFTER = lazyre.compile(rf"^{N}万元")


def _items(t: Text, pos: int, items: list[dict]) -> None:
    """The 五（三）items: 1、<类>（类）<款>（款）<项>（项）。主要用于：… 年初预算为 … 支出决算为 …"""
    text = t.text
    found = list(_ITEM.finditer(text, pos))
    for n, m in enumerate(found):
        end = found[n + 1].start() + 1 if n + 1 < len(found) else len(text)
        body = text[m.end() : end]
        ln = t.line_at(m.start(1))
        rec: dict[str, Any] = {
            "code": None, "lei": m.group(2), "kuan": m.group(3), "xiang": m.group(4), "purpose": None,
            "budget": None, "budget_kind": None, "final": None, "heading_amount": None, "completion_rate": None,
            "comparison": None, "reason": None, "section": t.section, "number": int(m.group(1)),
            "line": ln.line if ln else None, "page": ln.page if ln else None,
        }  # fmt: skip
        head = _AMOUNT_AFTER.match(body)
        if head:
            rec["heading_amount"] = decimal_to_fen(Decimal(head.group(1).replace(",", "")), "万元")
        p = re.search(r"主要用于[：:]?([^。]*)", body)
        if p:
            rec["purpose"] = p.group(1)
        b = _BUDGET_FINAL.search(body)
        if b and body.count("年初预算") + body.count("全年预算") <= 2:
            rec["budget_kind"] = b.group(1)
            rec["budget"] = decimal_to_fen(Decimal(b.group(2).replace(",", "")), "万元")
            rec["final"] = decimal_to_fen(Decimal(b.group(3).replace(",", "")), "万元")
            rec["budget_text"], rec["final_text"] = b.group(2), b.group(3)
            if b.group(4):
                rec["completion_rate"] = b.group(4)
        rec["comparison"], rec["reason"] = comparison(None, t, "", m.end(), end)
        items.append(rec)


_SANGONG_ITEMS = {
    "outbound": r"因公出国[（(]境[)）]费",
    "vehicle_total": r"公务用车购置及运行(?:维护)?费",
    "reception": r"公务接待费",
}


#: the counts 七（二）gives for each 三公 item with spending
_SANGONG_COUNTS = {
    "groups": r"团组(\d+)个",
    "trips_persons": r"团组\d+个[、，,]?(?:累计)?(\d+)人次",
    "purchased": r"购置(?:公务用车|车辆)?(\d+)辆",
    "fleet": r"保有量(?:为)?(\d+)辆",
    "reception_batches": r"接待(\d+)批次",
    "reception_persons": r"接待\d+批次[、，,]?(\d+)人次",
}


#: 七（二）'s amount of each item (numbered 1、2、3、) and of the vehicles' purchase and operation
_SANGONG_DETAILS = {
    **{k: rf"(?:^|[。：:；;])\d[、.．]{p}(?:支出)?(?:决算)?(?:为)?{N}万元" for k, p in _SANGONG_ITEMS.items()},
    "vehicle_purchase": rf"公务用车购置(?:支出|费)?(?:决算)?(?:为)?{N}万元",
    "vehicle_operation": rf"公务用车运行(?:维护)?(?:支出|费)?(?:决算)?(?:为)?{N}万元",
}


def _sangong_item_changes(sink: Sink, t: Text, pos: int) -> None:
    """七（一）'s change of each item on last year, after the total's: 其中：因公出国（境）费支出与上一年度持平；
    …公务接待费支出决算减少0.15万元，下降27.78%. Read into ``sangong:<item>_change`` / ``_change_pct``."""
    stop = t.text.find("（二）", pos)
    stop = min(len(t.text), pos + 300) if stop == -1 else stop
    for item, pat in _SANGONG_ITEMS.items():
        m = re.compile(
            rf"{pat}(?:支出)?(?:决算)?(?:数)?(?:(?:与|比|较)上一?年度?(?:相比)?)?{_C}?"
            rf"(?:(增加|减少)了?{N}万元(?:{_C}?(增长|下降)(?:[（(][^）)]{{0,4}}[）)])?{N}(%|％)?)?|(持平))"
        ).search(t.text, pos, stop)
        if not m:
            continue
        key = f"sangong:{item}"
        if m.group(6):
            sink.add(t, f"{key}_change", m, 6, None, direction="持平")
            continue
        sink.add(t, f"{key}_change", m, 2, "万元", direction=m.group(1), reason=_reason_after(t.text, m.end(), 160))
        if m.group(4):
            sink.add(t, f"{key}_change_pct", m, 4, "%" if m.group(5) else None, direction=m.group(3), base=key)


def _n7(sink: Sink, t: Text) -> None:
    text = t.text
    m = re.search(
        rf"[“\"]三公[”\"]经费财政拨款支出年初预算为{N}万元{_C}?支出决算为{N}万元(?:{_C}?完成(?:年初)?预算的{N}(%|％)?)?",
        text,
    )
    if m:
        sink.add(t, "sangong_budget", m, 1, "万元")
        sink.add(t, "sangong_final", m, 2, "万元")
        if m.group(3):
            sink.add(t, "sangong_rate", m, 3, "%" if m.group(4) else None, base="sangong_budget", of="sangong_final")
        stop = text.find("。", m.end())
        for item, pat in _SANGONG_ITEMS.items():
            i = re.compile(rf"{pat}(?:支出)?决算(?:数)?为{N}万元(?:{_C}?完成(?:年初)?预算的{N}(%|％)?)?").search(
                text, m.end(), stop if stop != -1 else len(text)
            )
            if i:
                sink.add(t, f"sangong:{item}", i, 1, "万元")
                if i.group(2):
                    sink.add(t, f"sangong_rate:{item}", i, 2, "%" if i.group(3) else None, item=item)
        comparison(sink, t, "sangong_comparison", m.end(), min(len(text), m.end() + 300))
    y = re.search(r"[“\"]三公[”\"]经费(?:财政拨款)?支出决算(?:数)?(?=与|比|较)", text)
    if y:
        # the reason may follow the items' changes (公务接待费支出减少的主要原因是…)
        after = change_after(sink, t, "sangong_final", y.end(), 50, reasons=240)
        _sangong_item_changes(sink, t, after)
    for item, pat in _SANGONG_ITEMS.items():  # (二): each item's share of the 三公 决算
        i = re.compile(rf"{pat}(?:支出)?决算{N}万元{_C}?占{N}(%|％)?").search(text)
        if i:
            sink.add(t, f"sangong_detail:{item}", i, 1, "万元")
            sink.add(t, f"share:sangong_detail:{item}", i, 2, "%" if i.group(3) else None, base="sangong_final",
                     of=f"sangong_detail:{item}")  # fmt: skip
    for item, pat in _SANGONG_DETAILS.items():  # (二): 1、因公出国（境）费支出0.00万元 … and the vehicles' two parts
        i = re.compile(pat).search(text)
        if i:
            sink.add(t, f"sangong_detail:{item}", i, 1, "万元")
    for key, pat in _SANGONG_COUNTS.items():  # (二): trips, vehicles and receptions
        c = re.search(pat, text)
        if c:
            sink.add(t, f"sangong_count:{key}", c, 1, None)
    none = re.search(r"\d{4}年度?无[“\"]三公[”\"]经费(?:财政拨款)?支出", text)
    if none:
        sink.add(t, "sangong_none", none, 0, None)


def _n6(sink: Sink, t: Text) -> None:
    for key, pat in (("basic_total", "基本支出"), ("personnel", "人员经费"), ("public", "公用经费")):
        m = re.search(rf"{pat}(?:为)?{N}万元", t.text)
        if m:
            sink.add(t, key, m, 1, "万元")
            # what it mainly consists of: 主要包括：基本工资、津贴补贴…；
            items = re.compile(r"[，,]?主要包括[：:]([^；;。]{2,400})").match(t.text, m.end())
            if items:
                sink.add(t, f"{key}_items", items, 1, None, of=key)


def _operating(sink: Sink, t: Text) -> None:
    m = re.search(rf"机关运行经费(?:支出)?(?:为)?{N}万元", t.text)
    if m:
        sink.add(t, "operating_expenses", m, 1, "万元")
        change_after(sink, t, "operating_expenses", m.end())


_PROCUREMENT = {
    "total": r"政府采购(?:支出)?(?:总)?金额(?:[（(]以合同签订为准[)）])?为",
    "goods": r"货物采购金额",
    "works": r"工程采购金额",
    "services": r"服务采购金额",
    "sme_reserved": r"面向中小企业预留政府采购项目预算金额",
    "small_reserved": r"面向小微企业预留政府采购项目预算金额",
    # the awards: in SME-reserved projects, in 小微-reserved projects, and to SMEs in the other projects
    "sme_awarded": r"在面向中小企业预留的?政府采购项目中[，,]?由中小企业供应商中标或成交的[，,]?采购金额(?:为)?",
    "small_awarded": r"在面向小微企业预留的?政府采购项目中[，,]?由小微企业供应商中标或成交的[，,]?采购金额(?:为)?",
    "other_awarded": r"在其他政府采购项目中[，,]?由中小企业供应商中标或成交的[，,]?采购金额(?:为)?",
}


def _procurement(sink: Sink, t: Text) -> None:
    for key, pat in _PROCUREMENT.items():
        m = re.search(rf"{pat}{N}万元", t.text)
        if m:
            sink.add(t, f"procurement:{key}", m, 1, "万元")


_VEHICLES = ("部级领导干部用车", "主要领导干部用车", "机要通信用车", "应急保障用车", "执法执勤用车",
             "特种专业技术用车", "离退休干部用车", "其他用车")  # fmt: skip


def _assets(sink: Sink, t: Text) -> None:
    m = re.search(r"截[至止](\d{4})年12月31日", t.text)
    if m:
        sink.add(t, "assets_year", m, 1, None)
    m = re.search(r"共有车辆(\d+)辆", t.text)
    if m:
        sink.add(t, "vehicles", m, 1, "辆")
        for v in _VEHICLES:
            c = re.search(rf"{v}(\d+)辆", t.text)
            if c:
                sink.add(t, f"vehicles:{v}", c, 1, "辆")
    m = re.search(r"单价100万元[（(]含[)）]以上(?:的)?设备[（(]不含车辆[)）](\d+)台", t.text)
    if m:
        sink.add(t, "equipment_100w", m, 1, "台")


_PERF = {
    "planned": r"编报绩效目标的(?:\d{4}年度)?项目(\d+)个",
    "tracked": r"绩效跟踪评价的(?:\d{4}年度)?项目(\d+)个",
    "self_evaluated": r"绩效自评的(?:\d{4}年度)?项目(\d+)个",
    "excellent": r"[“\"]优[”\"]的项目(\d+)个",
    "good": r"[“\"]良[”\"]的项目(\d+)个",
    "pass": r"[“\"]合格[”\"]的项目(\d+)个",
    "fail": r"[“\"]不合格[”\"]的项目(\d+)个",
    "problems": r"发现问题(\d+)个",
    "fixed": r"已(?:经)?(?:完成)?整改的?(\d+)个",
    "fixing": r"正在整改的?(\d+)个",
}


def _perf(sink: Sink, t: Text) -> None:
    for key, pat in _PERF.items():
        m = re.search(pat, t.text)
        if m:
            sink.add(t, f"perf:{key}", m, 1, "个")


_FUNDS = {"fa_n8": ("gov_fund", "政府性基金"), "fa_n9": ("soe_capital", "国有资本经营")}


def _fund(sink: Sink, t: Text, items: list[dict]) -> None:
    """八 / 九: “无…收入和支出”, or the fund's income and spending and its items (as 五（三）'s)."""
    prefix, name = _FUNDS[t.section]
    none = re.search(rf"无{name}预算财政拨款(?:收入(?:和|及|与|、)?)?支出", t.text)
    if none:
        sink.add(t, f"{prefix}_none", none, 0, None)
        return
    m = re.search(rf"{name}预算财政拨款收入(?:为)?{N}万元{_C}?(支出收入|支出)(?:为)?{N}万元", t.text)
    if m:
        sink.add(t, f"{prefix}_income", m, 1, "万元")
        sink.add(t, f"{prefix}_expenditure", m, 3, "万元", label=m.group(2))
    _items(t, m.end() if m else 0, items)


_READERS = {"fa_n1": _total, "fa_n2": _total, "fa_n3": _total, "fa_n4": _total, "fa_n6": _n6, "fa_n7": _n7, "fa_n10": _perf,
            "fa_operating": _operating, "fa_procurement": _procurement, "fa_assets": _assets}  # fmt: skip


def read_notes(doc: Document, structure: Structure) -> tuple[list[dict], list[dict]]:
    """(facts, fa_items) of the 情况说明 sections found."""
    sink = Sink()
    items: list[dict] = []
    spans = section_spans(doc, structure)
    for key, (start, end) in spans.items():
        t = Text.of(key, doc.lines[start:end])
        if key == "fa_n5":
            _n5(sink, t, items)
        elif key in _FUNDS:
            _fund(sink, t, items)
        elif key in _READERS:
            _READERS[key](sink, t)
        elif key == "fa_n11" and not any(k in spans for k in ("fa_operating", "fa_procurement", "fa_assets")):
            for read in (_operating, _procurement, _assets):  # 十一 without its sub-headings
                read(sink, t)
    return sink.facts, items

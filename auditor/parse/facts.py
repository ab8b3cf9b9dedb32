"""Amounts, counts and year-on-year changes stated in the prose, each with its printed text and line.

Extraction works on the template's wording, section by section: an amount is labelled by the
nearest label phrase before it in its clause (the longest label wins when two end at the same
place); a change phrase (比2023年预算增加X万元 / 与2023年预算持平) right after a labelled amount
becomes ``<key>_change`` with a signed value and the comparison year.
"""

from __future__ import annotations

import bisect
import re
from decimal import Decimal
from typing import Any

from .. import lazyre
from ..money import UNIT_FEN, ValueOutOfRange, decimal_to_fen
from ..text import NUMBER, normalise, read_number
from .prose import Flow, split_items

_MONEY_UNIT = r"万元|亿元|元|万(?![人个])"
_MONEY = lazyre.compile(rf"(?<![\d.,])({NUMBER})\s*({_MONEY_UNIT})")
_CHANGE_LEAD = lazyre.compile(
    r"(?:比|较|与|同)(?:上年|(\d{4})年(?:度)?)[^,;。\d]{0,12}?(增加|减少|增长|下降|上升|降低|多|少)[了]?$"
)
_SAME_AFTER = lazyre.compile(
    r"\s*[,。.]?\s*(?:比|较|与|同)(?:上年|(\d{4})年(?:度)?)[^,;。\d]{0,12}?(持平|相同|不变|一致|保持不变)"
)
_REASON = lazyre.compile(r"主要原因(?:是|为)?[:]?")


def dec_str(value: Decimal | None) -> str | None:
    """Exact decimal as printed precision, no exponent: Decimal('208293.59') -> '208293.59'."""
    if value is None:
        return None
    return format(value, "f")


def unit_of(printed_unit: str) -> str:
    return "万元" if printed_unit == "万" else printed_unit


class FactSink:
    """Collects fact records from flows."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []

    def add(
        self,
        flow: Flow,
        key: str,
        start: int,
        end: int,
        value: Decimal | str | None,
        unit: str | None,
        *,
        malformed: bool = False,
        **extra: Any,
    ) -> dict[str, Any]:
        ln = flow.line_at(start)
        if isinstance(value, Decimal):
            try:
                amount = decimal_to_fen(abs(value), unit) if unit in UNIT_FEN else None
            except ValueOutOfRange as exc:
                exc.line, exc.page = ln.line, ln.page
                raise
            vstr = dec_str(value)
        else:
            vstr = value
            amount = None
        rec = {
            "key": key,
            "text": flow.text[start:end].replace("\n", " ").strip().lstrip(",，、;；:：。 "),
            "value": vstr,
            "unit": unit,
            "amount": amount,
            "section": flow.section,
            "malformed": bool(malformed),
            "likely": vstr if malformed else None,
            "line": ln.line,
            "page": ln.page,
        }
        rec.update(extra)
        self.records.append(rec)
        return rec


def _clause_start(norm: str, pos: int, cuts: list[int] | None = None) -> int:
    """Where the clause holding `pos` starts (after the last 。 ; or line break before it).

    With `cuts` (the sorted positions of those marks, from :func:`_cuts`) this is a binary search.
    """
    if cuts is not None:
        k = bisect.bisect_left(cuts, pos)
        return cuts[k - 1] + 1 if k else 0
    cut = max(norm.rfind(c, 0, pos) for c in "。;\n")
    return cut + 1


_CUT = lazyre.compile(r"[。;\n]")
#: The longest reason clause kept (a reason runs to the end of its clause; real ones are a sentence).
MAX_REASON = 500
#: How far before an amount its label is looked for (labels are short and end at the amount).
_LEAD_WINDOW = 200


def _cuts(norm: str, lo: int, hi: int) -> list[int]:
    """Sorted positions of the clause marks in norm[lo:hi], after the last one before `lo` (if any)."""
    before = max(norm.rfind(c, 0, lo) for c in "。;\n")
    return ([before] if before != -1 else []) + [m.start() for m in _CUT.finditer(norm, lo, hi)]


def _next_cut(cuts: list[int], pos: int, default: int) -> int:
    """The first clause mark at or after `pos` (else `default`)."""
    k = bisect.bisect_left(cuts, pos)
    return cuts[k] if k < len(cuts) and cuts[k] < default else default


def _best_label(lead: str, labels: list[tuple[str, lazyre.LazyPattern]]) -> str | None:
    best = None
    for key, pat in labels:
        for m in pat.finditer(lead):
            # the label must end near the amount (only filler words in between)
            tail = lead[m.end() :]
            if not re.fullmatch(r"[\s为是共计:合约预算总额金额安排人民币\"]*", tail):
                continue
            cand = (m.end(), m.end() - m.start(), key)
            if best is None or cand[:2] > best[:2]:
                best = cand
    return best[2] if best else None


def scan_labelled(
    flow: Flow,
    sink: FactSink,
    labels: list[tuple[str, lazyre.LazyPattern]],
    *,
    reason_key: str | None = None,
    lo: int = 0,
    hi: int | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Labelled money amounts, their stated changes and the reasons, in flow[lo:hi]."""
    norm = flow.norm
    hi = len(norm) if hi is None else hi
    extra = extra or {}
    cuts = _cuts(norm, lo, hi)
    reason_spans: list[tuple[int, int]] = []
    for m in _REASON.finditer(norm, lo, hi):
        reason_spans.append((m.start(), _next_cut(cuts, m.end(), min(hi, m.end() + MAX_REASON))))
    last_key: str | None = None
    last_end = lo
    labelled: list[tuple[int, str]] = []
    in_reason = 0  # reason spans end in order: one pointer walks them (linear, not spans x amounts)
    for m in _MONEY.finditer(norm, lo, hi):
        s, e = m.start(), m.end()
        while in_reason < len(reason_spans) and reason_spans[in_reason][1] <= s:
            in_reason += 1
        if in_reason < len(reason_spans) and reason_spans[in_reason][0] <= s:
            continue
        cstart = max(_clause_start(norm, s, cuts), last_end if last_key else lo, s - _LEAD_WINDOW)
        lead = norm[cstart:s]
        value, malformed = read_number(m.group(1))
        if value is None:
            continue
        unit = unit_of(m.group(2))
        cm = _CHANGE_LEAD.search(lead)
        if cm and last_key:
            sign = -1 if cm.group(2) in ("减少", "下降", "降低", "少") else 1
            sink.add(
                flow,
                f"{last_key}_change",
                cstart + cm.start(),
                e,
                value * sign,
                unit,
                malformed=malformed,
                compare_year=_year(cm.group(1)),
                **extra,
            )
            last_end = e
            continue
        key = _best_label(lead, labels)
        if key is None:
            continue
        sink.add(
            flow,
            key,
            s - len(lead) + (lead.find(lead.strip()[:1]) if lead.strip() else 0),
            e,
            value,
            unit,
            malformed=malformed,
            **extra,
        )
        last_key, last_end = key, e
        labelled.append((s, key))
        sm = _SAME_AFTER.match(norm, e)
        if sm:
            sink.add(
                flow, f"{key}_change", sm.start(), sm.end(), Decimal(0), unit, compare_year=_year(sm.group(1)), **extra
            )
    if reason_key:
        offsets = [off for off, _ in labelled]
        for a, b in reason_spans:
            # the component the reason is about: the last labelled fact before it
            before = bisect.bisect_left(offsets, a)
            comp = labelled[before - 1][1] if before else None
            m = _REASON.match(norm, a)
            reason = flow.text[m.end() : b].strip() if m else ""
            ss = _clause_start(norm, a, cuts)
            rec = sink.add(flow, reason_key, ss, min(b + 1, len(flow.text)), reason, None, **extra)
            if reason_key != "reason":
                rec["component"] = comp


def _year(text: str | None) -> int | None:
    return int(text) if text else None


def _labels(spec: list[tuple[str, str]]) -> list[tuple[str, lazyre.LazyPattern]]:
    return [(k, lazyre.compile(p)) for k, p in spec]  # compiled when a flow of their section is read


BUDGET_LABELS = _labels(
    [
        ("income_total", r"收入总额|收入预算|预算收入|收入合计"),
        ("fiscal_income", r"财政拨款收入"),
        ("business_income", r"(?<!经营)事业收入"),
        ("operating_income", r"(?:事业单位)?经营收入"),
        ("other_income", r"其他收入"),
        ("expenditure_total", r"支出预算|支出总额|预算支出"),
        ("fiscal_expenditure", r"财政拨款支出预算"),
        ("gpb_expenditure", r"一般公共预算(?:财政)?(?:拨款)?支出预算"),
        ("gov_fund_expenditure", r"政府性基金(?:预算)?(?:财政)?(?:拨款)?支出预算"),
        ("soe_expenditure", r"国有资本经营预算(?:财政)?(?:拨款)?支出预算"),
    ]
)
SANGONG_LABELS = _labels(
    [
        ("sangong_total", r'"?三公"?经费(?:预算数?)?'),
        ("outbound", r"因公出国\(境\)费(?:用)?"),
        ("vehicle_total", r"公务用车购置及运行(?:维护)?费"),
        ("vehicle_purchase", r"公务用车购置费"),
        ("vehicle_operation", r"公务用车运行(?:维护)?费"),
        ("reception", r"公务接待费"),
    ]
)
OPERATING_LABELS = _labels([("operating_expenses", r"机关运行经费(?:预算)?")])
PROCUREMENT_LABELS = _labels(
    [
        ("procurement_total", r"政府采购(?:预算|总额)"),
        ("procurement_goods", r"政府采购货物(?:预算)?"),
        ("procurement_works", r"政府采购工程(?:预算)?"),
        ("procurement_services", r"政府采购服务(?:预算)?"),
        ("sme_reserved", r"面向中小企业预留[^,;。]*?(?:预算|金额)"),
        ("small_micro_reserved", r"预留给小型和微型企业[^,;。]*?(?:预算|金额)"),
    ]
)

VEHICLE_CATEGORIES = {
    "部级领导干部用车": "ministerial",
    "主要领导干部用车": "principal_leader",
    "机要通信用车": "confidential",
    "应急保障用车": "emergency",
    "执法执勤用车": "law_enforcement",
    "特种专业技术用车": "special_technical",
    "离退休干部用车": "retired",
    "其他用车": "other",
}


def _count(
    flow: Flow,
    sink: FactSink,
    key: str,
    pattern: str,
    unit: str,
    lo: int = 0,
    hi: int | None = None,
    group: int = 1,
    **extra: Any,
) -> dict | None:
    norm = flow.norm
    m = re.compile(pattern).search(norm, lo, len(norm) if hi is None else hi)
    if not m:
        return None
    value, malformed = read_number(m.group(group))
    return sink.add(flow, key, m.start(), m.end(), value, unit, malformed=malformed, **extra)


# --- per section ------------------------------------------------------------------------------------


def budget_notes_facts(flow: Flow, sink: FactSink) -> None:
    norm = flow.norm
    m = re.search(r"主要内容(?:如下)?[:]?", norm)
    cut = m.start() if m else len(norm)
    scan_labelled(flow, sink, BUDGET_LABELS, reason_key="reason", hi=cut)
    if not m:
        return
    for no, s, e in split_items(norm[m.end() :]):
        s += m.end()
        e += m.end()
        item_facts(flow, sink, no, s, e)


_LEAD_TAIL = 40
_PRIOR_LEAD = lazyre.compile(r"(\d{4})年(?:度)?(?:当年)?预算执行数为?$|(\d{4})年(?:度)?(?:预算)?(?:执行数|决算数)为?$")
_BUDGET_LEAD = lazyre.compile(r"(\d{4})年(?:度)?预算安排$")
_ITEM_PCT = lazyre.compile(r"(?:比|较)(\d{4})年[^,;。\d]{0,12}?(增加|减少|增长|下降|上升|降低)\s*(" + NUMBER + r")\s*%")
_ITEM_SAME = lazyre.compile(r"(?:比|较|与)(\d{4})年[^,;。\d]{0,12}?(持平|相同|不变)")
_SUBJECT = lazyre.compile(r'\s*["\'「]([^"\']{1,80})["\'」]\s*(?:科目)?')


def item_facts(flow: Flow, sink: FactSink, no: int, s: int, e: int) -> None:
    """One numbered item of 财政拨款支出主要内容: its 科目, amount, and any prior/percentage/reason."""
    norm = flow.norm
    sm = _SUBJECT.match(norm, s)
    subject = sm.group(1) if sm else None
    pos = sm.end() if sm else s
    m = _MONEY.search(norm, pos, e)
    if not m:
        return
    value, malformed = read_number(m.group(1))
    extra = {"item_no": no, "subject": subject}
    sink.add(flow, "item", s, m.end(), value, unit_of(m.group(2)), malformed=malformed, **extra)
    clause = _clause_start(norm, m.end())
    scanned = m.end()
    for mm in _MONEY.finditer(norm, m.end(), e):
        # the clause start moves forward only: scan each character once (linear in the item)
        cut = max(norm.rfind(c, scanned, mm.start()) for c in "。;\n")
        if cut != -1:
            clause = cut + 1
        scanned = mm.start()
        lead = norm[max(clause, mm.start() - _LEAD_WINDOW) : mm.start()]
        v, bad = read_number(mm.group(1))
        if v is None:
            continue
        tail = lead[-_LEAD_TAIL:]  # the year phrases below end the lead and are short
        ym = _PRIOR_LEAD.search(tail)
        if ym:
            sink.add(
                flow,
                "item_prior",
                mm.start() - len(lead),
                mm.end(),
                v,
                unit_of(mm.group(2)),
                malformed=bad,
                compare_year=_year(ym.group(1) or ym.group(2)),
                **extra,
            )
            continue
        if _BUDGET_LEAD.search(tail):
            sink.add(
                flow, "item_budget", mm.start() - len(lead), mm.end(), v, unit_of(mm.group(2)), malformed=bad, **extra
            )
            continue
        sink.add(
            flow, "item_other_amount", mm.start() - len(lead), mm.end(), v, unit_of(mm.group(2)), malformed=bad, **extra
        )
    for pm in _ITEM_PCT.finditer(norm, s, e):
        v, bad = read_number(pm.group(3))
        sign = -1 if pm.group(2) in ("减少", "下降", "降低") else 1
        sink.add(
            flow,
            "item_change_pct",
            pm.start(),
            pm.end(),
            v * sign if v is not None else None,
            "%",
            malformed=bad,
            compare_year=int(pm.group(1)),
            **extra,
        )
    for pm in _ITEM_SAME.finditer(norm, s, e):
        sink.add(flow, "item_change_pct", pm.start(), pm.end(), Decimal(0), "%", compare_year=int(pm.group(1)), **extra)
    cuts = _cuts(norm, s, e)
    for rm in _REASON.finditer(norm, s, e):
        end = _next_cut(cuts, rm.end(), min(e, rm.end() + MAX_REASON))
        sink.add(flow, "item_reason", rm.start(), min(end + 1, e), flow.text[rm.end() : end].strip(), None, **extra)


def organisation_facts(flow: Flow, sink: FactSink) -> None:
    _count(flow, sink, "budget_units", rf"下属\s*({NUMBER})\s*家(?:预算)?单位", "家")
    _count(flow, sink, "admin_units", rf"行政单位\s*({NUMBER})\s*家", "家")
    _count(flow, sink, "civil_servant_units", rf"参(?:照)?公(?:务员法管理的)?(?:事业)?单位\s*({NUMBER})\s*家", "家")
    _count(flow, sink, "institution_units", rf"(?<!参公)(?<!参照公务员法管理的)事业单位\s*({NUMBER})\s*家", "家")


def sangong_facts(flow: Flow, sink: FactSink) -> None:
    scan_labelled(flow, sink, SANGONG_LABELS, reason_key="sangong_reason")


def operating_facts(flow: Flow, sink: FactSink) -> None:
    scan_labelled(flow, sink, OPERATING_LABELS, reason_key="operating_reason")
    _count(flow, sink, "operating_admin_units", rf"({NUMBER})\s*家(?:行政)?机关", "家")
    _count(flow, sink, "operating_civil_servant_units", rf"({NUMBER})\s*家参公(?:事业)?单位", "家")


def procurement_facts(flow: Flow, sink: FactSink) -> None:
    scan_labelled(flow, sink, PROCUREMENT_LABELS)


def performance_facts(flow: Flow, sink: FactSink) -> None:
    _count(flow, sink, "kpi_units", rf"({NUMBER})\s*个(?:预算)?单位", "个")
    _count(flow, sink, "kpi_projects", rf"绩效目标的项目(?:共|数)?\s*({NUMBER})\s*个", "个")
    m = re.search(rf"(?:涉及|共涉及)[^,;。\d]{{0,8}}?资金(?:为|共)?\s*({NUMBER})\s*({_MONEY_UNIT})", flow.norm)
    if m:
        value, malformed = read_number(m.group(1))
        sink.add(flow, "kpi_amount", m.start(), m.end(), value, unit_of(m.group(2)), malformed=malformed)


def assets_facts(flow: Flow, sink: FactSink) -> None:
    norm = flow.norm
    dm = re.search(r"截(?:至|止)\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", norm)
    if dm:
        date = f"{dm.group(1)}-{int(dm.group(2)):02d}-{int(dm.group(3)):02d}"
        sink.add(flow, "assets_date", dm.start(), dm.end(), date, None)
    for sentence_pat, prefix in ((r"共有车辆", ""), (r"购置车辆", "planned_")):
        sm = re.search(rf"{sentence_pat}\s*({NUMBER})\s*辆", norm)
        if not sm:
            continue
        value, bad = read_number(sm.group(1))
        sink.add(flow, f"{prefix}vehicles_total", sm.start(), sm.end(), value, "辆", malformed=bad)
        end = norm.find("。", sm.end())
        end = len(norm) if end == -1 else end
        # stop at the next vehicle sentence
        nxt = norm.find("购置车辆", sm.end())
        if prefix == "" and nxt != -1:
            end = min(end, nxt)
        for cat, code in VEHICLE_CATEGORIES.items():
            cm = re.compile(rf"{cat}\s*({NUMBER})\s*辆").search(norm, sm.end(), end)
            if cm:
                v, b = read_number(cm.group(1))
                sink.add(flow, f"{prefix}vehicles_{code}", cm.start(), cm.end(), v, "辆", malformed=b, category=cat)
        em = re.search(
            rf"(?:单价)?\s*100\s*万元\(含\)以上(?:的)?设备\(不含车辆\)\s*({NUMBER})\s*台\(套\)",
            norm[sm.end() : end + 1],
        )
        if em:
            v, b = read_number(em.group(1))
            a = sm.end() + em.start()
            sink.add(flow, f"{prefix}equipment_over_1m", a, sm.end() + em.end(), v, "台(套)", malformed=b)


SECTION_EXTRACTORS = {
    "budget_notes": budget_notes_facts,
    "organisation": organisation_facts,
    "sangong_notes": sangong_facts,
    "operating_notes": operating_facts,
    "procurement_notes": procurement_facts,
    "performance_notes": performance_facts,
    "assets_notes": assets_facts,
}


def project_amount_facts(flow: Flow, sink: FactSink, project: str | None) -> dict | None:
    """The 年度预算安排 amount of one project block; returns the fact record (or None)."""
    norm = flow.norm
    m = re.search(
        rf'(?:"([^"]{{1,60}})")?\s*项目(?:总)?预算(?:安排|总额|金额)?(?:为)?\s*({NUMBER})\s*({_MONEY_UNIT})', norm
    )
    if not m:
        m2 = re.search(rf"(?:年度预算安排|预算安排)[^,;。\d\n]{{0,10}}?({NUMBER})\s*({_MONEY_UNIT})", norm)
        if not m2:
            for qm in re.finditer(rf"(第[一二三四]季度)用款计划\s*({NUMBER})\s*({_MONEY_UNIT})", norm):
                v, b = read_number(qm.group(2))
                sink.add(
                    flow,
                    "project_plan",
                    qm.start(),
                    qm.end(),
                    v,
                    unit_of(qm.group(3)),
                    malformed=b,
                    project=project,
                    period=qm.group(1),
                )
            return None
        v, b = read_number(m2.group(1))
        return sink.add(
            flow,
            "project_amount",
            m2.start(),
            m2.end(),
            v,
            unit_of(m2.group(2)),
            malformed=b,
            project=project,
            quoted_name=None,
        )
    v, b = read_number(m.group(2))
    start = m.start()
    ym = re.search(r"\d{4}年(?:度)?\s*$", norm[max(0, start - 8) : start])
    if ym:
        start = max(0, start - 8) + ym.start()
    return sink.add(
        flow,
        "project_amount",
        start,
        m.end(),
        v,
        unit_of(m.group(3)),
        malformed=b,
        project=project,
        quoted_name=m.group(1),
    )


def toc_facts(meta_toc: list[dict], sink: FactSink) -> None:
    for entry in meta_toc:
        t = normalise(entry["title"])
        m = re.search(r"等\s*(\d+)\s*个项目", t)
        if m:
            flow = Flow(section="toc")
            from ..document import Line

            flow.add(Line(entry["title"], entry["line"], entry.get("page")), entry["title"], "")
            sink.add(flow, "project_count", 0, len(entry["title"]), Decimal(m.group(1)), "个")

"""项目经费情况说明 blocks and their 绩效目标申报表: funding block, dates, departments, goals."""

from __future__ import annotations

import re
from typing import Any

from .. import lazyre, numbering
from ..document import Document, Line
from ..model import Meta
from ..text import normalise
from . import facts as F
from .prose import build_flow, strip_bullet
from .sections import Heading, compact

_TITLE_SUFFIX = lazyre.compile(r"(?:项目)?(?:经费)?情况说明$")

# Funding block labels (fragments survive OCR splitting).
_FUND_LABELS = [
    ("annual_request", lazyre.compile(r"申请总|年度资金申")),
    ("total_funds", lazyre.compile(r"资金总额|项目资金总")),
    ("current_year_appropriation", lazyre.compile(r"当年(?:财政)?|财政拨款")),
    ("carryover", lazyre.compile(r"结转")),
    ("fiscal_funds", lazyre.compile(r"财政资")),
    ("other_funds", lazyre.compile(r"其他资金")),
]
_NEVER = lazyre.compile(r"(?!x)x")
_BAR_OR_SPACE = lazyre.compile(r"[|\s]+")
_DASHES = lazyre.compile(r"[-_—.·:;|]+")
_FUND_OK = lazyre.compile(r"^\d{1,3}(?:,\s*\d{3})*\.\s*\d{2}$|^0\.\s*00$|^0$")
_FUND_ANY = lazyre.compile(r"^\d[\d,.\s]*\d$|^\d$")


#: the heading of the whole part, not of one project (`七、项目经费情况说明`)
_SECTION_TITLE = lazyre.compile(r"^(?:\d{4}年(?:度)?)?(?:部门|单位)?项目(?:经费|支出)?(?:预算)?情况说明$")
#: how a block under the bare part heading names its one project: “…”项目, or 由…建设/实施的 …工程/项目
_NAMED = lazyre.compile(
    r"“([^”]{2,40})”(?:项目)?|(?:由|是).{2,40}?(?:建设|实施|承担|负责)的([\u4e00-\u9fff（）()]{2,40}?(?:工程|项目))"
)
UNNAMED = "未具名项目"


def project_name(title: str) -> str | None:
    """The project a heading names; None for the heading of the whole part (项目经费情况说明)."""
    t = strip_bullet(title.strip())
    t = numbering.strip(t)
    if _SECTION_TITLE.match(compact(t)):
        return None
    name = _TITLE_SUFFIX.sub("", t).strip()
    return name or t


def named_in(text: str) -> str | None:
    """The project a block's prose names, when its heading is the part's (first 300 characters)."""
    m = _NAMED.search(text[:300])
    if m is None:
        return None
    return (m.group(1) or m.group(2)).strip()


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdecimal())  # (`\D` out: decimal digits stay)


def _hamming(a: str, b: str) -> int:
    if len(a) != len(b):
        return 99
    return sum(1 for x, y in zip(a, b) if x != y)


def parse_funding(lines: list[Line]) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, int]]:
    """The funding block of one 绩效目标申报表: field -> fen, OCR-damaged twins, field -> line."""
    from ..money import to_fen

    values: dict[str, int] = {}
    printed: dict[str, str] = {}
    where: dict[str, int] = {}
    orphans: list[tuple[str, Line]] = []
    other_seen = 0
    for ln in lines:
        cells = [normalise(c).strip() for c in ln.cells]
        current: str | None = None
        for raw in cells:
            c = raw.strip()
            if not c:
                continue
            if _FUND_ANY.match(c):
                if current and current not in values and _FUND_OK.match(c):
                    values[current] = to_fen(c) or 0
                    printed[current] = c
                    where[current] = ln.line
                else:
                    orphans.append((c, ln))
                current = None
                continue
            label = None
            for key, pat in _FUND_LABELS:
                if pat.search(c):
                    label = key
                    break
            if label == "other_funds":
                other_seen += 1
                label = "other_funds" if other_seen == 1 else "annual_other"
            if label:
                current = label
            elif re.search(r"[\u4e00-\u9fff]{2,}", c) and re.search(r"其中|中:|资", c):
                current = None  # a garbled label: its amount is an orphan
    twins = []
    for text, ln in orphans:
        d = _digits(text)
        best = None
        for field in (
            "fiscal_funds",
            "total_funds",
            "annual_request",
            "current_year_appropriation",
            "carryover",
            "other_funds",
            "annual_other",
        ):
            if field not in printed:
                continue
            dist = _hamming(d, _digits(printed[field]))
            if best is None or dist < best[0]:
                best = (dist, field)
        if best is None:
            continue
        dist, field = best
        if dist == 0 and _FUND_OK.match(text) and re.sub(r"\s", "", text) == re.sub(r"\s", "", printed[field]):
            continue  # an agreeing copy
        twins.append(
            {
                "field": field,
                "printed": text,
                "line": ln.line,
                "page": ln.page,
                "agrees_with": printed[field],
                "digits_differ": dist if dist != 99 else None,
            }
        )
    return values, twins, where


def _cells_between(lines: list[Line], start_pat: re.Pattern, stop_pat: re.Pattern) -> str | None:
    for ln in lines:
        cells = [c.strip() for c in ln.cells]
        for i, c in enumerate(cells):
            m = start_pat.search(c)
            if not m:
                continue
            out = []
            rest = c[m.end() :].strip()
            if rest:
                out.append(rest)
            for c2 in cells[i + 1 :]:
                sm = stop_pat.search(c2)
                if sm:
                    if c2[: sm.start()].strip() and not re.fullmatch(r"计[划戈]?", c2[: sm.start()].strip()):
                        out.append(c2[: sm.start()].strip())
                    break
                if c2:
                    out.append(c2)
            return out and "|".join(out) or None
    return None


#: A cell broken into more fragments than this is no cell a table prints (a line run together):
#: comparing every fragment with every later one would take quadratic time.
_MOST_FRAGMENTS = 64


def _rejoin(frag: str | None) -> str | None:
    """Rejoin OCR fragments of a cell ("公安局闵行分 总)" + "局(汇" -> "公安局闵行分局(汇总)")."""
    if not frag:
        return None
    parts = [p for p in _BAR_OR_SPACE.split(frag) if p and not _DASHES.fullmatch(p)]
    if len(parts) <= _MOST_FRAGMENTS:  # drop a truncated copy of a later fragment
        parts = [
            p
            for i, p in enumerate(parts)
            if not any(q != p and len(p) >= 4 and q.startswith(p[:-1]) for q in parts[i + 1 :])
        ]
    tails = [p for p in parts if ")" in p and "(" not in p and len(p) <= 3]
    tail_set = set(tails)
    body = [p for p in parts if p not in tail_set]
    out = ""
    for p in body:
        out += p
        if "(" in p and ")" not in p and tails:
            out += tails.pop(0)
    return out + "".join(tails) or None


def _date(text: str | None) -> str | None:
    if not text:
        return None
    parts = [p for p in text.split("|") if p]
    joined = "|".join(parts)
    m = re.match(r"(\d{4})-(\d{1,2})-(\d{0,2})(?:\|-?(\d{1,2}))?", joined)
    if not m:
        return joined.replace("|", "")
    y, mo, d1, d2 = m.groups()
    if d2 and (len(d2) == 2 or not d1):
        day = d2
    elif d2 and len(d1) == 1:
        day = d1 + d2
    else:
        day = d1
    return (
        f"{y}-{int(mo):02d}-{int(day):02d}"
        if day and day.isdigit() and 1 <= int(day) <= 31
        else joined.replace("|", "")
    )


def _goals(flow_text: str) -> tuple[str | None, str | None]:
    t = normalise(flow_text)
    om = re.search(r"(?:1|一)\s*[、.]\s*总目标\s*[:]?", t)
    am = re.search(r"(?:2|二)\s*[、.]\s*年度目标\s*[:]?", t)
    dm = re.search(r"(?:3|三)\s*[、.]\s*分解目标", t)
    overall = annual = None
    if om:
        end = am.start() if am else (dm.start() if dm else len(t))
        overall = flow_text[om.end() : end].strip() or None
    if am:
        end = dm.start() if dm and dm.start() > am.end() else len(t)
        annual = flow_text[am.end() : end].strip() or None
    return overall, annual


def _subject(flow_text: str, label: str) -> str | None:
    t = normalise(flow_text)
    m = re.search(rf"{label}\s*[:]\s*", t)
    if not m:
        return None
    end = m.end()
    stop = re.search(r"[。;,]", t[end:])
    first = flow_text[end : end + (stop.start() if stop else len(t) - end)].strip() or None
    if first is None:
        return None
    # one item may name several bodies, each with its duties: "上海市公安局。负责……;上海市公安局闵行分局。负责……"
    item = t[end:]
    nxt = re.search(r"\d\s*[、.]\s*(?:实施单位|财政部门|主管部门)", item)
    item = item[: nxt.start()] if nxt else item
    more = re.findall(
        r"[;；]\s*([\u4e00-\u9fff（）()]{2,24}?(?:局|委|办|厅|部|院|所|中心|政府|处))\s*[。,，]\s*(?:负责|作为)", item
    )
    names = [first, *[x for x in more if x != first]]
    return "；".join(names)


def parse_projects(doc: Document, meta: Meta, heads: list[Heading], sink: F.FactSink):
    """Project records and indicator records from every 项目经费情况说明 block."""
    from .indicators import parse_indicator_table

    projects: list[dict[str, Any]] = []
    indicators: list[dict[str, Any]] = []
    starts = [n for n, h in enumerate(heads) if h.key == "project_notes"]
    kpi_titles = {id(doc.lines[x.index]) for x in heads if x.key == "kpi_tables"}  # the lines, by identity
    for k, n in enumerate(starts):
        h = heads[n]
        end_idx = heads[starts[k + 1]].index if k + 1 < len(starts) else len(doc.lines)
        # a following top-level section (not the project's KPI table) ends the block
        for h2 in heads[n + 1 :]:
            if h2.index >= end_idx:
                break
            if h2.key not in ("kpi_tables",):
                end_idx = h2.index
                break
        block = doc.lines[h.index + 1 : end_idx]
        name = project_name(h.title)
        kpi_at = next((i for i, ln in enumerate(block) if id(ln) in kpi_titles), None)
        prose_part = block if kpi_at is None else block[:kpi_at]
        flow = build_flow(doc, prose_part, section="project_notes")
        if name is None:
            if not flow.text.strip() and kpi_at is None:
                continue  # the part's heading, its projects' own headings follow
            # the part's heading over one project's description: the prose names the project
            name = named_in(flow.text) or UNNAMED
        fact = F.project_amount_facts(flow, sink, name)
        overall, annual = _goals(flow.text)
        ln0 = doc.lines[h.index]
        rec: dict[str, Any] = {
            "name": name,
            "narrative_amount": fact["amount"] if fact else None,
            "overall_goal": overall,
            "annual_goal": annual,
            "narrative_competent_dept": _subject(flow.text, "主管部门"),
            "narrative_implementing_unit": _subject(flow.text, "实施单位"),
            "has_kpi_table": kpi_at is not None,
            "line": ln0.line,
            "page": ln0.page,
            "quoted_name": fact.get("quoted_name") if fact else None,
            "narrative_line": fact["line"] if fact else None,
            "ocr_twins": [],
        }
        if kpi_at is not None:
            table = block[kpi_at:]
            rec.update(_table_part(table))
            indicators.extend(parse_indicator_table(table, name))
        projects.append(rec)
    return projects, indicators


#: A line of the form's header that prints money: the funding rows (资金, 结转) or their figures.
_FUNDING_LINE = lazyre.compile(r"资金|其他资金|结转|\d{1,3}(?:,\s*\d{3})+\.\s*\d{2}|\d+ \d{3} \d{3}")


def _table_part(table: list[Line]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    header_end = next((i for i, ln in enumerate(table) if "一级指标" in ln.text), len(table))
    head = table[:header_end]
    fund_lines = [ln for ln in head if _FUNDING_LINE.search(ln.text) and "目标" not in ln.text]
    values, twins, where = parse_funding(fund_lines)
    out.update(values)
    out["ocr_twins"] = twins
    out["funding_lines"] = where
    out["table_name"] = _rejoin(_cells_between(head, re.compile(r"目名称"), re.compile(r"项目性质")))
    out["competent_dept"] = _rejoin(_cells_between(head, re.compile(r"管部门"), re.compile(r"实施单位")))
    out["implementing_unit"] = _rejoin(_cells_between(head, re.compile(r"实施单位"), _NEVER))
    out["start"] = _date(_cells_between(head, re.compile(r"开始日期"), re.compile(r"完成日期")))
    out["end"] = _date(_cells_between(head, re.compile(r"完成日期"), _NEVER))
    out["start_printed"] = (_cells_between(head, re.compile(r"开始日期"), re.compile(r"完成日期")) or "").replace(
        "|", ""
    ) or None
    out["end_printed"] = (_cells_between(head, re.compile(r"完成日期"), _NEVER) or "").replace("|", "") or None
    return out


__all__ = ["parse_projects", "parse_funding", "project_name", "compact"]

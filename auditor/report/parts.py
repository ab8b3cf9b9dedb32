"""The parts a reviewer checks in a disclosure, per kind, and which part a finding concerns.

A district bureau's 检查表 has one row per part: 及时性, then under 内容规范性 the 封面, 目录, the
prose sections, each of the nine tables by its title in 《》, 其他相关说明 and 项目经费情况说明.
部门预算, 单位预算 and 部门决算 differ in the tables' titles (and 决算 in its tables and sections).

A finding concerns a part through, in this order: its table (``location.table``), the heading it
sits under in the document (the last section or table title before its page and line), the words
of its message (a missing section names its title), and its tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .. import lazyre
from ..findings import Finding
from ..model import FA_NINE_TABLES, NINE_TABLES

BUDGET = "部门预算"
UNIT_BUDGET = "单位预算"
FINAL_ACCOUNTS = "部门决算"

TIMELINESS = "timeliness"
CONTENT = "内容规范性"


@dataclass(frozen=True)
class Part:
    """One row of the checklist."""

    key: str
    label: str
    group: str = CONTENT
    tables: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    #: words of a message that name this part (a missing section's title)
    words: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


_FRONT = [
    Part(TIMELINESS, "及时性", group="及时性"),
    Part("cover", "封面", words=("封面",)),
    Part("toc", "目录", sections=("toc",), words=("目录",)),
    Part("functions", "主要职能", sections=("functions",), words=("主要职能", "职能")),
    Part("organisation", "机构设置", sections=("organisation",), words=("机构设置", "单位构成")),
]


def _budget_parts(prefix: str) -> list[Part]:
    tables = [
        Part(f"table:{key}", f"《{prefix}{title}》", tables=(key,), words=(title,))
        for key, title in NINE_TABLES.items()
    ]
    return [
        *_FRONT,
        Part("glossary", "名词解释", sections=("glossary",), words=("名词解释",)),
        Part("budget_notes", "预算编制说明", sections=("budget_notes",), words=("预算编制说明", "编制说明")),
        *tables,
        Part(
            "other_notes",
            "其他相关说明",
            sections=(
                "other_notes",
                "sangong_notes",
                "operating_notes",
                "procurement_notes",
                "performance_notes",
                "assets_notes",
            ),
            words=("其他相关情况说明", "三公”经费预算情况", "机关运行经费", "政府采购", "绩效目标设置", "国有资产"),
            tags=("procurement", "assets"),
        ),
        Part(
            "project_notes",
            "项目经费情况说明",
            tables=("projects", "indicators"),
            sections=("project_notes", "kpi_tables"),
            words=("项目经费情况说明", "绩效目标申报表"),
            tags=("kpi", "project-funds"),
        ),
    ]


#: The 决算 说明 rows: the sections of 第三部分 (一 … 十一, and 十一's three parts), tagged where
#: findings of a topic belong; their labels are the required-sections rule's (FA002).
_FINAL_NOTE_TAGS = {
    "fa_n7": ("sangong",),
    "fa_n10": ("kpi",),
    "fa_procurement": ("procurement",),
    "fa_assets": ("assets",),
}
_NUMBERING = lazyre.compile(r"^[一二三四五六七八九十]+、")


def _final_parts() -> list[Part]:
    from ..bundle import required_section_labels  # the disclosure rules own the sections and their labels

    labels = required_section_labels(FINAL_ACCOUNTS)
    tables = [
        Part(f"table:{key}", f"《{title}》", tables=(key,), words=(title,)) for key, title in FA_NINE_TABLES.items()
    ]
    front = [
        _FRONT[0],
        _FRONT[1],
        _FRONT[2],
        Part("functions", "主要职能", sections=("fa_functions", "functions"), words=("主要职能",)),
        Part("organisation", "机构设置", sections=("fa_units", "organisation"), words=("单位构成", "机构设置")),
    ]
    notes = [
        Part(
            key,
            label,
            sections=("fa_part3", key) if key == "fa_n1" else (key,),  # 第三部分's heading runs into 一
            words=(_NUMBERING.sub("", label),),
            tags=_FINAL_NOTE_TAGS.get(key, ()),
        )
        for key, label in labels.items()
        if key.startswith("fa_n") or key in ("fa_operating", "fa_procurement", "fa_assets")
    ]
    terms = tuple(key for key in labels if key.startswith("fa_term:"))
    return [
        *front,
        *tables,
        *notes,
        Part("glossary", "名词解释", sections=("fa_part4", *terms), words=("名词解释",)),
    ]


#: The rows of each kind's checklist, in order.
PARTS: dict[str, list[Part]] = {
    BUDGET: _budget_parts("部门"),
    UNIT_BUDGET: _budget_parts("单位"),
    FINAL_ACCOUNTS: _final_parts(),
}


def parts_for(kind: str | None) -> list[Part]:
    """The checklist rows of a document kind (部门预算 when the kind is unknown)."""
    return PARTS.get(kind or BUDGET, PARTS[BUDGET])


# ---------------------------------------------------------------------------------------------
# where a finding belongs


@dataclass
class Anchor:
    """A heading in the document: from its position on, lines belong to ``part``."""

    page: int | None
    line: int | None
    part: str


@dataclass
class Outline:
    """The document's headings in reading order, to place a finding under the part it sits in."""

    anchors: list[Anchor] = field(default_factory=list)
    found: set[str] = field(default_factory=set)  # parts the document has

    def part_at(self, page: int | None, line: int | None) -> str | None:
        if page is None and line is None:
            return None
        pos = (page or 0, line or 0)
        best = None
        for a in self.anchors:
            if (a.page or 0, a.line or 0) <= pos:
                best = a.part
            else:
                break
        return best


def _attr(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def outline(budget: Any, parts: list[Part]) -> Outline:
    """The anchors of a loaded document for these parts (empty without a Budget)."""
    out = Outline()
    meta = getattr(budget, "meta", None)
    if meta is None:
        return out
    by_section = {s: p.key for p in parts for s in p.sections}
    by_table = {t: p.key for p in parts for t in p.tables}
    anchors: list[Anchor] = []
    has_page = getattr(getattr(budget, "document", None), "kind", None) == "pdf"
    if has_page:
        anchors.append(Anchor(1, 0, "cover"))
        out.found.add("cover")
    toc = list(_attr(meta, "toc") or [])
    if toc:
        first = toc[0]
        anchors.append(Anchor(_attr(first, "page"), max(0, (_attr(first, "line") or 1) - 1), "toc"))
        out.found.add("toc")
    for key, sec in (_attr(meta, "sections") or {}).items():
        part = by_section.get(key)
        if part is None:
            title = _attr(sec, "title") or ""
            part = next((p.key for p in parts if p.sections and any(w in title for w in p.words)), None)
        if part is not None:
            anchors.append(Anchor(_attr(sec, "page"), _attr(sec, "line"), part))
            out.found.add(part)
    for key, info in (_attr(meta, "tables") or {}).items():
        part = by_table.get(key)
        if part is not None:
            anchors.append(Anchor(_attr(info, "page"), _attr(info, "line"), part))
            out.found.add(part)
    anchors.sort(key=lambda a: (a.page or 0, a.line or 0))
    out.anchors = anchors
    return out


def _compact(text: str) -> str:
    return re.sub(r"[\s\"“”]", "", text or "")


def _named(text: str, parts: list[Part]) -> str | None:
    """The part whose name the text mentions; the longest name wins (三、支出决算情况说明 is inside 五's)."""
    best: tuple[int, str] | None = None
    for p in parts:
        for w in p.words:
            n = len(_compact(w))
            if n and _compact(w) in text and (best is None or n > best[0]):
                best = (n, p.key)
    return best[1] if best else None


def part_of(finding: Finding, parts: list[Part], where: Outline) -> str | None:
    """The key of the part a finding concerns, or None when nothing places it."""
    loc = finding.location
    if loc.table:
        for p in parts:
            if loc.table in p.tables:
                return p.key
    text = _compact(" ".join(str(v) for v in (finding.message, finding.expected) if v))
    named = _named(text, parts)
    if loc.page is None and loc.line is None and named is not None:
        return named  # a missing or misplaced part names itself ("缺少章节：部门机构设置")
    placed = where.part_at(loc.page, loc.line)
    if placed is not None:
        return placed
    if named is not None:
        return named
    for p in parts:
        if set(p.tags) & set(finding.tags):
            return p.key
    return None

"""The document's parts as printed: a page or a section printed twice (NR010), and a project's
实施周期 that does not reach the budget year (NR011)."""

from __future__ import annotations

import re

from auditor import hookimpl, lazyre, rule
from auditor.rulekit import records
from auditor.text import normalise, snippet

QUALITY = {
    "regulation": "公开文本编校质量（无法律依据的质量规则）",
    "article": "DISCLOSURE-008 (quality)",
    "confidence": "M",
    "sources": ["S5"],
}
PROJECTS = {
    "regulation": "项目经费情况说明：实施周期、年度预算安排（本预算年度的项目）",
    "article": "DISCLOSURE-006",
    "confidence": "M",
    "sources": ["S2", "S5"],
}

# --- NR010 a page or a section printed twice ------------------------------------------------------

#: A repeated passage shorter than this (characters, spaces left out) is a template phrase, not a section.
MIN_PASSAGE = 120
#: A page of less text than this repeated is a heading page (第二部分 …), not a page printed twice.
MIN_PAGE = 100
#: The mean length of the repeated paragraphs: sentences, not a column of table labels.
MIN_PARAGRAPH = 20
_SPACE = lazyre.compile(r"\s+")


def _compact(text: str) -> str:
    return _SPACE.sub("", normalise(text))


def _pages_twice(doc):
    """(page, earlier page) of each page whose visible text repeats an earlier page's."""
    pages: dict[int, list[str]] = {}
    for ln in doc.lines:
        if ln.page is not None and ln.text.strip():
            pages.setdefault(ln.page, []).append(_compact(ln.text))
    seen: dict[str, int] = {}
    for page in sorted(pages):
        text = "".join(pages[page])
        if len(text) < MIN_PAGE:
            continue
        if text in seen:
            yield page, seen[text]
        else:
            seen[text] = page


def _passages_twice(budget, skip_pages: set[int]):
    """Runs of consecutive paragraphs repeating a run printed earlier: (first, count, earlier first, chars)."""
    paras = [p for p in budget.paragraphs() if p.section is not None and p.first.page not in skip_pages]
    seen: dict[str, int] = {}
    earlier: list[int | None] = []
    for i, p in enumerate(paras):
        c = _compact(p.text)
        j = seen.get(c) if len(c) >= 2 else None
        earlier.append(j)
        if j is None:
            seen[c] = i
    i = 0
    while i < len(paras):
        j = earlier[i]
        if j is None:
            i += 1
            continue
        k = i
        while k + 1 < len(paras) and earlier[k + 1] == earlier[k] + 1:
            k += 1
        body = [len(_compact(p.text)) for p in paras[i + 1 : k + 1]]
        chars = sum(body)
        # a title and prose after it (table rows a parser left in the prose are short lines)
        if body and chars >= MIN_PASSAGE and chars / len(body) >= MIN_PARAGRAPH and _is_heading(paras[i].text):
            yield paras[i], k - i + 1, paras[j], chars
        i = k + 1


def _is_heading(text: str) -> bool:
    """A short line of its own, no sentence in it: the title a repeated section starts with."""
    c = _compact(text)
    return 2 <= len(c) <= 40 and not re.search(r"[。；;，,]", c)


def _where(p) -> str:
    return f"第{p.first.page}页" if p.first.page else f"第{p.first.line}行"


@rule(
    "NR010",
    name="printed-twice",
    title="A page or a section printed twice (主要职能 twice)",
    severity="warning",
    tags=["narrative", "editorial"],
    reference=QUALITY,
    kinds="all",
    description=(
        "A page whose text repeats an earlier page, or a section printed again: its title and the paragraphs "
        f"after it (at least {MIN_PASSAGE} characters) repeating an earlier run. Template phrases repeated "
        "between projects are shorter and never count. Body text repeated without its title is not "
        "reported: a PDF's text layer may hold a text box continued on the next page twice, clipped, and "
        "a reader sees it once."
    ),
    cases=[
        {
            "name": "each section once",
            "fires": 0,
            "budget": {
                "pages": [
                    [
                        "部门主要职能",
                        "一、加强党的建设。落实基层党建责任制，加强基层服务型党组织建设，统筹推进区域化党建和“两新”组织党建、居民区党建工作，实现社区党建全覆盖。",
                        "二、统筹社区发展。统筹落实市、区两级涉及社区发展的重大决策和社区建设规划，推动辖区可持续发展。",
                    ],
                    ["部门机构设置", "本部门预算是包括本部以及下属 5 家预算单位的综合收支计划。"],
                ]
            },
        },
        {
            "name": "a section printed twice",
            "fires": 1,
            "budget": {
                "pages": [
                    [
                        "部门主要职能",
                        "一、加强党的建设。落实基层党建责任制，加强基层服务型党组织建设，统筹推进区域化党建和“两新”组织党建、居民区党建工作，实现社区党建全覆盖。",
                        "二、统筹社区发展。统筹落实市、区两级涉及社区发展的重大决策和社区建设规划，推动辖区可持续发展。",
                        "三、组织公共服务。组织实施与居民生活密切相关的社区公共服务。",
                    ],
                    [
                        "部门主要职能",
                        "一、加强党的建设。落实基层党建责任制，加强基层服务型党组织建设，统筹推进区域化党建和“两新”组织党建、居民区党建工作，实现社区党建全覆盖。",
                        "二、统筹社区发展。统筹落实市、区两级涉及社区发展的重大决策和社区建设规划，推动辖区可持续发展。",
                        "三、组织公共服务。组织实施与居民生活密切相关的社区公共服务。",
                        "部门机构设置",
                        "本部门预算是包括本部以及下属 5 家预算单位的综合收支计划。",
                    ],
                ]
            },
        },
        {
            "name": "a template phrase in every project",
            "fires": 0,
            "budget": {
                "pages": [
                    [
                        "项目经费情况说明",
                        "五、实施周期",
                        "2025年1月1日至2025年12月31日。",
                        "六、年度预算安排",
                        "按合同条款，按时拨付资金。",
                    ],
                    [
                        "项目经费情况说明",
                        "五、实施周期",
                        "2025年1月1日至2025年12月31日。",
                        "六、年度预算安排",
                        "按合同条款，按时拨付资金。",
                    ],
                ]
            },
        },
    ],
)
def printed_twice(budget, ctx):
    doc = budget.document
    if doc is None:
        return
    twice = dict(_pages_twice(doc))
    for page, first in twice.items():
        yield ctx.finding(
            f"第{page}页与第{first}页内容相同（整页重复印刷）",
            expected="每页只印一次",
            actual=f"第{page}页 = 第{first}页",
            page=page,
            line=1,
        )
    for p, count, q, chars in _passages_twice(budget, set(twice)):
        yield ctx.finding(
            f"“{_compact(p.text)}”一节重复印刷：{_where(p)}起 {count} 段（{chars} 字）与{_where(q)}起的内容相同",
            expected="只印一次",
            actual=snippet(p.text, 0, 0, pad=30),
            **p.where(0),
        )


# --- NR011 a 实施周期 outside the budget year -------------------------------------------------------

_PERIOD_HEAD = lazyre.compile(r"实施周期\s*[:：]?\s*")
_YEAR = lazyre.compile(r"(?<!\d)(20\d{2})(?=\s*(?:年|\.|-|/|－|—|全年|$))")
_NEXT_HEAD = lazyre.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十]+[)）])")


def _periods(budget):
    """(paragraph, offset, text) of each stated 实施周期 (the heading's own text, or the paragraph after it)."""
    paras = [p for p in budget.paragraphs() if p.section == "project_notes"]
    for i, p in enumerate(paras):
        m = _PERIOD_HEAD.search(p.norm)
        if not m or m.start() > 12:
            continue
        rest = p.text[m.end() :].strip()
        if rest:
            yield p, m.end(), rest
        elif i + 1 < len(paras) and not _NEXT_HEAD.match(paras[i + 1].text):
            yield paras[i + 1], 0, paras[i + 1].text


def _outside(years: list[int], year: int) -> bool:
    return bool(years) and (max(years) < year or min(years) > year)


@rule(
    "NR011",
    name="period-outside-budget-year",
    title="A project's 实施周期 that does not reach the budget year",
    severity="warning",
    tags=["narrative", "project-funds", "year-over-year"],
    reference=PROJECTS,
    description=(
        "The budget funds the project in its year, so its 实施周期 (in the 项目经费情况说明, or 开始/完成日期 of "
        "its 绩效目标申报表) includes that year: 2024年1月1日至2024年12月31日 in a 2025 budget is last year's "
        "text. A period over several years that includes the budget year is fine; one that names no year "
        "(第一季度…) is not checked."
    ),
    cases=[
        {
            "name": "the budget year",
            "fires": 0,
            "budget": {
                "meta": {"year": 2025},
                "text": "项目经费情况说明\n五、实施周期\n2025.1.1-2025.12.31\n六、年度预算安排",
            },
        },
        {
            "name": "several years including it",
            "fires": 0,
            "budget": {
                "meta": {"year": 2025},
                "text": "项目经费情况说明\n五、实施周期\n2023年至2026年。\n六、年度预算安排",
            },
        },
        {
            "name": "last year's period",
            "fires": 1,
            "budget": {
                "meta": {"year": 2025},
                "text": "项目经费情况说明\n五、实施周期\n2024年1月1日至2024年12月31日。\n六、年度预算安排",
            },
        },
        {
            "name": "no year named",
            "fires": 0,
            "budget": {
                "meta": {"year": 2025},
                "text": "项目经费情况说明\n五、实施周期\n第一至四季度支付尾款。\n六、年度预算安排",
            },
        },
        {
            "name": "the 申报表 dates of last year",
            "fires": 1,
            "budget": {
                "meta": {"year": 2025},
                "projects": [{"name": "进博会安保", "start": "2024-01-01", "end": "2024-12-31", "line": 30}],
            },
        },
    ],
)
def period_outside_year(budget, ctx):
    year = budget.meta.year
    if not year:
        return
    for p, at, text in _periods(budget):
        years = [int(y) for y in _YEAR.findall(normalise(text))]
        if _outside(years, year):
            span = f"{min(years)}—{max(years)}年" if min(years) != max(years) else f"{years[0]}年"
            yield ctx.finding(
                f"{year}年预算的项目实施周期为 {span}（“{text.strip()[:40]}”），不含预算年度",
                expected=f"含 {year} 年",
                actual=snippet(p.text, at, at + len(text), pad=0),
                **p.where(at),
            )
    projects = records(budget, "projects")
    if not projects or "start" not in projects[0]:
        return
    for rec in projects:
        years = [int(str(v)[:4]) for v in (rec.get("start"), rec.get("end")) if isinstance(v, str) and v[:4].isdigit()]
        if len(years) == 2 and _outside(years, year):
            line = rec.get("line")
            yield ctx.finding(
                f"项目“{rec.get('name')}”绩效目标申报表的实施期 {rec.get('start')} 至 {rec.get('end')} 不含预算年度 {year} 年",
                expected=f"含 {year} 年",
                actual=f"{rec.get('start')} — {rec.get('end')}",
                table="projects",
                row=rec.get("name"),
                line=int(line) if isinstance(line, (int, float)) and line == line else None,
            )


@hookimpl
def auditor_register_rules():
    return [printed_twice, period_outside_year]

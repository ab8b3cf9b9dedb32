"""Disclosure-completeness rules: the nine tables, the required sections, the table of contents, table headers."""

from __future__ import annotations

import re

from auditor import hookimpl, rule
from auditor.model import NINE_TABLES

DISC_001 = {
    "regulation": "财预〔2016〕143号《地方预决算公开操作规程》；上海区级部门预算公开模板（九张表）",
    "article": "DISCLOSURE-001",
    "confidence": "H",
    "sources": ["S2", "S5", "S6"],
}

SECTION_LABELS = {
    "functions": "部门主要职能",
    "organisation": "部门机构设置",
    "glossary": "名词解释",
    "budget_notes": "部门预算编制说明",
    "other_notes": "其他相关情况说明",
    "sangong_notes": "“三公”经费预算情况说明",
    "operating_notes": "机关运行经费预算",
    "procurement_notes": "政府采购预算情况",
    "performance_notes": "绩效目标设置情况",
    "assets_notes": "国有资产占有使用情况",
    "project_notes": "项目经费情况说明",
}


def _meta_table_location(info):
    return {"line": info.line, "page": info.page}


@rule(
    "DS001",
    name="nine-tables-present",
    title="All nine budget tables are published",
    severity="error",
    tags=["disclosure"],
    reference=DISC_001,
    description="Matched by title; the 政府性基金 and 国有资本经营 tables must be published even when empty.",
    cases=[
        {
            "name": "all present",
            "fires": 0,
            "budget": {"meta": {"tables": {k: {"title": v} for k, v in NINE_TABLES.items()}}},
        },
        {
            "name": "two missing",
            "fires": 2,
            "budget": {"meta": {"tables": {k: {"title": v} for k, v in list(NINE_TABLES.items())[:7]}}},
        },
    ],
)
def nine_tables(budget, ctx):
    for key, title in NINE_TABLES.items():
        if key not in budget.meta.tables:
            yield ctx.finding(
                f"缺少预算表：{title}",
                table=key,
                expected=title,
                actual=None,
            )


SECTION_REF = {
    "regulation": "财预〔2016〕143号（部门预算说明：职责、机构设置、收支增减变化、名词解释等）；上海区级模板",
    "article": "DISCLOSURE-002/003/004/005",
    "confidence": "H",
    "sources": ["S2", "S4", "S5", "S6"],
}


@rule(
    "DS002",
    name="required-sections-present",
    title="The required sections and sub-sections are present",
    severity="warning",
    tags=["disclosure"],
    reference=SECTION_REF,
    params={
        "required": [
            "functions",
            "organisation",
            "glossary",
            "budget_notes",
            "other_notes",
            "sangong_notes",
            "operating_notes",
            "procurement_notes",
            "performance_notes",
            "assets_notes",
        ],
    },
    cases=[
        {
            "name": "all",
            "fires": 0,
            "budget": {"meta": {"sections": {k: {"title": v} for k, v in SECTION_LABELS.items()}}},
        },
        {
            "name": "no glossary",
            "fires": 1,
            "budget": {"meta": {"sections": {k: {"title": v} for k, v in SECTION_LABELS.items() if k != "glossary"}}},
        },
    ],
)
def required_sections(budget, ctx):
    for key in ctx.params["required"]:
        if key not in budget.meta.sections:
            yield ctx.finding(
                f"缺少章节：{SECTION_LABELS.get(key, key)}", expected=SECTION_LABELS.get(key, key), actual=None
            )


@rule(
    "DS003",
    name="project-notes-present",
    title="A department budget describes its key projects (项目经费情况说明)",
    severity="warning",
    tags=["disclosure"],
    reference={**SECTION_REF, "article": "DISCLOSURE-006", "confidence": "M"},
    cases=[
        {"name": "unit budget exempt", "fires": 0, "budget": {"meta": {"kind": "单位预算", "sections": {}}}},
        {
            "name": "department without",
            "fires": 1,
            "budget": {"meta": {"kind": "部门预算", "sections": {"functions": {"title": "x"}}}},
        },
    ],
)
def project_notes(budget, ctx):
    if budget.meta.kind == "部门预算" and "project_notes" not in budget.meta.sections:
        yield ctx.finding("部门预算未公开项目经费情况说明", expected="项目经费情况说明", actual=None)


def _norm_title(text: str) -> str:
    text = re.sub(r"^\s*(?:[一二三四五六七八九十]+、|\d+\s*[.．、]\s*|表\s*\d+\s*)", "", str(text))
    text = re.sub(r"\d{4}\s*年(?:度)?", "", text)
    text = re.sub(r"[\s\"“”'‘’「」…\.·]+|\d+$", "", text)
    return text.replace("单位", "部门")


@rule(
    "DS004",
    name="toc-matches-body",
    title="The table of contents lists what the body contains",
    severity="warning",
    tags=["disclosure", "editorial"],
    reference={"regulation": "公开文本目录与正文一致", "article": "quality", "confidence": "H", "sources": ["S5"]},
    cases=[
        {
            "name": "matches",
            "fires": 0,
            "budget": {
                "meta": {
                    "toc": [{"title": "1. 2024年部门财务收支预算总表"}],
                    "tables": {"fiscal_summary": {"title": "2024年部门财务收支预算总表"}},
                }
            },
        },
        {
            "name": "table missing from body",
            "fires": 1,
            "budget": {
                "meta": {
                    "toc": [{"title": "1. 2024年部门财务收支预算总表"}, {"title": "2. 2024年部门收入预算总表"}],
                    "tables": {"fiscal_summary": {"title": "2024年部门财务收支预算总表"}},
                }
            },
        },
    ],
)
def toc_matches_body(budget, ctx):
    toc = budget.meta.toc
    if not toc:
        return
    body = {_norm_title(t.title) for t in budget.meta.tables.values()}
    for entry in toc:
        title = _norm_title(entry.get("title", ""))
        if not any(title.endswith(_norm_title(t)) for t in NINE_TABLES.values()):
            continue  # a section entry; sections are checked by DS002
        if title not in body and not any(b.endswith(title) or title.endswith(b) for b in body):
            yield ctx.finding(
                f"目录列出“{entry.get('title')}”，正文中未找到该表",
                expected=entry.get("title"),
                actual=None,
                line=entry.get("line"),
                page=entry.get("page"),
            )
    toc_titles = [_norm_title(e.get("title", "")) for e in toc]
    for key, info in budget.meta.tables.items():
        t = _norm_title(info.title)
        if not any(x.endswith(t) or t.endswith(x) for x in toc_titles if x):
            yield ctx.finding(
                f"正文中的“{info.title}”未列入目录",
                table=key,
                expected="列入目录",
                actual=info.title,
                **_meta_table_location(info),
            )


@rule(
    "DS005",
    name="table-header-complete",
    title="Each table states its 编制部门 and its unit",
    severity="warning",
    tags=["disclosure"],
    reference={
        "regulation": "上海区级部门预算公开模板（表头列明编制部门、金额单位）",
        "article": "DISCLOSURE-001",
        "confidence": "H",
        "sources": ["S5"],
    },
    cases=[
        {
            "name": "complete",
            "fires": 0,
            "budget": {
                "meta": {"tables": {"fiscal_summary": {"title": "财务收支预算总表", "unit": "元", "department": "X局"}}}
            },
        },
        {
            "name": "no unit",
            "fires": 1,
            "budget": {
                "meta": {"tables": {"fiscal_summary": {"title": "财务收支预算总表", "unit": None, "department": "X局"}}}
            },
        },
    ],
)
def table_header(budget, ctx):
    for key, info in budget.meta.tables.items():
        if not info.department:
            yield ctx.finding(
                f"“{info.title}”未列明编制部门",
                table=key,
                column="编制部门",
                expected="编制部门：……",
                actual=None,
                **_meta_table_location(info),
            )
        if not info.unit:
            assumed = info.unit_assumed or ("万元" if key == "sangong" else "元")
            yield ctx.finding(
                f"“{info.title}”未列明金额单位（按模板读作{assumed}）",
                table=key,
                column="单位",
                expected="单位：元/万元",
                actual=None,
                **_meta_table_location(info),
            )


GLOSSARY_TERMS = ("基本支出", "项目支出", "三公", "机关运行经费")


@rule(
    "DS006",
    name="glossary-terms",
    title="The 名词解释 defines 基本支出, 项目支出, “三公”经费 and 机关运行经费",
    severity="info",
    tags=["disclosure"],
    reference={**SECTION_REF, "article": "DISCLOSURE-003", "confidence": "M"},
    cases=[
        {
            "name": "all four defined",
            "fires": 0,
            "budget": {
                "meta": {"sections": {"glossary": {"title": "名词解释", "line": 1}}},
                "lines": [
                    "名词解释",
                    "（一）基本支出预算：……",
                    "（二）项目支出预算：……",
                    "（三）“三公”经费：……",
                    "（四）机关运行经费：……",
                ],
            },
        },
        {
            "name": "机关运行经费 not defined",
            "fires": 1,
            "budget": {
                "meta": {"sections": {"glossary": {"title": "名词解释", "line": 1}}},
                "lines": ["名词解释", "（一）基本支出预算：……", "（二）项目支出预算：……", "（三）“三公”经费：……"],
            },
        },
    ],
)
def glossary_terms(budget, ctx):
    doc = budget.document
    glossary = budget.meta.sections.get("glossary")
    if doc is None or glossary is None:
        return
    following = [s for s in budget.meta.sections.values() if _after(s, glossary)]
    end = min(following, key=_pos, default=None)
    text = "".join(
        ln.text for ln in doc.lines if _pos_line(ln) >= _pos(glossary) and (end is None or _pos_line(ln) < _pos(end))
    )
    for term in GLOSSARY_TERMS:
        if term not in text:
            yield ctx.finding(
                f"名词解释未解释“{term}”",
                expected=term,
                actual=None,
                line=glossary.line,
                page=glossary.page,
            )


def _pos(section):
    return (section.page or 0, section.line or 0)


def _pos_line(line):
    return (line.page or 0, line.line)


def _after(a, b):
    return _pos(a) > _pos(b)


@hookimpl
def auditor_register_rules():
    return [nine_tables, required_sections, project_notes, toc_matches_body, table_header, glossary_terms]

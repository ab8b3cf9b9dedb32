"""Disclosure rules that need more than presence: the table of contents against the body, the glossary.

The presence checks (the nine tables, the required sections, table headers: DS001/DS002/DS003/DS005)
are YAML ``require`` rules in ``rules/disclosure.yaml``, which also own the lists of what is required.
"""

from __future__ import annotations

from auditor import hookimpl, lazyre, numbering, rule
from auditor.model import NINE_TABLES


def _meta_table_location(info):
    return {"line": info.line, "page": info.page}


SECTION_REF = {
    "regulation": "财预〔2016〕143号（部门预算说明：职责、机构设置、收支增减变化、名词解释等）；上海区级模板",
    "article": "DISCLOSURE-002/003/004/005",
    "confidence": "H",
    "sources": ["S2", "S4", "S5", "S6"],
}


_TABLE_NO = lazyre.compile(r"^\s*表\s*\d+\s*")
_YEAR = lazyre.compile(r"\d{4}\s*年(?:度)?")
_TITLE_NOISE = lazyre.compile(r"[\s\"“”'‘’「」…\.·]+|\d+$")


def _norm_title(text: str) -> str:
    text = _TABLE_NO.sub("", numbering.strip(str(text)))
    text = _YEAR.sub("", text)
    text = _TITLE_NOISE.sub("", text)
    return text.replace("单位", "部门")


#: the nine tables' titles as _norm_title leaves them (a TOC entry ending in one names a table)
_NINE_TITLES = tuple(_norm_title(t) for t in NINE_TABLES.values())


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
        if not any(title.endswith(t) for t in _NINE_TITLES):
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
    return [toc_matches_body, glossary_terms]

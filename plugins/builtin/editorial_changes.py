"""Editorial rules on the explanations of changes (说明预算收支增减变化情况及原因): a reason clause
with nothing in it, and the years a change is stated against (the budget year and the year before).

The prose is read as paragraphs (``Budget.paragraphs()``); each finding quotes the offending text
and points at its line (and page for PDFs). The other editorial rules are ``editorial.py``.
"""

from __future__ import annotations

from auditor import hookimpl, lazyre, rule
from auditor.text import snippet

NOTES = {
    "regulation": "财预〔2016〕143号（说明预算收支增减变化情况及原因）",
    "article": "DISCLOSURE-004",
    "confidence": "H",
    "sources": ["S2", "S5"],
}


# --- ED004 empty reason ---------------------------------------------------------------------------

_EMPTY_REASON = lazyre.compile(r"主要原因(?:是|为)?\s*(?:[：:]\s*)?(?:无|略|暂无)?\s*(?=[。；;，,]|$)")


@rule(
    "ED004",
    name="empty-reason",
    title="A reason clause with no content (主要原因是。)",
    severity="warning",
    tags=["editorial", "narrative"],
    reference=NOTES,
    cases=[
        {"name": "reason given", "fires": 0, "budget": {"text": "比2023年预算减少6.19%。主要原因是：项目调整。"}},
        {"name": "empty", "fires": 1, "budget": {"text": "比2023年预算减少6.19%。主要原因是。"}},
        {"name": "colon then stop", "fires": 1, "budget": {"text": "比2023年预算减少6.19%。主要原因是：。"}},
        {"name": "无", "fires": 1, "budget": {"text": "比2023年预算减少6.19%。主要原因：无"}},
    ],
)
def empty_reason(budget, ctx):
    for p in budget.paragraphs():
        for m in _EMPTY_REASON.finditer(p.text):
            end = min(len(p.text), m.end() + 1)
            yield ctx.finding(
                f"原因说明为空：“{p.text[m.start() : end].strip()}”",
                actual=snippet(p.text, m.start(), end, pad=16),
                expected="主要原因是：（具体原因）。",
                **p.where(m.start()),
            )


# --- ED008 budget year and comparison year ------------------------------------------------------------

_COMPARE = lazyre.compile(
    r"(?:比|较|与|同)\s*(\d{4})\s*年(?:度)?[^，。；,;\d]{0,14}?(增加|减少|增长|下降|上升|降低|持平|相同|不变|一致)"
)
_BUDGET_YEAR = lazyre.compile(
    r"(?:^|(?<=[。；;\s、.．]))(\d{4})\s*年(?:度)?(?:[，,]?\s*(?:本部门|本单位)|(?:区级)?(?:部门|单位)(?:预算|财务|收入|支出|财政|一般|政府|国有|“|\")|[“\"]三公|[“\"][^”\"]{1,30}[”\"]项目预算安排)"
)


@rule(
    "ED008",
    name="budget-and-comparison-year",
    title="The budget year and the comparison year are used consistently",
    severity="warning",
    tags=["editorial", "year-over-year"],
    reference=NOTES,
    description=(
        "The budget year is the year of the cover title (meta.year). A stated change compares with the year "
        "before (比YYYY年 with YYYY = year − 1: a 2026 budget compares with 2025, not with 2026 or 2024); a "
        "title or a sentence that states this year's budget (2025年部门财务收支预算总表, 2025年本部门政府采购"
        "预算…, 2025年“三公”经费预算数…) names the budget year."
    ),
    cases=[
        {
            "name": "right years",
            "fires": 0,
            "budget": {"meta": {"year": 2025}, "text": "2025年“三公”经费预算数为1.00万元，与2024年预算持平。"},
        },
        {
            "name": "compared with itself",
            "fires": 1,
            "budget": {"meta": {"year": 2025}, "text": "2025年“三公”经费预算数为1.00万元，与2025年预算持平。"},
        },
        {
            "name": "compared with two years back",
            "fires": 1,
            "budget": {"meta": {"year": 2026}, "text": "2026年“三公”经费预算数为1.00万元，比2024年预算减少0.50万元。"},
        },
        {
            "name": "stale year in a title",
            "fires": 1,
            "budget": {"meta": {"year": 2025}, "text": "2024年本部门政府采购预算38.20万元。"},
        },
    ],
)
def years(budget, ctx):
    year = budget.meta.year
    doc = getattr(budget, "document", None)
    if not year or doc is None:
        return
    for p in budget.paragraphs():
        for m in _COMPARE.finditer(p.text):
            y = int(m.group(1))
            if y != year - 1:
                what = "与本年度比较" if y == year else f"应与{year - 1}年比较"
                yield ctx.finding(
                    f"{year}年预算的增减应与{year - 1}年比较，文中为“{m.group(0)}”（{what}）",
                    expected=str(year - 1),
                    actual=snippet(p.text, m.start(), m.end()),
                    **p.where(m.start()),
                )
        if p.section in ("assets_notes",):
            continue
        for m in _BUDGET_YEAR.finditer(p.text):
            y = int(m.group(1))
            if y != year:
                yield ctx.finding(
                    f"本年度为{year}年，文中为“{p.text[m.start() : m.end()]}”",
                    expected=str(year),
                    actual=snippet(p.text, m.start(), m.end()),
                    **p.where(m.start()),
                )


@hookimpl
def auditor_register_rules():
    return [empty_reason, years]

"""Checks a reviewer makes on the wording of the notes: contradictory change words (NR001), a
percentage change from a zero base (NR002), and a glossary that speaks of the wrong level of
government (NR003)."""

from __future__ import annotations

import re

from auditor import hookimpl, lazyre, rule
from auditor.text import snippet

NOTES = {
    "regulation": "财预〔2016〕143号（说明预算收支增减变化情况及原因）",
    "article": "DISCLOSURE-004",
    "confidence": "M",
    "sources": ["S2", "S5"],
}
QUALITY = {
    "regulation": "公开文本编校质量（无法律依据的质量规则）",
    "article": "DISCLOSURE-008 (quality)",
    "confidence": "M",
    "sources": ["S5"],
}

# --- NR001 contradictory or doubled change words ------------------------------------------------

_UP = "(?:增加|增长|上升)"
_DOWN = "(?:减少|下降|降低)"
_CONTRADICTORY = lazyre.compile(
    rf"(?:{_UP}|{_DOWN})持平|持平(?:{_UP}|{_DOWN})|({_UP})\1|({_DOWN})\2|{_UP}{_DOWN}|{_DOWN}{_UP}"
    r"|比[^，。；,;]{0,40}?(?:减增加|增减少|减增长|增下降)"
)


@rule(
    "NR001",
    name="contradictory-change-wording",
    title="A change stated with contradictory or doubled words (增加持平, 增加增加, 比…减增加)",
    severity="warning",
    tags=["narrative", "editorial"],
    reference=QUALITY,
    description=(
        "A comparison says one thing: 增加, 减少 or 持平. Two of them run together (增加持平, 减少增加), a "
        "doubled word (增加增加) or a half-deleted template pair (比上年减增加) leave the direction unclear."
    ),
    cases=[
        {"name": "one direction", "fires": 0, "budget": {"text": "比2024年预算增加12.50万元，增长3.10%。"}},
        {"name": "持平 alone", "fires": 0, "budget": {"text": "与2024年预算持平。"}},
        {"name": "增加持平", "fires": 1, "budget": {"text": "比2024年预算增加持平。"}},
        {"name": "doubled", "fires": 1, "budget": {"text": "比2024年预算增加增加12.50万元。"}},
        {"name": "half-deleted pair", "fires": 1, "budget": {"text": "比2024年预算减增加12.50万元。"}},
    ],
)
def contradictory_change_wording(budget, ctx):
    for p in budget.paragraphs():
        for m in _CONTRADICTORY.finditer(p.text):
            yield ctx.finding(
                f"增减表述矛盾或重复：“{m.group(0)}”",
                actual=snippet(p.text, m.start(), m.end(), pad=16),
                expected="增加 / 减少 / 持平 之一",
                **p.where(m.start()),
            )


# --- NR002 percentage change from a zero base ---------------------------------------------------

_ZERO_BASE = lazyre.compile(r"(?:为|是|比|较)\s*(?<![\d.,])0(?:\.0+)?\s*(?:万元|元)")
_PERCENT_CHANGE = lazyre.compile(rf"(?:{_UP}|{_DOWN})\s*(\d+(?:\.\d+)?)\s*[%％]")
_SENTENCE = lazyre.compile(r"[^。；;！？!?]+[。；;！？!?]?")


@rule(
    "NR002",
    name="percent-change-from-zero",
    title="A percentage change computed from a zero base (+100.00% against 0.00万元)",
    severity="warning",
    tags=["narrative", "year-over-year"],
    reference=NOTES,
    description=(
        "A change from nothing has no percentage: a sentence that compares with 0万元 (or 0元) and states "
        "增长 X% reports a figure that cannot be computed. Say 新增 and the amount instead."
    ),
    cases=[
        {
            "name": "a base that is not zero",
            "fires": 0,
            "budget": {"text": "2025年预算为20.00万元，2024年预算为10.00万元，增长100.00%。"},
        },
        {
            "name": "zero base without a percentage",
            "fires": 0,
            "budget": {"text": "2024年预算为0.00万元，2025年新增20.00万元。"},
        },
        {
            "name": "percentage against zero",
            "fires": 1,
            "budget": {"text": "2025年预算为20.00万元，2024年预算为0.00万元，增长100.00%。"},
        },
    ],
)
def percent_change_from_zero(budget, ctx):
    for p in budget.paragraphs():
        for s in _SENTENCE.finditer(p.text):
            sentence = s.group(0)
            zero = _ZERO_BASE.search(sentence)
            pct = _PERCENT_CHANGE.search(sentence)
            if zero and pct:
                at = s.start() + pct.start()
                yield ctx.finding(
                    f"对 0 基数计算增减百分比：“{sentence.strip()[:60]}”",
                    actual=snippet(p.text, at, at + len(pct.group(0)), pad=24),
                    expected="上年为 0 时不列百分比（写明新增金额）",
                    **p.where(at),
                )


# --- NR003 a glossary of the wrong level of government ------------------------------------------

_CITY_WORDS = lazyre.compile(r"市级(?:部门|财政|预算单位|预算|行政事业单位)|市财政局|本市各部门")
_DISTRICT_WORDS = lazyre.compile(r"区级(?:部门|财政|预算单位|预算|行政事业单位)|区财政局|本区各部门")


def _level(budget) -> str | None:
    """区 or 市: what level of government the document belongs to (title first, then the department)."""
    head = " ".join(ln.text for ln in budget.document.lines[:12]) if budget.document is not None else ""
    if "区级" in head:
        return "区"
    if "市级" in head:
        return "市"
    dept = budget.meta.department or ""
    if re.search(r"区(?!域)", dept):
        return "区"
    return None


@rule(
    "NR003",
    name="glossary-level-of-government",
    title="A district document whose 名词解释 speaks of 市级 departments and 市级财政 (or the reverse)",
    severity="warning",
    tags=["narrative", "editorial"],
    reference=QUALITY,
    description=(
        "The glossary of a 区级 budget explains its terms for the district (区级财政, 区级部门); 市级 "
        "wording there is copied from the city's template and describes another government (and the "
        "reverse for a 市级 budget)."
    ),
    cases=[
        {
            "name": "district glossary speaks of the district",
            "fires": 0,
            "budget": {
                "text": "上海市普陀区2025年区级部门预算\n名词解释\n财政拨款收入：指区级财政当年拨付的资金。",
            },
        },
        {
            "name": "district glossary speaks of the city",
            "fires": 1,
            "budget": {
                "text": "上海市普陀区2025年区级部门预算\n名词解释\n财政拨款收入：指市级财政当年拨付的资金。",
            },
        },
    ],
)
def glossary_level_of_government(budget, ctx):
    level = _level(budget)
    if level is None:
        return
    wrong = _CITY_WORDS if level == "区" else _DISTRICT_WORDS
    hits = [(p, m) for p in budget.paragraphs() if p.section == "glossary" for m in [wrong.search(p.text)] if m]
    if not hits:
        return
    # one copied glossary is one defect: reported once, at its first wrong term, with the count
    p, m = hits[0]
    words = "、".join(dict.fromkeys(m2.group(0) for _, m2 in hits))
    yield ctx.finding(
        f"{level}级预算的名词解释使用了{'市级' if level == '区' else '区级'}表述（{words}），共 {len(hits)} 条",
        actual=snippet(p.text, m.start(), m.end(), pad=16),
        expected=m.group(0).replace("市", "区") if level == "区" else m.group(0).replace("区", "市"),
        **p.where(m.start()),
    )


@hookimpl
def auditor_register_rules():
    return [contradictory_change_wording, percent_change_from_zero, glossary_level_of_government]

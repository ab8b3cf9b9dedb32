"""Project-fund rules: each funding block adds up and agrees with the prose and the 项目支出 total."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from auditor import hookimpl, lazyre, rule
from auditor.rulekit import (
    agrees,
    fact_fen,
    fact_location,
    fen_or_zero,
    first_fact,
    is_missing,
    mismatch,
    records,
    show,
    total_of,
    twin_note,
    unless_unread,
    yuan,
)

PROJECT_REF = {
    "regulation": "项目经费情况说明与项目支出绩效目标申报表（上海区级模板）",
    "article": "DISCLOSURE-006",
    "confidence": "M",
    "sources": ["S5", "S6"],
}
PERF_001 = {
    "regulation": "财预〔2016〕143号（逐步公开重点项目预算绩效目标）；上海区级模板“绩效目标设置情况”",
    "article": "PERF-001",
    "confidence": "H",
    "sources": ["S2", "S5"],
}


def _loc(row, column=None):
    return {
        "table": "projects",
        "row": str(row["name"]),
        "column": column,
        "line": None if is_missing(row.get("line")) else int(row["line"]),
        "page": None if is_missing(row.get("page")) else int(row["page"]),
    }


def _money(row, col):
    v = row.get(col)
    return None if is_missing(v) else int(v)


@rule(
    "PF001",
    name="project-funding-block-adds-up",
    title="项目资金总额 = 财政资金 + 其他资金; 年度资金申请总额 = 当年财政拨款 + 上年结转 + 其他资金",
    severity="error",
    tags=["project-funds", "arithmetic"],
    reference=PROJECT_REF,
    cases=[
        {
            "name": "adds up",
            "fires": 0,
            "budget": {
                "projects": [
                    {
                        "name": "P",
                        "total_funds": "100.00",
                        "fiscal_funds": "100.00",
                        "other_funds": "0.00",
                        "annual_request": "100.00",
                        "current_year_appropriation": "100.00",
                        "carryover": "0.00",
                        "annual_other": "0.00",
                    }
                ]
            },
        },
        {
            "name": "total wrong",
            "fires": 1,
            "budget": {
                "projects": [{"name": "P", "total_funds": "120.00", "fiscal_funds": "100.00", "other_funds": "0.00"}]
            },
        },
    ],
)
def funding_block(budget, ctx):
    for row in records(budget, "projects"):
        checks = [
            ("total_funds", ["fiscal_funds", "other_funds"], "项目资金总额", "财政资金 + 其他资金"),
            (
                "annual_request",
                ["current_year_appropriation", "carryover", "annual_other"],
                "年度资金申请总额",
                "当年财政拨款 + 上年结转 + 其他资金",
            ),
        ]
        for whole, parts, label, parts_label in checks:
            w = _money(row, whole)
            vals = [_money(row, p) for p in parts]
            if w is None or all(v is None for v in vals):
                continue
            s = sum(v or 0 for v in vals)
            if w != s:
                yield mismatch(
                    ctx,
                    f"项目“{row['name']}”{label} {show(w)} ≠ {parts_label} {show(s)}",
                    expected=s,
                    actual=w,
                    **_loc(row, whole),
                )


@rule(
    "PF002",
    name="project-prose-amount-equals-table",
    title="The 年度预算安排 stated in a project's prose equals its target table",
    severity="error",
    tags=["project-funds", "narrative"],
    reference=PROJECT_REF,
    cases=[
        {
            "name": "equal",
            "fires": 0,
            "budget": {"projects": [{"name": "P", "narrative_amount": "12240000.00", "annual_request": "12240000.00"}]},
        },
        {
            "name": "differs",
            "fires": 1,
            "budget": {"projects": [{"name": "P", "narrative_amount": "12000000.00", "annual_request": "12240000.00"}]},
        },
    ],
)
def prose_equals_table(budget, ctx):
    for row in records(budget, "projects"):
        stated = _money(row, "narrative_amount")
        table = _money(row, "annual_request")
        if table is None:
            table = _money(row, "total_funds")
        if stated is None or table is None:
            continue
        if not agrees(table, stated, "万元", 2):
            yield mismatch(
                ctx,
                f"项目“{row['name']}”说明中年度预算安排 {show(stated, '万元')} ≠ 绩效目标申报表 {show(table)}",
                expected=table,
                actual=stated,
                **_loc(row, "narrative_amount"),
            )


@rule(
    "PF003",
    name="described-projects-within-project-expenditure",
    title="The projects described sum to no more than 项目支出",
    severity="error",
    tags=["project-funds", "cross-table"],
    reference=PROJECT_REF,
    cases=[
        {
            "name": "within",
            "fires": 0,
            "budget": {
                "projects": [{"name": "P", "narrative_amount": "10.00"}],
                "tables": {
                    "expenditure_summary": [
                        {"code": None, "name": "合计", "total": "50.00", "basic": "20.00", "project": "30.00"}
                    ]
                },
            },
        },
        {
            "name": "exceeds",
            "fires": 1,
            "budget": {
                "projects": [{"name": "P", "narrative_amount": "40.00"}],
                "tables": {
                    "expenditure_summary": [
                        {"code": None, "name": "合计", "total": "50.00", "basic": "20.00", "project": "30.00"}
                    ]
                },
            },
        },
    ],
)
@unless_unread("expenditure_summary")
def projects_within_total(budget, ctx):
    projects = budget.table("projects")
    tr = total_of(budget, "expenditure_summary")
    if projects.empty or tr is None:
        return
    amounts = [_money(r, "narrative_amount") or _money(r, "annual_request") or 0 for r in records(budget, "projects")]
    s = sum(amounts)
    limit = fen_or_zero(tr["project"])
    if s > limit:
        yield ctx.finding(
            f"项目经费情况说明的 {len(amounts)} 个项目合计 {show(s)}，超过项目支出 {show(limit)}",
            table="expenditure_summary",
            row="合计",
            column="project",
            expected=f"≤ {yuan(limit)}",
            actual=yuan(s),
            line=None if is_missing(tr.get("line")) else int(tr["line"]),
            page=None if is_missing(tr.get("page")) else int(tr["page"]),
        )


@rule(
    "PF004",
    name="kpi-funds-within-project-expenditure",
    title="The project money with performance targets is no more than 项目支出",
    severity="error",
    tags=["project-funds", "kpi", "cross-table"],
    reference=PERF_001,
    cases=[
        {
            "name": "equal",
            "fires": 0,
            "budget": {
                "facts": [{"key": "kpi_amount", "value": "41672.69", "unit": "万元"}],
                "tables": {
                    "expenditure_summary": [
                        {
                            "code": None,
                            "name": "合计",
                            "total": "500000000.00",
                            "basic": "83273101.59",
                            "project": "416726898.41",
                        }
                    ]
                },
            },
        },
        {
            "name": "exceeds",
            "fires": 1,
            "budget": {
                "facts": [{"key": "kpi_amount", "value": "50000", "unit": "万元"}],
                "tables": {
                    "expenditure_summary": [
                        {
                            "code": None,
                            "name": "合计",
                            "total": "500000000.00",
                            "basic": "83273101.59",
                            "project": "416726898.41",
                        }
                    ]
                },
            },
        },
    ],
)
@unless_unread("expenditure_summary")
def kpi_funds(budget, ctx):
    fact = first_fact(budget, "kpi_amount")
    tr = total_of(budget, "expenditure_summary")
    if fact is None or tr is None or fact_fen(fact) is None:
        return
    stated = fact_fen(fact)
    limit = fen_or_zero(tr["project"])
    if stated > limit and not agrees(limit, stated, "万元", 2):
        yield ctx.finding(
            f"编报绩效目标的项目资金 {show(stated, '万元')} 超过项目支出 {show(limit)}",
            expected=f"≤ {yuan(limit)}",
            actual=yuan(stated),
            **fact_location(fact),
        )


_DEPT_NOISE = lazyre.compile(r"[\s()（）【】\[\]·、，,。.;；:：]|汇总|上海市|^市|^区")


def _dept(text) -> str:
    return _DEPT_NOISE.sub("", str(text or ""))


def same_department(prose, table) -> bool:
    """True when the prose names the table's department.

    The prose may name several (separated by ；), add 上海市, or the OCR may damage a character or
    two of the table cell, so names match by suffix or by close similarity.
    """
    t = _dept(table)
    for name in re.split(r"[；;]", str(prose or "")):
        p = _dept(name)
        if not p or not t:
            return True
        if p == t or p.endswith(t) or t.endswith(p) or t in p or t.startswith(p):
            return True
        if SequenceMatcher(None, p, t).ratio() >= 0.8:
            return True
    return False


@rule(
    "PF005",
    name="project-departments-agree",
    title="主管部门 and 实施单位 agree between a project's prose and its target table",
    severity="warning",
    tags=["project-funds", "narrative"],
    reference=PROJECT_REF,
    cases=[
        {
            "name": "same with prefix",
            "fires": 0,
            "budget": {
                "projects": [
                    {
                        "name": "P",
                        "narrative_competent_dept": "上海市公安局闵行分局",
                        "competent_dept": "公安局闵行分局(汇总)",
                    }
                ]
            },
        },
        {
            "name": "different",
            "fires": 1,
            "budget": {
                "projects": [
                    {
                        "name": "P",
                        "narrative_competent_dept": "闵行区委政法委",
                        "competent_dept": "公安局闵行分局(汇总)",
                    }
                ]
            },
        },
    ],
)
def departments_agree(budget, ctx):
    for row in records(budget, "projects"):
        for prose_col, table_col, label in (
            ("narrative_competent_dept", "competent_dept", "主管部门"),
            ("narrative_implementing_unit", "implementing_unit", "实施单位"),
        ):
            prose, table = row.get(prose_col), row.get(table_col)
            if is_missing(prose) or is_missing(table):
                continue
            if label == "实施单位" and re.search(r"招投标|政府采购|公司|供应商|中标|服务单位", str(prose)):
                continue  # the prose names the contractor, the table the budget unit that runs the project
            if not same_department(prose, table):
                yield ctx.finding(
                    f"项目“{row['name']}”{label}：说明为“{prose}”，绩效目标申报表为“{table}”",
                    expected=str(table),
                    actual=str(prose),
                    **_loc(row, prose_col),
                )


FIELD_LABELS = {
    "total_funds": "项目资金总额",
    "fiscal_funds": "财政资金",
    "other_funds": "其他资金",
    "annual_request": "年度资金申请总额",
    "current_year_appropriation": "当年财政拨款",
    "carryover": "上年结转资金",
    "annual_other": "其他资金（年度）",
}


#: a printed copy that is a figure: digits with their separators and spaces, at least three digits
_FIGURE = lazyre.compile(r"^(?=(?:\D*\d){3})[\d\s,，.．。]+$")


def _same_figure(printed: str, kept: int) -> bool:
    from auditor.money import ValueOutOfRange, to_fen

    try:
        return to_fen(printed) == kept
    except ValueOutOfRange:  # a "figure" no budget holds is not the same as the kept one
        return False


@rule(
    "PF006",
    name="project-figure-ocr-twins",
    title="A funding figure printed twice reads differently in its twin",
    severity="warning",
    tags=["project-funds"],
    reference=PROJECT_REF,
    description=(
        "The 申报表 prints some figures twice (or the text layer holds two copies). The finding says in how "
        "many digits the copies differ; on a document read by OCR a one-digit difference is also marked as a "
        "possible misreading. A copy that is no figure at all (OCR debris of a merged cell) is not a second "
        "printing."
    ),
    cases=[
        {"name": "no twins", "fires": 0, "budget": {"projects": [{"name": "P", "fiscal_funds": "10.00"}]}},
        {
            "name": "twin lost only its separators",
            "fires": 0,
            "budget": {
                "projects": [
                    {
                        "name": "P",
                        "fiscal_funds": "11000000.00",
                        "ocr_twins": [{"field": "fiscal_funds", "printed": "11 000 000 00", "line": 7}],
                    }
                ]
            },
        },
        {
            "name": "a copy that is no figure (debris of a merged cell) is not a second printing",
            "fires": 0,
            "budget": {
                "projects": [
                    {
                        "name": "P",
                        "fiscal_funds": "107541087.12",
                        "ocr_twins": [{"field": "fiscal_funds", "printed": "* , 一 .", "line": 7}],
                    }
                ]
            },
        },
        {
            "name": "ocr twin",
            "fires": 1,
            "budget": {
                "projects": [
                    {
                        "name": "P",
                        "fiscal_funds": "107541087.12",
                        "ocr_twins": [{"field": "fiscal_funds", "printed": "107, 541, 007. 12", "line": 7}],
                    }
                ]
            },
        },
    ],
)
def ocr_twins(budget, ctx):
    projects = budget.table("projects")
    if "ocr_twins" not in projects:
        return
    for row in records(budget, "projects"):
        twins = row.get("ocr_twins")
        if not isinstance(twins, list):
            continue
        for twin in twins:
            field = twin.get("field")
            kept = _money(row, field) if field in row else None
            printed = twin.get("printed")
            if kept is None or not printed or _same_figure(str(printed), kept):
                continue
            if re.sub(r"\D", "", str(printed)) == str(abs(kept)):
                continue  # same digits, only the OCR lost the separators: the same figure
            if not _FIGURE.match(str(printed).strip()):
                continue  # not a figure at all (OCR debris of a merged cell): no second printing
            yield ctx.finding(
                f"项目“{row['name']}”{FIELD_LABELS.get(field, field)}的两处印刷不一致：{show(kept)} 与 “{printed}”",
                expected=yuan(kept),
                actual=str(printed),
                note=twin_note(kept, printed),
                **{**_loc(row, field), "line": twin.get("line") or _loc(row)["line"]},
            )


@hookimpl
def auditor_register_rules():
    return [funding_block, prose_equals_table, projects_within_total, kpi_funds, departments_agree, ocr_twins]

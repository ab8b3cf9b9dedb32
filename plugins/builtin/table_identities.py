"""Arithmetic of the coded tables, one defect one finding: hierarchy (AR001–AR006), row identities
(AR010–AR015), and tables that cannot be read consistently (EX001).

The identities of the coded tables and the same code's figures in the other tables are diagnosed
together (``auditor.diagnosis``): a misprinted cell is reported once, at that cell, by the
hierarchy rule of its table when it breaks a subtotal, else by the row-identity rule, with the
identities it breaks as evidence. A table whose broken identities no small set of corrected cells
explains is reported once as not reliably read (EX001, tag ``extraction``), and the arithmetic and
cross-table errors computed from it (AR0xx, XT001) are withheld: a misread table is not a defect of
the document.
"""

from __future__ import annotations

from auditor import hookimpl, rule, rulekit
from auditor.diagnosis import COLUMN_NAMES, TITLES, Correction, Diagnosis, describe
from auditor.rulekit import ROUNDING_NOTE, show, yuan

STRUCTURE = {"regulation": "部门预算公开表格结构（上海区级模板）", "confidence": "H", "sources": ["S5"]}

KIND_NAMES = {"row": "本行各栏之和", "hierarchy": "上下级之和", "cross-table": "其他表同一科目"}


def diagnosis(budget) -> Diagnosis:
    """The diagnosis of the budget's coded tables, computed once per audit."""
    return rulekit.diagnosis(budget)


def _reported_by(corr: Correction) -> str:
    return "hierarchy" if "hierarchy" in corr.kinds() else "row" if "row" in corr.kinds() else "cross-table"


def _unexplained_message(d: Diagnosis, corr: Correction) -> str:
    parts = "；".join(
        f"{COLUMN_NAMES.get(c, c)} 印 {show(p)}，{KIND_NAMES[i.kind]} {show(s)}（相差 {show(p - s)}）"
        for (c, (p, s)), i in zip(corr.columns.items(), corr.broken)
    )
    text = f"{TITLES[corr.table]} {corr.row}：{parts}；不能确定是哪一格印错"
    if corr.within_rounding:
        text += ROUNDING_NOTE
    return text


def _message(d: Diagnosis, corr: Correction) -> str:
    if not corr.explained:
        return _unexplained_message(d, corr)
    cols = "、".join(COLUMN_NAMES.get(c, c) for c in corr.columns)
    printed = "、".join(show(p) for p, _ in corr.columns.values())
    fixed = "、".join(show(f) for _, f in corr.columns.values())
    diff = "、".join(show(p - f) for p, f in corr.columns.values())
    kinds = "、".join(KIND_NAMES[k] for k in ("hierarchy", "row", "cross-table") if k in corr.kinds())
    copies = sorted(
        {
            TITLES[c.table]
            for c in d.corrections
            if c is not corr and c.row == corr.row and c.columns.keys() & corr.columns.keys()
        }
    )
    text = (
        f"{TITLES[corr.table]} {corr.row} {cols} 印 {printed}，按{kinds}应为 {fixed}（相差 {diff}）；"
        f"该数使 {len(corr.broken)} 个等式不成立：" + "；".join(describe(i, d.labels) for i in corr.broken[:4])
    )
    if len(corr.broken) > 4:
        text += " 等"
    if copies:
        text += f"。同一数字亦印于{'、'.join(copies)}"
    if corr.within_rounding:
        text += ROUNDING_NOTE
    return text


def _findings(budget, ctx, table: str, kind: str):
    d = diagnosis(budget)
    for corr in d.corrections:
        if corr.table != table or _reported_by(corr) != kind:
            continue
        col = "total" if "total" in corr.columns else next(iter(corr.columns))
        printed, fixed = corr.columns[col]
        yield ctx.finding(
            _message(d, corr),
            table=table,
            row=corr.row,
            column=col,
            line=corr.line,
            page=corr.page,
            expected=yuan(fixed),
            actual=yuan(printed),
            severity="warning" if corr.within_rounding else None,
            note="rounding: the difference is within the rounding of the printed figures"
            if corr.within_rounding
            else None,
            evidence=[d.evidence(i) for i in corr.broken],
        )


def _rows(table: str, cols: dict[str, str], code: str = "204") -> dict:
    """A consistent little table (合计, 类, 款) for the rules' cases, and one with a misprinted 款."""
    kid = code + "01"
    good = [
        {"code": None, "name": "合计", **cols},
        {"code": code, "name": "类", **cols},
        {"code": kid, "name": "款", **cols},
    ]
    return {"tables": {table: good}}


def _case_tables(table: str, parts: list[str]):
    values = {"total": "10.00", parts[0]: "6.00", parts[1]: "4.00"}
    good = _rows(table, values, "301" if table == "gpb_basic_economic" else "204")
    rows = good["tables"][table]
    bad_middle = [dict(r) for r in rows]
    bad_middle[2]["total"] = "9.00"  # the 款's 合计 disagrees with its 类 and with its own columns
    bad_row = [dict(r) for r in rows]
    bad_row[1]["total"] = "9.00"  # the 类 disagrees with 合计, its 款 and its own columns
    return good, {"tables": {table: bad_middle}}, {"tables": {table: bad_row}}


def _make(code: str, name: str, title: str, article: str, table: str, kind: str, parts: list[str]):
    good, bad_kuan, _ = _case_tables(table, parts)
    # the row-identity rules report cells that break only their own row (a parent without children)
    lone_good = {
        "tables": {table: [{"code": "204", "name": "类", "total": "10.00", parts[0]: "6.00", parts[1]: "4.00"}]}
    }
    lone_bad = {
        "tables": {table: [{"code": "204", "name": "类", "total": "10.00", parts[0]: "6.00", parts[1]: "3.00"}]}
    }
    cases = (
        [
            {"name": "consistent", "fires": 0, "budget": good},
            {"name": "a misprinted 款 is reported once, at the 款", "fires": 1, "budget": bad_kuan},
        ]
        if kind == "hierarchy"
        else [
            {"name": "holds", "fires": 0, "budget": lone_good},
            {"name": "a row whose columns do not add up", "fires": 1, "budget": lone_bad},
            {"name": "a misprint that breaks a subtotal is the hierarchy rule's", "fires": 0, "budget": bad_kuan},
        ]
    )

    def check(budget, ctx):
        yield from _findings(budget, ctx, table, kind)

    check.__doc__ = title
    return rule(
        code,
        name=name,
        title=title,
        severity="error",
        tags=["arithmetic"],
        reference={**STRUCTURE, "article": article},
        description=(
            "The coded tables' identities (row: 合计 = Σ columns; hierarchy: 类 = Σ款, 款 = Σ项, 合计 = Σ类; "
            "the same code in 收入/支出预算总表 and the fund function tables) are diagnosed together: a "
            "misprinted cell is reported once, at that cell, listing the identities it breaks (evidence). "
            "A difference within the rounding of the printed precision is a warning."
        ),
        cases=cases,
        table=table,
    )(check)


_FUNCTION_PARTS = ["basic", "project"]
RULES = [
    _make(
        "AR001",
        "income-summary-hierarchy",
        "收入预算总表：类 = Σ款，款 = Σ项，合计 = Σ类",
        "CONSIST-007",
        "income_summary",
        "hierarchy",
        ["fiscal", "business"],
    ),
    _make(
        "AR002",
        "expenditure-summary-hierarchy",
        "支出预算总表：类 = Σ款，款 = Σ项，合计 = Σ类",
        "CONSIST-007",
        "expenditure_summary",
        "hierarchy",
        _FUNCTION_PARTS,
    ),
    _make(
        "AR003",
        "gpb-function-hierarchy",
        "一般公共预算支出功能分类预算表：类 = Σ款，款 = Σ项，合计 = Σ类",
        "CONSIST-007",
        "gpb_function",
        "hierarchy",
        _FUNCTION_PARTS,
    ),
    _make(
        "AR004",
        "gov-fund-function-hierarchy",
        "政府性基金预算支出功能分类预算表：类 = Σ款，款 = Σ项，合计 = Σ类",
        "CONSIST-007",
        "gov_fund_function",
        "hierarchy",
        _FUNCTION_PARTS,
    ),
    _make(
        "AR005",
        "soe-capital-function-hierarchy",
        "国有资本经营预算支出功能分类预算表：类 = Σ款，款 = Σ项，合计 = Σ类",
        "CONSIST-007",
        "soe_capital_function",
        "hierarchy",
        _FUNCTION_PARTS,
    ),
    _make(
        "AR006",
        "economic-hierarchy",
        "基本支出经济分类预算表：类 = Σ款，合计 = Σ类",
        "CONSIST-009",
        "gpb_basic_economic",
        "hierarchy",
        ["personnel", "public"],
    ),
    _make(
        "AR010",
        "income-row-identity",
        "收入预算总表每行：合计 = 财政拨款收入 + 事业收入 + 事业单位经营收入 + 其他收入",
        "CONSIST-003",
        "income_summary",
        "row",
        ["fiscal", "business"],
    ),
    _make(
        "AR011",
        "expenditure-row-identity",
        "支出预算总表每行：合计 = 基本支出 + 项目支出",
        "CONSIST-004",
        "expenditure_summary",
        "row",
        _FUNCTION_PARTS,
    ),
    _make(
        "AR012",
        "gpb-function-row-identity",
        "一般公共预算支出功能分类预算表每行：合计 = 基本支出 + 项目支出",
        "CONSIST-004",
        "gpb_function",
        "row",
        _FUNCTION_PARTS,
    ),
    _make(
        "AR013",
        "gov-fund-function-row-identity",
        "政府性基金预算支出功能分类预算表每行：合计 = 基本支出 + 项目支出",
        "CONSIST-004",
        "gov_fund_function",
        "row",
        _FUNCTION_PARTS,
    ),
    _make(
        "AR014",
        "soe-capital-function-row-identity",
        "国有资本经营预算支出功能分类预算表每行：合计 = 基本支出 + 项目支出",
        "CONSIST-004",
        "soe_capital_function",
        "row",
        _FUNCTION_PARTS,
    ),
    _make(
        "AR015",
        "economic-row-identity",
        "基本支出经济分类预算表每行：合计 = 人员经费 + 公用经费",
        "CONSIST-008",
        "gpb_basic_economic",
        "row",
        ["personnel", "public"],
    ),
]


def _misread_case() -> dict:
    # every row's columns shifted: no small set of corrections explains the table
    rows = [{"code": None, "name": "合计", "total": "30.00", "basic": "20.00", "project": "10.00"}]
    for n, code in enumerate(("201", "204", "205", "206", "208")):
        rows.append({"code": code, "name": "类", "total": f"{n + 1}.00", "basic": f"{n + 7}.00", "project": "1.00"})
    return {"tables": {"gpb_function": rows}}


@rule(
    "EX001",
    name="table-not-reliably-read",
    title="A table whose figures cannot be read consistently (extraction, not a document defect)",
    severity="warning",
    tags=["extraction"],
    reference={**STRUCTURE, "article": "CONSIST-003/004/007"},
    description=(
        "A coded table whose broken identities no small set of corrected cells explains was most likely "
        "misread from the source (columns shifted, rows lost or joined). It is reported once, naming the "
        "lines and the identities that do not hold; the arithmetic and cross-table errors computed from "
        "the table (AR001–AR015, XT001) are withheld, since the fault is the reading, not the document."
    ),
    cases=[
        {
            "name": "a consistent table",
            "fires": 0,
            "budget": _rows("gpb_function", {"total": "10.00", "basic": "6.00", "project": "4.00"}),
        },
        {"name": "a table misread throughout", "fires": 1, "budget": _misread_case()},
    ],
)
def table_not_reliably_read(budget, ctx):
    d = diagnosis(budget)
    for table, broken in d.unreliable.items():
        lines = sorted({d.labels[(i.lhs.table, i.lhs.index)]["line"] for i in broken} - {None})
        pages = sorted({d.labels[(i.lhs.table, i.lhs.index)]["page"] for i in broken} - {None})
        first = broken[0] if broken else None
        where = "、".join(str(n) for n in lines[:8]) + (" 等" if len(lines) > 8 else "")
        what = "；".join(describe(i, d.labels) for i in broken[:3]) + (" 等" if len(broken) > 3 else "")
        yield ctx.finding(
            f"{TITLES.get(table, table)}未能可靠读取：第 {where} 行的 {len(broken)} 个等式不成立（{what}），"
            "且无法由少数印刷错误解释；请核对原表，本表的算术与跨表检查已暂停",
            table=table,
            row=None if first is None else d.labels[(first.lhs.table, first.lhs.index)]["row"],
            line=lines[0] if lines else None,
            page=pages[0] if pages else None,
            evidence=[d.evidence(i) for i in broken[:20]],
        )


@hookimpl
def auditor_register_rules():
    return [*RULES, table_not_reliably_read]

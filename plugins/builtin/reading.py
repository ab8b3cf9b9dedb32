"""Tables not reliably read from the source (EX002): an extraction problem, reported once per table.

``auditor.reading`` judges each table from the model: a table whose printed lines carry amounts its
rows do not hold, or a two-sided 收支 summary / 三公 table whose identities no single misprint
explains. The finding names the lines and what did not hold; the rules that compute document errors
from the table (EF001, NV001, SG001–SG003, AR016/AR020/AR021, XT00x …) ask ``rulekit.readable`` and
withhold them, since the fault is the reading, not the document. The coded tables' identities are
EX001's (``plugins/builtin/table_identities.py``).
"""

from __future__ import annotations

from auditor import hookimpl, rule
from auditor.rulekit import unread_tables

STRUCTURE = {
    "regulation": "部门预算公开表格结构（上海区级模板）",
    "article": "CONSIST-001/002/005",
    "confidence": "H",
    "sources": ["S5"],
}

_TWO_SIDED_GOOD = [
    {"side": "income", "item": "一、财政拨款收入", "amount": "10.00"},
    {"side": "expenditure", "item": "一、公共安全支出", "amount": "7.00"},
    {"side": "expenditure", "item": "二、住房保障支出", "amount": "3.00"},
    {"side": "income", "item": "收入总计", "amount": "10.00"},
    {"side": "expenditure", "item": "支出总计", "amount": "10.00"},
]


def _with(changes: dict[int, str]) -> list[dict]:
    return [{**r, "amount": changes.get(i, r["amount"])} for i, r in enumerate(_TWO_SIDED_GOOD)]


@rule(
    "EX002",
    name="summary-table-not-reliably-read",
    title="A summary table whose rows or figures could not be read from the source (extraction, not a document defect)",
    severity="warning",
    tags=["extraction"],
    reference=STRUCTURE,
    description=(
        "A table whose printed lines carry amounts that its rows do not hold (fewer than half were read), "
        "or a two-sided 收支 summary or 三公 table whose identities (收入总计 = 支出总计, Σ items = 总计, "
        "合计 = Σ columns, 合计 = 出国 + 车 + 接待, 车 = 购置 + 运行) fail in a way no single misprinted cell "
        "explains, was misread from the source (a text extractor's layout). It is reported once, naming "
        "the lines and what did not hold, and the document errors computed from the table are withheld."
    ),
    cases=[
        {"name": "read and consistent", "fires": 0, "budget": {"tables": {"fiscal_summary": _TWO_SIDED_GOOD}}},
        {
            "name": "one misprinted item is the document's (AR020), not a misreading",
            "fires": 0,
            "budget": {"tables": {"fiscal_summary": _with({1: "8.00"})}},
        },
        {
            "name": "two sides off in ways no one cell explains",
            "fires": 1,
            "budget": {"tables": {"fiscal_summary": _with({1: "8.00", 3: "12.00"})}},
        },
        {
            "name": "amounts printed, none read",
            "fires": 1,
            "budget": {
                "tables": {"fiscal_summary": [{**r, "amount": None} for r in _TWO_SIDED_GOOD]},
                "meta": {"tables": {"fiscal_summary": {"amounts": 5}}},
            },
        },
    ],
)
def summary_table_not_reliably_read(budget, ctx):
    for key, problem in unread_tables(budget).items():
        info = budget.meta.tables.get(key)
        title = info.title if info is not None else key
        shown = "、".join(str(n) for n in problem.lines[:8]) + (" 等" if len(problem.lines) > 8 else "")
        where = f"（第 {shown} 行）" if shown else ""
        yield ctx.finding(
            f"“{title}”未能可靠读取{where}：{'；'.join(problem.reasons)}；"
            "可能是文本提取的版式所致，请核对原表，依据本表的检查已暂停",
            table=key,
            line=problem.line,
            page=problem.page,
        )


@hookimpl
def auditor_register_rules():
    return [summary_table_not_reliably_read]

"""部门决算 (final accounts) disclosure rules written in Python: empty tables and their notes.

The lists of required tables and sections are YAML rules (``rules/final-accounts.yaml``).
"""

from __future__ import annotations

from auditor import hookimpl, rule
from auditor.finalkit import PUBLICATION

_EMPTY_NOTE = ("无", "没有", "未")


@rule(
    "FA011",
    name="fa-empty-table-note",
    title="空表（三公、政府性基金、国有资本经营）须附说明；有数据的表不应写“本表无数据”",
    severity="error",
    tags=["disclosure", "empty-fund"],
    reference=PUBLICATION,
    kinds="final",
    cases=[
        {"name": "empty with note", "fires": 0, "budget": {"meta": {"tables": {"fa_gov_fund": {
            "title": "政府性基金预算财政拨款收入支出决算表", "empty": True, "notes": ["注：本单位无政府性基金预算财政拨款支出，故本表无数据。"]}}}}},
        {"name": "empty without note", "fires": 1, "budget": {"meta": {"tables": {"fa_gov_fund": {
            "title": "政府性基金预算财政拨款收入支出决算表", "empty": True, "notes": ["注：本表反映部门本年度政府性基金预算财政拨款收入支出情况。"]},
            "fa_summary": {"title": "收入支出决算总表", "empty": False}}}}},
        {"name": "a blank form is not judged", "fires": 0, "budget": {"meta": {"tables": {"fa_gov_fund": {
            "title": "政府性基金预算财政拨款收入支出决算表", "empty": True, "notes": []},
            "fa_summary": {"title": "收入支出决算总表", "empty": True}}}}},
    ],
)  # fmt: skip
def fa_empty_table_note(budget, ctx):
    """An empty table says why; a blank form (no 决算 table holds a figure, e.g. the template) is not judged."""
    if all(t.empty for k, t in budget.meta.tables.items() if k.startswith("fa_")):
        return
    for key in ("fa_sangong", "fa_gov_fund", "fa_soe_capital"):
        ti = budget.meta.tables.get(key)
        if ti is None:
            continue
        says_empty = [n for n in ti.notes if any(w in n for w in _EMPTY_NOTE) and ("无数据" in n or "支出" in n)]
        if ti.empty and not says_empty:
            yield ctx.finding(f"“{ti.title}”为空表，未说明原因（应注明“…无…，故本表无数据”）", table=key, line=ti.line, page=ti.page,
                              expected="注：…无…，故本表无数据")  # fmt: skip
        elif not ti.empty and any("无数据" in n for n in says_empty):
            yield ctx.finding(f"“{ti.title}”有数据，却注明本表无数据", table=key, line=ti.line, page=ti.page)


@hookimpl
def auditor_register_rules():
    return [fa_empty_table_note]

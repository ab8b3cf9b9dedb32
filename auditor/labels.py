"""How the documents name what the model keys: table titles and column headers, in Chinese.

The model's keys (``income_summary``, ``fiscal``) are for code; a reader sees the header the table
prints (``收入预算总表``, ``财政拨款``). Messages and report locations name columns and tables
through these functions, never by key.
"""

from __future__ import annotations

from .model import NINE_TABLES

#: Headers of columns that mean the same in every table.
COMMON_COLUMNS: dict[str, str] = {
    "code": "科目编码",
    "name": "科目名称",
    "total": "合计",
    "amount": "金额",
    "item": "项目",
    "side": "收支",
    "basic": "基本支出",
    "project": "项目支出",
    "fiscal": "财政拨款",
    "business": "事业收入",
    "operating": "事业单位经营收入",
    "other": "其他收入",
    "general_public": "一般公共预算",
    "gov_fund": "政府性基金预算",
    "soe_capital": "国有资本经营预算",
    "personnel": "人员经费",
    "public": "公用经费",
    "value": "指标值",
    "unit": "计量单位",
    "level1": "一级指标",
    "level2": "二级指标",
}

#: Headers that depend on the table.
TABLE_COLUMNS: dict[str, dict[str, str]] = {
    "sangong": {
        "total": "“三公”经费合计",
        "outbound": "因公出国（境）费",
        "vehicle_total": "公务用车购置及运行费",
        "vehicle_purchase": "公务用车购置费",
        "vehicle_operation": "公务用车运行费",
        "reception": "公务接待费",
        "operating_expenses": "机关运行经费",
    },
    "projects": {
        "name": "项目名称",
        "narrative_amount": "说明中的金额",
        "total_funds": "项目总额",
        "fiscal_funds": "财政拨款",
        "other_funds": "其他资金",
        "annual_request": "年度资金总额",
        "current_year_appropriation": "当年财政拨款",
        "carryover": "上年结转",
        "annual_other": "其他资金",
        "start": "起始年度",
        "end": "终止年度",
        "competent_dept": "主管部门",
        "implementing_unit": "实施单位",
        "overall_goal": "总目标",
        "annual_goal": "年度目标",
    },
    "indicators": {"name": "三级指标", "project": "项目名称"},
}

#: Titles of the frames that are not one of the nine tables.
OTHER_TABLES: dict[str, str] = {
    "projects": "项目经费情况说明",
    "indicators": "项目绩效目标申报表",
    "facts": "文字说明",
}


def column_label(table: str | None, column: str | None) -> str | None:
    """The header a table prints for a model column (the key itself when it has none)."""
    if column is None:
        return None
    col = str(column)
    specific = TABLE_COLUMNS.get(str(table or ""), {})
    return specific.get(col) or COMMON_COLUMNS.get(col) or col


def table_title(table: str | None, meta: object = None) -> str | None:
    """The table's title: as the document prints it (``meta.tables``) without the department
    and year prefix, else the template's title; the key itself for an unknown table."""
    if table is None:
        return None
    key = str(table)
    canonical = NINE_TABLES.get(key) or OTHER_TABLES.get(key)
    tables = getattr(meta, "tables", None) or {}
    info = tables.get(key) if isinstance(tables, dict) else None
    printed = getattr(info, "title", None) or (info.get("title") if isinstance(info, dict) else None)
    if printed and canonical and canonical.replace("“", "").replace("”", "") in printed.replace('"', ""):
        return canonical
    return canonical or printed or key

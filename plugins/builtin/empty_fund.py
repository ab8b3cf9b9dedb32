"""Empty fund categories: empty everywhere they appear, and empty tables published with a note that says so."""

from __future__ import annotations

from auditor import hookimpl, lazyre, rule
from auditor.rulekit import (
    fact_fen,
    fact_location,
    fact_records,
    fen_or_zero,
    is_missing,
    readable,
    records,
    show,
    total_record,
    yuan,
)

DISC_010 = {
    "regulation": "财预〔2016〕143号（没有数据的表格应当列出空表并说明）；上海区级模板空表说明",
    "article": "DISCLOSURE-010",
    "confidence": "H",
    "sources": ["S3", "S5", "S6"],
}

EMPTY_NOTE = lazyre.compile(
    r"无.{0,30}(?:预算|经费|支出|收入|安排).{0,20}(?:故|因此|所以)?.{0,6}(?:本表|此表).{0,4}(?:无数据|为空|空表)|本表(?:无数据|为空表?)|空表"
)

OPTIONAL_TABLES = ("gov_fund_function", "soe_capital_function", "sangong")


def _has_data(budget, key) -> bool:
    rows = records(budget, key)  # dicts, once per audit
    if not rows:
        return False
    if key == "sangong":
        cols = ["total", "outbound", "vehicle_total", "reception", "operating_expenses"]
        return any(fen_or_zero(r.get(c)) != 0 for c in cols for r in rows)
    if any(not is_missing(r.get("code")) for r in rows):
        return True
    tr = total_record(rows) if "code" in rows[0] else None
    return tr is not None and fen_or_zero(tr.get("total")) != 0


def _empty_note(info) -> str | None:
    for note in info.notes:
        if EMPTY_NOTE.search(note):
            return note
    return None


@rule(
    "EF001",
    name="empty-table-has-note",
    title="An empty table is published with a note saying why",
    severity="error",
    tags=["empty-fund", "disclosure"],
    reference=DISC_010,
    cases=[
        {
            "name": "empty with note",
            "fires": 0,
            "budget": {
                "meta": {
                    "tables": {
                        "gov_fund_function": {
                            "title": "政府性基金预算支出功能分类预算表",
                            "empty": True,
                            "notes": ["注：本部门2024年无政府性基金预算安排的支出，故本表无数据。"],
                        }
                    }
                }
            },
        },
        {
            "name": "empty without note",
            "fires": 1,
            "budget": {
                "meta": {
                    "tables": {
                        "gov_fund_function": {"title": "政府性基金预算支出功能分类预算表", "empty": True, "notes": []}
                    }
                }
            },
        },
    ],
)
def empty_table_note(budget, ctx):
    for key, info in budget.meta.tables.items():
        if _has_data(budget, key) or not (info.empty or key in OPTIONAL_TABLES):
            continue
        if not readable(budget, key):
            continue  # its printed amounts were not read: EX002 reports the reading, not an empty table
        if not _empty_note(info):
            yield ctx.finding(
                f"“{info.title}”无数据，但未说明原因（应注明“本年度无……，故本表无数据”）",
                table=key,
                expected="空表说明",
                actual=None,
                line=info.line,
                page=info.page,
            )


@rule(
    "EF002",
    name="empty-note-contradicts-data",
    title="A note saying a table has no data, on a table that has data",
    severity="error",
    tags=["empty-fund", "disclosure"],
    reference=DISC_010,
    cases=[
        {
            "name": "note and empty",
            "fires": 0,
            "budget": {
                "meta": {
                    "tables": {
                        "sangong": {
                            "title": "三公",
                            "notes": ["注:本部门2024年无“三公”经费和机关运行经费预算，故本表为空表。"],
                        }
                    }
                }
            },
        },
        {
            "name": "note but data",
            "fires": 1,
            "budget": {
                "meta": {
                    "tables": {
                        "sangong": {
                            "title": "三公",
                            "notes": ["注:本部门2024年无“三公”经费和机关运行经费预算，故本表为空表。"],
                        }
                    }
                },
                "tables": {"sangong": [{"total": "479100.00", "vehicle_total": "465600.00", "reception": "13500.00"}]},
            },
        },
    ],
)
def note_contradicts_data(budget, ctx):
    for key, info in budget.meta.tables.items():
        note = _empty_note(info)
        if note and _has_data(budget, key):
            yield ctx.finding(
                f"“{info.title}”注明“{note.strip()}”，但表中有数据",
                table=key,
                expected="删除空表说明或核对数据",
                actual=note.strip(),
                line=info.line,
                page=info.page,
            )


# category -> (label, places it appears: (table key, column) and prose fact keys)
CATEGORIES = {
    "gov_fund": (
        "政府性基金",
        [("gov_fund_function", "total"), ("fiscal_appropriation_summary", "gov_fund")],
        ["gov_fund_expenditure"],
    ),
    "soe_capital": (
        "国有资本经营",
        [("soe_capital_function", "total"), ("fiscal_appropriation_summary", "soe_capital")],
        ["soe_expenditure"],
    ),
    "business": ("事业收入", [("income_summary", "business")], ["business_income"]),
    "operating": ("事业单位经营收入", [("income_summary", "operating")], ["operating_income"]),
    "other": ("其他收入", [("income_summary", "other")], ["other_income"]),
}


@rule(
    "EF003",
    name="empty-category-consistent",
    title="A fund category that is empty in one place is empty everywhere",
    severity="error",
    tags=["empty-fund", "cross-table"],
    reference={**DISC_010, "article": "DISCLOSURE-010; CONSIST-002/005"},
    cases=[
        {
            "name": "empty everywhere",
            "fires": 0,
            "budget": {
                "tables": {"gov_fund_function": [{"code": None, "name": "合计"}]},
                "facts": [{"key": "gov_fund_expenditure", "value": "0", "unit": "元"}],
            },
        },
        {
            "name": "prose says amount, table empty",
            "fires": 1,
            "budget": {
                "tables": {"gov_fund_function": [{"code": None, "name": "合计"}]},
                "facts": [{"key": "gov_fund_expenditure", "value": "12.00", "unit": "万元"}],
            },
        },
    ],
)
def category_consistent(budget, ctx):
    for label, places, fact_keys in CATEGORIES.values():
        seen = []  # (description, amount fen, location kwargs)
        for key, col in places:
            if not readable(budget, key):
                continue
            rows = records(budget, key)  # dicts, once per audit: no pandas per row
            if not rows or col not in rows[0]:
                continue
            if key == "fiscal_appropriation_summary":
                tr = next(
                    (r for r in rows if r.get("side") == "expenditure" and "支出总计" in str(r.get("item"))), None
                )
            else:
                tr = total_record(rows) if "code" in rows[0] else None
            if tr is None:
                continue
            seen.append(
                (
                    f"{key}.{col}",
                    fen_or_zero(tr[col]),
                    {
                        "table": key,
                        "column": col,
                        "row": "合计",
                        "line": _int(tr.get("line")),
                        "page": _int(tr.get("page")),
                    },
                )
            )
        for fk in fact_keys:
            for fact in fact_records(budget, fk):
                fen = fact_fen(fact)
                if fen is not None:
                    seen.append((f"说明 {fact.get('text') or fk}", fen, {**fact_location(fact)}))
        empties = [s for s in seen if s[1] == 0]
        nonempty = [s for s in seen if s[1] != 0]
        if empties and nonempty:
            for desc, fen, loc in nonempty:
                yield ctx.finding(
                    f"{label}在{'、'.join(e[0] for e in empties)}中为空，但{desc}为 {show(fen)}",
                    expected="0.00",
                    actual=yuan(fen),
                    **loc,
                )


def _int(v):
    try:
        return None if v is None or v != v else int(v)
    except (TypeError, ValueError):
        return None


@hookimpl
def auditor_register_rules():
    return [empty_table_note, note_contradicts_data, category_consistent]

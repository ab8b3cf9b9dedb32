"""部门决算 (final accounts) rules: the tables' arithmetic and tables the loader could not read (the
same figure across tables is :mod:`final_cross`'s). They apply to final accounts only (``kinds="final"``); the tolerances are
those of :mod:`auditor.finalkit`.
"""

from __future__ import annotations

from auditor import hookimpl, rule
from auditor.finalkit import (
    TEMPLATE,
    loc,
    side_items,
    sum_finding,
    text_failures,
    unplaced_tables,
    wan,
    withheld_in_text,
)
from auditor.model import FA_NINE_TABLES
from auditor.money import tolerance
from auditor.rulekit import fen_or_zero, is_missing, records, yuan

_INCOME_SOURCES = [
    "一般公共预算财政拨款收入", "政府性基金预算财政拨款收入", "国有资本经营预算财政拨款收入", "上级补助收入",
    "事业收入", "经营收入", "附属单位上缴收入", "其他收入",
]  # fmt: skip
_NOT_CATEGORIES = {"本年支出合计", "结余分配", "年末结转和结余", "总计", "年末财政拨款结转和结余"}


@rule(
    "FA101",
    name="fa-summary-balances",
    title="收入支出决算总表：本年收入、本年支出、两边总计各自相加，收入总计 = 支出总计",
    severity="error",
    tags=["arithmetic"],
    reference=TEMPLATE,
    kinds="final",
    cases=[
        {
            "name": "balanced",
            "fires": 0,
            "budget": {"tables": {"fa_summary": [
                {"side": "income", "item": "一般公共预算财政拨款收入", "amount": "10.00"},
                {"side": "income", "item": "本年收入合计", "amount": "10.00"},
                {"side": "income", "item": "年初结转和结余", "amount": "1.00"},
                {"side": "income", "item": "总计", "amount": "11.00"},
                {"side": "expenditure", "item": "一般公共服务支出", "amount": "9.50"},
                {"side": "expenditure", "item": "本年支出合计", "amount": "9.50"},
                {"side": "expenditure", "item": "年末结转和结余", "amount": "1.50"},
                {"side": "expenditure", "item": "总计", "amount": "11.00"},
            ]}},
        },
        {
            "name": "a 类 figure changed",
            "fires": 1,
            "budget": {"tables": {"fa_summary": [
                {"side": "expenditure", "item": "一般公共服务支出", "amount": "9.40"},
                {"side": "expenditure", "item": "本年支出合计", "amount": "9.50"},
            ]}},
        },
        {
            "name": "totals differ",
            "fires": 2,
            "budget": {"tables": {"fa_summary": [
                {"side": "income", "item": "本年收入合计", "amount": "10.00"},
                {"side": "income", "item": "总计", "amount": "10.00"},
                {"side": "expenditure", "item": "本年支出合计", "amount": "10.00"},
                {"side": "expenditure", "item": "总计", "amount": "11.00"},
            ]}},
        },
    ],
)  # fmt: skip
@withheld_in_text
def fa_summary_balances(budget, ctx):
    """本年收入合计 = Σ 收入项目; 本年支出合计 = Σ 类; 总计 = 本年 + 结余/结转 (both sides); 收入总计 = 支出总计."""
    yield from _sides_balance(
        ctx, budget, "fa_summary", "", ["amount"], _INCOME_SOURCES,
        (("收入总计", "income", ["本年收入合计", "使用非财政拨款结余（含专用结余）", "年初结转和结余"]),
         ("支出总计", "expenditure", ["本年支出合计", "结余分配", "年末结转和结余"])),
    )  # fmt: skip


def _sides_balance(ctx, budget, key: str, prefix: str, columns: list[str], sources, totals):
    """The identities a two-sided table shares (收入支出决算总表, 财政拨款收入支出决算总表), in its
    first column for the income side and the 总计 lines, in every column for 本年支出合计 = Σ 类."""
    first = columns[0]
    inc, exp = side_items(budget, key, "income"), side_items(budget, key, "expenditure")
    if "本年收入合计" in inc and any(i in inc for i in sources):
        total = inc["本年收入合计"]
        f = sum_finding(ctx, f"{prefix}本年收入合计", total[first], [inc[i][first] for i in sources if i in inc],
                        **loc(key, total, first))  # fmt: skip
        if f:
            yield f
    cats = [r for i, r in exp.items() if i not in _NOT_CATEGORIES]
    if "本年支出合计" in exp and cats:
        total = exp["本年支出合计"]
        for col in columns:
            what = f"{prefix}本年支出合计" + (f"（{col}）" if len(columns) > 1 else "")
            f = sum_finding(ctx, what, total[col], [r[col] for r in cats], **loc(key, total, col))
            if f:
                yield f
    sides = {"income": inc, "expenditure": exp}
    for what, side, parts in totals:
        items = sides[side]
        if "总计" in items and parts[0] in items:
            f = sum_finding(ctx, f"{prefix}{what}", items["总计"][first], [items[p][first] for p in parts if p in items],
                            **loc(key, items["总计"], first))  # fmt: skip
            if f:
                yield f
    if "总计" in inc and "总计" in exp and fen_or_zero(inc["总计"][first]) != fen_or_zero(exp["总计"][first]):
        a, b = fen_or_zero(inc["总计"][first]), fen_or_zero(exp["总计"][first])
        yield ctx.finding(f"{FA_NINE_TABLES[key]}：收入总计 {wan(a)} ≠ 支出总计 {wan(b)}", expected=yuan(b), actual=yuan(a),
                          **loc(key, inc["总计"], first))  # fmt: skip


_FISCAL_FUNDS = ["general_public", "gov_fund", "soe_capital"]


@rule(
    "FA102",
    name="fa-fiscal-summary-balances",
    title="财政拨款收入支出决算总表：各行合计 = 三类财政拨款之和，各栏相加，收入总计 = 支出总计",
    severity="error",
    tags=["arithmetic"],
    reference=TEMPLATE,
    kinds="final",
    cases=[
        {
            "name": "balanced",
            "fires": 0,
            "budget": {"tables": {"fa_fiscal_summary": [
                {"side": "income", "item": "一般公共预算财政拨款", "total": "10.00"},
                {"side": "income", "item": "本年收入合计", "total": "10.00"},
                {"side": "income", "item": "总计", "total": "10.00"},
                {"side": "expenditure", "item": "一般公共服务支出", "total": "10.00", "general_public": "10.00"},
                {"side": "expenditure", "item": "本年支出合计", "total": "10.00", "general_public": "10.00"},
                {"side": "expenditure", "item": "总计", "total": "10.00", "general_public": "10.00"},
            ]}},
        },
        {
            "name": "row does not add up",
            "fires": 1,
            "budget": {"tables": {"fa_fiscal_summary": [
                {"side": "expenditure", "item": "一般公共服务支出", "total": "10.00", "general_public": "9.00"},
            ]}},
        },
    ],
)  # fmt: skip
@withheld_in_text
def fa_fiscal_summary_balances(budget, ctx):
    """Row 合计 = 一般公共 + 基金 + 国资; 本年收入合计 = 一+二+三; 年初 = its three sub-rows; column sums; 总计 both sides."""
    key = "fa_fiscal_summary"
    rows = records(budget, key)
    for r in rows:
        if r["side"] == "expenditure":
            f = sum_finding(ctx, f"{r['item']}（合计 = 一般公共预算 + 政府性基金 + 国有资本经营）", r["total"],
                            [r[c] for c in _FISCAL_FUNDS], **loc(key, r, "total"))  # fmt: skip
            if f:
                yield f
    inc = side_items(budget, key, "income")
    subs = [r for r in rows if r["side"] == "income" and not is_missing(r.get("parent"))]
    if "年初财政拨款结转和结余" in inc and subs:
        r = inc["年初财政拨款结转和结余"]
        f = sum_finding(ctx, "年初财政拨款结转和结余", r["total"], [s["total"] for s in subs], **loc(key, r, "total"))
        if f:
            yield f
    yield from _sides_balance(
        ctx, budget, key, "财政拨款", ["total", *_FISCAL_FUNDS],
        ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"),
        (("收入总计", "income", ["本年收入合计", "年初财政拨款结转和结余"]),
         ("支出总计", "expenditure", ["本年支出合计", "年末财政拨款结转和结余"])),
    )  # fmt: skip


#: (table, total column, the columns adding up to it, name)
_CODED = [
    ("fa_income", "total", ["fiscal", "superior_grant", "business", "operating", "affiliated", "other"], "收入决算表"),
    (
        "fa_expenditure",
        "total",
        ["basic", "project", "remit_superior", "operating", "subsidy_affiliated"],
        "支出决算表",
    ),
    ("fa_gpb_function", "total", ["basic", "project"], "一般公共预算财政拨款支出决算表"),
    ("fa_gov_fund", "expenditure", ["basic", "project"], "政府性基金预算财政拨款收入支出决算表"),
    ("fa_soe_capital", "expenditure", ["basic", "project"], "国有资本经营预算财政拨款收入支出决算表"),
]


def _coded_columns(key: str) -> list[str]:
    from auditor.model import FA_TABLE_COLUMNS

    return FA_TABLE_COLUMNS[key][1]


@rule(
    "FA103",
    name="fa-coded-tables-add-up",
    title="收入、支出、一般公共预算及两张基金表：每行合计 = 各栏之和；类 = Σ款 = Σ项；合计行 = Σ类；年初 + 收入 − 支出 = 年末",
    severity="error",
    tags=["arithmetic"],
    reference=TEMPLATE,
    kinds="final",
    cases=[
        {
            "name": "consistent",
            "fires": 0,
            "budget": {"tables": {"fa_gpb_function": [
                {"code": None, "name": "合计", "total": "10.00", "basic": "6.00", "project": "4.00"},
                {"code": "201", "name": "一般公共服务支出", "total": "10.00", "basic": "6.00", "project": "4.00"},
                {"code": "20106", "name": "财政事务", "total": "10.00", "basic": "6.00", "project": "4.00"},
                {"code": "2010601", "name": "行政运行", "total": "6.00", "basic": "6.00"},
                {"code": "2010602", "name": "一般行政管理事务", "total": "4.00", "project": "4.00"},
            ]}},
        },
        {
            "name": "a 项 figure changed breaks its row and its parent",
            "fires": 2,
            "budget": {"tables": {"fa_gpb_function": [
                {"code": "20106", "name": "财政事务", "total": "10.00", "basic": "6.00", "project": "4.00"},
                {"code": "2010601", "name": "行政运行", "total": "6.50", "basic": "6.00"},
                {"code": "2010602", "name": "一般行政管理事务", "total": "4.00", "project": "4.00"},
            ]}},
        },
        {
            "name": "fund row does not carry over",
            "fires": 1,
            "budget": {"tables": {"fa_gov_fund": [
                {"code": "212", "name": "城乡社区支出", "opening": "1.00", "income": "5.00", "expenditure": "4.00",
                 "basic": "4.00", "closing": "1.00"},
            ]}},
        },
    ],
)  # fmt: skip
@withheld_in_text
def fa_coded_tables_add_up(budget, ctx):
    """Row identities, the 类/款/项 hierarchy and the 合计 row of the five coded 决算 tables."""
    for key, total, parts, name in _CODED:
        rows = records(budget, key)
        if not rows:
            continue
        money = _coded_columns(key)
        for r in rows:
            f = sum_finding(
                ctx, f"{name} {r['code'] or '合计'} 行", r[total], [r[c] for c in parts], **loc(key, r, total)
            )
            if f:
                yield f
            if key in ("fa_gov_fund", "fa_soe_capital"):
                flows = [r["opening"], r["income"]]
                if any(not is_missing(v) for v in [*flows, r["expenditure"], r["closing"]]):
                    carried = fen_or_zero(r["opening"]) + fen_or_zero(r["income"]) - fen_or_zero(r["expenditure"])
                    if abs(carried - fen_or_zero(r["closing"])) > tolerance("万元", 2, 3):
                        yield ctx.finding(
                            f"{name} {r['code'] or '合计'}：年初 + 本年收入 − 本年支出 = {wan(carried)}，年末结转和结余印 {wan(r['closing'])}",
                            expected=yuan(carried), actual=yuan(fen_or_zero(r["closing"])), **loc(key, r, "closing"),
                        )  # fmt: skip
        coded = [r for r in rows if isinstance(r["code"], str)]
        under: dict[str, list[dict]] = {}  # a code's children: two digits longer, starting with it
        for k in coded:
            under.setdefault(k["code"][:-2], []).append(k)
        for parent in coded:
            kids = under.get(parent["code"], [])
            if not kids:
                continue
            for col in money:
                f = sum_finding(ctx, f"{name} {parent['code']} {col}（= 其下级科目之和）", parent[col],
                                 [k[col] for k in kids], **loc(key, parent, col))  # fmt: skip
                if f:
                    yield f
        totals = [r for r in rows if r["code"] is None]
        classes = [r for r in coded if len(r["code"]) == 3]
        if totals and classes:
            for col in money:
                f = sum_finding(ctx, f"{name} 合计行 {col}（= 各类之和）", totals[0][col], [c[col] for c in classes],
                                 **loc(key, totals[0], col))  # fmt: skip
                if f:
                    yield f


@rule(
    "FA104",
    name="fa-economic-table-adds-up",
    title="基本支出决算表：类 = Σ款；人员经费合计 = 301 + 303；公用经费合计 = 302 + 310",
    severity="error",
    tags=["arithmetic"],
    reference={**TEMPLATE, "confidence": "M"},
    kinds="final",
    cases=[
        {
            "name": "consistent",
            "fires": 0,
            "budget": {"tables": {"fa_gpb_basic_economic": [
                {"code": "301", "name": "工资福利支出", "amount": "5.00", "lane": "left"},
                {"code": "30101", "name": "基本工资", "amount": "5.00", "lane": "left"},
                {"code": "302", "name": "商品和服务支出", "amount": "2.00", "lane": "right"},
                {"code": "30201", "name": "办公费", "amount": "2.00", "lane": "right"},
                {"code": None, "name": "人员经费合计", "amount": "5.00", "lane": "left"},
                {"code": None, "name": "公用经费合计", "amount": "2.00", "lane": "right"},
            ]}},
        },
        {
            "name": "a 款 figure changed",
            "fires": 1,
            "budget": {"tables": {"fa_gpb_basic_economic": [
                {"code": "301", "name": "工资福利支出", "amount": "5.00", "lane": "left"},
                {"code": "30101", "name": "基本工资", "amount": "4.00", "lane": "left"},
            ]}},
        },
    ],
)  # fmt: skip
@withheld_in_text
def fa_economic_adds_up(budget, ctx):
    key = "fa_gpb_basic_economic"
    rows = records(budget, key)
    coded = {r["code"]: r for r in rows if isinstance(r["code"], str)}
    for cls in ("301", "302", "303", "310"):
        if cls not in coded:
            continue
        kids = [r["amount"] for c, r in coded.items() if len(c) == 5 and c.startswith(cls)]
        if kids:
            f = sum_finding(
                ctx,
                f"基本支出决算表 {cls}（= 其下各款之和）",
                coded[cls]["amount"],
                kids,
                **loc(key, coded[cls], "amount"),
            )
            if f:
                yield f
    named = {r["name"]: r for r in rows if r["code"] is None}
    for total, classes in (("人员经费合计", ("301", "303")), ("公用经费合计", ("302", "310"))):
        if total in named:
            parts = [coded[c]["amount"] for c in classes if c in coded]
            f = sum_finding(ctx, f"基本支出决算表{total}（= {' + '.join(classes)}）", named[total]["amount"], parts,
                             **loc(key, named[total], "amount"))  # fmt: skip
            if f:
                yield f


@rule(
    "FA105",
    name="fa-sangong-adds-up",
    title="三公经费决算表（预算数、决算数各自）：合计 = 出国 + 公务用车 + 接待；公务用车 = 购置 + 运行",
    severity="error",
    tags=["arithmetic", "sangong"],
    reference=TEMPLATE,
    kinds="final",
    cases=[
        {"name": "consistent", "fires": 0, "budget": {"tables": {"fa_sangong": [
            {"stage": "budget", "total": "2.85", "reception": "2.85"},
            {"stage": "final", "total": "1.39", "vehicle_total": "1.00", "vehicle_operation": "1.00", "reception": "0.39"}]}}},
        {"name": "决算数 component changed", "fires": 1, "budget": {"tables": {"fa_sangong": [
            {"stage": "final", "total": "0.39", "reception": "0.49"}]}}},
    ],
)  # fmt: skip
@withheld_in_text
def fa_sangong_adds_up(budget, ctx):
    key = "fa_sangong"
    for r in records(budget, key):
        stage = "预算数" if r["stage"] == "budget" else "决算数"
        f = sum_finding(
            ctx,
            f"三公经费{stage}",
            r["total"],
            [r["outbound"], r["vehicle_total"], r["reception"]],
            **loc(key, r, "total"),
        )
        if f:
            yield f
        f = sum_finding(ctx, f"公务用车购置及运行费{stage}", r["vehicle_total"], [r["vehicle_purchase"], r["vehicle_operation"]],
                         **loc(key, r, "vehicle_total"))  # fmt: skip
        if f:
            yield f


@rule(
    "FA901",
    name="fa-table-unreadable",
    title="决算表有无法可靠读取的行（提取问题，非文件缺陷）",
    severity="warning",
    tags=["extraction"],
    reference={"regulation": "budget-auditor: 读取质量提示", "confidence": "H"},
    kinds="final",
    cases=[
        {"name": "read", "fires": 0, "budget": {"meta": {"notes": []}}},
        {"name": "rows not placed", "fires": 1, "budget": {"meta": {"notes": ["fa_expenditure: figures of 2 row(s) could not be placed under their columns"]}}},
    ],
)  # fmt: skip
def fa_table_unreadable(budget, ctx):
    """A 决算 table whose figures could not all be placed, or (in extracted text) whose identities fail."""
    unsure: dict[str, list[str]] = {}
    for note in budget.meta.notes:
        key, _, text = str(note).partition(": ")
        if key in unplaced_tables(budget):
            unsure.setdefault(key, []).append(text)
    failures = text_failures(budget, ctx)
    for key in sorted(set(unsure) | set(failures), key=str):
        ti = budget.meta.tables.get(key)
        broken = failures.get(key, [])
        said = ["部分数字无法确定所在栏目"] if key in unsure else []
        if broken:
            said.append(f"从提取的文本读出的数字有 {len(broken)} 处勾稽不成立（首处：{broken[0].message}）")
        yield ctx.finding(f"{ti.title if ti else key}：{'；'.join(said)}，文本中栏目可能错位，相关核对不可靠，请对照原件",
                          table=key, page=broken[0].location.page if broken else (ti.page if ti else None),
                          line=broken[0].location.line if broken else (ti.line if ti else None),
                          note="; ".join(unsure.get(key, [])) or None)  # fmt: skip


@hookimpl
def auditor_register_rules():
    return [
        fa_summary_balances,
        fa_fiscal_summary_balances,
        fa_coded_tables_add_up,
        fa_economic_adds_up,
        fa_sangong_adds_up,
        fa_table_unreadable,
    ]

"""部门决算 情况说明 五（三）items, 三公 and the 其他重要事项 against the tables and themselves.

- FA306: the 五（三）items: each names a 项 of the 一般公共预算财政拨款支出决算表 and states its 决算;
  every 项 with spending is explained.
- FA307: “无‘三公’经费财政拨款支出” agrees with the 三公 table.
- FA308: 机关运行经费 does not exceed the 公用经费合计 of the basic-economic table.
- FA318: with only 行政 and 参公 units, 机关运行经费 equals the 公用经费合计 (an ``info`` when less).
- FA309: 政府采购: 货物 + 工程 + 服务 = the total; the reservations and awards do not exceed it.
- FA310: 国有资产: the vehicle categories add up to the total; the cut-off is the accounts year.
- FA311: 绩效 counts: the grades add up to the 自评 count; 已整改 + 正在整改 = 发现问题.
- FA312: 说明六 lists (主要包括) only the economic items the basic-economic table shows spending on.
- FA313: 七（二）gives the counts of each 三公 item with spending: 团组 and 人次, the vehicles bought and
  held, the 接待 批次 and 人次.
- FA315: 政府采购 awards: each within its reservation; the awards to SMEs (in reserved and in other
  projects) within the total.
- FA316: 政府采购: the share reserved for SMEs of the total, below 30% (an ``info``: the 30% applies to
  each suitable project, not to a department's total).
"""

from __future__ import annotations

from decimal import Decimal

from auditor import hookimpl, rule
from auditor.finalkit import (
    NOTES,
    at,
    from_text,
    half_step,
    item_name,
    item_section,
    pct,
    resolve_item,
    same_figure,
    sum_finding,
    unit_nature,
    unreliable,
    wan,
)  # fmt: skip
from auditor.rulekit import fact_records, fen_or_zero, first_fact, is_missing, records, yuan
from auditor.subjects import superseded


@rule(
    "FA306",
    name="fa-notes-items-match-table",
    title="情况说明五（三）逐项说明：科目名称与一般公共预算财政拨款支出决算表一致、支出决算等于该项数字、有支出的项均有说明",
    severity="error",
    tags=["narrative", "cross-table"],
    reference=NOTES,
    kinds="final",
    description=(
        "Each item is found in the table by its 类, 款 and 项 names; an item whose names are not the "
        "table's, but whose 决算 is that of exactly one 项 of its 类, names that 项 wrongly (a warning). "
        "The item's 支出决算 (and a figure printed after （项）) is the 项's total (a warning at 0.01万元, "
        "an error above). In a PDF, a 项 with spending that no item explains is a warning."
    ),
    cases=[
        {"name": "matches", "fires": 0, "budget": {
            "tables": {"fa_gpb_function": [{"code": "201", "name": "一般公共服务支出", "total": "10.00"},
                                           {"code": "20106", "name": "财政事务", "total": "10.00"},
                                           {"code": "2010601", "name": "行政运行", "total": "10.00"}],
                       "fa_items": [{"number": 1, "code": "2010601", "lei": "一般公共服务支出", "kuan": "财政事务", "xiang": "行政运行",
                                     "budget": "11.00", "final": "10.00"}]}}},
        {"name": "another 决算", "fires": 1, "budget": {
            "tables": {"fa_gpb_function": [{"code": "201", "name": "一般公共服务支出", "total": "10.00"},
                                           {"code": "20106", "name": "财政事务", "total": "10.00"},
                                           {"code": "2010601", "name": "行政运行", "total": "10.00"}],
                       "fa_items": [{"number": 1, "code": "2010601", "lei": "一般公共服务支出", "kuan": "财政事务", "xiang": "行政运行",
                                     "budget": "11.00", "final": "10.50"}]}}},
        {"name": "a superseded 项 name", "fires": 1, "budget": {
            "tables": {"fa_gpb_function": [{"code": "220", "name": "自然资源海洋气象等支出", "total": "45.00"},
                                           {"code": "22001", "name": "自然资源事务", "total": "45.00"},
                                           {"code": "2200199", "name": "其他自然资源事务支出", "total": "45.00"}],
                       "fa_items": [{"number": 11, "lei": "自然资源海洋气象等支出", "kuan": "自然资源事务",
                                     "xiang": "其他国土资源事务支出", "budget": "45.00", "final": "45.00"}]}}},
    ],
)  # fmt: skip
def fa_items_match_table(budget, ctx):
    if unreliable(budget, ctx, "fa_gpb_function"):
        return
    rows = records(budget, "fa_gpb_function")
    items = [i for i in records(budget, "fa_items") if item_section(i) == "fa_n5"]
    if not rows or not items:
        return
    explained: set[str] = set()
    for item in items:
        row, named = resolve_item(item, rows)
        if row is None:
            continue
        explained.add(row["code"])
        label = f"{item.get('number')}项 {item_name(item.get('lei'))}（类）{item_name(item.get('kuan'))}（款）{item_name(item.get('xiang'))}（项）"
        if not named:
            old = next((r for k in ("xiang", "kuan", "lei")
                        if (r := superseded(item_name(item.get(k)), budget.meta.year)) is not None), None)  # fmt: skip
            why = f"（“{old['old']}”为旧科目名称，{old['since']}年起为“{old['new']}”）" if old else ""
            yield ctx.finding(
                f"情况说明五（三）第{label}：科目名称与表中 {row['code']} {row['name']} 不一致{why}",
                severity="warning", expected=f"{row['code']} {row['name']}", actual=label, **at(item, "fa_items"),
            )  # fmt: skip
        for column in ("final", "heading_amount"):
            if not is_missing(item.get(column)):
                f = same_figure(ctx, f"情况说明五（三）第{label}支出决算 vs 表中 {row['code']}", item[column], row["total"],
                                **at(item, "fa_items"))  # fmt: skip
                if f:
                    yield f
    if from_text(budget):
        return  # a scrambled item heading in text is not a missing item
    resolved = [(resolve_item(i, rows)[0], i) for i in items]
    by_code = sorted(((str(row["code"]), n), i) for n, (row, i) in enumerate(resolved) if row is not None)
    unresolved = [i for row, i in resolved if row is None]
    for r in rows:
        code = r.get("code")
        if isinstance(code, str) and len(code) == 7 and fen_or_zero(r["total"]) and code not in explained:
            # an item of this 项's name or 决算 whose other names are not the table's: which side is wrong
            # is not known, so at the table's row; no such item: in 五（三）, at the item it should follow
            named = any(item_name(i.get("xiang")) == item_name(r["name"]) or i.get("final") == r["total"]
                        for i in unresolved)  # fmt: skip
            near = r if named else next((i for (c, _), i in reversed(by_code) if c < code), items[0])
            yield ctx.finding(f"情况说明五（三）未说明 {code} {r['name']}（{wan(r['total'])}，表第 {r.get('page')} 页）",
                              severity="warning", table="fa_gpb_function" if named else "fa_items", row=code,
                              line=near.get("line"), page=near.get("page"), expected=f"{code} {r['name']} 的逐项说明")  # fmt: skip


@rule(
    "FA307",
    name="fa-notes-no-sangong-agrees",
    title="称“无‘三公’经费财政拨款支出”时，“三公”经费支出决算表的决算数为 0",
    severity="error",
    tags=["narrative", "sangong"],
    reference=NOTES,
    kinds="final",
    cases=[
        {"name": "none and none", "fires": 0, "budget": {
            "tables": {"fa_sangong": [{"stage": "budget", "total": "0.95"}, {"stage": "final", "total": "0.00"}]},
            "facts": [{"key": "sangong_none", "value": "无“三公”经费财政拨款支出"}]}},
        {"name": "none but spent", "fires": 1, "budget": {
            "tables": {"fa_sangong": [{"stage": "final", "total": "0.39"}]},
            "facts": [{"key": "sangong_none", "value": "无“三公”经费财政拨款支出"}]}},
    ],
)  # fmt: skip
def fa_no_sangong(budget, ctx):
    final = next((r for r in records(budget, "fa_sangong") if r["stage"] == "final"), None)
    if final is None or unreliable(budget, ctx, "fa_sangong"):
        return
    for fact in fact_records(budget, "sangong_none"):
        if fen_or_zero(final["total"]):
            yield ctx.finding(f"情况说明称“{fact['value']}”，而“三公”经费支出决算表决算数合计为 {wan(final['total'])}",
                              expected=yuan(0), actual=yuan(fen_or_zero(final["total"])), **at(fact))  # fmt: skip


def _operating_and_public(budget, ctx) -> tuple[dict, dict] | None:
    """The 机关运行经费 fact and the 公用经费合计 row, when both are printed and the table is reliable."""
    public = next((r for r in records(budget, "fa_gpb_basic_economic") if r["name"] == "公用经费合计"), None)
    fact = first_fact(budget, "operating_expenses")
    if public is None or fact is None or is_missing(fact.get("amount")) or is_missing(public["amount"]):
        return None
    if unreliable(budget, ctx, "fa_gpb_basic_economic"):
        return None
    return fact, public


@rule(
    "FA308",
    name="fa-operating-expenses-within-public",
    title="机关运行经费不超过基本支出决算表的公用经费合计",
    severity="error",
    tags=["narrative", "cross-table"],
    reference=NOTES,
    kinds="final",
    description="机关运行经费 is the 日常公用经费 of the basic spending of 行政 and 参公 units, so it cannot exceed 公用经费合计.",
    cases=[
        {"name": "equal", "fires": 0, "budget": {
            "tables": {"fa_gpb_basic_economic": [{"code": None, "name": "公用经费合计", "amount": "184.65", "lane": "right"}]},
            "facts": [{"key": "operating_expenses", "value": "184.65", "unit": "万元"}]}},
        {"name": "more", "fires": 1, "budget": {
            "tables": {"fa_gpb_basic_economic": [{"code": None, "name": "公用经费合计", "amount": "142.80", "lane": "right"}]},
            "facts": [{"key": "operating_expenses", "value": "184.65", "unit": "万元"}]}},
    ],
)  # fmt: skip
def fa_operating_within_public(budget, ctx):
    got = _operating_and_public(budget, ctx)
    if got is None:
        return
    fact, public = got
    if int(fact["amount"]) > int(public["amount"]):
        yield ctx.finding(f"机关运行经费 {fact['value']}万元 超过公用经费合计 {wan(public['amount'])}",
                          expected=f"≤ {yuan(int(public['amount']))}", actual=yuan(int(fact["amount"])), **at(fact))  # fmt: skip


@rule(
    "FA318",
    name="fa-operating-expenses-equal-public",
    title="只有行政单位和参公事业单位的部门，机关运行经费等于公用经费合计",
    severity="info",
    tags=["narrative", "cross-table"],
    reference=NOTES,
    kinds="final",
    description=(
        "机关运行经费 is the 日常公用经费 of 行政 and 参公 units. When the 单位构成 table shows only such "
        "units (the department's own 本级 organ, units marked 参公 or 行政单位), it is the whole "
        "公用经费合计 of the basic-economic table; less suggests a figure or a unit left out. Units "
        "whose kind the table does not state (a 中心 with no remark, one merged into 本级) leave the "
        "check out; more than the 公用经费合计 is FA308's."
    ),
    cases=[
        {"name": "only administrative units, equal", "fires": 0, "budget": {
            "tables": {"fa_gpb_basic_economic": [{"code": None, "name": "公用经费合计", "amount": "184.65", "lane": "right"}],
                       "fa_units": [{"seq": "1", "name": "上海市普陀区财政局（本级）"}]},
            "facts": [{"key": "operating_expenses", "value": "184.65", "unit": "万元"}]}},
        {"name": "only administrative and 参公 units, less", "fires": 1, "budget": {
            "tables": {"fa_gpb_basic_economic": [{"code": None, "name": "公用经费合计", "amount": "184.65", "lane": "right"}],
                       "fa_units": [{"seq": "1", "name": "上海市普陀区规划和自然资源局（本级）"},
                                    {"seq": "2", "name": "上海市普陀区规划和自然资源局执法大队（下属参公事业单位）"}]},
            "facts": [{"key": "operating_expenses", "value": "142.80", "unit": "万元"}]}},
        {"name": "a 事业单位 among them", "fires": 0, "budget": {
            "tables": {"fa_gpb_basic_economic": [{"code": None, "name": "公用经费合计", "amount": "480.66", "lane": "right"}],
                       "fa_units": [{"seq": "1", "name": "上海市普陀区规划和自然资源局（本级）"},
                                    {"seq": "2", "name": "上海市普陀区土地发展中心（下属事业单位）"}]},
            "facts": [{"key": "operating_expenses", "value": "142.80", "unit": "万元"}]}},
        {"name": "a unit of unstated kind", "fires": 0, "budget": {
            "tables": {"fa_gpb_basic_economic": [{"code": None, "name": "公用经费合计", "amount": "184.65", "lane": "right"}],
                       "fa_units": [{"seq": "1", "name": "上海市普陀区财政局（本级）"},
                                    {"seq": "2", "name": "上海市普陀区国库收付中心", "remark": "预算不单列，并入本级"}]},
            "facts": [{"key": "operating_expenses", "value": "100.00", "unit": "万元"}]}},
        {"name": "within the printing", "fires": 0, "budget": {
            "tables": {"fa_gpb_basic_economic": [{"code": None, "name": "公用经费合计", "amount": "184.65", "lane": "right"}],
                       "fa_units": [{"seq": "1", "name": "上海市普陀区财政局（本级）"}]},
            "facts": [{"key": "operating_expenses", "value": "184.6", "unit": "万元"}]}},
    ],
)  # fmt: skip
def fa_operating_equals_public(budget, ctx):
    units = records(budget, "fa_units")
    kinds = {unit_nature(u["name"], u.get("remark")) for u in units}
    got = _operating_and_public(budget, ctx)
    if not units or not kinds <= {"行政", "参公"} or got is None:
        return
    fact, public = got
    stated, table = int(fact["amount"]), int(public["amount"])
    if table - stated > half_step(fact.get("value")) + half_step("0.00"):
        yield ctx.finding(f"单位构成只有行政单位和参公事业单位，机关运行经费 {fact['value']}万元 少于公用经费合计 {wan(table)}",
                          expected=yuan(table), actual=yuan(stated), **at(fact))  # fmt: skip


@rule(
    "FA309",
    name="fa-procurement-adds-up",
    title="政府采购：货物 + 工程 + 服务 = 采购总额；预留与授予中小企业的金额不超过总额",
    severity="error",
    tags=["narrative", "procurement"],
    reference={**NOTES, "regulation": "财预〔2016〕143号：政府采购（总额；货物/工程/服务；授予中小企业合同金额）"},
    kinds="final",
    cases=[
        {"name": "adds up", "fires": 0, "budget": {"facts": [
            {"key": "procurement:total", "value": "251.26", "unit": "万元"},
            {"key": "procurement:goods", "value": "4.79", "unit": "万元"},
            {"key": "procurement:services", "value": "246.47", "unit": "万元"},
            {"key": "procurement:sme_reserved", "value": "246.47", "unit": "万元"}]}},
        {"name": "a cent apart is rounding", "fires": 1, "budget": {"facts": [
            {"key": "procurement:total", "value": "251.25", "unit": "万元"},
            {"key": "procurement:goods", "value": "4.79", "unit": "万元"},
            {"key": "procurement:works", "value": "0", "unit": "万元"},
            {"key": "procurement:services", "value": "246.47", "unit": "万元"}]}},
        {"name": "parts exceed", "fires": 2, "budget": {"facts": [
            {"key": "procurement:total", "value": "251.25", "unit": "万元"},
            {"key": "procurement:goods", "value": "14.79", "unit": "万元"},
            {"key": "procurement:services", "value": "246.47", "unit": "万元"},
            {"key": "procurement:sme_reserved", "value": "300.00", "unit": "万元"}]}},
    ],
)  # fmt: skip
def fa_procurement(budget, ctx):
    facts = {
        k: first_fact(budget, f"procurement:{k}")
        for k in ("total", "goods", "works", "services", "sme_reserved", "small_reserved")
    }
    total = facts["total"]
    parts = [facts[k]["amount"] for k in ("goods", "works", "services") if facts[k] is not None]
    if total is not None and parts:
        f = sum_finding(ctx, "政府采购金额（= 货物 + 工程 + 服务）", total["amount"], parts, **at(total))
        if f:
            yield f
    for small, big, what in (("small_reserved", "sme_reserved", "面向小微企业预留 ≤ 面向中小企业预留"),
                             ("sme_reserved", "total", "面向中小企业预留 ≤ 政府采购金额")):  # fmt: skip
        a, b = facts[small], facts[big]
        if a is not None and b is not None and fen_or_zero(a["amount"]) > fen_or_zero(b["amount"]):
            yield ctx.finding(f"政府采购：{what}，而 {a['value']}万元 > {b['value']}万元",
                              expected=f"≤ {yuan(fen_or_zero(b['amount']))}", actual=yuan(fen_or_zero(a["amount"])), **at(a))  # fmt: skip


@rule(
    "FA310",
    name="fa-assets-add-up",
    title="国有资产：各类车辆之和 = 共有车辆数；截至日期为决算年度末",
    severity="error",
    tags=["narrative", "assets"],
    reference=NOTES,
    kinds="final",
    cases=[
        {"name": "consistent", "fires": 0, "budget": {"meta": {"year": 2024}, "facts": [
            {"key": "assets_year", "value": "2024"}, {"key": "vehicles", "value": "2", "unit": "辆"},
            {"key": "vehicles:执法执勤用车", "value": "2", "unit": "辆"}, {"key": "vehicles:其他用车", "value": "0", "unit": "辆"}]}},
        {"name": "categories and year off", "fires": 2, "budget": {"meta": {"year": 2024}, "facts": [
            {"key": "assets_year", "value": "2023"}, {"key": "vehicles", "value": "2", "unit": "辆"},
            {"key": "vehicles:执法执勤用车", "value": "1", "unit": "辆"}]}},
    ],
)  # fmt: skip
def fa_assets(budget, ctx):
    total = first_fact(budget, "vehicles")
    cats = [r for k in records(budget, "facts") if str(k["key"]).startswith("vehicles:") for r in [k]]
    if total is not None and cats:
        got = sum(int(c["value"]) for c in cats)
        if got != int(total["value"]):
            yield ctx.finding(f"国有资产：共有车辆 {total['value']} 辆，各类车辆合计 {got} 辆", expected=str(got),
                              actual=str(total["value"]), **at(total))  # fmt: skip
    year = first_fact(budget, "assets_year")
    if year is not None and budget.meta.year and int(year["value"]) != int(budget.meta.year):
        yield ctx.finding(f"国有资产：截至 {year['value']} 年 12 月 31 日，而决算年度为 {budget.meta.year} 年",
                          severity="warning", expected=str(budget.meta.year), actual=str(year["value"]), **at(year))  # fmt: skip


@rule(
    "FA311",
    name="fa-performance-counts",
    title="绩效：优 + 良 + 合格 + 不合格 = 自评项目数；已整改 + 正在整改 = 发现问题数；跟踪、自评项目数不超过编报数",
    severity="warning",
    tags=["narrative", "performance"],
    reference=NOTES,
    kinds="final",
    cases=[
        {"name": "consistent", "fires": 0, "budget": {"facts": [
            {"key": "perf:planned", "value": "4", "unit": "个"}, {"key": "perf:self_evaluated", "value": "4", "unit": "个"},
            {"key": "perf:excellent", "value": "3", "unit": "个"}, {"key": "perf:good", "value": "1", "unit": "个"},
            {"key": "perf:problems", "value": "0", "unit": "个"}]}},
        {"name": "grades short, problems without their state", "fires": 2, "budget": {"facts": [
            {"key": "perf:planned", "value": "4", "unit": "个"}, {"key": "perf:self_evaluated", "value": "4", "unit": "个"},
            {"key": "perf:excellent", "value": "3", "unit": "个"},
            {"key": "perf:problems", "value": "2", "unit": "个"}, {"key": "perf:fixed", "value": "1", "unit": "个"}]}},
    ],
)  # fmt: skip
def fa_performance(budget, ctx):
    n = {k: first_fact(budget, f"perf:{k}") for k in
         ("planned", "tracked", "self_evaluated", "excellent", "good", "pass", "fail", "problems", "fixed", "fixing")}  # fmt: skip
    v = {k: int(r["value"]) for k, r in n.items() if r is not None}
    grades = [k for k in ("excellent", "good", "pass", "fail") if k in v]
    if "self_evaluated" in v and grades and sum(v[k] for k in grades) != v["self_evaluated"]:
        yield ctx.finding(f"绩效：自评项目 {v['self_evaluated']} 个，而各评级项目合计 {sum(v[k] for k in grades)} 个",
                          expected=str(v["self_evaluated"]), actual=str(sum(v[k] for k in grades)), **at(n["self_evaluated"]))  # fmt: skip
    if v.get("problems"):
        states = [k for k in ("fixed", "fixing") if k in v]
        if sum(v[k] for k in states) != v["problems"]:
            yield ctx.finding(f"绩效：发现问题 {v['problems']} 个，已整改与正在整改合计 {sum(v[k] for k in states)} 个",
                              expected=str(v["problems"]), actual=str(sum(v[k] for k in states)), **at(n["problems"]))  # fmt: skip
    for k, what in (("tracked", "跟踪评价"), ("self_evaluated", "自评")):
        if k in v and "planned" in v and v[k] > v["planned"]:
            yield ctx.finding(f"绩效：{what}项目 {v[k]} 个，多于编报绩效目标的 {v['planned']} 个",
                              expected=f"≤ {v['planned']}", actual=str(v[k]), **at(n[k]))  # fmt: skip


def _economic_row(name: str, rows: list[dict]) -> dict | None:
    """The economic row a listed item names: the same name, or the name with 支出 after it."""
    for r in rows:
        printed = item_name(r.get("name"))
        if printed and name in (printed, f"{printed}支出", f"{printed}费"):
            return r
    return None


_ZERO_LISTS = {"income:": "说明二", "expenditure:": "说明三", "gpb_class:": "说明五（二）"}


@rule(
    "FA312",
    name="fa-notes-list-only-spent-items",
    title="说明二、三、五（二）只列有金额的项目，说明六“主要包括”只列基本支出决算表中有支出的经济分类科目（不涉及的不列）",
    severity="warning",
    tags=["narrative"],
    reference={**NOTES, "regulation": "部门决算公开模板：人员经费、公用经费主要包括……（不涉及的不列）"},
    kinds="final",
    cases=[
        {"name": "only spent items", "fires": 0, "budget": {
            "tables": {"fa_gpb_basic_economic": [{"code": "30101", "name": "基本工资", "amount": "10.00", "lane": "left"},
                                                 {"code": "30103", "name": "奖金", "amount": "0.00", "lane": "left"}]},
            "facts": [{"key": "personnel_items", "value": "基本工资、住房补贴"}]}},
        {"name": "a zero item listed", "fires": 1, "budget": {
            "tables": {"fa_gpb_basic_economic": [{"code": "30101", "name": "基本工资", "amount": "10.00", "lane": "left"},
                                                 {"code": "30103", "name": "奖金", "amount": "0.00", "lane": "left"}]},
            "facts": [{"key": "personnel_items", "value": "基本工资、奖金"}]}},
        {"name": "说明二 lists a source of 0", "fires": 1, "budget": {"facts": [
            {"key": "income:财政拨款收入", "value": "2940.05", "unit": "万元"},
            {"key": "income:事业收入", "value": "0.00", "unit": "万元"}]}},
    ],
)  # fmt: skip
def fa_lists_spent_items(budget, ctx):
    for fact in records(budget, "facts"):  # 二 income sources, 三 kinds of spending, 五（二）classes
        section = next((s for p, s in _ZERO_LISTS.items() if str(fact["key"]).startswith(p)), None)
        if section and not is_missing(fact.get("amount")) and not int(fact["amount"]):
            yield ctx.finding(f"{section}列有金额为 0 的“{str(fact['key']).split(':', 1)[1]}”（不涉及的不列）",
                              expected="只列有金额的项目", actual=fact.get("text"), **at(fact))  # fmt: skip
    rows = [
        r for r in records(budget, "fa_gpb_basic_economic") if isinstance(r.get("code"), str) and len(r["code"]) == 5
    ]
    if not rows or unreliable(budget, ctx, "fa_gpb_basic_economic"):
        return
    for key, what in (("personnel_items", "人员经费"), ("public_items", "公用经费")):
        for fact in fact_records(budget, key):
            names = [item_name(n).removesuffix("等") for n in str(fact["value"]).split("、")]
            zero = [n for n in names if (r := _economic_row(n, rows)) is not None and not fen_or_zero(r["amount"])]
            if zero:
                yield ctx.finding(f"说明六{what}“主要包括”列有表中支出为 0 的科目：{'、'.join(zero)}（不涉及的不列）",
                                  expected="只列有支出的科目", actual="、".join(zero), **at(fact))  # fmt: skip


_COUNTS = {
    "outbound": ("因公出国（境）费", {"groups": "团组数", "trips_persons": "出国人次"}),
    "vehicle_total": ("公务用车购置及运行费", {"fleet": "公务用车保有量"}),
    "vehicle_purchase": ("公务用车购置费", {"purchased": "购置数量"}),
    "reception": ("公务接待费", {"reception_batches": "接待批次", "reception_persons": "接待人次"}),
}


@rule(
    "FA313",
    name="fa-sangong-details-given",
    title="“三公”经费有支出的项目，说明七（二）列明因公出国团组与人次、公务用车购置与保有量、公务接待批次与人次",
    severity="warning",
    tags=["narrative", "sangong"],
    reference={**NOTES, "regulation": "财预〔2016〕143号；部门决算公开模板：“三公”经费支出决算具体情况"},
    kinds="final",
    cases=[
        {"name": "reception with its counts", "fires": 0, "budget": {
            "tables": {"fa_sangong": [{"stage": "final", "total": "0.39", "reception": "0.39"}]},
            "facts": [{"key": "sangong_count:reception_batches", "value": "2"},
                      {"key": "sangong_count:reception_persons", "value": "26"}]}},
        {"name": "reception without its persons", "fires": 1, "budget": {
            "tables": {"fa_sangong": [{"stage": "final", "total": "0.39", "reception": "0.39"}]},
            "facts": [{"key": "sangong_count:reception_batches", "value": "2"}]}},
    ],
)  # fmt: skip
def fa_sangong_details(budget, ctx):
    final = next((r for r in records(budget, "fa_sangong") if r["stage"] == "final"), None)
    if (
        final is None
        or unreliable(budget, ctx, "fa_sangong")
        or first_fact(budget, "sangong_final") is None
        and not (any(first_fact(budget, f"sangong_count:{k}") for _, keys in _COUNTS.values() for k in keys))
    ):
        return  # no 说明七 read: nothing to say about what it omits
    for column, (label, keys) in _COUNTS.items():
        if not fen_or_zero(final.get(column)):
            continue
        missing = [what for key, what in keys.items() if first_fact(budget, f"sangong_count:{key}") is None]
        if missing:
            # where 说明七（二）gives the item (its other counts, its amount), else the table's row
            near = [f for key in keys if (f := first_fact(budget, f"sangong_count:{key}")) is not None]
            near = near or fact_records(budget, f"sangong_detail:{column}")[-1:]
            src = near[0] if near else final
            yield ctx.finding(f"{label}决算 {wan(final[column])}，说明七未列明{'、'.join(missing)}",
                              expected="、".join(missing), table="fa_sangong", row="final", column=column,
                              line=src.get("line"), page=src.get("page"))  # fmt: skip


_PROCUREMENT_LABELS = {
    "total": "政府采购金额",
    "sme_reserved": "面向中小企业预留金额",
    "small_reserved": "面向小微企业预留金额",
    "sme_awarded": "中小企业预留项目中由中小企业中标或成交的金额",
    "small_awarded": "小微企业预留项目中由小微企业中标或成交的金额",
    "other_awarded": "其他项目中由中小企业中标或成交的金额",
}
PROCUREMENT_SME = {
    **NOTES,
    "regulation": "财库〔2020〕46号《政府采购促进中小企业发展管理办法》（预留采购份额）；部门决算公开模板：政府采购支出情况",
    "article": "R3/R5",
}


def _procurement_facts(budget) -> dict[str, dict]:
    return {k: f for k in _PROCUREMENT_LABELS if (f := first_fact(budget, f"procurement:{k}")) is not None
            and not is_missing(f.get("amount"))}  # fmt: skip


@rule(
    "FA315",
    name="fa-procurement-awards-within-reservations",
    title="政府采购：预留项目中由中小（小微）企业中标的金额不超过预留金额；授予中小企业的金额合计不超过采购总额",
    severity="error",
    tags=["narrative", "procurement"],
    reference=PROCUREMENT_SME,
    kinds="final",
    description=(
        "An award in the projects reserved for SMEs (小微企业) is a contract within those projects, so it "
        "does not exceed their reserved budget (a warning: the reservation is a budget, the award a "
        "contract); the awards to SMEs in reserved and in other projects are contracts within the year's "
        "procurement, so together they do not exceed its total (an error). Each figure may be off by half "
        "its last printed digit, so only an excess beyond that is reported."
    ),
    cases=[
        {"name": "within", "fires": 0, "budget": {"facts": [
            {"key": "procurement:total", "value": "251.25", "unit": "万元"},
            {"key": "procurement:sme_reserved", "value": "246.47", "unit": "万元"},
            {"key": "procurement:small_reserved", "value": "0", "unit": "万元"},
            {"key": "procurement:sme_awarded", "value": "246.47", "unit": "万元"},
            {"key": "procurement:small_awarded", "value": "0", "unit": "万元"},
            {"key": "procurement:other_awarded", "value": "4.79", "unit": "万元"}]}},
        {"name": "an award above its reservation", "fires": 1, "budget": {"facts": [
            {"key": "procurement:total", "value": "2319.21", "unit": "万元"},
            {"key": "procurement:small_reserved", "value": "164.87", "unit": "万元"},
            {"key": "procurement:small_awarded", "value": "184.87", "unit": "万元"}]}},
        {"name": "awards above the total", "fires": 1, "budget": {"facts": [
            {"key": "procurement:total", "value": "251.25", "unit": "万元"},
            {"key": "procurement:sme_awarded", "value": "246.47", "unit": "万元"},
            {"key": "procurement:other_awarded", "value": "14.79", "unit": "万元"}]}},
    ],
)  # fmt: skip
def fa_procurement_awards(budget, ctx):
    f = _procurement_facts(budget)

    def over(parts: list[str], limit: str, severity: str | None):
        if limit not in f or not all(p in f for p in parts):
            return None
        got = sum(int(f[p]["amount"]) for p in parts)
        cap = int(f[limit]["amount"])
        slack = sum(half_step(f[k]["value"]) for k in (*parts, limit))
        if got - cap <= slack:
            return None
        what = " + ".join(f"{_PROCUREMENT_LABELS[p]} {f[p]['value']}万元" for p in parts)
        return ctx.finding(
            f"政府采购：{what} 超过{_PROCUREMENT_LABELS[limit]} {f[limit]['value']}万元（多 {wan(got - cap)}）",
            severity=severity, expected=f"≤ {yuan(cap)}", actual=yuan(got), **at(f[parts[0]]),
        )  # fmt: skip

    for finding in (
        over(["sme_awarded"], "sme_reserved", "warning"),
        over(["small_awarded"], "small_reserved", "warning"),
        over(["sme_awarded", "other_awarded"], "total", None),
    ):
        if finding:
            yield finding


@rule(
    "FA316",
    name="fa-procurement-sme-share",
    title="政府采购：面向中小企业预留金额占采购总额的比例（低于 30% 时提示）",
    severity="info",
    tags=["narrative", "procurement"],
    reference=PROCUREMENT_SME,
    kinds="final",
    description=(
        "The rules reserve at least 30% of each suitable project's budget for SMEs. A department's total "
        "mixes projects that must be reserved with projects that need not be, so a share below 30% of "
        "the total is only a hint to look at the projects."
    ),
    cases=[
        {"name": "most reserved", "fires": 0, "budget": {"facts": [
            {"key": "procurement:total", "value": "251.25", "unit": "万元"},
            {"key": "procurement:sme_reserved", "value": "246.47", "unit": "万元"}]}},
        {"name": "a tenth reserved", "fires": 1, "budget": {"facts": [
            {"key": "procurement:total", "value": "2319.21", "unit": "万元"},
            {"key": "procurement:sme_reserved", "value": "225.10", "unit": "万元"}]}},
        {"name": "no procurement", "fires": 0, "budget": {"facts": [
            {"key": "procurement:total", "value": "0", "unit": "万元"},
            {"key": "procurement:sme_reserved", "value": "0", "unit": "万元"}]}},
    ],
)  # fmt: skip
def fa_procurement_sme_share(budget, ctx):
    f = _procurement_facts(budget)
    if "total" not in f or "sme_reserved" not in f or int(f["total"]["amount"]) <= 0:
        return
    reserved, total = int(f["sme_reserved"]["amount"]), int(f["total"]["amount"])
    share = Decimal(100 * reserved) / Decimal(total)
    if share < 30:
        yield ctx.finding(
            f"政府采购：面向中小企业预留 {f['sme_reserved']['value']}万元，占采购总额 {f['total']['value']}万元 的 "
            f"{pct(share)}，低于 30%（预留比例按项目计，请核对适宜由中小企业提供的项目是否足额预留）",
            expected="≥ 30%", actual=pct(share), **at(f["sme_reserved"]),
        )  # fmt: skip


@hookimpl
def auditor_register_rules():
    return [fa_items_match_table, fa_no_sangong, fa_operating_within_public, fa_operating_equals_public, fa_procurement, fa_assets, fa_performance,
            fa_lists_spent_items, fa_sangong_details, fa_procurement_awards, fa_procurement_sme_share]  # fmt: skip

"""科目 name rules: the prose names each 类/款/项 as the tables do, and nobody uses a superseded name.

The 编制说明 lists its lines as “一般公共服务支出（类）统计信息事务（款）专项普查活动（项）”25.77万元 (or by
the 项 name alone, “行政运行”科目). Each path is matched to the table row it means — by its names, by
its amount where the names disagree — and every level whose name differs from the table's name for that
code is reported. Renamed classification entries come from the curated list
``auditor/data/subject_names.yaml``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from auditor import hookimpl, lazyre, rule
from auditor.rulekit import (
    by_code,
    decimals_of,
    fact_records,
    fen_or_zero,
    is_missing,
    memo,
    records,
    row_location,
    tolerance,
)
from auditor.rules import FINAL_KINDS
from auditor.subjects import renames, superseded
from auditor.text import NUMBER, read_number, snippet

REFERENCE = {
    "regulation": "政府收支分类科目（财政部，按年度）；编制说明所列科目与预算表一致",
    "article": "CODE-001; CODE-004; DISCLOSURE-004",
    "confidence": "H",
    "sources": ["S2", "S5"],
}
LEVELS = {3: "类", 5: "款", 7: "项"}
_FUNCTION_TABLES = (
    "gpb_function",
    "expenditure_summary",
    "income_summary",
    "gov_fund_function",
    "soe_capital_function",
)
#: the same for a 决算 (部门决算 / 单位决算)
_FINAL_FUNCTION_TABLES = ("fa_gpb_function", "fa_expenditure", "fa_income", "fa_gov_fund", "fa_soe_capital")
_NAME = r"[\u4e00-\u9fff、]{2,40}?"
_PATH = lazyre.compile(rf"({_NAME})\s*\(类\)\s*(?:({_NAME})\s*\(款\)\s*)?(?:({_NAME})\s*\(项\))?")
_AMOUNT_AFTER = lazyre.compile(rf'^["”\s]*(?:科目)?\s*({NUMBER})\s*(万元|元)')


def table_names(budget) -> dict[str, tuple[str, dict, int]]:
    """code -> (name, location, total in fen) from the function-classification tables (first table wins)."""
    return memo(budget, "subject_names:table_names", _table_names)


def _table_names(budget) -> dict[str, tuple[str, dict, int]]:
    out: dict[str, tuple[str, dict, int]] = {}
    for key in _FUNCTION_TABLES:
        for code, row in by_code(budget, key).items():
            if code not in out and not is_missing(row.get("name")):
                out[code] = (
                    str(row["name"]).strip(),
                    {"table": key, **row_location(row)},
                    fen_or_zero(row.get("total")),
                )
    return out


def _known_lei(names: dict, year) -> set[str]:
    lei = {n for c, (n, _, _) in names.items() if len(c) == 3}
    lei |= {r["old"] for r in renames() if len(str(r["code"])) == 3}
    return lei


def _trim(lei: str, known: set[str]) -> str:
    """The 类 name is the longest known 类 name the captured text ends with (the text may run on before it)."""
    for k in sorted(known, key=len, reverse=True):
        if lei.endswith(k):
            return k
    return lei


@lru_cache(maxsize=4096)
def _squeeze(text: str) -> str:
    return re.sub(r"\s", "", text)


def _same(prose: str, table: str) -> bool:
    return _squeeze(prose) == _squeeze(table)


def _match(path: list[str | None], amount_fen: int | None, names: dict, year, tolerance: int = 0) -> str | None:
    """The code a 类/款/项 path means: best name agreement, the amount breaking ties and name slips."""
    depth = 7 if path[2] else 5 if path[1] else 3
    # the codes of each level whose table name agrees with the path's name at that level
    agree = [
        {c for c, (name, _, _) in names.items() if len(c) == 3 + 2 * i and (_same(n, name) or superseded(n, None, c))}
        if n is not None
        else set()
        for i, n in enumerate(path)
    ]
    best: list[tuple[int, str]] = []
    for code, (_, _, total) in names.items():
        if len(code) != depth:
            continue
        score = sum(1 for i, level in enumerate(agree) if code[: 3 + 2 * i] in level)
        if amount_fen is not None and abs(total - amount_fen) <= tolerance:
            score += 2
        best.append((score, code))
    if not best:
        return None
    best.sort(reverse=True)
    top = best[0][0]
    if top < 2 or (len(best) > 1 and best[1][0] == top):
        return None
    return best[0][1]


def _table_path(code: str, names: dict) -> str:
    """The table's names for a code as a path: 卫生健康支出（类）计划生育事务（款）计划生育服务（项）."""
    return "".join(f"{names[code[:n]][0]}（{LEVELS[n]}）" for n in (3, 5, 7) if len(code) >= n and code[:n] in names)


@rule(
    "SN001",
    name="subject-name-matches-table",
    title="The prose names a 类/款/项 as the table names that code",
    severity="warning",
    tags=["narrative"],
    reference=REFERENCE,
    description=(
        "Each “X（类）Y（款）Z（项）” path of the prose (and each quoted 科目 of the 编制说明 list) is matched to "
        "the function table's row: by the names, and by the amount stated after it where the names disagree. "
        "A level named differently from the table is reported; an old name of the classification (e.g. 210 "
        "医疗卫生与计划生育支出, now 卫生健康支出) is reported as 旧科目名称."
    ),
    cases=[
        {
            "name": "same names",
            "fires": 0,
            "budget": {
                "tables": {
                    "gpb_function": [
                        {"code": "210", "name": "卫生健康支出", "total": "200000.00"},
                        {"code": "21007", "name": "计划生育事务", "total": "200000.00"},
                        {"code": "2100717", "name": "计划生育服务", "total": "200000.00"},
                    ]
                },
                "text": "21. “卫生健康支出（类）计划生育事务（款）计划生育服务（项）”科目20.00万元，主要用于计划生育服务。",
            },
        },
        {
            "name": "款/项 shifted",
            "fires": 1,
            "budget": {
                "tables": {
                    "gpb_function": [
                        {"code": "210", "name": "卫生健康支出", "total": "200000.00"},
                        {"code": "21007", "name": "计划生育事务", "total": "200000.00"},
                        {"code": "2100717", "name": "计划生育服务", "total": "200000.00"},
                    ]
                },
                "text": "21. “卫生健康支出（类）卫生健康支出（款）计划生育事务（项）”科目20.00万元，主要用于计划生育事务。",
            },
        },
        {
            "name": "old 类 name",
            "fires": 1,
            "budget": {
                "meta": {"year": 2024},
                "tables": {
                    "gpb_function": [
                        {"code": "210", "name": "卫生健康支出", "total": "1422200.00"},
                        {"code": "21011", "name": "行政事业单位医疗", "total": "1422200.00"},
                        {"code": "2101101", "name": "行政单位医疗", "total": "1422200.00"},
                    ]
                },
                "text": "22. “医疗卫生与计划生育支出（类）行政事业单位医疗（款）行政单位医疗（项）”142.22万元，主要用于行政单位医疗。",
            },
        },
    ],
)
def name_matches_table(budget, ctx):
    names = table_names(budget)
    if not names:
        return
    year = budget.meta.year
    known = _known_lei(names, year)
    for p in budget.paragraphs():
        norm = p.norm
        if "(类)" not in norm:  # every path names its 类 (the pattern's scan of a paragraph costs more)
            continue
        for m in _PATH.finditer(norm):
            path = [_trim(m.group(1), known), m.group(2), m.group(3)]
            start = m.end(1) - len(path[0])
            am = _AMOUNT_AFTER.match(norm[m.end() :])
            amount, allowed = None, 0
            if am:
                v, _ = read_number(am.group(1))
                if v is not None:
                    amount = int(v * (1000000 if am.group(2) == "万元" else 100))
                    allowed = tolerance(am.group(2), decimals_of(am.group(1)))
            code = _match(path, amount, names, year, allowed)
            if code is None:
                continue
            diffs = []
            for i, n in enumerate(path):
                if n is None:
                    continue
                c = code[: 3 + 2 * i]
                if c not in names or _same(n, names[c][0]):
                    continue
                old = superseded(n, year, c)
                if old:
                    diffs.append(f"{LEVELS[len(c)]} {c} 用了旧科目名称“{n}”（{old['since']}年起为“{old['new']}”）")
                else:
                    diffs.append(f"{LEVELS[len(c)]} {c} 文中为“{n}”，表中为“{names[c][0]}”")
            if diffs:
                yield ctx.finding(
                    "科目名称与预算表不一致：" + "；".join(diffs),
                    expected=_table_path(code, names),
                    actual=snippet(p.text, start, m.end(), pad=2),
                    row=code,
                    **p.where(start),
                )
    # the 编制说明 list by 项 name only (“行政运行”科目): an old name there
    for fact in fact_records(budget, "item"):
        subject = fact.get("subject")
        if is_missing(subject) or "(" in str(subject) or "（" in str(subject):
            continue
        old = superseded(str(subject).strip(), year)
        if old and not any(_same(str(subject), n) for n, _, _ in names.values()):
            yield ctx.finding(
                f"科目名称与预算表不一致：{LEVELS.get(len(str(old['code'])), '')} {old['code']} 用了旧科目名称“{subject}”（{old['since']}年起为“{old['new']}”）",
                expected=old["new"],
                actual=str(subject),
                row=str(old["code"]),
                line=None if is_missing(fact.get("line")) else int(fact["line"]),
                page=None if is_missing(fact.get("page")) else int(fact["page"]),
            )


@rule(
    "SN002",
    name="superseded-subject-name",
    title="A superseded name of the classification is used (in a table or the prose)",
    severity="warning",
    tags=["narrative"],
    reference=REFERENCE,
    kinds="all",
    description=(
        "The curated list auditor/data/subject_names.yaml gives renamed 科目 with the first budget year of the new "
        "name. A table row or a 科目 named in the prose with the old name, in a budget of that year or later, is "
        "reported once per code and name. Renames the list marks confidence M are reported at info severity. "
        "Budgets and final accounts alike (a 决算's year is the accounts year, its tables the fa_ function tables)."
    ),
    cases=[
        {
            "name": "current name",
            "fires": 0,
            "budget": {
                "meta": {"year": 2024},
                "tables": {"gpb_function": [{"code": "210", "name": "卫生健康支出", "total": "10.00"}]},
            },
        },
        {
            "name": "old name in table",
            "fires": 1,
            "budget": {
                "meta": {"year": 2024},
                "tables": {"gpb_function": [{"code": "210", "name": "医疗卫生与计划生育支出", "total": "10.00"}]},
            },
        },
        {
            "name": "old name in a 决算 table",
            "fires": 1,
            "budget": {
                "meta": {"year": 2024, "kind": "部门决算"},
                "tables": {"fa_gpb_function": [{"code": "2200199", "name": "其他国土资源事务支出", "total": "45.00"}]},
            },
        },
        {
            "name": "an old name inside a longer old name is one finding",
            "fires": 1,
            "budget": {"meta": {"year": 2024}, "text": "主要用于：其他国土资源事务支出45.00万元。"},
        },
        {
            "name": "a 决算 item's old name is FA306's, even where a paragraph breaks inside it",
            "fires": 0,
            "budget": {
                "meta": {"year": 2024, "kind": "部门决算"},
                "tables": {"fa_items": [{"lei": "自然资源海洋气象等支出", "kuan": "自然资源事务", "xiang": "其他国土资源事务支出"}]},
                "text": "  11、自然资源海洋气象等支出（类）自然资源事务（款）其\n\n他国土资源事务支出（项）。主要用于：事业单位项目支出。",
            },
        },
        {
            "name": "old name before the rename",
            "fires": 0,
            "budget": {
                "meta": {"year": 2018},
                "tables": {"gpb_function": [{"code": "210", "name": "医疗卫生与计划生育支出", "total": "10.00"}]},
            },
        },
    ],
)
def superseded_names(budget, ctx):
    year = budget.meta.year
    seen = set()
    for key in _FINAL_FUNCTION_TABLES if budget.meta.kind in FINAL_KINDS else _FUNCTION_TABLES:
        for code, row in by_code(budget, key).items():
            name = str(row.get("name") or "").strip()
            old = superseded(name, year, code)
            if old and (code, name) not in seen:
                seen.add((code, name))
                yield ctx.finding(
                    f"{LEVELS.get(len(code), '')} {code} 使用旧科目名称“{name}”，{old['since']}年起为“{old['new']}”",
                    expected=old["new"],
                    actual=name,
                    severity="info" if old.get("confidence") != "H" else None,
                    note=None
                    if old.get("confidence") == "H"
                    else "rename of confidence M in the curated list: verify against 财政部《政府收支分类科目》",
                    **{"table": key, **row_location(row)},
                )
    # a 决算's 说明五（三）items name their 科目 against the table: FA306 reports an old name there
    owned = {str(i.get(k) or "").strip() for i in records(budget, "fa_items") for k in ("lei", "kuan", "xiang")}
    for p in budget.paragraphs():
        found = [
            (m.start(), m.end(), r)
            for r in renames()
            if (year is None or year >= int(r["since"])) and r["old"] in p.text
            for m in re.finditer(re.escape(r["old"]), p.text)
        ]
        taken: list[tuple[int, int]] = []
        # (an old name within an item's name too: a paragraph may break inside 其他国土资源事务支出)
        owned_pairs = {(str(r["code"]), r["old"]) for _, _, r in found if any(r["old"] in n for n in owned)}
        for start, end, r in sorted(found, key=lambda f: f[0] - f[1]):  # the longest old name first
            if any(a <= start and end <= b for a, b in taken):
                continue  # 国土资源事务 inside 其他国土资源事务支出 is that one name
            taken.append((start, end))
            if (str(r["code"]), r["old"]) in seen | owned_pairs:
                continue
            seen.add((str(r["code"]), r["old"]))
            yield ctx.finding(
                f"文中使用旧科目名称“{r['old']}”（{r['code']}），{r['since']}年起为“{r['new']}”",
                expected=r["new"],
                actual=snippet(p.text, start, end),
                severity="info" if r.get("confidence") != "H" else None,
                **p.where(start),
            )


@hookimpl
def auditor_register_rules():
    return [name_matches_table, superseded_names]

"""KPI rules on the 项目支出绩效目标申报表: framework complete, values present, quantified and fitting."""

from __future__ import annotations

import re

from auditor import hookimpl, lazyre, rule
from auditor.rulekit import is_missing, memo, records

PERF_002 = {
    "regulation": "财预〔2021〕101号《中央部门项目支出核心绩效目标和指标设置及取值指引（试行）》；上海区级绩效目标申报表",
    "article": "PERF-002",
    "confidence": "M",
    "sources": ["S5", "S14"],
}
PERF_003 = {**PERF_002, "article": "PERF-003"}

LEVEL1 = ("成本指标", "产出指标", "效益指标", "满意度指标")
OUTPUT_LEVEL2 = ("数量指标", "质量指标", "时效指标")
COUNT_UNITS = ("人", "个", "处", "套", "台", "辆", "起", "次", "件", "家", "名", "项", "座", "户", "册", "场")


def _loc(row):
    return {
        "table": "indicators",
        "row": f"{row['project']} / {row['name']}",
        "line": None if is_missing(row.get("line")) else int(row["line"]),
        "page": None if is_missing(row.get("page")) else int(row["page"]),
    }


def _projects(budget):
    """(project, its indicator rows as records) in document order (memoised)."""

    def build(b):
        out: dict = {}
        for r in records(b, "indicators"):
            out.setdefault(r["project"], []).append(r)
        return list(out.items())

    return memo(budget, "kpi:projects", build)


def _first_loc(rows):
    first = rows[0]
    loc = _loc(first)
    loc["row"] = str(first["project"])
    return loc


def _ind(project, level1, level2, name, value, unit=None, number=None, operator=None):
    return {
        "project": project,
        "level1": level1,
        "level2": level2,
        "name": name,
        "value": value,
        "unit": unit,
        "number": number,
        "operator": operator,
    }


FULL = [
    _ind("P", "成本指标", "经济成本指标", "项目成本控制率", "≤预算金额"),
    _ind("P", "产出指标", "数量指标", "巡逻次数", "≥10(次)", "次", "10", "≥"),
    _ind("P", "产出指标", "质量指标", "验收合格率", "100%", "%", "100", "="),
    _ind("P", "产出指标", "时效指标", "完成及时性", "及时"),
    _ind("P", "效益指标", "社会效益指标", "治安效果", "提升"),
    _ind("P", "满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "%", "90", "≥"),
]


@rule(
    "KP001",
    name="kpi-level1-complete",
    title="Every target table has the 一级指标 成本, 产出, 效益 and 满意度",
    severity="warning",
    tags=["kpi"],
    reference=PERF_002,
    description="成本 may also appear as a 二级指标 under 产出 (the older framework).",
    cases=[
        {"name": "complete", "fires": 0, "budget": {"indicators": FULL}},
        {"name": "no satisfaction", "fires": 1, "budget": {"indicators": FULL[:5]}},
    ],
)
def level1_complete(budget, ctx):
    for project, rows in _projects(budget):
        present = {r["level1"] for r in rows if not is_missing(r["level1"])}
        level2 = {r["level2"] for r in rows if not is_missing(r["level2"])}
        missing = [x for x in LEVEL1 if x not in present]
        if "成本指标" in missing and any("成本" in str(x) for x in level2):
            missing.remove("成本指标")
        if missing:
            yield ctx.finding(
                f"项目“{project}”绩效目标表缺少一级指标：{'、'.join(missing)}",
                expected="、".join(LEVEL1),
                actual="、".join(x for x in LEVEL1 if x in present),
                **_first_loc(rows),
            )


@rule(
    "KP002",
    name="kpi-output-level2-complete",
    title="产出指标 has the 二级指标 数量, 质量 and 时效",
    severity="warning",
    tags=["kpi"],
    reference=PERF_002,
    cases=[
        {"name": "complete", "fires": 0, "budget": {"indicators": FULL}},
        {"name": "no timeliness", "fires": 1, "budget": {"indicators": [r for r in FULL if r["level2"] != "时效指标"]}},
    ],
)
def output_level2_complete(budget, ctx):
    for project, rows in _projects(budget):
        out = [r for r in rows if r["level1"] == "产出指标"]
        if not out:
            continue
        present = {r["level2"] for r in out if not is_missing(r["level2"])}
        missing = [x for x in OUTPUT_LEVEL2 if x not in present]
        if missing:
            yield ctx.finding(
                f"项目“{project}”产出指标缺少二级指标：{'、'.join(missing)}",
                expected="、".join(OUTPUT_LEVEL2),
                actual="、".join(x for x in OUTPUT_LEVEL2 if x in present),
                **_first_loc(out),
            )


@rule(
    "KP003",
    name="kpi-value-missing",
    title="Every indicator states its target value",
    severity="warning",
    tags=["kpi"],
    reference=PERF_003,
    cases=[
        {"name": "all valued", "fires": 0, "budget": {"indicators": FULL}},
        {
            "name": "one blank",
            "fires": 1,
            "budget": {"indicators": [*FULL, _ind("P", "产出指标", "质量指标", "人员考核合格率", None)]},
        },
    ],
)
def value_missing(budget, ctx):
    for row in records(budget, "indicators"):
        if is_missing(row["value"]) or not str(row["value"]).strip():
            yield ctx.finding(
                f"项目“{row['project']}”的指标“{row['name']}”未填写指标值",
                column="value",
                expected="指标值",
                actual=None,
                **_loc(row),
            )


_RATE = lazyre.compile(r"率$")
_COUNT = lazyre.compile(r"(?:数|数量|人数|个数|次数)$")


_BRACKETED = lazyre.compile(r"[（(].*?[)）]")


def _kind(name: str) -> str | None:
    name = _BRACKETED.sub("", str(name)).strip()
    if _RATE.search(name):
        return "rate"
    if _COUNT.search(name):
        return "count"
    return None


@rule(
    "KP004",
    name="kpi-not-quantified",
    title="Rate and count indicators have a quantified target",
    severity="info",
    tags=["kpi"],
    reference=PERF_003,
    description="A 率 or 数 indicator whose target is a word (提升, 及时, 有效) cannot be measured; qualitative targets are allowed but noted.",
    cases=[
        {
            "name": "quantified",
            "fires": 0,
            "budget": {"indicators": [_ind("P", "产出指标", "质量指标", "验收合格率", "100%", "%", "100", "=")]},
        },
        {
            "name": "word target",
            "fires": 1,
            "budget": {"indicators": [_ind("P", "效益指标", "社会效益指标", "破案能力提升率", "提升")]},
        },
    ],
)
def not_quantified(budget, ctx):
    for row in records(budget, "indicators"):
        if _kind(row["name"]) is None or is_missing(row["value"]):
            continue
        # "≤预算金额" is the template's way of bounding a cost rate by the budget: measurable
        if is_missing(row.get("number")) and not re.search(r"\d|预算", str(row["value"])):
            yield ctx.finding(
                f"项目“{row['project']}”的指标“{row['name']}”指标值“{row['value']}”未量化",
                column="value",
                expected="数值目标（如 ≥95%）",
                actual=str(row["value"]),
                **_loc(row),
            )


@rule(
    "KP005",
    name="kpi-unit-mismatch",
    title="The unit of a target fits its indicator (a 率 is a percentage, a 数 is a count)",
    severity="warning",
    tags=["kpi"],
    reference=PERF_003,
    cases=[
        {
            "name": "fits",
            "fires": 0,
            "budget": {"indicators": [_ind("P", "产出指标", "数量指标", "特殊保安人员数", "100人", "人", "100", "=")]},
        },
        {
            "name": "rate with headcount",
            "fires": 1,
            "budget": {
                "indicators": [_ind("P", "产出指标", "数量指标", "安保人员到位率", "≥5000(人)", "人", "5000", "≥")]
            },
        },
        {
            "name": "count with percentage",
            "fires": 1,
            "budget": {
                "indicators": [_ind("P", "产出指标", "数量指标", "年度考核工作完成数", "100%", "%", "100", "=")]
            },
        },
    ],
)
def unit_mismatch(budget, ctx):
    for row in records(budget, "indicators"):
        kind = _kind(row["name"])
        unit = None if is_missing(row.get("unit")) else str(row["unit"])
        if kind is None or unit is None:
            continue
        if kind == "rate" and unit in COUNT_UNITS:
            yield ctx.finding(
                f"项目“{row['project']}”的比率指标“{row['name']}”以“{unit}”计（{row['value']}），应为百分比",
                column="unit",
                expected="%",
                actual=str(row["value"]),
                **_loc(row),
            )
        elif kind == "count" and unit == "%":
            yield ctx.finding(
                f"项目“{row['project']}”的数量指标“{row['name']}”以百分比计（{row['value']}），应为计数单位",
                column="unit",
                expected="计数单位（人、个、次……）",
                actual=str(row["value"]),
                **_loc(row),
            )


@rule(
    "KP006",
    name="kpi-duplicate",
    title="An indicator appears only once in a project's target table",
    severity="warning",
    tags=["kpi"],
    reference=PERF_002,
    cases=[
        {"name": "unique", "fires": 0, "budget": {"indicators": FULL}},
        {
            "name": "twice",
            "fires": 1,
            "budget": {"indicators": [*FULL, _ind("P", "产出指标", "时效指标", "巡逻次数", "按时")]},
        },
    ],
)
def duplicate(budget, ctx):
    for project, rows in _projects(budget):
        first_seen: dict[str, dict] = {}
        for row in rows:
            name = "".join(str(row["name"]).split())
            first = first_seen.setdefault(name, row)
            if first is row:
                continue
            where = "" if is_missing(first.get("line")) else f"在第 {first['line']} 行"
            yield ctx.finding(
                f"项目“{project}”的指标“{row['name']}”重复出现（首次{where}，指标值 {first['value']}；此处 {row['value']}）",
                column="name",
                expected="唯一",
                actual=str(row["name"]),
                **_loc(row),
            )


def _norm(text) -> str:
    return re.sub(r"[\s，,。.；;：:“”\"']", "", str(text or ""))


@rule(
    "KP007",
    name="annual-goal-copies-overall-goal",
    title="The 年度目标 is not a word-for-word copy of the 总目标",
    severity="warning",
    tags=["kpi"],
    reference=PERF_002,
    cases=[
        {
            "name": "different",
            "fires": 0,
            "budget": {"projects": [{"name": "P", "overall_goal": "三年建成", "annual_goal": "今年完成一期"}]},
        },
        {
            "name": "copied",
            "fires": 1,
            "budget": {"projects": [{"name": "P", "overall_goal": "保障进博会。", "annual_goal": "保障进博会。"}]},
        },
    ],
)
def annual_copies_overall(budget, ctx):
    for row in records(budget, "projects"):
        a, b = _norm(row.get("overall_goal")), _norm(row.get("annual_goal"))
        if a and a == b:
            yield ctx.finding(
                f"项目“{row['name']}”的年度目标与总目标完全相同",
                table="projects",
                row=str(row["name"]),
                column="annual_goal",
                expected="分年度的具体目标",
                actual=str(row["annual_goal"])[:60],
                line=None if is_missing(row.get("line")) else int(row["line"]),
                page=None if is_missing(row.get("page")) else int(row["page"]),
            )


@rule(
    "KP008",
    name="satisfaction-target-low",
    title="Satisfaction targets below the customary 90%",
    severity="info",
    tags=["kpi"],
    reference={**PERF_002, "article": "PERF-004", "confidence": "U"},
    params={"floor": 90},
    cases=[
        {"name": "90", "fires": 0, "budget": {"indicators": FULL}},
        {
            "name": "85",
            "fires": 1,
            "budget": {
                "indicators": [_ind("P", "满意度指标", "服务对象满意度指标", "主管部门满意度", "≥85%", "%", "85", "≥")]
            },
        },
    ],
)
def satisfaction_low(budget, ctx):
    floor = float(ctx.params["floor"])
    for row in records(budget, "indicators"):
        if row["level1"] != "满意度指标" or row["unit"] != "%":
            continue
        try:
            number = float(str(row["number"]))
        except (TypeError, ValueError):
            continue
        if number < floor:
            yield ctx.finding(
                f"项目“{row['project']}”的满意度目标 {row['value']} 低于 {floor:g}%（无法规依据，仅供参考）",
                column="value",
                expected=f"≥{floor:g}%",
                actual=str(row["value"]),
                **_loc(row),
            )


@hookimpl
def auditor_register_rules():
    return [
        level1_complete,
        output_level2_complete,
        value_missing,
        not_quantified,
        unit_mismatch,
        duplicate,
        annual_copies_overall,
        satisfaction_low,
    ]

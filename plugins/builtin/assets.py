"""Asset rules: vehicle categories add up, for the stock and for the planned purchases."""

from __future__ import annotations

from auditor import hookimpl, rule
from auditor.rulekit import fact_location, first_fact, is_missing

CATEGORIES = [
    "ministerial",
    "principal_leader",
    "confidential",
    "emergency",
    "law_enforcement",
    "special_technical",
    "retired",
    "other",
]


def _count(fact):
    v = fact.get("value")
    if is_missing(v):
        return None
    try:
        return int(str(v).split(".")[0])
    except ValueError:
        return None


@rule(
    "AS001",
    name="vehicle-categories-add-up",
    title="Vehicle categories add up to the stated total (stock and planned purchases)",
    severity="error",
    tags=["assets", "arithmetic"],
    reference={
        "regulation": "国有资产占有使用情况（车辆按八类分列）",
        "article": "DISCLOSURE-007",
        "confidence": "H",
        "sources": ["S5", "S2"],
    },
    cases=[
        {
            "name": "adds up",
            "fires": 0,
            "budget": {
                "facts": [
                    {"key": "vehicles_total", "value": "3", "unit": "辆"},
                    {"key": "vehicles_law_enforcement", "value": "2", "unit": "辆"},
                    {"key": "vehicles_other", "value": "1", "unit": "辆"},
                ]
            },
        },
        {
            "name": "planned does not",
            "fires": 1,
            "budget": {
                "facts": [
                    {"key": "planned_vehicles_total", "value": "45", "unit": "辆"},
                    {"key": "planned_vehicles_law_enforcement", "value": "44", "unit": "辆"},
                ]
            },
        },
    ],
)
def vehicle_categories(budget, ctx):
    for prefix, label in (("vehicles", "车辆"), ("planned_vehicles", "安排购置车辆")):
        total = first_fact(budget, f"{prefix}_total")
        if total is None or _count(total) is None:
            continue
        counts = []
        for cat in CATEGORIES:
            fact = first_fact(budget, f"{prefix}_{cat}")
            if fact is not None and _count(fact) is not None:
                counts.append(_count(fact))
        if not counts:
            continue
        s = sum(counts)
        if s != _count(total):
            yield ctx.finding(
                f"{label}共 {_count(total)} 辆，各类之和为 {s} 辆",
                expected=str(s),
                actual=str(_count(total)),
                **fact_location(total),
            )


@hookimpl
def auditor_register_rules():
    return [vehicle_categories]

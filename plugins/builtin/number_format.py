"""Number-format rules: malformed amounts in the prose, with their likely reading."""

from __future__ import annotations

from auditor import hookimpl, rule
from auditor.rulekit import fact_location, is_missing, records


@rule(
    "NF001",
    name="malformed-number",
    title="An amount in the prose is printed malformed",
    severity="warning",
    tags=["number-format", "narrative"],
    reference={
        "regulation": "数字书写规范（千分位逗号、小数点）",
        "article": "quality",
        "confidence": "H",
        "sources": [],
    },
    description="`4.820.58` (two decimal points) or `10,754,11` (a comma for the decimal point) cannot be read unambiguously.",
    cases=[
        {
            "name": "well formed",
            "fires": 0,
            "budget": {
                "facts": [
                    {"key": "item", "text": "4,820.58万元", "value": "4820.58", "unit": "万元", "malformed": False}
                ]
            },
        },
        {
            "name": "two points",
            "fires": 1,
            "budget": {
                "facts": [
                    {
                        "key": "item",
                        "text": "4.820.58万元",
                        "value": "4820.58",
                        "unit": "万元",
                        "malformed": True,
                        "likely": "4820.58",
                    }
                ]
            },
        },
    ],
)
def malformed_number(budget, ctx):
    facts = records(budget, "facts")
    if not facts or "malformed" not in facts[0]:
        return
    for fact in (f for f in facts if f["malformed"]):
        likely = fact.get("likely")
        printed = fact.get("text")
        yield ctx.finding(
            f"数字书写有误：“{printed}”，可能应为 {likely}{fact.get('unit') or ''}",
            expected=None if is_missing(likely) else str(likely),
            actual=str(printed),
            **fact_location(fact),
        )


@hookimpl
def auditor_register_rules():
    return [malformed_number]

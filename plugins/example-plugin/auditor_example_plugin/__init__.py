"""Example auditor plugin: a province caps 公务接待费 (reception costs) at a fixed amount."""

from __future__ import annotations

import pandas as pd

from auditor import hookimpl, rule
from auditor.money import fen_to_display, to_fen


@rule(
    "EXP001",
    name="reception-cap",
    title="公务接待费不超过本省控制数",
    severity="warning",
    tags=["sangong"],
    params={"cap": "30.00"},  # 万元
    reference={"regulation": "某省党政机关国内公务接待管理办法（示例）", "article": "第八条", "confidence": "L"},
    table="sangong",
    cases=[
        {"name": "under the cap", "fires": False, "budget": {"tables": {"sangong": [{"reception": "250000.00"}]}}},
        {
            "name": "over the cap",
            "fires": 1,
            "budget": {"tables": {"sangong": [{"reception": "350000.00", "line": 12}]}},
        },
        {
            "name": "raised cap",
            "fires": False,
            "params": {"cap": "40.00"},
            "budget": {"tables": {"sangong": [{"reception": "350000.00"}]}},
        },
    ],
)
def reception_cap(budget, ctx):
    """公务接待费 may not exceed the province's cap (parameter `cap`, 万元)."""
    cap = to_fen(str(ctx.params["cap"]), "万元")
    for _, row in budget.table("sangong").iterrows():
        reception = row["reception"]
        if not pd.isna(reception) and int(reception) > cap:
            yield ctx.finding(
                f"公务接待费 {fen_to_display(int(reception))} 元超过控制数 {ctx.params['cap']} 万元",
                row="公务接待费",
                column="reception",
                line=row["line"],
                expected=f"≤ {fen_to_display(cap)}",
                actual=fen_to_display(int(reception)),
            )


@hookimpl
def auditor_register_rules():
    return [reception_cap]

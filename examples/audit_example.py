"""Load the bundled example, look at a table, audit it, and summarise the findings by family."""

from pathlib import Path

import auditor
from auditor.money import fen_to_display

HERE = Path(__file__).parent

budget = auditor.load(HERE / "minhang-police-2024-budget.txt")
print(budget.meta.department, budget.meta.year, budget.meta.kind)

# Money is exact: integer fen in nullable Int64 columns.
total = budget.gpb_function.query("name == '合计'").iloc[0]
print("一般公共预算支出合计", fen_to_display(int(total["total"])), "元")
print("“三公”经费", fen_to_display(int(budget.sangong.iloc[0]["total"]), "万元"))

report = auditor.audit(budget)
frame = report.to_frame()
print(report.summary)
print(frame.groupby(["severity", "rule"]).size().to_string())

"""A budget printed in 万元 with two decimals: each figure is rounded on its own, so a sum can be off
by a few 0.01万元. That is the printing, not a defect: the arithmetic rules report such a difference as
a warning saying it is within the rounding, and the reading judge does not take it for a misreading.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from corpus import CORPUS, needs_corpus

from auditor import audit, load
from auditor.model import TableInfo
from auditor.rulekit import ROUNDING_NOTE

MINHANG = CORPUS / "minhang-police-2024-budget.txt"
_AMOUNT = re.compile(r"(?<![\d.,])\d{1,3}(?:,\s?\d{3})+(?:\.\s?\d+)?|(?<![\d.,])\d+\.\s?\d{2}(?!\d)")


def _wan(m: re.Match) -> str:
    yuan = Decimal(re.sub(r"[,\s]", "", m.group(0)))
    return f"{(yuan / 10000).quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}"


def _in_wan(text: str) -> str:
    """The example's tables (all but the 三公 table, already in 万元) printed in 万元 to two decimals."""
    out, tables = [], False
    for i, line in enumerate(text.split("\n")):
        if i > 60 and re.fullmatch(r"2024年部门.*预算(?:总)?表", line.strip()):
            tables = "三公" not in line
            out += [line, "单位：万元"] if tables else [line]
            continue
        if "其他相关情况说明" in line:
            tables = False
        if tables and "\t" in line:
            line = _AMOUNT.sub(_wan, line)
        out.append(line)
    return "\n".join(out)


def test_rounding_of_a_table_is_its_printed_step_times_its_terms():
    assert TableInfo("x", "t", unit="万元", decimals=2).rounding(3) == 30_000  # 3 × 0.01万元, in fen
    assert TableInfo("x", "t", unit="元", decimals=0).rounding(2) == 200
    assert TableInfo("x", "t", unit="元", decimals=2).rounding(5) == 0  # 元 to the 分 is exact


@needs_corpus
def test_a_budget_in_wanyuan_gives_rounding_warnings_not_errors(tmp_path):
    path = tmp_path / "minhang-wan.txt"
    path.write_text(_in_wan(MINHANG.read_text(encoding="utf-8")), encoding="utf-8")
    budget = load(path)
    assert budget.meta.tables["gpb_function"].unit == "万元"
    before = {(f.rule, f.severity) for f in audit(load(MINHANG)).findings}
    added = [f for f in audit(budget).findings if (f.rule, f.severity) not in before]
    assert not [f for f in added if f.severity == "error"]
    rounding = [f for f in added if f.rule.startswith("AR")]
    assert {f.rule for f in rounding} == {"AR001", "AR002", "AR003", "AR006", "AR020", "AR021"}
    assert all(f.severity == "warning" and ROUNDING_NOTE in f.message for f in rounding)
    assert not [f for f in added if f.rule == "EX002"]  # rounding is not a misreading

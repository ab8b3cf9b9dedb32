"""Every built-in rule's own cases (YAML `tests:`, Python `cases=`), one test per case.

A failing case shows up as e.g. ``test_case[SG001-fires-components do not add up]`` with the
expected and the actual findings. The same cases run with ``pytest --rule-tests builtin``.
"""

from __future__ import annotations

import pytest

from auditor.config import Config
from auditor.engine import prepare
from auditor.testing import case_expects, case_fires, case_name, run_rule_case

RULES = sorted(prepare(Config(entry_points=False)).all_rules, key=lambda r: r.code)
CASES = [
    pytest.param(rule, case, id=f"{rule.code}-{'fires' if case_fires(case) else 'quiet'}-{case_name(case, i)}")
    for rule in RULES
    for i, case in enumerate(rule.cases)
]


def test_there_are_builtin_cases() -> None:
    assert len(CASES) > len(RULES)


@pytest.mark.parametrize(("rule", "case"), CASES)
def test_case(rule, case) -> None:
    ok, found = run_rule_case(rule, case)
    got = "\n".join(f"  {f.severity} {f.location.key()}: {f.message}" for f in found) or "  none"
    assert ok, (
        f"{rule.code} ({rule.where()}) case {case.get('name')!r}: expected {case_expects(case)}, got {len(found)}:\n{got}"
    )

"""The example plugin's rule passes its own cases (using the helpers auditor ships for plugin authors)."""

from auditor_example_plugin import reception_cap

from auditor.testing import check_rule_cases


def test_cases():
    assert check_rule_cases(reception_cap) == 3

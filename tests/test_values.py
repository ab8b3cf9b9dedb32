"""The one tolerance definition and the one module of value helpers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from auditor import rulekit
from auditor.money import tolerance
from auditor.values import fen_or_zero, field_value, int_or_none, is_missing, plain, show, shown, shown_or_none, yuan
from auditor.yamlrules import parse_rules


@pytest.mark.parametrize(
    ("unit", "decimals", "terms", "fen"),
    [
        ("万元", 2, 1, 10_000),
        ("万元", 2, 3, 30_000),
        ("元", 2, 1, 1),
        ("万元", 0, 1, 1_000_000),
        ("亿元", 2, 2, 200_000_000),
    ],
)
def test_tolerance_is_printed_precision_times_terms(unit, decimals, terms, fen):
    assert tolerance(unit, decimals, terms) == fen


def test_yaml_and_python_rules_share_the_tolerance():
    (r,) = parse_rules(
        'code: T001\nname: t\ntags: [narrative]\nassert: "1 == 1"\ntolerance: {printed: 万元, decimals: 2, terms: 3}\n'
    )
    from auditor.yamlrules.common import parse_tolerance

    assert parse_tolerance(r.spec["tolerance"], None, "tolerance") == tolerance("万元", 2, 3)
    assert rulekit.agrees(1_000_000, 1_010_000, "万元", 2) and not rulekit.agrees(1_000_000, 1_010_001, "万元", 2)
    assert rulekit.agrees(0, 30_000, "万元", 2, terms=3) and not rulekit.agrees(0, 30_001, "万元", 2, terms=3)


@pytest.mark.parametrize("v", [None, pd.NA, pd.NaT, float("nan"), np.float64("nan")])
def test_missing_values(v):
    assert is_missing(v) and plain(v) is None and int_or_none(v) is None and fen_or_zero(v) == 0
    assert yuan(v) is None and show(v) == "空" and shown(v, True) == "—" and shown_or_none(v, True) is None
    assert field_value(v, True) is None


@pytest.mark.parametrize("v", ["", "x", 0, [1, None], (), {}, 0.0])
def test_present_values_are_never_missing(v):
    assert not is_missing(v)


def test_numpy_scalars_become_python_values():
    assert type(plain(np.int64(5))) is int and plain(np.int64(5)) == 5
    assert fen_or_zero(np.int64(208293559)) == 208293559
    assert yuan(np.int64(208293559)) == "2082935.59" and show(208293559, "万元") == "208.29万元"
    assert shown(np.int64(208293559), True) == "2,082,935.59" and shown(np.int64(3), False) == "3"
    assert field_value(np.int64(208293559), True) == "2082935.59" and field_value(7, False) == 7
    assert shown_or_none(True, True) is True  # a bool is not money

"""The engine never changes what it is given: auditing a Budget leaves it (and last year's) as loaded,
and the same audit twice gives the same findings, with or without ``previous``."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pandas as pd
import pytest
from corpus import CORPUS, needs_corpus

import auditor
from auditor.engine import audit
from auditor.model import Budget
from auditor.rulekit import records
from auditor.rules import AuditContext, current_audit
from auditor.testing import budget_from_dict, run_rule

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "minhang-police-2024-budget.txt"


def assert_same_budget(before, after):
    """Deep equality of everything a Budget holds: attributes, frames (values and dtypes), meta, text."""
    assert sorted(vars(after)) == sorted(vars(before))
    assert list(after.frames) == list(before.frames)
    for key, frame in before.frames.items():
        pd.testing.assert_frame_equal(after.frames[key], frame, check_exact=True)
    assert after.meta == before.meta
    if before.schema_errors is None:
        assert after.schema_errors is None
    else:
        pd.testing.assert_frame_equal(after.schema_errors, before.schema_errors, check_exact=True)
    assert (after.document is None) == (before.document is None)
    if before.document is not None:
        assert after.document == before.document  # every field but `cache` (pure views of the text)


def rows(report):
    return [f.to_dict() | {"document": f.document, "note": f.note} for f in report.findings]


def check_audits(current, previous):
    current_copy, previous_copy = copy.deepcopy(current), copy.deepcopy(previous)
    alone = rows(audit(current))
    with_previous = rows(audit(current, previous=previous))
    assert rows(audit(current, previous=previous)) == with_previous
    assert rows(audit(current)) == alone  # no trace of the earlier audit's `previous`
    assert_same_budget(current_copy, current)
    assert_same_budget(previous_copy, previous)
    return alone, with_previous


def test_auditing_the_example_twice_changes_nothing():
    current, previous = auditor.load(EXAMPLE), auditor.load(EXAMPLE)
    alone, with_previous = check_audits(current, previous)
    assert alone and len(with_previous) >= len(alone)


@needs_corpus
def test_auditing_with_last_year_changes_neither_year():
    current = auditor.load(CORPUS / "putuo-wanli-street-2025-budget.pdf")
    previous = auditor.load(CORPUS / "putuo-wanli-street-2024-budget.pdf")
    alone, with_previous = check_audits(current, previous)
    assert alone != with_previous or not [r for r in alone if r["rule"].startswith("YY")]


def test_previous_reaches_rules_through_the_context_only():
    b = {"tables": {"sangong": [{"total": "11.00"}]}, "previous": {"tables": {"sangong": [{"total": "10.00"}]}}}
    budget = budget_from_dict(b)
    assert not hasattr(budget, "previous")
    seen = []

    @auditor.rule("ZZ901", name="sees-previous")
    def sees(budget, ctx):
        seen.append(ctx.previous)

    run_rule(sees, b)
    assert seen[-1].table("sangong")["total"].tolist() == [1000]
    run_rule(sees, budget)
    assert seen[-1] is None


def test_a_budget_cannot_be_written_and_table_does_not_insert():
    budget = budget_from_dict({"tables": {"gpb_function": []}})
    with pytest.raises(dataclasses.FrozenInstanceError):
        budget.previous = None  # type: ignore[misc]
    with pytest.raises(TypeError):
        del budget.frames["sangong"]  # the frames are read-only too
    frames = dict(budget.frames)
    budget = Budget(meta=budget.meta, frames={k: v for k, v in frames.items() if k != "sangong"})
    keys = list(budget.frames)
    assert budget.table("sangong").empty and list(budget.table("sangong").columns) == list(frames["sangong"].columns)
    assert list(budget.frames) == keys


def test_views_are_per_audit_and_never_on_the_budget():
    budget = budget_from_dict({"tables": {"gpb_function": [{"code": "204", "name": "x", "total": "1.00"}]}})
    before = set(vars(budget))
    calls = []

    @auditor.rule("ZZ902", name="memo-user")
    def user(budget, ctx):
        assert current_audit() is ctx.audit
        calls.append(ctx.memo("n", lambda b: len(records(b, "gpb_function"))))
        calls.append(records(budget, "gpb_function") is records(budget, "gpb_function"))

    context = AuditContext(budget)
    user.run(budget, audit=context)
    user.run(budget, audit=context)
    assert calls == [1, True, 1, True]
    assert set(context.views) == {(False, "n"), (False, "records:gpb_function")}
    assert set(vars(budget)) == before and current_audit() is None
    other = budget_from_dict({})
    assert context.memo(other, "n", lambda b: "fresh") == "fresh" and (False, "n") in context.views

"""A 决算 audited with its year's 部门预算 (``--previous``): the 年初预算 it cites against the budget."""

from __future__ import annotations

import pytest
from corpus import CORPUS, needs_corpus

from auditor import audit
from auditor.testing import budget_from_dict

FINANCE = CORPUS / "putuo-finance-bureau-2024-final-accounts.pdf"

#: the finance bureau's 2024 budget as its 2024 决算 cites it (元): 说明五（三）and the 三公 预算数
ITEMS = {"2010601": "15600500.00", "2010602": "100000.00", "2010607": "1359000.00", "2010608": "4505200.00",
         "2080501": "855500.00", "2080505": "1616200.00", "2080506": "808100.00", "2080599": "9400.00",
         "2101101": "622900.00", "2210201": "1877500.00", "2210203": "2585000.00"}  # fmt: skip


def budget_2024(**changes):
    items = {**ITEMS, **changes}
    rows = [{"code": None, "name": "合计", "total": "29939200.00"}] + [
        {"code": code, "name": code, "total": total} for code, total in items.items()
    ]
    return budget_from_dict({
        "meta": {"department": "上海市普陀区财政局", "year": 2024, "kind": "部门预算"},
        "tables": {"gpb_function": rows, "sangong": [{"total": "9500.00", "reception": "9500.00"}]},
    })  # fmt: skip


def fa401(previous):
    return [(f.severity, f.location.table, f.location.row, f.location.page, f.location.line)
            for f in audit(FINANCE, previous=previous).findings if f.rule == "FA401"]  # fmt: skip


@needs_corpus
def test_the_budget_the_final_accounts_cite_gives_nothing():
    assert fa401(budget_2024()) == []


@needs_corpus
@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"2010607": "1395000.00"}, [("info", "fa_items", "2010607", 22, 7)]),
        ({"2210203": "2585100.00"}, []),  # 100 元 apart: within the printing of 258.50万元
    ],
)
def test_an_item_budgeted_otherwise_is_an_info_at_the_item(changes, expected):
    assert fa401(budget_2024(**changes)) == expected


@needs_corpus
def test_last_years_final_accounts_are_not_the_budget():
    prior = budget_from_dict({"meta": {"department": "上海市普陀区财政局", "year": 2023, "kind": "部门决算"}})
    assert fa401(prior) == []


def final_2023(gpb_total="3003.19", operating="182.10"):
    """The finance bureau's 2023 决算 as its 2024 决算's changes on last year give it (万元)."""
    return budget_from_dict({
        "meta": {"department": "上海市普陀区财政局", "year": 2023, "kind": "部门决算"},
        "tables": {
            "fa_summary": [{"side": "income", "item": "总计", "amount": "3052.34"}],
            "fa_fiscal_summary": [{"side": "income", "item": "总计", "total": "2961.68"}],
            "fa_gpb_function": [{"code": None, "name": "合计", "total": gpb_total}],
            "fa_sangong": [{"stage": "final", "total": "0.00"}],
        },
        "facts": [{"key": "operating_expenses", "value": operating, "unit": "万元"}],
    })  # fmt: skip


def fa402(previous):
    return [(f.severity, f.location.row, f.location.page, f.location.line, f.expected, f.actual)
            for f in audit(FINANCE, previous=previous).findings if f.rule == "FA402"]  # fmt: skip


@needs_corpus
def test_last_years_final_accounts_the_changes_reproduce_give_nothing():
    # 2,995.39 + 56.95 (减少), 2,961.68 持平, 2,940.05 + 63.14 (减少), 三公 0 持平, 184.65 − 2.55 (增加)
    assert fa402(final_2023()) == []


@needs_corpus
def test_a_change_that_does_not_reproduce_last_years_figure_is_a_warning_at_the_change():
    assert fa402(final_2023(gpb_total="3030.19", operating="182.11")) == [
        ("warning", "gpb_total_change", 21, 21, "30301900.00", "30031900.00"),
    ]  # 182.11 is within the printing of 184.65, 2.55 and 182.11


@needs_corpus
def test_a_decision_of_another_year_is_not_compared():
    prior = final_2023(gpb_total="1.00")
    prior.meta.year = 2022
    assert fa402(prior) == []

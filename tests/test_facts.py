"""Prose facts: amounts, counts, changes, malformed numbers, with their lines."""

from __future__ import annotations

from decimal import Decimal

import pytest
from narrative_helpers import CORPUS, MINHANG, fact, narrative, pdf_doc, text_doc

from auditor.text import read_number


def _df(frames):
    return frames["facts"]


@pytest.fixture(scope="module")
def minhang_text():
    return MINHANG.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def facts(minhang_text):
    return narrative(text_doc(minhang_text))[1]


@pytest.mark.parametrize(
    "printed,value,malformed",
    [
        ("208, 293. 59", "208293.59", False),
        ("4.820.58", "4820.58", True),
        ("10,754,11", "10754.11", True),
        ("1,100,00", "1100.00", True),
        ("41,672,69", "41672.69", True),
        ("2,142", "2142", False),
        ("0", "0", False),
    ],
)
def test_read_number(printed, value, malformed):
    assert read_number(printed) == (Decimal(value), malformed)


def test_budget_notes(facts):
    f = fact(facts, "income_total")
    assert (f.value, f.unit, f.amount, f.line) == ("208293.59", "万元", 208293590000, 53)
    assert fact(facts, "fiscal_income_change").value == "1958.53"
    assert fact(facts, "fiscal_income_change").compare_year == 2023
    assert fact(facts, "expenditure_total").line == 55
    assert fact(facts, "gpb_expenditure").value == "208293.59"
    assert fact(facts, "gov_fund_expenditure_change").value == "0"
    assert fact(facts, "reason").value == "全面深化公安改革及公安工作任务的调整"
    items = _df(facts)[_df(facts).key == "item"]
    assert list(items.item_no) == list(range(1, 11))
    assert items.iloc[0].subject == "行政运行"
    assert items.iloc[0].value == "115631.48"


def test_malformed_numbers(facts):
    bad = _df(facts)[_df(facts).malformed.astype(bool)]
    got = sorted((r.key, r.likely, r.line) for r in bad.itertuples())
    assert got == [
        ("item", "4820.58", 66),
        ("kpi_amount", "41672.69", 293),
        ("project_amount", "10754.11", 407),
        ("project_amount", "1100.00", 535),
    ]


def test_sangong(facts):
    assert fact(facts, "sangong_total").value == "3205.96"
    assert fact(facts, "sangong_total_change").value == "-114.74"
    assert fact(facts, "outbound").value == "0"
    assert fact(facts, "outbound_change").value == "0"
    assert fact(facts, "vehicle_total").value == "2976.38"
    assert fact(facts, "vehicle_purchase").value == "834.38"
    assert fact(facts, "vehicle_purchase_change").value == "-114.74"
    assert fact(facts, "vehicle_operation").value == "2142"
    assert fact(facts, "vehicle_operation_change").value == "0"
    assert fact(facts, "reception").value == "229.58"
    assert fact(facts, "reception_change").compare_year == 2023
    reasons = _df(facts)[_df(facts).key == "sangong_reason"]
    assert list(reasons.component) == ["vehicle_total", "vehicle_purchase"]


def test_other_notes(facts):
    assert fact(facts, "operating_expenses").value == "23016.90"
    assert fact(facts, "procurement_total").value == "24801.03"
    assert fact(facts, "procurement_goods").value == "1046.36"
    assert fact(facts, "procurement_works").value == "0"
    assert fact(facts, "procurement_services").value == "23754.67"
    assert fact(facts, "sme_reserved").value == "7440.31"
    assert fact(facts, "small_micro_reserved").value == "4464.19"
    assert fact(facts, "kpi_units").value == "14"
    assert fact(facts, "kpi_projects").value == "72"
    assert fact(facts, "budget_units").value == "0"
    assert fact(facts, "admin_units").value == "1"
    assert fact(facts, "vehicles_total").value == "612"
    assert fact(facts, "vehicles_law_enforcement").category == "执法执勤用车"
    assert fact(facts, "planned_vehicles_total").value == "45"
    assert fact(facts, "planned_vehicles_law_enforcement").value == "45"
    assert fact(facts, "equipment_over_1m").value == "24"
    assert fact(facts, "planned_equipment_over_1m").value == "0"
    assert fact(facts, "assets_date").value == "2023-08-31"
    assert fact(facts, "project_count").value == "8"


def test_altered_prose_amount(minhang_text):
    text = minhang_text.replace("公务接待费229.58万元", "公务接待费229.85万元")
    facts = narrative(text_doc(text))[1]
    assert fact(facts, "reception").value == "229.85"
    assert fact(facts, "reception").line == 280


def test_wanli_2024():
    facts = narrative(pdf_doc(CORPUS / "putuo-wanli-street-2024-budget.pdf"))[1]
    f = fact(facts, "income_total")
    assert (f.value, f.page) == ("15621.11", 6)
    assert fact(facts, "fiscal_income_change").value == "-876.75"
    assert fact(facts, "sangong_total").value == "47.91"
    assert fact(facts, "sangong_total_change").value == "25"
    assert fact(facts, "operating_expenses").value == "443.18"
    assert fact(facts, "operating_civil_servant_units").value == "1"
    assert fact(facts, "procurement_works").value == "815.87"
    assert fact(facts, "small_micro_reserved").value == "465.49"
    assert fact(facts, "budget_units").value == "5"
    assert fact(facts, "institution_units").value == "4"
    assert fact(facts, "civil_servant_units").value == "1"
    assert fact(facts, "vehicles_other").value == "7"
    pct = _df(facts)[_df(facts).key == "item_change_pct"]
    assert pct.iloc[0].value == "-57.14" and pct.iloc[0].item_no == 1
    assert not _df(facts).malformed.astype(bool).any()


def test_commerce_2025():
    facts = narrative(pdf_doc(CORPUS / "putuo-commerce-2025-budget.pdf"))[1]
    assert fact(facts, "income_total").value == "37151.47"
    assert fact(facts, "sangong_total_change").value == "0"
    assert fact(facts, "procurement_total").value == "38.20"
    assert fact(facts, "kpi_projects").value == "25"
    items = _df(facts)[_df(facts).key == "item"]
    assert len(items) == 16
    assert items.iloc[12].value == "29381.00"  # the number wraps across two PDF lines
    assert not _df(facts).malformed.astype(bool).any()

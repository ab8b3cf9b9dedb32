"""SARIF 2.1.0 output, validated against the vendored schema.

``tests/data/sarif-schema-2.1.0.json`` is the SARIF 2.1.0 JSON schema as shipped by Microsoft's npm
package ``@microsoft/jest-sarif`` (file ``lib/schemas/sarif-2.1.0-rtm.5.json``, MIT), the final
release candidate of the OASIS 2.1.0 schema (draft-04; ``version`` enum ["2.1.0"]).
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from auditor.findings import Finding, Location, Report
from auditor.report import ReportOptions, render
from auditor.report.sample import SAMPLE_RULES, sample_report

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def validate(log: dict) -> None:
    cls = jsonschema.validators.validator_for(SCHEMA)
    cls(SCHEMA, format_checker=cls.FORMAT_CHECKER).validate(log)


def sarif(reports, options=None) -> dict:
    return json.loads(render(reports, "sarif", options or ReportOptions(rules=SAMPLE_RULES)))


def pdf_report() -> Report:
    return Report(
        document={"path": "corpus/普陀 commerce-2025.pdf", "source": "pdf"},
        findings=[
            Finding(
                rule="A001",
                severity="error",
                message="page only",
                tags=["arithmetic"],
                location=Location(table="gpb_function", row="204", page=7),
            ),
            Finding(
                rule="A001",
                severity="error",
                message="page and line",
                tags=["arithmetic"],
                location=Location(table="gpb_function", row="205", page=7, line=3),
            ),
        ],
    )


def test_schema_is_the_sarif_2_1_0_schema():
    assert SCHEMA["properties"]["version"]["enum"] == ["2.1.0"]
    with pytest.raises(jsonschema.ValidationError):
        validate({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]})  # driver.name is required


@pytest.mark.parametrize(
    "reports", [[sample_report()], [sample_report(), pdf_report()], [Report(document={"path": "x.txt"})]]
)
def test_sarif_validates(reports):
    validate(sarif(reports))


def test_driver_and_rules():
    log = sarif([sample_report()])
    assert log["version"] == "2.1.0"
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "budget-auditor" and driver["version"] and driver["informationUri"].startswith("http")
    rules = {r["id"]: r for r in driver["rules"]}
    a001 = rules["A001"]
    assert a001["name"] == "sum-of-children"
    assert a001["shortDescription"]["text"] == "类 = Σ款"
    assert a001["fullDescription"]["text"] == "A 类 equals the sum of its 款."
    assert a001["help"]["text"] == "预算法 第三十二条"
    assert a001["defaultConfiguration"]["level"] == "error"
    assert a001["properties"]["tags"] == ["arithmetic"]
    assert rules["P002"]["defaultConfiguration"]["level"] == "note"
    assert "K001" in rules  # a rule that ran without findings is still described


def test_results_for_text_source():
    log = sarif([sample_report()])
    run = log["runs"][0]
    results = run["results"]
    assert len(results) == 6
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for r in results:
        assert ids[r["ruleIndex"]] == r["ruleId"]
    first = next(r for r in results if r["ruleId"] == "A001")
    assert first["level"] == "error"
    assert first["message"]["text"].startswith("类 204")
    phys = first["locations"][0]["physicalLocation"]
    assert phys["artifactLocation"]["uri"] == "minhang-police-2024-budget.txt"
    assert phys["region"] == {"startLine": 11}
    assert first["partialFingerprints"]["budgetAuditorFingerprint/v2"] == sample_report().findings[0].fingerprint()
    levels = {r["ruleId"]: r["level"] for r in results}
    assert levels["S001"] == "warning" and levels["P002"] == "note"
    crash = next(r for r in results if r["ruleId"] == "X999")
    assert "region" not in crash["locations"][0]["physicalLocation"]
    inv = run["invocations"][0]
    assert (
        inv["executionSuccessful"] is False and inv["toolExecutionNotifications"][0]["associatedRule"]["id"] == "X999"
    )


def test_results_for_pdf_source_put_page_in_properties():
    results = sarif([pdf_report()])["runs"][0]["results"]
    page_only, with_line = results
    assert page_only["properties"]["page"] == 7
    assert "region" not in page_only["locations"][0]["physicalLocation"]
    assert with_line["properties"]["page"] == 7
    assert with_line["locations"][0]["physicalLocation"]["region"] == {"startLine": 3}
    assert (
        page_only["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "corpus/%E6%99%AE%E9%99%80%20commerce-2025.pdf"
    )


def test_failed_document_is_a_notification():
    log = sarif([Report(document={"path": "broken.pdf"}, error="no text layer")])
    validate(log)
    inv = log["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    assert "no text layer" in inv["toolExecutionNotifications"][0]["message"]["text"]

"""Every format for every corpus document (loaded for real; findings from the engine when it runs).

Uses ``../shared/corpus`` beside the repository; skipped when the corpus is not there.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from corpus import budgets, documents, needs_corpus

from auditor.findings import Report
from auditor.report import ReportOptions, render
from auditor.report.sample import sample_findings

FILES = documents()
BUDGETS = {p.name for p in budgets()}
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

pytestmark = needs_corpus


@pytest.fixture(scope="module")
def reports() -> list[Report]:
    from auditor import load

    out = []
    for path in FILES:
        budget = load(str(path))
        doc = {
            "path": f"corpus/{path.name}",
            "department": budget.meta.department,
            "year": budget.meta.year,
            "kind": budget.meta.kind,
            "source": path.suffix.lstrip("."),
        }
        # hand-made findings so every formatter has something to lay out, located in this document
        out.append(Report(document=doc, findings=sample_findings(doc["path"]), budget=budget))
    return out


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl", "markdown", "sarif", "junit", "html"])
def test_every_format_for_the_corpus(reports, fmt):
    for report in reports:
        out = render([report], fmt, ReportOptions(verbose=True))
        assert out.strip()
    out = render(reports, fmt, ReportOptions())
    if fmt == "sarif":
        cls = jsonschema.validators.validator_for(SCHEMA)
        cls(SCHEMA).validate(json.loads(out))
    elif fmt == "junit":
        root = ET.fromstring(out.encode())
        assert len(root.findall("testsuite")) == len(reports)
        assert int(root.get("failures")) > 0
    elif fmt == "json":
        assert len(json.loads(out)["documents"]) == len(reports)
    elif fmt == "jsonl":
        assert len(out.splitlines()) == len(reports)


def test_html_key_figures_from_real_budgets(reports):
    from auditor.i18n import gettext_for
    from auditor.report.html import expenditure_chart, key_figures

    for report in (r for r in reports if Path(r.document["path"]).name in BUDGETS):
        labels = [f.label for f in key_figures(report.budget, None, gettext_for("zh"))]
        assert "支出预算" in labels, report.document["path"]
        assert expenditure_chart(report.budget, "x") is not None, report.document["path"]
    minhang = next((r for r in reports if "minhang" in r.document["path"]), None)
    if minhang is not None:
        figures = {f.label: f.value for f in key_figures(minhang.budget, None, gettext_for("zh"))}
        assert figures["支出预算"] == "2,082,935,857.58 元"
        assert figures["“三公”经费合计"] == "3,205.96万元"

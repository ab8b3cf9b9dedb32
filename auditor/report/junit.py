"""JUnit XML (``--format junit``), for CI systems that show test results.

``<testsuites>`` holds one ``<testsuite>`` per document (named by its path) and, in it, one
``<testcase>`` per rule: every rule of ``options.rules`` (a rule without findings is a passing
testcase), plus any rule that only appears in findings. A rule fails when it has findings at or
above ``--fail-on`` (``options.fail_on``, default error — the same line the exit code draws): its
``<failure>`` (type = the worst severity, message = the count) carries one line per such finding —
severity, location, message, expected/actual; findings below that line are listed in the
testcase's ``<system-out>`` and do not count as failures. Findings tagged ``internal`` (a rule or plugin that
crashed) are an ``<error>`` instead, and a document that could not be loaded is one erroring
testcase named ``load``. ``tests``/``failures``/``errors`` are counted on every suite and on the
root.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from ..findings import Finding
from .base import (
    ReportOptions,
    as_list,
    collect_rules,
    document_label,
    document_path,
    location_text,
    severity_rank,
    sorted_findings,
    value_text,
)


def finding_line(f: Finding) -> str:
    where = location_text(f.location)
    line = f"[{f.severity}] {where}: {f.message}" if where else f"[{f.severity}] {f.message}"
    if f.expected is not None or f.actual is not None:
        line += f" (expected {value_text(f.expected)}, actual {value_text(f.actual)})"
    if f.note:
        line += f" — {f.note}"
    return line


def fails(finding: Finding, fail_on: str) -> bool:
    """Whether a finding fails the run at this ``--fail-on`` (as the exit code decides)."""
    if fail_on == "never":
        return False
    return severity_rank(finding.severity) >= severity_rank(fail_on)


def to_element(reports: Any, options: ReportOptions | None = None) -> ET.Element:
    """The ``<testsuites>`` element."""
    options = options or ReportOptions()
    reports = as_list(reports)
    rules = collect_rules(reports, options)
    root = ET.Element("testsuites", name="budget-auditor")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for report in reports:
        path = document_path(report)
        suite = ET.SubElement(root, "testsuite", name=path)
        counts = {"tests": 0, "failures": 0, "errors": 0}
        props = ET.SubElement(suite, "properties")
        for key in ("department", "year", "kind", "source"):
            if (report.document or {}).get(key) is not None:
                ET.SubElement(props, "property", name=key, value=str(report.document[key]))
        if report.error:
            case = ET.SubElement(suite, "testcase", classname=path, name="load")
            err = ET.SubElement(case, "error", message="could not audit", type="load")
            err.text = f"{document_label(report)}: {report.error}"
            counts["tests"] += 1
            counts["errors"] += 1
        by_rule: dict[str, list[Finding]] = {}
        for f in sorted_findings(report.findings):
            by_rule.setdefault(f.rule, []).append(f)
        codes = list(rules) if not report.error else list(by_rule)
        for code in codes:
            info = rules[code]
            case = ET.SubElement(suite, "testcase", classname=path, name=info.label)
            counts["tests"] += 1
            findings = by_rule.get(code, [])
            crashed = [f for f in findings if "internal" in f.tags]
            failed = [f for f in findings if "internal" not in f.tags and fails(f, options.fail_on)]
            below = [f for f in findings if "internal" not in f.tags and not fails(f, options.fail_on)]
            if below:  # reported, but not a failure: the same line the exit code draws
                out = ET.SubElement(case, "system-out")
                out.text = "\n".join(finding_line(f) for f in below)
            if crashed:
                err = ET.SubElement(case, "error", message=crashed[0].message, type="internal")
                err.text = "\n".join(finding_line(f) for f in crashed)
                counts["errors"] += 1
            elif failed:
                worst = max(failed, key=lambda f: severity_rank(f.severity)).severity
                n = len(failed)
                fail = ET.SubElement(case, "failure", message=f"{n} finding{'s' if n != 1 else ''}", type=worst)
                fail.text = "\n".join(finding_line(f) for f in failed)
                counts["failures"] += 1
        for k, v in counts.items():
            suite.set(k, str(v))
            totals[k] += v
        suite.set("skipped", "0")
        if not len(props):
            suite.remove(props)
    for k, v in totals.items():
        root.set(k, str(v))
    return root


def render(reports: Any, options: ReportOptions | None = None) -> str:
    """``--format junit``."""
    root = to_element(reports, options)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

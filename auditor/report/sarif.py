"""SARIF 2.1.0 (``--format sarif``), for code-scanning dashboards.

One run for all documents: ``tool.driver`` describes budget-auditor and every rule (id, name,
short and full description, help = the regulatory reference, default level, tags); one result per
finding with ``ruleId``/``ruleIndex``, ``level`` (error, warning, note), the message, and a
physical location whose artifact is the document path as given on the command line. Text sources
get ``region.startLine``; for PDFs the page goes to ``result.properties.page`` (``startLine`` is
set too when the line on the page is known). The table/row/column go to a logical location and
to ``properties``. ``partialFingerprints`` carry ``Finding.fingerprint()`` so dashboards track a
finding across runs. A document that could not be audited, or a rule that crashed, is reported as
a tool execution notification and makes ``executionSuccessful`` false.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..findings import Finding, Report
from .base import SARIF_LEVEL, ReportOptions, as_list, cell_text, collect_rules, document_path

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
#: Used when the installed distribution declares no project URL (``[project.urls]``).
DEFAULT_INFORMATION_URI = "https://github.com/budget-auditor/budget-auditor"
FINGERPRINT_KEY = "budgetAuditorFingerprint/v2"  # v2: no line numbers (Finding.fingerprint)


def artifact_uri(path: str) -> str:
    """The document path as a URI reference: kept as given, with spaces and non-ASCII escaped."""
    return quote(path.replace("\\", "/"), safe="/:@-._~!$&'()*+,;=%")


def information_uri() -> str:
    """The project's home page from the installed package metadata, else the default."""
    try:
        from importlib.metadata import metadata

        meta = metadata("budget-auditor")
    except Exception:
        return DEFAULT_INFORMATION_URI
    for entry in meta.get_all("Project-URL") or []:
        url = entry.split(",", 1)[-1].strip()
        if url.startswith("http"):
            return url
    home = meta.get("Home-page")
    return home if home and home.startswith("http") else DEFAULT_INFORMATION_URI


def _level(severity: str) -> str:
    return SARIF_LEVEL.get(severity, "warning")


def _result(f: Finding, report: Report, index: dict[str, int]) -> dict[str, Any]:
    loc = f.location
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(document_path(report))}}
    region: dict[str, Any] = {}
    if loc.line is not None and loc.line >= 1:
        region["startLine"] = int(loc.line)
    if loc.bbox is not None:  # where on the PDF page: SARIF has no page geometry, so a region property
        region["properties"] = {"page": loc.page, "bbox": [round(float(v), 1) for v in loc.bbox]}
    if region:
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    cell = cell_text(loc)
    if cell:
        location["logicalLocations"] = [
            {"name": str(loc.row if loc.row is not None else loc.table), "fullyQualifiedName": cell, "kind": "element"}
        ]
    props: dict[str, Any] = {"tags": list(f.tags)}
    for key in ("table", "row", "column", "page"):
        value = getattr(loc, key)
        if value is not None:
            props[key] = value if isinstance(value, (int, str)) else str(value)
    d = f.to_dict()
    for key in ("expected", "actual", "reference", "note"):
        if d.get(key) is not None:
            props[key] = d[key]
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": index[f.rule],
        "level": _level(f.severity),
        "message": {"text": f.message},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint()},
        "properties": props,
    }
    return result


def to_sarif(reports: Any, options: ReportOptions | None = None) -> dict[str, Any]:
    """The SARIF log as a dict."""
    options = options or ReportOptions()
    reports = as_list(reports)
    rules = collect_rules(reports, options)
    index = {code: i for i, code in enumerate(rules)}
    descriptors = []
    for info in rules.values():
        short = info.title or info.name or info.code
        desc: dict[str, Any] = {
            "id": info.code,
            "shortDescription": {"text": short},
            "fullDescription": {"text": info.description or short},
            "defaultConfiguration": {"level": _level(info.severity)},
            "properties": {"tags": list(info.tags)},
        }
        if info.name:
            desc["name"] = info.name
        if info.reference:
            desc["help"] = {"text": info.reference}
        descriptors.append(desc)

    results = []
    notifications = []
    artifacts = []
    for report in reports:
        uri = artifact_uri(document_path(report))
        artifacts.append({"location": {"uri": uri}})
        if report.error:
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": f"{document_path(report)}: could not audit: {report.error}"},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}],
                }
            )
        for f in report.findings:
            results.append(_result(f, report, index))
            if "internal" in f.tags:
                notifications.append(
                    {
                        "level": "error",
                        "message": {"text": f.message},
                        "associatedRule": {"id": f.rule, "index": index[f.rule]},
                    }
                )
    invocation: dict[str, Any] = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "budget-auditor",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": information_uri(),
                        "rules": descriptors,
                    }
                },
                "artifacts": artifacts,
                "invocations": [invocation],
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def render(reports: Any, options: ReportOptions | None = None) -> str:
    """``--format sarif``."""
    return json.dumps(to_sarif(reports, options), ensure_ascii=False, indent=2) + "\n"

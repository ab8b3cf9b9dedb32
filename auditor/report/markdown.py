"""The Markdown report (``--format markdown``): a summary and a findings table, fit for a
pull-request comment or an issue (GitHub-flavoured tables; ``|`` and newlines in cells escaped).

Several documents get a summary table with one row per document, then one section each.
"""

from __future__ import annotations

from typing import Any

from ..findings import Report
from .base import (
    SEVERITY_ORDER,
    ReportOptions,
    all_findings,
    as_list,
    document_label,
    family_counts,
    finding_reference,
    location_text,
    severity_counts,
    sorted_findings,
    summary_text,
    value_text,
)

ICONS = {"error": "🔴", "warning": "🟠", "info": "🔵"}


def cell(value: Any) -> str:
    """Text safe inside a Markdown table cell."""
    text = value_text(value)
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("\r", "")
        .replace("\n", "<br>")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("&lt;br&gt;", "<br>")
    )


def table(headers: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    out += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(out)


def _counts_table(findings) -> str:
    sev = severity_counts(findings)
    fam = family_counts(findings)
    out = table([f"{ICONS.get(s, '')} {s}" for s in SEVERITY_ORDER], [[sev[s] for s in SEVERITY_ORDER]])
    if fam:
        out += "\n\n" + table(["family", "findings"], [[k, v] for k, v in fam.items()])
    return out


def render_report(report: Report, options: ReportOptions, level: int = 2) -> str:
    h = "#" * level
    out = [f"{h} {cell(document_label(report))}", ""]
    if report.error:
        out += [f"> **could not audit:** {cell(report.error)}", ""]
    out += [f"**{summary_text(report.findings)}**", ""]
    if not report.findings:
        out += ["No findings.", ""]
        return "\n".join(out)
    if not options.quiet:
        out += [_counts_table(report.findings), ""]
        headers = ["", "severity", "code", "location", "message", "expected", "actual"]
        if options.verbose:
            headers.append("reference")
        rows = []
        for f in sorted_findings(report.findings):
            message = f.message + (f"\n_{f.note}_" if f.note else "")
            row = [
                ICONS.get(f.severity, ""),
                f.severity,
                f"`{f.rule}`",
                location_text(f.location),
                message,
                value_text(f.expected),
                value_text(f.actual),
            ]
            if options.verbose:
                row.append(finding_reference(f, options) or "")
            rows.append(row)
        out += [table(headers, rows), ""]
    return "\n".join(out)


def render(reports: Any, options: ReportOptions | None = None) -> str:
    """``--format markdown``."""
    options = options or ReportOptions()
    reports = as_list(reports)
    if len(reports) == 1:
        return "# Budget audit\n\n" + render_report(reports[0], options).rstrip() + "\n"
    out = ["# Budget audit", "", f"**{summary_text(all_findings(reports), len(reports))}**", ""]
    rows = []
    for r in reports:
        sev = severity_counts(r.findings)
        rows.append([document_label(r), *(sev[s] for s in SEVERITY_ORDER), "could not audit" if r.error else ""])
    out += [table(["document", *SEVERITY_ORDER, ""], rows), ""]
    for r in reports:
        out.append(render_report(r, options, level=2))
    return "\n".join(out).rstrip() + "\n"

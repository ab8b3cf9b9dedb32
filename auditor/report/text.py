"""The terminal report (``--format text``, the default), laid out with tabulate.

Per document: a heading, then the findings grouped by severity (code, location, message,
expected, actual), then one summary line with the counts by severity and by family. With
``options.verbose`` each finding's message is followed by its reference and the source lines
around it; with ``options.quiet`` only the summary lines are printed. ANSI colour is used only
when ``options.color`` is set (the CLI sets it on a terminal without ``NO_COLOR``).
"""

from __future__ import annotations

from typing import Any

from tabulate import tabulate

from ..findings import Finding, Report
from .base import (
    ReportOptions,
    all_findings,
    as_list,
    by_severity,
    document_label,
    excerpt,
    finding_reference,
    location_text,
    summary_text,
    value_text,
)

COLORS = {"error": "\x1b[1;31m", "warning": "\x1b[33m", "info": "\x1b[36m", "bold": "\x1b[1m", "dim": "\x1b[2m"}
RESET = "\x1b[0m"
HEADERS = ["code", "location", "message", "expected", "actual"]
EXCERPT_WIDTH = 56


def _paint(text: str, style: str, options: ReportOptions) -> str:
    return f"{COLORS[style]}{text}{RESET}" if options.color and style in COLORS else text


def _flat(text: str, width: int = EXCERPT_WIDTH) -> str:
    text = text.replace("\t", "  ")
    return text if len(text) <= width else text[: width - 1] + "…"


def _message_cell(report: Report, f: Finding, options: ReportOptions) -> str:
    lines = [f.message]
    if f.note:
        lines.append(f"note: {f.note}")
    if options.verbose:
        ref = finding_reference(f, options)
        if ref:
            lines.append(f"ref: {ref}")
        for page, line, text, target in excerpt(report, f, options.context):
            pos = f"p.{page} l.{line}" if page is not None else str(line)
            mark = ">" if target else " "
            lines.append(f"{mark}{pos:>6} | {_flat(text)}")
    return "\n".join(lines)


def _summary(findings: list[Finding], options: ReportOptions, documents: int | None = None) -> str:
    text = summary_text(findings, documents)
    if not options.color:
        return text
    worst = next((s for s in ("error", "warning", "info") if any(f.severity == s for f in findings)), None)
    return _paint(text, worst or "bold", options)


def render_report(report: Report, options: ReportOptions) -> str:
    """The text of one document's findings (without the trailing summary when quiet)."""
    out = [_paint(document_label(report), "bold", options)]
    if report.error:
        out.append(_paint(f"could not audit: {report.error}", "error", options))
    groups = by_severity(report.findings)
    if not groups and not report.error:
        out.append("no findings")
    for severity, findings in groups.items():
        out.append("")
        out.append(_paint(f"{severity} ({len(findings)})", severity, options))
        rows = [
            [f.rule, location_text(f.location), _message_cell(report, f, options), value_text(f.expected), value_text(f.actual)]
            for f in findings
        ]
        out.append(tabulate(rows, headers=HEADERS, tablefmt="simple", disable_numparse=True, maxcolwidths=[None, 40, 70, 24, 24]))
    out.append("")
    out.append(_summary(report.findings, options))
    return "\n".join(out)


def render(reports: Any, options: ReportOptions | None = None) -> str:
    """``--format text``."""
    options = options or ReportOptions()
    reports = as_list(reports)
    if options.quiet:
        if len(reports) == 1:
            lines = [_summary(reports[0].findings, options)]
        else:
            lines = [f"{document_label(r)}: {_summary(r.findings, options)}" for r in reports]
    else:
        lines = [render_report(r, options) + "\n" for r in reports]
    if len(reports) > 1:
        lines.append(_summary(all_findings(reports), options, documents=len(reports)))
    return "\n".join(lines).rstrip("\n") + "\n"

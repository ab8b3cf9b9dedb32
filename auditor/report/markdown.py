"""The Markdown report (``--format markdown``): a summary and a findings table, fit for a
pull-request comment or an issue (GitHub-flavoured tables; ``|`` and newlines in cells escaped).

Several documents get a summary table with one row per document, then one section each.
"""

from __future__ import annotations

from typing import Any

from ..findings import Report
from ..i18n import gettext_for
from .base import (
    SEVERITY_ORDER,
    ReportOptions,
    all_findings,
    as_list,
    document_label,
    family_counts,
    finding_reference,
    severity_counts,
    sorted_findings,
    value_text,
)
from .present import Presenter, summary_line

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


def _counts_table(findings, _) -> str:
    sev = severity_counts(findings)
    fam = family_counts(findings)
    out = table([f"{ICONS.get(s, '')} {_(s)}" for s in SEVERITY_ORDER], [[sev[s] for s in SEVERITY_ORDER]])
    if fam:
        out += "\n\n" + table([_("family"), _("findings")], [[_(k), v] for k, v in fam.items()])
    return out


def render_report(report: Report, options: ReportOptions, level: int = 2) -> str:
    _ = gettext_for(options.lang)
    present = Presenter(report, options.lang)
    h = "#" * level
    out = [f"{h} {cell(document_label(report))}", ""]
    if report.error:
        out += [f"> **{_('could not audit:')}** {cell(report.error)}", ""]
    out += [f"**{summary_line(report.findings, options.lang)}**", ""]
    if not report.findings:
        out += [_("No findings."), ""]
        return "\n".join(out)
    if not options.quiet:
        out += [_counts_table(report.findings, _), ""]
        headers = ["", _("severity"), _("code"), _("location"), _("message"), _("expected"), _("actual")]
        headers.append(_("difference"))
        if options.verbose:
            headers.append(_("reference"))
        rows = []
        for f in sorted_findings(report.findings):
            message = f.message + (f"\n_{f.note}_" if f.note else "")
            row = [
                ICONS.get(f.severity, ""),
                _(f.severity),
                f"`{f.rule}`",
                present.location(f.location),
                message,
                present.amount(f.expected, f),
                present.amount(f.actual, f),
                present.difference(f) or "",
            ]
            if options.verbose:
                row.append(finding_reference(f, options) or "")
            rows.append(row)
        out += [table(headers, rows), ""]
    return "\n".join(out)


def render(reports: Any, options: ReportOptions | None = None) -> str:
    """``--format markdown``."""
    options = options or ReportOptions()
    _ = gettext_for(options.lang)
    reports = as_list(reports)
    title = _("Budget audit")
    if len(reports) == 1:
        return f"# {title}\n\n" + render_report(reports[0], options).rstrip() + "\n"
    out = [f"# {title}", "", f"**{summary_line(all_findings(reports), options.lang, len(reports))}**", ""]
    rows = []
    for r in reports:
        sev = severity_counts(r.findings)
        rows.append([document_label(r), *(sev[s] for s in SEVERITY_ORDER), _("could not audit") if r.error else ""])
    out += [table([_("document"), *(_(s) for s in SEVERITY_ORDER), ""], rows), ""]
    for r in reports:
        out.append(render_report(r, options, level=2))
    return "\n".join(out).rstrip() + "\n"

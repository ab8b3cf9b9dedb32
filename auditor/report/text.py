"""The terminal report (``--format text``, the default), laid out with tabulate.

Per document: a heading, then the findings grouped by severity (code, location, message,
expected, actual), then one summary line with the counts by severity and by family. With
``options.verbose`` each finding's message is followed by its reference and the source lines
around it; with ``options.quiet`` only the findings are printed, one line each
(``path:line: CODE severity message``). With ``options.width`` below the width of the table
(about 170 columns) each finding is laid out on lines of that width instead of as a table row. ANSI colour is used only
when ``options.color`` is set (the CLI sets it on a terminal without ``NO_COLOR``).
"""

from __future__ import annotations

from typing import Any

from ..findings import Finding, Report
from ..i18n import gettext_for
from ..text import display_width
from .base import (
    ReportOptions,
    all_findings,
    as_list,
    by_severity,
    document_label,
    excerpt,
    finding_reference,
    wrap_display,
)
from .present import Presenter, summary_line

COLORS = {"error": "\x1b[1;31m", "warning": "\x1b[33m", "info": "\x1b[36m", "bold": "\x1b[1m", "dim": "\x1b[2m"}
RESET = "\x1b[0m"
HEADERS = ["code", "location", "message", "expected", "actual"]
EXCERPT_WIDTH = 60
#: terminal columns of the wrapped columns: location, message, expected, actual
WIDTHS = (36, 72, 22, 22)


def _paint(text: str, style: str, options: ReportOptions) -> str:
    return f"{COLORS[style]}{text}{RESET}" if options.color and style in COLORS else text


def _flat(text: str, width: int = EXCERPT_WIDTH) -> str:
    """One source line on one row: tabs as two spaces, cut to `width` terminal columns."""
    text = text.replace("\t", "  ")
    if display_width(text) <= width:
        return text
    out, w = "", 0
    for ch in text:
        w += display_width(ch)
        if w > width - 1:
            break
        out += ch
    return out + "…"


def _message_cell(report: Report, f: Finding, options: ReportOptions, width: int = WIDTHS[1]) -> str:
    _ = gettext_for(options.lang)
    lines = [wrap_display(f.message, width)]
    if f.note:
        lines.append(wrap_display(_("note: %(note)s", note=f.note), width))
    if options.verbose:
        ref = finding_reference(f, options)
        if ref:
            lines.append(wrap_display(_("ref: %(ref)s", ref=ref), width))
        for page, line, text, target in excerpt(report, f, options.context):
            pos = f"p.{page} l.{line}" if page is not None else str(line)
            mark = ">" if target else " "
            lines.append(wrap_display(f"{mark}{pos:>6} | {_flat(text, min(EXCERPT_WIDTH, width - 10))}", width))
    return "\n".join(lines)


def _summary(findings: list[Finding], options: ReportOptions, documents: int | None = None) -> str:
    text = summary_line(findings, options.lang, documents)
    if options.width:
        text = wrap_display(text, options.width)
    if not options.color:
        return text
    worst = next((s for s in ("error", "warning", "info") if any(f.severity == s for f in findings)), None)
    return _paint(text, worst or "bold", options)


def _actual(present: Presenter, f: Finding) -> str:
    """The actual value, with the difference stated under it."""
    text = present.amount(f.actual, f)
    diff = present.difference(f)
    return f"{text}\n{present._('difference %(d)s', d=diff)}" if diff else text


#: Below this many columns the findings are stacked, not tabulated.
TABLE_WIDTH = 170


def _stacked(
    report: Report, findings: list[Finding], options: ReportOptions, present: Presenter, width: int
) -> list[str]:
    """Each finding on lines of at most `width` columns: code and location, then message, then values."""
    _ = present._
    out: list[str] = []
    inner = max(width - 4, 20)
    for f in findings:
        loc = present.location(f.location)
        out.append("")
        out.append(wrap_display(f"{_paint(f.rule, f.severity, options)}  {loc}" if loc else f.rule, width))
        out += ["    " + ln for ln in _message_cell(report, f, options, inner).splitlines()]
        values = [f"{_('expected')}: {present.amount(f.expected, f)}" if f.expected is not None else "",
                  f"{_('actual')}: {_actual(present, f)}" if f.actual is not None else ""]  # fmt: skip
        for v in values:
            if v:
                out += ["    " + ln for ln in wrap_display(v, inner).splitlines()]
    return out


def quiet_lines(reports: list[Report], options: ReportOptions) -> list[str]:
    """One line per finding, ``path:line: CODE severity message`` (grep- and editor-friendly)."""
    out = []
    for r in reports:
        path = (r.document or {}).get("path") or "<document>"
        for f in r.findings:
            pos = f":{f.location.line}" if f.location.line is not None else ""
            msg = " ".join(str(f.message).split())
            out.append(f"{path}{pos}: {_paint(f.rule, f.severity, options)} {f.severity} {msg}")
    return out


def render_report(report: Report, options: ReportOptions) -> str:
    """The text of one document's findings and its summary line."""
    _ = gettext_for(options.lang)
    present = Presenter(report, options.lang)
    label = document_label(report)
    out = [_paint(wrap_display(label, options.width) if options.width else label, "bold", options)]
    if report.error:
        msg = _("could not audit: %(error)s", error=report.error)
        out.append(_paint(wrap_display(msg, options.width) if options.width else msg, "error", options))
    groups = by_severity(report.findings)
    if not groups and not report.error:
        out.append(_("no findings"))
    for severity, findings in groups.items():
        out.append("")
        out.append(_paint(f"{_(severity)} ({len(findings)})", severity, options))
        if options.width is not None and options.width < TABLE_WIDTH:
            out += _stacked(report, findings, options, present, options.width)
            continue
        from tabulate import tabulate  # only for the table layout: -q and stacked output never need it

        rows = [
            [
                f.rule,
                wrap_display(present.location(f.location), WIDTHS[0]),
                _message_cell(report, f, options),
                wrap_display(present.amount(f.expected, f), WIDTHS[2]),
                wrap_display(_actual(present, f), WIDTHS[3]),
            ]
            for f in findings
        ]
        out.append(tabulate(rows, headers=[_(h) for h in HEADERS], tablefmt="simple", disable_numparse=True))
    if not report.error:  # a document that could not be loaded was not audited: no counts to give
        out.append("")
        out.append(_summary(report.findings, options))
    return "\n".join(out)


def render(reports: Any, options: ReportOptions | None = None) -> str:
    """``--format text``."""
    options = options or ReportOptions()
    reports = as_list(reports)
    if options.quiet:
        text = "\n".join(quiet_lines(reports, options))
        return text + "\n" if text else ""
    lines = [render_report(r, options) + "\n" for r in reports]
    audited = [r for r in reports if not r.error]
    if len(reports) > 1 and audited:
        lines.append(_summary(all_findings(audited), options, documents=len(audited)))
    text = "\n".join(lines).rstrip("\n")
    return text + "\n" if text else ""

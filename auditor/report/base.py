"""What every reporter shares: options, severity order, families, location text, rule metadata.

A reporter is a callable ``render(reports, options) -> str`` (see ``auditor_register_reporters``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..findings import SEVERITIES, SEVERITY_RANK, TAGS, Finding, Location, Report
from ..text import display_width

#: Severities from most to least severe (the order reports list them in).
SEVERITY_ORDER: tuple[str, ...] = tuple(sorted(SEVERITIES, key=lambda s: -SEVERITY_RANK[s]))

#: SARIF / JUnit level of each severity.
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}

#: Family of a finding without tags.
NO_FAMILY = "other"


@dataclass
class ReportOptions:
    """How to render: colour, detail, the metadata of the rules that ran, last year's budget."""

    color: bool = False
    verbose: bool = False
    quiet: bool = False
    #: rule code -> Rule (attributes code, name, title, description, severity, tags, reference,
    #: and a method ``reference_text()``); used for SARIF rules, JUnit testcases and references.
    rules: dict[str, Any] = field(default_factory=dict)
    #: last year's Budget (``--previous``), for year-over-year charts.
    previous: Any = None
    #: lines of context on each side of a finding's source excerpt.
    context: int = 2
    #: language of labels and headings: "zh" (default) or "en" (see auditor.i18n).
    lang: str = "zh"
    #: where the disclosure is published (the checklist's URL cell); None when unknown.
    url: str | None = None
    #: the run's --fail-on: JUnit counts a rule as failed only for findings at or above it.
    fail_on: str = "error"
    #: lowest severity that makes a checklist part 否.
    checklist_severity: str = "warning"
    #: a bureau's own 检查表 workbook to fill instead of a new one.
    checklist_template: str | None = None
    #: terminal columns the text report must fit (None: the full-width table)
    width: int | None = None


def severity_rank(severity: str) -> int:
    """3 for error, 2 warning, 1 info, 0 unknown (higher is worse)."""
    return SEVERITY_RANK.get(severity, 0)


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings most severe first, then by page, line and rule (Finding.sort_key)."""
    return sorted(findings, key=lambda f: f.sort_key())


def by_severity(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    """Findings grouped by severity, in SEVERITY_ORDER, empty groups left out."""
    groups: dict[str, list[Finding]] = {s: [] for s in SEVERITY_ORDER}
    for f in sorted_findings(findings):
        groups.setdefault(f.severity, []).append(f)
    return {s: fs for s, fs in groups.items() if fs}


def family(finding: Finding) -> str:
    """A finding's family: its first tag (``other`` when it has none)."""
    return finding.tags[0] if finding.tags else NO_FAMILY


def _tag_order(tag: str) -> tuple[int, str]:
    return (TAGS.index(tag) if tag in TAGS else len(TAGS), tag)


def family_counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Number of findings per family, families in the order of ``TAGS``."""
    counts = Counter(family(f) for f in findings)
    return {k: counts[k] for k in sorted(counts, key=_tag_order)}


def tag_counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Number of findings carrying each tag (a finding counts once per tag), in ``TAGS`` order."""
    counts = Counter(t for f in findings for t in f.tags)
    return {k: counts[k] for k in sorted(counts, key=_tag_order)}


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    """{"error": n, "warning": n, "info": n} (all three keys always present)."""
    counts = {s: 0 for s in SEVERITIES}
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    return counts


def all_findings(reports: Sequence[Report]) -> list[Finding]:
    return [f for r in reports for f in r.findings]


def where_text(loc: Location) -> str:
    """The source position: ``line 42`` (text), ``p.7 l.3`` or ``p.7`` (PDF); empty when unknown."""
    if loc.page is not None and loc.line is not None:
        return f"p.{loc.page} l.{loc.line}"
    if loc.page is not None:
        return f"p.{loc.page}"
    if loc.line is not None:
        return f"line {loc.line}"
    return ""


def cell_text(loc: Location) -> str:
    """The table cell: ``gpb_function / 2040201 / total`` (the parts that are known)."""
    return " / ".join(str(v) for v in (loc.table, loc.row, loc.column) if v not in (None, ""))


def location_text(loc: Location) -> str:
    """``line 42 · gpb_function / 2040201 / total``: source position, then the table cell."""
    return " · ".join(p for p in (where_text(loc), cell_text(loc)) if p)


def value_text(value: Any) -> str:
    """Expected/actual as display text ('' for None)."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(v) for v in value)
    return str(value)


def document_label(report: Report) -> str:
    """``path (department 2024 部门预算)``: how reports name a document."""
    doc = report.document or {}
    path = doc.get("path") or doc.get("source") or "<document>"
    extra = " ".join(str(doc[k]) for k in ("department", "year", "kind") if doc.get(k))
    return f"{path} ({extra})" if extra else str(path)


def document_path(report: Report) -> str:
    doc = report.document or {}
    return str(doc.get("path") or doc.get("source") or "<document>")


def plural(n: int, word: str) -> str:
    if word == "info":
        return f"{n} info"
    return f"{n} {word}" + ("" if n == 1 else "s")


def summary_text(findings: Sequence[Finding], documents: int | None = None) -> str:
    """One line: ``3 errors, 1 warning, 0 info — arithmetic 2, sangong 2`` (+ document count)."""
    sev = severity_counts(findings)
    head = ", ".join(plural(sev[s], s) for s in SEVERITY_ORDER)
    if documents is not None:
        head = f"{plural(documents, 'document')}: {head}"
    fam = family_counts(findings)
    if fam:
        head += " — " + ", ".join(f"{k} {v}" for k, v in fam.items())
    return head


# ---------------------------------------------------------------------------------------------
# rule metadata


def _attr(obj: Any, name: str, default: Any = None) -> Any:
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _reference_text(rule: Any) -> str | None:
    fn = _attr(rule, "reference_text")
    if callable(fn):
        try:
            text = fn()
        except Exception:  # a plugin's Rule whose reference_text breaks must not break the report
            text = None
        if text:
            return str(text)
    ref = _attr(rule, "reference")
    if isinstance(ref, dict):
        parts = [str(ref[k]) for k in ("regulation", "article", "source", "url") if ref.get(k)]
        if ref.get("confidence"):
            parts.append(f"(confidence: {ref['confidence']})")
        return " ".join(parts) or None
    return str(ref) if ref else None


@dataclass
class RuleInfo:
    """Normalised metadata of one rule, whatever object described it."""

    code: str
    name: str | None = None
    title: str | None = None
    description: str | None = None
    severity: str = "warning"
    tags: list[str] = field(default_factory=list)
    reference: str | None = None

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}" if self.name else self.code


def rule_info(rule: Any, code: str | None = None) -> RuleInfo:
    """RuleInfo from a Rule object, a dict, or nothing but a code."""
    code = str(_attr(rule, "code") or code or "")
    return RuleInfo(
        code=code,
        name=_attr(rule, "name"),
        title=_attr(rule, "title"),
        description=_attr(rule, "description"),
        severity=_attr(rule, "severity") or "warning",
        tags=list(_attr(rule, "tags") or []),
        reference=_reference_text(rule),
    )


def collect_rules(reports: Sequence[Report], options: ReportOptions) -> dict[str, RuleInfo]:
    """Every rule to describe: ``options.rules``, each report's ``rules``, and any code a finding uses.

    A code only seen in findings gets its metadata from the first such finding.
    """
    out: dict[str, RuleInfo] = {}
    for code, rule in (options.rules or {}).items():
        out[str(code)] = rule_info(rule, code)
    for report in reports:
        for rule in report.rules or []:
            info = rule_info(rule)
            if info.code and info.code not in out:
                out[info.code] = info
    for f in all_findings(reports):
        if f.rule not in out:
            out[f.rule] = RuleInfo(
                code=f.rule,
                name=f.name,
                severity=f.severity,
                tags=list(f.tags),
                reference=f.reference,
            )
        elif not out[f.rule].reference and f.reference:
            out[f.rule].reference = f.reference
    return out


def finding_reference(finding: Finding, options: ReportOptions) -> str | None:
    """The finding's reference, or its rule's when the finding carries none."""
    if finding.reference:
        return finding.reference
    rule = (options.rules or {}).get(finding.rule)
    return _reference_text(rule) if rule is not None else None


def excerpt(report: Report, finding: Finding, context: int = 2) -> list[tuple[int | None, int, str, bool]]:
    """Source lines around a finding: ``(page, line, text, is_target)``; [] when unknown."""
    budget = report.budget
    doc = getattr(budget, "document", None) if budget is not None else None
    loc = finding.location
    if doc is None or loc.line is None:
        return []
    try:
        lines = doc.excerpt(loc.line, loc.page, context=context)
    except Exception:
        return []
    return [
        (ln.page, ln.line, ln.text, ln.line == loc.line and (loc.page is None or ln.page == loc.page)) for ln in lines
    ]


def as_list(reports: Any) -> list[Report]:
    """A list of Reports from one Report or any iterable of them."""
    if isinstance(reports, Report):
        return [reports]
    return list(reports)


def should_color(stream: Any = None, environ: Any = None) -> bool:
    """Colour only on a terminal and when ``NO_COLOR`` is not set (https://no-color.org)."""
    import os
    import sys

    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    stream = sys.stdout if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # closed stream
        return False


def wrap_display(text: str, width: int) -> str:
    """Wrap `text` to `width` terminal columns (wide characters count 2), keeping its newlines.

    Breaks at the last space of a line when there is one in its second half, else anywhere
    (Chinese has no spaces).
    """
    if width <= 0:
        return text
    out: list[str] = []
    for para in text.split("\n"):
        line, w = "", 0
        for ch in para:
            cw = display_width(ch)
            if w + cw > width and line:
                cut = line.rfind(" ")
                if cut > len(line) // 2:
                    out.append(line[:cut])
                    line = line[cut + 1 :]
                else:
                    out.append(line)
                    line = ""
                w = display_width(line)
            line += ch
            w += cw
        out.append(line)
    return "\n".join(out)

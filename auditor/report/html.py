"""The HTML report (``--format html``): one self-contained file, no network.

Rendered with Jinja2 from ``auditor/templates/report.html.j2``; CSS and the small filtering script
are inline, and the charts are inline SVG whose geometry is computed here, server-side, so the
page needs no charting library and no JavaScript to show them. Per document: key figures (income,
expenditure, basic vs project, 三公 and its parts, procurement and SME shares), charts
(expenditure by 功能分类 类; 三公 components, against last year when a previous Budget is given;
findings by family and by severity), and the findings table with filters by severity and tag and
the source lines around each finding. Several documents get a corpus summary first.
A Report without a Budget (``Report.budget is None``) simply has no figures.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..findings import Finding, Report
from ..i18n import catalogue, gettext_for, normalise_lang
from . import final_figures
from .base import (
    SEVERITY_ORDER,
    ReportOptions,
    all_findings,
    as_list,
    document_path,
    excerpt,
    family,
    finding_reference,
    severity_counts,
    sorted_findings,
    tag_counts,
)
from .crops import PageRenderer, finding_crop, source_pdf
from .evidence import Identity, causes, evidence_tables
from .figures import (  # noqa: F401 - re-exported: the HTML report's figures and charts
    COLORS,
    SANGONG_PARTS,
    Bar,
    Chart,
    Figure,
    Segment,
    bar_chart,
    expenditure_chart,
    findings_charts,
    key_figures,
    sangong_chart,
)
from .present import Presenter, summary_line

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
TEMPLATE = "report.html.j2"


# ---------------------------------------------------------------------------------------------
# view models


@dataclass
class FindingView:
    finding: Finding
    index: int
    family: str
    where: str
    cell: str
    expected: str
    actual: str
    difference: str | None
    reference: str | None
    excerpt: list[tuple[str, str, bool]]
    #: a PNG crop of the PDF page as a data URI (None for text sources)
    picture: str | None = None
    evidence: list[Identity] = field(default_factory=list)


@dataclass
class CauseView:
    """Findings of one cause, shown together."""

    label: str | None
    findings: list[FindingView]


@dataclass
class DocumentView:
    uid: str
    label: str
    path: str
    report: Report
    summary: str
    counts: dict[str, int]
    figures: list[Figure]
    charts: list[Chart]
    findings: list[FindingView]
    groups: list[CauseView]
    tags: list[str]
    meta: dict[str, Any] = field(default_factory=dict)


def _previous_budget(report: Report, options: ReportOptions) -> Any:
    prev = report.previous if report.previous is not None else options.previous
    return prev if hasattr(prev, "frames") else None


def document_label(report: Report, _: Any) -> str:
    doc = report.document or {}
    path = doc.get("path") or doc.get("source") or "<document>"
    extra = " ".join(str(doc[k]) for k in ("department", "year", "kind") if doc.get(k))
    return f"{path} ({extra})" if extra else str(path)


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def document_view(report: Report, options: ReportOptions, n: int, renderer: PageRenderer | None = None) -> DocumentView:
    _ = gettext_for(options.lang)
    present = Presenter(report, options.lang)
    uid = f"doc{n}"
    budget = report.budget
    previous = _previous_budget(report, options)
    charts: list[Chart] = []
    figures: list[Figure] = []
    if budget is not None:
        try:
            if final_figures.applies(budget):
                figures = final_figures.key_figures(budget, previous, _)
                charts = final_figures.charts(budget, previous, uid, _)
            else:
                figures = key_figures(budget, previous, _)
                for chart in (expenditure_chart(budget, uid, _), sangong_chart(budget, previous, uid, _)):
                    if chart is not None:
                        charts.append(chart)
        except Exception as exc:  # figures are a convenience: never lose the findings over them
            figures = [Figure(_("figures unavailable"), type(exc).__name__, str(exc))]
    charts += findings_charts(report.findings, uid, _)
    views = []
    for i, f in enumerate(sorted_findings(report.findings)):
        lines = [  # a tab (a cell boundary) shown as an em space: it wraps on a narrow screen
            (present.where_short(page, line), text.replace("\t", "\u2003"), target)
            for page, line, text, target in excerpt(report, f, options.context)
        ]
        crop = finding_crop(renderer, f, budget)
        views.append(
            FindingView(
                finding=f,
                index=i,
                family=family(f),
                where=present.where(f.location),
                cell=present.cell(f.location),
                expected=present.amount(f.expected, f),
                actual=present.amount(f.actual, f),
                difference=present.difference(f),
                reference=finding_reference(f, options),
                excerpt=lines,
                picture=_data_uri(crop.png) if crop is not None else None,
                evidence=evidence_tables(f, present),
            )
        )
    groups = [
        CauseView(c.label(present) if len(c.members) > 1 else None, [views[i] for i in c.members])
        for c in causes([v.finding for v in views])
    ]
    doc = report.document or {}
    return DocumentView(
        uid=uid,
        label=document_label(report, _),
        path=document_path(report),
        report=report,
        summary=summary_line(report.findings, options.lang),
        counts=severity_counts(report.findings),
        figures=figures,
        charts=charts,
        findings=views,
        groups=groups,
        tags=list(tag_counts(report.findings)),
        meta={k: doc.get(k) for k in ("department", "year", "kind", "source") if doc.get(k) is not None},
    )


def corpus_view(reports: list[Report], lang: str) -> dict[str, Any]:
    _ = gettext_for(lang)
    findings = all_findings(reports)
    departments: dict[str, dict[str, int]] = {}
    for r in reports:
        name = (r.document or {}).get("department") or document_path(r)
        d = departments.setdefault(str(name), {"error": 0, "warning": 0, "info": 0, "documents": 0})
        d["documents"] += 1
        for s, c in severity_counts(r.findings).items():
            d[s] = d.get(s, 0) + c
    worst = sorted(departments.items(), key=lambda kv: (-kv[1]["error"], -kv[1]["warning"], kv[0]))[:10]
    return {
        "documents": len(reports),
        "failed": sum(1 for r in reports if r.error),
        "summary": summary_line(findings, lang, len(reports)),
        "counts": severity_counts(findings),
        "charts": findings_charts(findings, "corpus", _),
        "departments": worst,
        "rows": [
            (document_label(r, _), severity_counts(r.findings), r.error, f"doc{i}") for i, r in enumerate(reports)
        ],
    }


def _environment(lang: str):
    try:
        import jinja2
    except ImportError as exc:  # pragma: no cover - jinja2 is in the html extra
        raise RuntimeError("the HTML report needs Jinja2: pip install 'budget-auditor[html]'") from exc
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(catalogue(lang), newstyle=True)
    return env


def _views(reports: list[Report], options: ReportOptions) -> list[DocumentView]:
    out = []
    for i, r in enumerate(reports):
        pdf = source_pdf(r) if r.budget is not None else None
        if pdf is None:
            out.append(document_view(r, options, i))
            continue
        with PageRenderer(pdf) as renderer:
            out.append(document_view(r, options, i, renderer))
    return out


def render(reports: Any, options: ReportOptions | None = None) -> str:
    """``--format html``."""
    options = options or ReportOptions()
    lang = normalise_lang(options.lang)
    _ = gettext_for(lang)
    reports = as_list(reports)
    docs = _views(reports, options)
    all_tags = list(tag_counts(all_findings(reports)))
    title = _("Budget audit") + " — " + (docs[0].label if len(docs) == 1 else _("%(n)s documents", n=len(docs)))
    template = _environment(lang).get_template(TEMPLATE)
    return template.render(
        title=title,
        lang="zh-CN" if lang == "zh" else "en",
        version=__version__,
        documents=docs,
        corpus=corpus_view(reports, lang) if len(reports) > 1 else None,
        severities=SEVERITY_ORDER,
        all_tags=all_tags,
        colors=COLORS,
        total=len(all_findings(reports)),
    )

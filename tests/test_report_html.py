"""The HTML report: self-contained, figures from the Budget, charts as inline SVG, escaped text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from auditor.findings import Report
from auditor.i18n import gettext_for
from auditor.report import ReportOptions, render
from auditor.report.html import bar_chart, key_figures
from auditor.report.sample import SAMPLE_RULES, sample_budget, sample_report

OPTIONS = ReportOptions(rules=SAMPLE_RULES, lang="en")  # the English interface (Chinese: test_report_zh.py)


class Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parse(html: str) -> list[tuple[str, dict]]:
    c = Collector()
    c.feed(html)
    return c.tags


def test_self_contained_no_network():
    html = render(sample_report(previous=True), "html", OPTIONS)
    tags = parse(html)
    for tag, attrs in tags:
        assert not (tag == "script" and attrs.get("src")), "external script"
        assert not (tag == "link" and attrs.get("href")), "external stylesheet"
        assert not (tag == "img" and not str(attrs.get("src", "")).startswith("data:")), "external image"
    # the only URLs are the SVG namespace
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", html))
    assert urls <= {"http://www.w3.org/2000/svg"}


def test_key_figures_and_charts():
    html = render(sample_report(previous=True), "html", OPTIONS)
    assert "2,082,935,857.58 元" in html  # income and expenditure
    assert "150,000.00万元" in html and "72.0% of expenditure" in html  # basic
    assert "12.35万元" in html  # 三公 total
    assert "60.0% of procurement" in html and "66.7% of SME reservation" in html
    assert "vs last year" in html
    svgs = re.findall(r'<figure class="chart" id="([^"]+)"', html)
    assert svgs == ["doc0-expenditure", "doc0-sangong", "doc0-families", "doc0-severity"]
    assert "against last year" in html
    assert "2023</span>" in html
    # expenditure by 类: five 3-digit codes, largest first
    exp = html[html.index('id="doc0-expenditure"') : html.index('id="doc0-sangong"')]
    labels = re.findall(r"<title>(\d{3} [^<·]+)</title>", exp)
    assert labels[0] == "204 公共安全支出" and len(labels) == 5


def test_key_figures_function():
    figures = {f.label: f for f in key_figures(sample_budget())}
    assert figures["Expenditure budget"].value == "2,082,935,857.58 元"
    assert figures["Project expenditure"].note == "28.0% of expenditure"
    zh = {f.label: f for f in key_figures(sample_budget(), None, gettext_for("zh"))}
    assert zh["支出预算"].value == "2,082,935,857.58 元" and zh["项目支出"].note == "占支出 28.0%"
    assert key_figures(None) == []


def test_findings_table_filters_and_excerpts():
    html = render(sample_report(), "html", OPTIONS)
    bodies = re.findall(r'<article class="finding" data-severity="(\w+)" data-tags="([^"]*)"', html)
    assert len(bodies) == 6
    assert bodies[0][0] == "error" and ("error", "cross-table arithmetic") in bodies
    assert '<option value="cross-table">' in html
    assert 'class="f-sev" value="warning"' in html
    # the excerpt around line 11, the line itself highlighted
    assert re.search(r'<span class="l hit"><span class="ln">\s+11 │ </span>204\u2003公共安全支出', html)
    # messages are escaped
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html and "<b>not bold</b>" not in html


def test_without_budget_skips_figures():
    html = render(sample_report(with_budget=False), "html", OPTIONS)
    assert "Key figures" not in html and "No budget figures" in html
    assert 'id="doc0-families"' in html and 'id="doc0-expenditure"' not in html


def test_empty_report_and_failed_load():
    html = render(
        [Report(document={"path": "ok.txt"}), Report(document={"path": "bad.pdf"}, error="no text layer")],
        "html",
        OPTIONS,
    )
    assert "No findings." in html and "could not audit: no text layer" in html
    assert 'id="filters"' not in html  # nothing to filter


def test_corpus_summary_for_several_documents():
    other = sample_report(source="putuo-wanli-street-2025-budget.pdf")
    other.document["department"] = "上海市普陀区万里街道办事处"
    other.findings = other.findings[:1]
    html = render([sample_report(), other], "html", OPTIONS)
    assert "Corpus summary" in html
    assert 'id="corpus-families"' in html and 'id="corpus-severity"' in html
    depts = html[html.index('class="departments"') :]
    assert depts.index("上海市公安局闵行分局") < depts.index("上海市普陀区万里街道办事处")
    assert 'id="doc0"' in html and 'id="doc1"' in html and 'href="#doc1"' in html


def test_bar_chart_layout_is_proportional():
    chart = bar_chart(
        "c",
        "t",
        [("a", [100, 50], "150"), ("b", [30, 0], "30")],
        [("x", "#000"), ("y", "#111")],
        width=500,
        label_width=100,
    )
    a, b = chart.bars
    assert a.segments[0].x == 100 and abs(a.segments[1].x - (a.segments[0].x + a.segments[0].width)) < 0.02
    assert abs(a.segments[0].width / b.segments[0].width - 100 / 30) < 0.01
    assert chart.height > 0 and not chart.empty


def test_deterministic():
    assert render(sample_report(), "html", OPTIONS) == render(sample_report(), "html", OPTIONS)

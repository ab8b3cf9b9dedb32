"""Reporters: text, JSON, JSON Lines, Markdown, JUnit, and the format registry."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from auditor.findings import Finding, Location, Report
from auditor.report import ReportOptions, available_formats, base, get_reporter, render
from auditor.report.sample import SAMPLE_RULES, sample_report

OPTIONS = ReportOptions(rules=SAMPLE_RULES, lang="en")  # the English interface (Chinese: test_report_zh.py)


def failed_load() -> Report:
    return Report(document={"path": "broken.pdf"}, error="no text layer")


# --- registry ------------------------------------------------------------------------------


def test_builtin_formats_available_standalone():
    assert available_formats()[:7] == ["text", "json", "jsonl", "markdown", "sarif", "junit", "html"]
    for name in ("text", "json", "jsonl", "markdown", "sarif", "junit"):
        out = get_reporter(name)([sample_report()], OPTIONS)
        assert isinstance(out, str) and out.endswith("\n")


def test_unknown_format_names_the_known_ones():
    with pytest.raises(KeyError, match="sarif"):
        get_reporter("yaml")


def test_plugin_can_add_a_format_through_the_hook(tmp_path):
    from auditor.config import Config
    from auditor.engine import Engine

    plugin = tmp_path / "csv_plugin.py"
    plugin.write_text(
        "from auditor import hookimpl\n\n"
        "@hookimpl\n"
        "def auditor_register_reporters():\n"
        "    return {'csv': lambda reports, options: 'rule\\n' + ''.join(f.rule + '\\n' for r in reports for f in r.findings)}\n",
        encoding="utf-8",
    )
    table = Engine(Config(builtin=False, entry_points=False, plugins=[plugin])).reporters
    assert "csv" in available_formats(table) and available_formats(table)[-1] == "csv"
    assert get_reporter("csv", table)([sample_report()], OPTIONS).startswith("rule\nA001")
    assert get_reporter("json", table) is get_reporter("json")
    assert "csv" not in available_formats()  # without a table: the built-ins


# --- shared helpers ------------------------------------------------------------------------


def test_location_text_for_text_and_pdf_sources():
    assert base.location_text(Location(line=42)) == "line 42"
    assert base.location_text(Location(page=7, line=3)) == "p.7 l.3"
    assert base.location_text(Location(page=7)) == "p.7"
    assert base.location_text(Location(table="gpb_function", row="204", column="total", line=11)) == (
        "line 11 · gpb_function / 204 / total"
    )
    assert base.location_text(Location()) == ""


def test_family_and_severity_counts():
    findings = sample_report().findings
    assert base.severity_counts(findings) == {"error": 3, "warning": 1, "info": 2}
    fam = base.family_counts(findings)
    assert fam["cross-table"] == 1 and fam["arithmetic"] == 1 and fam["internal"] == 1
    assert list(fam) == ["arithmetic", "cross-table", "sangong", "procurement", "editorial", "internal"]
    assert [f.severity for f in base.sorted_findings(findings)] == ["error"] * 3 + ["warning"] + ["info"] * 2


def test_should_color_respects_no_color_and_tty():
    class Tty:
        def isatty(self):
            return True

    assert base.should_color(Tty(), {}) is True
    assert base.should_color(Tty(), {"NO_COLOR": "1"}) is False
    assert base.should_color(object(), {}) is False


def test_rule_metadata_from_options_reports_and_findings():
    report = sample_report()
    rules = base.collect_rules([report], ReportOptions())
    assert rules["A001"].name == "sum-of-children" and rules["A001"].reference == "预算法 第三十二条"
    assert rules["X999"].name == "broken-plugin-rule"  # only known from its finding


# --- text -----------------------------------------------------------------------------------


def test_text_groups_by_severity_with_summary():
    out = render(sample_report(), "text", OPTIONS)
    assert out.index("error (3)") < out.index("warning (1)") < out.index("info (2)")
    assert "line 11 · gpb_function / 204 / total" in out
    assert "1,899,999,999.00 yuan" in out and "1,900,000,000.00 yuan" in out  # grouped, with the unit
    assert out.rstrip().splitlines()[-1].startswith("3 errors, 1 warning, 2 info — arithmetic 1")
    assert "\x1b[" not in out


def test_text_color_only_when_asked():
    out = render(sample_report(), "text", ReportOptions(color=True, lang="en"))
    assert "\x1b[1;31m" in out


def test_text_quiet_prints_one_line_per_finding():
    out = render(sample_report(), "text", ReportOptions(quiet=True)).splitlines()
    assert len(out) == len(sample_report().findings) == 6
    assert all(": " in ln and ln.split(": ", 1)[1].split()[1] in ("error", "warning", "info") for ln in out)
    assert render([failed_load()], "text", ReportOptions(quiet=True)) == ""


def test_text_verbose_adds_reference_and_excerpt():
    out = render(sample_report(), "text", ReportOptions(verbose=True, rules=SAMPLE_RULES, lang="en"))
    assert "ref: 预算法 第三十二条" in out
    assert ">    11 | 204  公共安全支出" in out
    assert "ref: 中央八项规定" in out  # from the rule when the finding has no reference


def test_text_reports_a_document_that_could_not_be_loaded():
    out = render([failed_load()], "text", OPTIONS)
    assert "could not audit: no text layer" in out


# --- json / jsonl ---------------------------------------------------------------------------


def test_json_single_document_is_exactly_report_to_dict():
    report = sample_report()
    data = json.loads(render(report, "json"))
    assert data == report.to_dict()
    assert list(data) == ["document", "findings", "summary"]
    finding = data["findings"][0]
    assert list(finding)[:8] == ["rule", "severity", "tags", "message", "location", "expected", "actual", "reference"]
    assert list(finding["location"]) == ["table", "row", "column", "line", "page"]


def test_json_is_deterministic_and_utf8():
    a = render(sample_report(), "json")
    b = render(sample_report(), "json")
    assert a == b
    assert "上海市公安局闵行分局" in a  # ensure_ascii=False


def test_json_several_documents():
    data = json.loads(render([sample_report(), failed_load()], "json"))
    assert list(data) == ["documents", "summary"]
    assert data["summary"] == {"documents": 2, "error": 3, "warning": 1, "info": 2}
    assert data["documents"][1]["error"] == "no text layer"


def test_jsonl_one_line_per_document():
    out = render([sample_report(), failed_load()], "jsonl")
    lines = out.splitlines()
    assert len(lines) == 2
    assert json.loads(lines[0]) == sample_report().to_dict()
    assert json.loads(lines[1])["document"]["path"] == "broken.pdf"


# --- markdown -------------------------------------------------------------------------------


def test_markdown_summary_and_table_escaped():
    report = sample_report()
    report.findings.append(
        Finding(
            rule="E002", severity="info", message="a | pipe\nand newline", tags=["editorial"], location=Location(line=2)
        )
    )
    out = render(report, "markdown", OPTIONS)
    assert out.startswith("# Budget audit\n")
    assert "| 🔴 error | 🟠 warning | 🔵 info |" in out
    assert "a \\| pipe<br>and newline" in out
    assert "&lt;b&gt;not bold&lt;/b&gt;" in out
    rows = [ln for ln in out.splitlines() if ln.startswith("| 🔴 | error")]
    assert len(rows) == 3
    assert all(ln.count(" | ") >= 6 for ln in rows)


def test_markdown_several_documents():
    out = render([sample_report(), failed_load()], "markdown", OPTIONS)
    assert "| document | error | warning | info |  |" in out
    assert "could not audit" in out


# --- junit ----------------------------------------------------------------------------------


def test_junit_one_testcase_per_document_and_rule():
    xml = render([sample_report(), failed_load()], "junit", replace(OPTIONS, fail_on="info"))
    root = ET.fromstring(xml.encode("utf-8"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["minhang-police-2024-budget.txt", "broken.pdf"]
    first = suites[0]
    cases = first.findall("testcase")
    # six known rules + the crashed plugin rule only seen in findings
    assert len(cases) == 7 == int(first.get("tests"))
    failures = [c for c in cases if c.find("failure") is not None]
    errors = [c for c in cases if c.find("error") is not None]
    assert len(failures) == 5 == int(first.get("failures"))
    assert len(errors) == 1 == int(first.get("errors"))
    passing = [c for c in cases if len(c) == 0]
    assert [c.get("name") for c in passing] == ["K001 kpi-levels"]
    a001 = next(c for c in cases if c.get("name") == "A001 sum-of-children")
    assert "line 11" in a001.find("failure").text and a001.find("failure").get("type") == "error"
    assert root.get("tests") == "8" and root.get("failures") == "5" and root.get("errors") == "2"
    assert suites[1].find("testcase/error").text.endswith("no text layer")


def test_junit_counts_failures_by_fail_on_like_the_exit_code():
    def counts(fail_on):
        root = ET.fromstring(render([sample_report()], "junit", replace(OPTIONS, fail_on=fail_on)).encode("utf-8"))
        suite = root.find("testsuite")
        failing = sorted(c.get("name").split()[0] for c in suite.findall("testcase") if c.find("failure") is not None)
        below = [c for c in suite.findall("testcase") if c.find("system-out") is not None]
        return int(suite.get("failures")), failing, len(below)

    findings = sample_report().findings
    by_rule = {}
    for f in findings:
        if "internal" not in f.tags:
            by_rule.setdefault(f.rule, set()).add(f.severity)
    for fail_on, levels in (
        ("error", {"error"}),
        ("warning", {"error", "warning"}),
        ("info", {"error", "warning", "info"}),
    ):
        n, failing, _ = counts(fail_on)
        assert failing == sorted(code for code, sevs in by_rule.items() if sevs & levels) and n == len(failing)
    n, failing, below = counts("never")
    assert n == 0 and failing == [] and below == len(by_rule)


def test_wrap_display_counts_wide_characters_twice():
    assert base.display_width("三公ab") == 6
    wrapped = base.wrap_display("一二三四五六七八九十", 8)
    assert wrapped.split("\n") == ["一二三四", "五六七八", "九十"]
    assert base.wrap_display("alpha beta gamma", 11).split("\n") == ["alpha beta", "gamma"]
    assert all(
        base.display_width(ln) <= 8 for ln in base.wrap_display("预算 budget 公开 disclosure 部门", 8).split("\n")
    )

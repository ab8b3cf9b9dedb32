"""Reports speak Chinese by default (gettext catalogues), English with lang="en"."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

from corpus import CORPUS, needs_corpus

from auditor.engine import audit
from auditor.findings import Finding, Location, Report
from auditor.i18n import LOCALE_DIR, catalogue, gettext_for, read_po
from auditor.model import TableInfo
from auditor.report import ReportOptions, render
from auditor.report.present import Presenter, grouped, parse_amount
from auditor.report.sample import SAMPLE_RULES, sample_report

ROOT = Path(__file__).resolve().parents[1]


def test_html_labels_are_chinese_by_default_and_english_on_request():
    zh = render(sample_report(previous=True), "html", ReportOptions(rules=SAMPLE_RULES))
    for label in ("关键数字", "预期", "实际", "差额", "位置", "规则", "发现的问题", "筛选"):
        assert label in zh, label
    assert '<html lang="zh-CN">' in zh and "Key figures" not in zh and "Expected" not in zh
    en = render(sample_report(previous=True), "html", ReportOptions(rules=SAMPLE_RULES, lang="en"))
    for label in ("Key figures", "Expected", "Actual", "Location", "Rule", "Findings"):
        assert label in en, label
    assert '<html lang="en">' in en and "关键数字" not in en


def test_location_in_words_and_amounts_in_the_documents_unit():
    report = sample_report()
    present = Presenter(report, "zh")
    loc = Location(table="gpb_function", row="204", column="total", line=11, page=3)
    assert present.location(loc) == "第3页 第11行 · 一般公共预算支出功能分类预算表 · 204 公共安全支出 · 合计"
    assert Presenter(report, "en").location(loc) == "p.3 l.11 · gpb_function / 204 / total"
    f = Finding("AR003", "error", "m", location=loc, expected="1900000000.00", actual="1899999999.00")
    assert present.amount(f.actual, f) == "1,899,999,999.00 元"
    assert present.difference(f) == "−1.00 元"
    wan = Finding("SG001", "error", "m", location=Location(table="sangong"), expected="123500.00", actual="125000.00")
    budget = SimpleNamespace(
        meta=SimpleNamespace(tables={"sangong": TableInfo("sangong", "t", unit="万元")}), frames={}
    )
    in_wan = Presenter(Report(document={}, budget=budget), "zh")
    assert in_wan.amount(wan.actual, wan) == "12.50 万元" and in_wan.difference(wan) == "+0.15 万元"
    prose = Finding("SG004", "warning", "m", location=Location(table="facts"), expected="0.00", actual="+250000.00")
    assert in_wan.amount(prose.actual, prose) == "+25.00 万元"  # prose quotes 万元
    assert (
        parse_amount("+2500.00") == 2500
        and parse_amount("≤ 0") is None
        and grouped(parse_amount("-1234.5")) == "−1,234.50"
    )


def test_text_and_markdown_speak_chinese():
    text = render(sample_report(), "text", ReportOptions(rules=SAMPLE_RULES))
    assert "错误 (3)" in text and "位置" in text and "第11行" in text
    assert text.rstrip().splitlines()[-1].startswith("错误 3 条，警告 1 条，提示 2 条 — ")
    md = render(sample_report(), "markdown", ReportOptions(rules=SAMPLE_RULES))
    assert md.startswith("# 预算公开审核") and "| 严重程度 | 规则 | 位置 | 问题 | 预期 | 实际 | 差额 |" in md


@needs_corpus
def test_no_column_keys_in_messages_or_locations_of_the_corpus():
    keys = {"fiscal", "total", "basic", "project", "business", "operating", "personnel", "public", "gov_fund"}
    for path in (CORPUS / "putuo-wanli-street-2025-budget.pdf", CORPUS / "minhang-police-2024-budget.txt"):
        report = audit(path)
        present = Presenter(report, "zh")
        for f in report.findings:
            words = set(re.findall(r"[a-z_]+", f.message + " " + present.location(f.location)))
            assert not words & keys, (f.rule, f.message)


def test_po_reader_and_catalogue():
    po = LOCALE_DIR / "zh" / "LC_MESSAGES" / "auditor.po"
    messages = read_po(po)
    assert messages["Key figures"] == "关键数字" and "" not in messages
    assert catalogue("zh_CN").gettext("Expected") == "预期" and catalogue("en").gettext("Expected") == "Expected"
    assert gettext_for("zh")("page %(n)s", n=12) == "第12页"


def test_po_reader_handles_multiline_and_fuzzy(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr "Language: zh\\n"\n\n#, fuzzy\nmsgid "a"\nmsgstr "甲"\n\n'
        'msgid "long"\n"er"\nmsgstr ""\n"长"\n"的"\n\nmsgctxt "t"\nmsgid "b"\nmsgstr "乙"\n',
        encoding="utf-8",
    )
    assert read_po(po) == {"longer": "长的", "t\x04b": "乙"}


def test_every_label_has_a_chinese_translation():
    """Each _("…") in the reporters and the template is in the Chinese catalogue."""
    used = set()
    sources = [*(ROOT / "auditor" / "report").glob("*.py"), ROOT / "auditor" / "templates" / "report.html.j2"]
    for src in sources:
        text = src.read_text(encoding="utf-8")
        used |= {m.group(2) for m in re.finditer(r"""(?<![\w.])_\(\s*(["'])(.*?)\1""", text)}
        for m in re.finditer(r'ngettext\(\s*"(.*?)",\s*"(.*?)"', text):
            used |= {m.group(1), m.group(2)}
    used |= {"error", "warning", "info"}
    have = read_po(LOCALE_DIR / "zh" / "LC_MESSAGES" / "auditor.po")
    assert sorted(used - set(have)) == []

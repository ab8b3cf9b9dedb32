"""The built-in rule pack on the real corpus and on constructed variants of it: exact findings."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from corpus import CORPUS, needs_corpus

import auditor

MINHANG = Path(__file__).resolve().parents[1] / "examples" / "minhang-police-2024-budget.txt"


def codes(report, severity=None):
    return sorted(f.rule for f in report.findings if severity is None or f.severity == severity)


def by_rule(report, code):
    return [f for f in report.findings if f.rule == code]


@pytest.fixture(scope="module")
def minhang_text():
    return MINHANG.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def minhang_report():
    return auditor.audit(MINHANG)


def audit_text(tmp_path, text, name="variant.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return auditor.audit(path)


def line_of(text, needle):
    for n, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in text")


# --- the Minhang example -------------------------------------------------------------------------


def test_minhang_only_error_is_the_unit_count_contradiction(minhang_report, minhang_text):
    errors = [f for f in minhang_report.findings if f.severity == "error"]
    assert [f.rule for f in errors] == ["NV003"]
    (f,) = errors
    assert f.location.line == line_of(minhang_text, "本部门14个预算单位")
    assert f.actual == "14" and f.expected == "≤ 1"


def test_minhang_malformed_numbers(minhang_report, minhang_text):
    found = sorted((f.location.line, f.expected) for f in by_rule(minhang_report, "NF001"))
    assert found == sorted(
        [
            (line_of(minhang_text, "4.820.58"), "4820.58"),
            (line_of(minhang_text, "10,754,11"), "10754.11"),
            (line_of(minhang_text, "1,100,00"), "1100.00"),
            (line_of(minhang_text, "41,672,69"), "41672.69"),
        ]
    )


def test_minhang_kpi_findings(minhang_report):
    unit = {(f.location.row, f.location.column) for f in by_rule(minhang_report, "KP005")}
    assert unit == {
        ("进博会安保 / 安保人员到位率", "unit"),
        ("闵行区拘留所专区特殊保安服务 / 年度考核工作完成数", "unit"),
    }
    assert [f.location.row for f in by_rule(minhang_report, "KP003")] == ["勤务辅警 / 人员考核合格率"]
    assert [f.location.row for f in by_rule(minhang_report, "KP006")] == ["区委政法委社工预防办 / 一线及外派社工到岗数"]
    copied = sorted(f.location.row for f in by_rule(minhang_report, "KP007"))
    assert copied == ["办案业务专项经费", "办案业务专项经费补充", "进博会安保"]


def test_minhang_project_department_and_ocr_twins(minhang_report):
    dept = by_rule(minhang_report, "PF005")
    assert [(f.location.row, f.actual) for f in dept] == [("区委政法委社工预防办", "闵行区委政法委")]
    twins = by_rule(minhang_report, "PF006")
    # a text file of unknown origin: the notes say how the copies differ, never that OCR misread them
    one_digit = [f for f in twins if f.note and f.note.startswith("两处印刷有 1 位数字不同")]
    assert {f.location.row for f in one_digit} == {"勤务辅警", "办案业务专项经费", "区委政法委社工预防办"}
    assert not [f for f in minhang_report.findings if f.note and ("OCR" in f.note or "识别" in f.note)]
    assert all(f.severity == "warning" for f in twins)


def test_minhang_tables_without_unit(minhang_report):
    missing_unit = sorted(f.location.table for f in by_rule(minhang_report, "DS005") if f.location.column == "单位")
    assert missing_unit == sorted(
        ["fiscal_summary", "income_summary", "expenditure_summary", "gpb_function", "gpb_basic_economic"]
    )


def test_minhang_every_identity_holds(minhang_report):
    arithmetic = [
        f for f in minhang_report.findings if {"arithmetic", "cross-table"} & set(f.tags) and f.severity == "error"
    ]
    assert arithmetic == []


# --- the PDFs --------------------------------------------------------------------------------------


@needs_corpus
def test_commerce_has_no_errors():
    report = auditor.audit(CORPUS / "putuo-commerce-2025-budget.pdf")
    assert codes(report, "error") == []


@needs_corpus
def test_wanli_2024_empty_note_contradicts_data_and_sangong_increase():
    report = auditor.audit(CORPUS / "putuo-wanli-street-2024-budget.pdf")
    assert [c for c in codes(report, "error") if c[:2] not in ("ST", "ED", "SN")] == ["EF002"]
    (ef,) = by_rule(report, "EF002")
    assert ef.location.table == "sangong" and ef.location.page == 31
    (sg,) = by_rule(report, "SG004")
    # disclosed with its reason (a car bought) and a 三公 table that adds up: information, not a warning
    assert sg.severity == "info" and "购置公务用车" in sg.message and sg.actual == "+250000.00"


@needs_corpus
def test_wanli_2025_one_yuan_rounding_defect():
    """21201 is printed 94,995,790 in three tables while its 项, its columns and 212 make 94,995,789:
    one finding per table, at 21201, none at 212; whole-元 figures, so within rounding (a warning)."""
    report = auditor.audit(CORPUS / "putuo-wanli-street-2025-budget.pdf")
    assert [f for f in report.findings if f.severity == "error"] == []
    ar = [f for f in report.findings if f.rule.startswith(("AR", "XT"))]
    assert [(f.rule, f.location.table, f.location.row, f.location.column, f.severity) for f in ar] == [
        ("AR001", "income_summary", "21201", "total", "warning"),
        ("AR002", "expenditure_summary", "21201", "total", "warning"),
        ("AR003", "gpb_function", "21201", "total", "warning"),
    ]
    assert all((f.expected, f.actual) == ("94995789.00", "94995790.00") for f in ar)
    assert all("舍入" in f.message for f in ar)
    exp = ar[1].to_dict()["evidence"]
    assert [(e["kind"], e["row"], e["sum"], e["printed"], e["difference"]) for e in exp] == [
        ("row", "21201", "94995789.00", "94995790.00", "1.00"),
        ("hierarchy", "212", "154369327.00", "154369326.00", "-1.00"),
        ("hierarchy", "21201", "94995789.00", "94995790.00", "1.00"),
    ]


@needs_corpus
def test_year_over_year_changes_match_last_year():
    current = CORPUS / "putuo-wanli-street-2025-budget.pdf"
    previous = CORPUS / "putuo-wanli-street-2024-budget.pdf"
    report = auditor.audit(current, previous=previous)
    assert by_rule(report, "YY001") == []
    budget = auditor.load(current)
    facts = budget.frames["facts"]  # a copy: frames are read-only
    idx = facts.index[facts["key"] == "fiscal_income_change"][0]
    facts.at[idx, "value"] = "3255.65"
    budget = dataclasses.replace(budget, frames={**budget.frames, "facts": facts})
    report = auditor.audit(budget, previous=previous)
    (f,) = by_rule(report, "YY001")
    # this year's table minus last year's: 189,767,551 - 156,211,123 元
    assert f.expected == "33556428.00" and f.actual == "32556500.00" and f.location.page == 6


# --- constructed variants of the Minhang text -----------------------------------------------------


def test_variant_changed_cell(tmp_path, minhang_text):
    old = "302\t17\t公务接待费\t2, 295, 800. 00\t2, 295, 800. 00"
    assert old in minhang_text
    report = audit_text(tmp_path, minhang_text.replace(old, old.replace("2, 295, 800. 00", "3, 295, 800. 00")))
    line = line_of(minhang_text, old)
    xt4 = by_rule(report, "XT004")
    assert [(f.location.row, f.location.line, f.actual) for f in xt4] == [("30217", line, "3295800.00")]
    ar6 = by_rule(report, "AR006")
    # the altered row no longer fits the identities, so only its total is certain to be off
    assert ("302", "total") in {(f.location.row, f.location.column) for f in ar6}


def test_variant_deleted_table(tmp_path, minhang_text):
    lines = minhang_text.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("2024年部门国有资本经营预算支出功能分类预算表"))
    end = next(i for i, ln in enumerate(lines) if i > start and "无国有资本经营预算安排" in ln)
    report = audit_text(tmp_path, "\n".join(lines[:start] + lines[end + 1 :]))
    assert [f.location.table for f in by_rule(report, "DS001")] == ["soe_capital_function"]
    assert any("国有资本经营" in (f.expected or "") for f in by_rule(report, "DS004"))


def test_variant_removed_note(tmp_path, minhang_text):
    note = next(ln for ln in minhang_text.splitlines() if "无政府性基金预算安排" in ln)
    report = audit_text(tmp_path, minhang_text.replace(note + "\n", ""))
    assert [f.location.table for f in by_rule(report, "EF001")] == ["gov_fund_function"]


def test_variant_blanked_indicator(tmp_path, minhang_text):
    old = "\t≥2(处)\t"
    assert minhang_text.count(old) == 1
    report = audit_text(tmp_path, minhang_text.replace(old, "\t\t"))
    rows = [f.location.row for f in by_rule(report, "KP003")]
    assert rows == ["进博会安保 / 设备故障转移维修", "勤务辅警 / 人员考核合格率"]


def test_variant_altered_prose_amount(tmp_path, minhang_text):
    old = '2024年"三公"经费预算数为3,205.96万元'
    assert old in minhang_text
    report = audit_text(tmp_path, minhang_text.replace(old, old.replace("3,205.96", "3,250.96")))
    (f,) = by_rule(report, "SG002")
    assert f.location.line == line_of(minhang_text, old)
    assert f.expected == "32059600.00" and f.actual == "32509600.00"


# --- the same documents as text extracted with pdftotext -layout ---------------------------------

DATA = Path(__file__).resolve().parent / "data"


@needs_corpus
@pytest.mark.parametrize("tool", ["tables", "plumber"])  # pdftotext -layout text; pdfplumber extract_text()
@pytest.mark.parametrize(
    "name",
    [
        "putuo-commerce-2025-budget",
        "putuo-government-office-2025-budget",
        "putuo-government-office-2025-unit-budget",
        "putuo-wanli-street-2024-budget",
        "putuo-wanli-street-2025-budget",
    ],
)
def test_extracted_text_audits_like_the_pdf(name, tool):
    """Text extracted by common tools (wrapped lines, indented or not) gets the PDF's findings, rule by rule."""
    from collections import Counter

    pdf = auditor.audit(CORPUS / f"{name}.pdf")
    text = auditor.audit(DATA / tool / f"{name}.txt")
    assert Counter((f.rule, f.severity) for f in text.findings) == Counter((f.rule, f.severity) for f in pdf.findings)


@needs_corpus
@pytest.mark.parametrize("tool", ["tables", "plumber"])
@pytest.mark.parametrize(
    "name",
    [
        "putuo-commerce-2025-budget",
        "putuo-government-office-2025-budget",
        "putuo-government-office-2025-unit-budget",
        "putuo-wanli-street-2024-budget",
        "putuo-wanli-street-2025-budget",
    ],
)
def test_extracted_text_tables_equal_the_pdf(name, tool):
    """Every table read from extracted text equals the table read from the PDF (locations aside)."""
    from auditor.model import TABLE_COLUMNS

    pdf = auditor.load(CORPUS / f"{name}.pdf")
    text = auditor.load(DATA / tool / f"{name}.txt")
    for key, (columns, _) in TABLE_COLUMNS.items():
        a = pdf.frames[key][columns].reset_index(drop=True)
        b = text.frames[key][columns].reset_index(drop=True)
        assert a.equals(b), f"{key} differs between the PDF and its {tool} text"


TABLES_TEXT = Path(__file__).parent / "data" / "tables"


def test_misprinted_item_in_three_tables_is_reported_at_the_item(tmp_path):
    """A 项 misprinted the same way in 收入预算总表, 支出预算总表 and the 一般公共预算 function table
    (the 款 above it, its own columns and the other tables all say otherwise): one finding per table,
    each at the 项, none at the 款 or 类 whose sums it breaks."""
    text = (TABLES_TEXT / "putuo-wanli-street-2024-budget.txt").read_text(encoding="utf-8")
    rows = [ln for ln in text.splitlines() if re.match(r"^212\s+01\s+01\s+行政运行", ln)]
    assert len(rows) == 3
    changed = text
    for ln in rows:
        # in the income table the 合计 and 财政拨款 columns print the same figure: both change
        changed = changed.replace(ln, ln.replace("16,603,248", "16,608,248"), 1)
    path = tmp_path / "wanli-2024-misprint.txt"
    path.write_text(changed, encoding="utf-8")
    report = auditor.audit(path)
    ar = [f for f in report.findings if f.rule.startswith(("AR", "XT", "EX"))]
    assert [(f.rule, f.location.table, f.location.row, f.severity) for f in ar] == [
        ("AR001", "income_summary", "2120101", "error"),
        ("AR002", "expenditure_summary", "2120101", "error"),
        ("AR003", "gpb_function", "2120101", "error"),
    ]
    assert all((f.expected, f.actual) == ("16603248.00", "16608248.00") for f in ar)
    evidence = ar[1].to_dict()["evidence"]
    assert {(e["kind"], e["row"], e["difference"]) for e in evidence} == {
        ("row", "2120101", "5000.00"),
        ("hierarchy", "21201", "-5000.00"),
    }


def test_table_misread_throughout_is_one_extraction_warning(tmp_path):
    """Every 项 row of the 支出预算总表 with its 基本/项目 amounts swapped into the wrong rows: no small set
    of misprints explains it, so one EX001 warning and no arithmetic error for that table."""
    text = (TABLES_TEXT / "putuo-wanli-street-2024-budget.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if "支出预算总表" in ln and "财政拨款" not in ln and i > 200)
    rows = [
        i
        for i in range(start, start + 80)
        if re.match(r"^\d{3}\s+\d{2}\s+\d{2}\s+\S+\s+[\d,]+\s+[\d,]+\s+[\d,]+$", lines[i])
    ]
    assert len(rows) >= 6
    amounts = [lines[i].split()[-3:] for i in rows]
    for n, i in enumerate(rows):  # each row gets the next row's amounts: the rows and amounts came apart
        head = lines[i].rsplit(None, 3)[0]
        lines[i] = head + "   " + "   ".join(amounts[(n + 1) % len(rows)])
    path = tmp_path / "wanli-2024-misread.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    report = auditor.audit(path)
    ex = by_rule(report, "EX001")
    assert [(f.location.table, f.severity, f.tags) for f in ex] == [("expenditure_summary", "warning", ["extraction"])]
    assert "未能可靠读取" in ex[0].message and ex[0].to_dict()["evidence"]
    assert [f for f in report.findings if f.location.table == "expenditure_summary" and f.severity == "error"] == []

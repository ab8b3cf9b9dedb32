"""Sections of the template: found in the body (not the 目录), missing ones recorded."""

from __future__ import annotations

import pytest
from narrative_helpers import CORPUS, MINHANG, narrative, pdf_doc, text_doc

from auditor.bundle import required_sections
from auditor.parse.sections import prose_lines


@pytest.fixture(scope="module")
def minhang_text():
    return MINHANG.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def minhang(minhang_text):
    return narrative(text_doc(minhang_text, str(MINHANG)))


def test_minhang_sections_in_body(minhang):
    meta, _ = minhang
    assert meta.missing_sections == []
    lines = {k: s.line for k, s in meta.sections.items()}
    assert lines["functions"] == 25
    assert lines["organisation"] == 31
    assert lines["glossary"] == 40
    assert lines["budget_notes"] == 51
    assert lines["tables_part"] == 72
    assert lines["other_notes"] == 272
    assert lines["sangong_notes"] == 274
    assert lines["operating_notes"] == 281
    assert lines["procurement_notes"] == 285
    assert lines["performance_notes"] == 291
    assert lines["assets_notes"] == 295
    assert lines["project_notes"] == 301
    assert lines["kpi_tables"] == 347
    assert len(meta.toc) == 17


def test_removed_section_is_missing(minhang_text):
    lines = minhang_text.splitlines()
    start = lines.index("四、绩效目标设置情况")
    cut = lines[:start] + lines[start + 4 :]
    meta, frames = narrative(text_doc("\n".join(cut)))
    assert meta.missing_sections == ["performance_notes"]
    assert frames["facts"].query("key == 'kpi_units'").empty


def test_prose_lines_skip_tables(minhang_text):
    doc = text_doc(minhang_text)
    meta, _ = narrative(doc)
    got = list(prose_lines(doc, meta))
    keys = {ln.line: key for ln, key in got}
    assert keys[53] == "budget_notes"
    assert keys[276] == "sangong_notes"
    assert 78 not in keys  # a row of the 财务收支预算总表
    assert 359 not in keys  # a KPI row
    assert keys[333] == "project_notes"


@pytest.mark.parametrize(
    "name",
    ["putuo-wanli-street-2024-budget.pdf", "putuo-wanli-street-2025-budget.pdf", "putuo-commerce-2025-budget.pdf"],
)
def test_pdf_sections(name):
    meta, _ = narrative(pdf_doc(CORPUS / name))
    assert meta.missing_sections == []
    assert set(required_sections(meta.kind)) <= set(meta.sections)
    assert meta.sections["other_notes"].page > meta.sections["tables_part"].page
    assert "kpi_tables" not in meta.sections


def test_parse_reports_the_sections_the_disclosure_rules_require(minhang_text, tmp_path):
    """`auditor parse`'s missing sections and DS002/DS003 come from one list, so they agree."""
    import auditor

    lines = minhang_text.splitlines()
    start = lines.index("四、绩效目标设置情况")
    path = tmp_path / "cut.txt"
    path.write_text("\n".join(lines[:start] + lines[start + 4 :]), encoding="utf-8")
    budget = auditor.load(path)
    assert budget.meta.missing_sections == ["performance_notes"]
    flagged = [f.expected for f in auditor.audit(budget).findings if f.rule in ("DS002", "DS003")]
    assert flagged == ["绩效目标设置情况"]
    assert required_sections("部门预算")[-1] == "project_notes"
    assert "project_notes" not in required_sections("单位预算")

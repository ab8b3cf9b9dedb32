"""Notes a reviewer can trust: the OCR-misreading note only where OCR read the figures, one language
per note; the part heading 项目经费情况说明 is never a project's name."""

from __future__ import annotations

from pathlib import Path

import pytest

import auditor
from auditor.document import Document, lines_from_text
from auditor.testing import budget_from_dict

TABLES_TEXT = Path(__file__).parent / "data" / "tables"


def _one_digit_off(extraction: str | None):
    budget = budget_from_dict(
        {
            "meta": {"source": "dept.txt"},
            # 收入总计 10,900.00 against 支出总计 10,000.00: one digit apart
            "tables": {
                "fiscal_summary": [
                    {"side": "income", "item": "收入总计", "amount": "10900.00", "line": 9},
                    {"side": "expenditure", "item": "支出总计", "amount": "10000.00", "line": 9},
                ]
            },
        }
    )
    budget.meta.extraction = extraction  # how the text was obtained, as the loaders record it
    return [f for f in auditor.audit(budget).findings if f.rule == "AR020"]


@pytest.mark.parametrize("extraction", [None, "text-layer"], ids=["text of unknown origin", "PDF text layer"])
def test_no_ocr_note_unless_ocr_read_the_figures(extraction):
    (f,) = _one_digit_off(extraction)
    assert f.severity == "error"
    assert not f.note or ("OCR" not in f.note and "识别" not in f.note)


def test_ocr_note_once_and_in_one_language():
    (f,) = _one_digit_off("ocr")
    assert f.note is not None and f.note.count("可能是识别错误") == 1
    assert "OCR misreading" not in f.note and "likely" not in f.note


_PROJECT_PART = """七、项目经费情况说明
一、项目概况
由上海市某区人民政府某街道办事处建设的某街道社区公共服务中心新建工程，位于某路与某路路口，用地面积约为4000.6平方米。
二、立项依据
根据区政府批复，项目总投资9,876.00万元，2025年预算安排1,234.00万元。
"""


@pytest.mark.parametrize(
    "heading",
    [
        "七、项目经费情况说明",
        "项目经费情况说明",
        "2025年项目经费情况说明",
        "七、 项目经费情况说明",
        "（七）项目经费情况说明",
    ],
)
def test_the_part_heading_is_never_a_project_name(heading):
    """Under the bare part heading the block describes one project: its name comes from the prose."""
    from auditor.parse import parse_document

    text = "上海市某区2025年区级部门预算\n\n" + _PROJECT_PART.replace("七、项目经费情况说明", heading)
    budget = parse_document(Document(path="mem.txt", lines=lines_from_text(text), kind="text"))
    names = budget.frames["projects"]["name"].tolist()
    assert names == ["某街道社区公共服务中心新建工程"]


def test_a_project_heading_keeps_its_name_and_the_corpus_parts_are_not_projects():
    from auditor.parse import parse_document

    text = "上海市某区2025年区级部门预算\n\n七、项目经费情况说明\n（一）科技创新专项项目经费情况说明\n主要用于科技创新，预算安排100.00万元。\n"
    budget = parse_document(Document(path="mem.txt", lines=lines_from_text(text), kind="text"))
    assert budget.frames["projects"]["name"].tolist() == ["科技创新专项"]
    for path in sorted(TABLES_TEXT.glob("*.txt")):
        names = auditor.load(path).frames["projects"]["name"].tolist()
        assert "项目经费情况说明" not in names, path.name

"""Projects (prose + 绩效目标申报表 funding block) and KPI indicator rows."""

from __future__ import annotations

import pytest
from narrative_helpers import CORPUS, MINHANG, narrative, pdf_doc, text_doc

from auditor.parse.indicators import parse_value


@pytest.fixture(scope="module")
def frames():
    return narrative(text_doc(MINHANG.read_text(encoding="utf-8")))[1]


def test_minhang_projects(frames):
    p = frames["projects"]
    assert len(p) == 8
    assert list(p.narrative_amount) == [
        1224000000,
        10754110000,
        1800000000,
        1100000000,
        1977000000,
        2009260000,
        9674910000,
        1441820000,
    ]
    assert p.has_kpi_table.all()
    first = p.iloc[0]
    assert first["name"] == "进博会安保"
    assert first.total_funds == first.fiscal_funds == first.annual_request == 1224000000
    assert first.carryover == 0 and first.other_funds == 0 and first.annual_other == 0
    assert (first.start, first.end) == ("2024-01-01", "2024-12-31")
    assert first.competent_dept == "公安局闵行分局(汇总)"
    assert first.narrative_competent_dept == "上海市公安局闵行分局"
    assert first.overall_goal == first.annual_goal
    second = p.iloc[1]
    # the item names two bodies with their duties; both are kept
    assert second.narrative_competent_dept == "上海市公安局；上海市公安局闵行分局"
    assert second.total_funds == 10754108712
    assert second.ocr_twins == [
        {
            "field": "fiscal_funds",
            "printed": "107, 541, 007. 12",
            "line": 428,
            "page": None,
            "agrees_with": "107, 541, 087. 12",
            "digits_differ": 1,
        }
    ]
    assert p.iloc[2].ocr_twins[0]["printed"] == "10 000 000 00"


def test_minhang_indicators(frames):
    ind = frames["indicators"]
    assert len(ind) == 97
    assert set(ind.level1) == {"成本指标", "产出指标", "效益指标", "满意度指标"}
    rows = ind[ind.project == "进博会安保"][["level1", "level2", "name", "value", "operator", "number", "unit", "line"]]
    got = [tuple(None if v != v else v for v in r) for r in rows.itertuples(index=False)]
    assert got[0] == ("成本指标", "经济成本指标", "项目成本控制率", "≤预算金额", "≤", None, None, 359)
    assert got[1] == ("产出指标", "数量指标", "安保人员到位率", "≥5000(人)", "≥", "5000", "人", 360)
    assert got[7] == ("产出指标", "时效指标", "安保人员到位为及时率", "按照工上作安排每天到岗", None, None, None, 366)
    assert got[12] == ("效益指标", "社会效益指标", "提升社会治安管控力度", "较去年有所提升", None, None, None, 371)
    assert got[14][:4] == ("满意度指标", "服务对象满意度指标", "相关部门满坑意度", "≥90%")
    aux = ind[ind.project == "勤务辅警"]
    missing = aux[aux.value.isna()]
    assert list(missing.name) == ["人员考核合格率"] and list(missing.line) == [436]
    row = aux[aux.line == 437].iloc[0]
    assert (row["name"], row.level2, row.value) == ("人员资质达标率", "质量指标", "100%")
    assert ind.value.isna().sum() == 1


@pytest.mark.parametrize(
    "value,expected",
    [
        ("≥5000(人)", ("≥", "5000", "人")),
        ("100%", (None, "100", "%")),
        ("≤预算金额", ("≤", None, None)),
        ("12小时内", (None, "12", "小时内")),
        ("提升", (None, None, None)),
    ],
)
def test_parse_value(value, expected):
    assert parse_value(value) == expected


def test_commerce_projects_without_kpi_table():
    frames = narrative(pdf_doc(CORPUS / "putuo-commerce-2025-budget.pdf"))[1]
    p = frames["projects"]
    assert list(p.name) == [
        "科技创新专项",
        "生命健康专项（政策资金）",
        "商业创新专项（政策资金）",
        "贸易高质量发展专项（政策资金）",
    ]
    assert list(p.narrative_amount) == [1720000000, 1170000000, 1410000000, 2921000000]
    assert not p.has_kpi_table.any()
    assert frames["indicators"].empty


def test_wanli_project_plan():
    frames = narrative(pdf_doc(CORPUS / "putuo-wanli-street-2024-budget.pdf"))[1]
    p = frames["projects"]
    assert len(p) == 1 and p.narrative_amount.isna().all()
    plans = frames["facts"].query("key == 'project_plan'")
    assert list(plans.value) == ["158.05"] * 4

"""A small hand-built Report (budget, findings, rules) for reporter tests, docs and plugin authors.

It does not load any file: a few located lines, the frames the HTML report draws, and findings of
several families and severities, one of them an ``internal`` crash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..document import Document, lines_from_text
from ..findings import Finding, Location, Report
from ..model import Budget, Meta, frame_from_records

Y = 100  # fen per 元

SAMPLE_TEXT = """上海市公安局闵行分局2024年部门预算
一、部门职能
主要职能是维护辖区社会治安。
2024年“三公”经费预算数为1,234.56万元，比2023年预算减少10.00万元。
其中：因公出国（境）费12.00万元，公务用车购置及运行费1,100.00万元，公务接待费122.56万元。
2024年政府采购预算总额50,000.00万元，其中面向中小企业预留30,000.00万元。
部门支出预算总表
功能分类科目编码\t功能分类科目名称\t合计\t基本支出\t项目支出
\t合计\t2,082,935,857.58\t1,500,000,000.00\t582,935,857.58
201\t一般公共服务支出\t12,000,000.00\t12,000,000.00\t
204\t公共安全支出\t1,900,000,000.00\t1,330,000,000.00\t570,000,000.00
20402\t公安\t1,900,000,000.00\t1,330,000,000.00\t570,000,000.00
2040201\t行政运行\t1,330,000,000.00\t1,330,000,000.00\t
208\t社会保障和就业支出\t100,000,000.00\t100,000,000.00\t
210\t卫生健康支出\t40,000,000.00\t40,000,000.00\t
221\t住房保障支出\t30,935,857.58\t18,000,000.00\t12,935,857.58
"""


@dataclass
class SampleRule:
    """A minimal rule description with the attributes reporters read."""

    code: str
    name: str
    title: str
    severity: str
    tags: list[str]
    description: str = ""
    reference: dict[str, Any] = field(default_factory=dict)

    def reference_text(self) -> str:
        return " ".join(str(self.reference[k]) for k in ("regulation", "article") if self.reference.get(k))


SAMPLE_RULES = {
    r.code: r
    for r in [
        SampleRule(
            "A001",
            "sum-of-children",
            "类 = Σ款",
            "error",
            ["arithmetic"],
            "A 类 equals the sum of its 款.",
            {"regulation": "预算法", "article": "第三十二条"},
        ),
        SampleRule(
            "C010",
            "same-code-same-amount",
            "Same code, same amount",
            "error",
            ["cross-table"],
            "A code prints the same amount in every table.",
            {"regulation": "财预〔2017〕98号"},
        ),
        SampleRule(
            "S001",
            "sangong-parts",
            "三公 parts add up",
            "warning",
            ["sangong"],
            "三公 total = 出国 + 车 + 接待.",
            {"regulation": "中央八项规定"},
        ),
        SampleRule(
            "P002",
            "sme-share",
            "SME share",
            "info",
            ["procurement"],
            "SME reservation share.",
            {"regulation": "财库〔2020〕46号", "article": "第八条"},
        ),
        SampleRule("E001", "double-full-stop", "Editorial defects", "info", ["editorial"], "Doubled punctuation."),
        SampleRule(
            "K001", "kpi-levels", "KPI 一级指标 present", "warning", ["kpi"], "Every project has the four 一级指标."
        ),
    ]
}


def sample_budget(
    department: str = "上海市公安局闵行分局",
    year: int = 2024,
    sangong_scale: int = 1,
    source: str = "minhang-police-2024-budget.txt",
) -> Budget:
    """A Budget with the frames the HTML report draws and a located document."""
    lines = lines_from_text(SAMPLE_TEXT)
    doc = Document(path=source, lines=lines, kind="text")
    gpb = [
        {"code": None, "name": "合计", "total": 208293585758, "basic": 150000000000, "project": 58293585758, "line": 9},
        {
            "code": "201",
            "name": "一般公共服务支出",
            "total": 1200000000,
            "basic": 1200000000,
            "project": None,
            "line": 10,
        },
        {
            "code": "204",
            "name": "公共安全支出",
            "total": 190000000000,
            "basic": 133000000000,
            "project": 57000000000,
            "line": 11,
        },
        {
            "code": "20402",
            "name": "公安",
            "total": 190000000000,
            "basic": 133000000000,
            "project": 57000000000,
            "line": 12,
        },
        {
            "code": "2040201",
            "name": "行政运行",
            "total": 133000000000,
            "basic": 133000000000,
            "project": None,
            "line": 13,
        },
        {
            "code": "208",
            "name": "社会保障和就业支出",
            "total": 10000000000,
            "basic": 10000000000,
            "project": None,
            "line": 14,
        },
        {"code": "210", "name": "卫生健康支出", "total": 4000000000, "basic": 4000000000, "project": None, "line": 15},
        {
            "code": "221",
            "name": "住房保障支出",
            "total": 3093585758,
            "basic": 1800000000,
            "project": 1293585758,
            "line": 16,
        },
    ]
    frames = {
        "gpb_function": frame_from_records("gpb_function", gpb),
        "expenditure_summary": frame_from_records(
            "expenditure_summary",
            [
                {
                    "code": None,
                    "name": "合计",
                    "total": 208293585758,
                    "basic": 150000000000,
                    "project": 58293585758,
                    "line": 9,
                }
            ],
        ),
        "income_summary": frame_from_records(
            "income_summary",
            [
                {
                    "code": None,
                    "name": "合计",
                    "total": 208293585758,
                    "fiscal": 208293585758,
                    "business": None,
                    "operating": None,
                    "other": None,
                    "line": 9,
                }
            ],
        ),
        "sangong": frame_from_records(
            "sangong",
            [
                {
                    "total": 12345600 * sangong_scale,
                    "outbound": 120000 * sangong_scale,
                    "vehicle_total": 11000000 * sangong_scale,
                    "vehicle_purchase": 3000000 * sangong_scale,
                    "vehicle_operation": 8000000 * sangong_scale,
                    "reception": 1225600 * sangong_scale,
                    "operating_expenses": 90000000,
                    "line": 4,
                }
            ],
        ),
        "facts": frame_from_records(
            "facts",
            [
                {
                    "key": "procurement_total",
                    "text": "50,000.00万元",
                    "value": "50000.00",
                    "unit": "万元",
                    "amount": 50000 * 1000000,
                    "line": 6,
                },
                {
                    "key": "sme_reserved",
                    "text": "30,000.00万元",
                    "value": "30000.00",
                    "unit": "万元",
                    "amount": 30000 * 1000000,
                    "line": 6,
                },
                {
                    "key": "small_micro_reserved",
                    "text": "20,000.00万元",
                    "value": "20000.00",
                    "unit": "万元",
                    "amount": 20000 * 1000000,
                    "line": 6,
                },
            ],
        ),
    }
    meta = Meta(source=source, department=department, year=year, kind="部门预算")
    return Budget(meta=meta, frames=frames, document=doc)


def sample_findings(source: str = "minhang-police-2024-budget.txt") -> list[Finding]:
    return [
        Finding(
            rule="A001",
            name="sum-of-children",
            severity="error",
            tags=["arithmetic"],
            message="类 204 合计 1,900,000,000.00 ≠ Σ款 1,899,999,999.00",
            location=Location(table="gpb_function", row="204", column="total", line=11),
            expected="1899999999.00",
            actual="1900000000.00",
            reference="预算法 第三十二条",
            document=source,
        ),
        Finding(
            rule="C010",
            name="same-code-same-amount",
            severity="error",
            tags=["cross-table", "arithmetic"],
            message="2040201 行政运行 differs between tables <b>not bold</b>",
            location=Location(table="gpb_function", row="2040201", column="basic", line=13),
            expected="1330000000.00",
            actual="1330000001.00",
            document=source,
            note="likely OCR misreading: one digit off against its twin figure",
        ),
        Finding(
            rule="S001",
            name="sangong-parts",
            severity="warning",
            tags=["sangong"],
            message="“三公” total 1,234.56万元 ≠ 出国 + 车 + 接待",
            location=Location(table="sangong", column="total", line=4),
            expected="12345600.00",
            actual="12345601.00",
            document=source,
        ),
        Finding(
            rule="P002",
            name="sme-share",
            severity="info",
            tags=["procurement"],
            message="SME reservation is 60.0% of procurement (threshold 30%)",
            location=Location(line=6),
            expected="≥ 30%",
            actual="60.0%",
            document=source,
        ),
        Finding(
            rule="E001",
            name="double-full-stop",
            severity="info",
            tags=["editorial"],
            message="。。 in prose",
            location=Location(page=3, line=7),
            document=source,
        ),
        Finding(
            rule="X999",
            name="broken-plugin-rule",
            severity="error",
            tags=["internal"],
            message="rule X999 raised ZeroDivisionError: division by zero",
            document=source,
        ),
    ]


def sample_report(
    with_budget: bool = True, source: str = "minhang-police-2024-budget.txt", previous: bool = False
) -> Report:
    """A Report with findings of every severity (and, optionally, its Budget and last year's)."""
    budget = sample_budget(source=source) if with_budget else None
    doc = {"path": source, "department": "上海市公安局闵行分局", "year": 2024, "kind": "部门预算", "source": "text"}
    return Report(
        document=doc,
        findings=sample_findings(source),
        budget=budget,
        rules=list(SAMPLE_RULES.values()),
        previous=sample_budget(year=2023, sangong_scale=2) if previous else None,
    )

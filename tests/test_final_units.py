"""The 部门决算单位构成 table (``fa_units``): one row a unit, however an extractor sets its wrapped rows."""

from __future__ import annotations

import pytest
from corpus import CORPUS, needs_corpus

from auditor import load
from auditor.document import Document, Line
from auditor.parse.final.structure import parse_structure
from auditor.parse.final.units import read_units

DEPARTMENT = "上海市普陀区规划和自然资源局"
HEAD = ["第一部分 概况", "一、主要职能", "（略）", "二、部门决算单位构成", "纳入编制范围的单位包括："]
TAIL = ["第二部分 上海市普陀区规划和自然资源局2024年度部门决算表", "收入支出决算总表"]
UNITS = [
    ("1", "上海市普陀区规划和自然资源局（本级）", None),
    ("2", "上海市普陀区规划和自然资源局执法大队（下属参公事业单位）", None),
    ("3", "上海市普陀区规划和自然资源管理事务中心（下属事业单位）", None),
]


def _read(body: list[str], department: str | None = DEPARTMENT) -> tuple[list[tuple], list[str]]:
    texts = HEAD + body + TAIL
    doc = Document("x.txt", [Line(t, i + 1) for i, t in enumerate(texts)], "text")
    notes: list[str] = []
    rows = read_units(doc, parse_structure(doc), department, notes)
    return [(r["seq"], r["name"], r["remark"]) for r in rows], notes


LAYOUTS = {
    # a PDF's own lines and pdftotext -layout: the 序号 centred between a wrapped name's two lines
    "seq between": [
        "序号  单位名称  备注",
        "1  上海市普陀区规划和自然资源局（本级）",
        "上海市普陀区规划和自然资源局执法大队",
        "2",
        "（下属参公事业单位）",
        "上海市普陀区规划和自然资源管理事务中",
        "3",
        "心（下属事业单位）",
    ],
    # pdfplumber: the 序号 after the name
    "seq after": [
        "序号 单位名称 备注",
        "上海市普陀区规划和自然资源局（本级）",
        "1",
        "上海市普陀区规划和自然资源局执法大队（下属参公事业单位）",
        "2",
        "上海市普陀区规划和自然资源管理事务中心（下属事业单位）",
        "3",
    ],
    # pdftotext without layout: a word a line, blank lines, the 序号 first and 备注 after the rows
    "seq before, header a word a line": [
        "序号",
        "",
        "单位名称",
        "",
        "1",
        "",
        "上海市普陀区规划和自然资源局（本级）",
        "上海市普陀区规划和自然资源局执法大队",
        "",
        "2",
        "（下属参公事业单位）",
        "上海市普陀区规划和自然资源管理事务中",
        "3",
        "心（下属事业单位）",
        "",
        "备注",
    ],
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_reads_the_same_units(layout):
    assert _read(LAYOUTS[layout]) == (UNITS, [])


def test_a_remark_after_the_name_is_its_own_column():
    rows, _ = _read(["序号 单位名称 备注", "1 上海市普陀区财政局（本级）", "2 上海市普陀区财政局财政所 预算不单列，并入本级"],
                    department="上海市普陀区财政局")  # fmt: skip
    assert rows == [
        ("1", "上海市普陀区财政局（本级）", None),
        ("2", "上海市普陀区财政局财政所", "预算不单列，并入本级"),
    ]


def test_the_last_row_glued_to_the_tables_title_keeps_its_tail():
    body = ["序号 单位名称 备注", "1 上海市普陀区规划和自然资源局（本级）", "上海市普陀区规划和自然资源管理事务中", "2"]
    texts = HEAD + body + ["心（下属事业单位）上海市规划和自然资源局 2024 年度部门决算表", "收入支出决算总表"]
    doc = Document("x.txt", [Line(t, i + 1) for i, t in enumerate(texts)], "text")
    rows = read_units(doc, parse_structure(doc), DEPARTMENT, [])
    assert [r["name"] for r in rows] == [
        "上海市普陀区规划和自然资源局（本级）",
        "上海市普陀区规划和自然资源管理事务中心（下属事业单位）",
    ]


def test_the_template_s_unfilled_rows_are_no_units():
    body = ["序号  单位名称  备注", "1  上海市 XX 局（本级）", "2  上海市 XX 中心", "3  。。。", "4  。。。"]
    assert _read(body, department="上海市XX局") == (
        [("1", "上海市XX局（本级）", None), ("2", "上海市XX中心", None)],
        [],
    )


def test_序号_that_do_not_count_the_units_are_a_loader_remark():
    body = ["序号 单位名称 备注", "1 上海市普陀区财政局（本级）", "3 上海市普陀区财政局财政所"]
    rows, notes = _read(body, department="上海市普陀区财政局")
    assert [r[1] for r in rows] == ["上海市普陀区财政局（本级）", "上海市普陀区财政局财政所"]
    assert notes == ["fa_units: 2 units read by their names, but the 序号 printed are 1, 3; numbered in the order read"]


def test_no_header_no_units():
    assert _read(["上海市普陀区规划和自然资源局（本级）"]) == ([], [])


@needs_corpus
@pytest.mark.parametrize(
    "name, units",
    [
        ("putuo-planning-resources-2024-final-accounts.pdf", [
            "上海市普陀区规划和自然资源局（本级）",
            "上海市普陀区规划和自然资源局执法大队（下属参公事业单位）",
            "上海市普陀区土地发展中心（下属事业单位）",
            "上海市普陀区自然资源确权登记事务中心（下属事业单位）",
            "上海市普陀区规划和自然资源管理事务中心（下属事业单位）",
        ]),
        ("putuo-finance-bureau-2024-final-accounts.pdf", [
            "上海市普陀区财政局（本级）", "上海市普陀区财政局财政所 | 预算不单列，并入本级",
            "上海市普陀区国库收付中心 | 预算不单列，并入本级",
        ]),
        ("final-accounts-template.pdf", ["上海市XX局（本级）", "上海市XX中心", "上海市XX研究所"]),
    ],
)  # fmt: skip
def test_corpus_units(name, units):
    frame = load(CORPUS / name).table("fa_units")
    got = [r["name"] + (f" | {r['remark']}" if r["remark"] else "") for r in frame.to_dict("records")]
    assert got == units
    assert list(frame["seq"]) == [str(i) for i in range(1, len(units) + 1)]

"""The 检查表 workbook: rows of the document's kind, 否 exactly where findings are, problems and screenshots."""

from __future__ import annotations

import shutil
import subprocess

import openpyxl
import pytest
from corpus import BUDGET, CORPUS, FINAL_ACCOUNTS, UNIT_BUDGET, budgets, needs_corpus

from auditor.cli import run
from auditor.engine import audit
from auditor.findings import Finding, Location, Report
from auditor.report import ReportOptions
from auditor.report.checklist import NO, YES, build, checklist_title, district, workbook
from auditor.report.parts import outline, part_of, parts_for

FIRST_ROW = 5  # title, department, URL, header


def sheet_rows(ws):
    """(label, verdict, problems) of every part row."""
    out = []
    for row in ws.iter_rows(min_row=FIRST_ROW, values_only=True):
        if row[0] is None or row[2] is None:
            break
        out.append((row[2], row[3], row[5]))
    return out


def expected_no(report, severity="warning"):
    """Labels of the parts that findings at or above `severity` concern (as the checklist maps them)."""
    parts = parts_for(report.document.get("kind"))
    where = outline(report.budget, parts)
    rank = {"info": 1, "warning": 2, "error": 3}
    keys = {
        part_of(f, parts, where)
        for f in report.findings
        if rank[f.severity] >= rank[severity] and not {"extraction", "internal"} & set(f.tags)
    }
    return {p.label for p in parts if p.key in keys}


PDF_BUDGETS = budgets(suffix=".pdf")


@needs_corpus
@pytest.mark.parametrize("path", PDF_BUDGETS, ids=[p.name for p in PDF_BUDGETS])
def test_checklist_of_each_corpus_budget(tmp_path, path):
    out = tmp_path / "checklist.xlsx"
    assert (
        run(["audit", str(path), "--output", str(out), "--fail-on", "never", "--url", "https://example.gov.cn/x"]) == 0
    )
    report = audit(path)
    kind = report.document["kind"]
    assert kind in (BUDGET, UNIT_BUDGET)
    wb = openpyxl.load_workbook(out)
    assert len(wb.worksheets) == 1
    ws = wb.worksheets[0]
    assert ws["A1"].value == checklist_title(report) == f"{report.document['year']}年度普陀区{kind}公开情况检查表"
    assert ws["C2"].value == report.document["department"] and ws["C3"].value == "https://example.gov.cn/x"
    rows = sheet_rows(ws)
    assert [r[0] for r in rows] == [p.label for p in parts_for(kind)]
    prefix = "部门" if kind == BUDGET else "单位"
    assert f"《{prefix}收入预算总表》" in [r[0] for r in rows]
    no = {label for label, verdict, _ in rows if verdict == NO}
    assert no == expected_no(report)
    for _label, verdict, problems in rows:
        assert verdict in (YES, NO) or verdict.startswith("未能检查：")
        if verdict == NO:
            lines = problems.split("\n")
            assert [ln.split(".", 1)[0] for ln in lines] == [str(i) for i in range(1, len(lines) + 1)]
        else:
            assert problems is None
    assert rows[0][1].startswith("未能检查：")  # 及时性 is never 是 from the document alone
    n_problems = sum(len(p.split("\n")) for _, v, p in rows if v == NO)
    assert len(ws._images) == n_problems


@needs_corpus
def test_wanli_2025_checklist_exact():
    report = audit(CORPUS / "putuo-wanli-street-2025-budget.pdf")
    cl = build(report)
    no = {r.part.label: len(r.problems) for r in cl.results if r.verdict == NO}
    assert no == {
        "预算编制说明": 1,  # SN001: a 科目 name in the prose differs from the tables
        "《部门收入预算总表》": 1,  # the 1-元 misprint at 21201, one finding per table
        "《部门支出预算总表》": 1,
        "《部门一般公共预算支出功能分类预算表》": 1,
        "项目经费情况说明": 1,  # NR009: 地上建筑面积 8013 where its parts and the total give 8103
    }
    income = next(r for r in cl.results if r.part.label == "《部门收入预算总表》")
    text = income.problems[0].text
    assert text.startswith("1.第12页第18行（收入预算总表 · 21201 城乡社区管理事务 · 合计）：收入预算总表 21201 ")
    assert text.endswith("（应为94,995,789.00 元，实为94,995,790.00 元，差额+1.00 元）。")
    # no crops without a renderer; the CLI renders them (previous test)
    assert all(p.crop is None for r in cl.results for p in r.problems)


@needs_corpus
def test_batch_is_one_sheet_per_document_or_one_workbook_each(tmp_path):
    paths = [CORPUS / "putuo-wanli-street-2024-budget.pdf", CORPUS / "putuo-government-office-2025-unit-budget.pdf"]
    out = tmp_path / "all.xlsx"
    assert run(["audit", *map(str, paths), "-f", "checklist", "-o", str(out), "--fail-on", "never", "-j", "1"]) == 0
    wb = openpyxl.load_workbook(out)
    assert len(wb.worksheets) == 2
    labels = [[r[0] for r in sheet_rows(ws)] for ws in wb.worksheets]
    assert {ls[8] for ls in labels} == {"《部门收入预算总表》", "《单位收入预算总表》"}
    d = tmp_path / "each"
    assert run(["audit", *map(str, paths), "-o", f"{d}/", "--fail-on", "never", "-j", "1"]) == 0
    assert sorted(p.name for p in d.iterdir()) == sorted(f"{p.stem}-检查表.xlsx" for p in paths)


def _report(kind, findings, error=None):
    return Report(
        document={"path": "x.pdf", "department": "上海市普陀区某局", "year": 2024, "kind": kind, "source": "pdf"},
        findings=findings,
        error=error,
    )


def test_parts_of_each_kind():
    final = [p.label for p in parts_for(FINAL_ACCOUNTS)]
    assert final[:5] == ["及时性", "封面", "目录", "主要职能", "机构设置"]
    assert "《收入支出决算总表》" in final and "《财政拨款“三公”经费支出决算表》" in final
    # one row per 说明 section the required-sections rule names, with its label, then 名词解释
    assert final[14:] == [
        "一、收入支出决算总体情况说明", "二、收入决算情况说明", "三、支出决算情况说明",
        "四、财政拨款收入支出决算总体情况说明", "五、一般公共预算财政拨款支出决算情况说明",
        "六、一般公共预算财政拨款基本支出决算情况说明", "七、财政拨款“三公”经费支出决算情况说明",
        "八、政府性基金预算财政拨款收入支出决算情况说明", "九、国有资本经营预算财政拨款收入支出决算情况说明",
        "十、预算绩效管理情况", "十一、其他重要事项的情况说明", "机关运行经费支出情况", "政府采购支出情况",
        "国有资产占有使用情况", "名词解释",
    ]  # fmt: skip
    assert "《单位“三公”经费和机关运行经费预算表》" in [p.label for p in parts_for(UNIT_BUDGET)]
    assert len(parts_for(BUDGET)) == 18


def test_verdicts_from_findings_by_table_words_and_severity():
    findings = [
        Finding("AR001", "error", "212 合计 印 2.00 元", location=Location("income_summary", "212", "total", 3, 10),
                expected="1.00", actual="2.00"),
        Finding("DS002", "warning", "缺少章节：部门机构设置", tags=["disclosure"], expected="部门机构设置"),
        Finding("ED002", "info", "段落结尾缺少句末标点", location=Location(line=4, page=2)),
        Finding("TX001", "warning", "表格无法可靠读取", tags=["extraction"], location=Location("sangong")),
    ]  # fmt: skip
    cl = build(_report(BUDGET, findings))
    verdicts = {r.part.label: r.verdict for r in cl.results}
    assert verdicts["《部门收入预算总表》"] == NO and verdicts["机构设置"] == NO
    assert verdicts["《部门“三公”经费和机关运行经费预算表》"].startswith("未能检查：表格未能可靠读取")
    assert sum(v == NO for v in verdicts.values()) == 2
    income = next(r for r in cl.results if r.part.label == "《部门收入预算总表》")
    assert (
        income.text
        == "1.第10页第3行（收入预算总表 · 212 · 合计）：212 合计 印 2.00 元（应为1.00 元，实为2.00 元，差额+1.00 元）。"
    )
    strict = build(_report(BUDGET, findings), ReportOptions(checklist_severity="error"))
    assert sum(r.verdict == NO for r in strict.results) == 1
    failed = build(_report(BUDGET, [], error="cannot open PDF"))
    assert all(r.verdict == "未能检查：cannot open PDF" for r in failed.results)


def test_final_accounts_findings_land_on_their_note_row():
    """A missing 五 is 五's 否, not 三's (三、支出决算情况说明 is inside 五's name): the longest name wins."""
    findings = [
        Finding("FA002", "warning", "缺少：五、一般公共预算财政拨款支出决算情况说明", tags=["disclosure"]),
        Finding("FA201", "warning", "“三公”经费决算 326.71 万元，表中为 326.72 万元", tags=["sangong"],
                expected="326.72", actual="326.71"),
    ]  # fmt: skip
    verdicts = {r.part.key: r.verdict for r in build(_report(FINAL_ACCOUNTS, findings)).results}
    assert verdicts["fa_n5"] == NO and verdicts["fa_n3"] != NO
    assert [k for k, v in verdicts.items() if v == NO] == ["fa_n5", "fa_n7"]


def test_district_and_title():
    assert district("上海市普陀区人民政府办公室") == "普陀区"
    assert district("上海市公安局闵行分局") == "闵行区"
    assert district("某某委员会") == ""
    assert checklist_title(_report(UNIT_BUDGET, [])) == "2024年度普陀区单位预算公开情况检查表"


def test_fills_a_bureaus_template_by_labels(tmp_path):
    tpl = openpyxl.Workbook()
    ws = tpl.active
    ws["A1"] = "XXXX年度普陀区部门预算公开情况检查表"
    ws["A2"], ws["D2"] = "部门名称", "公开网址"
    ws.append([])
    ws["A4"], ws["B4"], ws["C4"], ws["D4"], ws["E4"] = "检查内容", "符合要求（是/否）", "存在问题", "问题截图", "备注"
    labels = ["1.及时性", "2.封面", "3. 机构设置", "4.部门收入预算总表", "5.《部门支出预算总表》"]
    for i, label in enumerate(labels, 5):
        ws.cell(i, 1, label)
    path = tmp_path / "tpl.xlsx"
    tpl.save(path)
    findings = [
        Finding("AR001", "error", "212 合计 印 2.00 元", location=Location("income_summary", "212", "total", 3, 10)),
        Finding("DS002", "warning", "缺少章节：部门机构设置", tags=["disclosure"], expected="部门机构设置"),
    ]
    opts = ReportOptions(checklist_template=str(path), url="https://x.gov.cn")
    filled = workbook([build(_report(BUDGET, findings), opts)], opts).worksheets[0]
    assert filled["A1"].value == "2024年度普陀区部门预算公开情况检查表"
    assert filled["B2"].value == "上海市普陀区某局" and filled["E2"].value == "https://x.gov.cn"
    assert [filled.cell(i, 2).value for i in range(5, 10)][1:] == ["是", "否", "否", "是"]
    assert filled["B5"].value.startswith("未能检查：")
    assert filled["C7"].value.startswith("1.") and filled["C9"].value is None


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice check: needs soffice (README, Quickstart)")
@needs_corpus
def test_libreoffice_renders_every_budget_checklist_with_its_screenshots(tmp_path):
    """Each corpus budget PDF's workbook opens in LibreOffice: it renders, with one picture per problem."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    pdfs = budgets(".pdf")
    books = tmp_path / "books"
    assert run(["audit", *map(str, pdfs), "-o", f"{books}/", "--format", "checklist", "--fail-on", "never", "-q"]) == 0
    made = sorted(books.glob("*.xlsx"))
    assert len(made) == len(pdfs)
    profile = (tmp_path / "lo-profile").as_uri()  # a private profile: no clash with a running LibreOffice
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
         *map(str, made)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    shown = 0
    for book in made:
        problems = len(openpyxl.load_workbook(book).worksheets[0]._images)
        rendered = pdfium.PdfDocument(str(tmp_path / f"{book.stem}.pdf"))
        pictures = sum(
            len(list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))) for page in rendered
        )
        assert len(rendered) >= 1, book.name
        assert pictures == problems, book.name
        shown += pictures
    assert shown > 0  # the corpus has problems to show (Wanli's), so pictures were really checked

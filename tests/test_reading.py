"""Tables not reliably read are an extraction warning, never a document error (EX002, rulekit.readable),
and a contents list is never a table, whatever its layout."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import auditor

TABLES_TEXT = Path(__file__).parent / "data" / "tables"
WANLI = TABLES_TEXT / "putuo-wanli-street-2025-budget.txt"
OFFICE = TABLES_TEXT / "putuo-government-office-2025-budget.txt"
_LEADER = re.compile(r"\s*[…]{3,}\s*$")


def _audit(tmp_path, text: str, name: str = "variant.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return auditor.audit(path)


def _errors(report) -> list[tuple[str, str | None]]:
    return [(f.rule, f.location.table) for f in report.findings if f.severity == "error"]


def _toc_variant(text: str, heading: str, page_numbers: bool) -> str:
    """The 目录 as text extracted without layout prints it: heading characters on lines of their own
    (or no heading), each entry's dot leaders on the next line, perhaps with a page number."""
    out: list[str] = []
    for n, ln in enumerate(text.splitlines()):
        if ln.strip().replace(" ", "") == "目录":
            out += heading.split("|")
            continue
        if _LEADER.search(ln):
            out += [_LEADER.sub("", ln).strip(), "", "……………………………………" + (f" {n}" if page_numbers else ""), ""]
            continue
        out.append(ln)
    return "\n".join(out)


@pytest.mark.parametrize(
    "heading,page_numbers",
    [("目|录", False), ("目||录", True), ("", False), ("目 录", True)],
    ids=["split heading", "split heading, page numbers", "no heading", "heading, page numbers"],
)
def test_contents_entries_never_start_a_table(tmp_path, heading, page_numbers):
    original = auditor.load(WANLI)
    text = _toc_variant(WANLI.read_text(encoding="utf-8"), heading, page_numbers)
    assert text.count("2025年部门财务收支预算总表") == 2  # the entry and the table
    budget = auditor.load(_write(tmp_path, text))
    for key, info in original.meta.tables.items():
        assert budget.meta.tables[key].title == info.title
        assert (
            budget.frames[key]
            .drop(columns=["line", "page"])
            .equals(original.frames[key].drop(columns=["line", "page"]))
        ), key
    report = auditor.audit(_write(tmp_path, text))
    assert not [f for f in report.findings if f.rule in ("EF001", "EX002", "NV001", "ST004")]


def _write(tmp_path, text: str) -> Path:
    path = tmp_path / "toc.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _block(lines: list[str], title: str) -> tuple[int, int]:
    start = next(i for i, ln in enumerate(lines) if ln.strip().endswith(title) and "…" not in ln and i > 40)
    end = next(i for i in range(start + 1, len(lines)) if "预算表" in lines[i] or "总表" in lines[i])
    return start, end


def test_a_summary_table_printed_column_after_column_is_one_extraction_warning(tmp_path):
    """The 财务收支预算总表 with its labels first and its amounts after them (one column after the
    other, as some extractors print it): its figures cannot be read, so one EX002 warning and none
    of the errors computed from it (NV001 against the 编制说明, AR020, XT006)."""
    lines = OFFICE.read_text(encoding="utf-8").splitlines()
    start, end = _block(lines, "财务收支预算总表")
    body = lines[start + 1 : end]
    labels = [re.sub(r"[\d,.]+", "", ln).strip() for ln in body]
    amounts = [a for ln in body for a in re.findall(r"\d[\d,]*\.\d{2}", ln)]
    assert len(amounts) >= 8
    changed = [*lines[: start + 1], *[x for x in labels if x], *amounts, *lines[end:]]
    report = _audit(tmp_path, "\n".join(changed))
    ex = [f for f in report.findings if f.rule == "EX002"]
    assert [(f.location.table, f.severity, "extraction" in f.tags) for f in ex] == [("fiscal_summary", "warning", True)]
    assert "未读出" in ex[0].message or "只读出" in ex[0].message
    assert _errors(report) == []


def _fiscal_rows(lines: list[str]) -> list[int]:
    start, end = _block(lines, "财务收支预算总表")
    return [i for i in range(start, end) if re.search(r"\d,\d{3}", lines[i])]


def test_a_single_misprint_in_a_summary_table_stays_a_document_error(tmp_path):
    """One expenditure item printed 1,000元 off: exactly the identity it takes part in fails, and
    correcting that one cell repairs it, so it is the document's defect (AR020), not a misreading."""
    text = OFFICE.read_text(encoding="utf-8")
    lines = text.splitlines()
    row = next(i for i in _fiscal_rows(lines) if "二、社会保障和就业支出" in lines[i])
    m = list(re.finditer(r"\d[\d,]*\.\d{2}", lines[row]))[-1]
    wrong = f"{int(m.group(0).replace(',', '').split('.')[0]) + 1000:,}.{m.group(0).split('.')[1]}"
    lines[row] = lines[row][: m.start()] + wrong + lines[row][m.end() :]
    report = _audit(tmp_path, "\n".join(lines))
    assert [f.rule for f in report.findings if f.rule == "EX002"] == []
    assert ("AR020", "fiscal_summary") in _errors(report)


def test_summary_figures_misread_in_several_places_are_one_extraction_warning(tmp_path):
    """An expenditure item and the 收入总计 each off in a different way (收入 = Σ items, 支出 = Σ items and
    收入总计 = 支出总计 all fail): no one cell explains that, so the reading is reported (EX002) and
    the errors computed from the table withheld."""
    lines = OFFICE.read_text(encoding="utf-8").splitlines()
    rows = _fiscal_rows(lines)
    total = next(i for i in rows if "收入总计" in lines[i])
    for i, which, delta in ((rows[0], -1, 1000), (total, 0, -7000)):
        m = list(re.finditer(r"\d[\d,]*\.\d{2}", lines[i]))[which]
        whole, frac = m.group(0).replace(",", "").split(".")
        lines[i] = lines[i][: m.start()] + f"{int(whole) + delta:,}.{frac}" + lines[i][m.end() :]
    report = _audit(tmp_path, "\n".join(lines))
    (ex,) = [f for f in report.findings if f.rule == "EX002"]
    assert ex.location.table == "fiscal_summary" and "总计" in ex.message
    assert not [e for e in _errors(report) if e[0] in ("AR020", "XT006", "NV001")]


def test_a_coded_table_whose_rows_were_lost_gives_no_arithmetic_error(tmp_path):
    """The economic table with the codes and names of most 款 rows lost (their amounts left on lines of
    their own): fewer than half of its amounts are in rows, so EX002 reports it, and the 类 whose 款
    were lost are not blamed (no AR006, no cross-table error)."""
    lines = OFFICE.read_text(encoding="utf-8").splitlines()
    start, end = _block(lines, "经济分类预算表")
    for i in range(start + 1, end):
        if re.match(r"^\s*30[123]\s+\d", lines[i]) and not re.match(r"^\s*30[123]\s+01\b", lines[i]):
            lines[i] = " ".join(re.findall(r"\d[\d,]*\.\d{2}", lines[i]))
    report = _audit(tmp_path, "\n".join(lines))
    ex = [f for f in report.findings if f.rule == "EX002"]
    assert [(f.location.table, f.severity) for f in ex] == [("gpb_basic_economic", "warning")]
    assert _errors(report) == []


@pytest.mark.parametrize("source", [WANLI, OFFICE])
def test_layout_text_stripped_of_its_indentation_raises_no_false_total_error(tmp_path, source):
    # the two-sided summaries tell their halves apart by indentation; without it a grand total's
    # amount goes unplaced: an extraction finding, never "收入总计 0.00 ≠ 支出总计" (AR020/AR021, XT006)
    text = source.read_text(encoding="utf-8")
    base = _audit(tmp_path, text, "base.txt")
    stripped = "".join(line.lstrip(" ") for line in text.splitlines(keepends=True))
    report = _audit(tmp_path, stripped)
    assert _errors(report) == _errors(base)
    unread = {f.location.table for f in report.findings if f.rule == "EX002"}
    assert unread >= {"fiscal_summary"} or unread >= {"fiscal_appropriation_summary"}


def test_a_sangong_cell_read_as_two_figures_is_an_extraction_finding(tmp_path):
    # amounts single-spaced inside a row whose other cells are parted by wide gaps: 合计 and 出国 read as
    # one cell "37.91 0"; the columns cannot be placed, so no SG001/SG002/XT004 from them
    text = WANLI.read_text(encoding="utf-8")
    row = "        37.91              0       1.35        36.56         15         21.56        464.64"
    assert text.count(row) == 1
    report = _audit(tmp_path, text.replace(row, "        37.91 0       1.35        36.56 15         21.56        464.64"))
    assert _errors(report) == _errors(_audit(tmp_path, text, "base.txt"))
    (unread,) = [f for f in report.findings if f.rule == "EX002" and f.location.table == "sangong"]
    assert "37.91 0" in unread.message

"""Stable finding fingerprints: baselines and waivers survive lines moving in the document."""

from __future__ import annotations

import json
import shutil

import pytest
from corpus import MINHANG, needs_corpus

from auditor.cli import run
from auditor.config import Config, Waiver
from auditor.engine import audit
from auditor.findings import Finding, Location, normalise_message


def test_fingerprint_ignores_line_page_and_positions_in_the_message():
    a = Finding(
        "AR001", "error", "212 合计 印 1.00 元 (line 12)", location=Location("gpb_function", "212", "total", 12, 3)
    )
    b = Finding(
        "AR001", "error", "212  合计 印 1.00 元 (line 13)", location=Location("gpb_function", "212", "total", 13, 4)
    )
    assert a.fingerprint() == b.fingerprint() and len(a.fingerprint()) == 16
    other_row = Finding("AR001", "error", a.message, location=Location("gpb_function", "213", "total", 12, 3))
    other_col = Finding("AR001", "error", a.message, location=Location("gpb_function", "212", "basic", 12, 3))
    other_msg = Finding("AR001", "error", "212 合计 印 2.00 元", location=a.location)
    assert len({a.fingerprint(), other_row.fingerprint(), other_col.fingerprint(), other_msg.fingerprint()}) == 4
    assert a.to_dict()["fingerprint"] == a.fingerprint()


def test_positions_are_taken_out_of_messages():
    assert normalise_message("第12行 与 第 3 页 line 42 p.7 l.3 不一致") == "与 不一致"
    assert normalise_message("预算编制说明中第5点") == "预算编制说明中第5点"


def _shifted(tmp_path):
    """The example with a blank line inserted at the top (every line number moves by one)."""
    original = tmp_path / "before" / MINHANG.name
    shifted = tmp_path / "after" / MINHANG.name
    original.parent.mkdir()
    shifted.parent.mkdir()
    shutil.copy(MINHANG, original)
    shifted.write_text("\n" + MINHANG.read_text(encoding="utf-8"), encoding="utf-8")
    return original, shifted


@needs_corpus
def test_baseline_written_before_a_blank_line_waives_every_finding_after(tmp_path, capsys):
    original, shifted = _shifted(tmp_path)
    baseline = tmp_path / "baseline.json"
    assert run(["audit", str(original), "--write-baseline", str(baseline), "--fail-on", "never", "-f", "json"]) == 0
    before = json.loads(capsys.readouterr().out)
    assert before["findings"], "the example has findings to baseline"
    assert run(["audit", str(shifted), "--baseline", str(baseline), "--fail-on", "info", "-f", "json"]) == 0
    after = json.loads(capsys.readouterr().out)
    assert after["findings"] == []
    # and the lines did move: without the baseline the same findings come back one line lower
    assert run(["audit", str(shifted), "--fail-on", "never", "-f", "json"]) == 0
    moved = json.loads(capsys.readouterr().out)["findings"]
    lines = sorted(f["location"]["line"] for f in before["findings"] if f["location"]["line"])
    assert sorted(f["location"]["line"] for f in moved if f["location"]["line"]) == [n + 1 for n in lines]


@needs_corpus
def test_waiver_by_fingerprint_survives_a_blank_line(tmp_path):
    original, shifted = _shifted(tmp_path)
    first = audit(original).findings[0]
    config = Config(waivers=[Waiver(rule=first.rule, justification="accepted", fingerprint=first.fingerprint())])
    after = audit(shifted, config).findings
    assert first.fingerprint() not in {f.fingerprint() for f in after}
    assert len(after) == len(audit(shifted).findings) - 1


@needs_corpus
def test_pdf_findings_carry_the_box_of_their_line_or_cell():
    from corpus import CORPUS

    report = audit(CORPUS / "putuo-wanli-street-2025-budget.pdf")
    located = [f for f in report.findings if f.location.page is not None and f.location.line is not None]
    assert located and all(f.location.bbox is not None for f in located)
    for f in located:
        left, bottom, right, top = f.location.bbox
        assert 0 <= left < right <= 1000 and 0 <= bottom < top <= 1000
    ar = next(f for f in report.findings if f.rule == "AR001" and f.location.column is not None)
    line = next(ln for ln in report.budget.document.lines if (ln.page, ln.line) == (ar.location.page, ar.location.line))
    # the cell printing the actual value, not the whole row
    assert line.bbox[0] < ar.location.bbox[0] and ar.location.bbox[2] - ar.location.bbox[0] < 120
    assert ar.to_dict()["location"]["bbox"] == [round(v, 1) for v in ar.location.bbox]
    assert all(f.location.bbox is None for f in audit(MINHANG).findings)


@needs_corpus
def test_sarif_region_carries_the_page_box():
    from corpus import CORPUS

    from auditor.report import render

    report = audit(CORPUS / "putuo-wanli-street-2025-budget.pdf")
    log = json.loads(render([report], "sarif"))
    results = log["runs"][0]["results"]
    regions = [r["locations"][0]["physicalLocation"].get("region", {}) for r in results]
    boxed = [f for f in report.findings if f.location.bbox is not None]
    with_box = [g for g in regions if "properties" in g]
    assert len(with_box) == len(boxed) > 0
    assert with_box[0]["properties"]["bbox"] == [round(v, 1) for v in boxed[0].location.bbox]
    assert all(r["partialFingerprints"]["budgetAuditorFingerprint/v2"] for r in results)


def _located_line(cells: tuple[str, ...]) -> tuple:
    from auditor.document import Document, Line

    xs = tuple((100.0 + 80 * i, 160.0 + 80 * i) for i in range(len(cells)))
    line = Line(text=" ".join(cells), line=7, page=3, cells=cells, cell_x=xs, bbox=(90.0, 500.0, 600.0, 512.0))
    return line, Document(path="x.pdf", lines=[line], kind="pdf", pages=3)


@pytest.mark.parametrize(
    ("column", "left"),
    [("total", 260.0), ("basic", 340.0), ("project", 420.0)],
)
def test_a_value_printed_twice_in_a_row_is_outlined_in_the_findings_column(column, left):
    from auditor.locate import finding_box

    line, document = _located_line(("2010301", "行政运行", "120.00", "120.00", "120.00"))
    f = Finding(
        rule="AR001", severity="error", message="m", actual="120.00",
        location=Location(table="gpb_function", row="2010301", column=column, line=7, page=3),
    )  # fmt: skip
    assert finding_box(f, document) == (left, 500.0, left + 60, 512.0)


def test_a_value_printed_twice_without_a_column_to_decide_outlines_the_line():
    from auditor.locate import finding_box

    line, document = _located_line(("2010301", "行政运行", "120.00", "120.00", "0.00"))
    unsure = Finding(rule="X", severity="error", message="m", actual="120.00", location=Location(line=7, page=3))
    assert finding_box(unsure, document) == line.bbox
    once = Finding(rule="X", severity="error", message="m", actual="0.00", location=Location(line=7, page=3))
    assert finding_box(once, document) == (420.0, 500.0, 480.0, 512.0)

"""CLI habits: -q / -qq, --exit-zero, --statistics, - for standard input, 80-column text, help."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from cli_helpers import cli

from auditor.cli import run
from auditor.report.base import display_width

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "minhang-police-2024-budget.txt"


@pytest.fixture(autouse=True)
def plain(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("COLUMNS", raising=False)


def test_quiet_prints_one_line_per_finding_and_qq_nothing(capsys):
    code, out, err = cli(capsys, "audit", EXAMPLE, "--select", "NV003", "-q")
    assert code == 1 and err == ""
    assert out.splitlines() == [
        f"{EXAMPLE}:293: NV003 error 绩效目标设置情况称 14 个预算单位编报绩效目标，但机构设置中本部门只有 1 家预算单位（第 35 行）"
    ]
    code, out, err = cli(capsys, "audit", EXAMPLE, "--select", "NV003", "-qq")
    assert code == 1 and out == "" and err == ""


def test_exit_zero_keeps_usage_errors(capsys):
    code, out, _ = cli(capsys, "audit", EXAMPLE, "--select", "NV003", "--exit-zero")
    assert code == 0 and "NV003" in out
    code, _, _ = cli(capsys, "audit", EXAMPLE, "--select", "NV03", "--exit-zero")
    assert code == 2


def test_statistics_counts_findings_per_rule(capsys):
    code, out, _ = cli(capsys, "audit", EXAMPLE, "--select", "NV003,NF001", "--statistics")
    lines = out.splitlines()
    assert code == 1 and lines[0].split() == ["count", "rule", "severity", "name"]
    assert [ln.split()[:3] for ln in lines[2:]] == [["4", "NF001", "warning"], ["1", "NV003", "error"]]
    code, _, err = cli(capsys, "audit", EXAMPLE, "--statistics", "-f", "json")
    assert code == 2 and "--statistics" in err


def test_dash_reads_the_document_from_stdin(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(EXAMPLE.read_bytes())))
    code, out, _ = cli(capsys, "audit", "-", "--select", "NV003", "-f", "json")
    data = json.loads(out)
    assert code == 1 and data["document"]["path"] == "-" and data["document"]["department"] == "上海市公安局闵行分局"
    assert [f["rule"] for f in data["findings"]] == ["NV003"]
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"")))
    code, _, err = cli(capsys, "audit", "-")
    assert code == 2 and err.strip() == "auditor: error: -: standard input is empty"


def test_text_fits_80_columns(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = cli(capsys, "audit", EXAMPLE, "-v")
    assert code == 1 and "NV003" in out and "预期: ≤ 1" in out and "实际: 14\n" in out
    assert max(display_width(ln) for ln in out.splitlines()) <= 80


def test_audit_help_shows_examples_and_exit_codes(capsys):
    with pytest.raises(SystemExit):
        run(["audit", "--help"])
    out = capsys.readouterr().out
    assert "examples:" in out and "cat x.txt | auditor audit -" in out
    assert "exit codes:" in out and "  2  bad input" in out and "  3  a rule or plugin crashed" in out

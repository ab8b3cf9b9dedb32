"""--format is inferred from --output's extension."""

from __future__ import annotations

import json

import pytest
from corpus import MINHANG, needs_corpus

from auditor.cli import run
from auditor.report import format_for_output


@pytest.mark.parametrize(
    "output, fmt",
    [
        (None, "text"),
        ("out.json", "json"),
        ("out.JSON", "json"),
        ("a/b.sarif", "sarif"),
        ("r.html", "html"),
        ("r.md", "markdown"),
        ("r.xml", "junit"),
        ("r.csv", "csv"),
        ("r.jsonl", "jsonl"),
        ("r.unknown", "text"),
    ],
)
def test_format_for_output(output, fmt):
    assert format_for_output(output) == fmt


@needs_corpus
def test_cli_infers_format_and_csv_has_a_bom(tmp_path):
    out = tmp_path / "findings.json"
    assert run(["audit", str(MINHANG), "--output", str(out), "--fail-on", "never"]) == 0
    assert "findings" in json.loads(out.read_text(encoding="utf-8"))
    csv = tmp_path / "findings.csv"
    assert run(["audit", str(MINHANG), "--output", str(csv), "--fail-on", "never"]) == 0
    assert csv.read_bytes()[:3] == b"\xef\xbb\xbf"

"""Ctrl-C during a batch: a report of the documents that finished, exit code 130, no worker left."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from auditor.cli import main
from auditor.errors import EXIT_INTERRUPTED

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "minhang-police-2024-budget.txt"

PLUGIN = """
import os, signal, time

import auditor


@auditor.rule("ZZ060", name="interrupts", title="t", severity="info", tags=["editorial"], reference="r")
def interrupts(budget, ctx):
    if "doc3" in str(budget.meta.source):
        {action}
    return []


@auditor.hookimpl
def auditor_register_rules():
    return [interrupts]
"""


def _corpus(tmp_path: Path, action: str) -> tuple[Path, Path]:
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(1, 6):
        shutil.copy(EXAMPLE, docs / f"doc{i}.txt")
    plugin = tmp_path / "interrupting.py"
    plugin.write_text(PLUGIN.replace("{action}", action), encoding="utf-8")
    return docs, plugin


def _names(report: Path) -> list[str]:
    data = json.loads(report.read_text(encoding="utf-8"))
    return [Path(r["document"]["path"]).name for r in data.get("documents", [data])]


def test_ctrl_c_in_process_reports_the_documents_finished(tmp_path, capsys):
    docs, plugin = _corpus(tmp_path, "raise KeyboardInterrupt")
    out = tmp_path / "report.json"
    argv = ["audit", str(docs), "--plugin", str(plugin), "--jobs", "1", "--format", "json", "--output", str(out)]
    assert main(argv) == EXIT_INTERRUPTED == 130
    assert _names(out) == ["doc1.txt", "doc2.txt"]
    assert "interrupted: the report covers the 2 of 5 documents finished" in capsys.readouterr().err


def test_ctrl_c_in_a_parallel_batch_stops_the_workers_and_reports_what_finished(tmp_path):
    # the worker auditing doc3 sends Ctrl-C to the CLI process (workers themselves ignore it), then sleeps
    docs, plugin = _corpus(tmp_path, "os.kill(os.getppid(), signal.SIGINT)\n        time.sleep(60)")
    out = tmp_path / "report.json"
    cli = "import sys; from auditor.cli import main; main()"
    cmd = [sys.executable, "-c", cli, "audit", str(docs), "--plugin", str(plugin), "--jobs", "2"]
    start = time.monotonic()
    proc = subprocess.run(
        [*cmd, "--format", "json", "--output", str(out), "--rule-timeout", "120"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    assert proc.returncode == 130, proc.stderr
    assert time.monotonic() - start < 50  # the sleeping worker was ended, not waited for
    names = _names(out)
    assert names and "doc3.txt" not in names and names == sorted(names)
    assert f"the report covers the {len(names)} of 5 documents finished" in proc.stderr
    assert "Traceback" not in proc.stderr


NESTED_SWALLOW = """while True:
            try:
                while True:
                    try:
                        time.sleep(0.2)
                    except BaseException:
                        pass
            except BaseException:
                pass"""


def test_a_document_that_never_ends_without_using_cpu_is_stopped_in_a_parallel_batch(tmp_path):
    # a rule sleeping in nested handlers that swallow every time-out (and the trace that follows it)
    # uses no CPU, so no CPU budget ends it: the batch's wall-clock watch ends its worker instead
    docs, plugin = _corpus(tmp_path, NESTED_SWALLOW)
    out = tmp_path / "report.json"
    argv = ["audit", str(docs), "--plugin", str(plugin), "--jobs", "2", "--format", "json", "--output", str(out)]
    start = time.monotonic()
    code = main([*argv, "--document-timeout", "1", "--rule-timeout", "0.5", "--fail-on", "never"])
    assert time.monotonic() - start < 60
    assert code == 3  # the stopped document is an internal error of the run
    data = json.loads(out.read_text(encoding="utf-8"))
    by_name = {Path(r["document"]["path"]).name: r for r in data["documents"]}
    assert sorted(by_name) == [f"doc{i}.txt" for i in range(1, 6)]
    stopped = by_name.pop("doc3.txt")
    assert "still running after 7 s of wall-clock time" in stopped["error"]
    assert [f["rule"] for f in stopped["findings"]] == ["WORKER"]
    assert all(not r.get("error") and r["findings"] for r in by_name.values())


OUTSIDE_THE_BUDGET = """from auditor.loaders.ocr_budget import outside_document_budget

        with outside_document_budget():  # as a page is recognised: minutes for a long scan
            time.sleep(9)"""


def test_time_spent_recognising_pages_is_not_taken_for_a_hang_in_a_parallel_batch(tmp_path):
    # pages recognised in the worker are outside the document's CPU budget, and so outside the
    # wall-clock watch (2 × 1 s + 5 s here): doc3 spends 9 s there and is audited, not ended
    docs, plugin = _corpus(tmp_path, OUTSIDE_THE_BUDGET)
    out = tmp_path / "report.json"
    argv = ["audit", str(docs), "--plugin", str(plugin), "--jobs", "2", "--format", "json", "--output", str(out)]
    code = main([*argv, "--document-timeout", "1", "--rule-timeout", "60", "--fail-on", "never"])
    assert code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [Path(r["document"]["path"]).name for r in data["documents"]] == [f"doc{i}.txt" for i in range(1, 6)]
    assert all(not r.get("error") and r["findings"] for r in data["documents"])

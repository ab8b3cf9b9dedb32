"""Shared helpers for the command-line tests: run `auditor` in-process; the rows of a small disclosure."""

from __future__ import annotations

from pathlib import Path

from auditor.cli import run

DATA = Path(__file__).parent / "data"
PACK = DATA / "rules" / "pack"
ROWS = {
    "gpb_function": [
        {"code": None, "name": "合计", "total": "16.00", "basic": "7.00", "project": "9.00", "line": 2},
        {"code": "204", "name": "公共安全支出", "total": "11.00", "basic": "6.00", "project": "4.00", "line": 3},
        {"code": "205", "name": "教育支出", "total": "5.00", "basic": "1.00", "project": "4.00", "line": 4},
    ]
}


def cli(capsys, *argv):
    """Run `auditor ARGV...` in-process: (exit code, stdout, stderr)."""
    code = run([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err

"""The example script of the README runs and prints what it promises."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_example_script_runs():
    out = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "audit_example.py")], capture_output=True, text=True, check=True
    ).stdout
    assert "上海市公安局闵行分局 2024 部门预算" in out
    assert "一般公共预算支出合计 2,082,935,857.58 元" in out
    assert "“三公”经费 3,205.96万元" in out
    assert "NV003" in out

"""No module of the library grows past what one reader holds in mind: 600 lines."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 600


def test_no_library_module_over_600_lines() -> None:
    long = {
        p.relative_to(ROOT).as_posix(): n
        for p in sorted((ROOT / "auditor").rglob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert long == {}

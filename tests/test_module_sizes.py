"""No module of the library, nor any built-in rule plugin, grows past what one reader holds in mind: 600 lines."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 600


def _over_limit(folder: str) -> dict[str, int]:
    return {
        p.relative_to(ROOT).as_posix(): n
        for p in sorted((ROOT / folder).rglob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > LIMIT
    }


def test_no_library_module_over_600_lines() -> None:
    assert _over_limit("auditor") == {}


def test_no_rule_plugin_over_600_lines() -> None:
    assert list((ROOT / "plugins" / "builtin").glob("*.py")), "the built-in rule plugins moved: update this test"
    assert _over_limit("plugins") == {}

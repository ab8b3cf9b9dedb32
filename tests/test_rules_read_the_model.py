"""Rules read the model (Budget.paragraphs(), sections, auditor.text/numbering), never the parser."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at module level or inside functions (relative ones resolved)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            out.add(base)
            out.update(f"{base}.{a.name}" for a in node.names)
    return out


def test_builtin_rules_never_import_the_parser():
    offenders = {
        p.name: sorted(m for m in _imports(p) if m == "auditor.parse" or m.startswith("auditor.parse."))
        for p in sorted((ROOT / "plugins" / "builtin").glob("*.py"))
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_prose_and_sections_do_not_import_each_other():
    prose = _imports(ROOT / "auditor" / "parse" / "prose.py")
    assert not any(m.startswith("auditor.parse.sections") for m in prose)
    assert not any(m.startswith("auditor.parse.prose") for m in _imports(ROOT / "auditor" / "text.py"))
    assert not any(m.startswith("auditor.parse") for m in _imports(ROOT / "auditor" / "numbering.py"))

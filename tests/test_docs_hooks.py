"""docs/hooks.md lists every hook of hookspecs.py, with its signature and one-line docstring."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from auditor import hookspecs
from auditor.plugins import hook_docs, hook_names

DOC = Path(__file__).resolve().parent.parent / "docs" / "hooks.md"


def documented() -> dict[str, str]:
    """heading name -> heading signature text, from `## name(args)` headings."""
    return {
        m.group(1): m.group(0)[3:]
        for m in re.finditer(r"^## (auditor_\w+)\((.*)\)$", DOC.read_text(encoding="utf-8"), re.M)
    }


def test_every_hook_is_documented_and_nothing_else():
    assert set(documented()) == set(hook_names())


def test_signatures_match():
    heads = documented()
    for name in hook_names():
        args = ", ".join(inspect.signature(getattr(hookspecs, name)).parameters)
        assert heads[name] == f"{name}({args})", f"docs/hooks.md heading of {name} does not match its hookspec"


def test_docstrings_appear_verbatim_under_their_heading():
    text = DOC.read_text(encoding="utf-8")
    for name, doc in hook_docs().items():
        section = text.split(f"## {name}(", 1)[1].split("\n## ", 1)[0]
        assert doc and doc in section, f"docs/hooks.md: the docstring of {name} is missing or changed: {doc!r}"


def test_hook_docstrings_are_one_line():
    for name in hook_names():
        doc = getattr(hookspecs, name).__doc__.strip()
        assert "\n" not in doc, f"{name} docstring must be one line"

"""Where the built-in rule pack and rule plugins live, and what the disclosure rules require.

A leaf beside the model: the parser reads ``required_sections`` from here (the built-in plugin,
which registers loaders that import the parser, re-exports these names).
"""

from __future__ import annotations

import functools
from pathlib import Path

#: ``rules/`` and ``plugins/builtin/`` live at the top of the repository; ``auditor/_bundled``
#: links to them so that a wheel carries them (setuptools copies the linked files) and a source
#: checkout reads them in place (resolving the links gives the repository paths).
BUNDLE = Path(__file__).resolve().parent / "_bundled"


def rules_dir() -> Path:
    """The built-in YAML rule pack."""
    return (BUNDLE / "rules").resolve()


def plugins_dir() -> Path:
    """The directory of the built-in rule plugins."""
    return (BUNDLE / "plugins").resolve()


def plugin_files() -> list[Path]:
    """The built-in rule plugin files ``plugins/builtin/*.py`` (registered like ``--plugin FILE.py``)."""
    d = plugins_dir()
    if not d.is_dir():
        return []
    return sorted(p for p in d.glob("*.py") if not p.name.startswith("_"))


def required_sections(kind: str | None) -> list[str]:
    """The sections a document of this kind must have, in rule order.

    The disclosure rules own the list: it is the ``require: sections`` of the built-in YAML rules
    (DS002, DS003, ...) that apply to the kind (``when:`` evaluated for a document of that kind).
    ``auditor parse`` reports ``meta.missing_sections`` from it, so it and the rules always agree.
    """
    return [key for key, _ in _required_sections(kind)]


def required_section_labels(kind: str | None) -> dict[str, str]:
    """The required sections of this kind, each with the label its rule prints (``fa_n1``: ``一、…说明``)."""
    return dict(_required_sections(kind))


@functools.lru_cache(maxsize=16)
def _required_sections(kind: str | None) -> tuple[tuple[str, str], ...]:
    from .errors import RuleError
    from .expr import Env, ExprError, compile_expr
    from .model import Budget, Meta
    from .yamlrules import load_pack

    d = rules_dir()
    if not d.is_dir():
        return ()
    probe = Budget(meta=Meta(kind=kind), frames={})
    out: dict[str, str] = {}
    for r in load_pack(d):
        sections = ((r.spec or {}).get("require") or {}).get("sections") if isinstance(r.spec, dict) else None
        if not sections:
            continue
        applies = getattr(r, "applies_to", None)
        if applies is not None and not applies(kind):
            continue
        when = r.spec.get("when")
        if when is not None:
            try:
                if not compile_expr(when).evaluate(Env(params=dict(r.params), budget=probe)):
                    continue
            except (RuleError, ExprError, TypeError, ValueError):
                pass  # a condition on the document's content: the sections stay required
        for key in sections:
            label = sections[key] if isinstance(sections, dict) else key
            out.setdefault(key, str(label))
    return tuple(out.items())

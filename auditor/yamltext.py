"""Reading YAML the one way the project does: PyYAML's safe loader, libyaml's when PyYAML was built
with it (several times faster than the pure-Python one, the same data)."""

from __future__ import annotations

from typing import Any

import yaml

#: libyaml's safe loader when available, else the pure-Python one.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """The data of a YAML document (safe: plain scalars, lists and mappings only)."""
    return yaml.load(text, Loader=LOADER)  # noqa: S506 - a safe loader

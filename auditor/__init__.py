"""budget-auditor: audit Chinese department budget disclosures (部门预算公开).

Load a disclosure into pandera-validated frames, run YAML and Python rules, report findings.
``load``, ``audit`` and ``render`` use the default engine (``default_engine()``: the built-in and
installed plugins, resolved once per process); an ``Engine(config)`` does the same for a Config.
The public names are imported lazily, so `import auditor` (e.g. by the pytest plugin, or a
plugin module reading `auditor.hookimpl`) does not pay for pandas until something needs it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .hookspecs import hookimpl

__version__ = "0.1.0"

#: public name -> the module that defines it
_LAZY = {
    "audit": ".engine",
    "Engine": ".engine",
    "default_engine": ".engine",
    "render": ".engine",
    "Finding": ".findings",
    "Location": ".findings",
    "Report": ".findings",
    "load": ".engine",
    "Budget": ".model",
    "Meta": ".model",
    "TableInfo": ".model",
    "Rule": ".rules",
    "rule": ".rules",
}

__all__ = [*sorted(_LAZY), "hookimpl", "__version__"]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs
    from .engine import Engine, audit, default_engine, load, render
    from .findings import Finding, Location, Report
    from .model import Budget, Meta, TableInfo
    from .rules import Rule, rule


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'auditor' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])

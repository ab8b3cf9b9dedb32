"""budget-auditor: audit Chinese department budget disclosures (部门预算公开).

Load a disclosure into pandera-validated frames, run YAML and Python rules, report findings.
"""

from __future__ import annotations

from .engine import audit
from .findings import Finding, Location, Report
from .hookspecs import hookimpl
from .loaders import load
from .model import Budget, Meta, TableInfo
from .rules import Rule, rule

__version__ = "0.1.0"

__all__ = [
    "Budget",
    "Finding",
    "Location",
    "Meta",
    "Report",
    "Rule",
    "TableInfo",
    "audit",
    "hookimpl",
    "load",
    "rule",
    "__version__",
]

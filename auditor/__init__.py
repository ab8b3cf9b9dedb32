"""budget-auditor: audit Chinese department budget disclosures (部门预算公开).

Load a disclosure into pandera-validated frames, run YAML and Python rules, report findings.
"""

from __future__ import annotations

from .loaders import load
from .model import Budget, Meta, TableInfo

__version__ = "0.1.0"

__all__ = ["Budget", "Meta", "TableInfo", "load", "__version__"]

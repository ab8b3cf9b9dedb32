"""JSON and JSON Lines reports.

- ``json``, one document: exactly ``Report.to_dict()`` —
  ``{"document": {...}, "findings": [...], "summary": {"error", "warning", "info"}}``
  (the shape documented in docs/data-model.md for ``auditor audit FILE --format json``).
- ``json``, several documents: ``{"documents": [Report.to_dict(), ...],
  "summary": {"documents": n, "error": n, "warning": n, "info": n}}``.
- ``jsonl``: one ``Report.to_dict()`` per line, one line per document (corpus runs).

Output is deterministic: fields keep the order of ``to_dict`` (never re-sorted), findings keep
the order of the report, non-ASCII text is written as is (UTF-8), and the text ends with a newline.
"""

from __future__ import annotations

import json
from typing import Any

from ..findings import SEVERITIES
from .base import ReportOptions, as_list


def _dumps(obj: Any, indent: int | None) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=indent, sort_keys=False)


def to_data(reports: Any) -> dict[str, Any]:
    """The JSON document for one report (its dict) or several (documents + summary)."""
    reports = as_list(reports)
    if len(reports) == 1:
        return reports[0].to_dict()
    summary: dict[str, int] = {"documents": len(reports)}
    summary.update({s: 0 for s in SEVERITIES})
    for r in reports:
        for sev, n in r.summary.items():
            summary[sev] = summary.get(sev, 0) + n
    return {"documents": [r.to_dict() for r in reports], "summary": summary}


def render(reports: Any, options: ReportOptions | None = None) -> str:
    """``--format json``."""
    return _dumps(to_data(reports), indent=2) + "\n"


def render_lines(reports: Any, options: ReportOptions | None = None) -> str:
    """``--format jsonl``: one compact line per document."""
    return "".join(_dumps(r.to_dict(), indent=None) + "\n" for r in as_list(reports))

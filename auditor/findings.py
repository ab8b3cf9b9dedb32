"""Findings and reports: the shape every rule produces and every reporter consumes."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from . import lazyre
from .tags import BUILTIN_TAGS
from .values import plain

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}

#: The built-in tags in report order (their meanings: auditor.tags; rules may add their own).
TAGS = tuple(BUILTIN_TAGS)


#: Source positions quoted inside a message ("line 42", "第12行", "p.3", "第3页"): left out of fingerprints.
_POSITIONS = lazyre.compile(r"(?:\blines?\s*\d+|\bl\.\s*\d+|\bp\.\s*\d+|\bpage\s+\d+|第\s*\d+\s*[行页])", re.IGNORECASE)


def normalise_message(message: str) -> str:
    """A message as fingerprints see it: positions removed, whitespace collapsed."""
    return " ".join(_POSITIONS.sub("", message or "").split())


@dataclass(frozen=True)
class Location:
    """Where a finding points: a table cell and/or a source line or page."""

    table: str | None = None
    row: str | int | None = None  # a code, an item name, a project name, or a row index
    column: str | None = None
    line: int | None = None
    page: int | None = None
    #: (left, bottom, right, top) of the line or cell on its PDF page, in PDF points (origin at the
    #: page's bottom left); None when the source has no geometry (text files) or it is unknown.
    bbox: tuple[float, float, float, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "line": self.line,
            "page": self.page,
        }
        if self.bbox is not None:
            out["bbox"] = [round(float(v), 1) for v in self.bbox]
        return out

    def key(self) -> str:
        """A stable text form used by waivers and baselines (`table/row/column@page:line`)."""
        parts = "/".join("" if v is None else str(v) for v in (self.table, self.row, self.column))
        return f"{parts}@{self.page or ''}:{self.line or ''}"


def _plain(value: Any) -> Any:
    """JSON-safe form of an expected/actual value (ints stay ints, everything else text)."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    value = plain(value)
    return value if value is None or isinstance(value, (bool, int, str, float)) else str(value)


@dataclass
class Finding:
    """One problem found in one document.

    `expected` and `actual` are display strings (money as 元 with two decimals, or as printed)
    so that JSON output is exact and stable.
    """

    rule: str
    severity: str
    message: str
    tags: list[str] = field(default_factory=list)
    location: Location = field(default_factory=Location)
    expected: Any = None
    actual: Any = None
    reference: str | None = None
    name: str | None = None  # the rule's name (kebab-case)
    document: str | None = None  # the source path
    note: str | None = None  # e.g. "likely OCR misreading: ..." or a waiver justification
    fingerprint_extra: str = ""
    #: structured support for the finding, e.g. the identities a misprinted cell breaks:
    #: ``[{"kind", "table", "row", "column", "identity", "parts": [{table,row,column,printed}], "sum",
    #: "printed", "difference"}]`` (money as 元 strings); empty for most rules
    evidence: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "rule": self.rule,
            "severity": self.severity,
            "tags": list(self.tags),
            "message": self.message,
            "location": self.location.to_dict(),
            "expected": _plain(self.expected),
            "actual": _plain(self.actual),
            "reference": self.reference,
            "fingerprint": self.fingerprint(),
        }
        if self.name:
            out["name"] = self.name
        if self.note:
            out["note"] = self.note
        if self.evidence:
            out["evidence"] = _plain(self.evidence)
        return out

    def fingerprint(self) -> str:
        """A stable identity for baselines and waivers: 16 hex digits.

        Made of the rule, the document's file name, the table, row and column, and the message
        normalised (whitespace collapsed, line and page numbers taken out), never the line or
        page a finding sits on: a blank line inserted at the top of a document, which moves every
        line, leaves every fingerprint as it was.
        """
        loc = self.location
        doc = self.document.replace("\\", "/").rsplit("/", 1)[-1] if self.document else ""
        parts = [self.rule, doc, *("" if v is None else str(v) for v in (loc.table, loc.row, loc.column))]
        parts += [normalise_message(self.message), self.fingerprint_extra]
        return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]

    def legacy_fingerprint(self) -> str:
        """The fingerprint of baselines written before 0.2 (rule, location with its line, actual value)."""
        return f"{self.rule}|{self.location.key()}|{_plain(self.actual)}|{self.fingerprint_extra}"

    def sort_key(self) -> tuple:
        loc = self.location
        return (
            -SEVERITY_RANK.get(self.severity, 0),
            loc.page or 0,
            loc.line or 0,
            self.rule,
            str(loc.table or ""),
            str(loc.row or ""),
            str(loc.column or ""),
            self.message,
        )


FINDING_FRAME_COLUMNS = [
    "document",
    "rule",
    "name",
    "severity",
    "tags",
    "message",
    "table",
    "row",
    "column",
    "line",
    "page",
    "expected",
    "actual",
    "reference",
    "note",
]


@dataclass
class Report:
    """The result of auditing one document."""

    document: dict[str, Any]  # path, department, year, kind, source (text/pdf/workbook)
    findings: list[Finding] = field(default_factory=list)
    budget: Any = None  # the Budget, when kept (HTML key figures, excerpts)
    rules: list[Any] = field(default_factory=list)  # metadata of the rules that ran
    error: str | None = None  # set when the document could not be loaded (batch runs)
    previous: Any = None  # last year's Budget when --previous was given

    @property
    def summary(self) -> dict[str, int]:
        counts = {s: 0 for s in SEVERITIES}
        for f in self.findings:
            counts[f.severity] = counts.get(f.severity, 0) + 1
        return counts

    @property
    def crashed(self) -> bool:
        """True when a rule or plugin crashed while auditing this document."""
        return any("internal" in f.tags for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "document": dict(self.document),
            "findings": [f.to_dict() for f in self.findings],
            "summary": self.summary,
        }
        if self.error:
            out["error"] = self.error
        return out

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent, sort_keys=False)

    def to_frame(self) -> pd.DataFrame:
        """Findings as a long frame, one row per finding."""
        rows = []
        for f in self.findings:
            loc = f.location
            rows.append(
                {
                    "document": self.document.get("path"),
                    "rule": f.rule,
                    "name": f.name,
                    "severity": f.severity,
                    "tags": ",".join(f.tags),
                    "message": f.message,
                    "table": loc.table,
                    "row": None if loc.row is None else str(loc.row),
                    "column": loc.column,
                    "line": loc.line,
                    "page": loc.page,
                    "expected": None if f.expected is None else str(_plain(f.expected)),
                    "actual": None if f.actual is None else str(_plain(f.actual)),
                    "reference": f.reference,
                    "note": f.note,
                }
            )
        df = pd.DataFrame(rows, columns=FINDING_FRAME_COLUMNS)
        df["line"] = pd.array(df["line"].tolist(), dtype="Int64")
        df["page"] = pd.array(df["page"].tolist(), dtype="Int64")
        return df

"""The root cause of findings on the page: the identities a finding breaks, and findings of one cause.

A finding may carry ``evidence``: the identities its figure breaks, each::

    {"kind": "hierarchy", "table": "income_summary", "row": "212", "column": "total",
     "identity": "212 合计 = Σ(21201, 21203, 21205, 21299)",
     "parts": [{"table", "row", "column", "printed": "94995790.00"}, ...],
     "sum": "154369327.00", "printed": "154369326.00", "difference": "-1.00"}

(amounts as 元 strings like ``expected``/``actual``). The HTML report shows each as a small table:
the rows that should add up, their sum, the printed figure and the difference.

Findings share a cause when they report the same wrong figure of the same row (the same printed
amount against the same expected one: a misprinted 款 is reported in every table that prints it),
or when their evidence names the same ``cause``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..findings import Finding, Location
from ..labels import column_label
from .present import Presenter, parse_amount


@dataclass
class Identity:
    """One identity as a small table: its caption and (kind, label, amount) rows."""

    caption: str
    rows: list[tuple[str, str, str]]


def _identities(finding: Finding) -> list[dict[str, Any]]:
    ev = finding.evidence
    if isinstance(ev, dict):
        ev = [ev]
    return [e for e in (ev or []) if isinstance(e, dict) and (e.get("parts") or e.get("terms"))]


def _part_label(part: dict[str, Any], identity: dict[str, Any], present: Presenter) -> str:
    if part.get("label"):
        return str(part["label"])
    loc = Location(table=part.get("table") or identity.get("table"), row=part.get("row"))
    row = present.row(loc) if part.get("row") is not None else None
    col = part.get("column")
    label = column_label(loc.table, col) if col else None
    same_column = col == identity.get("column")
    return " · ".join(x for x in (row, None if same_column and row else label) if x) or str(label or "")


def evidence_tables(finding: Finding, present: Presenter) -> list[Identity]:
    """The identities a finding breaks, ready to show ([] when it carries none)."""
    _ = present._
    out = []
    for ident in _identities(finding):
        rows: list[tuple[str, str, str]] = []
        for part in ident.get("parts") or ident.get("terms") or []:
            if isinstance(part, dict):
                value = part.get("printed", part.get("value"))
                rows.append(("term", _part_label(part, ident, present), present.amount(value, finding)))
        for key, label in (("sum", _("Sum")), ("printed", _("Printed")), ("difference", _("Difference"))):
            if ident.get(key) is not None:
                rows.append((key, label, present.amount(ident[key], finding, sign=key == "difference")))
        out.append(Identity(str(ident.get("identity") or ""), rows))
    return out


@dataclass
class Cause:
    """Indexes (into the ordered findings) of the findings of one cause."""

    key: tuple
    members: list[int] = field(default_factory=list)
    sample: Finding | None = None

    def label(self, present: Presenter) -> str:
        f = self.sample
        assert f is not None
        _ = present._
        row = present.row(f.location) or ""
        diff = present.difference(f)
        text = _("%(n)s findings of one cause", n=len(self.members))
        if row:
            text += f" · {row}"
        if diff:
            text += " · " + _(
                "printed %(actual)s, expected %(expected)s",
                actual=present.amount(f.actual, f),
                expected=present.amount(f.expected, f),
            )
        return text


def cause_key(f: Finding, n: int) -> tuple:
    ev = f.evidence if isinstance(f.evidence, dict) else {}
    if ev.get("cause"):  # a rule that knows the cause names it
        return ("cause", str(ev["cause"]))
    exp, act = parse_amount(f.expected), parse_amount(f.actual)
    if f.location.row is not None and exp is not None and act is not None and exp != act:
        return ("figure", str(f.location.row), exp, act)
    return ("single", n)


def causes(findings: list[Finding]) -> list[Cause]:
    """Findings grouped by cause, each group where its first member is (order otherwise kept)."""
    groups: dict[tuple, Cause] = {}
    for i, f in enumerate(findings):
        key = cause_key(f, i)
        group = groups.setdefault(key, Cause(key, sample=f))
        group.members.append(i)
    return list(groups.values())


def group_of(findings: list[Finding]) -> dict[int, Any]:
    """Finding index -> its cause key (for tests and other reporters)."""
    return {i: c.key for c in causes(findings) for i in c.members}

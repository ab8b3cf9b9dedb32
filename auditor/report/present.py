"""How a finding reads in a report: its location in words, its amounts in the document's unit.

``Presenter(report, lang)`` turns a Location into “第12页 第17行 · 收入预算总表 · 212 城乡社区支出 ·
财政拨款” (or ``p.12 l.17 · …`` in English), an expected/actual amount (元 with two decimals in
the findings) into the unit the table prints with thousands separators (``15,436.93 万元``), and
states the difference. Without the Budget (lean report formats) it says what the findings alone
tell: codes without names, amounts in 元.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from .. import lazyre
from ..findings import Finding, Location, Report
from ..i18n import gettext_for, normalise_lang
from ..labels import column_label, table_title
from .base import cell_text, family_counts, severity_counts, summary_text, where_text

_NUMBER = lazyre.compile(r"^[+\-−]?\d+(?:\.\d+)?$")
_WAN = Decimal(10000)


def parse_amount(value: Any) -> Decimal | None:
    """A finding's expected/actual as Decimal 元 when it is a bare amount (``"154369327.00"``, ``"+2500.00"``)."""
    if value is None or isinstance(value, (bool, list, tuple, dict)):
        return None
    text = str(value).strip().replace(",", "")
    if not _NUMBER.match(text):
        return None
    try:
        return Decimal(text.replace("−", "-"))
    except InvalidOperation:
        return None


def grouped(amount: Decimal, places: int = 2, sign: bool = False) -> str:
    """``1234567.5`` -> ``1,234,567.50`` (``+`` for positive amounts when ``sign``)."""
    q = amount.quantize(Decimal(1).scaleb(-places))
    text = f"{abs(q):,.{places}f}"
    if q < 0:
        return "−" + text
    return ("+" + text) if sign and q > 0 else text


class Presenter:
    """Labels, locations and amounts of one report's findings in one language."""

    def __init__(self, report: Report | None, lang: str | None = None) -> None:
        self.lang = normalise_lang(lang)
        self._ = gettext_for(self.lang)
        self.report = report
        self.budget = getattr(report, "budget", None)
        self.meta = getattr(self.budget, "meta", None)
        self._names: dict[str, dict[str, str]] = {}

    # -- locations -------------------------------------------------------------------------

    def where(self, loc: Location) -> str:
        """The page and line: ``第12页 第17行`` / ``p.12 l.17``; empty when unknown."""
        if self.lang != "zh":
            return where_text(loc)
        parts = []
        if loc.page is not None:
            parts.append(self._("page %(n)s", n=loc.page))
        if loc.line is not None:
            parts.append(self._("line %(n)s", n=loc.line))
        return " ".join(parts)

    def where_short(self, page: int | None, line: int | None) -> str:
        """A source line's position in an excerpt's margin (``p.12 l.17`` / ``17``)."""
        return f"p.{page} l.{line}" if page is not None else str(line)

    def table(self, key: str | None) -> str | None:
        return table_title(key, self.meta)

    def row(self, loc: Location) -> str | None:
        """A coded row with its name (``212 城乡社区支出``); facts' internal keys are not shown."""
        if loc.row is None or loc.table == "facts":
            return None
        row = str(loc.row)
        name = self._row_names(loc.table).get(row)
        return f"{row} {name}" if name and name != row else row

    def _row_names(self, table: str | None) -> dict[str, str]:
        key = str(table or "")
        if key not in self._names:
            names: dict[str, str] = {}
            frames = getattr(self.budget, "frames", None) or {}
            df = frames.get(key)
            if df is not None and "code" in df.columns and "name" in df.columns:
                for code, name in zip(df["code"].tolist(), df["name"].tolist()):
                    if isinstance(code, str) and isinstance(name, str) and code not in names:
                        names[code] = re.sub(r"\s+", "", name)
            self._names[key] = names
        return self._names[key]

    def column(self, loc: Location) -> str | None:
        return column_label(loc.table, loc.column)

    def cell(self, loc: Location) -> str:
        """``收入预算总表 · 212 城乡社区支出 · 财政拨款`` (the parts that are known; in English the
        model's ``table / row / column``, as machine formats name them)."""
        if self.lang != "zh":
            return cell_text(loc)
        parts = [self.table(loc.table), self.row(loc), self.column(loc)]
        return " · ".join(p for p in parts if p)

    def location(self, loc: Location) -> str:
        """Position, then cell: ``第12页 第17行 · 收入预算总表 · 212 城乡社区支出 · 财政拨款``."""
        return " · ".join(p for p in (self.where(loc), self.cell(loc)) if p)

    # -- amounts ---------------------------------------------------------------------------

    def unit(self, finding: Finding) -> str | None:
        """The unit the document prints the finding's figures in: its table's unit, 万元 for prose
        amounts in whole 百元 (prose quotes 万元), None for other prose values (counts, readings), else 元."""
        table = finding.location.table
        tables = getattr(self.meta, "tables", None) or {}
        info = tables.get(table) if table else None
        unit = getattr(info, "unit", None)
        if unit in ("元", "万元"):
            return unit
        if table == "facts":
            values = [parse_amount(v) for v in (finding.expected, finding.actual)]
            if any(v is not None for v in values) and all(v is None or v % 100 == 0 for v in values):
                return "万元"
            return None
        return "元"

    def amount(self, value: Any, finding: Finding, sign: bool = False) -> str:
        """An expected/actual value as the document would print it; other values as they are."""
        yuan = parse_amount(value)
        if yuan is None:
            if value is None:
                return ""
            if isinstance(value, (list, tuple)):
                return ", ".join(str(v) for v in value)
            return str(value)
        unit = self.unit(finding)
        if unit is None:  # a prose figure of unknown unit (a count, a reading of a misprint): as printed
            return str(value)
        signed = sign or str(value).strip().startswith("+")
        shown = yuan / _WAN if unit == "万元" else yuan
        return f"{grouped(shown, 2, signed)} {self._(unit)}"

    def difference(self, finding: Finding) -> str | None:
        """``actual − expected`` in the document's unit, when both are amounts and differ."""
        exp, act = parse_amount(finding.expected), parse_amount(finding.actual)
        if exp is None or act is None or exp == act:
            return None
        diff = act - exp
        unit = self.unit(finding)
        if unit is None:
            return None
        shown = diff / _WAN if unit == "万元" else diff
        places = 2 if unit == "元" or shown == shown.quantize(Decimal("0.01")) else 4
        return f"{grouped(shown, places, True)} {self._(unit)}"


def summary_line(findings: list[Finding], lang: str | None, documents: int | None = None) -> str:
    """``错误 3 条，警告 1 条，提示 0 条 — 表内运算 2`` (English: ``3 errors, 1 warning, 0 info — arithmetic 2``)."""
    if normalise_lang(lang) != "zh":
        return summary_text(findings, documents)
    _ = gettext_for(lang)
    sev = severity_counts(findings)
    head = _("%(error)s errors, %(warning)s warnings, %(info)s info", **sev)
    if documents is not None:
        head = _("%(n)s documents", n=documents) + _(": ") + head
    fams = family_counts(findings)
    if fams:
        head += " — " + ", ".join(f"{_(k)} {n}" for k, n in fams.items())
    return head

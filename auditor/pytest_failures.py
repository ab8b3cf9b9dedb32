"""How the pytest plugin's items fail: a findings table and a one-line summary, never a traceback."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

HEADERS = ["severity", "location", "message", "expected", "actual"]


@dataclass
class CrashLine:
    """What pytest shows on the short summary line (``FAILED id - message``) and with ``--tb=line``."""

    path: str
    lineno: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.lineno}: {self.message}" if self.lineno else f"{self.path}: {self.message}"

    def toterminal(self, tw: Any) -> None:
        tw.line(str(self))


class FailureText:
    """A failure shown as plain text, with a one-line crash summary."""

    def __init__(self, text: str, crash: CrashLine) -> None:
        self.text = text
        self.reprcrash = crash

    def __str__(self) -> str:
        return self.text

    def toterminal(self, tw: Any) -> None:
        for line in self.text.splitlines():
            tw.line(line)


class AuditFailed(Exception):
    def __init__(self, text: str, crash: CrashLine) -> None:
        super().__init__(text)
        self.text = text
        self.crash = crash


def findings_table(findings: list[Any], document: str | None = None) -> str:
    from tabulate import tabulate

    from .report.base import cell_text, value_text, where_text, wrap_display

    rows = []
    for f in findings:
        loc = f.location
        doc = document if document is not None else (f.document or "")
        if loc.line is not None and doc:
            where = f"{doc}:{loc.line}" + (f" (p.{loc.page})" if loc.page is not None else "")
        else:
            where = " ".join(x for x in (doc, where_text(loc)) if x)
        cell = cell_text(loc)
        location = "\n".join(x for x in (where, wrap_display(cell, 40)) if x)  # file:line kept whole (clickable)
        message = wrap_display(f.message, 64)
        if f.note:
            message += "\n" + wrap_display(f"note: {f.note}", 64)
        rows.append(
            [
                f.severity,
                location,
                message,
                wrap_display(value_text(f.expected), 20),
                wrap_display(value_text(f.actual), 20),
            ]
        )
    return tabulate(rows, headers=HEADERS, tablefmt="simple", disable_numparse=True)


def short_path(where: str) -> str:
    """``file:line`` relative to the working directory when the file is inside it."""
    try:
        return str(Path(where).relative_to(Path.cwd()))
    except ValueError:
        return where


def rule_heading(rule: Any, code: str, severity: str | None = None) -> list[str]:
    if rule is None:
        return [code]
    out = [f"{rule.code} {rule.name} [{severity or rule.severity}]: {rule.summary}"]
    ref = rule.reference_text()
    if ref:
        out.append(f"reference: {ref}")
    out.append(f"defined in: {short_path(rule.where())}")
    return out


class ShowsFailureText:
    """Mixin for items whose failures are plain text (an :class:`AuditFailed`), not a traceback."""

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, AuditFailed):
            return FailureText(excinfo.value.text, excinfo.value.crash)
        return super().repr_failure(excinfo, style=style)  # type: ignore[misc]


class LoadItem(ShowsFailureText, pytest.Item):
    """A document (or rule source) that could not be loaded: one failing item with the error."""

    def __init__(self, *, error: str, marker: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.error = error
        self.add_marker(marker)

    def runtest(self) -> None:
        raise AuditFailed(f"cannot load: {self.error}", CrashLine(self.parent.nodeid, None, self.error))

    def reportinfo(self) -> tuple[Any, int | None, str]:
        doc = getattr(self.parent, "document", None)
        return self.path, None, f"load {doc.name if doc is not None else self.parent.name}"

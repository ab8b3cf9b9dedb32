"""Reporters: render audit Reports as text, JSON, JSON Lines, Markdown, SARIF, JUnit XML, HTML or the 检查表 workbook.

Every format is a callable ``render(reports, options) -> str`` registered under its ``--format``
name through the ``auditor_register_reporters`` hook. This module is itself the plugin that
registers the built-in formats, so a third-party plugin adds a format exactly the same way::

    @auditor.hookimpl
    def auditor_register_reporters():
        return {"csv": render_csv}

The engine resolves the one reporter table (``Engine.reporters``: these built-ins, then each
plugin's formats in registration order, a later plugin's format replacing an earlier one of the
same name). ``get_reporter(name, table)`` and ``render(..., table=...)`` look formats up in such a
table, or among the built-ins when none is given, so the reporters work standalone;
``auditor.render`` uses the default engine's table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..hookspecs import hookimpl
from .base import ReportOptions

Reporter = Callable[[Sequence[Any], ReportOptions], str]

__all__ = [
    "ReportOptions",
    "Reporter",
    "available_formats",
    "format_for_output",
    "get_reporter",
    "render",
    "BUILTIN_FORMATS",
]


def _text(reports, options=None):
    from .text import render

    return render(reports, options)


def _json(reports, options=None):
    from .json import render

    return render(reports, options)


def _jsonl(reports, options=None):
    from .json import render_lines

    return render_lines(reports, options)


def _markdown(reports, options=None):
    from .markdown import render

    return render(reports, options)


def _sarif(reports, options=None):
    from .sarif import render

    return render(reports, options)


def _junit(reports, options=None):
    from .junit import render

    return render(reports, options)


def _html(reports, options=None):
    from .html import render

    return render(reports, options)


def _checklist(reports, options=None):
    from .checklist import render

    return render(reports, options)


#: The built-in formats, in the order ``--help`` lists them.
BUILTIN_FORMATS: dict[str, Reporter] = {
    "text": _text,
    "json": _json,
    "jsonl": _jsonl,
    "markdown": _markdown,
    "sarif": _sarif,
    "junit": _junit,
    "html": _html,
    "checklist": _checklist,
}

#: The format an ``--output`` file name implies when ``--format`` is not given.
EXTENSION_FORMATS: dict[str, str] = {
    ".txt": "text",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".md": "markdown",
    ".markdown": "markdown",
    ".sarif": "sarif",
    ".xml": "junit",
    ".html": "html",
    ".htm": "html",
    ".csv": "csv",
    ".parquet": "parquet",
    ".xlsx": "checklist",
}


def format_for_output(output: str | None, default: str = "text") -> str:
    """The format implied by an output path's extension (``.xlsx`` and a directory ``DIR/`` are the
    checklist workbook); ``default`` otherwise."""
    if not output:
        return default
    from pathlib import Path

    if output.endswith(("/", "\\")):
        return "checklist"
    return EXTENSION_FORMATS.get(Path(output).suffix.lower(), default)


@hookimpl
def auditor_register_reporters():
    """The built-in formats."""
    return dict(BUILTIN_FORMATS)


def reporters(table: Mapping[str, Reporter] | None = None) -> Mapping[str, Reporter]:
    """The reporter table: `table` (an engine's ``Engine.reporters``: the built-ins overridden or
    extended by plugins) or, without one, the built-in formats."""
    return BUILTIN_FORMATS if table is None else table


def available_formats(table: Mapping[str, Reporter] | None = None) -> list[str]:
    """Names accepted by ``--format``: the built-ins first, then plugins' in name order."""
    names = list(reporters(table))
    builtin = [n for n in BUILTIN_FORMATS if n in names]
    return builtin + sorted(n for n in names if n not in BUILTIN_FORMATS)


def get_reporter(name: str, table: Mapping[str, Reporter] | None = None) -> Reporter:
    """The render callable of a format in `table` (see :func:`reporters`); ``KeyError`` naming the
    known formats when unknown."""
    found = reporters(table)
    try:
        return found[name]
    except KeyError:
        known = ", ".join(available_formats(table))
        raise KeyError(f"unknown report format {name!r} (known: {known})") from None


def render(
    reports: Any,
    format: str = "text",
    options: ReportOptions | None = None,
    table: Mapping[str, Reporter] | None = None,
) -> str:
    """Render one Report or a list of them in ``format`` (looked up in `table`, see :func:`reporters`)."""
    from ..findings import Report

    if isinstance(reports, Report):
        reports = [reports]
    return get_reporter(format, table)(list(reports), options or ReportOptions())

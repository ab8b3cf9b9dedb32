"""Reporters: render audit Reports as text, JSON, JSON Lines, Markdown, SARIF, JUnit XML or HTML.

Every format is a callable ``render(reports, options) -> str`` registered under its ``--format``
name through the ``auditor_register_reporters`` hook. This module is itself the plugin that
registers the built-in formats, so a third-party plugin adds a format exactly the same way::

    @auditor.hookimpl
    def auditor_register_reporters():
        return {"csv": render_csv}

``get_reporter(name)`` finds a format through the plugin manager when one is given (or set up by
``auditor.plugins``) and otherwise among the built-ins, so the reporters work standalone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..hookspecs import hookimpl
from .base import ReportOptions

Reporter = Callable[[Sequence[Any], ReportOptions], str]

__all__ = ["ReportOptions", "Reporter", "available_formats", "get_reporter", "render", "BUILTIN_FORMATS"]


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


#: The built-in formats, in the order ``--help`` lists them.
BUILTIN_FORMATS: dict[str, Reporter] = {
    "text": _text,
    "json": _json,
    "jsonl": _jsonl,
    "markdown": _markdown,
    "sarif": _sarif,
    "junit": _junit,
    "html": _html,
}


@hookimpl
def auditor_register_reporters():
    """The built-in formats."""
    return dict(BUILTIN_FORMATS)


def _default_plugin_manager():
    """The process-wide plugin manager of ``auditor.plugins`` when it exists, else None."""
    try:
        from .. import plugins  # type: ignore[attr-defined]
    except ImportError:
        return None
    for name in ("get_plugin_manager", "plugin_manager", "get_pm"):
        fn = getattr(plugins, name, None)
        if callable(fn):
            try:
                return fn()
            except TypeError:
                continue
    return None


def reporters(pm: Any = None) -> dict[str, Reporter]:
    """Every registered format: the built-ins, overridden or extended by plugins."""
    found: dict[str, Reporter] = dict(BUILTIN_FORMATS)
    pm = pm if pm is not None else _default_plugin_manager()
    if pm is not None:
        # pluggy calls the last registered plugin first: apply results in reverse so that a
        # plugin registered after the built-ins wins over them.
        for result in reversed(pm.hook.auditor_register_reporters() or []):
            if result:
                found.update(result)
    return found


def available_formats(pm: Any = None) -> list[str]:
    """Names accepted by ``--format``: the built-ins first, then plugins' in name order."""
    names = list(reporters(pm))
    builtin = [n for n in BUILTIN_FORMATS if n in names]
    return builtin + sorted(n for n in names if n not in BUILTIN_FORMATS)


def get_reporter(name: str, pm: Any = None) -> Reporter:
    """The render callable of a format; ``KeyError`` naming the known formats when unknown."""
    found = reporters(pm)
    try:
        return found[name]
    except KeyError:
        known = ", ".join(available_formats(pm))
        raise KeyError(f"unknown report format {name!r} (known: {known})") from None


def render(reports: Any, format: str = "text", options: ReportOptions | None = None, pm: Any = None) -> str:
    """Render one Report or a list of them in ``format``."""
    from ..findings import Report

    if isinstance(reports, Report):
        reports = [reports]
    return get_reporter(format, pm)(list(reports), options or ReportOptions())

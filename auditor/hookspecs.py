"""Hook specifications: every extension point of auditor, in one place (documented in docs/hooks.md)."""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("auditor")
hookimpl = pluggy.HookimplMarker("auditor")


@hookspec
def auditor_register_rules():
    """Return a list of Rule objects (made with ``@auditor.rule``) to add to the audit."""


@hookspec
def auditor_rule_paths():
    """Return a list of paths (files or directories) of YAML rule packs to load."""


@hookspec
def auditor_register_loaders():
    """Return a list of loader objects (``name``, ``sniff(path, head)``, ``load(path)``)."""


@hookspec
def auditor_register_reporters():
    """Return a dict mapping a ``--format`` name to a reporter callable ``render(reports, options)``."""


@hookspec
def auditor_configure(config):
    """Receive the resolved Config before any document is audited."""


@hookspec
def auditor_settings():
    """Return a dict mapping a settings table name to its keys and defaults (``[tool.auditor.settings.NAME]``)."""


@hookspec
def auditor_modify_findings(report, findings):
    """Return a new list of findings for one report (waive, re-grade or annotate); None keeps them."""

"""Baselines: accept today's findings so that CI reports only new ones (``--baseline``/``--write-baseline``).

A baseline file is JSON: ``{"version": 1, "findings": [{"document", "rule", "fingerprint", "message"}]}``.
A finding is known when its document's file name and its ``Finding.fingerprint()`` are in the file.
The fingerprint is made of the rule, the document, the table, row and column and the normalised
message — never the line or page — so lines inserted above a finding do not bring it back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .findings import Finding, Report

VERSION = 1


def _doc_name(document: str | None) -> str:
    return Path(document).name if document else ""


def baseline_entries(reports: Iterable[Report]) -> list[dict[str, Any]]:
    """The entries a baseline file holds for these reports (sorted, de-duplicated, internal ones left out)."""
    seen = set()
    out = []
    for rep in reports:
        for f in rep.findings:
            if "internal" in f.tags:
                continue
            doc = _doc_name(f.document or rep.document.get("path"))
            key = (doc, f.fingerprint())
            if key in seen:
                continue
            seen.add(key)
            out.append({"document": doc, "rule": f.rule, "fingerprint": f.fingerprint(), "message": f.message})
    out.sort(key=lambda e: (e["document"], e["rule"], e["fingerprint"]))
    return out


def write_baseline(path: str | Path, reports: Iterable[Report]) -> int:
    """Write the baseline; return how many findings it holds."""
    entries = baseline_entries(reports)
    Path(path).write_text(
        json.dumps({"version": VERSION, "findings": entries}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return len(entries)


def read_baseline(path: str | Path) -> set[tuple[str, str]]:
    """The (document name, fingerprint) pairs of a baseline file."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read baseline ({exc.strerror})", path=str(p)) from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(f"baseline is not JSON: {exc.msg}", path=str(p), line=exc.lineno) from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise ConfigError('not an auditor baseline file (expected {"version", "findings": [...]})', path=str(p))
    return {
        (e.get("document", ""), e["fingerprint"])
        for e in data["findings"]
        if isinstance(e, dict) and "fingerprint" in e
    }


def baseline_rules(path: str | Path) -> set[str]:
    """The rule codes a baseline file holds findings of."""
    data = json.loads(Path(path).read_text(encoding="utf-8")) if Path(path).is_file() else {}
    read_baseline(path)  # the same checks and messages as when it is applied
    return {str(e["rule"]) for e in data.get("findings", []) if isinstance(e, dict) and e.get("rule")}


def is_known(finding: Finding, known: set[tuple[str, str]], document: str | None) -> bool:
    """Whether the baseline holds this finding (by its fingerprint, or the pre-0.2 form of it)."""
    doc = _doc_name(finding.document or document)
    for fp in (finding.fingerprint(), finding.legacy_fingerprint()):
        if (doc, fp) in known or ("", fp) in known:
            return True
    return False

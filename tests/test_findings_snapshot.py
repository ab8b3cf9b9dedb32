"""The findings of the default audit on every corpus document equal tests/data/corpus-findings.json.

A refactor must leave every finding identical. A change that alters findings on purpose regenerates
the snapshot (``.venv/bin/python tools/snapshot_findings.py``) and explains the diff in its commit.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from corpus import documents, needs_corpus

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("snapshot_findings", ROOT / "tools" / "snapshot_findings.py")
snapshot = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(snapshot)

SAVED = json.loads(snapshot.SNAPSHOT.read_text(encoding="utf-8"))


def test_snapshot_covers_every_corpus_document():
    if not documents():
        pytest.skip("no corpus")
    assert sorted(SAVED["documents"]) == sorted(p.name for p in documents())
    assert SAVED["fields"] == list(snapshot.FIELDS)


@needs_corpus
@pytest.mark.parametrize("path", documents(), ids=lambda p: p.name)
def test_findings_match_snapshot(path):
    live = [list(r) for r in json.loads(json.dumps(snapshot.document_findings(path), ensure_ascii=False))]
    assert live == SAVED["documents"][path.name], (
        f"findings on {path.name} changed; if on purpose, run tools/snapshot_findings.py and explain the diff"
    )

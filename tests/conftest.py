"""Fixtures shared by the command-line tests."""

from __future__ import annotations

import pytest
from cli_helpers import ROWS

from auditor.export import budget_to_json
from auditor.testing import budget_from_dict


@pytest.fixture
def doc(tmp_path, monkeypatch):
    """A small disclosure in the JSON form, in a directory without config files."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    p = tmp_path / "dept.json"
    p.write_text(
        budget_to_json(budget_from_dict({"meta": {"department": "测试局", "year": 2024}, "tables": ROWS})),
        encoding="utf-8",
    )
    return p

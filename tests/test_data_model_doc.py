"""docs/data-model.md is the data contract: its tables, columns, types and fact keys match the model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from corpus import CORPUS, needs_corpus

import auditor
from auditor.export import budget_to_dict
from auditor.model import ALL_TABLE_KEYS, LOCATION_COLUMNS, columns_for

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
EXAMPLE = ROOT / "examples" / "minhang-police-2024-budget.txt"


def documented() -> dict[str, dict]:
    """key -> {"columns": [(name, type)], "extras": set}, from the `### `key`` sections."""
    out = {}
    for m in re.finditer(r"^### `(\w+)`\n(.*?)(?=^### |^## )", DOC, re.M | re.S):
        body = m.group(2)
        cols = re.findall(r"^\| `(\w+)` \| (\w+) \|", body, re.M)
        extras = re.search(r"^Extra columns: (.*)\.$", body, re.M)
        out[m.group(1)] = {"columns": cols, "extras": set(re.findall(r"`(\w+)`", extras.group(1) if extras else ""))}
    return out


DOCUMENTED = documented()


def test_every_table_key_is_documented_and_nothing_else():
    assert list(DOCUMENTED) == ALL_TABLE_KEYS


@pytest.mark.parametrize("key", ALL_TABLE_KEYS)
def test_columns_and_types_match_the_model(key):
    cols, money = columns_for(key)
    doc = DOCUMENTED[key]["columns"]
    assert [c for c, _ in doc] == cols, f"docs/data-model.md: columns of {key}"
    for c, kind in doc:
        expected = "money" if c in money else "location" if c in LOCATION_COLUMNS else kind
        assert kind == expected, f"docs/data-model.md: {key}.{c} is {expected}, documented as {kind}"
        assert kind in ("money", "location", "text", "bool")


def _check_document(budget) -> None:
    data = budget_to_dict(budget)
    for key, schema in data["schema"].items():
        doc = DOCUMENTED[key]
        types = dict(doc["columns"])
        for c, spec in schema.items():
            if c not in types:
                assert c in doc["extras"], f"{key}.{c} is not in docs/data-model.md"
            elif types[c] in ("text", "bool"):
                assert spec["kind"] in (types[c], "empty"), f"{key}.{c} holds {spec['kind']}, documented {types[c]}"
    keys = set(budget.table("facts")["key"])
    listed = set(re.findall(r"`(\w+)`", DOC.split("Every key the loaders emit:")[1].split("\n\n")[1]))
    assert keys <= listed, f"fact keys not in docs/data-model.md: {sorted(keys - listed)}"


def test_the_example_matches_the_documented_shapes():
    _check_document(auditor.load(EXAMPLE))


@needs_corpus
def test_a_pdf_matches_the_documented_shapes():
    _check_document(auditor.load(CORPUS / "putuo-wanli-street-2025-budget.pdf"))

"""The schema pre-check agrees with pandera on every frame of a real document and on broken variants."""

from __future__ import annotations

from pathlib import Path

from pandera.errors import SchemaErrors

import auditor
from auditor.schemas import _clean, schema_for, validate_frames

MINHANG = Path(__file__).resolve().parents[1] / "examples" / "minhang-police-2024-budget.txt"


def _variants(df):
    yield "as loaded", df
    if "code" in df and df["code"].notna().any():
        d = df.copy()
        d.loc[d["code"].notna().idxmax(), "code"] = "2041"
        yield "bad code", d
    for col in ("total", "amount"):
        if col in df:
            d = df.copy()
            d.loc[d.index[0], col] = -5
            yield "negative money", d
    for col in ("name", "item"):
        if col in df:
            d = df.copy()
            d.loc[d.index[0], col] = None
            yield "missing name", d


def test_precheck_agrees_with_pandera():
    budget = auditor.load(MINHANG)
    checked = 0
    for key, df in budget.frames.items():
        try:
            schema = schema_for(key)
        except KeyError:
            continue
        if df.empty:
            continue
        for label, variant in _variants(df):
            try:
                schema.validate(variant, lazy=True)
                passes = True
            except SchemaErrors:
                passes = False
            assert passes == _clean(key, variant), (
                f"{key} ({label}): pandera {passes}, pre-check {_clean(key, variant)}"
            )
            checked += 1
    assert checked > 20


def test_failures_still_come_from_pandera():
    budget = auditor.load(MINHANG)
    frames = dict(budget.frames)
    df = frames["gpb_function"].copy()
    df.loc[df["code"].notna().idxmax(), "code"] = "2041"
    frames["gpb_function"] = df
    failures = validate_frames(frames)
    assert list(failures[["table", "column", "value"]].itertuples(index=False, name=None)) == [
        ("gpb_function", "code", "2041")
    ]
    assert failures.iloc[0]["line"] == int(df.loc[df["code"] == "2041", "line"].iloc[0])

"""The quick fuzz profile: mutated copies of the corpus text load (or fail with a LoadError naming the
file) and audit without any internal finding. The long profile is `make fuzz` (tools/fuzz.py)."""

from __future__ import annotations

from random import Random

import pytest
from corpus import CORPUS, needs_corpus

from auditor.fuzz import mutate
from auditor.fuzz.harness import minimise_text, run_serial
from auditor.fuzz.inputs import Seeds, load_seeds, make_input


@pytest.fixture(scope="module")
def seeds() -> Seeds:
    return load_seeds(CORPUS, pdfs=False)


@needs_corpus
@pytest.mark.parametrize("seed", [1, 2])
def test_quick_profile_has_no_escaped_exception_and_no_contained_crash(seeds, seed):
    result = run_serial(seeds, seed, 100)
    failures = [f"input {i} ({inp.kind}, {inp.mutations}): {out.kind} {out.signature}: {out.detail}" for i, out, inp in result["failures"]]
    assert failures == []
    assert sum(result["counts"].values()) == 100
    assert result["counts"].get("ok", 0) > 20  # most mutations still leave a readable disclosure


@needs_corpus
def test_inputs_are_deterministic(seeds):
    a = make_input(seeds, 5, 17)
    b = make_input(seeds, 5, 17)
    assert (a.kind, a.data, a.mutations) == (b.kind, b.data, b.mutations)
    assert make_input(seeds, 5, 18).data != a.data


def test_mutators_never_change_their_input():
    text = "部门财务收支预算总表\n单位：元\n一、财政拨款收入\t1,234.00\n"
    for name, fn in sorted(mutate.TEXT_MUTATORS.items()):
        before = str(text)
        fn(Random(name), text)
        assert text == before
    data = {"meta": {"year": 2024, "tables": {}}, "tables": {"gpb_function": [{"code": "204"}]}}
    out, _ = mutate.mutate_structure(Random(3), data)
    assert data == {"meta": {"year": 2024, "tables": {}}, "tables": {"gpb_function": [{"code": "204"}]}}
    assert out is not data


def test_minimiser_keeps_what_makes_the_failure():
    text = "\n".join(f"line {i}" for i in range(200)) + "\nBOOM here\n" + "tail\n" * 50
    small = minimise_text(text, lambda t: "BOOM" in t, budget_s=20)
    assert small == "BOOM"

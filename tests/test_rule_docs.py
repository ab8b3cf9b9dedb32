"""docs/rules/ is generated from the rule definitions: this test fails when a page is stale."""

from __future__ import annotations

from pathlib import Path

from auditor.ruledocs import builtin_rules, render_all

ROOT = Path(__file__).resolve().parents[1]


def test_rule_pages_are_current():
    pages = render_all(builtin_rules(), ROOT)
    target = ROOT / "docs" / "rules"
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in target.glob("*.md")}
    stale = sorted(n for n, text in pages.items() if on_disk.get(n) != text)
    extra = sorted(set(on_disk) - set(pages))
    assert not stale and not extra, (
        f"docs/rules is out of date (stale: {stale[:10]}, extra: {extra[:10]}); run `python tools/gen_rule_docs.py`"
    )


def test_every_builtin_rule_is_documented_and_self_tested():
    for rule in builtin_rules():
        assert rule.reference, f"{rule.code} has no reference"
        if rule.code.startswith(("SCH", "CFG")):
            continue
        assert rule.cases, f"{rule.code} carries no test cases"
        fires = [c for c in rule.cases if c.get("fires") not in (False, 0)]
        quiet = [c for c in rule.cases if c.get("fires") in (False, 0)]
        assert fires and quiet, f"{rule.code} needs a case that fires and a case that does not"

"""Statement rules (ST001–ST004) on the corpus and on constructed variants of it."""

from __future__ import annotations

import dataclasses

import pytest
from corpus import CORPUS, needs_corpus

import auditor
from auditor.testing import check_rule_cases, find_rule

DOCS = [
    "minhang-police-2024-budget.txt",
    "putuo-wanli-street-2024-budget.pdf",
    "putuo-wanli-street-2025-budget.pdf",
    "putuo-commerce-2025-budget.pdf",
]
CODES = ["ST001", "ST002", "ST003", "ST004"]

pytestmark = needs_corpus


@pytest.fixture(scope="module")
def loaded():
    return {d: auditor.load(CORPUS / d) for d in DOCS}


@pytest.mark.parametrize("code", CODES)
def test_rule_cases(code):
    assert check_rule_cases(find_rule(code)) > 0


def test_corpus_findings(loaded):
    got = {
        d: sorted((f.rule, f.location.page, f.location.line) for c in CODES for f in find_rule(c).run(b))
        for d, b in loaded.items()
    }
    assert got == {
        DOCS[0]: [],
        # item 4: 减少2.98%, reason “…经费增加”; item 31: 350.35万元 then 2024年预算安排352.67万元
        DOCS[1]: [("ST003", 6, 18), ("ST004", 9, 18)],
        DOCS[2]: [],
        DOCS[3]: [],
    }


def _variant(budget, page, line, old, new):
    lines = list(budget.document.lines)
    i = next(k for k, ln in enumerate(lines) if ln.page == page and ln.line == line)
    assert old in lines[i].text
    lines[i] = dataclasses.replace(lines[i], text=lines[i].text.replace(old, new, 1))
    return dataclasses.replace(budget, document=dataclasses.replace(budget.document, lines=lines))


def test_wrong_percentage(loaded):
    b = _variant(loaded[DOCS[1]], 6, 10, "减少57.14%", "减少51.74%")
    found = find_rule("ST001").run(b)
    assert [(f.rule, f.severity, f.location.page, f.location.line) for f in found] == [("ST001", "error", 6, 10)]
    assert found[0].expected == "57.14%" and "51.74%" in found[0].actual


def test_rounding_is_tolerated(loaded):
    # 60.13 -> 25.77 is −57.1428…%: 57.14 and 57.1 are right at their printed precision (57.2 too, given the amounts' own rounding), 57.3 is not
    assert find_rule("ST001").run(_variant(loaded[DOCS[1]], 6, 10, "减少57.14%", "减少57.1%")) == []
    assert len(find_rule("ST001").run(_variant(loaded[DOCS[1]], 6, 10, "减少57.14%", "减少57.3%"))) == 1


def test_wrong_direction(loaded):
    b = _variant(loaded[DOCS[1]], 6, 15, "增加46.19%", "减少46.19%")
    found = find_rule("ST001").run(b)
    assert [(f.rule, f.location.page, f.location.line) for f in found] == [("ST001", 6, 15)]
    assert found[0].expected == "增加"


def test_flat_with_different_amounts(loaded):
    b = _variant(loaded[DOCS[1]], 7, 7, "执行数为10.00万", "执行数为12.00万")
    found = find_rule("ST001").run(b)
    assert [(f.rule, f.location.page, f.location.line) for f in found] == [("ST001", 7, 8)]
    assert found[0].expected == "减少"


def test_share(loaded):
    b = _variant(
        loaded[DOCS[2]], 30, 18, "涉及项目预算资金8825.98万元。", "涉及项目预算资金8825.98万元，占支出总额的90.00%。"
    )
    found = find_rule("ST002").run(b)
    assert [(f.rule, f.location.page, f.location.line) for f in found] == [("ST002", 30, 18)]
    ok = _variant(
        loaded[DOCS[2]], 30, 18, "涉及项目预算资金8825.98万元。", "涉及项目预算资金8825.98万元，占支出总额的46.51%。"
    )
    assert find_rule("ST002").run(ok) == []


def test_reason_fixed_is_clean(loaded):
    b = _variant(loaded[DOCS[1]], 6, 19, "务经费增加", "务经费减少")
    assert find_rule("ST003").run(b) == []

"""科目 name rules (SN001, SN002) on the corpus and on constructed variants of it."""

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

pytestmark = needs_corpus


@pytest.fixture(scope="module")
def loaded():
    return {d: auditor.load(CORPUS / d) for d in DOCS}


@pytest.mark.parametrize("code", ["SN001", "SN002"])
def test_rule_cases(code):
    assert check_rule_cases(find_rule(code)) > 0


def test_corpus_findings(loaded):
    got = {
        d: sorted(
            (f.rule, f.severity, f.location.page, f.location.line)
            for c in ("SN001", "SN002")
            for f in find_rule(c).run(b)
        )
        for d, b in loaded.items()
    }
    assert got[DOCS[1]] == [] and got[DOCS[3]] == []
    # item 21 names 款 and 项 one level off: 卫生健康支出（款）计划生育事务（项） for 21007 计划生育事务 / 2100717 计划生育服务
    assert got[DOCS[2]] == [("SN001", "warning", 7, 17)]
    # the police tables still print the pre-2024 names of 20805 and 2080501 (curated at confidence M: info)
    assert [(r, s) for r, s, _, _ in got[DOCS[0]]] == [("SN002", "info"), ("SN002", "info")]


def test_superseded_name_in_prose(loaded):
    b = loaded[DOCS[1]]
    lines = list(b.document.lines)
    i = next(k for k, ln in enumerate(lines) if ln.page == 8 and ln.line == 16)
    lines[i] = dataclasses.replace(
        lines[i], text=lines[i].text.replace("卫生健康支出（类）", "医疗卫生与计划生育支出（类）", 1)
    )
    variant = dataclasses.replace(b, document=dataclasses.replace(b.document, lines=lines))
    found = find_rule("SN001").run(variant)
    assert [(f.rule, f.location.page, f.location.line, f.location.row) for f in found] == [("SN001", 8, 16, "2101101")]
    assert "旧科目名称" in found[0].message and "卫生健康支出" in found[0].message
    assert [(f.rule, f.location.page, f.location.line) for f in find_rule("SN002").run(variant)] == [("SN002", 8, 16)]


def test_wrong_name(loaded):
    b = loaded[DOCS[1]]
    lines = list(b.document.lines)
    i = next(k for k, ln in enumerate(lines) if ln.page == 8 and ln.line == 18)
    lines[i] = dataclasses.replace(lines[i], text=lines[i].text.replace("事业单位医疗（项）", "事业单位医保（项）", 1))
    variant = dataclasses.replace(b, document=dataclasses.replace(b.document, lines=lines))
    found = find_rule("SN001").run(variant)
    assert [(f.rule, f.location.page, f.location.line, f.location.row) for f in found] == [("SN001", 8, 18, "2101102")]

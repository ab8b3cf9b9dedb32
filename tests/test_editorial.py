"""Editorial rules (ED001–ED008) on the corpus and on constructed variants of it."""

from __future__ import annotations

import dataclasses

import pytest
from corpus import CORPUS, needs_corpus

import auditor
from auditor.testing import check_rule_cases, find_rule

MINHANG = CORPUS / "minhang-police-2024-budget.txt"
WANLI24 = CORPUS / "putuo-wanli-street-2024-budget.pdf"
WANLI25 = CORPUS / "putuo-wanli-street-2025-budget.pdf"
COMMERCE = CORPUS / "putuo-commerce-2025-budget.pdf"
CODES = ["ED001", "ED002", "ED003", "ED004", "ED005", "ED006", "ED007", "ED008"]

pytestmark = needs_corpus


@pytest.fixture(scope="module")
def loaded():
    return {p.name: auditor.load(p) for p in (MINHANG, WANLI24, WANLI25, COMMERCE)}


def run(code, budget):
    return [(f.rule, f.location.page, f.location.line) for f in find_rule(code).run(budget)]


def run_all(budget):
    return sorted(
        (f.rule, f.severity, f.location.page, f.location.line) for c in CODES for f in find_rule(c).run(budget)
    )


@pytest.mark.parametrize("code", CODES)
def test_rule_cases(code):
    assert check_rule_cases(find_rule(code)) >= 0


def test_corpus_findings_are_exactly_the_known_defects(loaded):
    assert run_all(loaded[MINHANG.name]) == [("ED002", "info", None, 49), ("ED002", "info", None, 305)]
    assert run_all(loaded[WANLI24.name]) == []
    assert run_all(loaded[WANLI25.name]) == [("ED002", "info", 30, 10)]
    commerce = run_all(loaded[COMMERCE.name])
    assert ("ED002", "info", 24, 10) in commerce
    assert [f for f in commerce if f[0] != "ED003"] == [("ED002", "info", 24, 10)]
    # （款) and （类): a full-width bracket closed by a half-width one, items 11–16
    assert sorted({f[3] for f in commerce if f[0] == "ED003"}) == [5, 6, 7, 9, 11, 12]
    assert {f[1] for f in commerce if f[0] == "ED003"} == {"info"}


def _text_variant(tmp_path, old, new):
    text = MINHANG.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "variant.txt"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return auditor.load(path)


def _line_of(needle):
    for n, line in enumerate(MINHANG.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(needle)


def test_doubled_full_stop(tmp_path):
    b = _text_variant(
        tmp_path,
        "主要用于行政执法、刑事司法及侦查办案等相关支出。",
        "主要用于行政执法、刑事司法及侦查办案等相关支出。。",
    )
    found = find_rule("ED001").run(b)
    assert [(f.rule, f.location.line) for f in found] == [("ED001", _line_of("主要用于行政执法、刑事司法"))]
    assert "。。" in found[0].actual


def test_unbalanced_quote_in_pdf_item(loaded):
    b = loaded[WANLI24.name]
    lines = list(b.document.lines)
    i = next(k for k, ln in enumerate(lines) if ln.page == 7 and ln.line == 1)
    lines[i] = dataclasses.replace(lines[i], text=lines[i].text.replace("（项）”", "（项）", 1))
    variant = (
        dataclasses.replace(b, document=dataclasses.replace(b.document, lines=lines))
        if dataclasses.is_dataclass(b)
        else None
    )
    if variant is None:
        pytest.skip("Budget is not a dataclass")
    found = find_rule("ED003").run(variant)
    assert [(f.rule, f.location.page, f.location.line) for f in found] == [("ED003", 7, 1)]
    assert "“公共安全支出" in found[0].actual or "“" in found[0].actual


def test_empty_reason(tmp_path):
    b = _text_variant(
        tmp_path,
        "财政拨款收入支出增加的主要原因是:全面深化公安改革及公安工作任务的调整。",
        "财政拨款收入支出增加的主要原因是:。",
    )
    found = find_rule("ED004").run(b)
    assert [(f.rule, f.location.line) for f in found] == [("ED004", _line_of("财政拨款收入支出增加的主要原因是"))]
    assert find_rule("ED001").run(b) == []  # 是:。 is an empty reason, not doubled punctuation


def test_template_residue(tmp_path):
    b = _text_variant(tmp_path, "比2023年预算减少114.74万元。其中", "比2023年预算增加（减少）114.74万元。其中")
    found = find_rule("ED005").run(b)
    assert [(f.rule, f.location.line) for f in found] == [("ED005", _line_of('2024年"三公"经费预算数为'))]
    assert "增加（减少）" in found[0].actual


def test_kind_wording(tmp_path):
    text = MINHANG.read_text(encoding="utf-8").replace("预算主管部门:", "预算单位:", 1)
    path = tmp_path / "unit.txt"
    path.write_text(text, encoding="utf-8")
    b = auditor.load(path)
    assert b.meta.kind == "单位预算"
    lines = {f.location.line for f in find_rule("ED006").run(b)}
    assert _line_of("2024年上海市公安局闵行分局部门预算编制说明") in lines
    assert find_rule("ED006").run(auditor.load(MINHANG)) == []


def test_blank_page(loaded):
    b = loaded[WANLI24.name]
    variant = dataclasses.replace(b, document=dataclasses.replace(b.document, empty_pages=[5]))
    found = find_rule("ED007").run(variant)
    assert [(f.rule, f.location.page) for f in found] == [("ED007", 5)]


def test_comparison_year(tmp_path):
    b = _text_variant(
        tmp_path, "财政拨款收入208,293.59万元,比2023年预算增加", "财政拨款收入208,293.59万元,比2024年预算增加"
    )
    found = find_rule("ED008").run(b)
    assert [(f.rule, f.location.line) for f in found] == [("ED008", _line_of("预算收入总额为208,293.59"))]
    assert "比2024年预算增加" in found[0].actual


def test_missing_full_stop(tmp_path):
    b = _text_variant(tmp_path, "项目预算安排1,224.00万元,全部为区级资金。", "项目预算安排1,224.00万元,全部为区级资金")
    lines = [f.location.line for f in find_rule("ED002").run(b)]
    assert _line_of('"进博会安保"项目预算安排') in lines

"""部门决算 kind detection and rule kinds: budget rules never run on final accounts, nor 决算 rules on budgets."""

from __future__ import annotations

import textwrap

import pytest
from corpus import FINAL_ACCOUNTS, documents, needs_corpus

from auditor import audit, load
from auditor.document import Document, lines_from_text
from auditor.errors import RuleError
from auditor.parse.kind import detect_final
from auditor.rules import BUDGET_KINDS, FINAL_KINDS, resolve_kinds, rule
from auditor.testing import budget_from_dict, run_rule
from auditor.yamlrules import parse_rules


def _doc(text: str) -> Document:
    return Document(path="<t>", lines=lines_from_text(textwrap.dedent(text)), kind="text")


def test_cover_title_names_the_kind_year_and_department_even_when_wrapped():
    k = detect_final(_doc("上海市普陀区规划和自然\n资源局\n2024 年度部门决算\n目 录\n"))
    assert (k.kind, k.year, k.department) == ("部门决算", 2024, "上海市普陀区规划和自然资源局")
    assert detect_final(_doc("上海市XX中心2023年度单位决算\n")).kind == "单位决算"
    assert detect_final(_doc("上海市普陀区商务委员会\n2025年部门预算\n")) is None


@pytest.mark.parametrize(
    ("cover", "department"),
    [
        # blank lines between the name's lines and the year line (a spaced-out cover, double-spaced text)
        ("上海市普陀区规划和自然\n\n资源局\n\n\n2024 年度部门决算\n", "上海市普陀区规划和自然资源局"),
        ("上海市XX局\n\n\n\n\n\n2024 年度部门决算\n", "上海市XX局"),
        # what stands above the name is not the name's
        ("附件2\n\n上海市XX局\n\n2024 年度部门决算\n", "上海市XX局"),
        ("2025年1月\n上海市XX局\n2024 年度部门决算\n", "上海市XX局"),
    ],
)
def test_cover_department_across_blank_lines(cover, department):
    assert detect_final(_doc(cover)).department == department


def test_table_titles_alone_say_final_accounts():
    text = "收入支出决算总表\n单位：万元\n收入决算表\n支出决算表\n一般公共预算财政拨款支出决算表\n"
    assert detect_final(_doc(text)).kind == "部门决算"
    assert detect_final(_doc("收入支出决算总表\n")) is None


def test_kinds_resolve_shorthands_and_refuse_unknown_kinds():
    assert resolve_kinds(None) == BUDGET_KINDS
    assert resolve_kinds("final") == FINAL_KINDS
    assert resolve_kinds(["部门决算", "budget"]) == ("部门决算", *BUDGET_KINDS)
    assert set(resolve_kinds("all")) == {*BUDGET_KINDS, *FINAL_KINDS}
    with pytest.raises(RuleError, match="unknown kind"):
        resolve_kinds(["决算"])
    with pytest.raises(RuleError, match="non-empty"):
        resolve_kinds([])


def test_python_and_yaml_rules_declare_kinds():
    @rule("ZK001", name="zk", kinds="final")
    def zk(budget):
        return "x"

    assert zk.kinds == FINAL_KINDS and zk.applies_to("部门决算") and not zk.applies_to("部门预算")
    (y,) = parse_rules(
        "- code: ZK002\n  kinds: [部门决算, 部门预算]\n  table: fa_summary\n  assert: 'amount >= 0'\n", "k.yaml"
    )
    assert y.kinds == ("部门决算", "部门预算")
    (d,) = parse_rules("- code: ZK003\n  table: gpb_function\n  assert: 'total >= 0'\n", "k.yaml")
    assert d.kinds == BUDGET_KINDS and d.applies_to(None)  # an undetected kind reads as a budget
    with pytest.raises(RuleError, match=r"k.yaml:2"):
        parse_rules("- code: ZK004\n  kinds: [年报]\n  table: gpb_function\n  assert: 'total >= 0'\n", "k.yaml")


def test_rule_cases_run_on_a_budget_of_the_rules_kind():
    @rule("ZK005", name="zk-kind", kinds="final")
    def what_kind(budget):
        return f"kind {budget.meta.kind}"

    assert [f.message for f in run_rule(what_kind, {})] == ["kind 部门决算"]
    # final-accounts money is written in 万元, as those documents print it
    b = budget_from_dict(
        {"meta": {"kind": "部门决算"}, "tables": {"fa_summary": [{"side": "income", "item": "总计", "amount": "1.50"}]}}
    )
    assert int(b.table("fa_summary")["amount"][0]) == 1_500_000  # 1.50 万元 = 15,000 元 = 1,500,000 fen


@needs_corpus
@pytest.mark.parametrize("path", documents(FINAL_ACCOUNTS), ids=lambda p: p.name)
def test_corpus_final_accounts_are_detected_and_get_no_budget_findings(path):
    b = load(path)
    assert b.meta.kind == "部门决算" and b.meta.year == 2024 and b.meta.unit == "万元"
    report = audit(b)
    assert all(r.applies_to("部门决算") for r in report.rules)
    budget_codes = {r.code for r in report.rules if r.applies_to("部门预算") and not r.applies_to("部门决算")}
    assert not budget_codes
    assert not [f for f in report.findings if f.rule in budget_codes]

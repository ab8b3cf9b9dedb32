"""The pytest plugin (auditor.pytest_plugin): --budget audit items, fixtures, --rule-tests, run with pytester."""

from __future__ import annotations

import shutil
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from corpus import MINHANG as CORPUS
from corpus import needs_corpus

from auditor.config import Config
from auditor.engine import audit, prepare

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent

EXAMPLE = ROOT / "examples" / "minhang-police-2024-budget.txt"
NAME = "minhang-police-2024-budget.txt"


PACK = """\
code: MY001
name: row-identity
title: 合计 = 基本支出 + 项目支出
severity: error
tags: [arithmetic]
table: gpb_function
assert: "total == basic + project"
message: "合计 {total} ≠ 基本支出 {basic} + 项目支出 {project}"
tests:
  - name: adds up
    fires: false
    budget:
      tables:
        gpb_function:
          - {code: "204", name: 公共安全支出, total: "10.00", basic: "6.00", project: "4.00"}
  - name: one row off
    fires: BROKEN
    budget:
      tables:
        gpb_function:
          - {code: "204", name: 公共安全支出, total: "10.01", basic: "6.00", project: "4.00"}
          - {code: "205", name: 教育支出, total: "3.00", basic: "3.00", project: null}
"""


@pytest.fixture(autouse=True, scope="module")
def _warm() -> None:
    """Import the engine, loaders and schemas before pytester's inline runs (they restore sys.modules)."""
    from auditor.testing import load_budget

    prepare(Config())
    prepare(Config(entry_points=False))
    load_budget(EXAMPLE)


def default_codes() -> list[str]:
    """The codes of the rules that audit a budget (pytest --budget collects an item per applicable rule)."""
    return sorted(r.code for r in prepare(Config()).rules if r.applies_to("部门预算"))


def failing_codes(path: Path, fail_on: str = "error") -> set[str]:
    config = Config(fail_on=fail_on)
    return {f.rule for f in audit(path, config).findings if config.fails(f.severity)}


def item_ids(result: pytest.RunResult) -> list[str]:
    return [line.strip() for line in result.outlines if "::" in line and not line.startswith(("FAILED", "ERROR"))]


@needs_corpus
def test_budget_runs_one_item_per_rule_fails_error_rules_and_writes_junit(pytester: pytest.Pytester) -> None:
    xml = pytester.path / "audit.xml"
    result = pytester.runpytest(f"--budget={CORPUS}", f"--junitxml={xml}")
    codes = default_codes()
    failing = failing_codes(CORPUS)
    assert failing, "the Minhang disclosure has error findings (NV003)"
    result.assert_outcomes(passed=len(codes) - len(failing), failed=len(failing))
    cases = ET.parse(xml).getroot().iter("testcase")
    got = {c.get("name"): c for c in cases}
    assert sorted(got) == codes
    assert {c.get("classname") for c in got.values()} == {NAME}
    assert {n for n, c in got.items() if c.find("failure") is not None} == failing
    # the failure text is the findings table, with the document's file:line
    out = result.stdout.str()
    for code in failing:
        assert f"{NAME}::{code}" in out
        text = got[code].find("failure").text
        assert "severity" in text and "location" in text and "message" in text
        assert f"{CORPUS}:" in text


def test_item_ids_and_collect_only(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(f"--budget={EXAMPLE}", "--collect-only", "-q")
    assert item_ids(result) == [f"{NAME}::{c}" for c in default_codes()]


def test_k_selects_rules(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(f"--budget={EXAMPLE}", "-k", "NV003 or SG001", "-v")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines([f"*{NAME}::NV003 FAILED*", f"*{NAME}::SG001 PASSED*"])


def test_m_selects_by_tag_marker_without_warnings(pytester: pytest.Pytester) -> None:
    sangong = sorted(r.code for r in prepare(Config()).rules if "sangong" in r.tags and r.applies_to("部门预算"))
    result = pytester.runpytest(
        f"--budget={EXAMPLE}", "-m", "audit_sangong", "--strict-markers", "-W", "error", "--collect-only", "-q"
    )
    assert item_ids(result) == [f"{NAME}::{c}" for c in sangong]
    cross = pytester.runpytest(f"--budget={EXAMPLE}", "-m", "audit_cross_table and audit_error", "--collect-only", "-q")
    assert item_ids(cross) and all(
        i.split("::")[1]
        in {r.code for r in prepare(Config()).rules if "cross-table" in r.tags and r.applies_to("部门预算")}
        for i in item_ids(cross)
    )


def test_fail_on_warning_and_x(pytester: pytest.Pytester) -> None:
    failing = failing_codes(EXAMPLE, "warning")
    result = pytester.runpytest(f"--budget={EXAMPLE}", "--audit-fail-on", "warning")
    result.assert_outcomes(failed=len(failing), passed=len(default_codes()) - len(failing))
    stopped = pytester.runpytest(f"--budget={EXAMPLE}", "-x")
    assert stopped.parseoutcomes()["failed"] == 1
    assert stopped.parseoutcomes().get("passed", 0) < len(default_codes()) - 1


def test_select_ignore_and_extra_rules_mirror_the_cli(pytester: pytest.Pytester) -> None:
    pack = pytester.path / "pack"
    pack.mkdir()
    (pack / "r.yaml").write_text(PACK.replace("BROKEN", "1"), encoding="utf-8")
    result = pytester.runpytest(
        f"--budget={EXAMPLE}",
        "--audit-select",
        "SG,MY",
        "--audit-ignore",
        "SG006",
        "--audit-rules",
        str(pack),
        "--collect-only",
        "-q",
    )
    want = sorted(c for c in default_codes() if c.startswith("SG") and c != "SG006") + ["MY001"]
    assert sorted(item_ids(result)) == sorted(f"{NAME}::{c}" for c in want)


def test_selector_errors_name_the_pytest_flag(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(f"--budget={EXAMPLE}", "--audit-select", "ZZZ999", "--collect-only", "-q")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: auditor: --audit-select: 'ZZZ999' matches no rule code*"])
    timeout = pytester.runpytest(f"--budget={EXAMPLE}", "--audit-rule-timeout", "-1", "--collect-only", "-q")
    timeout.stderr.fnmatch_lines(["ERROR: auditor: --audit-rule-timeout must be positive*"])


def test_config_file_and_plugin_file(pytester: pytest.Pytester) -> None:
    pytester.path.joinpath("audit.toml").write_text('select = ["PROV"]\n', encoding="utf-8")
    pytester.path.joinpath("prov.py").write_text(
        textwrap.dedent(
            """
            from auditor import hookimpl, rule

            @rule("PROV001", name="always", severity="warning", tags=["disclosure"])
            def always(budget, ctx):
                yield ctx.finding("always fires", table="sangong", line=3)

            @hookimpl
            def auditor_register_rules():
                return [always]
            """
        ),
        encoding="utf-8",
    )
    result = pytester.runpytest(
        f"--budget={EXAMPLE}", "--audit-config", "audit.toml", "--audit-plugin", "prov.py", "-rP"
    )
    result.assert_outcomes(passed=1)  # a warning is below the default fail-on
    result.stdout.fnmatch_lines(["*findings below fail-on*", "*always fires*"])
    failed = pytester.runpytest(
        f"--budget={EXAMPLE}", "--audit-config", "audit.toml", "--audit-plugin", "prov.py", "--audit-fail-on", "warning"
    )
    failed.assert_outcomes(failed=1)
    failed.stdout.fnmatch_lines(
        [
            f"*PROV001 in {NAME}*",
            "PROV001 always [[]warning[]]: always",
            f"*{EXAMPLE}:3*always fires*",
            f"FAILED {NAME}::PROV001*",
        ]
    )


def test_bad_config_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(f"--budget={EXAMPLE}", "--audit-plugin", "missing.py")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*missing.py*plugin file does not exist*"])
    missing = pytester.runpytest("--budget=nowhere.txt")
    assert missing.ret == pytest.ExitCode.USAGE_ERROR


def test_non_budget_file_is_one_failing_load_item(pytester: pytest.Pytester) -> None:
    docs = pytester.path / "docs"
    docs.mkdir()
    (docs / "notes.txt").write_text("hello\nthis is not a budget\n", encoding="utf-8")
    shutil.copy(EXAMPLE, docs / NAME)
    result = pytester.runpytest("--budget=docs", "-q")
    result.assert_outcomes(failed=2, passed=len(default_codes()) - 1)  # NV003 and notes.txt::load
    result.stdout.fnmatch_lines(
        ["*load notes.txt*", "cannot load: *notes.txt: not a budget disclosure*", "FAILED notes.txt::load*"]
    )


def test_fixtures_budget_and_audit(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_caps="""
        def test_sangong_cap(budget):
            assert (budget.sangong.total <= 50_000_000_00).all()

        def test_report(budget, audit):
            assert audit.budget is budget
            assert {f.rule for f in audit.findings if f.severity == "error"} == {"NV003"}
        """
    )
    result = pytester.runpytest("test_caps.py", f"--budget={EXAMPLE}", "-m", "not audit", "-v")
    result.assert_outcomes(passed=2, deselected=len(default_codes()))
    result.stdout.fnmatch_lines([f"*test_sangong_cap?{NAME}? PASSED*"])
    skipped = pytester.runpytest("test_caps.py")
    skipped.assert_outcomes(skipped=2)


def test_rule_tests_broken_case_fails_loudly(pytester: pytest.Pytester) -> None:
    pack = pytester.path / "pack"
    pack.mkdir()
    (pack / "r.yaml").write_text(PACK.replace("BROKEN", "2"), encoding="utf-8")
    result = pytester.runpytest("--rule-tests=pack", "-v")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*MY001::quiet[[]adds up[]] PASSED*",
            "*MY001::fires[[]one row off[]] FAILED*",
            "*case 'one row off'*",
            "expected: 2 finding(s)",
            "actual:   1 finding",
            "*gpb_function / 204*合计 10.01*",
        ]
    )


def test_rule_tests_of_a_plugin_file_and_a_bad_pack(pytester: pytest.Pytester) -> None:
    pytester.path.joinpath("prov.py").write_text(
        textwrap.dedent(
            """
            from auditor import hookimpl, rule

            @rule("PROV001", name="no-sangong", tags=["sangong"], cases=[
                {"name": "empty", "fires": False, "budget": {}},
                {"name": "printed", "fires": 1, "budget": {"tables": {"sangong": [{"total": "1.00"}]}}},
            ])
            def no_sangong(budget, ctx):
                if not budget.table("sangong").empty:
                    yield ctx.finding("三公经费表有数据")

            @hookimpl
            def auditor_register_rules():
                return [no_sangong]
            """
        ),
        encoding="utf-8",
    )
    result = pytester.runpytest("--rule-tests=prov.py", "--collect-only", "-q")
    assert item_ids(result) == ["PROV001::quiet[empty]", "PROV001::fires[printed]"]
    pytester.path.joinpath("bad.yaml").write_text("code: [unclosed\n", encoding="utf-8")
    bad = pytester.runpytest("--rule-tests=bad.yaml", "--rule-tests=prov.py")
    bad.assert_outcomes(failed=1, passed=2)
    bad.stdout.fnmatch_lines(["*malformed YAML*", "FAILED bad.yaml::load*"])


def test_rule_tests_builtin(pytester: pytest.Pytester) -> None:
    rules = prepare(Config(entry_points=False)).all_rules
    n = sum(len(r.cases) for r in rules)
    result = pytester.runpytest("--rule-tests=builtin", "-q", "-p", "no:randomly")
    result.assert_outcomes(passed=n)
    same = pytester.runpytest(f"--rule-tests={ROOT / 'rules'}", "--collect-only", "-q")
    assert len(item_ids(same)) == n


def test_inactive_without_options(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_one="def test_one():\n    pass\n")
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=1)
    assert "budget-auditor:" not in result.stdout.str()


def test_xdist(pytester: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    xml = pytester.path / "audit.xml"
    result = pytester.runpytest_subprocess(f"--budget={EXAMPLE}", "-n", "2", f"--junitxml={xml}")
    failing = failing_codes(EXAMPLE)
    result.assert_outcomes(failed=len(failing), passed=len(default_codes()) - len(failing))
    assert len(list(ET.parse(xml).getroot().iter("testcase"))) == len(default_codes())

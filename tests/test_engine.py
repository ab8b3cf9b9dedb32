"""The engine: rules from decorator and plugins, results normalised, containment of crashing rules."""

from __future__ import annotations

from pathlib import Path

import pytest

import auditor
from auditor.config import Config
from auditor.engine import audit, audit_paths, exit_code, prepare
from auditor.errors import PluginError, RuleError
from auditor.testing import budget_from_dict, check_rule_cases, run_rule

DATA = Path(__file__).parent / "data"
PLUGINS = DATA / "plugins"
GPB = {
    "gpb_function": [
        {"code": "204", "name": "公共安全支出", "total": "10.00", "basic": "6.00", "project": "4.00", "line": 3},
        {"code": "205", "name": "教育支出", "total": "5.00", "basic": "1.00", "project": "3.00", "line": 4},
    ]
}


def isolated(**kw) -> Config:
    """A config without the built-in rules and installed plugins: only what the test gives."""
    return Config(builtin=False, entry_points=False, **kw)


@auditor.rule("T001", name="mask-rule", tags=["arithmetic"], table="gpb_function", title="合计 = 基本 + 项目")
def mask_rule(budget):
    df = budget.table("gpb_function")
    return df["total"] == df["basic"] + df["project"]


@auditor.rule(
    "T002",
    name="dict-rule",
    severity="warning",
    tags=["editorial"],
    params={"limit": "8.00"},
    cases=[
        {
            "name": "under",
            "fires": 0,
            "budget": {"tables": {"gpb_function": [{"code": "204", "name": "x", "total": "1.00"}]}},
        },
        {
            "name": "over",
            "fires": 1,
            "budget": {"tables": {"gpb_function": [{"code": "204", "name": "x", "total": "9.00"}]}},
        },
        {
            "name": "over a raised limit",
            "fires": False,
            "params": {"limit": "10"},
            "budget": {"tables": {"gpb_function": [{"code": "204", "name": "x", "total": "9.00"}]}},
        },
    ],
)
def dict_rule(budget, ctx):
    """Totals stay under a limit."""
    from auditor.money import to_fen

    for _, row in budget.table("gpb_function").iterrows():
        if row["total"] > to_fen(str(ctx.params["limit"])):
            yield {
                "message": f"{row['code']} over {ctx.params['limit']}",
                "table": "gpb_function",
                "row": row["code"],
                "line": row["line"],
            }


def test_decorator_builds_rule_with_metadata():
    assert isinstance(dict_rule, auditor.Rule)
    assert (dict_rule.code, dict_rule.name, dict_rule.severity, dict_rule.tags, dict_rule.kind) == (
        "T002",
        "dict-rule",
        "warning",
        ["editorial"],
        "python",
    )
    assert dict_rule.title == "Totals stay under a limit."
    assert dict_rule.origin == __file__ and dict_rule.line
    assert check_rule_cases(dict_rule) == 3


def test_mask_results_become_one_finding_per_failing_row():
    (f,) = run_rule(mask_rule, {"tables": GPB})
    assert (f.rule, f.location.table, f.location.row, f.location.line, f.message) == (
        "T001",
        "gpb_function",
        "205",
        4,
        "合计 = 基本 + 项目",
    )


def test_bad_rule_metadata_is_refused():
    with pytest.raises(RuleError, match="bad severity"):
        auditor.rule("T9", name="x", severity="fatal")(lambda b: None)
    with pytest.raises(RuleError, match="tag 'Frob_x' must be lower-case words joined by hyphens"):
        auditor.rule("T9", name="x", tags=["Frob_x"])(lambda b: None)
    with pytest.raises(RuleError, match="tag 'internal' is reserved"):
        auditor.rule("T9", name="x", tags=["internal"])(lambda b: None)
    with pytest.raises(RuleError, match="must be upper-case"):
        auditor.rule("t9", name="x")(lambda b: None)


def test_check_rule_cases_reports_the_failing_case():
    broken = auditor.rule("T003", name="never", cases=[{"name": "should fire", "fires": True, "budget": {}}])(
        lambda b: None
    )
    with pytest.raises(AssertionError, match=r"rule T003 .* case 'should fire': expected some findings, got 0"):
        check_rule_cases(broken)


def test_crashing_rule_is_contained_and_others_still_run():
    cfg = isolated(plugins=[PLUGINS / "crashing_plugin.py"], rule_timeout=0.5)
    report = audit(budget_from_dict({"tables": GPB}), cfg)
    by_rule = {f.rule: f for f in report.findings}
    crash = by_rule["ZZ001"]
    assert crash.tags == ["internal"] and crash.severity == "error"
    assert "ZZ001" in crash.message and "ValueError: boom in plugin rule" in crash.message
    assert "crashing_plugin.py:10" in crash.message
    slow = by_rule["ZZ003"]
    assert slow.tags == ["internal"] and "time limit" in slow.message
    assert by_rule["ZZ002"].message == "found something"
    assert report.crashed and exit_code([report], cfg) == 3
    assert [r.code for r in report.rules] == ["ZZ001", "ZZ002", "ZZ003"]


def test_plugin_that_cannot_load_names_its_file_and_line():
    with pytest.raises(PluginError) as info:
        prepare(isolated(plugins=[PLUGINS / "broken_import.py"]))
    assert "broken_import.py:4: cannot load plugin: RuntimeError: plugin failed at import" in str(info.value)


def test_audit_sorts_findings_and_fills_document():
    cfg = isolated(rules=[DATA / "rules" / "pack"])
    rows = [dict(r) for r in GPB["gpb_function"]]
    rows[0]["total"] = "11.00"
    b = budget_from_dict({"meta": {"source": "doc.txt"}, "tables": {"gpb_function": rows}})
    report = audit(b, cfg)
    assert [(f.rule, f.location.line) for f in report.findings] == [("X001", 3), ("X001", 4)]
    assert report.findings[0].document == "doc.txt"
    assert report.document["path"] == "doc.txt"
    assert not hasattr(b, "previous")


def test_schema_rule_reports_pandera_failures():
    b = budget_from_dict({"tables": {"gpb_function": [{"code": "20A", "name": "x", "total": "-1.00", "line": 7}]}})
    from auditor.builtin import schema_rule

    found = run_rule(schema_rule, b)
    assert {f.location.column for f in found} >= {"code", "total"}
    assert all(f.rule == "SCH001" and f.tags == ["schema"] for f in found)


def test_audit_paths_keeps_going_after_a_bad_file(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_text("", encoding="utf-8")
    reports = list(audit_paths([bad], isolated()))
    assert reports[0].error and "file is empty" in reports[0].error
    assert exit_code(reports, isolated()) == 2


def test_builtin_rules_load_through_the_plugin_manager():
    engine = prepare(Config(entry_points=False))
    codes = {r.code for r in engine.all_rules}
    assert "SCH001" in codes
    assert engine.pm.get_plugin("builtin") is not None


def test_configure_and_modify_findings_hooks():
    from auditor.plugins import load_plugin_file

    plugin = PLUGINS / "hooks_plugin.py"
    cfg = isolated(plugins=[plugin], rules=[DATA / "rules" / "pack"])
    rows = [dict(r) for r in GPB["gpb_function"]]
    rows[0]["total"] = "11.00"
    report = audit(budget_from_dict({"tables": {"gpb_function": rows}}), cfg)
    assert load_plugin_file(plugin).SEEN["config"] is cfg
    assert [(f.rule, f.location.row) for f in report.findings] == [("X001", "204")]  # 205 removed by the hook
    crash_cfg = isolated(plugins=[plugin], rules=[DATA / "rules" / "pack"], settings={"hooks-test": {"crash": True}})
    report = audit(budget_from_dict({"tables": {"gpb_function": rows}}), crash_cfg)
    internal = [f for f in report.findings if "internal" in f.tags]
    assert internal and "hooks_plugin.py" in internal[0].message and "KeyError" in internal[0].message
    assert {f.rule for f in report.findings} >= {"X001"} and exit_code([report], crash_cfg) == 3


def test_timeout_cannot_be_swallowed_by_the_rule():
    import time

    @auditor.rule("T010", name="swallower", tags=["editorial"])
    def swallower(budget):
        try:
            time.sleep(3)
        except Exception:  # noqa: BLE001
            return [{"message": "should not happen"}]

    from auditor.engine import run_rule_contained

    t = time.perf_counter()
    (f,) = run_rule_contained(swallower, budget_from_dict({}), isolated(rule_timeout=0.2))
    assert time.perf_counter() - t < 2 and f.tags == ["internal"] and "time limit" in f.message


def test_yaml_rule_runtime_error_is_contained_with_its_file_and_line(tmp_path):
    (tmp_path / "r.yaml").write_text(
        # a text parameter against a number: only known at run time (a text literal is refused at load time)
        'code: R001\nname: text-vs-number\ntags: [arithmetic]\nparams: {x: "a"}\ntable: gpb_function\nassert: "total > params.x"\n',
        encoding="utf-8",
    )
    report = audit(budget_from_dict({"tables": GPB}), isolated(rules=[tmp_path]))
    (f,) = report.findings
    assert (
        f.tags == ["internal"]
        and f.rule == "R001"
        and "TypeError" in f.message
        and f"{tmp_path / 'r.yaml'}:1" in f.message
    )

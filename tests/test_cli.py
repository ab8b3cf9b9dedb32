"""The auditor command: exit codes 0/1/2/3, one-line errors, select/ignore, baselines, rules and explain."""

from __future__ import annotations

import json

import pytest
from cli_helpers import DATA, PACK, cli


def test_findings_give_exit_1_and_fail_on_never_gives_0(doc, capsys):
    code, out, err = cli(capsys, "audit", doc, "--rules", PACK, "--select", "X")
    assert code == 1 and "X001" in out and err == ""
    code, out, _ = cli(capsys, "audit", doc, "--rules", PACK, "--select", "X", "--fail-on", "never")
    assert code == 0


def test_json_output_and_select_ignore(doc, capsys):
    code, out, _ = cli(
        capsys, "audit", doc, "--rules", PACK, "--select", "X001,X002", "--ignore", "X002", "--format", "json"
    )
    data = json.loads(out)
    assert {f["rule"] for f in data["findings"]} == {"X001"}
    assert data["summary"]["error"] == len(data["findings"]) == 1
    assert data["findings"][0]["location"]["row"] == "204"


def test_malformed_rule_file_exits_2_naming_file_and_line(doc, capsys):
    bad = DATA / "rules" / "bad" / "malformed.yaml"
    code, out, err = cli(capsys, "audit", doc, "--rules", bad)
    assert code == 2 and out == ""
    assert (
        err.strip() == f"auditor: error: {bad}:7: malformed YAML: expected ',' or ']', but got '<stream end>'"
        or err.startswith(f"auditor: error: {bad}:7: malformed YAML")
    )
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "expr", ["__import__('os').system('touch PWNED')", "().__class__.__bases__", "open('x')", "lambda: 1", "9**9**9"]
)
def test_hostile_rule_exits_2_and_runs_nothing(doc, capsys, tmp_path, expr):
    evil = tmp_path / "evil"
    evil.mkdir()
    (evil / "e.yaml").write_text(f"code: E001\nname: evil\ntable: gpb_function\nassert: {expr!r}\n", encoding="utf-8")
    code, out, err = cli(capsys, "audit", doc, "--rules", evil)
    assert code == 2 and f"{evil / 'e.yaml'}:4:" in err and "Traceback" not in err
    assert not (tmp_path / "PWNED").exists()


def test_crashing_plugin_rule_exits_3_and_other_findings_are_reported(doc, capsys):
    code, out, err = cli(
        capsys,
        "audit",
        doc,
        "--plugin",
        DATA / "plugins" / "crashing_plugin.py",
        "--rules",
        PACK,
        "--select",
        "ZZ,X001",
        "--rule-timeout",
        "0.5",
        "--format",
        "json",
    )
    assert code == 3
    findings = json.loads(out)["findings"]
    crash = [f for f in findings if f["rule"] == "ZZ001"]
    assert crash and crash[0]["tags"] == ["internal"] and "ValueError: boom in plugin rule" in crash[0]["message"]
    assert {"ZZ002", "X001", "ZZ003"} <= {f["rule"] for f in findings}
    assert "crashed" in err


def test_broken_plugin_exits_2(doc, capsys):
    code, _, err = cli(capsys, "audit", doc, "--plugin", DATA / "plugins" / "broken_import.py")
    assert code == 2 and "broken_import.py:4: cannot load plugin" in err


def test_baseline_written_then_used(doc, capsys, tmp_path):
    base = tmp_path / "baseline.json"
    code, _, err = cli(capsys, "audit", doc, "--rules", PACK, "--select", "X", "--write-baseline", base)
    assert code == 1 and base.exists() and "wrote" in err
    code, out, _ = cli(capsys, "audit", doc, "--rules", PACK, "--select", "X", "--baseline", base, "--format", "json")
    assert code == 0 and json.loads(out)["findings"] == []


def test_config_file_in_cwd_is_used(doc, capsys, tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        f"[tool.auditor]\nrules = ['{PACK}']\nselect = ['X001']\nfail_on = 'never'\n", encoding="utf-8"
    )
    code, out, _ = cli(capsys, "audit", doc, "--format", "json")
    assert code == 0 and {f["rule"] for f in json.loads(out)["findings"]} == {"X001"}


def test_bad_input_and_usage_errors_are_one_line_exit_2(doc, capsys, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    code, _, err = cli(capsys, "audit", empty, "--select", "X")
    assert code == 2 and f"auditor: error: {empty}: file is empty" in err
    code, _, err = cli(capsys, "audit", "--frobnicate", doc)
    assert code == 2 and err.startswith("auditor: error: unrecognized arguments") and len(err.strip().splitlines()) == 1
    code, _, err = cli(capsys, "audit", doc, "--format", "nosuch")
    assert code == 2 and "unknown" in err and "nosuch" in err


def test_one_bad_document_does_not_stop_the_others(doc, capsys, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    code, out, err = cli(capsys, "audit", empty, doc, "--rules", PACK, "--select", "X", "--format", "json")
    assert code == 2 and "file is empty" in err
    assert "X001" in out


def test_rules_and_explain(doc, capsys):
    code, out, _ = cli(capsys, "rules", "--rules", PACK, "--tag", "cross-table")
    assert code == 0 and "X003" in out and "X001" not in out
    code, out, _ = cli(capsys, "rules", "--rules", PACK, "--format", "json")
    rules = {r["code"]: r for r in json.loads(out)}
    assert (
        rules["X003"]["reference"]
        == "部门预算编制规范 — 收入预算总表：合计 = 财政拨款 + 事业收入 + 事业单位经营收入 + 其他收入（可信度：高）"
        and rules["SCH001"]["kind"] == "python"
    )
    code, out, _ = cli(capsys, "explain", "X003", "--rules", PACK)
    assert code == 0 and "basic-equals-economic-total" in out and "Reference:" in out and "differ: fires" in out
    code, _, err = cli(capsys, "explain", "NOPE999")
    assert code == 2 and "no rule" in err


def test_parse_json(doc, capsys):
    code, out, _ = cli(capsys, "parse", doc, "--format", "json")
    assert code == 0 and json.loads(out)["tables"]["gpb_function"][1]["total"] == "11.00"

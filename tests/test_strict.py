"""Nothing passes silently: each selector and setting must name something, inputs must yield documents.

Each case here once exited 0 having checked nothing (or less than asked); now it exits 2 with one
line naming the token, where it came from and the nearest valid ones.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from cli_helpers import DATA, cli

from auditor.config import Config, Waiver
from auditor.engine import apply_waivers, prepare
from auditor.errors import ConfigError
from auditor.export import budget_to_json
from auditor.findings import Finding, Location
from auditor.testing import budget_from_dict


def one_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.mark.parametrize(
    "option, token, message",
    [
        ("--select", "NV03", "auditor: error: --select: 'NV03' matches no rule code, code prefix, name or tag (did you mean NV003?)"),
        ("--select", "nv003", "(did you mean NV003?)"),
        ("--select", "sangong-cpa", "(did you mean sangong-cap?)"),
        ("--ignore", "arithmetc", "auditor: error: --ignore: 'arithmetc' matches no rule code, code prefix, name or tag (did you mean arithmetic?)"),
        ("--select", "QQ", "'QQ' matches no rule code, code prefix, name or tag (see `auditor rules`)"),
    ],
)  # fmt: skip
def test_unknown_selector_on_the_command_line_exits_2(doc, capsys, option, token, message):
    code, out, err = cli(capsys, "audit", doc, option, token)
    assert code == 2 and out == ""
    assert message in one_error(err)


def test_rule_names_code_prefixes_and_tags_still_select(doc, capsys):
    for token in ("sangong-cap", "SG", "sangong", "SG006", "ALL"):
        code, _, err = cli(capsys, "audit", doc, "--select", token, "--fail-on", "never")
        assert code == 0 and err == "", token


def test_unknown_selector_in_the_config_names_file_and_line(doc, capsys, tmp_path):
    (tmp_path / "auditor.toml").write_text('fail_on = "error"\nselect = ["AR", "XX"]\n', encoding="utf-8")
    code, _, err = cli(capsys, "audit", doc)
    assert code == 2
    assert one_error(err) == (
        f"auditor: error: {tmp_path / 'auditor.toml'}:2: select 'XX' matches no rule code, code prefix, name or tag"
        " (see `auditor rules`)"
    )


@pytest.mark.parametrize(
    "toml, line, message",
    [
        ('[params.SG003]\ncap_total = "50.00"\n', 2, "params.SG003: unknown parameter 'cap_total' (SG003 (sangong-changes-add-up) takes no parameters)"),
        ('[params.SG006]\ncap_totl = "50.00"\n', 2, "params.SG006: unknown parameter 'cap_totl' (did you mean cap_total? SG006 takes cap_total, cap_outbound, cap_vehicle, cap_reception)"),
        ('[params.sangong-cap]\n\ncap_total = true\n', 3, "params.sangong-cap.cap_total must be a decimal, not a boolean (SG006 sangong-cap)"),
        ('[params.SG006]\ncap_total = "fifty"\n', 2, "params.SG006.cap_total must be a decimal, not 'fifty' (SG006 sangong-cap)"),
        ('[params.SG0006]\ncap_total = "50"\n', 1, "params.SG0006 names unknown rule 'SG0006' (did you mean SG006?)"),
        ('[severity]\nKP04 = "info"\n', 2, "severity names unknown rule 'KP04' (did you mean KP004?)"),
        ('[[waivers]]\nrule = "AR999"\njustification = "x"\n', 2, "waiver names unknown rule 'AR999'"),
        ('[settings.nosuch]\nx = 1\n', 1, "settings.nosuch: no loaded plugin declares these settings"),
    ],
)  # fmt: skip
def test_unknown_or_mistyped_settings_exit_2_with_file_line(doc, capsys, tmp_path, toml, line, message):
    cfg = tmp_path / "auditor.toml"
    cfg.write_text(toml, encoding="utf-8")
    code, _, err = cli(capsys, "audit", doc)
    assert code == 2
    assert one_error(err).startswith(f"auditor: error: {cfg}:{line}: {message}")


def test_a_cap_configured_by_rule_name_is_enforced(doc, capsys, tmp_path):
    (tmp_path / "auditor.toml").write_text('[params.sangong-cap]\ncap_total = "1.00"\n', encoding="utf-8")
    doc.write_text(
        budget_to_json(
            budget_from_dict(
                {"meta": {"department": "测试局", "year": 2024}, "tables": {"sangong": [{"total": "50000.00"}]}}
            )
        ),
        encoding="utf-8",
    )
    code, out, _ = cli(capsys, "audit", doc, "--select", "SG006", "--format", "json")
    assert code == 1 and [f["rule"] for f in json.loads(out)["findings"]] == ["SG006"]


def test_baseline_of_an_unknown_rule_exits_2(doc, capsys, tmp_path):
    base = tmp_path / "baseline.json"
    base.write_text(json.dumps({"version": 1, "findings": [{"document": "x", "rule": "ZZ404", "fingerprint": "f"}]}))
    code, _, err = cli(capsys, "audit", doc, "--baseline", base)
    assert code == 2 and f"{base}: baseline holds findings of rule ZZ404, which is not loaded" in one_error(err)


def test_explain_accepts_names_and_suggests(doc, capsys):
    code, out, _ = cli(capsys, "explain", "sangong-cap")
    assert code == 0 and out.startswith("SG006  sangong-cap")
    code, _, err = cli(capsys, "explain", "sangong-cpa")
    assert code == 2 and one_error(err) == "auditor: error: no rule 'sangong-cpa' (did you mean sangong-cap?)"


def test_settings_declared_by_a_plugin_are_checked(tmp_path):
    plugin = DATA / "plugins" / "hooks_plugin.py"
    ok = Config(builtin=False, entry_points=False, plugins=[plugin], settings={"hooks-test": {"crash": False}})
    prepare(ok)
    bad = Config(builtin=False, entry_points=False, plugins=[plugin], settings={"hooks-test": {"crsh": False}})
    with pytest.raises(ConfigError, match=r"settings.hooks-test: unknown key 'crsh' \(did you mean crash\?\)"):
        prepare(bad)
    wrong = Config(builtin=False, entry_points=False, plugins=[plugin], settings={"hooks-test": {"crash": "yes"}})
    with pytest.raises(ConfigError, match=r"settings.hooks-test.crash must be a bool, not 'yes'"):
        prepare(wrong)


def test_expired_waiver_of_one_document_is_reported_on_that_document_only():
    past = dt.date.today() - dt.timedelta(days=1)
    cfg = Config(waivers=[Waiver(rule="X001", justification="ok", expires=past, document="*/a.json")])
    finding = Finding(rule="X001", severity="error", message="m", location=Location(table="t"), document="d/b.json")
    assert [f.rule for f in apply_waivers([finding], cfg, "d/b.json")] == ["X001"]
    finding.document = "d/a.json"
    assert [f.rule for f in apply_waivers([finding], cfg, "d/a.json")] == ["X001", "CFG001"]


# ----------------------------------------------------------------------------------------------
# inputs that yield nothing


def test_directory_without_disclosures_exits_2(doc, capsys, tmp_path):
    empty = tmp_path / "nothing"
    empty.mkdir()
    (empty / "notes.md").write_text("x", encoding="utf-8")
    code, out, err = cli(capsys, "audit", empty)
    assert code == 2 and out == ""
    assert one_error(err) == (
        f"auditor: error: {empty}: no disclosure in this directory (looked for *.json, *.pdf, *.txt, *.xlsx, recursively)"
    )


def test_glob_matching_only_non_disclosures_exits_2(doc, capsys, tmp_path):
    (tmp_path / "sub").mkdir()
    code, _, err = cli(capsys, "audit", str(tmp_path / "su*"))
    assert code == 2 and "no disclosure matches" in one_error(err)


def test_batch_where_every_document_fails_exits_2_without_summary(doc, capsys, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("hello", encoding="utf-8")
    b.write_text("", encoding="utf-8")
    code, out, err = cli(capsys, "audit", a, b, "-j", "1")
    assert code == 2
    assert "none of the 2 documents could be loaded" in err
    assert "0 errors" not in out and "无法审核" in out and "错误 0 条" not in out


def test_failed_load_prints_no_summary_line(doc, capsys, tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("hello", encoding="utf-8")
    code, out, err = cli(capsys, "audit", a)
    assert code == 2 and "not a budget disclosure" in err
    assert "0 errors" not in out
    code, out, _ = cli(capsys, "audit", a, "-q")
    assert code == 2 and out == ""


def test_unreachable_scheduler_is_a_usage_error(doc, capsys):
    pytest.importorskip("dask.distributed")
    code, _, err = cli(capsys, "audit", doc, "--scheduler", "tcp://127.0.0.1:9")
    assert code == 2
    assert one_error(err).startswith("auditor: error: cannot reach the dask scheduler at tcp://127.0.0.1:9: ")


def test_a_readme_that_names_the_forms_is_not_a_disclosure(capsys, tmp_path):
    """A corpus-style README mentions 部门预算 and 绩效目标申报表 in table rows and English prose:
    none of that is a heading, so it is refused (exit 2), not audited into a page of missing tables."""
    readme = tmp_path / "README.md"
    readme.write_text(
        "# Corpus: real published disclosures\n\n| file | what it is |\n|---|---|\n"
        "| `a-2024-budget.txt` | 上海市公安局闵行分局 2024 部门预算, text after OCR | 8 projects with 绩效目标申报表 |\n\n"
        "None of the budget PDFs contains a 绩效目标申报表 (the text has eight).\n",
        encoding="utf-8",
    )
    code, _, err = cli(capsys, "audit", readme, "-q")
    assert code == 2 and "README.md: not a budget disclosure" in err

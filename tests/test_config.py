"""Configuration: discovery, select/ignore, severity and params, waivers (active and expired), baselines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from auditor.baseline import read_baseline, write_baseline
from auditor.config import Config, find_config, load_config
from auditor.engine import audit, prepare
from auditor.errors import ConfigError
from auditor.testing import budget_from_dict

DATA = Path(__file__).parent / "data"
PACK = DATA / "rules" / "pack"
BAD_ROWS = {
    "gpb_function": [
        {"code": None, "name": "合计", "total": "17.00", "basic": "7.00", "project": "7.00", "line": 2},
        {"code": "204", "name": "公共安全支出", "total": "11.00", "basic": "6.00", "project": "4.00", "line": 3},
        {"code": "205", "name": "教育支出", "total": "5.00", "basic": "1.00", "project": "3.00", "line": 4},
    ]
}


def cfg_from(tmp_path: Path, toml: str) -> Config:
    (tmp_path / "auditor.toml").write_text(toml, encoding="utf-8")
    return load_config(tmp_path / "auditor.toml").replace(builtin=False, entry_points=False)


def run(cfg: Config):
    return audit(budget_from_dict({"meta": {"source": "dept.txt"}, "tables": BAD_ROWS}), cfg)


def test_discovery_prefers_auditor_toml_then_pyproject(tmp_path, monkeypatch):
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text("[tool.auditor]\nfail_on = 'warning'\n", encoding="utf-8")
    monkeypatch.chdir(sub)
    assert find_config() == tmp_path / "pyproject.toml"
    assert load_config().fail_on == "warning"
    (tmp_path / "a" / "auditor.toml").write_text("fail_on = 'info'\n", encoding="utf-8")
    assert load_config().fail_on == "info"


def test_rule_paths_are_relative_to_the_config_file(tmp_path):
    cfg = cfg_from(tmp_path, f"rules = ['{PACK}']\nplugins = ['p.py']\n")
    assert cfg.rules == [PACK] and cfg.plugins == [tmp_path / "p.py"]


@pytest.mark.parametrize(
    "toml, problem",
    [
        ("frob = 1\n", "auditor.toml:1: unknown key 'frob'"),
        ("fail_on = 'sometimes'\n", "auditor.toml:1: fail_on must be one of"),
        ("[severity]\nX001 = 'fatal'\n", "auditor.toml:2: severity of X001"),
        ("[[waivers]]\nrule = 'X001'\n", "needs a justification"),
        ("[[waivers]]\nrule = 'X001'\njustification = 'ok'\nexpires = 'soon'\n", "expires must be YYYY-MM-DD"),
        ("fail_on = 'error'\nselect = ]\n", "auditor.toml:2: malformed TOML"),
    ],
)
def test_config_errors_name_file_and_line(tmp_path, toml, problem):
    with pytest.raises(ConfigError) as info:
        cfg_from(tmp_path, toml)
    assert problem in str(info.value)


@pytest.mark.parametrize(
    "select, ignore, codes",
    [
        ([], [], {"X001", "X002"}),
        (["X001"], [], {"X001"}),
        (["X"], ["X002"], {"X001"}),
        (["arithmetic"], [], {"X001", "X002"}),
        ([], ["arithmetic"], set()),
        (["function-hierarchy"], [], {"X002"}),
        (["cross-table"], [], set()),
    ],
)
def test_select_and_ignore_by_code_prefix_name_and_tag(select, ignore, codes):
    cfg = Config(builtin=False, entry_points=False, rules=[PACK], select=select, ignore=ignore)
    assert {f.rule for f in run(cfg).findings} == codes


def test_severity_override_and_params(tmp_path):
    cfg = cfg_from(tmp_path, f"rules = ['{PACK}']\n[severity]\nX001 = 'info'\n")
    assert {f.severity for f in run(cfg).findings if f.rule == "X001"} == {"info"}
    with pytest.raises(ConfigError, match=r"auditor.toml:2: params.NOPE1 names unknown rule 'NOPE1'"):
        prepare(cfg_from(tmp_path, f"rules = ['{PACK}']\n[params.NOPE1]\nx = 1\n"))


def test_waivers_active_and_expired(tmp_path):
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    past = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    cfg = cfg_from(
        tmp_path,
        f"""rules = ['{PACK}']
[[waivers]]
rule = "X001"
location = "gpb_function/204/*"
justification = "OCR misread; the PDF prints 10.00"
owner = "审计局 张三"
expires = {future}
[[waivers]]
rule = "X002"
location = {{table = "gpb_function", row = "合计"}}
justification = "known template defect"
owner = "李四"
expires = {past}
""",
    )
    report = run(cfg)
    x001 = [f for f in report.findings if f.rule == "X001"]
    assert [f.location.row for f in x001] == ["合计", "205"]  # 204 is waived
    expired = [f for f in report.findings if f.rule == "CFG001"]
    assert len(expired) == 1 and expired[0].severity == "warning" and "internal" not in expired[0].tags
    assert "waiver of X002" in expired[0].message and past in expired[0].message
    assert any(f.rule == "X002" and f.location.row == "合计" for f in report.findings)  # no longer waived
    shown = run(cfg.replace(show_waived=True))
    waived = [f for f in shown.findings if f.rule == "X001" and f.location.row == "204"]
    assert waived and waived[0].severity == "info" and "waived: OCR misread" in waived[0].note


def test_baseline_round_trip(tmp_path):
    cfg = Config(builtin=False, entry_points=False, rules=[PACK])
    first = run(cfg)
    assert first.findings
    path = tmp_path / "baseline.json"
    assert write_baseline(path, [first]) == len(first.findings)
    assert len(read_baseline(path)) == len(first.findings)
    assert run(cfg.replace(baseline=path)).findings == []
    rows = {
        "gpb_function": [
            *BAD_ROWS["gpb_function"],
            {"code": "206", "name": "科学技术支出", "total": "9.00", "basic": "1.00", "project": "1.00", "line": 5},
        ]
    }
    new = audit(budget_from_dict({"meta": {"source": "dept.txt"}, "tables": rows}), cfg.replace(baseline=path))
    assert [(f.rule, f.location.row) for f in new.findings if f.rule == "X001"] == [("X001", "206")]


def test_fail_on():
    c = Config()
    assert c.fails("error") and not c.fails("warning")
    assert Config(fail_on="info").fails("info")
    assert not Config(fail_on="never").fails("error")

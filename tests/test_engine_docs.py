"""The worked examples of docs/writing-rules.md and docs/writing-plugins.md run, and the example plugin package installs."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

import auditor
from auditor.cli import run
from auditor.testing import check_rule_cases
from auditor.yamlrules import parse_rules

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXAMPLE = ROOT / "plugins" / "example-plugin"


def blocks(doc: str, lang: str) -> list[tuple[int, str]]:
    """(line, code) of each fenced block of `lang` in a docs page."""
    text = (DOCS / doc).read_text(encoding="utf-8")
    out = []
    for m in re.finditer(rf"^```{lang}\n(.*?)^```", text, re.M | re.S):
        out.append((text[: m.start()].count("\n") + 1, m.group(1)))
    return out


RULE_YAML = blocks("writing-rules.md", "yaml")
RULE_PY = blocks("writing-rules.md", "python")
PLUGIN_PY = blocks("writing-plugins.md", "python")


def test_docs_have_examples():
    assert len(RULE_YAML) >= 10 and len(RULE_PY) >= 2 and len(PLUGIN_PY) >= 2


@pytest.mark.parametrize("line, code", RULE_YAML, ids=[f"writing-rules.md:{ln}" for ln, _ in RULE_YAML])
def test_writing_rules_yaml_examples(line, code):
    rules = parse_rules(code, f"docs/writing-rules.md:{line}")
    for r in rules:
        assert r.cases, f"example rule {r.code} at line {line} has no tests"
        check_rule_cases(r)


@pytest.mark.parametrize("line, code", RULE_PY, ids=[f"writing-rules.md:{ln}" for ln, _ in RULE_PY])
def test_writing_rules_python_examples(line, code, tmp_path):
    f = tmp_path / f"example_{line}.py"
    f.write_text(code, encoding="utf-8")
    namespace: dict = {"__name__": f"docs_example_{line}", "__file__": str(f)}
    exec(compile(code, str(f), "exec"), namespace)  # the docs' own code, not rule text
    for obj in namespace.values():
        if isinstance(obj, auditor.Rule):
            check_rule_cases(obj)


@pytest.mark.parametrize("line, code", PLUGIN_PY, ids=[f"writing-plugins.md:{ln}" for ln, _ in PLUGIN_PY])
def test_writing_plugins_examples_load_with_plugin_flag(line, code, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    plugin = tmp_path / f"province_{line}.py"
    plugin.write_text(code, encoding="utf-8")
    assert run(["rules", "--plugin", str(plugin), "--format", "json"]) == 0
    listed = {r["code"]: r for r in json.loads(capsys.readouterr().out)}
    from auditor.plugins import load_plugin_file

    module = load_plugin_file(plugin)
    for obj in vars(module).values():
        if isinstance(obj, auditor.Rule):
            assert obj.code in listed
            check_rule_cases(obj)


@pytest.fixture
def installed_example(tmp_path, monkeypatch):
    """The example plugin 'installed': its source on sys.path plus dist-info metadata with the entry point.

    This is what `pip install ./plugins/example-plugin` leaves behind, without touching the venv.
    """
    meta = tomllib.loads((EXAMPLE / "pyproject.toml").read_text(encoding="utf-8"))
    project = meta["project"]
    site = tmp_path / "site"
    dist = site / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n", encoding="utf-8"
    )
    eps = "".join(f"{k} = {v}\n" for k, v in project["entry-points"]["auditor"].items())
    (dist / "entry_points.txt").write_text(f"[auditor]\n{eps}", encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.syspath_prepend(str(EXAMPLE))
    monkeypatch.chdir(tmp_path)
    return project


def test_example_plugin_package_is_found_through_its_entry_point(installed_example, capsys):
    assert run(["rules", "--tag", "sangong", "--format", "json"]) == 0
    listed = {r["code"]: r for r in json.loads(capsys.readouterr().out)}
    assert "EXP001" in listed and listed["EXP001"]["name"] == "reception-cap"
    assert run(["explain", "EXP001"]) == 0
    assert "公务接待费不超过本省控制数" in capsys.readouterr().out
    from auditor_example_plugin import reception_cap

    assert check_rule_cases(reception_cap) == 3

"""YAML read once and kept between runs (auditor.yamltext): the same data as PyYAML, or no entry."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from auditor import yamltext
from auditor.errors import RuleError
from auditor.yamlrules import loading

RULES = """\
- code: T001
  name: first
  title: A first rule
  severity: warning
  tags: [disclosure]
  reference: {regulation: 测试, sources: [S1]}
  require:
    sections:
      notes: 编制说明

- code: T002
  name: second
  title: A second rule
  severity: info
  tags: [disclosure]
  require:
    sections:
      organisation: 机构设置
"""


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache directory of its own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    loading.clear_cache()
    yield tmp_path / "cache" / "budget-auditor" / "yaml"
    loading.clear_cache()


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.json")) if cache.is_dir() else []


def _described(rules) -> list[tuple]:
    fields = ("code", "name", "title", "description", "severity", "tags", "reference", "params", "cases")
    more = ("table", "param_types", "origin", "line", "kind", "spec", "kinds")
    return [tuple(repr(getattr(r, f)) for f in (*fields, *more)) for r in rules]


def _no_yaml(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("PyYAML was asked although the text was kept")

    monkeypatch.setattr(loading, "_compose", refuse)
    monkeypatch.setattr(yamltext, "_parse", refuse)


def test_a_rule_file_read_again_comes_from_the_cache_with_the_same_rules_and_lines(cache, tmp_path, monkeypatch):
    pack = tmp_path / "pack.yaml"
    pack.write_text(RULES, encoding="utf-8")
    first = loading.load_file(pack)
    assert len(_entries(cache)) == 1
    loading.clear_cache()
    _no_yaml(monkeypatch)
    again = loading.load_file(pack)
    assert _described(again) == _described(first)
    assert [r.line for r in again] == [1, 11]
    assert again[0].reference == {"regulation": "测试", "sources": ["S1"]}


def test_the_built_in_packs_are_kept_and_give_the_rules_pyyaml_gives(cache, monkeypatch):
    from auditor.bundle import rules_dir

    fresh = loading.load_pack(rules_dir())
    assert len(_entries(cache)) == len(loading.rule_files(rules_dir()))  # every built-in file is plain data
    loading.clear_cache()
    _no_yaml(monkeypatch)
    assert _described(loading.load_pack(rules_dir())) == _described(fresh)


def test_the_data_files_are_kept(cache):
    text = "renames:\n  - {code: '210', old: 旧, new: 新, since: 2019, confidence: H}\n"
    assert yamltext.safe_load(text) == yaml.safe_load(text)
    assert len(_entries(cache)) == 1
    assert yamltext.safe_load(text) == yaml.safe_load(text)
    assert len(_entries(cache)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "expires: 2026-12-31\n",  # a date
        "2024: a\n",  # an integer key
        "a: &x [1, 2]\nb: *x\n",  # one list reached twice
        "a: .nan\n",
        "a: .inf\n",
        "a: !!set {x, y}\n",
        "a: !!binary aGVsbG8=\n",
    ],
)
def test_data_json_would_not_give_back_is_never_kept(cache, text):
    assert repr(yamltext.safe_load(text)) == repr(yaml.safe_load(text))
    assert _entries(cache) == []


def test_plain_is_exact_about_types():
    assert yamltext.plain({"a": [1, 2.5, True, None, "x", {"b": []}]})
    assert not yamltext.plain({"a": (1, 2)})
    assert not yamltext.plain({1: "a"})
    assert not yamltext.plain(float("inf"))
    shared = ["x"]
    assert not yamltext.plain({"a": shared, "b": shared})
    deep: list = []
    for _ in range(10_000):  # no recursion limit
        deep = [deep]
    assert yamltext.plain(deep)


def test_a_malformed_file_raises_every_time_and_keeps_nothing(cache, tmp_path):
    pack = tmp_path / "bad.yaml"
    pack.write_text("- code: [unclosed\n", encoding="utf-8")
    for _ in range(2):
        loading.clear_cache()
        with pytest.raises(RuleError, match="malformed YAML"):
            loading.load_file(pack)
    assert _entries(cache) == []


def test_an_entry_depends_on_the_text_and_on_the_code_that_read_it(cache, tmp_path):
    producer = tmp_path / "reader.py"
    producer.write_text("# v1\n", encoding="utf-8")
    calls = []

    def parse():
        calls.append(1)
        return {"a": 1}

    for _ in range(2):
        assert yamltext.remembered("data", "a: 1\n", parse, str(producer)) == {"a": 1}
    assert len(calls) == 1
    assert yamltext.remembered("data", "a: 1 \n", parse, str(producer)) == {"a": 1}
    assert len(calls) == 2  # another text
    producer.write_text("# version two\n", encoding="utf-8")
    assert yamltext.remembered("data", "a: 1\n", parse, str(producer)) == {"a": 1}
    assert len(calls) == 3  # the reader changed
    assert yamltext.remembered("other", "a: 1\n", parse, str(producer)) == {"a": 1}
    assert len(calls) == 4  # another kind of read


def test_a_damaged_entry_is_read_again_and_replaced(cache):
    text = "a: [1, 2]\n"
    yamltext.safe_load(text)
    (entry,) = _entries(cache)
    entry.write_bytes(b'{"a": [1,')
    assert yamltext.safe_load(text) == {"a": [1, 2]}
    assert yamltext.safe_load(text) == {"a": [1, 2]}
    assert entry.read_bytes() == b'{"a": [1, 2]}'


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert yamltext.safe_load("a: 1\n") == {"a": 1}
    assert not list(tmp_path.rglob("*.json"))


def test_without_a_home_nothing_is_kept(monkeypatch):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(os.path, "expanduser", lambda p: p)
    assert yamltext.cache_dir() is None
    assert yamltext.safe_load("a: 1\n") == {"a": 1}


def test_an_invalid_rule_in_a_kept_file_names_the_same_line_every_time(cache, tmp_path, monkeypatch):
    pack = tmp_path / "pack.yaml"
    pack.write_text(RULES.replace("severity: info", "severity: loud"), encoding="utf-8")
    errors = []
    for attempt in range(2):
        loading.clear_cache()
        if attempt:
            _no_yaml(monkeypatch)
        with pytest.raises(RuleError) as info:
            loading.load_file(pack)
        errors.append(str(info.value))
    assert errors[0] == errors[1]
    assert ":14" in errors[0]  # the line of `severity:` in the second rule
    assert len(_entries(cache)) == 1  # the YAML was fine: its read is kept, the rule is checked each run

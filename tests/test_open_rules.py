"""Rule authors' own tags, Python rules without `name`, plugins that register nothing, and the
self-contained docs: references in words (docs/regulations.md), built-in tags documented."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

import auditor
from auditor.cli import run
from auditor.config import Config
from auditor.engine import audit, prepare
from auditor.errors import AuditorWarning, RuleError
from auditor.regulations import CONFIDENCE, PROVISIONS, REGULATIONS, SOURCES, article_words, describe
from auditor.tags import BUILTIN_TAGS
from auditor.testing import budget_from_dict

ROOT = Path(__file__).resolve().parent.parent
ROWS = {"gpb_function": [{"code": "204", "name": "公共安全支出", "total": "11.00", "basic": "6.00", "project": "4.00"}]}


def isolated(**kw):
    return Config(builtin=False, entry_points=False, **kw)


def test_custom_tag_yaml_rule_loads_runs_and_selects(tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "district.yaml").write_text(
        "code: DP001\nname: big-line\ntags: [district-policy]\ntable: gpb_function\n"
        "assert: 'total <= yuan(\"10.00\")'\nmessage: 'too big'\n",
        encoding="utf-8",
    )
    cfg = isolated(rules=[pack], select=["district-policy"])
    report = audit(budget_from_dict({"tables": ROWS}), cfg)
    assert [(f.rule, f.tags) for f in report.findings] == [("DP001", ["district-policy"])]


def test_python_rule_without_name_gets_the_function_name():
    @auditor.rule("PY001", tags=["my-team"])
    def line_too_big(budget, ctx):
        for _, row in budget.table("gpb_function").iterrows():
            if row["total"] > 1000:
                yield ctx.finding("too big", table="gpb_function", row=row["code"])

    assert line_too_big.name == "line-too-big"
    findings = line_too_big.run(budget_from_dict({"tables": ROWS}))
    assert [(f.rule, f.name, f.tags) for f in findings] == [("PY001", "line-too-big", ["my-team"])]


@pytest.mark.parametrize("tag", ["District_Policy", "a--b", "-x", "中文", "internal"])
def test_malformed_or_reserved_tags_are_refused(tag):
    with pytest.raises(RuleError, match="tag"):
        auditor.rule("PY002", name="x", tags=[tag])(lambda b: None)


def test_rules_tags_lists_builtin_meanings_and_custom_tags(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    plugin = tmp_path / "mine.py"
    plugin.write_text(
        "from auditor import hookimpl, rule\n\n\n@rule('MY001', tags=['district-policy'])\ndef my_check(budget):\n"
        "    return None\n\n\n@hookimpl\ndef auditor_register_rules():\n    return [my_check]\n",
        encoding="utf-8",
    )
    assert run(["rules", "--tags", "--plugin", str(plugin)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^sangong\s+\d+\s+三公 expenditure", out, re.M)
    assert re.search(r"^district-policy\s+1\s+\(a rule author's own tag\)", out, re.M)


def test_plugin_registering_nothing_warns_naming_the_file(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    empty = tmp_path / "empty_plugin.py"
    empty.write_text("from auditor import rule\n\n\n@rule('MY009')\ndef forgotten(budget):\n    return None\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        prepare(isolated(plugins=[empty]))
    assert [str(w.message) for w in caught if issubclass(w.category, AuditorWarning)] == [
        f"{empty}: plugin registers nothing (it defines 1 rule(s) but no auditor_register_rules hook returns them)"
    ]
    assert run(["rules", "--plugin", str(empty)]) == 0
    assert f"auditor: warning: {empty}: plugin registers nothing" in capsys.readouterr().err


# ----------------------------------------------------------------------------------------------
# references in words


def builtin_rules():
    return prepare(Config(entry_points=False)).all_rules


def test_every_reference_resolves_to_words():
    for r in builtin_rules():
        ref = r.reference if isinstance(r.reference, dict) else {}
        for token in re.split(r"[;；]", str(ref.get("article") or "")):
            m = re.match(r"([A-Z]+)-(\d+(?:/\d+)*)", token.strip())
            for n in m.group(2).split("/") if m else []:
                assert f"{m.group(1)}-{n}" in PROVISIONS, (
                    f"{r.code}: provision {m.group(1)}-{n} is not in regulations.py"
                )
        for s in ref.get("sources") or []:
            assert s in SOURCES, f"{r.code}: source {s} is not in regulations.py"
        text = r.reference_text() or ""
        assert not re.search(r"\b[A-Z]+-\d{3}\b|\bS\d{1,2}\b|confidence:|sources:", text), f"{r.code}: {text}"


def test_describe_names_regulation_provision_basis_and_confidence():
    ref = {
        "regulation": "财预〔2016〕143号（没有数据的表格应当列出空表并说明）",
        "article": "DISCLOSURE-010",
        "confidence": "H",
        "sources": ["S3", "S5"],
    }
    assert describe(ref) == (
        "财预〔2016〕143号（没有数据的表格应当列出空表并说明） — 没有数据的表格列出空表并说明"
        "（依据：财预〔2016〕143号、上海区级公开模板；可信度：高）"
    )
    assert (
        article_words("CONSIST-001/002; quality")
        == "财务收支预算总表：收入总计 = 支出总计；财政拨款收入 = 一般公共预算 + 政府性基金 + 国有资本经营预算；编校质量"
    )


def test_regulations_page_lists_the_mapping():
    text = (ROOT / "docs" / "regulations.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `([^`]+)` \|", text, re.M))
    assert set(REGULATIONS) | set(SOURCES) | set(PROVISIONS) | set(CONFIDENCE) == rows
    for reg in REGULATIONS.values():
        assert f"| `{reg.id}` | {reg.title} | {reg.issuer} |" in text


def test_builtin_tags_are_documented_with_their_meaning():
    text = (ROOT / "docs" / "writing-rules.md").read_text(encoding="utf-8")
    for tag, meaning in BUILTIN_TAGS.items():
        assert f"| `{tag}` | {meaning} |" in text


def test_the_project_does_not_cite_files_outside_it():
    pattern = re.compile(r"PRODUCT\.md|domain-rules|\.\./shared|reference/")
    hits = []
    for base in ("auditor", "plugins", "rules", "docs"):
        for p in (ROOT / base).rglob("*"):
            if p.suffix in (".py", ".md", ".yaml") and p.is_file() and pattern.search(p.read_text(encoding="utf-8")):
                hits.append(str(p.relative_to(ROOT)))
    for name in ("README.md", "CONTRIBUTING.md"):
        p = ROOT / name
        if p.is_file() and pattern.search(p.read_text(encoding="utf-8")):
            hits.append(name)
    assert hits == []


# ----------------------------------------------------------------------------------------------
# YAML expressions are type-checked against the table's columns when the pack is loaded


@pytest.mark.parametrize(
    "expr, problem",
    [
        ('total <= "50"', "compares money column 'total' with text '50' (money is in fen: write wan(\"…\") or yuan(\"…\"))"),
        ('"50" > basic', "compares money column 'basic' with text '50' (money is in fen: write wan(\"…\") or yuan(\"…\"))"),
        ('total - "1" > 0', "combines money column 'total' with text '1'"),
        ("code + 1 > 0", "combines number 1 with text column 'code'"),
        ('line == "3"', "compares number column 'line' with text '3'"),
    ],
)  # fmt: skip
def test_expression_mixing_money_and_text_is_a_load_error_at_file_line(tmp_path, capsys, expr, problem):
    from auditor.yamlrules import load_pack

    f = tmp_path / "r.yaml"
    f.write_text(f"code: TY001\nname: typed\ntable: gpb_function\n\nassert: '{expr}'\n", encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_pack(f)
    assert str(info.value) == f"{f}:5: rule TY001: expression {expr!r} {problem}"


@pytest.mark.parametrize(
    "expr", ['total <= wan("50")', 'name == "合计"', 'startswith(code, "204") and total > 0', "total <= params.cap"]
)
def test_well_typed_expressions_load(tmp_path, expr):
    from auditor.yamlrules import load_pack

    f = tmp_path / "r.yaml"
    f.write_text(
        f"code: TY002\nname: typed\nparams: {{cap: '1.00'}}\ntable: gpb_function\nassert: '{expr}'\n", encoding="utf-8"
    )
    assert [r.code for r in load_pack(f)] == ["TY002"]

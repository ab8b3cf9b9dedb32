"""Minimal repros of hostile rule files and misbehaving plugins: refused at load (RuleError at file:line)
or contained as an internal finding naming the rule, never a hang, a memory bomb or the end of the run."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pandas as pd
import pytest

from auditor.errors import MAX_MESSAGE, RuleError
from auditor.yamlrules import parse_rules

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "minhang-police-2024-budget.txt"

LAUGHS = """- code: LOL001
  name: lol
  tags: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
  h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
  i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""

RULE = """- code: T001
  name: t
  table: gpb_function
  assert: "{expr}"
"""

RULE_WITH_PARAMS = """- code: T001
  name: t
  table: gpb_function
  params: {{lst: [1, 2], big: 100000000000000000000}}
  assert: "{expr}"
"""


def _rule_error(text: str) -> RuleError:
    with pytest.raises(RuleError) as err:
        parse_rules(text, "pack.yaml")
    assert str(err.value).startswith("pack.yaml"), str(err.value)
    assert len(str(err.value)) <= MAX_MESSAGE + 40
    return err.value


def test_billion_laughs_is_refused_in_under_a_second():
    start = time.process_time()
    err = _rule_error(LAUGHS)
    assert time.process_time() - start < 1
    assert "aliases expand" in str(err)


def test_laughs_in_tags_are_refused_by_rules_and_explain(tmp_path, capsys):
    from auditor.cli import main

    pack = tmp_path / "laughs.yaml"
    pack.write_text(LAUGHS, encoding="utf-8")
    for argv in (["rules", "--rules", str(pack), "--format", "json"], ["explain", "LOL001", "--rules", str(pack)]):
        start = time.process_time()
        assert main(argv) == 2
        assert time.process_time() - start < 5
        err = capsys.readouterr().err
        assert "aliases expand" in err and len(err) < 1000


def test_a_recursive_alias_is_refused():
    assert "itself" in str(_rule_error("- &a\n  code: X001\n  name: x\n  tags: [*a]\n  assert: 'total >= 0'\n"))


def test_a_shared_reference_through_a_merge_key_still_loads():
    text = """- code: M001
  name: m
  table: gpb_function
  reference: &ref
    regulation: 某办法
  assert: "total >= 0"
- code: M002
  name: m2
  table: gpb_function
  reference:
    <<: *ref
  assert: "total >= 0"
"""
    assert [r.code for r in parse_rules(text, "pack.yaml")] == ["M001", "M002"]


def test_an_enormous_error_message_is_cut():
    err = _rule_error("- code: '" + "X" * 1_000_000 + "'\n  name: x\n  assert: 'total >= 0'\n")
    assert "more characters" in str(err)


@pytest.mark.parametrize(
    "expr, what",
    [
        ("total >= yuan('1e999990')", "out of range"),
        ("not " * 2000 + "total", "nests"),
        (" + ".join(["total"] * 1600) + " >= 0", "too long"),
        (" + ".join(["total"] * 600) + " >= 0", "nests"),
        ("(" * 500 + "total" + ")" * 500, "nested"),
    ],
)
def test_huge_literals_and_deep_expressions_are_rule_errors_at_file_line(expr, what):
    start = time.process_time()
    err = _rule_error(RULE.format(expr=expr))
    assert time.process_time() - start < 2
    assert what in str(err) and err.line == 4


@pytest.mark.parametrize(
    "body",
    ["require: {tables: 5}", "require: {sections: 5}", "require: {values: 7}", "require: {facts: 3}"],
)
def test_require_of_the_wrong_shape_is_a_rule_error(body):
    err = _rule_error(f"- code: R001\n  name: r\n  {body}\n")
    assert err.line is not None


@pytest.mark.parametrize(
    "expr, params",
    [
        ("len(params.lst * 1000000000) > 0", {"lst": [1, 2]}),
        ("len(name * 1000000000) > 0", {}),
        ("total * params.big * params.big > 0", {"big": 10**20}),
    ],
)
def test_expressions_cannot_build_huge_values(expr, params):
    from auditor.rules import Rule
    from auditor.testing import budget_from_dict, run_rule

    rule: Rule = parse_rules(RULE_WITH_PARAMS.format(expr=expr), "pack.yaml")[0]
    budget = budget_from_dict(
        {"tables": {"gpb_function": [{"code": "204", "name": "公共安全", "total": "1.00", "basic": "1.00"}]}}
    )
    from auditor.expr import ExprError

    start = time.process_time()
    with pytest.raises(ExprError):
        run_rule(rule, budget, params=params)
    assert time.process_time() - start < 2


# ------------------------------------------------------------------------------ plugins


PLUGIN = '''
import auditor


@auditor.rule("{code}", name="misbehaves", title="t", severity="error", tags=["editorial"], reference="r")
def misbehaves(budget, ctx):
{body}
    return []


@auditor.hookimpl
def auditor_register_rules():
    return [misbehaves]
'''


def _audit_with(tmp_path: Path, body: str, code: str = "ZZ001", extra: list[str] | None = None):
    from auditor.cli import main

    plugin = tmp_path / "bad_plugin.py"
    plugin.write_text(PLUGIN.format(code=code, body=body), encoding="utf-8")
    out = tmp_path / "report.json"
    argv = ["audit", str(EXAMPLE), "--plugin", str(plugin), "--format", "json", "--output", str(out), "--fail-on", "never"]
    rc = main(argv + (extra or []))
    return rc, json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def clean_findings(tmp_path_factory):
    from auditor.cli import main

    out = tmp_path_factory.mktemp("clean") / "report.json"
    assert main(["audit", str(EXAMPLE), "--format", "json", "--output", str(out), "--fail-on", "never"]) == 0
    return json.loads(out.read_text(encoding="utf-8"))["findings"]


@pytest.mark.parametrize(
    "body, what",
    [
        ("    import sys\n    sys.exit(0)", "SystemExit"),
        ("    raise SystemExit(2)", "SystemExit"),
        ("    raise GeneratorExit()", "GeneratorExit"),
        ("    class Odd(BaseException):\n        pass\n    raise Odd('x')", "Odd"),
    ],
)
def test_a_plugin_that_exits_gives_exit_3_an_internal_finding_and_every_other_finding(
    tmp_path, clean_findings, body, what
):
    rc, report = _audit_with(tmp_path, body)
    assert rc == 3
    internal = [f for f in report["findings"] if "internal" in f["tags"]]
    assert len(internal) == 1 and internal[0]["rule"] == "ZZ001"
    assert what in internal[0]["message"] and "bad_plugin.py" in internal[0]["message"]
    others = [f for f in report["findings"] if "internal" not in f["tags"]]
    assert others == clean_findings


def test_a_rule_that_swallows_the_timeout_is_still_stopped(tmp_path):
    body = "    x = 0\n    while True:\n        try:\n            x = x + 1\n        except BaseException:\n            pass"
    start = time.monotonic()
    rc, report = _audit_with(tmp_path, body, extra=["--rule-timeout", "0.3"])
    assert time.monotonic() - start < 60
    assert rc == 3
    internal = [f for f in report["findings"] if f["rule"] == "ZZ001"]  # a busy machine may slow others too
    assert len(internal) == 1 and "internal" in internal[0]["tags"] and "time limit" in internal[0]["message"]


@pytest.mark.parametrize(
    "body",
    [
        "    import time\n    while True:\n        try:\n            time.sleep(5)\n        except BaseException:\n            pass",
        # the time-out swallowed in a helper the rule calls in a loop
        "    import time\n\n    def nap():\n        try:\n            time.sleep(5)\n        except BaseException:\n"
        "            pass\n\n    while True:\n        nap()",
    ],
)
def test_a_sleeping_rule_that_swallows_the_timeout_is_stopped(tmp_path, body):
    # no CPU is used, so only the rule's own time limit can end it: its next line raises again
    start = time.monotonic()
    rc, report = _audit_with(tmp_path, body, extra=["--rule-timeout", "0.3"])
    assert time.monotonic() - start < 60
    assert rc == 3
    internal = [f for f in report["findings"] if f["rule"] == "ZZ001"]  # a busy machine may slow others too
    assert len(internal) == 1 and "internal" in internal[0]["tags"] and "time limit" in internal[0]["message"]


def test_a_rule_that_catches_the_timeout_once_and_returns_is_reported_as_overrunning(tmp_path):
    body = "    import time\n    try:\n        time.sleep(5)\n    except BaseException:\n        pass"
    rc, report = _audit_with(tmp_path, body, extra=["--rule-timeout", "0.2"])
    assert rc == 3
    internal = [f for f in report["findings"] if "internal" in f["tags"]]
    assert "time limit" in internal[0]["message"]


def test_a_document_over_its_cpu_budget_is_stopped_and_reported_as_its_error(tmp_path):
    body = "    x = 0\n    while True:\n        try:\n            x = x + 1\n        except BaseException:\n            pass"
    rc, report = _audit_with(tmp_path, body, extra=["--rule-timeout", "1000", "--document-timeout", "2"])
    assert rc == 2
    assert "CPU time" in report["error"] and report["findings"] == []


def test_the_cpu_budget_covers_loading(monkeypatch):
    from auditor.batch import _setup, audit_one
    from auditor.config import Config

    def endless_loader(source):
        while True:
            sum(range(10000))

    state = _setup(Config(document_timeout=0.5), None)
    monkeypatch.setattr(state.engine, "load", endless_loader)
    report = audit_one(EXAMPLE, state)
    assert report.error and "CPU time" in report.error and str(EXAMPLE) in report.error


# ------------------------------------------------------------------------------ memory limit

#: 4 GiB asked for at once (numpy.zeros: calloc, so even without a limit no page is touched)
BIG = "    import numpy\n    blob = numpy.zeros(1 << 32, dtype=numpy.uint8)\n    del blob"


def test_a_rule_over_the_memory_limit_is_an_internal_finding_naming_it(tmp_path, clean_findings):
    rc, report = _audit_with(tmp_path, BIG, extra=["--memory-limit", "256"])
    assert rc == 3
    internal = [f for f in report["findings"] if "internal" in f["tags"]]
    assert [f["rule"] for f in internal] == ["ZZ001"] and "MemoryError" in internal[0]["message"]
    assert [f for f in report["findings"] if "internal" not in f["tags"]] == clean_findings


def test_the_memory_limit_covers_loading_and_is_the_documents_error(monkeypatch):
    import numpy

    from auditor.batch import _setup, audit_one
    from auditor.config import Config

    def greedy_loader(source):
        return numpy.zeros(1 << 32, dtype=numpy.uint8)

    state = _setup(Config(document_memory=128), None)
    monkeypatch.setattr(state.engine, "load", greedy_loader)
    report = audit_one(EXAMPLE, state)
    assert report.error == f"{EXAMPLE}: stopped: over the memory limit of 128 MiB (loading and auditing); see --memory-limit"
    numpy.zeros(1 << 32, dtype=numpy.uint8)  # the limit is lifted after the document


def test_the_memory_limit_holds_in_batch_workers(tmp_path):
    from auditor.cli import main

    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("a.txt", "b.txt"):
        (docs / name).write_bytes(EXAMPLE.read_bytes())
    plugin = tmp_path / "greedy.py"
    body = "    if 'b.txt' in str(budget.meta.source):\n" + BIG.replace("\n", "\n    ").replace("    import", "        import", 1)
    plugin.write_text(PLUGIN.format(code="ZZ001", body=body), encoding="utf-8")
    out = tmp_path / "report.json"
    argv = ["audit", str(docs), "--plugin", str(plugin), "--jobs", "2", "--memory-limit", "256"]
    assert main([*argv, "--format", "json", "--output", str(out), "--fail-on", "never"]) == 3
    reports = {Path(r["document"]["path"]).name: r for r in json.loads(out.read_text(encoding="utf-8"))["documents"]}
    crashed = {name: [f["rule"] for f in r["findings"] if "internal" in f["tags"]] for name, r in reports.items()}
    assert crashed == {"a.txt": [], "b.txt": ["ZZ001"]}


# ------------------------------------------------------------------------------ read-only frames

MUTATING_PLUGIN = '''
import auditor


@auditor.rule("ZZ101", name="mutates", title="t", severity="error", tags=["editorial"], reference="r")
def mutates(budget, ctx):
    for b in (budget, ctx.previous):
        df = b.table("gpb_function")
        df.loc[df.index[0], "total"] = 1            # a cell
        df["extra"] = 1                              # a column
        df.sort_values("total", inplace=True)        # in place
        b.gpb_function.iloc[0, 2] = 7                # through the attribute
        b.frames["gpb_function"].drop(b.frames["gpb_function"].index, inplace=True)
    budget.frames["gpb_function"] = None            # refused: frames are read-only
    return []


@auditor.rule("ZZ102", name="reads", title="t", severity="info", tags=["editorial"], reference="r")
def reads(budget, ctx):
    for who, b in (("current", budget), ("previous", ctx.previous)):
        df = b.table("gpb_function")
        yield ctx.finding(f"{who} {len(df)} {list(df.columns)} {df['total'].iloc[0]} {df['code'].iloc[0]}")


@auditor.hookimpl
def auditor_register_rules():
    return [mutates, reads]
'''


@pytest.mark.filterwarnings("ignore")  # pandas warns of the chained and in-place writes the rule tries
def test_a_rule_that_mutates_frames_changes_nothing_for_the_rules_after_it(tmp_path):
    import auditor
    from auditor.config import Config
    from auditor.engine import Engine

    plugin = tmp_path / "mutating_plugin.py"
    plugin.write_text(MUTATING_PLUGIN, encoding="utf-8")
    engine = Engine(Config(plugins=[plugin], builtin=False))
    current, previous = auditor.load(EXAMPLE), auditor.load(EXAMPLE)
    loaded = current.table("gpb_function")
    expected = f"{len(loaded)} {list(loaded.columns)} {loaded['total'].iloc[0]} {loaded['code'].iloc[0]}"
    for _document in range(2):  # the second audit is the next document of a batch sharing --previous
        report = engine.audit(current, previous=previous)
        seen = sorted(f.message for f in report.findings if f.rule == "ZZ102")
        assert seen == [f"current {expected}", f"previous {expected}"]
        crash = [f for f in report.findings if f.rule == "ZZ101"]
        assert len(crash) == 1 and "internal" in crash[0].tags and "TypeError" in crash[0].message
    pd.testing.assert_frame_equal(current.table("gpb_function"), loaded)
    pd.testing.assert_frame_equal(previous.table("gpb_function"), loaded)


# ------------------------------------------------------------------------------ user patterns

PATTERN_RULE = """- code: T002
  name: t
  title: t
  tags: [editorial]
  severity: warning
  pattern:
    regex: '{regex}'
    in: all
"""

MATCHES_RULE = """- code: T003
  name: t
  table: gpb_function
  assert: 'not matches(name, "{regex}")'
"""


@pytest.fixture(params=["re2", "re"])
def engine(request, monkeypatch):
    from auditor import userregex

    if request.param == "re2" and userregex._re2 is None:
        pytest.skip("the re2 extra is not installed")
    monkeypatch.setattr(userregex, "ENGINE", request.param)
    return request.param


@pytest.mark.parametrize("regex", [r"(增加)\1", r"(?=万元)", r"(?<!本)年", r"(a)?(?(1)b|c)", "a" * 2001])
@pytest.mark.parametrize("form", [PATTERN_RULE, MATCHES_RULE])
def test_patterns_without_a_linear_time_match_are_rule_errors_at_file_line(engine, form, regex):
    if form is MATCHES_RULE:
        regex = regex.replace("\\", "\\\\")  # a string literal of the expression
    err = _rule_error(form.format(regex=regex))
    assert re.match(r"pack\.yaml:\d+: (rule T002: )?regular expression", str(err)), str(err)


@pytest.mark.parametrize("regex", [r"(a+)+$", r"(\s*\d)*x", r"(万元|元)+$"])
def test_nested_repeats_run_on_re2_and_are_refused_on_re(engine, regex):
    from auditor.testing import run_rule

    if engine == "re":
        assert "inside a repeat" in str(_rule_error(PATTERN_RULE.format(regex=regex)))
        return
    (rule,) = parse_rules(PATTERN_RULE.format(regex=regex), "pack.yaml")
    line = "a" * 65_536 + "!"  # exponential for a backtracking engine, one pass for RE2
    start = time.process_time()
    assert run_rule(rule, {"text": line}) == []
    assert time.process_time() - start < 2


def test_ordinary_patterns_still_match_on_either_engine(engine):
    from auditor.testing import run_rule

    (rule,) = parse_rules(PATTERN_RULE.format(regex=r"增加（减少）|\d{1,3}(,\d{3})+"), "pack.yaml")
    found = run_rule(rule, {"text": "一、说明\n三公经费比上年增加（减少）5.00万元。\n合计 1,234,567"})
    assert [f.actual for f in found] == ["增加（减少）", "1,234,567"]
    (rule,) = parse_rules(MATCHES_RULE.format(regex="^公共"), "pack.yaml")
    rows = [{"code": "204", "name": "公共安全支出", "total": "1.00"}, {"code": "205", "name": "教育支出", "total": "1.00"}]
    assert len(run_rule(rule, {"tables": {"gpb_function": rows}})) == 1

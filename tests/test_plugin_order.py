"""Hook order and precedence, as docs/hooks.md states them.

Order: every hook runs its implementations in registration order — the built-in plugins, then
installed (entry-point) plugins, then the config's plugin files, then ``--plugin`` files in the order
given (``tryfirst``/``trylast`` implementations before/after the rest). Precedence: later overrides
earlier — a later plugin's reporter replaces an earlier one of the same name, a later plugin's loader
is asked first, and ``auditor_modify_findings`` is a pipeline where the last plugin has the last word.
Rule codes cannot be overridden: a duplicate is an error.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import auditor
from auditor.config import Config
from auditor.engine import Engine, default_engine, prepare
from auditor.errors import RuleError
from auditor.plugins import call_hook, hook_impls, new_manager
from auditor.report import get_reporter
from auditor.report.base import ReportOptions
from auditor.report.sample import SAMPLE_RULES, sample_report
from auditor.testing import budget_from_dict

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "minhang-police-2024-budget.txt"
HOOKS = ("auditor_register_rules", "auditor_rule_paths", "auditor_register_loaders",
         "auditor_register_reporters", "auditor_configure", "auditor_modify_findings")  # fmt: skip


def plugin(tmp_path: Path, name: str, body: str) -> Path:
    """A plugin file `name`.py with `body` (NAME replaced by the name; LOG is the `log` fixture's module)."""
    path = tmp_path / f"{name}.py"
    head = "import auditor\nfrom auditor import hookimpl\n" + (
        "import tests_order_log as LOG\n" if "LOG." in body else ""
    )
    path.write_text(head + textwrap.dedent(body).replace("NAME", name), encoding="utf-8")
    return path


@pytest.fixture
def log(monkeypatch):
    import types

    module = types.ModuleType("tests_order_log")
    module.calls = []
    monkeypatch.setitem(sys.modules, "tests_order_log", module)
    return module.calls


LOGGING = """
@hookimpl
def auditor_register_rules():
    LOG.calls.append(("rules", "NAME"))

@hookimpl
def auditor_rule_paths():
    LOG.calls.append(("paths", "NAME"))

@hookimpl
def auditor_register_loaders():
    LOG.calls.append(("loaders", "NAME"))

@hookimpl
def auditor_register_reporters():
    LOG.calls.append(("reporters", "NAME"))

@hookimpl
def auditor_configure(config):
    LOG.calls.append(("configure", "NAME"))

@hookimpl
def auditor_modify_findings(findings):
    LOG.calls.append(("modify", "NAME"))
"""


def test_every_hook_runs_plugins_in_the_order_given(tmp_path, log):
    a, b, c = (plugin(tmp_path, n, LOGGING) for n in ("a", "b", "c"))
    engine = Engine(Config(builtin=False, entry_points=False, plugins=[b, a, c]))
    engine.audit(budget_from_dict({}))
    for hook in ("rules", "paths", "loaders", "reporters", "configure", "modify"):
        assert [n for h, n in log if h == hook] == ["b", "a", "c"], hook


def test_cli_plugins_come_after_config_plugins_in_the_order_given(tmp_path, log):
    a, b, c = (plugin(tmp_path, n, LOGGING) for n in ("a", "b", "c"))
    (tmp_path / "auditor.toml").write_text(f"plugins = ['{c.name}']\n", encoding="utf-8")
    from auditor.cli import main

    code = main(["audit", str(EXAMPLE), "--config", str(tmp_path / "auditor.toml"), "--plugin", str(a),
                 "--plugin", str(b), "--fail-on", "never", "--quiet"])  # fmt: skip
    assert code == 0
    assert [n for h, n in log if h == "modify"] == ["c", "a", "b"]


def test_tryfirst_and_trylast_move_an_implementation():
    pm = new_manager()
    seen = []

    def make(name, **marks):
        class P:
            @auditor.hookimpl(**marks)
            def auditor_configure(self, config):
                seen.append(name)

        return P()

    for name, marks in [("x", {"trylast": True}), ("a", {}), ("f", {"tryfirst": True}), ("b", {}),
                        ("y", {"trylast": True}), ("g", {"tryfirst": True})]:  # fmt: skip
        pm.register(make(name, **marks), name=name)
    call_hook(pm, "auditor_configure", config=None)
    assert seen == ["f", "g", "a", "b", "x", "y"]
    assert [pm.get_name(i.plugin) for i in hook_impls(pm, "auditor_configure")] == seen


def test_builtins_come_first_and_every_hook_is_called_through_one_helper():
    engine = prepare(Config(entry_points=False))
    assert [engine.pm.get_name(i.plugin) for i in hook_impls(engine.pm, "auditor_register_reporters")] == ["report"]
    assert [engine.pm.get_name(i.plugin) for i in hook_impls(engine.pm, "auditor_register_loaders")] == ["loaders"]
    rules = [engine.pm.get_name(i.plugin) for i in hook_impls(engine.pm, "auditor_register_rules")]
    assert rules[0] == "builtin" and all(n.startswith("file:") for n in rules[1:])
    assert rules[1:] == sorted(rules[1:])  # the built-in rule files, in file name order
    # nothing calls or lists pm.hook.<name> directly: the order is the helper's
    for path in (ROOT / "auditor").rglob("*.py"):
        assert ".hook.auditor_" not in path.read_text(encoding="utf-8"), path


REPORTER = """
@hookimpl
def auditor_register_reporters():
    return {"text": lambda reports, options: "NAME text\\n", "NAME": lambda reports, options: "NAME own\\n"}
"""


def test_a_later_reporter_overrides_an_earlier_one_everywhere(tmp_path, capsys):
    a, b = plugin(tmp_path, "a", REPORTER), plugin(tmp_path, "b", REPORTER)
    engine = Engine(Config(builtin=False, entry_points=False, plugins=[a, b]))
    assert engine.reporter("text")([], None) == "b text\n"
    assert get_reporter("text", engine.reporters) is engine.reporter("text")
    assert engine.render([sample_report()], "a", ReportOptions(rules=SAMPLE_RULES)) == "a own\n"
    assert engine.formats()[:1] == ["text"] and {"a", "b"} <= set(engine.formats())
    # the command line uses the same table: the plugin's text reporter is what `auditor audit` prints
    from auditor.cli import main

    capsys.readouterr()
    assert main(["audit", str(EXAMPLE), "--plugin", str(a), "--plugin", str(b), "--fail-on", "never"]) == 0
    assert capsys.readouterr().out == "b text\n"
    assert get_reporter("text") is not engine.reporter("text")  # standalone: the built-ins


LOADER = """
class Loader:
    name = "NAME-loader"

    def sniff(self, path, head):
        return path.suffix == ".bud"

    def load(self, path):
        from auditor.testing import budget_from_dict
        return budget_from_dict({"meta": {"source": str(path), "department": "NAME"}})

@hookimpl
def auditor_register_loaders():
    return [Loader()]
"""


def test_a_later_plugins_loader_is_asked_first(tmp_path):
    a, b = plugin(tmp_path, "a", LOADER), plugin(tmp_path, "b", LOADER)
    doc = tmp_path / "x.bud"
    doc.write_text("anything", encoding="utf-8")
    engine = Engine(Config(entry_points=False, plugins=[a, b]))
    assert [ld.name for ld in engine.loaders][:2] == ["b-loader", "a-loader"]
    assert [ld.name for ld in engine.loaders][2:] == ["pdf", "xlsx", "json", "text"]
    assert engine.load(doc).meta.department == "b"
    assert engine.audit(doc).document["department"] == "b"


MODIFY = """
@hookimpl
def auditor_modify_findings(findings):
    for f in findings:
        f.note = (f.note + " " if f.note else "") + "NAME"
    return findings[:1] if "NAME" == "b" else findings
"""


def test_modify_findings_is_a_pipeline_in_order(tmp_path):
    a, b = plugin(tmp_path, "a", MODIFY), plugin(tmp_path, "b", MODIFY)
    engine = Engine(Config(entry_points=False, plugins=[a, b]))
    (f,) = engine.audit(EXAMPLE).findings
    assert f.note.endswith("a b")


def test_a_rule_code_cannot_be_defined_twice(tmp_path):
    body = """
    @auditor.rule("ZZ100", name="twice", tags=["editorial"])
    def twice(budget):
        return None

    @hookimpl
    def auditor_register_rules():
        return [twice]
    """
    a, b = plugin(tmp_path, "a", body), plugin(tmp_path, "b", body)
    with pytest.raises(RuleError, match="duplicate rule code ZZ100"):
        Engine(Config(builtin=False, entry_points=False, plugins=[a, b]))


def test_the_default_engine_is_built_once_and_reused():
    engine = default_engine()
    assert default_engine() is engine and prepare() is engine and prepare(None) is engine
    report = auditor.audit(budget_from_dict({}))
    # a budget is audited by the rules of its kind (the 决算 rules do not apply to it)
    assert default_engine() is engine and report.rules == [r for r in engine.rules if r.applies_to("部门预算")]
    assert auditor.render(report, "json") == engine.render(report, "json")
    assert json.loads(auditor.render(report, "json"))


def test_auditor_audit_calls_do_not_rebuild_the_engine():
    code = (
        "import auditor, auditor.engine as e\n"
        "from auditor.testing import budget_from_dict\n"
        "built = []\n"
        "init = e.Engine.__init__\n"
        "e.Engine.__init__ = lambda self, *a, **k: (built.append(1), init(self, *a, **k))[1]\n"
        "b = budget_from_dict({})\n"
        "for _ in range(3): auditor.audit(b)\n"
        f"auditor.load(r'{EXAMPLE}')\n"
        "print(len(built))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "1"


def test_a_loader_named_like_an_earlier_one_replaces_it(tmp_path):
    text = plugin(tmp_path, "text", LOADER.replace('name = "NAME-loader"', 'name = "text"'))
    engine = Engine(Config(builtin=False, entry_points=False, plugins=[text]))
    assert [ld.name for ld in engine.loaders] == ["text", "pdf", "xlsx", "json"]
    assert type(engine.loaders[0]).__module__.startswith("auditor_plugin_text")


def test_a_modify_hook_returning_none_passes_the_list_on(tmp_path):
    a = plugin(tmp_path, "a", "@hookimpl\ndef auditor_modify_findings(findings):\n    return None\n")
    b = plugin(tmp_path, "b", MODIFY)
    engine = Engine(Config(entry_points=False, plugins=[a, b]))
    (f,) = engine.audit(EXAMPLE).findings
    assert f.note.endswith("b")


def test_hook_wrappers_are_refused():
    from auditor.errors import PluginError

    pm = new_manager()

    class Wrapper:
        @auditor.hookimpl(wrapper=True)
        def auditor_configure(self, config):
            return (yield)

    pm.register(Wrapper(), name="wrapper")
    with pytest.raises(PluginError, match="hook wrappers are not supported"):
        call_hook(pm, "auditor_configure", config=None)

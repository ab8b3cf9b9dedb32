"""Every rule defined at module level in a built-in rule module is registered (none silently lost)."""

from __future__ import annotations

import pytest

import auditor.builtin as builtin
from auditor.config import Config
from auditor.engine import Engine, prepare
from auditor.plugins import load_plugin_file
from auditor.rules import Rule

MODULES = [builtin, *(load_plugin_file(p) for p in builtin.plugin_files())]


def module_rules(module) -> list[tuple[str, Rule]]:
    return [(name, obj) for name, obj in vars(module).items() if isinstance(obj, Rule)]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: getattr(m, "__file__", m.__name__).rsplit("/", 1)[-1])
def test_every_module_level_rule_is_registered(module):
    registered = {id(r) for r in prepare(Config(entry_points=False)).all_rules}
    missing = [f"{name} ({r.code})" for name, r in module_rules(module) if id(r) not in registered]
    assert not missing, f"{module.__file__}: defined but not registered: {', '.join(missing)}"


def test_the_builtin_rule_modules_define_rules():
    assert len(MODULES) > 10 and all(module_rules(m) for m in MODULES)


def test_an_unregistered_rule_is_noticed(tmp_path):
    plugin = tmp_path / "forgetful.py"
    plugin.write_text(
        "import auditor\n\n"
        "@auditor.rule('ZZ200', name='kept', tags=['editorial'])\ndef kept(budget):\n    return None\n\n"
        "@auditor.rule('ZZ201', name='forgotten', tags=['editorial'])\ndef forgotten(budget):\n    return None\n\n"
        "@auditor.hookimpl\ndef auditor_register_rules():\n    return [kept]\n",
        encoding="utf-8",
    )
    engine = Engine(Config(builtin=False, entry_points=False, plugins=[plugin]))
    registered = {id(r) for r in engine.all_rules}
    module = load_plugin_file(plugin)
    assert [r.code for _n, r in module_rules(module) if id(r) not in registered] == ["ZZ201"]

"""What the cold start of `auditor audit` imports and builds: only what the input needs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "minhang-police-2024-budget.txt"


def _modules_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    """The modules a fresh interpreter holds after running `code`."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True, env=env)
    return set(json.loads(out.stdout.splitlines()[-1]))


#: the console script's command, run as main() runs it but returning (main() leaves the process)
AUDIT_EXAMPLE = (
    f"import sys\nfrom auditor.cli import run\nsys.argv = ['auditor', 'audit', {str(EXAMPLE)!r}, '-q']\nrun(None)"
)


def test_a_text_audit_imports_no_pdf_ocr_workbook_or_table_layout_code():
    mods = _modules_after(AUDIT_EXAMPLE)
    assert "auditor.parse" in mods and "auditor.loaders.text" in mods  # the text path did run
    unwanted = {
        "auditor.loaders.pdf",
        "auditor.loaders.ocr_stage",
        "auditor.loaders.ocr",
        "auditor.loaders.workbook",
        "pypdfium2",
        "openpyxl",
        "jinja2",
        "tabulate",
        "pandera",
        "auditor.parse.final.read",  # the 决算 reader: a budget needs none of it
        "auditor.parse.final.notes",
        "importlib.metadata",  # the only installed plugin, the built-in one, is registered directly
        "auditor.pairing",  # only with --previous
    }
    assert not unwanted & mods


def test_with_the_yaml_kept_from_a_first_run_a_text_audit_imports_no_pyyaml(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    assert "yaml" in _modules_after(AUDIT_EXAMPLE, env)  # the first run reads the packs and data files
    assert list((tmp_path / "budget-auditor" / "yaml").glob("*.json"))
    mods = _modules_after(AUDIT_EXAMPLE, env)
    assert "auditor.parse" in mods and "yaml" not in mods


def test_the_builtin_loaders_sniff_as_their_classes_do(tmp_path):
    from auditor.loaders import builtin_loaders
    from auditor.loaders.ocr_stage import PdfLoader
    from auditor.loaders.text import TextLoader
    from auditor.loaders.workbook import JsonLoader, WorkbookLoader

    classes = {"pdf": PdfLoader(), "xlsx": WorkbookLoader(), "json": JsonLoader(), "text": TextLoader()}
    heads = {
        "a.pdf": b"%PDF-1.7\n",
        "a.bin": b"  %PDF-1.4",
        "a.xlsx": b"PK\x03\x04",
        "book": b"PK\x03\x04....xl/workbook.xml",
        "a.json": b"[]",
        "export": b'\xef\xbb\xbf {"meta": {}, "tables": {}}',
        "a.txt": "一、部门职责".encode(),
        "u16": b"\xff\xfe\x00a",
        "zip": b"PK\x03\x04\x00\x00",
    }
    loaders = builtin_loaders()
    assert [ld.name for ld in loaders] == ["pdf", "xlsx", "json", "text"]
    for name, head in heads.items():
        path = tmp_path / name
        for ld in loaders:
            assert ld.sniff(path, head) == classes[ld.name].sniff(path, head), (name, ld.name)


def test_a_deferred_loader_loads_with_its_class(tmp_path):
    from auditor.loaders import builtin_loaders

    text = next(ld for ld in builtin_loaders() if ld.name == "text")
    budget = text.load(EXAMPLE)
    assert budget.meta.source == str(EXAMPLE)


def test_the_manager_finds_the_hook_implementations_pluggy_finds():
    """The manager's shortcut for module plugins answers every name as pluggy itself would."""
    import types

    import pluggy

    from auditor import builtin, bundle, hookspecs, loaders, plugins, report

    sample = types.ModuleType("sample")
    exec(  # noqa: S102 - a constructed plugin module: every kind of attribute a module holds
        "import os\nfrom auditor import hookimpl\nCONST = 3\nclass K:\n    pass\n"
        "def helper():\n    pass\n@hookimpl\ndef auditor_register_rules():\n    return []\n"
        "@hookimpl(trylast=True)\ndef auditor_configure(config):\n    pass\n"
        "wrapped = staticmethod(helper)\n",
        sample.__dict__,
    )
    modules = [sample, builtin, report, loaders, *(plugins.load_plugin_file(f) for f in bundle.plugin_files())]
    theirs = pluggy.PluginManager(plugins.PROJECT)
    theirs.add_hookspecs(hookspecs)
    ours = plugins.new_manager()
    for module in modules:
        for name in dir(module):
            assert ours.parse_hookimpl_opts(module, name) == theirs.parse_hookimpl_opts(module, name), (module, name)
    assert ours.parse_hookimpl_opts(sample, "auditor_configure")["trylast"] is True
    assert ours.parse_hookimpl_opts(sample, "auditor_register_rules") is not None


def test_the_quick_look_at_entry_points_reads_the_distributions_on_the_path(tmp_path, monkeypatch):
    from importlib.machinery import PathFinder

    from auditor.plugins import declared_entry_points

    site = tmp_path / "site"
    info = site / "a_plugin-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "entry_points.txt").write_text(
        "[console_scripts]\nx = a_plugin:main\n\n[auditor]\n# off = a_plugin.off\nextra = a_plugin.rules\n",
        encoding="utf-8",
    )
    (site / "other-2.0.dist-info").mkdir()  # a distribution without entry points
    (site / "old.egg-info").write_text("Metadata-Version: 1.0\n", encoding="utf-8")  # an egg-info file
    monkeypatch.setattr(sys, "path", [str(site), str(tmp_path / "missing")])
    monkeypatch.setattr(sys, "meta_path", [PathFinder])
    assert declared_entry_points() == {"extra"}
    assert declared_entry_points("console_scripts") == {"x"}
    archive = tmp_path / "lib.zip"  # only importlib.metadata reads a zip: the quick look declines
    archive.write_bytes(b"PK\x05\x06" + bytes(18))
    monkeypatch.setattr(sys, "path", [str(site), str(archive)])
    assert declared_entry_points() is None

    class Finder:  # a finder of its own distributions: only importlib.metadata asks it
        @staticmethod
        def find_distributions(context=None):
            return iter(())

    monkeypatch.setattr(sys, "path", [str(site)])
    monkeypatch.setattr(sys, "meta_path", [Finder, PathFinder])
    assert declared_entry_points() is None


def test_whether_a_rule_takes_ctx_is_answered_as_inspect_signature_answers():
    """The shortcut for plain functions (their code object) agrees with inspect.signature on every shape."""
    import functools
    import inspect

    from auditor.rules import _takes_ctx

    def by_signature(func):
        kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        params = [p for p in inspect.signature(func).parameters.values() if p.kind in (*kinds, p.VAR_POSITIONAL)]
        return len(params) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in params)

    def wrapped(budget, ctx):
        return []

    @functools.wraps(wrapped)
    def wrapper(*args):
        return wrapped(*args)

    def declared(budget):
        return []

    declared.__signature__ = inspect.signature(wrapped)  # type: ignore[attr-defined]
    shapes = [
        lambda budget: [],
        lambda budget, ctx: [],
        lambda budget, ctx=None: [],
        lambda budget, /, ctx: [],
        lambda budget, *, ctx=None: [],
        lambda *args: [],
        lambda budget, *rest: [],
        lambda budget, **kw: [],
        wrapper,
        declared,
        functools.partial(wrapped, None),
    ]
    answers = [_takes_ctx(f) for f in shapes]
    assert answers == [by_signature(f) for f in shapes]
    assert answers == [False, True, True, True, False, True, True, False, True, True, False]

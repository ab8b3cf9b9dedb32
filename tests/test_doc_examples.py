"""The configuration examples of the README and docs/ are loaded against the built-in rules.

Every ```toml block that configures auditor (``[tool.auditor...]``) is written to a config file and
used for a real audit, so an example naming a rule, parameter or tag that does not exist fails here.
A plugin's README is run with that plugin loaded. The files an example points to (rule packs, plugin files, a baseline) are made empty beside it; a
plugin file so made declares the ``[settings.NAME]`` tables the example sets.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from auditor.cli import run

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted((ROOT / "plugins").glob("*/README.md"))]
EXAMPLE = ROOT / "examples" / "minhang-police-2024-budget.txt"


def config_blocks() -> list[tuple[str, str]]:
    out = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for m in re.finditer(r"```toml\n(.*?)```", text, re.S):
            if "[tool.auditor" in m.group(1):
                line = text[: m.start()].count("\n") + 2
                out.append((f"{page.relative_to(ROOT)}:{line}", m.group(1)))
    return out


BLOCKS = config_blocks()


def test_the_docs_have_configuration_examples():
    assert len(BLOCKS) >= 2 and any(where.startswith("docs/cli.md") for where, _ in BLOCKS)


def _materialise(tmp_path: Path, table: dict) -> None:
    """Create what the example points to, beside the config file."""
    for d in table.get("rules", []):
        (tmp_path / d).mkdir(parents=True, exist_ok=True)
    settings = table.get("settings", {})
    for f in table.get("plugins", []):
        declared = {name: dict(values) for name, values in settings.items()}
        (tmp_path / f).write_text(
            f"from auditor import hookimpl\n\n\n@hookimpl\ndef auditor_settings():\n    return {declared!r}\n",
            encoding="utf-8",
        )
    if table.get("baseline"):
        (tmp_path / table["baseline"]).write_text('{"version": 1, "findings": []}\n', encoding="utf-8")


@pytest.mark.parametrize("where, block", BLOCKS, ids=[w for w, _ in BLOCKS])
def test_configuration_example_loads_and_audits(where, block, tmp_path, monkeypatch, capsys):
    data = tomllib.loads(block)
    table = data.get("tool", {}).get("auditor", {})
    _materialise(tmp_path, table)
    cfg = tmp_path / "pyproject.toml"
    cfg.write_text(block, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    own = []  # a plugin's README configures that plugin: load it
    if where.startswith("plugins/"):
        own = [a for f in (ROOT / Path(where).parent).glob("*/__init__.py") for a in ("--plugin", str(f))]
    code = run(["audit", str(EXAMPLE), "--config", str(cfg), "-q", "--no-progress", *own])
    err = capsys.readouterr().err
    assert code in (0, 1), f"{where}: the example does not load: {err}"

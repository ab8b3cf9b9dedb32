"""The console script: its garbage collector set for one command, and its exit without the
interpreter's teardown, which loses nothing."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

from auditor.cli import run
from auditor.cliutil import START_UP

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "minhang-police-2024-budget.txt"


def _console(*argv: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run `auditor ARGV...` as the console script does (``main()`` with no arguments)."""
    code = f"import sys\nfrom auditor.cli import main\nsys.argv = ['auditor', *{list(argv)!r}]\nmain()"
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True)


def test_the_console_script_prints_all_the_report_and_exits_with_its_code(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "100")  # the same width for both (the subprocess inherits the environment)
    monkeypatch.setenv("NO_COLOR", "1")
    for argv in (["audit", str(EXAMPLE)], ["audit", str(EXAMPLE), "--format", "json"], ["rules"]):
        done = _console(*argv, cwd=tmp_path)
        code = run(argv)
        out, err = capsys.readouterr()
        assert (done.returncode, done.stdout) == (code, out), argv
        assert len(done.stdout) > 1000


def test_exit_handlers_still_run(tmp_path):
    marker = tmp_path / "marker.txt"
    plugin = tmp_path / "leaves_a_mark.py"
    plugin.write_text(
        "import atexit, tempfile, weakref\n"
        f"def _mark():\n    open({str(marker)!r}, 'w').write('ran')\n"
        "atexit.register(_mark)\n"
        "holder = tempfile.TemporaryDirectory()\n"  # cleaned by weakref.finalize, an exit handler
        f"open({str(tmp_path / 'where.txt')!r}, 'w').write(holder.name)\n",
        encoding="utf-8",
    )
    done = _console("audit", str(EXAMPLE), "-q", "--plugin", str(plugin), cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert marker.read_text() == "ran"
    assert not Path((tmp_path / "where.txt").read_text()).exists()


def test_an_output_file_is_complete(tmp_path):
    out = tmp_path / "report.json"
    done = _console("audit", str(EXAMPLE), "--format", "json", "--output", str(out), cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert out.read_text(encoding="utf-8").rstrip().endswith(("}", "]"))


def test_the_console_script_starts_with_its_collector_set_and_audits_with_pythons(tmp_path, capsys):
    seen = tmp_path / "seen.json"
    plugin = tmp_path / "looks.py"  # loaded while starting up (after pandas); its rule runs on the document
    plugin.write_text(
        "import gc, json\nfrom auditor import hookimpl, rule\n"
        f"SEEN = {str(seen)!r}\n"
        "open(SEEN, 'w').write(json.dumps(gc.get_threshold()))\n"
        "@rule('ZZ001', name='looks', tags=['disclosure'], kinds='all')\n"
        "def looks(budget):\n"
        "    open(SEEN + '.later', 'w').write(json.dumps([gc.get_threshold(), gc.get_freeze_count()]))\n"
        "    return []\n"
        "@hookimpl\ndef auditor_register_rules():\n    return [looks]\n",
        encoding="utf-8",
    )
    done = _console("audit", str(EXAMPLE), "-q", "--plugin", str(plugin), cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    fresh = subprocess.run(
        [sys.executable, "-c", "import gc, json; print(json.dumps(gc.get_threshold()))"], capture_output=True, text=True
    )
    python = json.loads(fresh.stdout)
    assert json.loads(seen.read_text()) == [START_UP, *python[1:]]
    thresholds, frozen = json.loads((tmp_path / "seen.json.later").read_text())
    assert thresholds == python and frozen > 100_000  # the start-up's objects frozen, Python's thresholds
    probe = "import sys, auditor.cli\nprint('pandas' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout.strip() == "False"
    before = gc.get_threshold(), gc.get_freeze_count()
    run(["audit", str(EXAMPLE), "-q"])  # in-process (tests, callers of run/main(argv)): the collector is left alone
    capsys.readouterr()
    assert (gc.get_threshold(), gc.get_freeze_count()) == before

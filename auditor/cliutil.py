"""Terminal habits of the ``auditor`` command: standard input as a document, the report width,
per-rule statistics, and warnings as one line."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .errors import AuditorError, LoadError

PROG = "auditor"


@contextmanager
def stdin_as_file(paths: list[str]) -> Iterator[list[str]]:
    """``-`` among the paths: standard input, saved to a temporary file whose suffix says its form."""
    if "-" not in paths:
        yield paths
        return
    if paths.count("-") > 1:
        raise AuditorError("- (standard input) can be given once")
    data = sys.stdin.buffer.read()
    if not data:
        raise LoadError("standard input is empty", path="-")
    head = data[:8].lstrip()
    suffix = (
        ".pdf"
        if head.startswith(b"%PDF")
        else ".xlsx"
        if head.startswith(b"PK")
        else ".json"
        if head.startswith(b"{")
        else ".txt"
    )
    with tempfile.TemporaryDirectory(prefix="auditor-stdin-") as tmp:
        f = Path(tmp) / f"stdin{suffix}"
        f.write_bytes(data)
        yield [str(f) if p == "-" else p for p in paths]


def shown(rep: Any, paths: list[str], given: list[str]) -> Any:
    """The report of a document read from standard input names it ``-``."""
    tmp = next((p for p, g in zip(paths, given, strict=False) if g == "-" and p != g), None)
    if tmp is None:
        return rep
    if rep.document.get("path") == tmp:
        rep.document["path"] = "-"
    for f in rep.findings:
        if f.document == tmp:
            f.document = "-"
    if rep.error:
        rep.error = rep.error.replace(tmp, "-")
    return rep


def statistics(reports: list[Any], engine: Any) -> str:
    """``--statistics``: findings per rule, most frequent first."""
    from collections import Counter

    from tabulate import tabulate

    counts = Counter((f.rule, f.severity) for r in reports for f in r.findings)
    names = {r.code: r.name for r in engine.all_rules}
    rows = [
        [n, code, sev, names.get(code, "")] for (code, sev), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    if not rows:
        return "no findings"
    return tabulate(rows, headers=["count", "rule", "severity", "name"], tablefmt="simple", disable_numparse=True)


def width(args: argparse.Namespace) -> int | None:
    """Columns the text report must fit: the terminal's, or $COLUMNS; None (full table) otherwise."""
    if args.output:
        return None
    if sys.stdout.isatty():
        import shutil

        return shutil.get_terminal_size((100, 24)).columns
    cols = os.environ.get("COLUMNS", "")
    return int(cols) if cols.isdigit() and int(cols) > 0 else None


def show_warning(message: Any, category: Any, filename: str, lineno: int, file: Any = None, line: Any = None) -> None:
    """Our warnings as one line on stderr; other libraries' warnings as Python prints them."""
    from .errors import AuditorWarning

    if issubclass(category, AuditorWarning):
        print(f"{PROG}: warning: {message}", file=sys.stderr)
    else:
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


#: Allocations between two young garbage collections while the console script starts (Python: 700).
START_UP = 250_000
_DEFAULT: list[int] = []  # the thresholds to return to (set while starting up)


def tune_collector() -> None:
    """Set the console script's garbage collector for its start-up; :func:`settle_collector` ends it.

    Importing pandas, numpy, pyarrow, the parser and the rules and building the engine allocates
    ≈ 120,000 objects that live as long as the process. With Python's thresholds the collector ran
    ≈ 190 collections over them during a text audit's start (one of them a full one), ≈ 0.1 s of
    CPU that frees next to nothing; with a young collection every :data:`START_UP` allocations it runs
    none. Called before pandas is imported (``auditor.cli`` imports none).
    """
    import gc

    _DEFAULT[:] = gc.get_threshold()
    gc.set_threshold(START_UP, *_DEFAULT[1:])


def settle_collector() -> None:
    """End the start-up: what was imported and built lives as long as the process, so it is frozen
    (moved to the permanent generation: the collections of the work do not walk it again) and the
    collector runs with Python's thresholds for the documents. Nothing when :func:`tune_collector`
    was not called (the library, tests)."""
    import gc

    if _DEFAULT:
        gc.freeze()
        gc.set_threshold(*_DEFAULT)
        _DEFAULT.clear()


def exit_now(code: int) -> None:
    """End the console script's process with `code`, skipping the interpreter's teardown.

    Once a command has run, the interpreter would still take every module apart and free each of
    its objects (pandas, numpy and pyarrow hold hundreds of thousands): 40-60 ms of CPU, a twentieth
    of a text audit's cold start, for memory the operating system takes back at once. What the
    teardown does that matters is done here first: the exit handlers run (``atexit``, which also
    runs ``weakref.finalize`` and logging's shutdown: temporary files, plugins' own handlers), and
    standard output and error are flushed. Returns without exiting — the caller then exits the usual
    way — when another thread is still alive (the interpreter would wait for it) or when flushing
    fails (a closed pipe: the usual exit reports it as Python always does).
    """
    import atexit
    import threading

    if threading.active_count() > 1 or not _flushed():
        return
    atexit._run_exitfuncs()  # noqa: SLF001 - the interpreter's own exit step, run before leaving without it
    if _flushed():  # the handlers may have written
        os._exit(code)


def _flushed() -> bool:
    try:
        for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
            if stream is not None and not stream.closed:
                stream.flush()
    except (OSError, ValueError):
        return False
    return True

"""Running fuzz inputs through load + audit and classifying what happened.

Outcomes of one input:
- ``ok``: loaded and audited, no ``internal`` finding;
- ``load_error``: a LoadError whose message names the file (the promised behaviour for bad input);
- ``unnamed_load_error``: a LoadError that does not name the file;
- ``escaped``: any other exception out of ``load`` or ``audit`` (a bug);
- ``contained``: an ``internal`` finding (a rule or plugin crashed, or overran its time limit);
- ``hang`` / ``died``: only in campaigns (:mod:`auditor.fuzz.campaign`): the worker ran over the CPU
  limit and was killed, or died.
"""

from __future__ import annotations

import re
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .inputs import FuzzInput

FAILURES = ("unnamed_load_error", "escaped", "contained", "hang", "died")


@dataclass
class Outcome:
    kind: str
    signature: str = ""
    detail: str = ""
    cpu: float = 0.0


def _site(exc: BaseException) -> str:
    """The deepest frame inside the package (else the deepest frame) as file:line."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/auditor/" in f.filename or "/plugins/" in f.filename]
    f = (ours or frames or [None])[-1]
    if f is None:
        return "?"
    parts = Path(f.filename).parts
    short = "/".join(parts[-2:])
    return f"{short}:{f.lineno}"


def _short(text: str, n: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[:n] + "…"


def fuzz_config() -> Any:
    """The configuration inputs run under: rule time limits (wall clock) far above the CPU watchdog,
    so that a busy machine cannot pass for a slow rule; slowness is measured in CPU seconds."""
    from ..config import Config

    return Config(rule_timeout=600.0, document_timeout=0)


def classify(path: Path, engine: Any, config: Any) -> Outcome:
    """Load and audit the file at `path`; never raises (except KeyboardInterrupt)."""
    from ..engine import audit
    from ..errors import LoadError
    from ..loaders import load

    try:
        budget = load(path)
    except LoadError as exc:
        if str(path) not in str(exc):
            return Outcome("unnamed_load_error", "LoadError without the file name", _short(exc))
        return Outcome("load_error", "", _short(exc))
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - finding these is the point
        return Outcome("escaped", f"load {type(exc).__name__} at {_site(exc)}", _short(f"{type(exc).__name__}: {exc}"))
    try:
        report = audit(budget, config, engine=engine)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001
        return Outcome("escaped", f"audit {type(exc).__name__} at {_site(exc)}", _short(f"{type(exc).__name__}: {exc}"))
    internal = [f for f in report.findings if "internal" in f.tags]
    if internal:
        f = internal[0]
        m = re.search(r"(crashed: \w+|exceeded the time limit|took [\d.]+ s)", f.message)
        what = m.group(1) if m else "internal"
        what = re.sub(r"took [\d.]+ s", "took too long", what)
        site = re.search(r" at (\S+:\d+)$", f.message)
        sig = f"{f.rule} {what}" + (f" at {'/'.join(Path(site.group(1)).parts[-2:])}" if site else "")
        return Outcome("contained", sig, _short(f.message))
    return Outcome("ok")


def run_input(inp: FuzzInput, engine: Any, config: Any, workdir: Path) -> Outcome:
    """Write the input to a file in `workdir` and classify it, with the CPU time it took."""
    path = workdir / f"input-{inp.index}{inp.suffix}"
    path.write_bytes(inp.data)
    start = time.process_time()
    try:
        out = classify(path, engine, config)
    finally:
        path.unlink(missing_ok=True)
    out.cpu = time.process_time() - start
    return out


def run_serial(
    seeds: Any, seed: int, count: int, *, config: Any = None, window: float = 1.0, sizes: tuple[int, ...] = (30, 80)
) -> dict[str, Any]:
    """Run `count` inputs in this process (the quick profile of the test suite): counts and failures."""
    from ..engine import prepare
    from .inputs import QUICK_WEIGHTS, make_input

    config = config or fuzz_config()
    engine = prepare(config)
    counts: dict[str, int] = {}
    failures: list[tuple[int, Outcome, FuzzInput]] = []
    with tempfile.TemporaryDirectory(prefix="auditor-fuzz-") as tmp:
        for i in range(count):
            inp = make_input(seeds, seed, i, window=window, sizes=sizes, weights=QUICK_WEIGHTS)
            out = run_input(inp, engine, config, Path(tmp))
            counts[out.kind] = counts.get(out.kind, 0) + 1
            if out.kind in FAILURES:
                failures.append((i, out, inp))
    return {"counts": counts, "failures": failures}


def minimise_text(text: str, still_fails: Any, *, budget_s: float = 60.0) -> str:
    """Delta-debug `text` (lines, then characters of what is left) while `still_fails(text)` holds."""
    deadline = time.monotonic() + budget_s

    def ddmin(items: list[str], joiner: str) -> list[str]:
        n = 2
        while len(items) >= 2 and time.monotonic() < deadline:
            chunk = max(1, len(items) // n)
            reduced = False
            for k in range(0, len(items), chunk):
                if time.monotonic() >= deadline:
                    break
                rest = items[:k] + items[k + chunk :]
                if rest and still_fails(joiner.join(rest)):
                    items, n, reduced = rest, max(n - 1, 2), True
                    break
            if not reduced:
                if chunk == 1:
                    break
                n = min(len(items), n * 2)
        return items

    lines = ddmin(text.split("\n"), "\n")
    text = "\n".join(lines)
    if len(text) > 2000:
        # a long line: cut it down by halves first, then character by character
        text = "".join(ddmin(_chunks(text, 64), ""))
    if len(text) <= 4000:
        text = "".join(ddmin(list(text), ""))
    return text


def _chunks(text: str, n: int) -> list[str]:
    size = max(1, len(text) // n)
    return [text[i : i + size] for i in range(0, len(text), size)]

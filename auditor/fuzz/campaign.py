"""The long fuzz profile: many inputs in worker processes, a CPU watchdog, a memory cap, repros on disk.

Each worker (forked once, engine prepared once) receives input numbers, rebuilds each input from its
number, runs it through load + audit and answers with the outcome, the CPU seconds it took and its peak
RSS. The parent kills a worker whose input runs past ``kill_cpu`` CPU seconds (a hang) and starts a
fresh one; a worker that dies (os._exit, a signal, the memory cap) is recorded too. The summary counts
outcomes, inputs over ``slow_cpu`` seconds and the memory peak; the first input of every failure
signature is minimised (text inputs) and written to ``repros/``.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import re
import resource
import tempfile
import time
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from .harness import FAILURES, Outcome, classify, fuzz_config, minimise_text, run_input
from .inputs import Seeds, make_input


@dataclass
class Summary:
    inputs: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    slow: list[tuple[int, float]] = field(default_factory=list)  # (input, CPU s) over slow_cpu
    peak_rss_mb: float = 0.0
    peak_input: int | None = None
    signatures: dict[str, dict[str, Any]] = field(default_factory=dict)  # signature -> first input, count
    cpu_total: float = 0.0
    wall: float = 0.0

    def add(self, index: int, out: Outcome, rss_mb: float, slow_cpu: float) -> None:
        self.inputs += 1
        self.counts[out.kind] = self.counts.get(out.kind, 0) + 1
        self.cpu_total += out.cpu
        if out.cpu > slow_cpu:
            self.slow.append((index, round(out.cpu, 2)))
        if rss_mb > self.peak_rss_mb:
            self.peak_rss_mb, self.peak_input = rss_mb, index
        if out.kind in FAILURES:
            key = f"{out.kind}: {out.signature}"
            entry = self.signatures.setdefault(key, {"first": index, "count": 0, "detail": out.detail})
            entry["count"] += 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs,
            "outcomes": dict(sorted(self.counts.items())),
            "escaped": self.counts.get("escaped", 0),
            "contained": self.counts.get("contained", 0),
            "hangs": self.counts.get("hang", 0),
            "died": self.counts.get("died", 0),
            "unnamed_load_errors": self.counts.get("unnamed_load_error", 0),
            "over_slow_cpu": len(self.slow),
            "slowest": sorted(self.slow, key=lambda x: -x[1])[:10],
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "peak_input": self.peak_input,
            "cpu_seconds": round(self.cpu_total, 1),
            "wall_seconds": round(self.wall, 1),
            "signatures": dict(sorted(self.signatures.items())),
        }


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _worker(conn: Any, seeds: Seeds, seed: int, memory_mb: int) -> None:
    from ..engine import prepare

    if memory_mb:
        limit = memory_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    config = fuzz_config()
    engine = prepare(config)
    with tempfile.TemporaryDirectory(prefix="auditor-fuzz-") as tmp:
        while True:
            index = conn.recv()
            if index is None:
                return
            try:
                out = run_input(make_input(seeds, seed, index), engine, config, Path(tmp))
            except MemoryError:
                out = Outcome("escaped", "MemoryError (over the memory cap)", "")
            conn.send((index, out.kind, out.signature, out.detail, out.cpu, _rss_mb()))


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


class _Slot:
    def __init__(self, ctx: Any, seeds: Seeds, seed: int, memory_mb: int):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, seeds, seed, memory_mb), daemon=True)
        self.proc.start()
        child.close()
        self.index: int | None = None
        self.cpu0 = 0.0

    def give(self, index: int) -> None:
        self.index, self.cpu0 = index, _cpu_seconds(self.proc.pid)
        self.conn.send(index)

    def stop(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)


def run_campaign(
    seeds: Seeds,
    *,
    seed: int = 1,
    count: int = 20_000,
    first: int = 0,
    jobs: int = 2,
    slow_cpu: float = 10.0,
    kill_cpu: float = 60.0,
    memory_mb: int = 4096,
    progress: Any = None,
) -> tuple[Summary, dict[str, int]]:
    """Run inputs first..first+count-1; returns the summary and, per failure signature, its first input."""
    ctx = mp.get_context("fork")
    summary = Summary()
    start = time.monotonic()
    slots = [_Slot(ctx, seeds, seed, memory_mb) for _ in range(jobs)]
    todo = list(range(first, first + count))[::-1]
    try:
        while todo or any(s.index is not None for s in slots):
            for s in slots:
                if s.index is None and todo:
                    s.give(todo.pop())
            ready = wait([s.conn for s in slots if s.index is not None], timeout=1.0)
            for i, s in enumerate(slots):
                if s.index is None:
                    continue
                if s.conn in ready:
                    try:
                        index, kind, sig, detail, cpu, rss = s.conn.recv()
                    except (EOFError, OSError):
                        summary.add(s.index, Outcome("died", "worker died", "the worker process ended"), 0.0, slow_cpu)
                        s.stop()
                        slots[i] = _Slot(ctx, seeds, seed, memory_mb)
                        continue
                    summary.add(index, Outcome(kind, sig, detail, cpu), rss, slow_cpu)
                    s.index = None
                elif _cpu_seconds(s.proc.pid) - s.cpu0 > kill_cpu:
                    summary.add(s.index, Outcome("hang", f"over {kill_cpu:g} s CPU", "", kill_cpu), 0.0, slow_cpu)
                    s.stop()
                    slots[i] = _Slot(ctx, seeds, seed, memory_mb)
                elif not s.proc.is_alive():
                    summary.add(s.index, Outcome("died", "worker died", f"exit code {s.proc.exitcode}"), 0.0, slow_cpu)
                    slots[i] = _Slot(ctx, seeds, seed, memory_mb)
            if progress:
                progress(summary)
    finally:
        for s in slots:
            try:
                s.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
            s.stop()
    summary.wall = time.monotonic() - start
    return summary, {k: v["first"] for k, v in summary.signatures.items()}


def write_repros(
    seeds: Seeds, seed: int, firsts: dict[str, int], folder: Path, *, budget_s: float = 60.0
) -> list[Path]:
    """Write each failure's first input (minimised when it is text) with a note of how it was made."""
    from ..engine import prepare

    folder.mkdir(parents=True, exist_ok=True)
    config = fuzz_config()
    engine = prepare(config)
    written = []
    with tempfile.TemporaryDirectory(prefix="auditor-fuzz-min-") as tmp:
        for key, index in sorted(firsts.items()):
            inp = make_input(seeds, seed, index)
            name = re.sub(r"[^A-Za-z0-9]+", "-", key).strip("-")[:80] or "failure"
            data, suffix = inp.data, inp.suffix or ".txt"
            target = key.split(": ", 1)[1] if ": " in key else key
            if inp.text is not None and not key.startswith(("hang", "died")):
                path = Path(tmp) / f"min{suffix}"

                def still_fails(text: str, path: Path = path, target: str = target) -> bool:
                    path.write_text(text, encoding="utf-8", errors="surrogatepass")
                    return classify(path, engine, config).signature == target

                if still_fails(inp.text):
                    data = minimise_text(inp.text, still_fails, budget_s=budget_s).encode("utf-8", "surrogatepass")
            out = folder / f"{name}{suffix}"
            out.write_bytes(data)
            note = {"signature": key, "seed": seed, "input": index, "kind": inp.kind, "origin": inp.origin}
            note.update({"mutations": inp.mutations, "encoding": inp.encoding, "bytes": len(data)})
            (folder / f"{name}.note.json").write_text(
                json.dumps(note, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
            written.append(out)
    return written

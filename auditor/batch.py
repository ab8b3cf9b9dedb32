"""Batch runs: audit many documents in parallel worker processes.

``run_batch(paths, config, jobs=N)`` expands directories (recursively: .txt .pdf .xlsx .json) and
glob patterns, audits the documents in ``N`` worker processes (each prepares the engine once, in
its initializer) and yields one Report per document **in input order**, whatever order the
workers finish in. Reports come back without their Budget (``Report.budget is None``) unless
``keep_budget`` is set (the HTML report shows key figures and source excerpts), so memory stays
flat however large the corpus is: at most a small window of documents is in flight.

One failing document never stops the batch: a document that cannot be loaded yields a Report with
``error`` set; a loader that crashes (an unexpected exception) or a worker process that dies also
yields ``error`` plus an ``internal`` finding, so that ``engine.exit_code`` says 3.

``auditor.batch_dask.run_dask`` runs the same work on a dask.distributed cluster (the optional
``dask`` extra), with the same reports.
"""

from __future__ import annotations

import glob
import os
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Config
from .errors import LoadError
from .findings import SEVERITIES, Report

#: How many documents each worker may have queued ahead of the one being emitted.
WINDOW_PER_JOB = 8


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def expand_sources(paths: Iterable[str | Path]) -> list[Path]:
    """Files to audit, in a stable order: files as given, directories searched recursively for
    known suffixes (sorted), glob patterns (``*``, ``?``, ``[``, ``**``) expanded (sorted; a
    directory matched by a pattern is searched too). A path that does not exist is kept, so that
    it is reported as a document that cannot be loaded."""
    from .engine import SOURCE_SUFFIXES, expand_paths

    out: list[Path] = []
    for p in paths:
        s = str(p)
        if not Path(s).exists() and any(ch in s for ch in "*?["):
            matches = sorted(glob.glob(s, recursive=True))
            if not matches:
                out.append(Path(s))
            found = [f for m in matches for f in expand_paths([m])]
            if matches and not found:
                raise LoadError(f"no disclosure matches (looked for {_looked_for(SOURCE_SUFFIXES)})", path=s)
            out.extend(found)
        else:
            found = expand_paths([s])
            if Path(s).is_dir() and not found:
                raise LoadError(
                    f"no disclosure in this directory (looked for {_looked_for(SOURCE_SUFFIXES)}, recursively)", path=s
                )
            out.extend(found)
    return out


def _looked_for(suffixes: Iterable[str]) -> str:
    return ", ".join(f"*{x}" for x in sorted(suffixes))


# ----------------------------------------------------------------------------------------------
# auditing one document (in whatever process)


@dataclass(frozen=True)
class PreviousSpec:
    """What ``--previous`` asked for: one file for every document, or a directory of candidates
    (indexed once, in the parent) from which each document gets its predecessor; ``force`` skips the
    pairing check (``--previous-force``)."""

    path: str | None = None
    candidates: tuple[Any, ...] | None = None  # pairing.Candidate, for --previous DIR
    force: bool = False


def previous_spec(previous: Any, force: bool = False, load: Any = None) -> PreviousSpec | None:
    """``--previous`` as given (None, a file, a directory, a spec) as a PreviousSpec; `load` reads
    the candidates of a directory (default: ``auditor.load``)."""
    if previous is None or isinstance(previous, PreviousSpec):
        return previous
    if Path(previous).is_dir():
        from . import pairing

        if load is None:
            from .loaders import load
        return PreviousSpec(candidates=tuple(pairing.index(expand_sources([previous]), load)), force=force)
    return PreviousSpec(path=str(previous), force=force)


@dataclass
class _State:
    config: Config
    engine: Any
    previous: Any  # the Budget of --previous FILE
    spec: PreviousSpec | None = None
    loaded: dict[str, Any] = field(default_factory=dict)  # predecessors loaded for --previous DIR

    def predecessor(self, path: str) -> Any:
        if path not in self.loaded:
            if len(self.loaded) >= 4:
                self.loaded.pop(next(iter(self.loaded)))
            self.loaded[path] = self.engine.load(path)
        return self.loaded[path]


_STATE: _State | None = None


def _setup(config: Config, previous: Any) -> _State:
    from .engine import prepare

    engine = prepare(config)
    spec = previous_spec(previous, load=engine.load)
    prev = engine.budget(spec.path) if spec is not None and spec.path is not None else None
    return _State(config, engine, prev, spec)


#: In a worker: the pool's shared array of wall-clock seconds each document spent outside its CPU
#: budget (OCR pages), by document index, which the parent's wall-clock watch allows for.
_CREDIT: Any = None


def _init_worker(config: Config, previous: Any, credit: Any = None) -> None:
    """ProcessPoolExecutor initializer: prepare the engine (and last year's budget) once. Ctrl-C is
    the parent's to handle (it reports what finished and stops the workers)."""
    global _STATE, _CREDIT
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _STATE, _CREDIT = _setup(config, previous), credit


def _strip(report: Report, keep_budget: bool) -> Report:
    """The report without what the parent does not need (and cannot always unpickle)."""
    report.rules = []
    report.previous = None
    if not keep_budget:
        report.budget = None
    return report


def _pair(budget: Any, path: Path, state: _State) -> tuple[Any, str | None, str | None]:
    """(previous Budget, its path, why the asked-for previous is refused) for one document."""
    spec = state.spec
    if spec is None:
        return None, None, None
    from . import pairing  # only with --previous

    if spec.candidates is not None:
        c = pairing.predecessor(budget.meta, spec.candidates, exclude=str(path))
        return (state.predecessor(c.path), c.path, None) if c else (None, None, None)
    why = None if spec.force else pairing.problem(budget.meta, state.previous.meta)
    if why:
        return None, spec.path, f"--previous {spec.path}: {why} (use --previous-force to compare anyway)"
    return state.previous, spec.path, None


def audit_one(path: str | Path, state: _State, keep_budget: bool = False) -> Report:
    """Audit one document within its CPU budget (``config.document_timeout``, loading included);
    never raises for the document's own problems. A document over its budget is stopped and
    reported as that document's error."""
    from .engine import DocumentTimeout, cpu_budget

    limit = state.config.document_timeout
    memory = state.config.document_memory
    try:
        with cpu_budget(limit), memory_cap(memory):
            return _audit_one(path, state, keep_budget)
    except DocumentTimeout:
        msg = f"stopped after {limit:g} s of CPU time (loading and auditing); see --document-timeout"
    except MemoryError:
        msg = f"stopped: over the memory limit of {memory} MiB (loading and auditing); see --memory-limit"
    return Report(document={"path": str(path)}, error=f"{path}: {msg}")


@contextmanager
def memory_cap(mib: int) -> Iterator[None]:
    """Let the block add at most `mib` MiB of address space (RLIMIT_AS above what the process holds
    now; Linux): an allocation past it raises MemoryError. 0: no limit."""
    import resource

    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
        held = int(status.split("VmSize:", 1)[1].split()[0]) << 10
    except (OSError, IndexError, ValueError):
        held = None  # not Linux: RLIMIT_AS does not bound allocations reliably here
    if not mib or held is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = held + (mib << 20)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _limit_worker_cpu(limit: float) -> None:
    """In a worker process: a hard CPU limit a little past the document's budget, so that even code
    that never returns to Python (a C-level hang) ends the worker, which is then reported as died."""
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = used.ru_utime + used.ru_stime
    cap = int(spent + 2 * limit + 10)
    # Only the soft limit moves (SIGXCPU ends the worker): a process may lower its hard limit but
    # never raise it again, so a hard limit set for one document would refuse the next one's.
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (cap, hard))


def _audit_one(path: str | Path, state: _State, keep_budget: bool) -> Report:
    from .engine import audit, document_info, internal_finding

    path = Path(path)
    try:
        budget = state.engine.load(path)
    except LoadError as exc:
        return Report(document={"path": str(path)}, error=str(exc))
    except MemoryError:
        raise  # over --memory-limit: the document's error (audit_one), not a loader bug
    except Exception as exc:  # noqa: BLE001 - a loader bug must not stop the batch
        frames = traceback.extract_tb(exc.__traceback__)
        site = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
        msg = f"loader crashed: {type(exc).__name__}: {exc}{site}"
        return Report(
            document={"path": str(path)}, error=msg, findings=[internal_finding("LOAD", msg, document=str(path))]
        )
    try:
        prev, prev_path, refused = _pair(budget, path, state)
    except LoadError as exc:
        prev, prev_path, refused = None, None, f"--previous: {exc}"
    if refused:
        return Report(document=document_info(budget, str(path)), error=refused)
    report = audit(budget, state.config, previous=prev, engine=state.engine)
    report.document["path"] = str(path)  # the file audited (a JSON export may name another source)
    if state.spec is not None:
        report.document["previous"] = prev_path
    return _strip(report, keep_budget)


def _work(path: str, keep_budget: bool, slot: int | None = None) -> Report:
    assert _STATE is not None, "worker not initialised"
    if _STATE.config.document_timeout:
        _limit_worker_cpu(_STATE.config.document_timeout)
    if _CREDIT is None or slot is None:
        return audit_one(path, _STATE, keep_budget)
    from .loaders.ocr_budget import wall_credit

    def credit(seconds: float) -> None:
        _CREDIT[slot] += seconds

    token = wall_credit.set(credit)
    try:
        return audit_one(path, _STATE, keep_budget)
    finally:
        wall_credit.reset(token)


def _died(path: Path, why: str) -> Report:
    from .engine import internal_finding

    msg = f"worker process died while auditing this document ({why})"
    return Report(
        document={"path": str(path)}, error=msg, findings=[internal_finding("WORKER", msg, document=str(path))]
    )


# ----------------------------------------------------------------------------------------------
# local runs


def run_batch(
    paths: Iterable[str | Path],
    config: Config | None = None,
    *,
    jobs: int | None = None,
    previous: Any = None,
    keep_budget: bool = False,
    progress: Callable[[int], None] | None = None,
    expanded: Sequence[Path] | None = None,
    previous_force: bool = False,
) -> Iterator[Report]:
    """Audit every document, ``jobs`` at a time (None: all cores; 1: in this process).

    Yields Reports in input order. ``progress(n)`` is called as documents finish (n = how many
    just finished). Rule and plugin loading errors raise before any document is audited.
    `previous` is last year's file (checked to be the predecessor of each document, unless
    `previous_force`) or a directory in which each document's predecessor is looked up
    (``auditor.pairing``); each report's ``document["previous"]`` names the file it was compared with.
    """
    config = config or Config()
    files = list(expanded) if expanded is not None else expand_sources(paths)
    jobs = default_jobs() if jobs is None or jobs <= 0 else jobs
    jobs = min(jobs, len(files)) if files else 1
    from .engine import prepare

    previous = previous_spec(previous, previous_force, prepare(config).load)  # a directory is indexed once, here
    state = _setup(config, previous)  # errors in rules/plugins/config surface here, once
    if jobs <= 1:
        for p in files:
            rep = audit_one(p, state, keep_budget)
            if progress:
                progress(1)
            yield rep
        return
    yield from _run_pool(files, config, jobs, previous, keep_budget, progress)


def _pool(jobs: int, config: Config, previous: Any, credit: Any = None):
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    # fork: workers inherit the imported modules (no per-worker import cost); elsewhere the default.
    ctx = mp.get_context("fork") if sys.platform.startswith("linux") else None
    return ProcessPoolExecutor(
        max_workers=jobs, mp_context=ctx, initializer=_init_worker, initargs=(config, previous, credit)
    )


def _run_pool(
    files: list[Path], config: Config, jobs: int, previous: Any, keep_budget: bool, progress: Any
) -> Iterator[Report]:
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    window = max(jobs * WINDOW_PER_JOB, 2)
    done: dict[int, Report] = {}
    attempts: Counter[int] = Counter()
    todo = list(range(len(files)))[::-1]  # a stack: pop() gives the next index
    emit = 0
    wall = wall_budget(config.document_timeout)
    credit = _credit_array(len(files)) if wall else None
    pool = _pool(jobs, config, previous, credit)
    running: dict[Any, int] = {}
    started: dict[Any, float] = {}  # when the pool took each document (its clock)
    try:
        while emit < len(files):
            while todo and len(running) + len(done) < window:
                i = todo.pop()
                if credit is not None:
                    credit[i] = 0.0
                running[pool.submit(_work, str(files[i]), keep_budget, i)] = i
            if running:
                finished, _ = wait(list(running), timeout=WATCH_TICK if wall else None, return_when=FIRST_COMPLETED)
                overdue = _overdue(running, started, wall, credit) if not finished else []
                if overdue:
                    # a document that uses no CPU yet never ends (a rule sleeping in nested handlers
                    # that swallow every time-out, a worker blocked in C): end the workers, report it,
                    # give the others back to a fresh pool
                    for fut in overdue:
                        i = running.pop(fut)
                        done[i] = _died(
                            files[i], f"still running after {wall:g} s of wall-clock time; see --document-timeout"
                        )
                    todo.extend(running.values())
                    running.clear()
                    started.clear()
                    todo.sort(reverse=True)
                    _stop(pool)
                    pool = _pool(jobs, config, previous, credit)
                    continue
                broken = False
                for fut in finished:
                    i = running.pop(fut)
                    try:
                        done[i] = fut.result()
                    except BrokenProcessPool:
                        broken = True
                        attempts[i] += 1
                        if attempts[i] >= 2:
                            done[i] = _died(files[i], "twice")
                        else:
                            todo.append(i)
                    except Exception as exc:  # noqa: BLE001 - e.g. an unpicklable result
                        done[i] = _died(files[i], f"{type(exc).__name__}: {exc}")
                    else:
                        if progress:
                            progress(1)
                if broken:
                    # every future of a broken pool fails: put the others back and start afresh
                    for i in running.values():
                        todo.append(i)
                    running.clear()
                    todo.sort(reverse=True)
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = _pool(jobs, config, previous, credit)
            while emit in done:
                yield done.pop(emit)
                emit += 1
    except KeyboardInterrupt:  # Ctrl-C: stop the workers, hand over what finished, then stop
        _stop(pool)
        for i in sorted(done):
            yield done.pop(i)
        raise
    except GeneratorExit:  # the caller stopped reading (e.g. Ctrl-C while it wrote a report)
        _stop(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


#: How often the parent of a --jobs pool looks for a document over its wall-clock budget, seconds.
WATCH_TICK = 1.0


def wall_budget(cpu_budget: float) -> float:
    """The wall-clock seconds a --jobs worker may spend on one document (0: none): twice its CPU
    budget and 5 s more, so that a document waiting for a busy core is never taken for a hung one."""
    return 2 * cpu_budget + 5 if cpu_budget else 0.0


def _credit_array(n: int) -> Any:
    """Seconds, by document index, that workers spent outside a document's CPU budget (OCR pages)."""
    from multiprocessing.sharedctypes import RawArray

    return RawArray("d", max(n, 1))


def _overdue(running: dict[Any, int], started: dict[Any, float], wall: float, credit: Any = None) -> list[Any]:
    """The running documents past their wall-clock budget (clocks start when the pool takes one;
    the time a document spent recognising pages, outside its CPU budget, does not count)."""
    if not wall:
        return []
    now = time.monotonic()
    for fut in running:
        if fut not in started and fut.running():
            started[fut] = now

    def allowed(fut: Any) -> float:
        return wall + (credit[running[fut]] if credit is not None else 0.0)

    return [fut for fut in running if fut in started and not fut.done() and now - started[fut] > allowed(fut)]


def _stop(pool: Any) -> None:
    """End the pool's workers now, whatever they are auditing, and wait (a little) for the pool's
    manager thread to see them gone.

    Without that wait the thread closes its wake-up pipe while the interpreter's exit hook for
    process pools writes to it (CPython 3.11 checks and writes without a lock): an ``OSError: Bad
    file descriptor`` traceback after Ctrl-C, now and then."""
    procs = list((getattr(pool, "_processes", None) or {}).values())  # shutdown() forgets them
    manager = getattr(pool, "_executor_manager_thread", None)  # ... and its manager thread
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        proc.terminate()
    if manager is not None:
        manager.join(timeout=_MANAGER_WAIT)


#: How long Ctrl-C waits for a stopped pool's manager thread, seconds (it ends within milliseconds
#: once the workers are gone; a bound, so that nothing can hang the exit).
_MANAGER_WAIT = 5.0


# ----------------------------------------------------------------------------------------------
# corpus summary, accumulated as reports stream past


@dataclass
class CorpusStats:
    """Documents, failed loads, findings by severity and by family, departments with most errors.

    Built one report at a time (``add``), so it needs no list of reports; the ranking of
    departments is the one of the HTML report's corpus summary (errors, then warnings, then name).
    """

    documents: int = 0
    failed: list[str] = field(default_factory=list)
    severities: Counter = field(default_factory=Counter)
    families: Counter = field(default_factory=Counter)
    departments: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, report: Report) -> None:
        from .report.base import family

        self.documents += 1
        doc = report.document or {}
        if report.error:
            self.failed.append(str(doc.get("path")))
        name = str(doc.get("department") or doc.get("path") or "<document>")
        d = self.departments.setdefault(name, {"documents": 0, **{s: 0 for s in SEVERITIES}})
        d["documents"] += 1
        for f in report.findings:
            self.severities[f.severity] += 1
            self.families[family(f)] += 1
            d[f.severity] = d.get(f.severity, 0) + 1

    def worst(self, n: int = 10) -> list[tuple[str, dict[str, int]]]:
        ranked = sorted(self.departments.items(), key=lambda kv: (-kv[1]["error"], -kv[1]["warning"], kv[0]))
        return [kv for kv in ranked[:n] if kv[1]["error"] or kv[1]["warning"]]

    def to_dict(self) -> dict[str, Any]:
        from .report.base import SEVERITY_ORDER, _tag_order

        return {
            "documents": self.documents,
            "failed": len(self.failed),
            "findings": {s: self.severities.get(s, 0) for s in SEVERITY_ORDER},
            "families": {k: self.families[k] for k in sorted(self.families, key=_tag_order)},
            "departments": [{"department": k, **v} for k, v in self.worst()],
        }

    def text(self) -> str:
        from tabulate import tabulate

        from .report.base import SEVERITY_ORDER, plural

        data = self.to_dict()
        head = f"Corpus: {plural(self.documents, 'document')}"
        if self.failed:
            head += f", {len(self.failed)} could not be loaded"
        lines = [head, "findings: " + ", ".join(plural(data["findings"][s], s) for s in SEVERITY_ORDER)]
        if data["families"]:
            lines.append("by family: " + ", ".join(f"{k} {v}" for k, v in data["families"].items()))
        worst = self.worst()
        if worst:
            lines.append("departments with the most errors:")
            rows = [[k, v["documents"], *(v[s] for s in SEVERITY_ORDER)] for k, v in worst]
            table = tabulate(
                rows, headers=["department", "documents", *SEVERITY_ORDER], tablefmt="simple", disable_numparse=True
            )
            lines += ["  " + ln for ln in table.splitlines()]
        return "\n".join(lines)

"""Batch audits on a dask.distributed cluster (``auditor audit DIR --dask`` / ``--scheduler``).

Each worker prepares the engine once per config and audits documents with the same
``auditor.batch.audit_one`` as a local ``--jobs`` run, so reports are identical.
"""

from __future__ import annotations

import pickle
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .batch import PreviousSpec, _died, _setup, _State, audit_one, default_jobs, expand_sources, previous_spec
from .config import Config
from .errors import AuditorError, LoadError
from .findings import Report

_DASK_STATES: dict[bytes, _State] = {}


def _dask_work(path: str, shown: str, cache_key: bytes, config: Config, previous: Any, keep_budget: bool) -> Report:
    """Run on a dask worker: prepare the engine once per worker process (cached by config)."""
    state = _DASK_STATES.get(cache_key)
    if state is None:
        state = _DASK_STATES[cache_key] = _setup(config, previous)
    rep = audit_one(path, state, keep_budget)
    if path != shown:  # report the path as the user gave it, like a local run
        if rep.document.get("path") == path:
            rep.document["path"] = shown
        for f in rep.findings:
            if f.document == path:
                f.document = shown
        if rep.error:
            rep.error = rep.error.replace(path, shown)
            for f in rep.findings:
                f.message = f.message.replace(path, shown)
    return rep


def _absolute(spec: PreviousSpec | None) -> PreviousSpec | None:
    if spec is None:
        return None
    from dataclasses import replace

    from .pairing import Candidate

    if spec.candidates is not None:
        cands = tuple(Candidate(str(Path(c.path).resolve()), c.identity) for c in spec.candidates)
        return replace(spec, candidates=cands)
    return replace(spec, path=str(Path(spec.path).resolve())) if spec.path else spec


def dask_client(scheduler: str | None = None, *, n_workers: int | None = None):
    """A dask.distributed Client: to ``scheduler`` (tcp://HOST:PORT), or to a new LocalCluster."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise LoadError("--dask/--scheduler need dask.distributed: pip install 'budget-auditor[dask]'") from exc
    if scheduler:
        try:
            return Client(scheduler, timeout="5s")
        except (OSError, TimeoutError, ValueError) as exc:  # unreachable, refused, bad address
            cause = str(exc).strip() or type(exc).__name__
            raise AuditorError(f"cannot reach the dask scheduler at {scheduler}: {cause}") from None
    cluster = LocalCluster(
        n_workers=n_workers or default_jobs(),
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    client = Client(cluster)
    client._auditor_cluster = cluster  # closed with the client by run_dask
    return client


def run_dask(
    paths: Iterable[str | Path],
    config: Config | None = None,
    *,
    scheduler: str | None = None,
    client: Any = None,
    previous: Any = None,
    keep_budget: bool = False,
    progress: Callable[[int], None] | None = None,
    expanded: Sequence[Path] | None = None,
    n_workers: int | None = None,
    previous_force: bool = False,
) -> Iterator[Report]:
    """Audit every document on a dask.distributed cluster; yields Reports in input order.

    Give a ``client`` (left open), or a ``scheduler`` address (tcp://HOST:PORT), or neither for a
    LocalCluster with ``n_workers`` processes (closed at the end). The workers must see the files
    (shared file system) and have budget-auditor installed.
    """
    config = config or Config()
    files = list(expanded) if expanded is not None else expand_sources(paths)
    from .engine import prepare

    prepare(config)  # rule/plugin/config errors surface here, before the cluster is used
    try:
        from dask.distributed import as_completed
    except ImportError as exc:
        raise LoadError("--dask/--scheduler need dask.distributed: pip install 'budget-auditor[dask]'") from exc
    own = client is None
    if own:
        client = dask_client(scheduler, n_workers=n_workers)
    try:
        if not files:
            return
        import hashlib

        prev = _absolute(previous_spec(previous, previous_force, prepare(config).load))  # workers may run elsewhere
        cache_key = hashlib.sha1(pickle.dumps((config, prev))).digest()
        run = uuid.uuid4().hex[:12]
        absolute = [str(p if p.is_absolute() else p.resolve()) for p in files]
        futures = client.map(
            _dask_work,
            absolute,
            [str(p) for p in files],
            key=[f"auditor-{run}-{i}" for i in range(len(files))],
            pure=False,
            cache_key=cache_key,
            config=config,
            previous=prev,
            keep_budget=keep_budget,
        )
        index = {f.key: i for i, f in enumerate(futures)}
        done: dict[int, Report] = {}
        emit = 0
        for fut in as_completed(futures):
            i = index[fut.key]
            try:
                done[i] = fut.result()
            except Exception as exc:  # noqa: BLE001 - a worker lost, a result that failed to travel
                done[i] = _died(files[i], f"{type(exc).__name__}: {exc}")
            fut.release()
            if progress:
                progress(1)
            while emit in done:
                yield done.pop(emit)
                emit += 1
    finally:
        if own:
            cluster = getattr(client, "_auditor_cluster", None)
            client.close()
            if cluster is not None:
                cluster.close()

"""Recognising a page does not count against the document's CPU budget (``--document-timeout``).

A document is stopped after ``--document-timeout`` seconds of CPU time, loading and auditing
together (``engine.cpu_budget``: a SIGPROF timer; in a ``--jobs`` worker also a soft RLIMIT_CPU a
little past it), so that a runaway parser or rule cannot stall a batch. Recognising a scanned page
costs 4-20 CPU-seconds, so recognised in the auditing process (``--jobs 1``, or in a batch's worker
process, which may not start workers of its own) a 33-page scan used up the default 300 s before
its audit began: the scanned Wanli 2024 budget was stopped at its 29th page. Pages recognised in
worker processes never counted (their CPU time is not the auditing process's). So while a page is
recognised in this process the timer is held, and the CPU limit moves on by what the page cost.
Recognising one page is bounded work (a rendered page of fixed resolution, at most
``ocr_uncovered.MOST`` extra crops), and the budget still guards what it is for: parsing and rules.

A ``--jobs`` batch also watches wall-clock time (``batch.wall_budget``: a worker stuck without
using CPU is ended). A block run outside the budget tells :data:`wall_credit`'s listener how long
it took (``PAGE_ROOM`` ahead, the rest when it ends), so the parent allows for it: a 60-page scan
takes minutes of recognition, which is neither a hang nor the document's budget.
"""

from __future__ import annotations

import contextlib
import math
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar

#: The room (CPU seconds) a page is given under a soft RLIMIT_CPU while it is recognised: more
#: than the slowest page measured (about 25 s on a loaded machine).
PAGE_ROOM = 120

#: Told the wall-clock seconds each block outside the budget takes (a --jobs worker passes them on
#: to its parent's wall-clock watch); None when nobody watches.
wall_credit: ContextVar[Callable[[float], None] | None] = ContextVar("wall_credit", default=None)


@contextlib.contextmanager
def outside_document_budget() -> Iterator[None]:
    """Run the block (one page's recognition) without spending the document's CPU budget."""
    held = None
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        remaining, interval = signal.getitimer(signal.ITIMER_PROF)
        if remaining > 0:
            held = (remaining, interval)
            signal.setitimer(signal.ITIMER_PROF, 0)
    limit = _cpu_limit()
    if limit is not None:
        _set_soft(limit[0] + PAGE_ROOM, limit[1])
    started, wall_started = time.process_time(), time.monotonic()
    credit = wall_credit.get()
    if credit is not None:
        credit(PAGE_ROOM)
    try:
        yield
    finally:
        if credit is not None:
            credit(time.monotonic() - wall_started - PAGE_ROOM)
        spent = math.ceil(time.process_time() - started)
        if limit is not None:
            _set_soft(limit[0] + spent, limit[1])
        if held is not None:
            signal.setitimer(signal.ITIMER_PROF, *held)


def _cpu_limit() -> tuple[int, int] | None:
    """This process's soft and hard CPU limits, when the soft one is set (None otherwise)."""
    try:
        import resource
    except ImportError:  # not POSIX
        return None
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    except (OSError, ValueError):
        return None
    return None if soft == resource.RLIM_INFINITY else (soft, hard)


def _set_soft(soft: int, hard: int) -> None:
    import resource

    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    with contextlib.suppress(OSError, ValueError):
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))

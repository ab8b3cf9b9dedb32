"""The OCR settings of one load: ``--ocr auto|always|never``, worker processes, the page cache.

Held in a context variable for the duration of one load (``auditor.load(path, ocr=...)`` or the
run's Config), so that the loader protocol (``load(path)``) stays the same for every loader. A
module of its own so that both the OCR stage and the recogniser read it without importing each other.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import LoadError

MODES = ("auto", "always", "never")


@dataclass(frozen=True)
class OcrOptions:
    """How scanned pages are read (see the module docstring)."""

    mode: str = "auto"
    #: worker processes recognising pages in parallel (None: the cores this process may use)
    jobs: int | None = None
    #: where recognised pages are cached (None: the user cache directory; see auditor.loaders.ocr_cache)
    cache_dir: Path | None = None
    #: a progress bar per page on a terminal (None: when stderr is a terminal)
    progress: bool | None = None
    #: cache recognised pages at all
    cache: bool = True

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise LoadError(f"--ocr must be one of {', '.join(MODES)}, not {self.mode!r}")
        if self.jobs is not None and self.jobs < 1:
            raise LoadError("--jobs must be at least 1")


_OPTIONS: ContextVar[OcrOptions] = ContextVar("auditor_ocr_options", default=OcrOptions())  # noqa: B039 - frozen


def current_options() -> OcrOptions:
    """The OCR options of the load in progress."""
    return _OPTIONS.get()


@contextlib.contextmanager
def using(options: OcrOptions | None) -> Iterator[OcrOptions]:
    """Make `options` current for the loads inside the block (None keeps the current ones)."""
    if options is None:
        yield _OPTIONS.get()
        return
    token = _OPTIONS.set(options)
    try:
        yield options
    finally:
        _OPTIONS.reset(token)


def options_from(
    base: OcrOptions | None = None,
    *,
    ocr: str | None = None,
    jobs: int | None = None,
    cache_dir: str | Path | None = None,
    progress: bool | None = None,
) -> OcrOptions:
    """`base` (default: the current options) with the given settings changed."""
    opts = base or _OPTIONS.get()
    changes: dict = {}
    if ocr is not None:
        changes["mode"] = str(ocr).lower()
    if jobs is not None:
        changes["jobs"] = int(jobs)
    if cache_dir is not None:
        changes["cache_dir"] = Path(cache_dir).expanduser()
    if progress is not None:
        changes["progress"] = progress
    return replace(opts, **changes) if changes else opts

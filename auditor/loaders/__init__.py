"""Loaders turn a source file into a Budget; they are registered so that plugins can add more.

``load(path)`` asks each registered loader whether it claims the file (by extension and
content), in registration order, and uses the first that does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from ..errors import LoadError
from ..model import Budget


class Loader(Protocol):
    """What a loader provides."""

    name: str

    def sniff(self, path: Path, head: bytes) -> bool:
        """True when this loader can read the file (`head` is its first 4 KiB)."""

    def load(self, path: Path) -> Budget:
        """Read the file into a Budget; raise LoadError with a clear message when it cannot."""


_REGISTRY: list[Loader] = []


def register_loader(loader: Loader, *, first: bool = False) -> None:
    """Add a loader (plugins call this through the `auditor_register_loaders` hook)."""
    if any(existing.name == loader.name for existing in _REGISTRY):
        return
    if first:
        _REGISTRY.insert(0, loader)
    else:
        _REGISTRY.append(loader)


def registered_loaders() -> list[Loader]:
    """The loaders in the order they are tried."""
    _ensure_builtin()
    return list(_REGISTRY)


def _ensure_builtin() -> None:
    if any(getattr(ld, "builtin", False) for ld in _REGISTRY):
        return
    from .pdf import PdfLoader
    from .text import TextLoader
    from .workbook import JsonLoader, WorkbookLoader

    for loader in (PdfLoader(), WorkbookLoader(), JsonLoader(), TextLoader()):
        register_loader(loader)


def load(path: str | Path) -> Budget:
    """Load a disclosure (text, PDF, workbook or JSON) into a validated Budget."""
    p = Path(path)
    if not p.exists():
        raise LoadError("no such file", path=str(p))
    if p.is_dir():
        raise LoadError("is a directory, not a disclosure", path=str(p))
    try:
        with p.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise LoadError(f"cannot read file ({exc.strerror})", path=str(p)) from exc
    if not head:
        raise LoadError("file is empty", path=str(p))
    for loader in registered_loaders():
        if loader.sniff(p, head):
            return loader.load(p)
    raise LoadError("not a format auditor can read (expected text, PDF, .xlsx or .json)", path=str(p))

"""Loaders turn a source file into a Budget; plugins add more through ``auditor_register_loaders``.

``load(path, loaders)`` asks each loader whether it claims the file (by extension and content), in
the order given, and uses the first that does. The engine owns the list (``Engine.loaders``: the
built-in loaders and the plugins', resolved once); ``auditor.load(path)`` uses the default engine's.
Without a list, ``load`` tries the built-in loaders only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import import_module
from pathlib import Path
from typing import Protocol

from ..errors import LoadError
from ..hookspecs import hookimpl
from ..model import Budget


class Loader(Protocol):
    """What a loader provides."""

    name: str

    def sniff(self, path: Path, head: bytes) -> bool:
        """True when this loader can read the file (`head` is its first 4 KiB)."""

    def load(self, path: Path) -> Budget:
        """Read the file into a Budget; raise LoadError with a clear message when it cannot."""


class BuiltinLoader:
    """A built-in loader that imports its module only when it loads a file: it sniffs with the
    same function as the loader class (``auditor.loaders.sniff``), so that a text disclosure never
    imports the PDF, OCR or workbook code (nor pypdfium2 or openpyxl)."""

    builtin = True

    def __init__(self, name: str, module: str, cls: str, sniff: Callable[[Path, bytes], bool]):
        self.name, self._module, self._cls, self._sniff = name, module, cls, sniff

    def sniff(self, path: Path, head: bytes) -> bool:
        return self._sniff(path, head)

    def load(self, path: Path) -> Budget:
        return getattr(import_module(self._module, __name__), self._cls)().load(path)

    def __repr__(self) -> str:
        return f"<built-in loader {self.name}: {__name__}{self._module}.{self._cls}>"


def builtin_loaders() -> list[Loader]:
    """The built-in loaders, in the order they are tried."""
    from . import sniff

    return [
        BuiltinLoader("pdf", ".ocr_stage", "PdfLoader", sniff.is_pdf),  # the text layer, and OCR for scanned pages
        BuiltinLoader("xlsx", ".workbook", "WorkbookLoader", sniff.is_workbook),
        BuiltinLoader("json", ".workbook", "JsonLoader", sniff.is_json_export),
        BuiltinLoader("text", ".text", "TextLoader", sniff.is_text),
    ]


@hookimpl
def auditor_register_loaders():
    """The built-in loaders: this package is itself the plugin that registers them, like a third party's."""
    return builtin_loaders()


def load(
    path: str | Path,
    loaders: Sequence[Loader] | None = None,
    *,
    ocr: str | None = None,
    jobs: int | None = None,
    cache_dir: str | Path | None = None,
    progress: bool | None = None,
) -> Budget:
    """Load a disclosure (text, PDF, workbook or JSON) into a validated Budget with the first of
    `loaders` (default: the built-in ones) that claims it.

    Scanned PDF pages are recognised by OCR (``ocr``: "auto" — pages without a text layer —,
    "always" or "never"; ``jobs`` worker processes; ``cache_dir`` for recognised pages; see
    docs/ocr.md). Settings left None keep the current ones (the run's, or the defaults).
    """
    from .ocr_options import options_from, using

    with using(options_from(ocr=ocr, jobs=jobs, cache_dir=cache_dir, progress=progress)):
        return _load(Path(path), loaders)


def _load(p: Path, loaders: Sequence[Loader] | None) -> Budget:
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
    for loader in builtin_loaders() if loaders is None else loaders:
        if loader.sniff(p, head):
            return loader.load(p)
    raise LoadError("not a format auditor can read (expected text, PDF, .xlsx or .json)", path=str(p))

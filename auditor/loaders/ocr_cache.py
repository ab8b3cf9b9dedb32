"""A cache of recognised pages, keyed by the file's content hash and the engine settings.

A page costs seconds of CPU to recognise and nothing to read back, so a second audit of the same
scan (or the same scan under another name) starts at once. One JSON file per page under
``<cache dir>/<settings hash>/<file hash>/p<page>.json``; writes are atomic (a temporary file
renamed), an unreadable entry is recognised again. The default directory is
``$XDG_CACHE_HOME/budget-auditor/ocr`` (``~/.cache/budget-auditor/ocr``).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path


def default_dir() -> Path:
    """The user cache directory for recognised pages."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "budget-auditor" / "ocr"


def file_hash(path: Path) -> str:
    """SHA-256 of the file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def settings_hash(settings: dict) -> str:
    """A short, stable hash of the engine settings (engine version, dpi, hygiene version, ...)."""
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:16]


class PageCache:
    """Recognised pages of one file under one set of engine settings."""

    def __init__(self, root: Path | None, file_digest: str, settings: dict) -> None:
        self.dir = None if root is None else Path(root) / settings_hash(settings) / file_digest

    def get(self, page: int) -> dict | None:
        if self.dir is None:
            return None
        try:
            return json.loads((self.dir / f"p{page}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, page: int, result: dict) -> None:
        if self.dir is None:
            return
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=f".p{page}.", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(result, fh, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, self.dir / f"p{page}.json")
        except OSError:
            return  # a read-only or full cache only costs time

"""Workbook (.xlsx) and JSON forms of the canonical model (placeholder, being written)."""

from __future__ import annotations

from pathlib import Path

from ..errors import LoadError
from ..model import Budget


class WorkbookLoader:
    name = "xlsx"
    builtin = True

    def sniff(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() == ".xlsx"

    def load(self, path: Path) -> Budget:
        raise LoadError("workbook loading is not implemented yet", path=str(path))


class JsonLoader:
    name = "json"
    builtin = True

    def sniff(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() == ".json"

    def load(self, path: Path) -> Budget:
        raise LoadError("JSON loading is not implemented yet", path=str(path))

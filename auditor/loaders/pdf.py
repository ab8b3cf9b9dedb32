"""Text-layer PDFs (placeholder, being written)."""

from __future__ import annotations

from pathlib import Path

from ..errors import LoadError
from ..model import Budget


class PdfLoader:
    name = "pdf"
    builtin = True

    def sniff(self, path: Path, head: bytes) -> bool:
        return head.startswith(b"%PDF") or path.suffix.lower() == ".pdf"

    def load(self, path: Path) -> Budget:
        raise LoadError("PDF loading is not implemented yet", path=str(path))

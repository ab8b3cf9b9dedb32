"""The nine budget tables: found by title, rows parsed into frames (placeholder, being written)."""

from __future__ import annotations

from ..document import Document
from ..model import Meta


def parse_tables(doc: Document, meta: Meta, frames: dict) -> None:
    """Fill `frames` with the nine table keys and `meta` with department, year, kind, toc and table infos."""

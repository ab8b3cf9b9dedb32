"""Sections, prose facts, projects and KPI indicators (placeholder, being written)."""

from __future__ import annotations

from ..document import Document
from ..model import Meta


def parse_narrative(doc: Document, meta: Meta, frames: dict) -> None:
    """Fill meta.sections / missing_sections and the `facts`, `projects`, `indicators` frames."""

"""Sections, prose facts, projects and KPI indicators: the narrative half of a disclosure."""

from __future__ import annotations

from ..document import Document
from ..model import Meta, frame_from_records
from . import facts as F
from .prose import build_flow
from .sections import parse_sections


def parse_narrative(doc: Document, meta: Meta, frames: dict) -> None:
    """Fill meta.sections / missing_sections and the `facts`, `projects`, `indicators` frames."""
    from .projects import parse_projects

    heads = parse_sections(doc, meta)
    sink = F.FactSink()
    F.toc_facts(meta.toc, sink)
    for n, h in enumerate(heads):
        extractor = F.SECTION_EXTRACTORS.get(h.key)
        if extractor is None:
            continue
        end = heads[n + 1].index if n + 1 < len(heads) else len(doc.lines)
        # a duplicated heading (上海市…机构设置 / 二、机构设置) continues the same section
        if n + 1 < len(heads) and heads[n + 1].key == h.key:
            continue
        start = h.index + 1
        if n > 0 and heads[n - 1].key == h.key:
            start = heads[n - 1].index + 1
        flow = build_flow(doc, doc.lines[start:end], section=h.key)
        extractor(flow, sink)
    projects, indicators = parse_projects(doc, meta, heads, sink)
    frames["facts"] = frame_from_records("facts", sink.records)
    frames["projects"] = frame_from_records("projects", projects)
    frames["indicators"] = frame_from_records("indicators", indicators)

"""Read a final-accounts document into a Budget: structure, the nine tables, the 说明 facts and items."""

from __future__ import annotations

from ... import lazyre
from ...document import Document
from ...model import FA_NINE_TABLES, FA_TABLE_KEYS, Budget, Meta, TableInfo, empty_frame, frame_from_records
from ...schemas import validate_frames
from ..kind import Kind
from .items import resolve_codes
from .locate import locate_tables
from .notes import read_notes
from .structure import parse_structure, record_structure
from .tables import read_tables
from .units import read_units

_AMOUNT = lazyre.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{1,2}$")


def parse_final(doc: Document, kind: Kind) -> Budget:
    """Read a final-accounts document; parts or tables it lacks are recorded in ``meta``, never fatal."""
    meta = Meta(source=doc.path, department=kind.department, year=kind.year, kind=kind.kind, unit="万元")
    structure = parse_structure(doc)
    record_structure(doc, structure, meta)
    start = structure.parts.get("fa_part2", structure.body_start)
    stop = structure.notes_start
    blocks = locate_tables(doc, start, stop if stop is not None and stop > start else None)
    frames: dict = {}
    for key, block in blocks.items():
        if block.untitled_from is not None:
            ln = block.untitled_from
            where = f"page {ln.page} line {ln.line}" if ln.page else f"line {ln.line}"
            meta.notes.append(f"{key}: another table starts at {where} without its title (a second 单位 line "
                              "under other column headers); its rows are not read as this table's")  # fmt: skip
    read_tables(blocks, meta, frames)
    for key, block in blocks.items():
        if key in meta.tables:
            continue
        has_figures = any(_AMOUNT.match(w) for ln in block.lines for c in ln.cells for w in c.split())
        meta.tables[key] = TableInfo(
            key=key,
            title=block.title,
            unit=block.unit,
            department=None,
            notes=[ln.text.strip() for ln in block.notes],
            line=block.title_line.line,
            page=block.title_line.page,
            empty=not has_figures,
            unit_assumed=None if block.unit else "万元",
        )
    meta.missing_tables = [k for k in FA_NINE_TABLES if k not in meta.tables]
    facts, items = read_notes(doc, structure)
    frames["facts"] = frame_from_records("facts", facts)
    frames["fa_items"] = frame_from_records("fa_items", resolve_codes(items, frames))
    frames["fa_units"] = frame_from_records("fa_units", read_units(doc, structure, meta.department, meta.notes))
    for key in FA_TABLE_KEYS:
        if key not in frames:
            frames[key] = empty_frame(key)
    return Budget(meta=meta, frames=frames, document=doc, schema_errors=validate_frames(frames))

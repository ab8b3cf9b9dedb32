"""Turn a located Document into a Budget: tables, then narrative (sections, facts, projects, KPIs)."""

from __future__ import annotations

from ..document import Document
from ..errors import LoadError
from ..char_forms import with_plain_characters
from ..furniture import without_furniture
from ..line_spacing import single_spaced
from ..model import TABLE_KEYS, Budget, Meta, empty_frame
from ..money import ValueOutOfRange
from ..schemas import validate_frames
from . import narrative, tables
from . import sentences as sentences  # hands Budget.paragraphs() its prose reader
from .glued import split_glued_titles
from .kind import detect_final
from .ocr_names import reconcile_names


def parse_document(doc: Document) -> Budget:
    """Parse every part of the disclosure the document holds; missing parts are recorded, not fatal.

    Final accounts (部门决算 / 单位决算) are read by :mod:`auditor.parse.final`; budgets here.
    """
    doc = with_plain_characters(doc)  # no-break spaces as spaces, ２，９４０．０５ as 2,940.05
    doc = single_spaced(doc)  # a double-spaced text's blank lines halved
    doc = without_furniture(doc)  # page numbers and running headers: no parser reads them
    doc = split_glued_titles(doc)  # a title run into the row before it is a line of its own
    try:
        final = detect_final(doc)
        if final is not None:
            from .final.read import parse_final

            budget = parse_final(doc, final)
            budget.meta.extraction = doc.extraction
            return budget
        meta = Meta(source=doc.path, extraction=doc.extraction)
        frames: dict = {}
        tables.parse_tables(doc, meta, frames)
        reconcile_names(doc, frames, meta.notes)
        narrative.parse_narrative(doc, meta, frames)
    except ValueOutOfRange as exc:  # a figure no budget holds: one load error naming its place
        where = f"page {exc.page}, " if exc.page else ""
        raise LoadError(f"{where}{exc}", path=doc.path, line=exc.line) from None
    if not meta.tables and not meta.sections:
        raise LoadError(
            "not a budget disclosure: none of the nine budget tables and no 部门预算 section headings found",
            path=doc.path,
        )
    for key in TABLE_KEYS:
        if key not in frames:
            frames[key] = empty_frame(key)
    return Budget(meta=meta, frames=frames, document=doc, schema_errors=validate_frames(frames))

"""What the layout-variant tests share: a corpus PDF's located lines, read once per session, and a
budget's frames as compared when lines were added (their line numbers aside)."""

from __future__ import annotations

from functools import cache

from corpus import CORPUS

from auditor.document import Document


@cache
def pdf_lines(name: str) -> Document:
    """The located lines of the corpus PDF `name` (no suffix), read once; variants copy, never change it."""
    from auditor.loaders.pdf import read_document

    return read_document(CORPUS / f"{name}.pdf")


def unlined(budget) -> dict:
    """The frames without their line numbers and the notes naming lines (lines added renumber a text)."""
    return {
        k: v.drop(columns=[c for c in v.columns if c.endswith("line") or c == "inferred"]).to_dict("list")
        for k, v in budget.frames.items()
    }

"""Which built-in loader claims a file: by extension and its first bytes, without importing the loaders.

The built-in loaders' ``sniff`` methods are these functions, and the engine asks them before any
loader module is imported, so that a text disclosure never imports the PDF, OCR or workbook code.
"""

from __future__ import annotations

from pathlib import Path

ZIP_MAGIC = b"PK\x03\x04"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def is_pdf(path: Path, head: bytes) -> bool:
    return head.lstrip()[:5] == b"%PDF-" or path.suffix.lower() == ".pdf"


def is_workbook(path: Path, head: bytes) -> bool:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return True
    return head.startswith(ZIP_MAGIC) and b"xl/" in head


def is_json_export(path: Path, head: bytes) -> bool:
    if path.suffix.lower() == ".json":
        return True
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return start.startswith(b"{") and b'"meta"' in head and b'"tables"' in head


def is_text(path: Path, head: bytes) -> bool:
    return b"\x00" not in head or head.startswith(_UTF16_BOMS)

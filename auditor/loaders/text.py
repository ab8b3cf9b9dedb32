"""Text sources: OCR or extracted text of a disclosure, in UTF-8, UTF-8 with BOM, or GB18030."""

from __future__ import annotations

from pathlib import Path

from ..document import Document, form_feed_pages, lines_from_text, page_breaks
from ..errors import LoadError
from ..model import Budget
from .sniff import is_text

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
#: The largest text file read: a whole disclosure's text is well under 1 MiB.
MAX_TEXT_BYTES = 16 << 20


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 (with BOM) or GB18030; return (text, encoding).

    Bytes that do not decode are a LoadError naming the offset (never a UnicodeDecodeError).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            why = "the text is cut off" if exc.start >= len(data) - 3 else "bad bytes"
            raise LoadError(f"cannot decode UTF-16 text ({why} at byte offset {exc.start})", path=path) from None
    if b"\x00" in data[:4096]:
        raise LoadError("binary file, not a text disclosure", path=path)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise LoadError(f"cannot decode text as UTF-8 or GB18030 (bad byte at offset {exc.start})", path=path) from None


class TextLoader:
    """Reads .txt files (and anything else that decodes as text)."""

    name = "text"
    builtin = True

    def sniff(self, path: Path, head: bytes) -> bool:
        return is_text(path, head)

    def load(self, path: Path) -> Budget:
        from ..parse import parse_document

        try:
            size = path.stat().st_size
            if size > MAX_TEXT_BYTES:
                raise LoadError(
                    f"text file too large for a disclosure ({size / 2**20:.0f} MiB; the limit is {MAX_TEXT_BYTES >> 20} MiB)",
                    path=str(path),
                )
            data = path.read_bytes()
        except OSError as exc:
            raise LoadError(f"cannot read file ({exc.strerror})", path=str(path)) from exc
        text, encoding = decode(data, str(path))
        pages, blank = form_feed_pages(text)
        doc = Document(
            path=str(path),
            lines=lines_from_text(text),
            kind="text",
            pages=pages,
            empty_pages=blank,
            encoding=encoding,
            page_breaks=page_breaks(text),
        )
        return parse_document(doc)

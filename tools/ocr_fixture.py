"""Save the recognised pages of a scanned copy as a test fixture (what the OCR page cache holds).

    python tools/make_scan.py CORPUS/x.pdf /tmp/x-scan.pdf
    auditor audit /tmp/x-scan.pdf --cache-dir /tmp/ocr-cache      # recognises every page once
    python tools/ocr_fixture.py /tmp/x-scan.pdf /tmp/ocr-cache tests/data/ocr/x.json.gz

The fixture is one gzipped JSON object: the source document's name, the engine settings it was
recognised under and every page's result (boxes, each character's x extent, vertical rules).
``tests/test_ocr_corpus.py`` replays it through the loader (no recognition, so no CPU-seconds per
page) and compares the scanned document's tables and findings with the text-layer original's.
Re-make the fixtures when the recogniser or a hygiene step changes (``HYGIENE_VERSION``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from auditor.loaders import ocr, ocr_cache  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scan", help="the scanned PDF that was recognised")
    ap.add_argument("cache_dir", help="the --cache-dir it was recognised with")
    ap.add_argument("out", help="where to write the fixture (.json.gz)")
    ap.add_argument("--source", default=None, help="the corpus document it is a scan of (default: from the name)")
    a = ap.parse_args(argv)
    import pypdfium2 as pdfium

    scan = Path(a.scan)
    with pdfium.PdfDocument(str(scan)) as pdf:
        n = len(pdf)
    cache = ocr_cache.PageCache(Path(a.cache_dir), ocr_cache.file_hash(scan), ocr.SETTINGS)
    pages = []
    for p in range(1, n + 1):
        got = cache.get(p)
        if got is None:
            print(f"{scan}: page {p} is not in the cache; audit the scan with --cache-dir {a.cache_dir} first")
            return 2
        pages.append(got)
    source = a.source or scan.name.replace("-scan", "")
    data = {"source": source, "settings": ocr.SETTINGS, "pages": pages}
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    out.write_bytes(gzip.compress(raw, mtime=0))
    print(f"{out}: {n} pages, {out.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

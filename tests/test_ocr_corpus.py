"""Scanned copies of corpus budgets read as their text layers: tables cell for cell, findings alike.

Recognising a whole document costs minutes of CPU, so the recogniser's output for each scanned copy
(``tools/make_scan.py``: 150 dpi, ±1° skew, noise, JPEG quality 60) is kept in
``tests/data/ocr/<document>.json.gz`` (``tools/ocr_fixture.py``): every page's boxes, each character's
x extent and the vertical rules, exactly what the page cache holds. The test replays it through the
real loader (an image-only PDF with the same pages, the fixture put in its page cache), so
everything after recognition runs: characters placed, cells split at rules, numbers normalised,
lines built, tables parsed, rules run. The differences that remain are listed in ``RESIDUAL`` with
their reason; any other difference, or one of these going away, fails.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest
from corpus import CORPUS, needs_corpus

from auditor.table_diff import table_differences

FIXTURES = Path(__file__).resolve().parent / "data" / "ocr"
ocr_extra = pytest.mark.skipif(__import__("importlib").util.find_spec("rapidocr") is None, reason="needs the ocr extra")

#: What still differs between a scanned copy and its text layer, and why (docs/ocr.md).
RESIDUAL: dict[str, dict[str, list[str]]] = {}


def _fixture(name: str) -> dict:
    return json.loads(gzip.decompress((FIXTURES / f"{name}.json.gz").read_bytes()))


def _replay(data: dict, tmp_path: Path) -> tuple[Path, Path]:
    """An image-only PDF with the fixture's pages and a page cache holding their recognised results."""
    from PIL import Image

    from auditor.loaders import ocr, ocr_cache

    assert data["settings"] == ocr.SETTINGS, (
        "the fixture was recognised under other engine settings; re-make it with tools/ocr_fixture.py"
    )
    # one grey pixel per 8 points: the page sizes of the scan, and an image on every page
    images = [
        Image.new("L", (max(1, round(w / 8)), max(1, round(h / 8))), 250) for w, h in (p["size"] for p in data["pages"])
    ]
    scan = tmp_path / "scan.pdf"
    images[0].save(scan, format="PDF", save_all=True, append_images=images[1:], resolution=9.0)
    cache_dir = tmp_path / "cache"
    cache = ocr_cache.PageCache(cache_dir, ocr_cache.file_hash(scan), ocr.SETTINGS)
    for page in data["pages"]:
        cache.put(page["page"], page)
    return scan, cache_dir


def _findings(report) -> Counter:
    return Counter(f"{f.rule}@p{f.location.page}" for f in report.findings)


DOCUMENTS = sorted(p.name[: -len(".json.gz")] for p in FIXTURES.glob("*.json.gz"))


@needs_corpus
@ocr_extra
@pytest.mark.parametrize("name", DOCUMENTS)
def test_scanned_copy_reads_as_the_text_layer(name, tmp_path):
    from auditor.config import Config
    from auditor.engine import audit, prepare

    data = _fixture(name)
    scan, cache_dir = _replay(data, tmp_path)
    config = Config().replace(ocr_jobs=1, cache_dir=cache_dir, ocr_progress=False)
    engine = prepare(config)
    original = audit(CORPUS / data["source"], config, engine=engine)
    scanned = audit(scan, config, engine=engine)
    assert scanned.budget.meta.from_ocr
    assert all(info["cached"] for info in scanned.budget.document.ocr["page_info"].values())
    got, want = _findings(scanned), _findings(original)
    residual = RESIDUAL.get(name, {})
    assert sorted((got - want).elements()) == residual.get("only_in_scan", [])
    assert sorted((want - got).elements()) == residual.get("only_in_original", [])
    assert table_differences(scanned.budget, original.budget) == residual.get("tables", [])

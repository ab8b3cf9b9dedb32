"""Recognising scanned pages (the optional ``ocr`` extra: rapidocr, onnxruntime, OpenCV).

Each page is rendered with pypdfium2 at 150 dpi in grey, turned upright and deskewed
(``ocr_hygiene``), its table rules found and erased, and recognised by rapidocr's PP-OCR models
(they ship inside the wheel: nothing is downloaded), which also place each character of a box;
ink the detector left uncovered is then found and recognised on its own (``ocr_uncovered``). A
page's result (boxes, character extents, vertical rules, in PDF points) is what the page cache
keeps; ``ocr_lines`` turns it into located lines through the same line builder as a text layer.

Settings that matter (measured, see docs/ocr.md): the angle classifier is off (on short digit
crops it flips 99 to 66 and 08 to 80); 150 dpi (more does not read better, and costs more);
one ONNX thread per worker process, pages in parallel processes instead.

Importing this module imports the extra; ``ocr_stage`` catches the ImportError.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import version as _version
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import rapidocr  # noqa: F401 - the extra: an ImportError here is the clear message of ocr_stage

from ..document import Line
from ..errors import LoadError
from . import ocr_cache
from .ocr_budget import outside_document_budget
from .ocr_hygiene import HYGIENE_VERSION, Box, erase, rotate, skew_angle, table_rules
from .ocr_lines import page_lines
from .ocr_options import OcrOptions
from .ocr_uncovered import uncovered_boxes

DPI = 150
#: Boxes below this recogniser confidence are noise (specks, stamps), as rapidocr's own default.
MIN_SCORE = 0.5
#: How many of the longest boxes decide a page's orientation by recogniser confidence.
ORIENTATION_SAMPLES = 8

SETTINGS = {
    "engine": "rapidocr",
    "version": _version("rapidocr"),
    "dpi": DPI,
    "angle_classifier": False,
    "hygiene": HYGIENE_VERSION,
    "min_score": MIN_SCORE,
}


@lru_cache(maxsize=1)
def _engine():
    from rapidocr import RapidOCR

    return RapidOCR(
        params={
            "Global.use_cls": False,
            "Global.log_level": "critical",
            "EngineConfig.onnxruntime.intra_op_num_threads": 1,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
    )


# ----------------------------------------------------------------------------------------------
# one page (runs in a worker process)


def _axis_box(quad) -> tuple[float, float, float, float]:
    q = np.asarray(quad, dtype=float)
    return float(q[:, 0].min()), float(q[:, 0].max()), float(q[:, 1].min()), float(q[:, 1].max())


def _rec_score(engine, crops: list[np.ndarray]) -> float:
    if not crops:
        return 0.0
    total = 0.0
    for crop in crops:
        out = engine(np.ascontiguousarray(crop), use_det=False, use_cls=False, use_rec=True)
        scores = list(getattr(out, "scores", None) or ())
        total += float(scores[0]) if scores else 0.0
    return total / len(crops)


@dataclass
class _Reading:
    gray: np.ndarray
    skew: float
    boxes: list[Box]
    rules: list = field(default_factory=list)
    #: the deskewed image with its table rules erased: what the detector was shown
    erased: np.ndarray | None = None

    @property
    def confidence(self) -> float:
        """Mean confidence weighted by text length."""
        n = sum(len(b.text) for b in self.boxes)
        return sum(b.conf * len(b.text) for b in self.boxes) / n if n else 1.0

    @property
    def sideways(self) -> bool:
        """Text lines of a sideways page are detected as tall boxes."""
        wide = sum(b.right - b.left for b in self.boxes if (b.right - b.left) > 1.5 * (b.bottom - b.top))
        tall = sum(b.bottom - b.top for b in self.boxes if (b.bottom - b.top) > 1.5 * (b.right - b.left))
        return tall > wide


def _char_extents(txts, words) -> list[list[tuple[float, float, float]] | None]:
    """Each box's characters as (left, right, confidence) in pixels, from the recogniser's own
    per-character boxes (where its CTC decoder placed each character), or None for a box whose
    characters it did not place. rapidocr drops the entry of a box without character boxes, so
    entries are matched to boxes by their text, in order."""
    out: list[list[tuple[float, float, float]] | None] = []
    k = 0
    for text in txts:
        want = "".join(text.split())
        entry = words[k] if k < len(words) else None
        if entry is not None and "".join(str(c) for c, _, _ in entry) == want:
            chars = []
            for _, score, quad in entry:
                xs = [float(pt[0]) for pt in quad]
                chars.append((min(xs), max(xs), float(score)))
            out.append(chars)
            k += 1
        else:
            out.append(None)
    return out


def _recognise(gray: np.ndarray, dpi: int) -> _Reading:
    """Deskew, erase the table rules, recognise (with each character's position), find the
    vertical rules that separate table columns."""
    skew = skew_angle(gray)
    gray = rotate(gray, skew)
    rules, rule_mask = table_rules(gray, min_len=int(40 * dpi / 150))
    erased = erase(gray, rule_mask)
    out = _engine()(
        erased,
        use_det=True,
        use_cls=False,
        use_rec=True,
        return_word_box=True,
        return_single_char_box=True,
    )
    boxes: list[Box] = []
    if getattr(out, "boxes", None) is not None:
        txts = list(out.txts)
        chars = _char_extents(txts, list(getattr(out, "word_results", None) or ()))
        for quad, text, score, extents in zip(out.boxes, txts, out.scores, chars):
            if score < MIN_SCORE or not text.strip():
                continue
            x0, x1, y0, y1 = _axis_box(quad)
            boxes.append(Box(text.strip(), x0, x1, y0, y1, float(score), extents))
    return _Reading(gray, skew, boxes, rules, erased)


def _read_crop(engine, crop: np.ndarray) -> tuple[str, float]:
    """The recogniser's reading of one crop (no detection): its text and confidence."""
    out = engine(crop, use_det=False, use_cls=False, use_rec=True)
    txts, scores = list(getattr(out, "txts", None) or ()), list(getattr(out, "scores", None) or ())
    return (str(txts[0]), float(scores[0])) if txts and scores else ("", 0.0)


#: Below this mean confidence (or with mostly tall boxes) a page may be sideways or upside down.
UPRIGHT_CONFIDENCE = 0.9


def orientation(reading: _Reading) -> int:
    """Quarter turns (counter-clockwise, as numpy.rot90) that make the page upright: 0 for a page
    read confidently in wide lines; otherwise the turn under which the recogniser reads the page's
    longest boxes most confidently."""
    if not reading.boxes or (not reading.sideways and reading.confidence >= UPRIGHT_CONFIDENCE):
        return 0
    longest = sorted(reading.boxes, key=lambda b: -max(b.right - b.left, b.bottom - b.top))[:ORIENTATION_SAMPLES]
    crops = [reading.gray[int(b.top) : int(b.bottom) + 1, int(b.left) : int(b.right) + 1] for b in longest]
    crops = [c for c in crops if c.size]
    engine = _engine()
    candidates = (1, 3) if reading.sideways else (2,)
    scores = {k: _rec_score(engine, [np.rot90(c, k) for c in crops]) for k in candidates}
    best = max(candidates, key=lambda k: scores[k])
    return best if scores[best] > reading.confidence + 0.05 else 0


def read_page(path: str, index: int, dpi: int = DPI) -> dict:
    """Recognise page `index` (0-based): upright, deskewed, boxes in PDF points (y up)."""
    started = time.process_time()
    pdf = pdfium.PdfDocument(path)
    try:
        page = pdf[index]
        try:
            gray = page.render(scale=dpi / 72, grayscale=True).to_numpy()
        finally:
            page.close()
    finally:
        pdf.close()
    if gray.ndim == 3:
        gray = gray[:, :, 0]
    gray = np.ascontiguousarray(gray)
    reading = _recognise(gray, dpi)
    turns = orientation(reading)
    if turns:
        reading = _recognise(np.ascontiguousarray(np.rot90(gray, turns)), dpi)
    engine = _engine()
    before = time.process_time()
    found = uncovered_boxes(reading.erased, reading.boxes, reading.rules, lambda c: _read_crop(engine, c))
    uncovered_cpu = time.process_time() - before
    k = 72.0 / dpi
    height_pt = reading.gray.shape[0] * k
    return {
        "page": index + 1,
        "size": [reading.gray.shape[1] * k, height_pt],
        "rotation": turns * 90,
        "skew": reading.skew,
        "cpu_seconds": round(time.process_time() - started, 3),
        # the last `uncovered` boxes are ink the detector missed, recognised on its own (ocr_uncovered)
        "uncovered": len(found),
        "uncovered_cpu_seconds": round(uncovered_cpu, 3),
        "boxes": [
            [
                b.text,
                round(b.left * k, 2),
                round(b.right * k, 2),
                round(height_pt - b.bottom * k, 2),
                round(height_pt - b.top * k, 2),
                round(b.conf, 4),
                None
                if b.chars is None
                else [[round(x0 * k, 2), round(x1 * k, 2), round(c, 4)] for x0, x1, c in b.chars],
            ]
            for b in reading.boxes + found
        ],
        # vertical table rules: x, bottom, top (points, y up)
        "rules": [
            [round(r.x * k, 2), round(height_pt - r.bottom * k, 2), round(height_pt - r.top * k, 2)]
            for r in reading.rules
        ],
    }


# ----------------------------------------------------------------------------------------------
# a document's pages: cache, worker processes, progress


@dataclass
class OcrResult:
    """The recognised pages of one document."""

    lines: dict[int, list[Line]] = field(default_factory=dict)
    confidence: dict[tuple[int, int], tuple[float, ...]] = field(default_factory=dict)
    pages: dict[int, dict] = field(default_factory=dict)  # page -> rotation, skew, cpu_seconds, cached
    cpu_seconds: float = 0.0

    def provenance(self) -> dict:
        return {
            "engine": f"rapidocr {SETTINGS['version']}",
            "settings": dict(SETTINGS),
            "pages": sorted(self.pages),
            "page_info": {p: dict(v) for p, v in self.pages.items()},
            "confidence": dict(self.confidence),
            "cpu_seconds": round(self.cpu_seconds, 3),
        }


def _init_worker() -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    try:
        import cv2

        cv2.setNumThreads(1)
    except Exception:  # noqa: BLE001
        pass


def _default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _progress(opts: OcrOptions, total: int, path: Path):
    if opts.progress is False or total < 1 or multiprocessing.current_process().daemon:
        return None
    if opts.progress is None and not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="page", desc=f"OCR {path.name}", file=sys.stderr, leave=False, dynamic_ncols=True)


def recognise(path: Path, pages: list[int], opts: OcrOptions) -> OcrResult:
    """Recognise `pages` (1-based) of the PDF at `path`: from the cache where it has them, the rest
    in worker processes (``opts.jobs``), with a progress bar per page on a terminal."""
    path = Path(path)
    root = None
    if opts.cache:
        root = opts.cache_dir or ocr_cache.default_dir()
    cache = ocr_cache.PageCache(root, ocr_cache.file_hash(path) if root else "", SETTINGS)
    raw: dict[int, dict] = {}
    for p in pages:
        hit = cache.get(p)
        if hit is not None and hit.get("page") == p:
            raw[p] = {**hit, "cached": True}
    missing = [p for p in pages if p not in raw]
    if missing:
        jobs = min(opts.jobs or _default_jobs(), len(missing))
        in_process = jobs <= 1 or multiprocessing.current_process().daemon
        bar = _progress(opts, len(missing), path)
        try:
            if in_process:
                _init_worker()
                for p in missing:
                    with outside_document_budget():  # as if recognised in a worker process
                        raw[p] = _read(path, p)
                    cache.put(p, raw[p])
                    if bar is not None:
                        bar.update(1)
            else:
                ctx = multiprocessing.get_context("spawn")
                with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker) as pool:
                    futures = {p: pool.submit(read_page, str(path), p - 1) for p in missing}
                    for p, fut in futures.items():
                        try:
                            raw[p] = fut.result()
                        except Exception as exc:  # noqa: BLE001 - a worker that dies is one clear line
                            raise LoadError(
                                f"OCR failed on page {p}: {type(exc).__name__}: {exc}", path=str(path)
                            ) from exc
                        cache.put(p, raw[p])
                        if bar is not None:
                            bar.update(1)
        finally:
            if bar is not None:
                bar.close()
    result = OcrResult()
    for p in pages:
        page_result = raw[p]
        lines, conf = page_lines(page_result)
        result.lines[p] = lines
        result.confidence.update(conf)
        cpu = 0.0 if page_result.get("cached") else float(page_result.get("cpu_seconds") or 0.0)
        result.cpu_seconds += cpu
        result.pages[p] = {
            "rotation": page_result.get("rotation", 0),
            "skew": page_result.get("skew", 0.0),
            "cpu_seconds": cpu,
            "cached": bool(page_result.get("cached")),
            # boxes read from ink the detector left uncovered (ocr_uncovered)
            "uncovered": int(page_result.get("uncovered") or 0),
        }
    return result


def _read(path: Path, page: int) -> dict:
    try:
        return read_page(str(path), page - 1)
    except (pdfium.PdfiumError, ValueError, RuntimeError) as exc:
        raise LoadError(f"OCR failed on page {page}: {exc}", path=str(path)) from exc

"""Scanned copies of PDFs, for testing the OCR stage: what a district's scanner would give.

``make_scan(src, dst)`` renders each page (150 dpi, grey), turns it by a small skew (alternating
+/- so both directions are tried), adds grey noise, compresses it as JPEG (quality 60) and wraps
the images into a PDF without a text layer. The copy is reproducible: the same source and
settings give the same bytes (so the OCR page cache finds it again). ``rotate`` turns pages by quarter turns (a page fed
sideways or upside down). Needs numpy and Pillow (both come with the ``ocr`` extra).
"""

from __future__ import annotations

import io
import time
from pathlib import Path


def scan_image(page, *, dpi: int = 150, skew: float = 0.0, noise: float = 8.0, rotate: int = 0, rng=None):
    """One page rendered as a degraded grey scan (a PIL image)."""
    import numpy as np
    from PIL import Image

    img = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    if skew:
        img = img.rotate(skew, resample=Image.BICUBIC, expand=False, fillcolor=255)
    if noise:
        rng = rng or np.random.default_rng(0)
        arr = np.asarray(img, dtype=np.float32)
        arr = arr + rng.normal(0.0, noise, arr.shape)
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), mode="L")
    if rotate % 360:
        img = img.rotate(rotate % 360, expand=True)
    return img


def make_scan(
    src: str | Path,
    dst: str | Path,
    *,
    pages: list[int] | None = None,
    dpi: int = 150,
    skew: float = 1.0,
    quality: int = 60,
    noise: float = 8.0,
    rotate: int | dict[int, int] = 0,
    seed: int = 0,
) -> Path:
    """Write an image-only copy of `src` (its `pages`, 1-based; default all) to `dst`.

    `rotate` is one quarter turn for every page, or a mapping page -> turn (degrees).
    """
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    rng = np.random.default_rng(seed)
    pdf = pdfium.PdfDocument(str(src))
    images: list[Image.Image] = []
    try:
        for n, index in enumerate([p - 1 for p in pages] if pages else range(len(pdf))):
            page = pdf[index]
            try:
                turn = rotate.get(index + 1, 0) if isinstance(rotate, dict) else rotate
                img = scan_image(
                    page, dpi=dpi, skew=skew * (1 if n % 2 == 0 else -1), noise=noise, rotate=turn, rng=rng
                )
            finally:
                page.close()
            buf = io.BytesIO()
            img.save(buf, format="JPEG", quality=quality)
            buf.seek(0)
            images.append(Image.open(buf))
    finally:
        pdf.close()
    dst = Path(dst)
    # fixed metadata (Pillow stamps the time and the file name otherwise): the same source and
    # settings give the same bytes, so the OCR page cache (keyed by the file's hash) finds it again
    fixed = time.struct_time((2000, 1, 1, 0, 0, 0, 5, 1, 0))
    images[0].save(
        dst,
        format="PDF",
        save_all=True,
        append_images=images[1:],
        resolution=float(dpi),
        title="scan",
        creationDate=fixed,
        modDate=fixed,
    )
    return dst

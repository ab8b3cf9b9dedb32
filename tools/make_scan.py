"""Make a scanned copy of a PDF: each page rendered, skewed, noised, JPEG-compressed, rewrapped.

    python tools/make_scan.py IN.pdf OUT.pdf [--dpi 150] [--skew 1] [--quality 60] [--pages 3,5]
        [--rotate 90] [--noise 8] [--seed 0]

The copy has no text layer: what OCR must read, as a district's scanner would give it. Used by the
OCR tests (a few pages) and by ``benchmarks/ocr.py`` (whole documents).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from auditor.scancopy import make_scan  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--dpi", type=int, default=150)
    ap.add_argument("--skew", type=float, default=1.0, help="degrees; pages alternate +/-")
    ap.add_argument("--quality", type=int, default=60)
    ap.add_argument("--noise", type=float, default=8.0, help="standard deviation of grey noise")
    ap.add_argument("--rotate", type=int, default=0, help="turn pages by 90/180/270 degrees")
    ap.add_argument("--pages", default="", help="1-based pages to keep, comma-separated (default all)")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    pages = [int(p) for p in a.pages.split(",") if p.strip()] or None
    make_scan(
        a.src,
        a.dst,
        pages=pages,
        dpi=a.dpi,
        skew=a.skew,
        quality=a.quality,
        noise=a.noise,
        rotate=a.rotate,
        seed=a.seed,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Generate a corpus of realistic variants of the real disclosures, deterministically from a seed.

    .venv/bin/python benchmarks/generate.py OUT_DIR [-n 1000] [--seed 7] [--pdf-share 0.1] [--break-share 0.3]

Sources (../shared/corpus, else examples/): the Minhang OCR text, and the text of each text-layer PDF
(its located lines written back as tab-separated cells, the form the text loader reads).
Each text variant:
- names another department (编制部门, headings and prose: every occurrence of the original name);
- scales every amount by one integer factor k (2..9): sums, subtotals and 三公 identities hold
  exactly, and shares and percentages are unchanged, so a clean variant keeps every identity;
- optionally ("broken") changes ONE amount of a table row by a visible delta, breaking the row's
  identities; which line, the old and the new value are recorded in the manifest.
PDF variants are byte copies of the real PDFs under new names: we cannot re-typeset a PDF, so their
content is the original's (their findings repeat the original's).

Writes OUT_DIR/manifest.jsonl (a suffix the audit skips): one entry per file with its source, department, factor, and the
break (line, old, new) if any.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"
MANIFEST = "manifest.jsonl"

DISTRICTS = [
    "闵行区",
    "普陀区",
    "徐汇区",
    "长宁区",
    "静安区",
    "虹口区",
    "杨浦区",
    "宝山区",
    "嘉定区",
    "浦东新区",
    "金山区",
    "松江区",
    "青浦区",
    "奉贤区",
    "崇明区",
    "黄浦区",
]
BODIES = [
    "教育局",
    "卫生健康委员会",
    "民政局",
    "财政局",
    "司法局",
    "生态环境局",
    "文化和旅游局",
    "体育局",
    "商务委员会",
    "科学技术委员会",
    "人力资源和社会保障局",
    "规划和自然资源局",
    "住房和城乡建设管理委员会",
    "交通委员会",
    "水务局",
    "绿化和市容管理局",
    "应急管理局",
    "市场监督管理局",
    "统计局",
    "审计局",
    "退役军人事务局",
    "医疗保障局",
    "农业农村委员会",
    "档案局",
]
STREETS = [
    "江川路街道办事处",
    "古美路街道办事处",
    "新虹街道办事处",
    "浦锦街道办事处",
    "长风新村街道办事处",
    "真如镇街道办事处",
    "石泉路街道办事处",
    "宜川路街道办事处",
]

#: An amount as printed: grouped thousands and/or two decimals (not years, codes, counts or dates).
#: OCR text prints them with stray spaces ("2, 082, 935, 857. 58"): kept as printed.
AMOUNT = re.compile(r"(?<![\d.,])(\d{1,3}(?:, ?\d{3})+(?:\. ?\d{1,2})?|\d+\. ?\d{2})(?![\d,]|\.\d)")


def department_names(rng: random.Random, n: int) -> list[str]:
    names = [f"上海市{d}{b}" for d in DISTRICTS for b in BODIES] + [
        f"上海市{d}人民政府{s}" for d in DISTRICTS for s in STREETS
    ]
    rng.shuffle(names)
    return [names[i % len(names)] + ("" if i < len(names) else f"（{i // len(names) + 1}）") for i in range(n)]


def _num(text: str) -> Decimal:
    return Decimal(text.replace(",", "").replace(" ", ""))


def _fmt(value: Decimal, like: str) -> str:
    """`value` printed like `like`: same decimals, grouping and OCR spacing."""
    decimals = len(like.split(".")[1].strip()) if "." in like else 0
    q = Decimal(1).scaleb(-decimals)
    text = f"{value.quantize(q):,}" if "," in like else f"{value.quantize(q)}"
    if ", " in like:
        text = text.replace(",", ", ")
    if ". " in like:
        text = text.replace(".", ". ")
    return text


def scale_amounts(text: str, k: int) -> str:
    """Every printed amount times k (exact: k is an integer), in the amount's own format."""
    return AMOUNT.sub(lambda m: _fmt(_num(m.group(1)) * k, m.group(1)), text)


def break_one(text: str, rng: random.Random) -> tuple[str, dict | None]:
    """Change one amount on a tab-separated table row that has at least three amounts."""
    lines = text.split("\n")
    candidates = [i for i, ln in enumerate(lines) if "\t" in ln and len(AMOUNT.findall(ln)) >= 3]
    if not candidates:
        return text, None
    i = rng.choice(candidates)
    matches = list(AMOUNT.finditer(lines[i]))
    m = rng.choice(matches)
    old = m.group(1)
    delta = Decimal(rng.choice([1, 10, 100, 1000]))
    new = _fmt(_num(old) + delta, old)
    lines[i] = lines[i][: m.start(1)] + new + lines[i][m.end(1) :]
    return "\n".join(lines), {"line": i + 1, "old": old, "new": new, "text": lines[i][:120]}


def pdf_text(path: Path) -> str:
    """A text-layer PDF's located lines as text: cells joined by tabs, a blank line between pages."""
    from auditor.loaders.pdf import read_document

    doc = read_document(path)
    out, page = [], None
    for ln in doc.lines:
        if page is not None and ln.page != page:
            out.append("")
        page = ln.page
        out.append("\t".join(ln.cells) if ln.cells else ln.text)
    return "\n".join(out) + "\n"


def sources() -> tuple[list[tuple[str, str, str]], list[Path]]:
    """(label, text, department) of each text source, and the PDFs."""
    base = CORPUS if CORPUS.is_dir() else ROOT / "examples"
    texts = []
    pdfs = sorted(base.glob("*.pdf"))
    from auditor.loaders import load

    for p in sorted(base.glob("*.txt")) + pdfs:
        text = p.read_text(encoding="utf-8") if p.suffix == ".txt" else pdf_text(p)
        dept = load(p).meta.department
        if dept:
            texts.append((p.name, text, dept))
    return texts, pdfs


def generate(
    out: Path, n: int, seed: int = 7, pdf_share: float = 0.1, break_share: float = 0.3, text_only: bool = False
) -> list[dict]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    texts, pdfs = sources()
    names = department_names(rng, n)
    manifest = []
    for i in range(n):
        if pdfs and not text_only and rng.random() < pdf_share:
            src = pdfs[i % len(pdfs)]
            target = out / f"{i:05d}-{src.stem}.pdf"
            shutil.copyfile(src, target)
            manifest.append(
                {
                    "file": target.name,
                    "source": src.name,
                    "kind": "pdf-copy",
                    "department": None,
                    "factor": 1,
                    "break": None,
                }
            )
            continue
        label, text, dept = texts[i % len(texts)]
        k = rng.randint(2, 9)
        body = scale_amounts(text, k).replace(dept, names[i])
        broken = None
        if rng.random() < break_share:
            body, broken = break_one(body, rng)
        target = out / f"{i:05d}.txt"
        target.write_text(body, encoding="utf-8")
        manifest.append(
            {"file": target.name, "source": label, "kind": "text", "department": names[i], "factor": k, "break": broken}
        )
    (out / MANIFEST).write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in manifest), encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("-n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--pdf-share", type=float, default=0.1, help="share of PDF copies (default 0.1)")
    ap.add_argument("--break-share", type=float, default=0.3, help="share of text variants with one broken amount")
    ap.add_argument("--text-only", action="store_true")
    args = ap.parse_args(argv)
    m = generate(args.out, args.n, args.seed, args.pdf_share, args.break_share, args.text_only)
    kinds = {k: sum(1 for e in m if e["kind"] == k) for k in ("text", "pdf-copy")}
    print(
        f"{len(m)} documents in {args.out}: {kinds['text']} text ({sum(1 for e in m if e['break'])} with one broken amount), {kinds['pdf-copy']} PDF copies"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

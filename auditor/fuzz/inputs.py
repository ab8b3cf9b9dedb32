"""Seeds (the corpus as text, export dicts and files) and the deterministic inputs made from them.

Input ``i`` of a campaign with seed ``s`` is a pure function of (seeds, s, i): a worker rebuilds it
from its number alone, and a failure found once can be made again (``tools/fuzz.py --only I``).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any

from . import mutate

#: Shares of the input kinds (text is the cheapest and the richest in parsing paths).
KIND_WEIGHTS = {"text": 66, "json": 14, "xlsx": 10, "pdf": 10}


@dataclass
class Seeds:
    """What inputs are made from."""

    texts: list[tuple[str, str]] = field(default_factory=list)  # (name, text with tab-separated cells)
    structures: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # export dicts
    pdfs: list[tuple[str, bytes]] = field(default_factory=list)
    workbooks: list[tuple[str, bytes]] = field(default_factory=list)


@dataclass
class FuzzInput:
    """One input: the bytes of a file, its suffix, and how it was made."""

    index: int
    kind: str
    suffix: str
    data: bytes
    origin: str
    mutations: list[str]
    text: str | None = None  # the text before encoding (text inputs), for minimising
    encoding: str | None = None


def document_text(doc: Any) -> str:
    """A loaded Document as a text file: one line per line, cells tab-separated, a blank line between pages."""
    out: list[str] = []
    page = None
    for ln in doc.lines:
        if ln.page != page and page is not None:
            out.append("")
        page = ln.page
        out.append("\t".join(ln.cells) if len(ln.cells) > 1 else ln.text)
    return "\n".join(out)


def load_seeds(corpus: Path, *, pdfs: bool = True, limit: int | None = None) -> Seeds:
    """Seeds from a corpus folder: every text and PDF, their text renderings, exports and workbooks."""
    from ..errors import LoadError
    from ..export import budget_to_dict, write_workbook
    from ..loaders import load

    seeds = Seeds()
    files = sorted(p for p in corpus.iterdir() if p.suffix.lower() in (".txt", ".pdf"))
    files = [p for p in files if pdfs or p.suffix.lower() == ".txt"][:limit]
    for p in files:
        try:
            budget = load(p)
        except LoadError:
            continue
        if p.suffix.lower() == ".pdf":
            seeds.pdfs.append((p.name, p.read_bytes()))
            seeds.texts.append((p.name + ".txt", document_text(budget.document)))
        else:
            seeds.texts.append((p.name, p.read_text(encoding="utf-8")))
        seeds.structures.append((p.name + ".json", json.loads(json.dumps(budget_to_dict(budget)))))
        if not seeds.workbooks:
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                out = write_workbook(budget, Path(tmp) / "seed.xlsx")
                seeds.workbooks.append((p.name + ".xlsx", out.read_bytes()))
    return seeds


#: Sizes (in lines) of the parts of a document that windowed inputs keep.
WINDOWS = (30, 80, 200, 400)


def _window(rng: Random, text: str, sizes: tuple[int, ...] = WINDOWS) -> str:
    lines = text.split("\n")
    n = rng.choice(sizes)
    if len(lines) <= n:
        return text
    i = rng.randrange(len(lines) - n)
    return "\n".join(lines[i : i + n])


def _workbook_bytes(data: dict[str, Any]) -> bytes:
    """An .xlsx in the export layout holding the (possibly odd) values of an export dict."""
    from openpyxl import Workbook

    from ..export import META_SHEET, SCHEMA_SHEET
    from ..model import TABLE_KEYS

    def cell(v: Any) -> Any:
        if isinstance(v, (list, dict)) or (isinstance(v, str) and v.startswith("__deep_")):
            return mutate.expand_deep(json.dumps(v, ensure_ascii=False))[:30_000]
        if isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 2**63:
            return str(v)
        if isinstance(v, str):
            return v.encode("utf-8", errors="replace").decode("utf-8")[:30_000]
        return v

    wb = Workbook()
    wb.remove(wb.active)
    tables = data.get("tables") if isinstance(data.get("tables"), dict) else {}
    for key in TABLE_KEYS:
        rows = tables.get(key) if key in tables else data.get(key)
        if not isinstance(rows, list):
            continue
        ws = wb.create_sheet(key)
        header = list(dict.fromkeys(k for r in rows if isinstance(r, dict) for k in r))
        ws.append(header)
        for r in rows:
            ws.append([cell(r.get(c)) for c in header] if isinstance(r, dict) else [cell(r)])
    ws = wb.create_sheet(META_SHEET)
    ws.append(["field", "value (JSON)"])
    meta = data.get("meta")
    if isinstance(meta, dict):
        for k, v in meta.items():
            ws.append([k, mutate.expand_deep(json.dumps(v, ensure_ascii=False, allow_nan=True))[:30_000]])
    else:
        ws.append([cell(meta), cell(meta)])
    schema = data.get("schema")
    ws = wb.create_sheet(SCHEMA_SHEET)
    ws.append(["sheet", "column", "kind", "dtype", "missing"])
    if isinstance(schema, dict):
        for key, cols in schema.items():
            for c, spec in cols.items() if isinstance(cols, dict) else [(cols, cols)]:
                spec = spec if isinstance(spec, dict) else {"kind": spec}
                ws.append(
                    [cell(key), cell(c), cell(spec.get("kind")), cell(spec.get("dtype")), cell(spec.get("missing"))]
                )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


#: The quick profile: cheap inputs (workbooks cost a save and a load each).
QUICK_WEIGHTS = {"text": 72, "json": 24, "xlsx": 4, "pdf": 0}


def make_input(
    seeds: Seeds,
    seed: int,
    index: int,
    *,
    window: float = 0.5,
    sizes: tuple[int, ...] = WINDOWS,
    weights: dict[str, int] | None = None,
) -> FuzzInput:
    """Input number `index` of the campaign `seed` (deterministic)."""
    rng = Random(f"{seed}:{index}")
    weights = weights or KIND_WEIGHTS
    kinds = [k for k in weights if _available(seeds, k) and weights[k]]
    kind = rng.choices(kinds, weights=[weights[k] for k in kinds])[0]
    if kind == "text":
        name, text = rng.choice(seeds.texts)
        if rng.random() < window:
            text = _window(rng, text, sizes)
        done = []
        for _ in range(rng.choice([1, 1, 2, 3])):
            op = rng.choice(sorted(mutate.TEXT_MUTATORS))
            text = mutate.TEXT_MUTATORS[op](rng, text)
            done.append(op)
        data, encoding = mutate.encode(rng, text)
        suffix = rng.choices([".txt", ".md", ""], weights=[90, 5, 5])[0]
        return FuzzInput(index, kind, suffix, data, name, done, text=text, encoding=encoding)
    if kind == "json":
        name, base = rng.choice(seeds.structures)
        data, done = mutate.mutate_structure(rng, base)
        return FuzzInput(index, kind, ".json", mutate.dump_json(rng, data), name, done)
    if kind == "xlsx":
        if rng.random() < 0.25:
            name, raw = rng.choice(seeds.workbooks)
            data, op = mutate.mutate_bytes(rng, raw)
            return FuzzInput(index, kind, ".xlsx", data, name, [op])
        name, base = rng.choice(seeds.structures)
        struct, done = mutate.mutate_structure(rng, base)
        return FuzzInput(index, kind, ".xlsx", _workbook_bytes(struct), name, done)
    name, raw = rng.choice(seeds.pdfs)
    data, op = mutate.mutate_bytes(rng, raw)
    return FuzzInput(index, kind, ".pdf", data, name, [op])


def _available(seeds: Seeds, kind: str) -> bool:
    return bool(
        {
            "text": seeds.texts,
            "json": seeds.structures,
            "xlsx": seeds.structures and seeds.workbooks,
            "pdf": seeds.pdfs,
        }[kind]
    )

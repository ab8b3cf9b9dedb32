"""Batch runs: parallel = in-process findings, input order, failures reported not fatal, jsonl/csv/parquet tables, corpus summary."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from cli_helpers import cli

from auditor.batch import CorpusStats, expand_sources, run_batch
from auditor.config import Config
from auditor.engine import exit_code
from auditor.export import budget_to_json
from auditor.report.tabular import BOM, TABLE_COLUMNS, findings_frame, render_csv, write_table
from auditor.testing import budget_from_dict

DATA = Path(__file__).parent / "data"
PACK = DATA / "rules" / "pack"


def _doc(path: Path, dept: str, year: int, total: str) -> Path:
    rows = {
        "gpb_function": [
            {"code": None, "name": "合计", "total": total, "basic": "7.00", "project": "9.00", "line": 2},
            {"code": "204", "name": "公共安全支出", "total": "11.00", "basic": "6.00", "project": "4.00", "line": 3},
            {"code": "205", "name": "教育支出", "total": "5.00", "basic": "1.00", "project": "4.00", "line": 4},
        ]
    }
    path.write_text(
        budget_to_json(budget_from_dict({"meta": {"department": dept, "year": year}, "tables": rows})), encoding="utf-8"
    )
    return path


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    """Six small JSON disclosures (one with a broken total) and one empty file, in nested folders."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    d = tmp_path / "corpus"
    (d / "a").mkdir(parents=True)
    (d / "b").mkdir()
    for i in range(6):
        _doc(d / ("a" if i % 2 else "b") / f"dept{i}.json", f"部门{i}", 2024, "99.00" if i == 3 else "16.00")
    (d / "a" / "empty.txt").write_text("", encoding="utf-8")
    (d / "notes.md").write_text("not a disclosure suffix", encoding="utf-8")
    return d


def cfg() -> Config:
    return Config(builtin=False, entry_points=False, rules=[PACK])


def dicts(reports):
    return [r.to_dict() for r in reports]


def test_expand_directories_recursively_and_globs(corpus):
    files = expand_sources([corpus])
    assert [p.name for p in files] == [
        "dept1.json",
        "dept3.json",
        "dept5.json",
        "empty.txt",
        "dept0.json",
        "dept2.json",
        "dept4.json",
    ]
    assert [p.name for p in expand_sources(["corpus/**/dept[12].json"])] == ["dept1.json", "dept2.json"]
    assert expand_sources(["corpus/nothing*.json"]) == [Path("corpus/nothing*.json")]  # reported as unloadable


def test_parallel_equals_in_process_in_input_order_without_budgets(corpus):
    one = list(run_batch([corpus], cfg(), jobs=1))
    two = list(run_batch([corpus], cfg(), jobs=2))
    assert dicts(one) == dicts(two)
    assert [r.document["path"] for r in two] == [str(p) for p in expand_sources([corpus])]
    assert all(r.budget is None for r in one + two)
    bad = [r for r in two if r.error]
    assert len(bad) == 1 and "file is empty" in bad[0].error
    assert exit_code(two, cfg()) == 2
    kept = list(run_batch([corpus / "b"], cfg(), jobs=2, keep_budget=True))
    assert all(r.budget is not None and r.budget.frames for r in kept)


def test_a_crashing_loader_is_reported_and_the_batch_goes_on(corpus, monkeypatch):
    from auditor.loaders import workbook

    orig = workbook.JsonLoader.load

    def flaky(self, path):
        if path.name == "dept2.json":
            raise ZeroDivisionError("boom")
        return orig(self, path)

    monkeypatch.setattr(workbook.JsonLoader, "load", flaky)
    reports = list(run_batch([corpus], cfg(), jobs=1))
    crashed = [r for r in reports if r.crashed]
    assert [Path(r.document["path"]).name for r in crashed] == ["dept2.json"]
    assert "ZeroDivisionError: boom" in crashed[0].error
    assert len(reports) == 7 and exit_code(reports, cfg()) == 3


def test_table_has_every_finding_and_reads_back(corpus, tmp_path):
    reports = list(run_batch([corpus], cfg(), jobs=1))
    n = sum(len(r.findings) for r in reports)
    assert n > 0
    csv_path = tmp_path / "f.csv"
    assert write_table(reports, "csv", csv_path) == n
    df = pd.read_csv(csv_path, dtype={"row": "string"})
    assert list(df.columns) == TABLE_COLUMNS and len(df) == n
    assert set(df["department"]) <= {f"部门{i}" for i in range(6)} and set(df["year"]) == {2024}
    frame = findings_frame(reports)
    assert frame["rule"].tolist() == df["rule"].tolist() and str(frame["line"].dtype) == "Int64"
    assert render_csv(reports).splitlines()[0] == BOM + ",".join(TABLE_COLUMNS)  # Excel reads UTF-8 by the BOM
    pytest.importorskip("pyarrow")
    pq = tmp_path / "f.parquet"
    assert write_table(reports, "parquet", pq) == n
    back = pd.read_parquet(pq)
    assert list(back.columns) == TABLE_COLUMNS
    assert back["message"].tolist() == frame["message"].tolist()
    assert back["line"].tolist() == frame["line"].astype(object).tolist()


def test_corpus_stats(corpus):
    stats = CorpusStats()
    for r in run_batch([corpus], cfg(), jobs=1):
        stats.add(r)
    d = stats.to_dict()
    assert d["documents"] == 7 and d["failed"] == 1
    assert sum(d["findings"].values()) == sum(d["families"].values())
    assert d["departments"][0]["department"] == "部门3"  # the broken total
    text = stats.text()
    assert "7 documents, 1 could not be loaded" in text and "departments with the most errors" in text


def test_cli_jsonl_one_line_per_document_in_order(corpus, capsys):
    code, out, err = cli(capsys, "audit", corpus, "--rules", PACK, "--format", "jsonl", "--jobs", "2")
    lines = [json.loads(x) for x in out.splitlines()]
    assert [Path(x["document"]["path"]).name for x in lines] == [p.name for p in expand_sources([corpus])]
    assert {"path", "department", "year"} <= set(lines[0]["document"])
    assert code == 2 and "file is empty" in err
    code1, out1, _ = cli(capsys, "audit", corpus, "--rules", PACK, "--format", "jsonl", "--jobs", "1")
    assert out1 == out and code1 == code


def test_cli_text_has_corpus_summary_and_csv_output(corpus, capsys, tmp_path):
    code, out, _ = cli(capsys, "audit", corpus / "b", "--rules", PACK, "--jobs", "2")
    assert "Corpus: 3 documents" in out and "departments with the most errors" in out
    target = tmp_path / "all.csv"
    code, out, err = cli(capsys, "audit", "corpus/**/*.json", "--rules", PACK, "--format", "csv", "-o", target)
    df = pd.read_csv(target)
    assert len(df) > 0 and df["document"].str.endswith(".json").all() and out == ""
    code, _, err = cli(capsys, "audit", corpus, "--rules", PACK, "--jobs", "0")
    assert code == 2 and "--jobs" in err


def test_cli_parquet_needs_an_output_file(corpus, capsys, tmp_path):
    pytest.importorskip("pyarrow")
    code, _, err = cli(capsys, "audit", corpus, "--rules", PACK, "--format", "parquet")
    assert code == 2 and "--output" in err
    target = tmp_path / "all.parquet"
    code, _, _ = cli(capsys, "audit", corpus, "--rules", PACK, "--format", "parquet", "-o", target)
    assert code == 2 and len(pd.read_parquet(target)) > 0


def test_parquet_without_pyarrow_is_a_clear_error(monkeypatch):
    import builtins

    from auditor.errors import AuditorError
    from auditor.report import tabular

    real = builtins.__import__

    def no_arrow(name, *a, **k):
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_arrow)
    with pytest.raises(AuditorError, match=r"pip install 'budget-auditor\[parquet\]'"):
        tabular.require_pyarrow()


def _cpu_limit_twice(conn) -> None:  # in a forked child: the worker's CPU limit for two documents in a row
    import resource

    import auditor.batch as batch

    try:
        batch._limit_worker_cpu(300)
        first = resource.getrlimit(resource.RLIMIT_CPU)
        real = resource.getrusage
        later = real(resource.RUSAGE_SELF)

        class Spent:  # the same worker, 50 s of CPU later
            ru_utime = later.ru_utime + 50
            ru_stime = later.ru_stime

        resource.getrusage = lambda who: Spent
        batch._limit_worker_cpu(300)
        conn.send(("ok", first, resource.getrlimit(resource.RLIMIT_CPU)))
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        conn.send(("error", repr(exc), None))


def test_a_worker_limits_its_cpu_again_for_every_document():
    # a worker that had set its hard CPU limit for one document could not raise it for the next:
    # every later document in the worker "died" (ValueError: not allowed to raise maximum limit)
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_cpu_limit_twice, args=(child,))
    proc.start()
    outcome, first, second = parent.recv()
    proc.join()
    assert outcome == "ok", first
    assert second[0] >= first[0] + 50  # the soft limit follows the CPU the worker has spent
    assert second[1] == first[1]  # the hard limit is left where it was

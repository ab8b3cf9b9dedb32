"""A dask.distributed LocalCluster on loopback gives exactly the findings of a local run (skipped without dask)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

distributed = pytest.importorskip("dask.distributed")

from corpus import budgets  # noqa: E402

from auditor.batch import run_batch  # noqa: E402
from auditor.batch_dask import run_dask  # noqa: E402
from auditor.config import Config  # noqa: E402

MINHANG = Path(__file__).resolve().parents[1] / "examples" / "minhang-police-2024-budget.txt"


@pytest.fixture(scope="module")
def cluster():
    c = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    )
    client = distributed.Client(c)
    yield client
    client.close()
    c.close()


@pytest.fixture
def docs(tmp_path, monkeypatch):
    """Six documents: the Minhang text under four names, a PDF when the corpus is there, one broken file."""
    monkeypatch.chdir(tmp_path)
    d = Path("docs")
    d.mkdir()
    for i in range(4):
        shutil.copy(MINHANG, d / f"dept{i}.txt")
    pdfs = budgets(suffix=".pdf")
    if pdfs:
        shutil.copy(pdfs[0], d / "e.pdf")
    (d / "f.pdf").write_bytes(b"%PDF-1.4 broken")
    return d


def test_local_cluster_findings_equal_the_local_run(cluster, docs):
    config = Config()
    local = [r.to_dict() for r in run_batch([docs], config, jobs=1)]
    remote = [r.to_dict() for r in run_dask([docs], config, client=cluster)]
    assert remote == local
    assert [Path(r["document"]["path"]).name for r in remote][-1] == "f.pdf" and "error" in remote[-1]
    assert sum(len(r["findings"]) for r in remote) > 0


def test_cli_scheduler_address(cluster, docs, capsys):
    from auditor.cli import run

    address = cluster.scheduler.address
    assert address.startswith("tcp://127.0.0.1:")
    code = run(["audit", str(docs / "dept0.txt"), str(docs / "dept1.txt"), "--scheduler", address, "--format", "jsonl"])
    out, _ = capsys.readouterr()
    code1 = run(["audit", str(docs / "dept0.txt"), str(docs / "dept1.txt"), "--jobs", "1", "--format", "jsonl"])
    out1, _ = capsys.readouterr()
    assert out == out1 and code == code1 and len(out.splitlines()) == 2

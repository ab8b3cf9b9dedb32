"""--previous is checked: same department, the year before, same kind (or a 决算 against its year's 预算)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import cli

from auditor import pairing
from auditor.export import budget_to_json
from auditor.testing import budget_from_dict

SANGONG = {"sangong": [{"total": "10.00", "outbound": "0.00", "vehicle_total": "10.00", "reception": "0.00"}]}


def meta(department="上海市普陀区商务委员会", year=2025, kind="部门预算"):
    return {"department": department, "year": year, "kind": kind}


@pytest.mark.parametrize(
    "current, previous, problem",
    [
        (meta(), meta(year=2024), None),
        (meta(), meta(department=" 上海市普陀区 商务委员会（ ", year=2024), None),  # spaces, full-width punctuation
        (meta(kind="部门决算", year=2024), meta(kind="部门预算", year=2024), None),  # 决算 vs its year's 预算
        (meta(kind="部门决算", year=2024), meta(kind="部门决算", year=2023), None),
        (meta(), meta(department="上海市公安局闵行分局", year=2024), "上海市公安局闵行分局 2024 部门预算 is another department than 上海市普陀区商务委员会 2025 部门预算"),
        (meta(), meta(year=2023), "上海市普陀区商务委员会 2023 部门预算 is not the year before 上海市普陀区商务委员会 2025 部门预算 (expected 2024)"),
        (meta(), meta(year=2025), "is not the year before"),
        (meta(), meta(year=2024, kind="单位预算"), "is another kind of disclosure than"),
        (meta(kind="部门决算", year=2024), meta(kind="部门预算", year=2023), "is not the budget of the same year"),
        (meta(kind="部门决算", year=2024), meta(kind="单位预算", year=2024), "is another kind of disclosure"),
        (meta(), meta(department=None, year=2024), "department or year not found"),
    ],
)  # fmt: skip
def test_problem(current, previous, problem):
    got = pairing.problem(current, previous)
    if problem is None:
        assert got is None
    else:
        assert got is not None and problem in got


def test_predecessor_prefers_the_same_kind_a_year_before():
    cands = [
        pairing.Candidate("a", pairing.Identity.of(meta(year=2024, kind="部门预算"))),
        pairing.Candidate("b", pairing.Identity.of(meta(year=2023, kind="部门决算"))),
        pairing.Candidate("c", pairing.Identity.of(meta(department="别的局", year=2023, kind="部门决算"))),
    ]
    assert pairing.predecessor(meta(year=2024, kind="部门决算"), cands).path == "b"
    assert pairing.predecessor(meta(year=2024, kind="部门决算"), cands[:1]).path == "a"
    assert pairing.predecessor(meta(year=2026), cands) is None


def write(path: Path, department: str, year: int) -> Path:
    b = budget_from_dict({"meta": {"department": department, "year": year}, "tables": SANGONG})
    path.write_text(budget_to_json(b), encoding="utf-8")
    return path


@pytest.fixture
def docs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    (tmp_path / "prev").mkdir()
    return {
        "a25": write(tmp_path / "a-2025.json", "甲局", 2025),
        "b25": write(tmp_path / "b-2025.json", "乙局", 2025),
        "a24": write(tmp_path / "prev" / "a-2024.json", "甲局", 2024),
        "b24": write(tmp_path / "prev" / "b-2024.json", "乙 局", 2024),
        "c24": write(tmp_path / "prev" / "c-2024.json", "丙局", 2024),
    }


def test_previous_of_another_department_exits_2_naming_both(docs, capsys):
    code, out, err = cli(capsys, "audit", docs["a25"], "--previous", docs["b24"], "-j", "1")
    assert code == 2
    assert err.strip() == (
        f"auditor: error: --previous {docs['b24']}: 乙 局 2024 部门预算 is another department than 甲局 2025 部门预算"
        " (use --previous-force to compare anyway)"
    )
    code, _, err = cli(capsys, "audit", docs["a25"], "--previous", docs["b24"], "--previous-force", "-j", "1")
    assert code in (0, 1) and err == ""


def test_previous_of_the_same_department_a_year_before_is_used(docs, capsys):
    code, out, err = cli(capsys, "audit", docs["a25"], "--previous", docs["a24"], "-f", "json", "-j", "1")
    assert code in (0, 1) and err == ""
    assert json.loads(out)["document"]["previous"] == str(docs["a24"])


def test_previous_dir_pairs_each_document_and_reports_the_pairs(docs, capsys, tmp_path):
    code, out, err = cli(
        capsys, "audit", docs["a25"], docs["b25"], "--previous", tmp_path / "prev", "-f", "json", "-j", "1"
    )
    assert code in (0, 1)
    assert err.splitlines() == [
        f"auditor: {docs['a25']}: compared with {docs['a24']}",
        f"auditor: {docs['b25']}: compared with {docs['b24']}",  # 乙 局 = 乙局 once normalised
    ]
    reports = json.loads(out)["documents"]
    assert [r["document"]["previous"] for r in reports] == [str(docs["a24"]), str(docs["b24"])]


def test_previous_dir_without_a_predecessor_says_so(docs, capsys, tmp_path):
    lone = write(tmp_path / "d-2025.json", "丁局", 2025)
    code, _, err = cli(capsys, "audit", lone, "--previous", tmp_path / "prev", "-j", "1")
    assert code in (0, 1) and err.strip() == f"auditor: {lone}: no predecessor in {tmp_path / 'prev'}"

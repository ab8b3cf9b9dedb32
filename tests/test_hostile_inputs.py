"""Minimal repros of the inputs that crashed or stalled loading: each now loads or is a LoadError naming the file."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from corpus import CORPUS, needs_corpus

from auditor.errors import LoadError
from auditor.loaders import load

MINIMAL = """上海市公安局闵行分局2024年部门预算
部门财务收支预算总表
编制部门：上海市公安局闵行分局\t单位：{unit}
收入\t\t支出\t
项目\t预算数\t项目\t预算数
一、财政拨款收入\t{amount}\t一、公共安全支出\t1.00
"""


def _load_error(path: Path) -> str:
    with pytest.raises(LoadError) as err:
        load(path)
    message = str(err.value)
    assert message.startswith(str(path)), message
    assert len(message) < 400, message
    return message


@pytest.mark.parametrize(
    "unit, amount",
    [
        ("亿元", "99,999,999,999.00"),  # 单位：亿元 with a large amount: over int64 fen
        ("元", "1" + "0" * 30),
        ("元", "9223372036854775808"),  # 2**63
    ],
)
def test_figure_too_large_for_the_model_is_a_load_error_naming_its_line(tmp_path, unit, amount):
    path = tmp_path / "big.txt"
    path.write_text(MINIMAL.format(unit=unit, amount=amount), encoding="utf-8")
    message = _load_error(path)
    assert "out of range" in message and f"{path}:" in message


def test_a_figure_of_a_million_digits_is_a_load_error_not_decimal_overflow(tmp_path):
    path = tmp_path / "digits.txt"
    path.write_text(MINIMAL.format(unit="元", amount="9" * 1_000_000), encoding="utf-8")
    start = time.process_time()
    message = _load_error(path)
    assert time.process_time() - start < 20
    assert "characters" in message or "out of range" in message


def test_an_ordinary_figure_still_loads(tmp_path):
    path = tmp_path / "ok.txt"
    path.write_text(MINIMAL.format(unit="万元", amount="1,234.56"), encoding="utf-8")
    budget = load(path)
    assert int(budget.fiscal_summary["amount"].iloc[0]) == 1_234_560_000


@pytest.mark.parametrize(
    "data, what",
    [
        ("部门财务收支预算总表\n".encode("utf-16")[:-1], "cut off"),  # odd length
        (
            b"\xff\xfe" + "部门".encode("utf-16-le") + b"\x00\xd8" + "预算".encode("utf-16-le"),
            "UTF-16",
        ),  # lone surrogate
        (b"\xfe\xff" + "部门预算".encode("utf-16-be")[:-1], "UTF-16"),
    ],
)
def test_broken_utf16_is_a_load_error(tmp_path, data, what):
    path = tmp_path / "u16.txt"
    path.write_bytes(data)
    assert what in _load_error(path)


def test_utf16_without_ascii_is_read_as_utf16(tmp_path):
    path = tmp_path / "cjk.txt"
    path.write_bytes(MINIMAL.format(unit="元", amount="5.00").encode("utf-16"))
    assert int(load(path).fiscal_summary["amount"].iloc[0]) == 500


# ------------------------------------------------------------------------------ JSON and workbooks


def _export() -> dict:
    from auditor.export import budget_to_dict
    from auditor.testing import budget_from_dict

    budget = budget_from_dict(
        {
            "meta": {"department": "某局", "year": 2024},
            "tables": {
                "gpb_function": [
                    {"code": "204", "name": "公共安全支出", "total": "10.00", "basic": "6.00", "project": "4.00"}
                ]
            },
        }
    )
    return json.loads(json.dumps(budget_to_dict(budget)))


def _edit(data: dict, path: tuple, value) -> dict:
    node = data
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    return data


@pytest.mark.parametrize(
    "path, value, where",
    [
        (("tables", "gpb_function", 0, "total"), 2**63, "tables.gpb_function[0].total"),
        (("tables", "gpb_function", 0, "total"), "1e30", "tables.gpb_function[0].total"),
        (("tables", "gpb_function", 0, "total"), 1e300, "tables.gpb_function[0].total"),
        (("tables", "gpb_function", 0, "line"), 2**63, "tables.gpb_function[0].line"),
        (("tables", "gpb_function", 0, "code"), [1, 2], "tables.gpb_function[0].code"),
        (("tables", "gpb_function", 0, "name"), {"a": 1}, "tables.gpb_function[0].name"),
        (("meta",), [1, 2], "meta"),
        (("meta", "year"), "二〇二四", "meta.year"),
        (("meta", "year"), 10**30, "meta.year"),
        (("meta", "tables"), "x", "meta.tables"),
        (("meta", "tables"), {"gpb_function": "x"}, "meta.tables.gpb_function"),
        (("meta", "tables"), {"gpb_function": {"notes": "x"}}, "meta.tables.gpb_function.notes"),
        # a list where the count of a table's printed amounts goes (fuzz seed 1, input 2772: AR020 crashed)
        (("meta", "tables"), {"expenditure_summary": {"amounts": [[1]]}}, "meta.tables.expenditure_summary.amounts"),
        (("meta", "tables"), {"gpb_function": {"decimals": -1}}, "meta.tables.gpb_function.decimals"),
        (("meta", "unit"), 3, "meta.unit"),
        (("meta", "extraction"), ["ocr"], "meta.extraction"),
        (("meta", "sections"), 3, "meta.sections"),
        (("meta", "toc"), [None], "meta.toc[0]"),
        (("meta", "notes"), [{"a": 1}], "meta.notes[0]"),
        (("schema",), ["x"], "schema"),
        (("schema", "gpb_function"), "x", "schema.gpb_function"),
        (("schema", "gpb_function", "name"), "text", "schema.gpb_function.name"),
        (
            ("schema", "gpb_function", "name"),
            {"kind": "text", "dtype": "datetime64[ns]"},
            "schema.gpb_function.name.dtype",
        ),
    ],
)
def test_json_edits_are_load_errors_naming_the_place(tmp_path, path, value, where):
    data = _edit(_export(), path, value)
    file = tmp_path / "edit.json"
    file.write_text(json.dumps(data), encoding="utf-8")
    assert where in _load_error(file)


@pytest.mark.parametrize(
    "text, what",
    [
        ('{"meta": {}, "tables": {"gpb_function": [{"total": Infinity}]}}', "Infinity"),
        ('{"meta": {}, "tables": {"gpb_function": [{"total": NaN}]}}', "NaN"),
        ('{"meta": {"notes": ' + "[" * 100_000 + "]" * 100_000 + "}}", "deep"),
        ('{"meta": {}, "tables": {}, "x": ' + "9" * 5000 + "}", "digits"),
    ],
)
def test_json_text_that_python_cannot_hold_is_a_load_error(tmp_path, text, what):
    file = tmp_path / "odd.json"
    file.write_text(text, encoding="utf-8")
    message = _load_error(file)
    assert "JSON" in message


def test_json_nested_values_in_cells_are_bounded(tmp_path):
    data = _export()
    data["tables"]["gpb_function"][0]["inferred"] = None
    text = json.dumps(data).replace('"inferred": null', '"inferred": ' + "[" * 500 + "]" * 500)
    file = tmp_path / "deep.json"
    file.write_text(text, encoding="utf-8")
    assert "levels deep" in _load_error(file)


def _workbook(tmp_path: Path, edit) -> Path:
    from openpyxl import load_workbook

    from auditor.export import write_workbook
    from auditor.testing import budget_from_dict

    budget = budget_from_dict(
        {
            "tables": {
                "gpb_function": [
                    {"code": "204", "name": "公共安全支出", "total": "10.00", "basic": "6.00", "project": "4.00"}
                ]
            }
        }
    )
    path = write_workbook(budget, tmp_path / "book.xlsx")
    wb = load_workbook(path)
    edit(wb)
    wb.save(path)
    return path


def _set_meta(wb, field: str, value: str) -> None:
    ws = wb["meta"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == field:
            row[1].value = value


@pytest.mark.parametrize(
    "edit, where",
    [
        (
            lambda wb: wb["gpb_function"].cell(row=2, column=3, value="Infinity"),
            "sheet 'gpb_function', row 2, column 'total'",
        ),
        (
            lambda wb: wb["gpb_function"].cell(row=2, column=3, value=str(2**63)),
            "sheet 'gpb_function', row 2, column 'total'",
        ),
        (
            lambda wb: wb["gpb_function"].cell(row=2, column=3, value="1e30"),
            "sheet 'gpb_function', row 2, column 'total'",
        ),
        (lambda wb: _set_meta(wb, "tables", "[1, 2]"), "sheet 'meta', row"),
        (lambda wb: _set_meta(wb, "year", '"二〇二四"'), "sheet 'meta', row"),
        (lambda wb: _set_meta(wb, "notes", "[" * 5000 + "]" * 5000), "sheet 'meta', row"),
        (
            lambda wb: wb["_columns"].cell(row=2, column=4, value="datetime64[ns]"),
            "sheet '_columns', row 2, column 'dtype'",
        ),
        (lambda wb: wb["_columns"].cell(row=2, column=3, value="nonsense"), "sheet '_columns', row 2, column 'kind'"),
    ],
)
def test_workbook_edits_are_load_errors_naming_sheet_row_column(tmp_path, edit, where):
    path = _workbook(tmp_path, edit)
    assert where in _load_error(path)


def test_workbook_code_typed_as_a_number_reads_as_text(tmp_path):
    path = _workbook(tmp_path, lambda wb: wb["gpb_function"].cell(row=2, column=1, value=204))
    assert load(path).gpb_function["code"].tolist() == ["204"]


# ------------------------------------------------------------------------------ linear time


def _with_long_line(tmp_path: Path, piece: str, at: int, n: int = 65_536) -> Path:
    text = (CORPUS / "minhang-police-2024-budget.txt").read_text(encoding="utf-8").split("\n")
    text[at] = text[at] + (piece * (n // len(piece) + 1))[:n]
    path = tmp_path / "long.txt"
    path.write_text("\n".join(text), encoding="utf-8")
    return path


@needs_corpus
@pytest.mark.parametrize(
    "piece, at",
    [
        ("1 234 567 ", 60),  # digits and spaces in an item of 财政拨款支出主要内容 (was 77 s)
        ("1 234 567 ", 351),  # ... in a project's funding table (the `\d+ \d{3} \d{3}` scan)
        ("主要原因是", 60),  # reasons without an end
        ("比2023年增加1万元", 60),  # changes that each re-read the sentence (ST001)
        ("（", 296),  # unbalanced brackets (ED003)
        ("主\t管部门\t公安局闵行分 总)\t局(汇 实施单位\t\t", 349),  # a project cell's fragments (25 s, fuzz 13655)
    ],
)
def test_a_64k_character_line_loads_and_audits_in_linear_time(tmp_path, piece, at):
    from auditor.engine import audit

    path = _with_long_line(tmp_path, piece, at)
    start = time.process_time()
    budget = load(path)
    loaded = time.process_time() - start
    report = audit(budget)
    # CPU time, with a wide margin for a busy machine: quadratic parsing took 10-80 s here
    assert loaded < 5, loaded
    assert not [f for f in report.findings if "internal" in f.tags]
    assert sum(f.rule == "ED003" for f in report.findings) <= 10


def test_huge_random_text_is_rejected_fast(tmp_path):
    import random

    rng = random.Random(7)
    path = tmp_path / "noise.txt"
    chunk = "".join(rng.choice("abcdefghij 0123456789\n预算表元") for _ in range(1 << 16))
    path.write_text(chunk * 1024, encoding="utf-8")  # 67+ MB
    start = time.process_time()
    message = _load_error(path)
    assert time.process_time() - start < 5
    assert "too large" in message


# ------------------------------------------------------------------------------ rules on valid-looking input


def test_xt003_reports_a_lower_bound_without_parsing_its_own_text():
    from auditor.config import Config
    from auditor.engine import prepare, run_rule_contained
    from auditor.testing import budget_from_dict

    budget = budget_from_dict(
        {
            "tables": {
                "gpb_function": [{"code": "2080501", "name": "行政单位离退休", "total": "5.00", "basic": "5.00"}],
                "gpb_basic_economic": [{"code": "30301", "name": "离休费", "total": "8.00", "personnel": "8.00"}],
            }
        }
    )
    config = Config()
    rule = prepare(config).rule("XT003")
    found = run_rule_contained(rule, budget, config)
    assert [(f.rule, f.expected, f.actual) for f in found] == [("XT003", "≥ 8.00", "5.00")]


@needs_corpus
@pytest.mark.parametrize("meta", ["null", "empty", "fields null", "table entries empty"])
def test_null_or_empty_meta_loads_and_no_rule_crashes_on_it(tmp_path, meta):
    from auditor.engine import audit
    from auditor.export import budget_to_dict

    data = json.loads(json.dumps(budget_to_dict(load(CORPUS / "minhang-police-2024-budget.txt"))))
    data["meta"] = {
        "null": None,
        "empty": {},
        "fields null": dict.fromkeys(data["meta"]),
        "table entries empty": dict(data["meta"], tables={k: {} for k in data["meta"]["tables"]}),
    }[meta]
    path = tmp_path / "meta.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    report = audit(load(path))
    assert [f.message for f in report.findings if "internal" in f.tags] == []


@needs_corpus
def test_a_figure_too_large_in_final_accounts_is_a_load_error(tmp_path):
    from auditor.fuzz.inputs import document_text

    text = document_text(load(CORPUS / "putuo-planning-resources-2024-final-accounts.pdf").document)
    lines = text.split("\n")
    at = next(i for i, ln in enumerate(lines) if "30101" in ln)
    lines[at] = lines[at].replace("30101", "30101\t1,234,567,890,123,456,789,012.34", 1)
    path = tmp_path / "final.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert "out of range" in _load_error(path)


# ------------------------------------------------------------------------------ 决算 text: linear time

FINAL_MINIMAL = """上海市XX局2024年度部门决算
第二部分 2024年度部门决算表
支出决算表
单位：万元
科目编码\t科目名称\t本年支出合计\t基本支出\t项目支出
合计\t\t10.00\t6.00\t4.00
201\t一般公共服务支出\t10.00\t6.00\t4.00
{long}
第三部分 2024年度部门决算情况说明
"""


@pytest.mark.parametrize("piece", ["205\t教育支出", "1.00 ", "教育 "])
def test_a_64k_character_line_in_final_accounts_text_loads_in_linear_time(tmp_path, piece):
    # every word of a 决算 table line measured its x from the line start again: 64k characters hung
    path = tmp_path / "final.txt"
    path.write_text(FINAL_MINIMAL.format(long=(piece * 65_536)[:65_536]), encoding="utf-8")
    start = time.process_time()
    budget = load(path)
    assert time.process_time() - start < 5  # CPU time, wide margin: the quadratic scan took hours
    assert budget.meta.kind == "部门决算"
    assert budget.table("fa_expenditure").to_dict("records")[0]["total"] == 10_000_000  # 10.00 万元 in fen


def test_thousands_of_rows_under_one_parent_load_and_audit_in_linear_time(tmp_path):
    # fuzz input 1295 (seed 11): one 决算 row repeated over a 64k line, each copy printing two figures
    # for three columns, so thousands of ambiguous children under one 类: every placement tried
    # summed all its siblings again, and FA103 looked for each row's children among all rows (8 s)
    from auditor.engine import audit

    path = tmp_path / "final.txt"
    path.write_text(FINAL_MINIMAL.format(long=("20101\t人大事务\t1.00\t1.00" * 3_000)), encoding="utf-8")
    start = time.process_time()
    budget = load(path)
    audit(budget)
    assert time.process_time() - start < 5  # CPU time, wide margin: quadratic in the rows
    assert budget.meta.kind == "部门决算"


def test_st004_on_a_fact_value_too_large_for_decimal_arithmetic_is_quiet():
    # fuzz input 3540 (seed 1): an export whose fact value was edited to 1e999999 crashed ST004
    from auditor.testing import budget_from_dict, run_rule

    facts = [
        {"key": "item", "item_no": 7, "value": "1e999999", "unit": "万元", "line": 16, "page": 7},
        {"key": "item_budget", "item_no": 7, "value": "1.73", "unit": "万元", "line": 16, "page": 7},
    ]
    assert run_rule("ST004", budget_from_dict({"tables": {"facts": facts}})) == []


def test_an_export_audited_in_a_fresh_process_crashes_no_rule(tmp_path):
    # fuzz input 3540: a workbook audited on its own never imported the prose reader, so every rule
    # reading Budget.paragraphs() (ED001-ED005, ...) crashed
    import subprocess
    import sys

    from auditor.export import budget_to_json, write_workbook

    budget = load(Path(__file__).resolve().parents[1] / "examples" / "minhang-police-2024-budget.txt")
    book, export = write_workbook(budget, tmp_path / "book.xlsx"), tmp_path / "export.json"
    export.write_text(budget_to_json(budget), encoding="utf-8")
    code = (
        "import sys, auditor; r = [auditor.audit(p) for p in sys.argv[1:]]; "
        "print(sum('internal' in f.tags for x in r for f in x.findings))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(book), str(export)], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "0", out.stdout + out.stderr


def test_fa304_on_a_rate_that_is_no_number_is_quiet():
    # fuzz inputs 5076 and 5114 (seed 1): an export whose rate fact lost its value (or got text)
    # crashed FA304 converting it to a decimal
    from auditor.testing import budget_from_dict, run_rule

    for value in (None, "约两成", "1e5e5"):
        facts = [
            {"key": "total", "value": "2995.39", "unit": "万元"},
            {"key": "total_change", "value": "56.95", "unit": "万元", "direction": "减少", "reason": "x"},
            {"key": "total_change_pct", "value": value, "unit": "%", "direction": "下降"},
        ]
        budget = budget_from_dict({"meta": {"kind": "部门决算"}, "tables": {"facts": facts}})
        assert run_rule("FA304", budget) == [], value


def test_a_money_fact_with_a_unit_no_money_is_printed_in_is_a_load_error(tmp_path):
    # fuzz input 4942 (seed 1): a workbook fact with an amount and the unit '9223372036854775808'
    # crashed NV001 looking up that unit's tolerance; the export now names the cell instead
    import json

    from auditor.export import budget_to_json

    budget = load(Path(__file__).resolve().parents[1] / "examples" / "minhang-police-2024-budget.txt")
    data = json.loads(budget_to_json(budget))
    i = next(i for i, f in enumerate(data["facts"]) if f.get("amount") is not None)
    data["facts"][i]["unit"] = "9223372036854775808"
    export = tmp_path / "export.json"
    export.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(
        LoadError, match=rf"facts\[{i}\]\.unit: a fact with an amount is money: unit must be 元, 万元, 亿元"
    ):
        load(export)


def test_st004_on_a_fact_without_a_key_is_quiet():
    # fuzz input 4786 (seed 1): a workbook fact whose key was emptied crashed ST004 sorting its groups
    from auditor.testing import budget_from_dict, run_rule

    facts = [
        {"key": None, "value": "1.73", "unit": "万元", "section": "sangong_notes", "line": 3, "page": 2},
        {"key": "sangong_total", "value": "1.73", "unit": "万元", "section": "sangong_notes", "line": 4, "page": 2},
    ]
    assert run_rule("ST004", budget_from_dict({"tables": {"facts": facts}})) == []


def test_an_extra_column_holding_an_object_is_not_counted_as_money(tmp_path):
    # fuzz input 10434 (seed 1): a JSON row {"a": {"b": null}} in gpb_function made the extraction
    # judgement count "a" as a money column and crash AR020 (and every rule asking it)
    import json

    from auditor.engine import audit
    from auditor.export import budget_to_json

    budget = load(Path(__file__).resolve().parents[1] / "examples" / "minhang-police-2024-budget.txt")
    data = json.loads(budget_to_json(budget))
    data["tables"]["gpb_function"].append({"a": {"b": None}})
    export = tmp_path / "export.json"
    export.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert [f.rule for f in audit(export).findings if "internal" in f.tags] == []


def test_every_field_of_the_model_metadata_has_its_shape_checked():
    # a field added to Meta, TableInfo or Section without a check lets an export put anything there
    import dataclasses

    from auditor.loaders import shape
    from auditor.model import Meta, Section, TableInfo

    for cls, spec in ((Meta, shape._META), (TableInfo, shape._TABLE_INFO), (Section, shape._SECTION)):
        assert {f.name for f in dataclasses.fields(cls)} <= set(spec), cls.__name__


def test_fa302_on_a_share_that_is_no_number_is_quiet():
    # fuzz input 18371 (seed 1, on e7b272f): a share fact whose value an export turned into text
    # crashed FA302 converting it to a decimal
    from auditor.testing import budget_from_dict, run_rule

    for value in (None, "约七成", "1e5e5", 71):
        facts = [
            {"key": "gpb_structure_total", "value": "2940.05", "unit": "万元"},
            {"key": "gpb_class:一般公共服务支出", "value": "2106.66", "unit": "万元"},
            {"key": "share:gpb_class:一般公共服务支出", "value": value, "unit": "%",
             "base": "gpb_structure_total", "of": "gpb_class:一般公共服务支出"},
        ]  # fmt: skip
        budget = budget_from_dict({"meta": {"kind": "部门决算"}, "tables": {"facts": facts}})
        assert run_rule("FA302", budget) == [], value

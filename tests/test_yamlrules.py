"""YAML rule packs: each check form, errors naming file and line, hostile rules refused before running."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from auditor.errors import RuleError
from auditor.testing import budget_from_dict, check_rule_cases, run_rule
from auditor.yamlrules import clear_cache, load_file, load_pack, parse_rules

DATA = Path(__file__).parent / "data" / "rules"

GPB = {
    "gpb_function": [
        {"code": None, "name": "合计", "total": "100.00", "basic": "60.00", "project": "40.00"},
        {"code": "204", "name": "公共安全支出", "total": "100.00", "basic": "60.00", "project": "40.00"},
        {"code": "20402", "name": "公安", "total": "100.00", "basic": "60.00", "project": "40.00"},
        {"code": "2040201", "name": "行政运行", "total": "60.00", "basic": "60.00", "project": None},
        {"code": "2040299", "name": "其他公安支出", "total": "40.00", "basic": None, "project": "40.00"},
    ]
}


def one(text: str, path: str = "r.yaml"):
    rules = parse_rules(textwrap.dedent(text), path)
    assert len(rules) == 1
    return rules[0]


def test_example_pack_cases_pass():
    rules = load_pack(DATA / "pack")
    assert [r.code for r in rules] == ["X001", "X002", "X003"]
    for r in rules:
        assert r.kind == "yaml" and r.origin.endswith(".yaml") and r.line
        assert check_rule_cases(r) >= 2


def test_simple_assert_form_message_shows_yuan():
    r = one(
        """
        code: X001
        name: row-identity
        severity: error
        tags: [arithmetic]
        table: gpb_function
        assert: "total == basic + project"
        message: "合计 {total} ≠ 基本支出 {basic} + 项目支出 {project}"
        """
    )
    budget = budget_from_dict(
        {
            "tables": {
                "gpb_function": [
                    {"code": "204", "name": "x", "total": "1234.50", "basic": "1000", "project": "200", "line": 12}
                ]
            }
        }
    )
    (f,) = run_rule(r, budget)
    assert f.message == "合计 1,234.50 ≠ 基本支出 1,000.00 + 项目支出 200.00"
    assert (f.location.table, f.location.row, f.location.line) == ("gpb_function", "204", 12)
    # expected/actual follow the JSON contract: 元 with two decimals, no separators
    assert (f.actual, f.expected) == ("1234.50", "1200.00")
    assert f.rule == "X001" and f.tags == ["arithmetic"] and f.severity == "error"


def test_blank_money_cells_count_as_zero_by_default_and_where_filters():
    r = one(
        """
        code: X010
        name: class-rows-only
        tags: [arithmetic]
        table: gpb_function
        where: "notnull(code) and len(code) == 7"
        assert: "total == basic + project"
        """
    )
    assert run_rule(r, {"tables": GPB}) == []
    bad = {
        "gpb_function": [
            *GPB["gpb_function"][:3],
            {"code": "2040201", "name": "行政运行", "total": "61.00", "basic": "60.00", "project": None},
        ]
    }
    assert len(run_rule(r, {"tables": bad})) == 1


def test_assert_with_params_and_tolerance():
    r = one(
        """
        code: X011
        name: sangong-cap
        tags: [sangong]
        table: sangong
        params: {cap_total: "50.00"}
        assert: "total <= wan(params.cap_total)"
        message: "三公 {total} over the cap of {params.cap_total}万元"
        """
    )
    b = {"tables": {"sangong": [{"total": "600000.00"}]}}
    (f,) = run_rule(r, b)
    assert f.message == "三公 600,000.00 over the cap of 50.00万元"
    assert run_rule(r, b, params={"cap_total": "60.00"}) == []
    t = one(
        """
        code: X012
        name: near
        tags: [arithmetic]
        table: gpb_function
        assert: "total == basic + project"
        tolerance: "0.50"
        """
    )
    near = {
        "tables": {"gpb_function": [{"code": "204", "name": "x", "total": "10.40", "basic": "10.00", "project": "0"}]}
    }
    assert run_rule(t, near) == []
    w = one(
        """
        code: X013
        name: printed
        tags: [narrative]
        assert: "fact('sangong_total') == cell('sangong', 0, 'total')"
        tolerance: {printed: 万元, decimals: 2}
        """
    )
    b = {
        "tables": {"sangong": [{"total": "32059649.00"}]},
        "facts": [{"key": "sangong_total", "value": "3205.96", "unit": "万元"}],
    }
    assert run_rule(w, b) == []
    b["tables"]["sangong"][0]["total"] = "32059700.00"  # 100.00 元 off: one unit of 0.01万元, still agrees
    assert run_rule(w, b) == []
    b["tables"]["sangong"][0]["total"] = "32059700.01"
    assert len(run_rule(w, b)) == 1
    three = one(
        """
        code: X014
        name: printed-terms
        tags: [narrative]
        assert: "fact('sangong_total') == cell('sangong', 0, 'total')"
        tolerance: {printed: 万元, decimals: 2, terms: 3}
        """
    )
    b["tables"]["sangong"][0]["total"] = "32059900.00"
    assert run_rule(three, b) == []
    b["tables"]["sangong"][0]["total"] = "32059900.01"
    assert len(run_rule(three, b)) == 1


def test_hierarchy_finds_parent_mismatch_and_total():
    r = one(
        """
        code: X020
        name: hierarchy
        tags: [arithmetic]
        hierarchy: {table: gpb_function}
        """
    )
    assert run_rule(r, {"tables": GPB}) == []
    rows = [dict(x) for x in GPB["gpb_function"]]
    rows[0]["total"] = "101.00"
    rows[3]["total"] = "61.00"
    rows[3]["basic"] = "61.00"
    found = run_rule(r, {"tables": {"gpb_function": rows}})
    assert {(f.location.row, f.location.column) for f in found} == {
        ("合计", "total"),
        ("20402", "total"),
        ("20402", "basic"),
    }


def test_join_by_code_and_missing():
    r = one(
        """
        code: X030
        name: same-code-same-amount
        tags: [cross-table]
        join: {left: gpb_function, right: expenditure_summary, on: code, columns: [total, basic], missing: fail}
        """
    )
    exp = [
        {"code": "204", "name": "公共安全支出", "total": "100.00", "basic": "60.00", "project": "40.00"},
        {"code": "20402", "name": "公安", "total": "99.00", "basic": "60.00", "project": "39.00"},
    ]
    found = run_rule(r, {"tables": {**GPB, "expenditure_summary": exp}})
    assert {(f.location.row, f.location.column) for f in found} == {
        ("2040201", None),
        ("2040299", None),
        ("20402", "total"),
    }


def test_compare_pairs_with_code_lists_and_missing_skip():
    r = one(
        """
        code: X040
        name: function-economic-pairs
        tags: [cross-table]
        compare:
          - left: {table: gpb_function, code: "2080505", column: total}
            right: {table: gpb_basic_economic, code: "30108", column: total}
          - left: {table: gpb_function, code: "2080501", column: total}
            right: {table: gpb_basic_economic, code: ["30301", "30302"], column: total}
        """
    )
    b = {
        "tables": {
            "gpb_function": [
                {"code": "2080505", "name": "a", "total": "5.00"},
                {"code": "2080501", "name": "b", "total": "3.00"},
            ],
            "gpb_basic_economic": [
                {"code": "30108", "name": "c", "total": "5.00"},
                {"code": "30301", "name": "d", "total": "1.00"},
                {"code": "30302", "name": "e", "total": "1.00"},
            ],
        }
    }
    (f,) = run_rule(r, b)
    assert (f.actual, f.expected, f.location.row) == ("3.00", "2.00", "2080501")
    del b["tables"]["gpb_basic_economic"][0]
    assert len(run_rule(r, b)) == 1  # the first pair is not shown: skipped


def test_require_and_pattern_and_fact():
    req = one(
        """
        code: X050
        name: presence
        tags: [disclosure]
        require: {tables: [sangong], sections: [职能], notes: [gov_fund_function], facts: [sangong_total]}
        """
    )
    found = run_rule(req, {"meta": {"sections": []}, "tables": {"gov_fund_function": []}})
    assert sorted(f.message for f in found) == sorted(
        [
            "required table sangong is missing",
            "required section 职能 is missing",
            "table gov_fund_function is empty and carries no note saying why",
            "the document states no sangong_total",
        ]
    )
    pat = one(
        """
        code: X060
        name: double-full-stop
        tags: [editorial]
        pattern: {regex: "。。", in: prose}
        message: "repeated full stop at line {line}: {text}"
        """
    )
    (f,) = run_rule(pat, {"text": "一、职能\n本部门。。负责\n表\t1\t2"})
    assert f.location.line == 2 and f.message == "repeated full stop at line 2: 本部门。。负责"
    fact = one(
        """
        code: X070
        name: sangong-prose
        tags: [sangong, narrative]
        fact: {key: sangong_total, ref: {table: sangong, column: total, row: 0}, tolerance: {printed: 万元}}
        """
    )
    b = {
        "tables": {"sangong": [{"total": "32059600.00"}]},
        "facts": [{"key": "sangong_total", "value": "3250.96", "unit": "万元", "line": 9}],
    }
    (f,) = run_rule(fact, b)
    assert f.location.line == 9 and f.actual == "32509600.00"


def test_when_and_previous():
    r = one(
        """
        code: X080
        name: sangong-not-up
        tags: [sangong, year-over-year]
        when: "exists('sangong')"
        compare:
          left: {table: sangong, column: total}
          right: {table: sangong, column: total, source: previous}
          op: "<="
        """
    )
    b = {"tables": {"sangong": [{"total": "11.00"}]}, "previous": {"tables": {"sangong": [{"total": "10.00"}]}}}
    assert len(run_rule(r, b)) == 1
    assert run_rule(r, {"tables": {"sangong": [{"total": "11.00"}]}}) == []
    assert run_rule(r, {}) == []


@pytest.mark.parametrize(
    "body, line, problem",
    [
        ("code: B1\nname: b\ntable: nosuch\nassert: 'x == 1'\n", 3, "unknown table 'nosuch'"),
        ("code: B1\nname: b\ntable: gpb_function\nassert: 'nosuch == 1'\n", 4, "unknown column 'nosuch'"),
        ("code: B1\nname: b\ntable: gpb_function\nassert: 'frob(total)'\n", 4, "unknown function 'frob'"),
        ("code: B1\nname: b\ntable: gpb_function\nassert: 'total =='\n", 4, "bad expression syntax"),
        ("code: B1\nname: b\nseverity: fatal\ntable: gpb_function\nassert: 'total > 0'\n", 3, "bad severity 'fatal'"),
        ("code: B1\nname: b\ntags: [Frob]\ntable: gpb_function\nassert: 'total > 0'\n", 3, "tag 'Frob' must be lower-case"),
        ("name: b\ntable: gpb_function\nassert: 'total > 0'\n", 1, "rule has no code"),
        ("code: B1\nname: b\ntable: gpb_function\n", 1, "needs exactly one check"),
        ("code: B1\nname: b\ntable: gpb_function\nassert: 'total > 0'\nfrob: 1\n", 5, "unknown key 'frob'"),
        ("code: B1\nname: b\ntable: gpb_function\nassert: 'total <= params.cap'\n", 4, "unknown parameter params.cap"),
        (
            "- code: B1\n  name: b\n  table: gpb_function\n  assert: 'total > 0'\n- code: B2\n  name: c\n  table: gpb_function\n  assert: '__import__(\"os\")'\n",
            8,
            "unknown function '__import__'",
        ),
    ],
)
def test_rule_errors_name_file_line_and_problem(body, line, problem):
    with pytest.raises(RuleError) as info:
        parse_rules(body, "pack/bad.yaml")
    assert str(info.value).startswith(f"pack/bad.yaml:{line}: "), str(info.value)
    assert problem in str(info.value)


def test_malformed_yaml_names_file_and_line():
    with pytest.raises(RuleError) as info:
        load_file(DATA / "bad" / "malformed.yaml")
    assert "malformed.yaml:7: malformed YAML" in str(info.value)


@pytest.mark.parametrize(
    "expr",
    [
        "__import__('os').system('touch PWNED')",
        "().__class__.__bases__[0].__subclasses__()",
        "open('/etc/passwd')",
        "lambda: 1",
        "9**9**9",
    ],
)
def test_hostile_rules_refused_at_load(tmp_path, expr):
    f = tmp_path / "evil.yaml"
    f.write_text(f"code: E001\nname: evil\ntable: gpb_function\nassert: {expr!r}\n", encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_pack(tmp_path)
    assert f"{f}:4: " in str(info.value)
    assert not (tmp_path / "PWNED").exists()


def test_packs_are_cached_by_mtime(tmp_path):
    clear_cache()
    f = tmp_path / "r.yaml"
    f.write_text("code: C001\nname: c\ntable: gpb_function\nassert: 'total >= 0'\n", encoding="utf-8")
    a = load_file(f)
    assert load_file(f) is a
    f.write_text("code: C002\nname: c\ntable: gpb_function\nassert: 'total >= 0'\n", encoding="utf-8")
    import os

    os.utime(f, ns=(1, 10**18))
    assert load_file(f)[0].code == "C002"


def test_duplicate_codes_in_pack(tmp_path):
    (tmp_path / "a.yaml").write_text(
        "code: D001\nname: a\ntable: gpb_function\nassert: 'total >= 0'\n", encoding="utf-8"
    )
    (tmp_path / "b.yaml").write_text(
        "code: D001\nname: b\ntable: gpb_function\nassert: 'total >= 0'\n", encoding="utf-8"
    )
    with pytest.raises(RuleError, match="duplicate rule code D001"):
        load_pack(tmp_path)

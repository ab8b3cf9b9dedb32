"""lazyre: a module-level pattern is compiled on first use and then behaves as the re.Pattern it stands for."""

from __future__ import annotations

import ast
import copy
import pickle
import re
from pathlib import Path

import pytest

from auditor import lazyre

ROOT = Path(__file__).resolve().parent.parent


def test_a_pattern_is_compiled_on_first_use_only(monkeypatch):
    calls = []
    real = re.compile
    monkeypatch.setattr(lazyre.re, "compile", lambda p, f=0: calls.append(p) or real(p, f))
    pat = lazyre.compile(r"(\d+)年", re.I)
    assert pat.pattern == r"(\d+)年" and calls == []  # the source is readable without compiling
    assert pat.search("2024年预算").group(1) == "2024"
    assert pat.findall("2023年与2024年") == ["2023", "2024"]
    assert calls == [r"(\d+)年"]  # once
    assert pat.flags & re.I and pat.groups == 1


def test_it_answers_as_the_compiled_pattern_does():
    source, text = r"(?P<y>\d{4})\s*年(?:度)?", "2023 年度与2024年，比2023年"
    lazy, real = lazyre.compile(source), re.compile(source)
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in real.finditer(text)]
    assert lazy.sub("Y", text) == real.sub("Y", text) and lazy.subn("Y", text) == real.subn("Y", text)
    assert lazy.split(text) == real.split(text) and lazy.groupindex == real.groupindex
    assert lazy.match(text).group("y") == "2023" and lazy.fullmatch("2024年").group(0) == "2024年"
    assert lazy.compiled is lazy.compiled and isinstance(lazy.compiled, re.Pattern)
    assert re.sub(lazy.compiled, "", "2024年") == ""


def test_a_bad_pattern_fails_where_it_is_used():
    bad = lazyre.compile(r"([")
    with pytest.raises(re.error):
        bad.search("x")


def test_it_pickles_and_copies_as_its_source():
    pat = lazyre.compile(r"\d+", re.M)
    for other in (pickle.loads(pickle.dumps(pat)), copy.deepcopy(pat), copy.copy(pat)):
        assert other.pattern == pat.pattern and other.findall("1 22") == ["1", "22"] and other.flags & re.M
    with pytest.raises(AttributeError):
        pat.no_such_attribute  # noqa: B018


def _compiled_at_import(path: Path) -> list[int]:
    """Lines of ``re.compile`` calls that run when the module is imported (outside any function)."""
    lines: list[int] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            func = getattr(child, "func", None)
            if (
                not inner
                and isinstance(child, ast.Call)
                and isinstance(func, ast.Attribute)
                and func.attr == "compile"
                and isinstance(func.value, ast.Name)
                and func.value.id == "re"
            ):
                lines.append(child.lineno)
            visit(child, inner)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return lines


def test_no_module_compiles_a_pattern_at_import():
    """Module- and class-level patterns are written ``lazyre.compile``: importing costs no compiling."""
    found = {}
    for folder in ("auditor", "plugins"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "_bundled" in path.parts or path.name == "lazyre.py":
                continue
            if lines := _compiled_at_import(path):
                found[path.relative_to(ROOT).as_posix()] = lines
    assert found == {}

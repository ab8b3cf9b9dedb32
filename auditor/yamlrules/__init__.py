"""YAML rule packs: a directory of ``.yaml``/``.yml`` files, each holding one rule or a list of rules.

Every rule has exactly one check form (see docs/writing-rules.md for the full vocabulary):

``assert``      a row-wise expression over ``table`` (optional ``where``), or a scalar expression
``hierarchy``   parents equal the sum of their children by code prefix (类=Σ款, 款=Σ项, 合计=Σ类)
``compare``     two scalar references (cells, sums, facts, params, expressions) with ``op``/``tolerance``
``join``        the same key (code) has the same amounts in two tables
``require``     presence of tables, sections, notes of empty tables, facts, values, table units/编制部门
``pattern``     a regular expression over the document's lines (prose, a section, everything)
``fact``        a prose fact compared with a value, a parameter, or a table cell

Files are parsed once per process (cached by path and modification time). Any problem is a
RuleError naming the file and the line of the offending rule or key; nothing in a rule is executed
while loading.

The package: ``loading`` (files, cache), ``builder`` (metadata, parameters, one check form per rule),
``templating`` (messages), ``common`` (tolerances, operators, expression environments) and ``forms``
(one module per check form, registered in the table ``forms.FORMS``).
"""

from __future__ import annotations

from .builder import META_KEYS, build_rule
from .common import parse_tolerance
from .forms import FORMS
from .forms.pattern import scoped_lines
from .loading import clear_cache, load_file, load_pack, parse_rules, rule_files

__all__ = [
    "FORMS",
    "META_KEYS",
    "build_rule",
    "clear_cache",
    "load_file",
    "load_pack",
    "parse_rules",
    "parse_tolerance",
    "rule_files",
    "scoped_lines",
]

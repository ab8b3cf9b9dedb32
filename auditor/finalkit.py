"""Helpers the 部门决算 (final accounts) rules share: references, tolerances, locations, comparisons.

Tolerance: a sum of n printed parts may differ from its printed total by the printing of the parts
(``money.tolerance`` in 万元 with two decimals, one unit per part). A non-zero difference inside it is
an ``info`` rounding hint; outside it an ``error``. Two prints of the same figure in different tables
round the same 元 amount, so any difference there is a defect (``warning`` at 0.01万元, else ``error``).
A stated percentage passes when it lies in the range the printed precision of its two figures allows.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable
from decimal import Decimal

from .model import FA_NINE_TABLES
from .money import tolerance
from .parse.final.economic_names import ROW_NAMES
from .parse.final.items import item_name
from .rulekit import decimals_of, fen_or_zero, first_fact, is_missing, memo, records, row_location, show, yuan
from .rules import RuleContext

TEMPLATE = {
    "regulation": "部门决算公开模板（上海区级，附件2）：九张决算表的表式与勾稽关系",
    "article": "R4",
    "confidence": "H",
}
PUBLICATION = {
    "regulation": "财预〔2016〕143号《地方预决算公开操作规程》：没有数据的表格应当列出空表并说明",
    "article": "R3/R6",
    "confidence": "H",
}
NOTES = {
    "regulation": "部门决算公开模板（上海区级，附件2）：情况说明一至十一的表述与决算表一致",
    "article": "R3/R4",
    "confidence": "H",
}
CENT = 10_000  # 0.01万元 in fen
#: the basic-economic rows of the template (部门决算模板 一般公共预算财政拨款基本支出决算表), code -> name
TEMPLATE_ECONOMIC = ROW_NAMES


def from_text(budget) -> bool:
    """Whether the document was read from text (extracted text, OCR, stdin) rather than a PDF's layout."""
    source = str(getattr(budget.meta, "source", None) or "").lower()
    return budget.meta.from_ocr or source.endswith(".txt") or source in ("-", "<stdin>")


#: The table checks whose errors are withheld for a 决算 read from text (by function), see :func:`text_failures`.
_TEXT_CHECKED: dict[str, object] = {}


def withheld_in_text(func):
    """The rule's errors are withheld for a 决算 read from text: FA901 reports them per table instead.

    In text extracted from a PDF the columns of a 决算 row are placed by the row identities alone, so
    a failed identity there says more about the extraction than about the document.
    """
    _TEXT_CHECKED[f"{func.__module__}.{func.__qualname__}"] = func

    @functools.wraps(func)
    def run(budget, ctx):
        for f in func(budget, ctx) or ():
            if not (from_text(budget) and f.severity == ctx.severity):
                yield f

    return run


def text_failures(budget, ctx) -> dict[str, list]:
    """Per table, the checks that fail beyond rounding in a 决算 read from text ({} otherwise).

    Computed once per audit; FA901 reports them, and the 情况说明 rules do not compare a stated figure
    with a table read unreliably.
    """
    if not from_text(budget):
        return {}

    def compute(b):
        out: dict[str, list] = {}
        for func in list(_TEXT_CHECKED.values()):
            sub = RuleContext(ctx.rule, b, severity="error", audit=ctx.audit)
            for f in func(b, sub) or ():
                if f.severity == "error":  # the check's error; rounding hints and 0.01 warnings stay
                    out.setdefault(f.location.table, []).append(f)
        return out

    return ctx.memo("fa-text-failures", compute)


def unplaced_tables(budget) -> set[str]:
    """Tables with figures the loader could not place under their columns (from ``meta.notes``)."""
    out = set()
    for note in budget.meta.notes:
        key, _, text = str(note).partition(": ")
        if key.startswith("fa_") and ("could not be placed" in text or "do not fit" in text or "more than one" in text):
            out.add(key)
    return out


def unreliable(budget, ctx, table: str) -> bool:
    """Whether a table's figures cannot be relied on: read from text with unplaced rows or failing checks."""
    return from_text(budget) and (table in unplaced_tables(budget) or table in text_failures(budget, ctx))


def at(rec: dict, table: str | None = None) -> dict:
    """The location of a 说明 fact (``facts``) or a 五（三）item (``fa_items``) for a finding."""
    table = table or ("facts" if "key" in rec else "fa_items")
    return {"table": table, "row": rec.get("key") or rec.get("xiang"), "line": rec.get("line"), "page": rec.get("page")}


def notes_sections(budget) -> Callable[[int | None, int], str | None]:
    """Which 情况说明 section (``fa_n1`` … ``fa_n11`` or one of 十一's ``fa_operating``,
    ``fa_procurement``, ``fa_assets``) a line of a 决算 at (page, line) lies in, by where the sections'
    headings are; None before them and in the 名词解释. The headings are sorted once per call."""
    marks = sorted(
        ((sec.page or 0, sec.line or 0), key)
        for key, sec in budget.meta.sections.items()
        if key.startswith("fa_n") or key in ("fa_operating", "fa_procurement", "fa_assets", "fa_part4")
    )
    starts = [m for m, _ in marks]

    def section_at(page: int | None, line: int) -> str | None:
        at = bisect.bisect_right(starts, (page or 0, line)) - 1
        key = marks[at][1] if at >= 0 else None
        return None if key == "fa_part4" else key

    return section_at


def wan(fen) -> str:
    return show(fen, "万元")


def loc(key: str, row: dict, column: str | None = None) -> dict:
    return {"table": key, "column": column, **row_location(row)}


def side_items(budget, key: str, side: str) -> dict[str, dict]:
    """The top-level rows of one side of a sided table (总表, 财政拨款总表), by item."""
    out: dict[str, dict] = {}
    for r in records(budget, key):
        if r["side"] == side and (r.get("parent") is None or is_missing(r.get("parent"))):
            out.setdefault(r["item"], r)
    return out


def sum_finding(ctx, what: str, total, parts: list, **location):
    """A finding when `total` differs from the sum of `parts` (None when it agrees exactly)."""
    if is_missing(total) and not any(not is_missing(p) for p in parts):
        return None
    got = sum(fen_or_zero(p) for p in parts)
    want = fen_or_zero(total)
    diff = abs(got - want)
    if diff == 0:
        return None
    terms = max(1, sum(1 for p in parts if not is_missing(p) and fen_or_zero(p)))
    rounding = diff <= tolerance("万元", 2, terms)
    text = f"{what}：合计 {wan(want)} ≠ 各项之和 {wan(got)}（差 {wan(diff)}）"
    if rounding:
        text += "，在印刷精度之内，属舍入差"
    return ctx.finding(
        text,
        severity="info" if rounding else None,
        expected=yuan(got),
        actual=yuan(want),
        **location,
    )


def same_figure(ctx, what: str, a, b, **location):
    """Two prints of one figure: any difference is a defect (warning at 0.01万元, error above)."""
    if is_missing(a) and is_missing(b):
        return None
    x, y = fen_or_zero(a), fen_or_zero(b)
    if x == y:
        return None
    severity = "warning" if abs(x - y) <= CENT else None
    return ctx.finding(
        f"{what}：{wan(x)} 与 {wan(y)} 不一致", severity=severity, expected=yuan(y), actual=yuan(x), **location
    )


#: the name of a department's own organ, an administrative unit (行政单位), ends with one of these
_ORGAN = ("局", "委员会", "委", "办公室", "办", "厅", "署", "办事处", "政府")


def unit_nature(name: str | None, remark: str | None) -> str | None:
    """What kind of unit a 单位构成 row is: 行政, 参公 (参照公务员法管理), 事业, or None when the row
    does not say (a unit merged into 本级, a 中心 with no remark)."""
    text = f"{name or ''}{remark or ''}"
    if "参公" in text or "参照公务员法" in text:
        return "参公"
    if "事业单位" in text:
        return "事业"
    if "行政单位" in text:
        return "行政"
    own = (name or "").replace("（本级）", "").replace("(本级)", "")
    if "本级" in (name or "") and own.endswith(_ORGAN):
        return "行政"
    return None


def half_step(printed: str | None, unit: str = "万元") -> int:
    """Half the last printed digit of a figure, in fen: how far the printed figure may be from the true one."""
    return tolerance(unit, decimals_of(printed), 1) // 2


def percent_range(a: int, ha: int, b: int, hb: int, decimals: int) -> tuple[Decimal, Decimal] | None:
    """The range of 100·a/b that figures a ± ha and b ± hb allow, widened by half the stated rate's last digit.

    None when b (less its uncertainty) is not positive: the rate is undefined.
    """
    if b - hb <= 0:
        return None
    lo_a, hi_a = max(0, a - ha), a + ha
    half = Decimal(5) / (Decimal(10) ** (decimals + 1))
    lo = Decimal(100 * lo_a) / Decimal(b + hb) - half
    hi = Decimal(100 * hi_a) / Decimal(b - hb) + half
    return lo, hi


def rate_check(stated: Decimal, decimals: int, a: int, ha: int, b: int, hb: int) -> tuple[str | None, Decimal | None]:
    """(severity, computed rate) for a stated percentage of a / b: None severity when it passes.

    Outside the range the printing allows: ``warning`` within 0.05 points of the computed rate, else
    ``error``. An undefined rate (b is 0) with a stated figure is a ``warning``.
    """
    rng = percent_range(a, ha, b, hb, decimals)
    if rng is None:
        return ("warning" if a else None), None
    exact = Decimal(100 * a) / Decimal(b)
    lo, hi = rng
    if lo <= stated <= hi:
        return None, exact
    return ("warning" if abs(stated - exact) < Decimal("0.05") else "error"), exact


def pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.quantize(Decimal('0.01'))}%"


def item_section(item: dict) -> str:
    """The 说明 section of a ``fa_items`` row: ``fa_n5`` (the default), ``fa_n8`` or ``fa_n9``."""
    section = item.get("section")
    return "fa_n5" if is_missing(section) or not section else str(section)


def resolve_item(item: dict, rows: list[dict], amount: str = "total") -> tuple[dict | None, bool]:
    """(the 项 row an item names, whether its names are the table's) of a 说明 item.

    The loader gives an item the code of the 项 its 类, 款 and 项 names are in the table. An item
    without a code whose 决算 is the `amount` of exactly one 项 of its 类 names that 项 wrongly.
    """
    coded = [r for r in rows if isinstance(r.get("code"), str)]
    code = item.get("code")
    if isinstance(code, str) and code:
        row = next((r for r in coded if r["code"] == code), None)
        if row is not None:
            return row, True
    cls = next((r for r in coded if len(r["code"]) == 3 and item_name(r["name"]) == item_name(item.get("lei"))), None)
    if cls is None or is_missing(item.get("final")):
        return None, False
    same = [r for r in coded if len(r["code"]) == 7 and r["code"].startswith(cls["code"])
            and fen_or_zero(r.get(amount)) == int(item["final"])]  # fmt: skip
    return (same[0], False) if len(same) == 1 else (None, False)


# --- the table figures the 情况说明 repeats --------------------------------------------------------

_INCOME = {
    "财政拨款收入": ("一般公共预算财政拨款收入", "政府性基金预算财政拨款收入", "国有资本经营预算财政拨款收入"),
    "上级补助收入": ("上级补助收入",),
    "事业收入": ("事业收入",),
    "经营收入": ("经营收入",),
    "附属单位上缴收入": ("附属单位上缴收入",),
    "其他收入": ("其他收入",),
}
_EXPENDITURE = {
    "基本支出": "basic",
    "项目支出": "project",
    "上缴上级支出": "remit_superior",
    "经营支出": "operating",
    "对附属单位补助支出": "subsidy_affiliated",
}
_SANGONG = {"outbound": "因公出国（境）费", "vehicle_total": "公务用车购置及运行（维护）费", "reception": "公务接待费"}


def _total(rows: list[dict], column: str):
    row = next((r for r in rows if r.get("code") is None and str(r.get("name") or "").startswith("合计")), None)
    return None if row is None else row.get(column)


_TABLE_OF = {title: key for key, title in FA_NINE_TABLES.items()}


def table_figures(budget) -> dict[str, tuple[str, int | None]]:
    """fact key -> (where the figure is in the tables, its fen) for every stated amount with a table twin."""
    return memo(budget, "fa:table-figures", _figures)


def source_table(where: str) -> str:
    """The table key of a figure's place (`收入支出决算总表 总计` -> `fa_summary`)."""
    title = where.split(" ", 1)[0]
    return _TABLE_OF.get(title) or next((k for t, k in _TABLE_OF.items() if t.endswith(title)), "")


def _figures(budget) -> dict[str, tuple[str, int | None]]:
    out: dict[str, tuple[str, int | None]] = {}
    inc = side_items(budget, "fa_summary", "income")
    exp = side_items(budget, "fa_summary", "expenditure")
    if "总计" in inc:
        out["total"] = ("收入支出决算总表 总计", inc["总计"]["amount"])
    if "本年收入合计" in inc:
        out["income_total"] = ("收入支出决算总表 本年收入合计", inc["本年收入合计"]["amount"])
        for name, items in _INCOME.items():
            if any(i in inc for i in items):
                out[f"income:{name}"] = (
                    f"收入支出决算总表 {name}",
                    sum(fen_or_zero(inc[i]["amount"]) for i in items if i in inc),
                )
    if "本年支出合计" in exp:
        out["expenditure_total"] = ("收入支出决算总表 本年支出合计", exp["本年支出合计"]["amount"])
    spending = records(budget, "fa_expenditure")
    for name, col in _EXPENDITURE.items():
        value = _total(spending, col)
        if spending and value is not None or (spending and _total(spending, "total") is not None):
            out[f"expenditure:{name}"] = (f"支出决算表 合计行 {name}", value)
    fiscal = side_items(budget, "fa_fiscal_summary", "income")
    if "总计" in fiscal:
        out["fiscal_total"] = ("财政拨款收入支出决算总表 总计", fiscal["总计"]["total"])
    gpb = records(budget, "fa_gpb_function")
    if _total(gpb, "total") is not None:
        for key in ("gpb_total", "gpb_structure_total", "gpb_final"):
            out[key] = ("一般公共预算财政拨款支出决算表 合计", _total(gpb, "total"))
        out["basic_total"] = ("一般公共预算财政拨款支出决算表 合计 基本支出", _total(gpb, "basic"))
    for r in gpb:
        code = r.get("code")
        if isinstance(code, str) and len(code) == 3:
            where = (f"一般公共预算财政拨款支出决算表 {code} {r['name']}", r["total"])
            out[f"gpb_class:{r['name']}"] = where
            if str(r["name"]).endswith("支出"):  # the template's 1.“一般公共服务”X万元 names it without 支出
                out.setdefault(f"gpb_class:{str(r['name']).removesuffix('支出')}", where)
    eco = {r["name"]: r for r in records(budget, "fa_gpb_basic_economic") if r.get("code") is None}
    for key, name in (("personnel", "人员经费合计"), ("public", "公用经费合计")):
        if name in eco:
            out[key] = (f"一般公共预算财政拨款基本支出决算表 {name}", eco[name]["amount"])
    stages = {r["stage"]: r for r in records(budget, "fa_sangong")}
    if "budget" in stages:
        out["sangong_budget"] = ("“三公”经费支出决算表 预算数 合计", stages["budget"]["total"])
    if "final" in stages:
        out["sangong_final"] = ("“三公”经费支出决算表 决算数 合计", stages["final"]["total"])
        for item, name in _SANGONG.items():
            out[f"sangong:{item}"] = (f"“三公”经费支出决算表 决算数 {name}", stages["final"][item])
            out[f"sangong_detail:{item}"] = out[f"sangong:{item}"]  # 七（二）prints them again
        for item, name in (("vehicle_purchase", "公务用车购置费"), ("vehicle_operation", "公务用车运行维护费")):
            out[f"sangong_detail:{item}"] = (f"“三公”经费支出决算表 决算数 {name}", stages["final"].get(item))
    return out


def stated_or_table(budget, ctx, key: str) -> list[tuple[int, int]]:
    """(fen, uncertainty) of a figure the 说明 relates: as stated, then its table twin when that differs.

    A share or rate of a misprinted amount is judged against the table figure too, since FA301
    already reports the amount: one defect, one finding. Empty when neither is known.
    """
    out = []
    fact = first_fact(budget, key)
    if fact is not None and not is_missing(fact.get("amount")):
        out.append((int(fact["amount"]), half_step(str(fact["value"]))))
    twin = table_twin(budget, ctx, key)
    if twin is not None and (not out or out[0][0] != twin):
        out.append((twin, half_step("0.00")))
    return out


#: the figures whose blank table cell is 0 (a 支出决算表 column or a 三公 决算 left empty)
_BLANK_IS_ZERO = ("expenditure:", "sangong:", "sangong_detail:", "sangong_final")


def table_twin(budget, ctx, key: str) -> int | None:
    """The fen of the table figure a 说明 fact `key` prints again; None when there is none to trust."""
    where = table_figures(budget).get(key)
    if where is None or unreliable(budget, ctx, source_table(where[0])):
        return None
    if is_missing(where[1]):
        return 0 if key.startswith(_BLANK_IS_ZERO) else None
    return int(where[1])

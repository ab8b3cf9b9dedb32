"""The parts the prose states add up to the whole it breaks down (…万元，其中：A…，B…，其他…).

A stated whole and its parts are read by :mod:`auditor.breakdown`; a breakdown whose parts are all of
the whole (a stated 合计, a residual 其他…, or complements such as 地上/地下) must add up. Money
breakdowns (NR007) and breakdowns of other quantities, floor areas and counts (NR009) are checked
alike. When one figure is in two breakdowns of a paragraph and the corrections both ask of it agree,
that figure is the misprint and it is reported once (地上建筑面积 8013 where 计容 + 不计容 and
总建筑面积 − 地下 both give 8103).
"""

from __future__ import annotations

from decimal import Decimal

from auditor import hookimpl, rule
from auditor.breakdown import Breakdown, Figure, breakdowns
from auditor.finalkit import notes_sections
from auditor.model import is_final
from auditor.money import UNIT_FEN
from auditor.text import snippet

REFERENCE = {
    "regulation": "公开文本前后数据一致（总数与所列分项之和相符）",
    "article": "DISCLOSURE-004; DISCLOSURE-006",
    "confidence": "M",
    "sources": ["S5"],
}
PROJECTS = {**REFERENCE, "article": "DISCLOSURE-006"}
#: Breakdowns that have their own rule: 三公 (SG001), 政府采购 (PR001), vehicles (AS001).
OWN_RULES = {"sangong_notes", "procurement_notes", "assets_notes"}
#: In a 决算, the 说明 sections whose amounts the FA rules compare with the tables (FA301, FA309) and
#: whose counts they add up (FA310 vehicles, FA311 绩效): one defect, one finding.
FINAL_OWN_MONEY = {*(f"fa_n{n}" for n in range(1, 10)), "fa_procurement"}
FINAL_OWN_QUANTITIES = {"fa_assets", "fa_n10"}
#: How far an approximate whole (约13459平方米) may be from its parts before it is a contradiction.
APPROX_SHARE = Decimal("0.01")


def _tolerance(figures: list[Figure], approx: Figure | None = None) -> Decimal:
    """One unit of the last printed digit of each figure (the one `money.tolerance` rule), and a
    share of an approximate whole."""
    tol = sum((f.step() for f in figures), Decimal(0))
    if approx is not None and approx.approx:
        tol = max(tol, abs(approx.scaled()) * APPROX_SHARE)
    return tol


def _show(value: Decimal, like: Figure) -> str:
    """A value in the base of :meth:`Figure.scaled`, printed as `like` is (unit and decimals)."""
    shown = value / UNIT_FEN[like.unit] if like.money else value
    digits = like.printed.replace(",", "").replace(" ", "")
    places = len(digits.split(".", 1)[1]) if "." in digits else 0
    places = max(places, 2) if like.money and shown != shown.quantize(Decimal(1).scaleb(-places)) else places
    return (f"{shown:,.{places}f}" if "," in like.printed else f"{shown:.{places}f}") + like.unit


def _printed(f: Figure) -> str:
    return f"{'约' if f.approx else ''}{f.printed}{f.unit}"


def _fails(bd: Breakdown) -> list[tuple[Figure, Decimal]]:
    """The figures the breakdown contradicts, with what its parts give: the whole, and a stated total."""
    s = bd.sum()
    out = []
    if abs(bd.whole.scaled() - s) > _tolerance([bd.whole, *bd.parts], bd.whole):
        out.append((bd.whole, s))
    if bd.total is not None and abs(bd.total.scaled() - s) > _tolerance([bd.total, *bd.parts]):
        out.append((bd.total, s))
    return out


def _solve(bd: Breakdown, fig: Figure) -> Decimal | None:
    """The value `fig` must have for the breakdown to add up (it is its whole or one of its parts)."""
    s = bd.sum()
    if fig.start == bd.whole.start:
        return s
    for p in bd.parts:
        if p.start == fig.start:
            return bd.whole.scaled() - (s - p.scaled())
    return None


def _identity(bd: Breakdown) -> str:
    return f"{bd.whole.label or '总数'} {_printed(bd.whole)} = {_parts(bd)}"


def _evidence(bd: Breakdown, fig: Figure, expected: Decimal) -> dict:
    return {
        "kind": "prose",
        "identity": _identity(bd),
        "parts": [{"label": p.label, "printed": _printed(p)} for p in bd.parts],
        "sum": _show(bd.sum(), fig),
        "printed": _printed(bd.whole),
        "difference": _show(bd.whole.scaled() - bd.sum(), fig),
        "expected": _show(expected, fig),
    }


def _findings(budget, ctx, money: bool):
    section_at = notes_sections(budget) if is_final(budget.meta.kind) else None
    for p in budget.paragraphs():
        if money and p.section in OWN_RULES:
            continue
        if not money and p.section == "assets_notes":
            continue  # vehicles and equipment: AS001
        if section_at is not None and section_at(p.first.page, p.first.line) in (
            FINAL_OWN_MONEY if money else FINAL_OWN_QUANTITIES
        ):
            continue
        bds = [b for b in breakdowns(p.text) if b.closed and b.whole.money == money]
        if not bds:
            continue
        done: set[int] = set()
        holding: dict[int, list[Breakdown]] = {}  # figure (by offset) -> the breakdowns it is in
        for bd in bds:
            for fig in (bd.whole, *bd.parts):
                holding.setdefault(fig.start, []).append(bd)
        for bd in bds:
            fails = _fails(bd)
            if not fails or id(bd) in done:
                continue
            done.add(id(bd))
            # a figure this breakdown shares with another: when both ask the same value of it, it is the misprint
            diagnosis = None
            sharing = {id(o): o for fig in (bd.whole, *bd.parts) for o in holding[fig.start] if o is not bd}
            for other in sharing.values():
                for fig in [other.whole, *other.parts]:
                    mine, theirs = _solve(bd, fig), _solve(other, fig)
                    if mine is None or theirs is None:
                        continue
                    if abs(mine - theirs) <= _tolerance([*bd.parts, bd.whole, *other.parts, other.whole]):
                        if abs(mine - fig.scaled()) > _tolerance([fig]):
                            diagnosis = (fig, mine, other)
                if diagnosis:
                    break
            if diagnosis is not None:
                fig, value, other = diagnosis
                done.add(id(other))
                yield ctx.finding(
                    f"{fig.label or '数字'} {_printed(fig)} 与同段数字矛盾：{_asks(bd, fig)}，{_asks(other, fig)}",
                    expected=_show(value, fig),
                    actual=snippet(p.text, fig.start, fig.end, pad=20),
                    evidence=[_evidence(bd, fig, value), _evidence(other, fig, value)],
                    **p.where(fig.start),
                )
                continue
            fig, value = fails[0]
            what = "合计" if fig is bd.total else (bd.whole.label or "总数")
            yield ctx.finding(
                f"{what} {_printed(fig)} ≠ 所列各项之和 {_show(value, fig)}（{_parts(bd)}）"
                + ("（总数为约数，差额超过 1%）" if fig.approx else ""),
                expected=_show(value, fig),
                actual=snippet(p.text, fig.start, fig.end, pad=20),
                evidence=[_evidence(bd, fig, value)],
                **p.where(fig.start),
            )


def _asks(bd: Breakdown, fig: Figure) -> str:
    """How a breakdown gives the value of one of its figures: ``A 7998平方米 + B 105平方米 = 8103平方米``."""
    value = _solve(bd, fig)
    if fig.start == bd.whole.start:
        return f"{_parts(bd)} = {_show(value, fig)}"
    others = " − ".join(f"{p.label or '其中'} {_printed(p)}" for p in bd.parts if p.start != fig.start)
    return f"{bd.whole.label or '总数'} {_printed(bd.whole)} − {others} = {_show(value, fig)}"


def _parts(bd: Breakdown) -> str:
    return " + ".join(f"{p.label or '其中'} {_printed(p)}" for p in bd.parts)


@rule(
    "NR007",
    name="stated-parts-add-up",
    title="Money the prose breaks down (X万元，其中：A…，B…，其他…) adds up to the whole",
    severity="warning",
    tags=["narrative", "arithmetic"],
    reference=REFERENCE,
    kinds="all",
    description=(
        "A figure followed by 其中 and its parts: when the parts are all of it (the list closes with 合计, or "
        "its last part is 其他…/其余…), they add up to the figure, within one unit of the last printed digit "
        "of each (`money.tolerance`). A 其中 that may list only some parts is not checked. The 三公, "
        "政府采购 and vehicle breakdowns have their own rules (SG001, PR001, AS001)."
    ),
    cases=[
        {
            "name": "parts add up",
            "fires": 0,
            "budget": {
                "text": "2025年度项目总预算1170.00万，其中支持企业规模化发展870.00万，支持企业创新化发展70.00万，"
                "支持企业协同化发展180.00万，支持企业国际化发展50.00万，合计1170.00万。"
            },
        },
        {
            "name": "parts do not add up to the whole",
            "fires": 1,
            "budget": {
                "text": "2025年度项目总预算1170.00万，其中支持企业规模化发展870.00万，支持企业创新化发展70.00万，"
                "支持企业协同化发展180.00万，支持企业国际化发展30.00万，合计1170.00万。"
            },
        },
        {
            "name": "income by source, with the change of one source",
            "fires": 0,
            "budget": {
                "text": "收入预算18,976.76万元，其中：财政拨款收入18,976.76万元，比2024年预算增加3,355.65万元；"
                "事业收入0.00万元；事业单位经营收入0.00万元；其他收入0.00万元。"
            },
        },
        {
            "name": "income by source does not add up",
            "fires": 1,
            "budget": {
                "text": "收入预算18,976.76万元，其中：财政拨款收入18,976.76万元；事业收入0.00万元；"
                "事业单位经营收入0.00万元；其他收入12.00万元。"
            },
        },
        {
            "name": "a 其中 listing some parts only",
            "fires": 0,
            "budget": {"text": "支出预算100.00万元，其中：人员经费30.00万元，公用经费20.00万元。"},
        },
        {
            "name": "shares stated with the parts",
            "fires": 0,
            "budget": {
                "text": "本年收入合计2946.25万元，其中：财政拨款收入2940.05万元，占99.79%；其他收入6.2万元，占0.21%。"
            },
        },
    ],
)
def stated_parts_add_up(budget, ctx):
    yield from _findings(budget, ctx, money=True)


@rule(
    "NR009",
    name="quantities-add-up",
    title="Quantities the prose breaks down (总建筑面积 = 地上 + 地下) add up",
    severity="warning",
    tags=["narrative", "project-funds"],
    reference=PROJECTS,
    kinds="all",
    description=(
        "A project description states a quantity and its parts: 建筑面积约13459平方米，其中地上8013平方米"
        "（其中计容7998平方米，不计容105平方米），地下5356平方米. When the parts are complements (地上/地下, "
        "计容/不计容, 境内/境外…), the list closes with 合计, or its last part is 其他…, they add up to the "
        "quantity, within one unit of the last printed digit of each (an approximate whole, 约…, within 1%). "
        "A figure shared by two breakdowns that both ask the same correction of it is reported once, there."
    ),
    cases=[
        {
            "name": "floor areas add up",
            "fires": 0,
            "budget": {
                "text": "本工程规划建筑面积约为13459平方米，其中地上建筑面积为8103平方米（其中计容面积7998平方米，"
                "不计容面积105平方米），地下建筑面积为5356平方米，建筑高度为29.8米。"
            },
        },
        {
            "name": "one misprinted part of two breakdowns: one finding",
            "fires": 1,
            "budget": {
                "text": "本工程规划建筑面积为13459平方米，其中地上建筑面积为8013平方米（其中计容面积7998平方米，"
                "不计容面积105平方米），地下建筑面积为5356平方米，建筑高度为29.8米。"
            },
        },
        {
            "name": "above + below ground is not the total",
            "fires": 1,
            "budget": {"text": "总建筑面积12000平方米，其中地上建筑面积8000平方米，地下建筑面积3000平方米。"},
        },
        {
            "name": "an approximate total within 1%",
            "fires": 0,
            "budget": {"text": "总建筑面积约12000平方米，其中地上建筑面积8000平方米，地下建筑面积3950平方米。"},
        },
        {
            "name": "parts that need not be all of it",
            "fires": 0,
            "budget": {"text": "用地面积4000平方米，其中绿化面积1200平方米，道路面积800平方米。"},
        },
        {
            "name": "another unit ends the list",
            "fires": 0,
            "budget": {
                "text": "总建筑面积12000平方米，其中地上建筑面积8000平方米，地下建筑面积4000平方米，建筑高度29.8米，地上7层。"
            },
        },
    ],
)
def quantities_add_up(budget, ctx):
    yield from _findings(budget, ctx, money=False)


@hookimpl
def auditor_register_rules():
    return [stated_parts_add_up, quantities_add_up]

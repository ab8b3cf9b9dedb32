"""三公 rules: components add up, prose equals table, stated changes add up, increases flagged, caps."""

from __future__ import annotations

from auditor import hookimpl, lazyre, rule
from auditor.money import to_fen
from auditor.rulekit import (
    agrees,
    fact_decimals,
    fact_fen,
    fact_location,
    fact_records,
    fen_or_zero,
    first_fact,
    is_missing,
    mismatch,
    readable,
    records,
    row_location,
    show,
    tolerance,
    yuan,
)

SANGONG_001 = {
    "regulation": "财预〔2016〕143号《地方预决算公开操作规程》（“三公”经费分项公开，公务用车购置费与运行费分列）",
    "article": "SANGONG-001",
    "confidence": "H",
    "sources": ["S2", "S3", "S8", "S9"],
}
SANGONG_002 = {
    "regulation": "财预〔2016〕143号（对“三公”经费增减变化情况及原因进行说明）",
    "article": "SANGONG-002",
    "confidence": "H",
    "sources": ["S2", "S3", "S8"],
}
COMPONENTS = {
    "outbound": "因公出国(境)费",
    "vehicle_total": "公务用车购置及运行费",
    "vehicle_purchase": "公务用车购置费",
    "vehicle_operation": "公务用车运行费",
    "reception": "公务接待费",
}


def _row(budget):
    """The table's row; None when there is none or it was not reliably read (EX002 reports that)."""
    sg = records(budget, "sangong")
    return None if not sg or not readable(budget, "sangong") else sg[0]


@rule(
    "SG001",
    name="sangong-components-add-up",
    title="三公 total = 出国 + 公务用车 + 接待; 公务用车 = 购置 + 运行",
    severity="error",
    tags=["sangong", "arithmetic"],
    reference=SANGONG_001,
    cases=[
        {
            "name": "adds up",
            "fires": 0,
            "budget": {
                "tables": {
                    "sangong": [
                        {
                            "total": "10.00",
                            "outbound": "1.00",
                            "vehicle_total": "6.00",
                            "vehicle_purchase": "2.00",
                            "vehicle_operation": "4.00",
                            "reception": "3.00",
                        }
                    ]
                }
            },
        },
        {
            "name": "vehicle split wrong",
            "fires": 1,
            "budget": {
                "tables": {
                    "sangong": [
                        {
                            "total": "10.00",
                            "outbound": "1.00",
                            "vehicle_total": "6.00",
                            "vehicle_purchase": "3.00",
                            "vehicle_operation": "4.00",
                            "reception": "3.00",
                        }
                    ]
                }
            },
        },
    ],
)
def components_add_up(budget, ctx):
    row = _row(budget)
    if row is None:
        return
    loc = row_location(row)
    total = fen_or_zero(row["total"])
    parts = fen_or_zero(row["outbound"]) + fen_or_zero(row["vehicle_total"]) + fen_or_zero(row["reception"])
    if total != parts:
        yield mismatch(
            ctx,
            f"“三公”经费合计 {show(total, '万元')} ≠ 出国 + 公务用车 + 接待 {show(parts, '万元')}",
            table="sangong",
            column="total",
            expected=parts,
            actual=total,
            **{**loc, "row": "合计"},
        )
    vt = fen_or_zero(row["vehicle_total"])
    vparts = fen_or_zero(row["vehicle_purchase"]) + fen_or_zero(row["vehicle_operation"])
    if vt != vparts:
        yield mismatch(
            ctx,
            f"公务用车购置及运行费 {show(vt, '万元')} ≠ 购置费 + 运行费 {show(vparts, '万元')}",
            table="sangong",
            column="vehicle_total",
            expected=vparts,
            actual=vt,
            **{**loc, "row": "公务用车购置及运行费"},
        )


PROSE_TABLE = {
    "regulation": "部门预算编制说明与预算表一致（万元两位小数的舍入内）",
    "article": "CONSIST-010",
    "confidence": "H",
    "sources": ["S5"],
}


@rule(
    "SG002",
    name="sangong-prose-equals-table",
    title="The 三公 and 机关运行经费 figures in the prose equal the table",
    severity="error",
    tags=["sangong", "narrative"],
    reference=PROSE_TABLE,
    cases=[
        {
            "name": "equal",
            "fires": 0,
            "budget": {
                "tables": {"sangong": [{"total": "32059600.00", "reception": "2295800.00"}]},
                "facts": [
                    {"key": "sangong_total", "value": "3205.96", "unit": "万元"},
                    {"key": "reception", "value": "229.58", "unit": "万元"},
                ],
            },
        },
        {
            "name": "prose differs",
            "fires": 1,
            "budget": {
                "tables": {"sangong": [{"total": "32059600.00"}]},
                "facts": [{"key": "sangong_total", "value": "3250.96", "unit": "万元"}],
            },
        },
    ],
)
def prose_equals_table(budget, ctx):
    row = _row(budget)
    if row is None:
        return
    for key, col in [
        ("sangong_total", "total"),
        *[(k, k) for k in COMPONENTS],
        ("operating_expenses", "operating_expenses"),
    ]:
        for fact in fact_records(budget, key):
            stated = fact_fen(fact)
            if stated is None or is_missing(row[col]) and stated == 0:
                continue
            table = fen_or_zero(row[col])
            if not agrees(table, stated, "万元", fact_decimals(fact)):
                label = COMPONENTS.get(col, "“三公”经费合计" if col == "total" else "机关运行经费")
                yield mismatch(
                    ctx,
                    f"说明中{label} {fact['value']}万元 ≠ 表中 {show(table, '万元')}",
                    column=col,
                    expected=table,
                    actual=stated,
                    **fact_location(fact),
                )


CHANGE_KEYS = {
    "sangong_total_change": "“三公”经费",
    "outbound_change": COMPONENTS["outbound"],
    "vehicle_total_change": COMPONENTS["vehicle_total"],
    "vehicle_purchase_change": COMPONENTS["vehicle_purchase"],
    "vehicle_operation_change": COMPONENTS["vehicle_operation"],
    "reception_change": COMPONENTS["reception"],
}


def _change(budget, key):
    fact = first_fact(budget, key)
    if fact is None or is_missing(fact.get("value")):
        return None, None
    fen = to_fen(str(fact["value"]), "万元")
    return fen, fact


@rule(
    "SG003",
    name="sangong-changes-add-up",
    title="The stated year-on-year changes of the 三公 components add up to the stated total change",
    severity="error",
    tags=["sangong", "narrative", "year-over-year"],
    reference=SANGONG_002,
    cases=[
        {
            "name": "adds up",
            "fires": 0,
            "budget": {
                "facts": [
                    {"key": "sangong_total_change", "value": "-114.74", "unit": "万元"},
                    {"key": "outbound_change", "value": "0", "unit": "万元"},
                    {"key": "vehicle_total_change", "value": "-114.74", "unit": "万元"},
                    {"key": "reception_change", "value": "0", "unit": "万元"},
                    {"key": "vehicle_purchase_change", "value": "-114.74", "unit": "万元"},
                    {"key": "vehicle_operation_change", "value": "0", "unit": "万元"},
                ]
            },
        },
        {
            "name": "does not add up",
            "fires": 1,
            "budget": {
                "facts": [
                    {"key": "sangong_total_change", "value": "-100", "unit": "万元"},
                    {"key": "outbound_change", "value": "0", "unit": "万元"},
                    {"key": "vehicle_total_change", "value": "-114.74", "unit": "万元"},
                    {"key": "reception_change", "value": "0", "unit": "万元"},
                ]
            },
        },
    ],
)
def changes_add_up(budget, ctx):
    checks = [
        ("sangong_total_change", ["outbound_change", "vehicle_total_change", "reception_change"]),
        ("vehicle_total_change", ["vehicle_purchase_change", "vehicle_operation_change"]),
    ]
    for whole, parts in checks:
        total, fact = _change(budget, whole)
        values = [_change(budget, p)[0] for p in parts]
        if total is None or any(v is None for v in values):
            continue
        s = sum(values)
        allowed = tolerance("万元", 2, terms=len(parts))  # each part printed to 0.01万元
        if abs(total - s) > allowed:
            yield ctx.finding(
                f"说明中{CHANGE_KEYS[whole]}变动 {show(total, '万元')} ≠ 各项变动之和 {show(s, '万元')}",
                expected=yuan(s),
                actual=yuan(total),
                **fact_location(fact),
            )


@rule(
    "SG004",
    name="sangong-increase",
    title="三公 spending rises against last year (只减不增)",
    severity="warning",
    tags=["sangong", "year-over-year"],
    reference={
        "regulation": "2014年政府工作报告“约法三章”（“三公”经费只减不增）；2017年政府工作报告",
        "article": "SANGONG-003",
        "confidence": "M",
        "sources": ["S12", "S13"],
    },
    description="A stated increase of the 三公 total or of a component is a warning; the stated reason is quoted so a reviewer can judge it.",
    cases=[
        {
            "name": "decrease",
            "fires": 0,
            "budget": {"facts": [{"key": "sangong_total_change", "value": "-10", "unit": "万元"}]},
        },
        {
            "name": "increase with reason (info)",
            "fires": 1,
            "budget": {
                "facts": [
                    {"key": "sangong_total_change", "value": "25", "unit": "万元", "text": "比2023年预算增加25万元"},
                    {"key": "sangong_reason", "value": "购置公务用车", "component": "sangong_total"},
                ]
            },
        },
        {
            "name": "increase whose reason restates it (warning)",
            "fires": 1,
            "budget": {
                "facts": [
                    {"key": "reception_change", "value": "2", "unit": "万元", "text": "比2023年预算增加2万元"},
                    {"key": "sangong_reason", "value": "公务接待费增加", "component": "reception"},
                ]
            },
        },
    ],
)
def sangong_increase(budget, ctx):
    total, fact = _change(budget, "sangong_total_change")
    keys = (
        ["sangong_total_change"]
        if total is not None
        else ["outbound_change", "vehicle_total_change", "reception_change"]
    )
    for key in keys:
        change, fact = _change(budget, key)
        if change is None or change <= 0:
            continue
        component = key.removesuffix("_change")
        reasons = [_reason(budget, component)]
        if not any(reasons) and component == "sangong_total":
            # the template gives reasons per component: quote those of the components that rose
            reasons = [
                _reason(budget, k.removesuffix("_change"))
                for k in CHANGE_KEYS
                if k != key and (_change(budget, k)[0] or 0) > 0
            ]
        reason = "；".join(dict.fromkeys(r for r in reasons if r))
        msg = f"{CHANGE_KEYS[key]}比上年增加 {show(change, '万元')}（“三公”经费只减不增）"
        msg += f"；说明的原因：{reason}" if reason else "；未说明原因"
        # disclosed with a real reason and figures that add up: for the reader's information only
        explained = bool(reason) and not _circular(reason) and _sangong_adds_up(budget)
        if explained:
            msg += "（已说明原因，表内数字相符）"
        elif reason and _circular(reason):
            msg += "（原因只是重复增加本身）"
        yield ctx.finding(
            msg,
            expected="≤ 0",
            actual=f"+{yuan(change)}",
            severity="info" if explained else None,
            **fact_location(fact),
        )


_RESTATED = lazyre.compile(
    r"[“”\"「」]|三公经费|三公|因公出国（境）费|因公出国\(境\)费|因公出国费|公务用车购置及运行费|公务用车购置费|"
    r"公务用车运行费|公务接待费|经费|费用|预算|比上年|较上年|增加|增长|上升|减少|下降|有所|主要|原因|是|为|[：:，,。；;、\s]"
)


def _circular(reason: str) -> bool:
    """A reason that only restates the change (“公务接待费增加”): nothing is left once the item's
    name and the change words are taken out."""
    return len(_RESTATED.sub("", reason)) < 2


def _sangong_adds_up(budget) -> bool:
    """The 三公 table's own sums hold: 合计 = 出国 + 用车 + 接待, 用车 = 购置 + 运行 (or no table)."""
    sg = records(budget, "sangong")
    if not sg:
        return True
    r = sg[0]
    v = {
        c: fen_or_zero(r[c])
        for c in ("total", "outbound", "vehicle_total", "vehicle_purchase", "vehicle_operation", "reception")
        if c in r
    }
    return v.get("total", 0) == v.get("outbound", 0) + v.get("vehicle_total", 0) + v.get("reception", 0) and v.get(
        "vehicle_total", 0
    ) == v.get("vehicle_purchase", 0) + v.get("vehicle_operation", 0)


def _reason(budget, component):
    own = [f for f in fact_records(budget, "sangong_reason") if f.get("component") == component]
    return str(own[0]["value"]) if own else None


@rule(
    "SG005",
    name="sangong-change-without-reason",
    title="A stated 三公 increase or decrease comes with its reason",
    severity="warning",
    tags=["sangong", "narrative"],
    reference=SANGONG_002,
    cases=[
        {
            "name": "with reason",
            "fires": 0,
            "budget": {
                "facts": [
                    {"key": "vehicle_total_change", "value": "-5", "unit": "万元"},
                    {"key": "sangong_reason", "value": "购置费减少", "component": "vehicle_total"},
                ]
            },
        },
        {
            "name": "without reason",
            "fires": 1,
            "budget": {"facts": [{"key": "reception_change", "value": "3", "unit": "万元"}]},
        },
    ],
)
def change_without_reason(budget, ctx):
    for key, label in CHANGE_KEYS.items():
        if key == "sangong_total_change":
            continue  # the total's reason is given per component in the template
        change, fact = _change(budget, key)
        if change is None or change == 0:
            continue
        if not _reason(budget, key.removesuffix("_change")):
            yield ctx.finding(
                f"{label}比上年{'增加' if change > 0 else '减少'} {show(abs(change), '万元')}，未说明原因",
                expected="主要原因是……",
                actual=str(fact.get("text") or fact["value"]),
                **fact_location(fact),
            )


@rule(
    "SG006",
    name="sangong-cap",
    title="三公 spending within the caps set for the department",
    severity="error",
    tags=["sangong"],
    reference={
        "regulation": "部门“三公”经费控制数（按配置的上限）",
        "article": "SANGONG-CAP",
        "confidence": "M",
    },
    params={"cap_total": None, "cap_outbound": None, "cap_vehicle": None, "cap_reception": None},
    param_types={
        "cap_total": "decimal",
        "cap_outbound": "decimal",
        "cap_vehicle": "decimal",
        "cap_reception": "decimal",
    },
    description='Caps are parameters in 万元 (e.g. `cap_total = "3000.00"`); no cap is set by default.',
    cases=[
        {"name": "no caps", "fires": 0, "budget": {"tables": {"sangong": [{"total": "32059600.00"}]}}},
        {
            "name": "over cap",
            "fires": 1,
            "params": {"cap_total": "3000.00"},
            "budget": {"tables": {"sangong": [{"total": "32059600.00"}]}},
        },
    ],
)
def sangong_cap(budget, ctx):
    row = _row(budget)
    if row is None:
        return
    for param, col in [
        ("cap_total", "total"),
        ("cap_outbound", "outbound"),
        ("cap_vehicle", "vehicle_total"),
        ("cap_reception", "reception"),
    ]:
        cap = ctx.params.get(param)
        if cap in (None, ""):
            continue
        cap_fen = to_fen(str(cap), "万元")
        actual = fen_or_zero(row[col])
        if actual > cap_fen:
            yield ctx.finding(
                f"“三公”经费 {COMPONENTS.get(col, '合计')} {show(actual, '万元')} 超过上限 {show(cap_fen, '万元')}",
                table="sangong",
                column=col,
                expected=f"≤ {yuan(cap_fen)}",
                actual=yuan(actual),
                **row_location(row),
            )


@hookimpl
def auditor_register_rules():
    return [components_add_up, prose_equals_table, changes_add_up, sangong_increase, change_without_reason, sangong_cap]

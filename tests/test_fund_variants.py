"""A budget whose 政府性基金 table is filled (every corpus budget prints it empty): the example with
10万元 of 政府性基金 spending on 2120803 城市建设支出 written consistently into the six tables and the
说明 that carry it. It must read as printed and add no finding; one figure changed must be caught."""

from __future__ import annotations

from corpus import CORPUS, needs_corpus

from auditor import audit, load

pytestmark = needs_corpus

MINHANG = CORPUS / "minhang-police-2024-budget.txt"
X = "100,000.00"
TOTAL, NEW_TOTAL = "2, 082, 935, 857. 58", "2,083,035,857.58"
ROWS = [
    ("212", "", "", "城乡社区支出"),
    ("212", "08", "", "国有土地使用权出让收入安排的支出"),
    ("212", "08", "03", "城市建设支出"),
]


def _with_gov_fund(text: str) -> str:
    lines = text.split("\n")
    out: list[str] = []
    table = None
    for line in lines:
        if line.startswith("2024年部门") and line.endswith("表"):
            table = line
        cells = line.split("\t")
        if table is None:
            line = line.replace("预算收入总额为208,293.59万元,其中:财政拨款收入208,293.59万元,比2023年预算增加1,958.53万元",
                                "预算收入总额为208,303.59万元,其中:财政拨款收入208,303.59万元,比2023年预算增加1,968.53万元")  # fmt: skip
            line = line.replace("支出预算为208, 293. 59万元,其中:财政拨款支出预算208, 293. 59万元,比2023年预算增加1, 958. 53万元",
                                "支出预算为208,303.59万元,其中:财政拨款支出预算208,303.59万元,比2023年预算增加1,968.53万元")  # fmt: skip
            line = line.replace(
                "政府性基金拨款支出预算为0元,与2023年持平", "政府性基金拨款支出预算为10万元,比2023年预算增加10万元"
            )
        elif "财务收支预算总表" in table:
            if cells[0] == "一、财政拨款收入":
                line = line.replace(TOTAL, NEW_TOTAL, 1)
            elif cells[0] == "2. 政府性基金":
                line = line.replace("2. 政府性基金\t\t", f"2. 政府性基金\t{X}\t")
            elif cells[0] == "二、事业收入":
                line = f"二、事业收入\t\t五、城乡社区支出\t{X}"
            elif cells[0] == "收入总计":
                line = line.replace(TOTAL, NEW_TOTAL)
        elif "收入预算总表" in table and "合计" in cells:
            out += [f"{a}\t{b}\t{c}\t{n}\t{X}\t{X}\t\t\t" for a, b, c, n in ROWS]
            line = line.replace(TOTAL, NEW_TOTAL)
        elif "支出预算总表" in table and "合计" in cells:
            out += [f"{a}\t{b}\t{c}\t{n}\t{X}\t\t{X}" for a, b, c, n in ROWS]
            line = line.replace(TOTAL, NEW_TOTAL).replace("416, 726, 898. 41", "416,826,898.41")
        elif "财政拨款收支预算总表" in table:
            if cells[0] == "二、政府性基金":
                line = line.replace("二、政府性基金\t\t", f"二、政府性基金\t{X}\t")
            elif cells[0] == "收入总计":
                out.append(f"\t\t五、城乡社区支出\t{X}\t\t{X}\t")
                line = f"收入总计\t{NEW_TOTAL}\t支出总计\t{NEW_TOTAL}\t{TOTAL}\t{X}\t"
        elif "政府性基金预算支出功能分类预算表" in table:
            if line.strip() == "合计":
                out += [f"{a}\t{b}\t{c}\t{n}\t{X}\t\t{X}" for a, b, c, n in ROWS]
                line = f"\t\t\t合计\t{X}\t\t{X}"
            elif line.startswith("注:本部门2024年无政府性基金"):
                line = ""
        out.append(line)
    return "\n".join(out)


def _keyed(path) -> set[tuple]:
    return {
        (f.rule, f.severity, f.message) for f in audit(load(path)).findings if f.rule != "KP006"
    }  # KP006 names lines


def test_a_filled_government_fund_table_reads_as_printed_and_adds_nothing(tmp_path):
    path = tmp_path / "gov-fund.txt"
    path.write_text(_with_gov_fund(MINHANG.read_text(encoding="utf-8")), encoding="utf-8")
    budget = load(path)
    fund = budget.table("gov_fund_function")
    assert [(r["code"], int(r["total"]), int(r["project"])) for r in fund.to_dict("records")] == [
        ("212", 10_000_000, 10_000_000),
        ("21208", 10_000_000, 10_000_000),
        ("2120803", 10_000_000, 10_000_000),
        (None, 10_000_000, 10_000_000),
    ]
    fa = {r["item"]: r for r in budget.table("fiscal_appropriation_summary").to_dict("records")}
    assert int(fa["支出总计"]["gov_fund"]) == 10_000_000 and int(fa["二、政府性基金"]["total"]) == 10_000_000
    assert _keyed(path) == _keyed(MINHANG)


def test_a_government_fund_figure_changed_is_an_error(tmp_path):
    text = _with_gov_fund(MINHANG.read_text(encoding="utf-8"))
    row = f"212\t08\t03\t城市建设支出\t{X}\t\t{X}"
    at = text.rindex(row)  # the 政府性基金 table's own row (the 支出预算总表 prints the same line)
    path = tmp_path / "gov-fund-broken.txt"
    path.write_text(
        text[:at] + "212\t08\t03\t城市建设支出\t90,000.00\t\t90,000.00" + text[at + len(row) :], encoding="utf-8"
    )
    added = _keyed(path) - _keyed(MINHANG)
    # one defect, one finding: the 政府性基金 table's row breaks its sums and disagrees with the
    # 支出预算总表's same 科目, and the diagnosis names that one cell
    assert [(rule, severity) for rule, severity, _ in added] == [("AR004", "error")]


def test_a_total_line_with_stray_cells_follows_where_its_rows_figures_stand(tmp_path):
    # the 合计 line keeps three empty cells more than its rows (a merged cell in the source): its tabs
    # place nothing, and both 合计 = 基本 and 合计 = 项目 hold, so its rows' tabs (项目) decide
    text = _with_gov_fund(MINHANG.read_text(encoding="utf-8"))
    total = f"\t\t\t合计\t{X}\t\t{X}"
    at = text.index(total, text.index("政府性基金预算支出功能分类预算表"))
    path = tmp_path / "gov-fund-stray.txt"
    path.write_text(text[:at] + f"\t\t\t合计\t\t\t\t{X}\t\t{X}" + text[at + len(total) :], encoding="utf-8")
    fund = load(path).table("gov_fund_function").to_dict("records")
    assert [(r["code"], int(r["project"])) for r in fund] == [
        ("212", 10_000_000),
        ("21208", 10_000_000),
        ("2120803", 10_000_000),
        (None, 10_000_000),
    ]
    assert _keyed(path) == _keyed(MINHANG)

"""One-defect variants of the corpus 决算 for every 情况说明 and editorial check (FA-N01 … N13, FA-E01 … E08,
and the prose disclosure checks FA-D02, D05, D07 … D11 of the reference).

Each case changes (or drops) one line of a corpus 决算 and states exactly what that adds to the
unchanged document's findings: the rule, its severity and the page of the changed line. Figures are
changed to values plainly wrong, except where a case is about rounding. The finance bureau is used
where it has the sentence (it has fewer real defects), the planning bureau where it alone has it
(item 完成率, 三公 with spending, 三公（二）counts, a 小微 reservation).
"""

from __future__ import annotations

import pytest
from corpus import needs_corpus
from final_variants import added_findings, drop, replace, source, variant


def case(cid, doc, page, match, change, expected, hits=1, marks=()):
    return pytest.param(doc, page, match, change, expected, hits, id=cid, marks=marks)


def swap(a, b):
    """A change exchanging two lines' texts `a` and `b` (for an entry moved in the 目录)."""

    def change(ln):
        text = ln.text.strip()
        return replace(a, b)(ln) if text == a else replace(b, a)(ln) if text == b else ln

    return change


E, W, INFO = "error", "warning", "info"

# fmt: off
CASES = [
    # --- FA-N01 说明一: 收入支出总计 and its change on last year -------------------------------------------
    case("N01-total", "finance", 21, "收入支出总计2995.39", replace("2995.39", "2995.93"), [("FA301", E, 21)]),
    case("N01-rate", "finance", 21, "支出总计减少56.95", replace("下降1.87%", "下降2.87%"), [("FA304", E, 21)]),
    case("N01-delta", "finance", 21, "支出总计减少56.95", replace("减少56.95", "减少65.95"), [("FA304", E, 21)]),
    # 减少 … 增长: the words disagree (the rate itself is right)
    case("N01-word", "finance", 21, "支出总计减少56.95", replace("下降1.87%", "增长1.87%"), [("FA304", W, 21)]),
    # --- FA-N02 说明二: income and shares ---------------------------------------------------------------------
    # the share stays the table's 2940.05 of 2946.25, so only the amount is reported
    case("N02-amount", "finance", 21, "其中：财政拨款收入2940.05", replace("2940.05", "2904.05"), [("FA301", E, 21)]),
    case("N02-total", "finance", 21, "本年收入合计2946.25", replace("2946.25", "2964.25"), [("FA301", E, 21)]),
    case("N02-share", "finance", 21, "其中：财政拨款收入2940.05", replace("99.79%", "97.79%"), [("FA302", E, 21)]),
    # --- FA-N03 说明三: expenditure and shares ----------------------------------------------------------------
    case("N03-share", "finance", 21, "本年支出合计2940.05", replace("79.49%", "78.49%"), [("FA302", E, 21)]),
    # a misprinted total or part: the amount, not every share of it
    case("N03-total", "finance", 21, "本年支出合计2940.05", replace("2940.05", "2904.05"), [("FA301", E, 21)]),
    case("N03-basic", "finance", 21, "本年支出合计2940.05", replace("2336.91", "2363.91"), [("FA301", E, 21)]),
    # --- FA-N04 说明四: 财政拨款 total and its change ---------------------------------------------------------
    case("N04-rate", "planning", 20, "计增加 1193.20万元", replace("增长 13.95%", "增长 15.95%"), [("FA304", E, 20)]),
    # the change's rate is right against the table's 9,746.50
    case("N04-total", "planning", 20, "出总计 9746.50", replace("9746.50", "9764.50"), [("FA301", E, 20)]),
    # --- FA-N05 说明五（一）: GPB total, its share of 本年支出合计, its change -------------------------------
    # 持平 with an amount: the words contradict each other
    case("N04-flat-amount", "finance", 21, "财政拨款收入支出总计持平", replace("持平", "减少2.00万元，持平"),
         [("FA017", W, 21)]),
    case("N05-share", "finance", 21, "2940.05万元，占本年", replace("100.00%", "98.00%"), [("FA302", E, 21)]),
    case("N05-rate", "finance", 21, "支出减少63.14", replace("下降2.10%", "下降3.10%"), [("FA304", E, 21)]),
    case("N05-delta", "finance", 21, "支出减少63.14", replace("减少63.14", "减少36.14"), [("FA304", E, 21)]),
    case("N05-total", "finance", 21, "2940.05万元，占本年", replace("2940.05", "2904.05"), [("FA301", E, 21)]),
    # --- FA-N06 说明五（二）: each 类 and its share -----------------------------------------------------------
    case("N06-share", "finance", 21, "卫生健康支出（类）60.99", replace("2.07%", "3.07%"), [("FA302", E, 21)]),
    case("N06-amount", "finance", 21, "卫生健康支出（类）60.99", replace("60.99", "69.99"), [("FA301", E, 21)]),
    case("N06-name", "finance", 21, "卫生健康支出（类）60.99", replace("卫生健康支出", "医疗卫生支出"), [("FA319", W, 21)]),
    case("N06-class-missing", "planning", 21, "面：社会保障和就业支出",
         replace("社会保障和就业支出（类）754.75万元，占 7.74%；", ""), [("FA319", W, 21)]),
    # --- FA-N07 说明五（三）: 年初预算, 决算, 完成率, 大于/小于, and the items --------------------------------
    # the 完成率 no longer recomputes, and the items' 年初预算 fall 99.99 short of the whole (info: a 项 may be unspent)
    case("N07-budget", "finance", 21, "年初预算为2993.92", replace("2993.92", "3093.92"),
         [("FA302", E, 21), ("FA320", INFO, 21)]),
    case("N07-rate", "finance", 21, "成年初预算的98.20%", replace("98.20%", "92.80%"), [("FA302", E, 21)]),
    case("N07-word", "finance", 21, "成年初预算的98.20%", replace("决算数小于", "决算数大于"), [("FA303", E, 21)]),
    case("N07-final", "finance", 21, "年初预算为2993.92", replace("支出决算为2940.05", "支出决算为2904.05"),
         [("FA301", E, 21)]),
    case("N07-item-final", "finance", 22, "449.52万元。决算数小于", replace("449.52", "439.52"), [("FA306", E, 22)]),
    case("N07-item-word", "finance", 22, "449.52万元。决算数小于", replace("小于", "大于"), [("FA303", E, 22)]),
    # 基本持平 for 10.00 against 12.00: more than 5% apart; and the items' budgets now exceed the whole's
    # (FA320, at the whole's sentence: which item is wrong the sum cannot tell)
    case("N07-item-flat", "finance", 22, "宣传等基本支出。年初预算为10.00", replace("为10.00", "为12.00", 1),
         [("FA303", W, 22), ("FA320", W, 21)]),
    case("N07-items-sum", "finance", 22, "年初预算为1560.05", replace("1560.05", "1960.05"), [("FA320", W, 21)]),
    # an item below its budget without the reason
    case("N07-item-no-reason", "finance", 22, "预算数的主要原因：因产业政策扶持资金管理系统项目进度",
         replace("预算数的主要原因：因产业政策扶持资金管理系统项目进度，调减相关经费。", "预算数。"), [("FA305", W, 22)]),
    case("N07-item-name", "finance", 22, "（款）信息化建设", replace("信息化建设", "信息系统建设"), [("FA306", W, 22)]),
    # an item's own 完成率 (planning states them): 225.12 / 226.25 is 99.50%
    case("N07-item-rate", "planning", 22, "万元，完成年初预算的 99.50%", replace("99.50%", "95.50%"), [("FA302", E, 22)]),
    # --- FA-N08 说明六: 基本支出, 人员经费, 公用经费 ----------------------------------------------------------
    case("N08-basic", "finance", 23, "基本支出2336.91", replace("2336.91", "2363.91"), [("FA301", E, 23)]),
    case("N08-personnel", "finance", 23, "基本支出2336.91", replace("2152.26", "2125.26"), [("FA301", E, 23)]),
    case("N08-public", "finance", 23, "公用经费184.65", replace("184.65", "148.65"), [("FA301", E, 23)]),
    # --- FA-N09 说明七: 三公 预算, 决算, 完成率, items, shares, changes, “无三公” ---------------------------------
    case("N09-budget", "finance", 23, "年初预算为0.95万元", replace("0.95", "0.59"), [("FA301", E, 23)]),
    # the 三公 预算数 quoted as the 决算: the table's 决算 is 0 (its rate and 小于 stay right against it)
    case("N09-budget-as-final", "finance", 23, "年初预算为0.95万元", replace("支出决算为0.00万元", "支出决算为0.95万元"),
         [("FA301", E, 23)]),
    case("N09-word", "finance", 23, "支出决算数小于", replace("小于", "大于"), [("FA303", E, 23)]),
    case("N09-rate", "planning", 25, "完成预算的 13.68%，其中", replace("13.68%", "31.68%"), [("FA302", E, 25)]),
    # the 三公 决算 misprinted: its 完成率, the items' shares and the change's rate stay the table's 0.39
    case("N09-final", "planning", 25, "完成预算的 13.68%，其中", replace("0.39", "0.93"), [("FA301", E, 25)]),
    case("N09-item", "planning", 25, "出决算为 0.39万元，完成预算的", replace("0.39", "0.93"), [("FA301", E, 25)]),
    case("N09-item-rate", "planning", 25, "出决算为 0.39万元，完成预算的", replace("13.68%", "31.68%"),
         [("FA302", E, 25)]),
    case("N09-share", "planning", 25, "占 0.00%；公务接待费支出决算 0.39", replace("占 0.00%", "占 10.00%"),
         [("FA302", E, 25)]),
    # 七（二）1、2、3、: each item's amount again, and the counts
    case("N09-detail", "planning", 26, "3、公务接待费支出 0.39万元", replace("0.39", "0.93"), [("FA301", E, 26)]),
    case("N09-purchase", "planning", 26, "公务用车购置支出为", replace("0.00", "0.50"), [("FA301", E, 26)]),
    # the changes on last year: the total's (FA012 is the line's own 下降（增长）, quoting the changed figure)
    case("N09-change-rate", "planning", 25, "下降（增长）27.78%", replace("27.78%", "72.78%"),
         [("FA012", W, 25), ("FA304", E, 25)]),
    # an item's: 0.15 less on 0.54 is 27.78%
    case("N09-item-change-rate", "planning", 25, "公务接待费支出决算减少", replace("下降 27.78%", "下降 72.78%"),
         [("FA304", E, 25)]),
    # 0.51 less: not 27.78% of 0.90, and not the total's 0.15 less
    case("N09-item-change", "planning", 25, "公务接待费支出决算减少", replace("减少 0.15", "减少 0.51"),
         [("FA304", E, 25), ("FA304", E, 25)]),
    # “无三公经费支出” beside a 三公 table with 0.39 spent
    case("N09-none", "planning", 25, "“三公”经费财政拨款支出决算中",
         replace("“三公”经费财政拨款支出决算中", "上海市普陀区规划和自然资源局2024年度无“三公”经费财政拨款支出。"),
         [("FA307", E, 25)]),
    # --- FA-N10 说明八/九: a fund's stated income and spending against its empty table ----------------------
    case("N10-fund", "finance", 23, "2024年度无政府性基金",
         replace("上海市普陀区财政局2024年度无政府性基金预算财政拨款收入和支出。",
                 "政府性基金预算财政拨款收入10.00万元，支出10.00万元。"),
         [("FA317", E, 23), ("FA317", E, 23)]),
    # --- FA-N11 说明十一（一）机关运行经费 -------------------------------------------------------------------
    case("N11-rate", "finance", 24, "机关运行经费支出184.65", replace("增长1.40%", "增长4.10%"), [("FA304", E, 24)]),
    case("N11-word", "finance", 24, "机关运行经费支出184.65", replace("增长1.40%", "下降1.40%"), [("FA304", W, 24)]),
    # a rate of a zero base: 184.65 more than last year's 0
    case("N11-zero-base", "finance", 24, "机关运行经费支出184.65",
         replace("增加2.55万元，增长1.40%", "增加184.65万元，增长100.00%"), [("FA304", W, 24)]),
    # a change on last year without its reason (主要原因是 and nothing after it)
    case("N11-no-reason", "finance", 24, "优化办公环境", drop, [("FA305", W, 24)]),
    # 194.65: above the 公用经费合计 184.65, and 2.55 on 192.10 is not 1.40%
    case("N11-amount", "finance", 24, "机关运行经费支出184.65", replace("184.65", "194.65"),
         [("FA304", E, 24), ("FA308", E, 24)]),
    # --- FA-N12 说明十一（二）政府采购 -----------------------------------------------------------------------
    case("N12-parts", "finance", 24, "货物采购金额4.79", replace("4.79", "5.79"), [("FA309", E, 24)]),
    # 4.80 + 0 + 246.47 = 251.27 against 251.25: within the printing of three parts
    case("N12-rounding", "finance", 24, "货物采购金额4.79", replace("4.79", "4.80"), [("FA309", INFO, 24)]),
    case("N12-reserved", "finance", 24, "本部门面向中小企业预留", replace("246.47", "300.00"), [("FA309", E, 24)]),
    # 46.47 reserved: 18.50% of the total (an info, the 30% is per project), and below the 246.47 awarded in it
    case("N12-sme-share", "finance", 24, "本部门面向中小企业预留", replace("246.47", "46.47"),
         [("FA315", W, 24), ("FA316", INFO, 24)]),
    case("N12-small", "planning", 27, "225.10  万元，面向小微企业", replace("164.87", "264.87"), [("FA309", E, 27)]),
    # 264.47 awarded within a 246.47 reservation, and 264.47 + 0 + 4.79 above the 251.25 total
    case("N12-award", "finance", 24, "成交的，采购金额246.47", replace("246.47", "264.47"),
         [("FA315", E, 24), ("FA315", W, 24)]),
    case("N12-other", "finance", 24, "小企业供应商中标或成交的，采购金额4.79", replace("4.79", "40.79"),
         [("FA315", E, 24)]),
    # --- FA-N13 说明十一（三）国有资产 -----------------------------------------------------------------------
    # the eight categories no longer add up to 共有车辆 (and 七（二）'s fleet of 0 differs)
    case("N13-total", "planning", 28, "部门（单位）共有车辆 0辆", replace("共有车辆 0辆", "共有车辆 3辆"),
         [("FA204", W, 28), ("FA310", E, 28)]),
    case("N13-category", "finance", 24, "特种专业技术用车0辆", replace("其他用车0辆", "其他用车2辆"), [("FA310", E, 24)]),
    case("N13-year", "finance", 24, "截至2024年12月31日", replace("截至2024年", "截至2023年"), [("FA310", W, 24)]),
    # --- FA-D05 template residue -------------------------------------------------------------------------------
    case("D05-alternative", "finance", 21, "支出总计减少56.95", replace("减少56.95", "增加（减少）56.95"),
         [("FA012", W, 21)]),
    case("D05-instruction", "finance", 21, "本年支出合计2940.05", replace("其中：", "其中（不涉及的不列）："),
         [("FA012", W, 21)]),
    case("D05-placeholder", "finance", 23, "2024年度无政府性基金", replace("上海市普陀区财政局", "XX局"),
         [("FA012", W, 23)]),
    case("D05-zhichu-shouru", "finance", 23, "2024年度无政府性基金",
         replace("上海市普陀区财政局2024年度无政府性基金预算财政拨款收入和支出。",
                 "政府性基金预算财政拨款收入0.00万元，支出收入0.00万元。"),
         [("FA012", W, 23)]),
    # the template's instruction in place of the empty table's note: the note is missing, the instruction left
    case("D05-table-note", "finance", 20, "注：上海市普陀区财政局无国有资本",
         replace("注：上海市普陀区财政局无国有资本经营预算财政拨款支出，故本表无数据。",
                 "无国有资本经营预算财政拨款支出的，仍保留该表格式，并在本表下方作下述说明"),
         [("FA011", E, 20), ("FA012", W, 20)]),
    # --- FA-D11 不涉及的不列: a zero item listed in 二, 三, 五（二）, 六 ----------------------------------------------
    case("D11-income", "finance", 21, "其中：财政拨款收入2940.05",
         replace("占99.79%；", "占99.79%；事业收入0.00万元，占0.00%；"), [("FA312", W, 21)]),
    case("D11-expenditure", "finance", 21, "本年支出合计2940.05",
         replace("占79.49%；", "占79.49%；经营支出0.00万元，占0.00%；"), [("FA312", W, 21)]),
    case("D11-class", "finance", 21, "（类）326.72万元",
         replace("占11.11%；", "占11.11%；城乡社区支出（类）0.00万元，占0.00%；"), [("FA312", W, 21)]),
    case("D11-economic", "finance", 23, "办公设备购置。", replace("办公设备购置", "办公设备购置、公务接待费"),
         [("FA312", W, 23)]),
    # --- FA-D02 目录 vs body: reported in the 目录 -------------------------------------------------------------
    case("D02-section-unlisted", "finance", 2, "六、一般公共预算财政拨款基本支出决算情况说明", drop, [("FA013", W, 2)]),
    case("D02-table-unlisted", "finance", 2, "九、国有资本经营预算财政拨款收入支出决算表", drop, [("FA013", W, 2)]),
    # 三 listed twice, 二 not: the 目录 still ends at the body, one finding
    case("D02-entry-twice", "finance", 2, "二、收入决算表", replace("二、收入决算表", "三、支出决算表"), [("FA013", W, 2)]),
    case("D02-order", "finance", 2, "决算表", swap("二、收入决算表", "三、支出决算表"), [("FA013", W, 2)], hits=8),
    # --- FA-D07 a 说明 section, a 十一 matter, a 名词解释 term removed --------------------------------------------
    # FA002 (YAML `require: sections`) locates no page: what is missing has none of its own
    case("D07-section", "finance", 23, "十、预算绩效管理情况", drop, [("FA002", W, None)]),
    case("D07-procurement", "finance", 24, "（二）政府采购支出情况", drop, [("FA002", W, None)]),
    case("D07-assets", "finance", 24, "（三）国有资产占有使用情况说明", drop, [("FA002", W, None)]),
    case("D07-term", "finance", 25, "九、经营支出", drop, [("FA002", W, None)]),
    # --- FA-D08 a 五（三）item removed (its heading; its text runs on into item 9): reported in 五（三）---------
    case("D08-item", "finance", 22, "10、住房保障支出（类）住房改革支出（款）住房公积金",
         replace("10、住房保障支出（类）住房改革支出（款）住房公积金（项）。", ""),
         [("FA306", W, 22), ("FA320", INFO, 21)]),  # and its 187.75 is missing from the items' budgets
    # --- FA-D10 说明十 绩效 counts -----------------------------------------------------------------------------
    case("D10-grades", "finance", 23, "“优”的项目4个", replace("“优”的项目4个", "“优”的项目3个"), [("FA311", W, 23)]),
    case("D10-problems", "finance", 23, "发现问题0个", replace("发现问题0个", "发现问题2个"), [("FA311", W, 23)]),
    case("D10-tracked", "finance", 23, "绩效跟踪评价的2024年度项目4个", replace("项目4个", "项目6个"),
         [("FA311", W, 23)]),
    # 5 self-evaluated: more than the 4 planned, and not the 4 graded
    case("D10-self", "finance", 23, "平均得分", replace("项目4个", "项目5个"), [("FA311", W, 23), ("FA311", W, 23)]),
    case("D10-grade-missing", "planning", 27, "“优”的项目39个", replace("“优”的项目39个", "“优”的项目"),
         [("FA311", W, 27)]),
    # --- FA-D09 说明七（二）counts for an item with spending (planning: 接待 0.39) ------------------------------
    case("D09-persons", "planning", 26, "接待 2批次、26人次", replace("接待 2批次、26人次", "接待 2批次"),
         [("FA313", W, 26)]),
    case("D09-reception", "planning", 26, "接待 2批次、26人次",
         replace("接待 2批次、26人次，其中：接待外宾 0批次、0人次", ""), [("FA313", W, 26)]),
    # --- FA-E01 years, FA-E02 the department's name ----------------------------------------------------------
    case("E01-title", "finance", 21, "第三部分上海市普陀区财政局2024年度", replace("2024", "2023"), [("FA016", W, 21)]),
    case("E02-prose", "finance", 23, "2024年度无政府性基金", replace("财政局", "财务局"), [("FA014", W, 23)]),
    case("E02-title", "finance", 21, "第三部分上海市普陀区财政局", replace("上海市普陀区财政局", "上海市财政局"),
         [("FA016", W, 21)]),
    case("E01-short-year", "finance", 21, "上海市普陀区财政局2024年度收入支出总计", replace("2024年度", "202年度"),
         [("FA018", W, 21)]),
    case("E01-compared-year", "finance", 21, "上海市普陀区财政局2024年度收入支出总计", replace("与2023年度", "与2022年度"),
         [("FA314", W, 21)]),
    # --- FA-E03 contradictory words (the comparison or change they garble is then not read, nor checked) ------
    case("E03-mashed-comparison", "finance", 22, "449.52万元。决算数小于", replace("小于", "大小于"), [("FA017", W, 22)]),
    case("E03-mashed-change", "finance", 21, "支出总计减少56.95", replace("减少56.95", "减增加56.95"), [("FA017", W, 21)]),
    case("E03-zero-flat", "finance", 21, "财政拨款收入支出总计持平", replace("持平", "减少为0，持平"), [("FA017", W, 21)]),
    # --- FA-E04 punctuation ------------------------------------------------------------------------------------
    case("E04-doubled", "finance", 22, "员经费及公用经费等的基本支出。", replace("基本支出。", "基本支出。。"),
         [("FA022", W, 22)]),
    case("E04-open-bracket", "finance", 22, "宣传等基本支出。年初预算为10.00", replace("局财政业务", "局财政业务（"),
         [("FA022", W, 22)]),
    # 十一（三）, the last paragraph before 第四部分
    case("E04-semicolon", "finance", 24, "（含）以上设备（不含车辆）2台（套）。", replace("2台（套）。", "2台（套）；"),
         [("FA015", W, 24)]),
    # --- FA-E05 number form -----------------------------------------------------------------------------------
    case("E05-yuan", "finance", 22, "宣传等基本支出。年初预算为10.00", replace("支出决算为10.00万元", "支出决算为10.00元"),
         [("FA018", W, 22)]),
    case("E05-no-unit", "finance", 22, "宣传等基本支出。年初预算为10.00", replace("支出决算为10.00万元", "支出决算为10.00"),
         [("FA018", W, 22)]),
    case("E05-no-percent", "finance", 21, "其中：财政拨款收入2940.05", replace("99.79%", "99.79"), [("FA018", W, 21)]),
    case("E05-precision", "finance", 22, "宣传等基本支出。年初预算为10.00", replace("为10.00", "为10.0", 1),
         [("FA021", INFO, 22)]),
    # FA-E06 blank pages: FA019 reads the PDF's empty pages at load, which a changed line cannot make; the
    # finance bureau's p.14 is one (test_final_rules)
    # --- FA-E07 a 科目 name the table does not print ---------------------------------------------------------
    case("E07-subject", "finance", 22, "（款）信息化建设", replace("信息化建设", "财政信息化建设"), [("FA306", W, 22)]),
    # --- FA-E08 copied text: FA020 (info) finds the same 主要用于 for 项 of other 款; other copying is manual --
    # item 9 (行政单位医疗) given item 10's 住房公积金 purpose: copied (FA020), and about another 科目 (NR008)
    case("E08-copied-purpose", "finance", 22, "在职人员基本医疗保险费。",
         replace("在职人员基本医疗保险费", "缴纳在职人员住房公积金"), [("FA020", INFO, 22), ("NR008", W, 22)]),
]
# fmt: on


@needs_corpus
@pytest.mark.parametrize(("doc", "page", "match", "change", "expected", "hits"), CASES)
def test_one_defect_adds_its_finding_at_its_page(doc, page, match, change, expected, hits):
    changed = variant(source(doc), page, match, change, hits=hits)
    assert added_findings(doc, changed) == sorted(expected)


@needs_corpus
@pytest.mark.parametrize("doc", ["finance", "planning"])
def test_the_unchanged_document_adds_nothing(doc):
    assert added_findings(doc, source(doc)) == []

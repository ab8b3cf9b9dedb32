"""部门决算 情况说明 wording: words that contradict themselves, and figures printed in the wrong form.

The 情况说明 (第三部分 up to 第四部分) is read with its lines joined and spaces removed, so a word or a
figure wrapped over two lines is still one.

- FA017: contradictory words: two alternatives of the template run together (``大小于``, ``增减少``,
  ``减增加``), or a change of a non-zero amount called 持平 in the same breath (``减少2.00万元，持平``).
- FA018: a figure in the wrong form: an amount of the template's sentences in 元 where every 决算
  figure is 万元 (``支出决算为12.50元``), one printed with no unit at all (``支出决算为12.50，``; in a
  PDF only: extracted text may set a figure apart from its unit), and a share or 完成率 printed without its % sign (a change's
  rate is FA304's).
- FA021: an amount of the 说明 printed with other decimals than the document's other amounts in 万元
  (``其他收入6.2万元`` among two-decimal figures; an ``info``).
- FA019: a blank page of a 决算 PDF (no text at all: blank, a table's empty overflow, or an image).
- FA020: two 说明 items of unrelated 科目 (other 款) with the same 主要用于, a sign of copied text (an
  ``info`` for the reviewer).
- FA022: punctuation printed twice (``。。``), and a bracket or quote left open (or closing nothing)
  within a paragraph or numbered item.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter

from auditor import hookimpl, lazyre, rule
from auditor.finalkit import at, from_text
from auditor.rulekit import decimals_of, is_missing, records

TEMPLATE_WORDS = {
    "regulation": "部门决算公开模板（上海区级，附件2）：情况说明的句式（大于/小于、增加/减少、持平择一表述，金额以万元计）",
    "article": "R4",
    "confidence": "H",
}


def _notes_text(budget) -> tuple[str, list[int], list] | None:
    """(the 情况说明 joined without spaces, where each line starts in it, the lines), None without one."""
    start, end = budget.meta.sections.get("fa_part3"), budget.meta.sections.get("fa_part4")
    doc = getattr(budget, "document", None)
    if start is None or doc is None:
        return None
    lines = doc.lines
    begin = next((i for i, ln in enumerate(lines) if (ln.page, ln.line) == (start.page, start.line)), None)
    if begin is None:
        return None
    stop = len(lines)
    if end is not None:
        stop = next((i for i, ln in enumerate(lines) if (ln.page, ln.line) == (end.page, end.line)), stop)
    parts, starts, kept, offset = [], [], [], 0
    for ln in lines[begin:stop]:
        body = re.sub(r"[\s\u3000]+", "", ln.text)
        if body:
            parts.append(body)
            starts.append(offset)
            kept.append(ln)
            offset += len(body)
    return "".join(parts), starts, kept


def _where(got, pos: int) -> dict:
    _, starts, lines = got
    ln = lines[max(0, bisect.bisect_right(starts, pos) - 1)]
    return {"line": ln.line, "page": ln.page}


_MASHED = lazyre.compile(r"大小于|小大于|增减少|减增加|增下降|减增长|增长下降|下降增长")
_N = r"\d[\d,]*(?:\.\d+)?"
_FLAT_CHANGE = lazyre.compile(rf"(增加|减少)了?({_N})万元[，,]?(?:与上年(?:度)?)?(?<!基本)持平")
#: a change to nothing (减少为0) then called 持平
_FLAT_TO_ZERO = lazyre.compile(r"(增加|减少)(?:为|到|至)0(?:\.0+)?(?:万元)?[，,]?[^。；;]{0,12}?(?<!基本)持平")


@rule(
    "FA017",
    name="fa-contradictory-words",
    title="情况说明的用词自相矛盾（大小于、增减少、减增加，或增减了金额、减少为0又称持平）",
    severity="warning",
    tags=["editorial", "narrative"],
    reference=TEMPLATE_WORDS,
    kinds="final",
    cases=[
        {"name": "one word each", "fires": 0, "budget": {"meta": {"sections": {"fa_part3": {"line": 1}}},
            "text": "第三部分 情况说明\n决算数小于预算数。与2023年度相比，减少0.15万元，下降27.78%。\n与2023年度相比，基本持平。"}},
        {"name": "two alternatives run together, wrapped", "fires": 1, "budget": {"meta": {"sections": {"fa_part3": {"line": 1}}},
            "text": "第三部分 情况说明\n支出决算为9.00万元，决算数大小\n于预算数。"}},
        {"name": "a change called 持平", "fires": 1, "budget": {"meta": {"sections": {"fa_part3": {"line": 1}}},
            "text": "第三部分 情况说明\n与2023年度相比，财政拨款收入支出总计减少2.00万元，持平。"}},
        {"name": "a change to 0 called 持平", "fires": 1, "budget": {"meta": {"sections": {"fa_part3": {"line": 1}}},
            "text": "第三部分 情况说明\n与2023年度相比，公务接待费支出减少为0，与上年持平。"}},
    ],
)  # fmt: skip
def fa_contradictory_words(budget, ctx):
    got = _notes_text(budget)
    if got is None:
        return
    text = got[0]
    for m in _MASHED.finditer(text):
        yield ctx.finding(f"用词矛盾：“{m.group(0)}”（{text[max(0, m.start() - 12) : m.end() + 8]}）",
                          actual=m.group(0), **_where(got, m.start()))  # fmt: skip
    for m in _FLAT_CHANGE.finditer(text):
        if float(m.group(2).replace(",", "")) != 0:
            yield ctx.finding(f"{m.group(1)} {m.group(2)}万元 又称持平（{text[max(0, m.start() - 12) : m.end()]}）",
                              actual=m.group(0), **_where(got, m.start()))  # fmt: skip
    for m in _FLAT_TO_ZERO.finditer(text):
        yield ctx.finding(f"“{m.group(0)}”：{m.group(1)}为 0 又称持平（{text[max(0, m.start() - 12) : m.end()]}）",
                          actual=m.group(0), **_where(got, m.start()))  # fmt: skip


#: an amount of the template's sentences (…为 and a figure with decimals) followed by no unit at all
_NO_UNIT = lazyre.compile(
    r"(总计|合计|收入|支出|决算|预算|经费|金额)(?:数)?(?:为)?(\d[\d,]*\.\d{1,2})"
    r"(?![\d.,，]*(?:万|亿|元|%|％|个|辆|台|人|次|项|家|批|平方|公里|年|月|日))"
)
#: a year printed with three digits (202年度): a digit lost
_SHORT_YEAR = lazyre.compile(r"(?<![\d.,])\d{3}年度?(?!\d)")
#: an amount of the template's sentences: what it is (…为) and the figure, printed in 元 (not 万元/亿元)
_YUAN = lazyre.compile(rf"(总计|合计|收入|支出|决算|预算|经费|金额)(?:数)?(?:为)?({_N})元(?![/／每])")


@rule(
    "FA018",
    name="fa-figure-form",
    title="情况说明的数字形式：金额以万元表述（非“元”），占比与完成率带百分号，年份为四位",
    severity="warning",
    tags=["editorial", "narrative"],
    reference=TEMPLATE_WORDS,
    kinds="final",
    description=(
        "Every 决算 figure is in 万元; an amount after 总计/合计/收入/支出/决算/预算/经费/金额 printed with 元 "
        "alone is a wrong unit, and one with no unit (in a PDF only) a missing one. A share (占…) or 完成率 read without its % sign is reported here, a "
        "change's rate without it by FA304. A year printed with three digits (202年度) has lost one."
    ),
    cases=[
        {"name": "万元 and %", "fires": 0, "budget": {"meta": {"sections": {"fa_part3": {"line": 1}}},
            "text": "第三部分 情况说明\n年初预算为12.50万元，支出决算为12.50万元，完成年初预算的100.00%。",
            "facts": [{"key": "gpb_rate", "value": "100.00", "unit": "%", "base": "gpb_budget", "of": "gpb_final"}]}},
        {"name": "元 for 万元", "fires": 1, "budget": {"meta": {"sections": {"fa_part3": {"line": 1}}},
            "text": "第三部分 情况说明\n年初预算为12.50万元，支出决算为12.50元。"}},
        {"name": "nothing in 元", "fires": 0, "budget": {"meta": {"sections": {"fa_part3": {"line": 1}}},
            "text": "第三部分 情况说明\n年初预算为0.95万元，支出决算为0元，完成年初预算的0%。"}},
        {"name": "no unit", "fires": 1, "budget": {"meta": {"sections": {"fa_part3": {"line": 1}}},
            "text": "第三部分 情况说明\n年初预算为12.50万元，支出决算为12.50，完成年初预算的100.00%。"}},
        {"name": "a year of three digits", "fires": 1, "budget": {"meta": {"sections": {"fa_part3": {"line": 1}}},
            "text": "第三部分 情况说明\n上海市普陀区财政局202年度收入支出总计2995.39万元。"}},
        {"name": "a share without %", "fires": 1, "budget": {"facts": [
            {"key": "gpb_share", "value": "99.86", "unit": None, "base": "expenditure_total", "of": "gpb_total"}]}},
    ],
)  # fmt: skip
def fa_figure_form(budget, ctx):
    got = _notes_text(budget)
    if got is not None:
        text = got[0]
        if not from_text(budget):  # extracted text may set a figure apart from its unit
            for m in _NO_UNIT.finditer(text):
                yield ctx.finding(f"金额缺少单位：“{m.group(0)}”，决算金额以万元计", expected=f"{m.group(2)}万元",
                                  actual=m.group(0), **_where(got, m.start()))  # fmt: skip
        for m in _SHORT_YEAR.finditer(text):
            yield ctx.finding(f"年份不完整：“{m.group(0)}”（{text[max(0, m.start() - 8) : m.end() + 8]}）",
                              expected="四位年份", actual=m.group(0), **_where(got, m.start()))  # fmt: skip
        for m in _YUAN.finditer(text):
            if re.search(r"人均|平均|每", text[max(0, m.start() - 6) : m.start()]):
                continue  # a figure per person or per unit may well be in 元
            if not m.group(2).replace(",", "").replace(".", "").strip("0"):
                continue  # 0元 is 0万元: nothing is nothing in any unit
            yield ctx.finding(f"金额单位疑误：“{m.group(0)}”，决算金额以万元计", expected=f"{m.group(2)}万元",
                              actual=m.group(0), **_where(got, m.start()))  # fmt: skip
    for fact in records(budget, "facts"):
        key = str(fact.get("key") or "")
        if "_change" in key or is_missing(fact.get("base")) or not fact.get("base"):
            continue
        if fact.get("unit") != "%" and not is_missing(fact.get("value")):
            yield ctx.finding(f"情况说明的比例 {fact['value']} 缺少百分号（{fact.get('text') or key}）",
                              expected=f"{fact['value']}%", actual=str(fact["value"]), **at(fact))  # fmt: skip


@rule(
    "FA021",
    name="fa-figure-precision",
    title="情况说明的金额小数位数与其他金额不一致（决算金额以万元计，保留两位小数）",
    severity="info",
    tags=["number-format", "narrative"],
    reference=TEMPLATE_WORDS,
    kinds="final",
    description=(
        "The template prints every 说明 amount as XX.XX万元. An amount printed with other decimals than "
        "most of the document's non-zero 万元 amounts (``6.2万元`` among two-decimal figures) is reported; "
        "a zero (``0万元``) is not. FA301 still compares the figure with the table, rounded as printed."
    ),
    cases=[
        {"name": "two decimals throughout", "fires": 0, "budget": {"facts": [
            {"key": "total", "value": "2995.39", "unit": "万元"}, {"key": "income_total", "value": "2946.25", "unit": "万元"},
            {"key": "income:其他收入", "value": "6.20", "unit": "万元"}, {"key": "procurement:works", "value": "0", "unit": "万元"}]}},
        {"name": "one decimal among two", "fires": 1, "budget": {"facts": [
            {"key": "total", "value": "2995.39", "unit": "万元"}, {"key": "income_total", "value": "2946.25", "unit": "万元"},
            {"key": "income:其他收入", "value": "6.2", "unit": "万元"}]}},
    ],
)  # fmt: skip
def fa_figure_precision(budget, ctx):
    # (printed, what, where) of every non-zero 万元 amount: the facts, and the 五（三）/八/九 items' figures
    amounts = [(str(f["value"]), f.get("text") or f["key"], at(f)) for f in records(budget, "facts")
               if f.get("unit") == "万元" and not is_missing(f.get("value"))]  # fmt: skip
    for item in records(budget, "fa_items"):
        for column, word in (("budget_text", "预算"), ("final_text", "决算")):
            if isinstance(item.get(column), str):
                label = f"第{item.get('number')}项 {item.get('xiang') or item.get('kuan') or item.get('lei')} {word}"
                amounts.append((item[column], label, at(item, "fa_items")))
    amounts = [a for a in amounts if any(ch in "123456789" for ch in a[0])]
    if len(amounts) < 3:
        return
    (usual, count), *_ = Counter(decimals_of(printed) for printed, _, _ in amounts).most_common(1)
    if count * 2 <= len(amounts):
        return  # no precision most of the document keeps
    for value, what, where in amounts:
        printed = decimals_of(value)
        if printed != usual:
            yield ctx.finding(
                f"情况说明的金额“{value}万元”为{printed}位小数，其他金额为{usual}位小数（{what}）",
                expected=f"{usual}位小数", actual=f"{value}万元", **where,
            )  # fmt: skip


@rule(
    "FA019",
    name="fa-blank-page",
    title="决算文件有空白页（无任何文字：空白、表格的空续页或图片页）",
    severity="warning",
    tags=["editorial"],
    reference=TEMPLATE_WORDS | {"regulation": "公开文件应完整可读；部门决算公开模板的版式"},
    kinds="final",
    description=(
        "A page without any text (a page of images has no text layer to search or copy either). In a PDF, "
        "or in text extracted with its page breaks (pdftotext ends each page with a form feed); text "
        "without them has no pages to tell."
    ),
    cases=[
        {"name": "every page has text", "fires": 0, "budget": {"pages": [["上海市普陀区财政局2024年度部门决算"], ["目录"]]}},
        {"name": "a blank page", "fires": 1, "budget": {"pages": [["上海市普陀区财政局2024年度部门决算"], [], ["目录"]]}},
        {"name": "a blank page between form feeds", "fires": 1, "budget": {"text": "上海市普陀区财政局2024年度部门决算\f\n\f目录\f"}},
        {"name": "text without page breaks", "fires": 0, "budget": {"text": "上海市普陀区财政局2024年度部门决算\n\n\n目录"}},
    ],
)  # fmt: skip
def fa_blank_page(budget, ctx):
    doc = getattr(budget, "document", None)
    if doc is None:
        return
    for page in doc.empty_pages:
        yield ctx.finding(f"第 {page} 页为空白页（没有文字，或只有图片）", page=page, actual="(空白)")


@rule(
    "FA020",
    name="fa-items-purpose-copied",
    title="情况说明中不同款的科目“主要用于”表述完全相同（疑似照抄，请核对）",
    severity="info",
    tags=["editorial", "narrative"],
    reference=TEMPLATE_WORDS | {"regulation": "部门决算公开模板：逐项说明各项级科目的主要用途"},
    kinds="final",
    description="Items of the same 款 may well share a purpose (退休人员经费 for two 养老 项); items of other 款 rarely do.",
    cases=[
        {"name": "own purposes", "fires": 0, "budget": {"tables": {"fa_items": [
            {"number": 1, "code": "2080501", "purpose": "退休人员经费支出"},
            {"number": 2, "code": "2080599", "purpose": "退休人员经费支出"},
            {"number": 3, "code": "2101101", "purpose": "在职人员基本医疗保险费"}]}}},
        {"name": "copied", "fires": 1, "budget": {"tables": {"fa_items": [
            {"number": 1, "code": "2080501", "purpose": "退休人员经费支出"},
            {"number": 3, "code": "2101101", "purpose": "退休人员经费支出"}]}}},
    ],
)  # fmt: skip
def fa_items_purpose_copied(budget, ctx):
    seen: dict[str, dict] = {}
    for item in records(budget, "fa_items"):
        purpose = re.sub(r"[\s。；;，,等]+$", "", str(item.get("purpose") or "")).strip()
        code = item.get("code")
        if len(purpose) < 6 or not isinstance(code, str) or len(code) != 7:
            continue
        first = seen.setdefault(purpose, item)
        if first is not item and str(first["code"])[:5] != code[:5]:
            yield ctx.finding(
                f"情况说明第{first.get('number')}项（{first['code']}）与第{item.get('number')}项（{code}）的“主要用于”相同：{purpose}",
                actual=purpose, **at(item, "fa_items"),
            )  # fmt: skip


_DOUBLED = lazyre.compile(r"([。，；：、！？])\1+")
#: a line that starts a paragraph or an item of the 说明 (一、 （一） 1、 第四部分)
_ITEM_START = lazyre.compile(
    r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）]|\d{1,2}[、.．](?!\d)|第[一二三四]部分)"
)
_CLOSE = {"（": "）", "(": "）", "“": "”"}
_CLOSING = {"）": "（", ")": "（", "”": "“"}


@rule(
    "FA022",
    name="fa-punctuation",
    title="情况说明的标点：重复的标点（。。、，，），段落或条目内括号、引号不成对",
    severity="warning",
    tags=["editorial"],
    reference=TEMPLATE_WORDS,
    kinds="final",
    description=(
        "A punctuation mark printed twice (。。 ，， ；；), and within a paragraph or a numbered item a "
        "（ or “ left open or a ） or ” with nothing to close. A parenthesis may span sentences "
        "(（其中，…。…）), so it is closed within the paragraph, not the sentence."
    ),
    cases=[
        {"name": "balanced", "fires": 0, "budget": {"meta": {"sections": {"fa_part3": {"line": 1}}},
            "text": "第三部分 情况说明\n十、预算绩效管理情况\n平均得分99.43分（其中，“优”的项目4个。\n发现问题0个）。\n十一、其他重要事项"}},
        {"name": "a full stop twice", "fires": 1, "budget": {"meta": {"sections": {"fa_part3": {"line": 1}}},
            "text": "第三部分 情况说明\n主要用于：局本部人员经费。。年初预算为10.00万元。"}},
        {"name": "a parenthesis left open in an item", "fires": 1, "budget": {"meta": {"sections": {"fa_part3": {"line": 1}}},
            "text": "第三部分 情况说明\n2、主要用于：局财政业务（指导与宣传等基本支出。\n3、主要用于：信息化系统日常维护费。"}},
    ],
)  # fmt: skip
def fa_punctuation(budget, ctx):
    got = _notes_text(budget)
    if got is None:
        return
    text, starts, lines = got
    for m in _DOUBLED.finditer(text):
        yield ctx.finding(f"标点重复：“{m.group(0)}”（{text[max(0, m.start() - 12) : m.end() + 4]}）",
                          expected=m.group(1), actual=m.group(0), **_where(got, m.start()))  # fmt: skip
    bounds = sorted({starts[i] for i, ln in enumerate(lines) if _ITEM_START.match(ln.text.strip())} | {len(text)})
    begin = 0
    for end in bounds:
        yield from _unpaired(ctx, got, text, begin, end)
        begin = end


def _unpaired(ctx, got, text: str, begin: int, end: int):
    """The brackets and quotes of text[begin:end] (one paragraph or item) left open or closing nothing."""
    opened: list[int] = []
    for i in range(begin, end):
        ch = text[i]
        if ch in _CLOSE:
            opened.append(i)
        elif ch in _CLOSING:
            if opened and _CLOSE[text[opened[-1]]] == ("）" if ch in "）)" else ch):
                opened.pop()
            else:
                yield ctx.finding(f"“{ch}”没有对应的“{_CLOSING[ch]}”（{text[max(begin, i - 10) : i + 1]}）",
                                  expected=_CLOSING[ch], actual=ch, **_where(got, i))  # fmt: skip
    for i in opened:
        yield ctx.finding(f"“{text[i]}”没有对应的“{_CLOSE[text[i]]}”（{text[i : min(end, i + 10)]}…）",
                          expected=_CLOSE[text[i]], actual=text[i], **_where(got, i))  # fmt: skip


@hookimpl
def auditor_register_rules():
    return [fa_contradictory_words, fa_figure_form, fa_figure_precision, fa_blank_page, fa_items_purpose_copied,
            fa_punctuation]  # fmt: skip

"""Editorial rules: what a reviewer marks in red on the prose before the disclosure is published.

Doubled or missing sentence-final punctuation, unbalanced quotation marks and brackets, template
residue, the document's kind in its own words, blank or unreadable pages. (The explanations of
changes, an empty reason clause and the years compared, are ``editorial_changes.py``.) The prose
is read as paragraphs (wrapped lines joined, see ``Budget.paragraphs()``); each finding quotes the
offending text and points at its line (and page for PDFs).
"""

from __future__ import annotations

import re

from auditor import hookimpl, lazyre, numbering, rule
from auditor.text import is_garbled, snippet, strip_heading_tail

QUALITY = {
    "regulation": "公开文本编校质量（无法律依据的质量规则）",
    "article": "DISCLOSURE-008 (quality)",
    "confidence": "H",
    "sources": ["S5"],
}
RESIDUE = {
    "regulation": "模板说明文字、占位符不得留在公开文本中",
    "article": "DISCLOSURE-008",
    "confidence": "H",
    "sources": ["S5", "S6"],
}

#: Sections whose prose is checked for sentence punctuation (the TOC and cover are not prose).
_TEXT_SECTIONS = {
    "functions",
    "organisation",
    "glossary",
    "budget_notes",
    "other_notes",
    "sangong_notes",
    "operating_notes",
    "procurement_notes",
    "performance_notes",
    "assets_notes",
    "project_notes",
}


def _paras(budget):
    return budget.paragraphs()


def _checked(p) -> bool:
    return p.section in _TEXT_SECTIONS


# --- ED001 doubled punctuation -----------------------------------------------------------------

_DOUBLED = lazyre.compile(r"[。，、；：,;](?:[ \u3000]*[。，、；：,;])+")


@rule(
    "ED001",
    name="doubled-punctuation",
    title="Doubled sentence punctuation (。。 ，， 。，)",
    severity="warning",
    tags=["editorial"],
    reference=QUALITY,
    cases=[
        {"name": "single", "fires": 0, "budget": {"text": "2024年“三公”经费预算数为1.00万元，与2023年预算持平。"}},
        {
            "name": "doubled full stop",
            "fires": 1,
            "budget": {"text": "2024年“三公”经费预算数为1.00万元，与2023年预算持平。。"},
        },
        {"name": "comma then full stop", "fires": 1, "budget": {"text": "主要用于行政运行，。"}},
    ],
)
def doubled_punctuation(budget, ctx):
    for p in _paras(budget):
        if p.section is None and budget.meta.sections:
            continue
        for m in _DOUBLED.finditer(p.text):
            # 主要原因是：。 is an empty reason (ED004), not a typo in punctuation
            if m.group(0)[0] in "：:" and re.search(r"原因(?:是|为)?$", p.text[: m.start()]):
                continue
            yield ctx.finding(
                f"标点重复：“{m.group(0)}”",
                actual=snippet(p.text, m.start(), m.end()),
                expected=m.group(0)[-1],
                **p.where(m.start()),
            )


# --- ED002 missing final punctuation ------------------------------------------------------------

_ENDS = "。；！？：;!?:…"
_HEADINGISH = lazyre.compile(
    r"(?:说明|情况|概况|概述|依据|主体|方案|周期|安排|目标|职能|设置|解释|如下|包括|附件|目录|预算表|(?:部门|单位)(?:预算|决算)(?:公开)?|[一二三四五六七八九十]、\S{2,14})$"
)


def _unterminated(p) -> bool:
    text = strip_heading_tail(p.text.rstrip())
    if not text or text[-1] in _ENDS or text[-1] in '。）)”"】》' and text.rstrip('）)”"】》')[-1:] in _ENDS:
        return False
    if any(is_garbled(ln.text) for ln in p.lines):
        return False  # an OCR line of noise: the end of the paragraph is not readable
    if "……" in text or "…" * 3 in text:
        return False  # a table-of-contents line
    commas = len(re.findall(r"[，,]", text))
    if len(text) < 20 and not commas:
        return False  # a name, a title, a date range: not a sentence
    if numbering.parse(text) and len(text) <= 30 and not commas:
        return False  # a numbered heading
    if _HEADINGISH.search(text) and len(text) <= 30 and not commas:
        return False
    if re.fullmatch(r"[\d.\-—~至年月日\s]+", text):
        return False
    return True


@rule(
    "ED002",
    name="missing-final-punctuation",
    title="A sentence or list item ends without its final punctuation",
    severity="info",
    tags=["editorial"],
    reference=QUALITY,
    description=(
        "A paragraph of the prose (wrapped lines joined) that is a sentence — it holds a comma or runs "
        "to 20 characters — and ends without 。；：！？. Headings, names, dates and table-of-contents "
        "lines are not sentences; a paragraph whose last line is OCR noise is skipped."
    ),
    cases=[
        {
            "name": "ends with full stop",
            "fires": 0,
            "budget": {"text": "2025年本部门财政拨款的机关运行经费预算为171.01万元。"},
        },
        {
            "name": "no full stop",
            "fires": 1,
            "budget": {"text": "2025年本部门财政拨款的机关运行经费预算为171.01万元\n\n三、政府采购预算情况"},
        },
        {"name": "heading", "fires": 0, "budget": {"text": "三、政府采购预算情况"}},
        {"name": "document title", "fires": 0, "budget": {"text": "上海市普陀区人民政府办公室2025年单位预算"}},
        {"name": "document title, 决算", "fires": 0, "budget": {"text": "上海市普陀区规划和自然资源局2024年度部门决算"}},
    ],
)
def missing_final_punctuation(budget, ctx):
    for p in _paras(budget):
        if budget.meta.sections and not _checked(p):
            continue
        if not _unterminated(p):
            continue
        text = p.text.rstrip()
        yield ctx.finding(
            "段落结尾缺少句末标点：“" + snippet(text, len(text) - 1, len(text), pad=24) + "”",
            actual=snippet(text, len(text) - 1, len(text), pad=24),
            expected="…。",
            note="可能是识别错误（OCR 可能漏掉句末的“。”），请核对原件" if budget.meta.from_ocr else None,
            **p.where(len(text) - 1),
        )


# --- ED003 unbalanced quotes and brackets -------------------------------------------------------

_PAIRS = {"“": "”", "‘": "’", "（": "）", "(": ")", "《": "》", "【": "】", "〔": "〕", "「": "」"}
_FAMILY = {
    "“": "quote",
    "”": "quote",
    "‘": "squote",
    "’": "squote",
    "（": "paren",
    "）": "paren",
    "(": "paren",
    ")": "paren",
    "《": "title",
    "》": "title",
    "【": "square",
    "】": "square",
    "〔": "tortoise",
    "〕": "tortoise",
    "「": "corner",
    "」": "corner",
}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
#: Any opening or closing mark: the scan visits these, not every character of the paragraph.
_MARKS = lazyre.compile("[" + re.escape("".join(_FAMILY)) + "]")


def bracket_problems(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of unbalanced marks: 'unclosed', 'unopened', 'mixed' (（…) or (…）)."""
    out: list[tuple[str, int, int]] = []
    stack: list[tuple[str, int]] = []
    open_count: dict[str, int] = {}  # openers of each family on the stack: an unopened closer costs O(1)
    for m in _MARKS.finditer(text):
        i, ch = m.start(), m.group()
        if ch in _PAIRS:
            stack.append((ch, i))
            open_count[_FAMILY[ch]] = open_count.get(_FAMILY[ch], 0) + 1
        elif ch in _CLOSERS:
            fam = _FAMILY[ch]
            if not open_count.get(fam):
                out.append(("unopened", i, i + 1))
                continue
            depth = next(k for k in range(len(stack) - 1, -1, -1) if _FAMILY[stack[k][0]] == fam)
            for _opener, pos in stack[depth + 1 :]:
                out.append(("unclosed", pos, i))
            for opener_, _pos in stack[depth:]:
                open_count[_FAMILY[opener_]] -= 1
            opener, pos = stack[depth]
            del stack[depth:]
            if _PAIRS[opener] != ch:
                out.append(("mixed", pos, i + 1))
    for _opener, pos in stack:
        out.append(("unclosed", pos, len(text)))
    # ASCII double quotes (OCR text): an odd count leaves one unpaired
    if text.count('"') % 2:
        last = text.rindex('"')
        out.append(("unpaired", last, last + 1))
    return out


#: Unbalanced marks reported one by one in a paragraph; more are reported as one count.
MAX_PER_PARAGRAPH = 5

_MESSAGES = {
    "unclosed": "有左无右：“{mark}”没有对应的右引号/括号",
    "unopened": "有右无左：“{mark}”前没有对应的左引号/括号",
    "unpaired": "引号不成对：“{mark}”",
    "mixed": "括号全角半角混用：“{mark}”",
}


@rule(
    "ED003",
    name="unbalanced-quotes-brackets",
    title="Unbalanced quotation marks or brackets within a paragraph",
    severity="warning",
    tags=["editorial"],
    reference=QUALITY,
    description=(
        "Within one paragraph (wrapped lines joined), every “ ‘ （ ( 《 【 〔 has its closing mark. A full-width "
        "bracket closed by a half-width one (（款)) is reported at info severity."
    ),
    cases=[
        {
            "name": "balanced",
            "fires": 0,
            "budget": {"text": "1. “卫生健康支出（类）行政事业单位医疗（款）行政单位医疗（项）”63.19万元。"},
        },
        {
            "name": "quote not closed",
            "fires": 1,
            "budget": {"text": "1. “卫生健康支出（类）行政事业单位医疗（款）行政单位医疗（项）63.19万元。"},
        },
        {
            "name": "mixed widths",
            "fires": 1,
            "budget": {"text": "1. “卫生健康支出（类）行政事业单位医疗（款)行政单位医疗（项）”63.19万元。"},
        },
    ],
)
def unbalanced(budget, ctx):
    for p in _paras(budget):
        if p.section is None and budget.meta.sections:
            continue
        if any(is_garbled(ln.text) for ln in p.lines):
            continue
        problems = bracket_problems(p.text)
        if len(problems) > MAX_PER_PARAGRAPH:
            # a paragraph that is mostly unbalanced marks (a damaged extraction): the first few, then a count
            kind, s, _e = problems[MAX_PER_PARAGRAPH]
            yield ctx.finding(
                f"本段另有{len(problems) - MAX_PER_PARAGRAPH}处引号/括号不成对",
                actual=snippet(p.text, s, s + 1, pad=14),
                **p.where(s),
            )
        for kind, s, e in problems[:MAX_PER_PARAGRAPH]:
            mark = p.text[s] if kind != "mixed" else p.text[s:e]
            if kind == "mixed":
                mark = p.text[s] + "…" + p.text[e - 1]
            yield ctx.finding(
                _MESSAGES[kind].format(mark=mark),
                actual=snippet(p.text, s, min(e, s + 1) if kind != "mixed" else e, pad=14),
                severity="info" if kind == "mixed" else None,
                **p.where(s),
            )


# --- ED005 template residue -------------------------------------------------------------------------

_RESIDUE = [
    (
        lazyre.compile(
            r"(?:增加|增长|上升)\s*[（(]\s*(?:减少|下降|降低)\s*[）)]|(?:减少|下降)\s*[（(]\s*(?:增加|增长)\s*[）)]"
        ),
        "模板选项未删除",
    ),
    (lazyre.compile(r"(?<![A-Za-z0-9])(?:XX+|xx+|××+|ＸＸ+)(?![A-Za-z])"), "占位符未填写"),
    (lazyre.compile(r"待填写|待补充|请填写|此处填写|填写说明|（填写[^）]*）|\(填写[^)]*\)"), "待填写内容"),
    (lazyre.compile(r"(?<![…\.])……(?![…\d\.])"), "省略号占位"),
]
_INSTRUCTION = lazyre.compile(r"[（(]([^（）()]{6,120})[）)]")


def _is_instruction(inner: str) -> bool:
    if re.match(r"^(?:请|如有|如无|按照?|此处|填|注[：:]|说明[：:])", inner):
        return True
    if re.search(r"填写|填报|请说明|请列示|如有|如无", inner):
        return True
    # （绩效目标管理工作情况，以及编报绩效目标的项目数量、单位数量、预算金额等）
    return bool(re.search(r"以及", inner) and inner.endswith("等") and "、" in inner)


@rule(
    "ED005",
    name="template-residue",
    title="Template residue: 增加（减少）, XX placeholders, 待填写, bracketed instructions",
    severity="warning",
    tags=["editorial", "disclosure"],
    reference=RESIDUE,
    cases=[
        {
            "name": "filled in",
            "fires": 0,
            "budget": {"text": "2024年“三公”经费预算数为1.00万元，比2023年预算减少0.50万元。"},
        },
        {
            "name": "增加（减少）",
            "fires": 1,
            "budget": {"text": "2024年“三公”经费预算数为1.00万元，比2023年预算增加（减少）0.50万元。"},
        },
        {"name": "XX", "fires": 1, "budget": {"text": "本部门编报绩效目标的项目XX个。"}},
        {
            "name": "instruction",
            "fires": 1,
            "budget": {
                "text": "四、绩效目标设置情况\n（绩效目标管理工作情况，以及编报绩效目标的项目数量、单位数量、预算金额等）"
            },
        },
    ],
)
def template_residue(budget, ctx):
    for p in _paras(budget):
        if p.section is None and budget.meta.sections:
            continue
        if any(is_garbled(ln.text) for ln in p.lines):
            continue
        hits: list[tuple[int, int, str]] = []
        for pat, label in _RESIDUE:
            for m in pat.finditer(p.text):
                hits.append((m.start(), m.end(), label))
        for m in _INSTRUCTION.finditer(p.text):
            if _is_instruction(m.group(1)):
                hits.append((m.start(), m.end(), "模板填写说明未删除"))
        for s, e, label in sorted(hits):
            yield ctx.finding(
                f"{label}：“{p.text[s:e]}”",
                actual=snippet(p.text, s, e),
                **p.where(s),
            )


# --- ED006 the kind of budget in its own words --------------------------------------------------------

#: Uses of 部门预算 that belong to the classification or the template, not to the document's kind.
_DEPT_OK = lazyre.compile(r"部门预算(?:支出)?经济分类|基本支出部门预算")


@rule(
    "ED006",
    name="budget-kind-wording",
    title="A 单位预算 that calls itself 部门预算 (or the reverse)",
    severity="warning",
    tags=["editorial"],
    reference={
        "regulation": "部门预算由主管部门公开，单位预算由预算单位公开，标题与说明用语一致",
        "article": "DISCLOSURE-001 (wording)",
        "confidence": "M",
        "sources": ["S2", "S5"],
    },
    description=(
        "The kind comes from the cover (预算主管部门 / 预算单位, 部门预算 / 单位预算). A 单位预算 whose prose "
        "or headings say 部门预算 (except the name of the economic classification, 部门预算支出经济分类, "
        "which unit budgets print too), and a 部门预算 whose prose says 单位预算, are flagged. 预算单位 "
        "(a budget unit) is a different word and never flagged."
    ),
    cases=[
        {
            "name": "unit budget, own words",
            "fires": 0,
            "budget": {"meta": {"kind": "单位预算"}, "text": "2024年单位预算编制说明\n本单位收入预算10.00万元。"},
        },
        {
            "name": "unit budget says 部门预算",
            "fires": 1,
            "budget": {"meta": {"kind": "单位预算"}, "text": "2024年部门预算编制说明\n本单位收入预算10.00万元。"},
        },
        {
            "name": "unit budget, economic classification",
            "fires": 0,
            "budget": {"meta": {"kind": "单位预算"}, "text": "8. 2024年单位一般公共预算基本支出部门预算经济分类预算表"},
        },
        {
            "name": "department budget says 单位预算",
            "fires": 1,
            "budget": {"meta": {"kind": "部门预算"}, "text": "本部门单位预算收入10.00万元。"},
        },
    ],
)
def kind_wording(budget, ctx):
    kind = budget.meta.kind
    if kind not in ("部门预算", "单位预算"):
        return
    doc = getattr(budget, "document", None)
    if doc is None:
        return
    wrong = "部门预算" if kind == "单位预算" else "单位预算"
    for ln in doc.lines:
        text = ln.text
        for m in re.finditer(wrong, text):
            if wrong == "部门预算" and _DEPT_OK.search(text[max(0, m.start() - 4) : m.end() + 6]):
                continue
            if wrong == "单位预算" and text[max(0, m.start() - 1) : m.start()] == "预":
                continue  # …预算单位预算… is 预算单位 + 预算
            yield ctx.finding(
                f"本文件为{kind}，文中却称“{wrong}”",
                actual=snippet(text, m.start(), m.end(), pad=12),
                expected=kind,
                line=ln.line,
                page=ln.page,
            )


# --- ED007 blank or unreadable pages ------------------------------------------------------------------


def _unreadable(lines) -> bool:
    text = "".join(ln.text for ln in lines)
    t = re.sub(r"\s+", "", text)
    if len(t) < 20:
        return False
    readable = sum(
        1
        for ch in t
        if "\u4e00" <= ch <= "\u9fff"
        or ch.isascii()
        and ch.isprintable()
        or ch in "，。、；：“”‘’（）《》【】％—…·〔〕！？"
    )
    return readable / len(t) < 0.5


@rule(
    "ED007",
    name="blank-or-unreadable-page",
    title="A blank PDF page, or one whose text layer cannot be read",
    severity="warning",
    tags=["editorial"],
    reference={
        "regulation": "公开文件应完整可读（可检索、可复制的文本）",
        "article": "quality",
        "confidence": "M",
        "sources": ["S18", "S19"],
    },
    description=(
        "PDF only: a page with no extractable text (blank, or an image without a text layer), and a page whose "
        "text layer is mostly not characters (fonts without a Unicode map print mojibake or private-use glyphs)."
    ),
    cases=[
        {
            "name": "every page has text",
            "fires": 0,
            "budget": {"pages": [["2024年部门预算"], ["目录", "一、部门主要职能"]]},
        },
        {"name": "a blank page", "fires": 1, "budget": {"pages": [["2024年部门预算"], [], ["一、部门主要职能"]]}},
    ],
)
def blank_pages(budget, ctx):
    doc = getattr(budget, "document", None)
    if doc is None:
        return
    for page in doc.empty_pages:  # a PDF's, or extracted text's with its page breaks (form feeds)
        yield ctx.finding(f"第 {page} 页为空白页或没有文本层（图片页）", page=page, actual="(空白)")
    if doc.kind != "pdf":
        return
    pages: dict = {}
    for ln in doc.lines:
        pages.setdefault(ln.page, []).append(ln)
    for page, lines in sorted(pages.items(), key=lambda kv: kv[0] or 0):
        if _unreadable(lines):
            sample = next((ln for ln in lines if ln.text.strip()), lines[0])
            yield ctx.finding(
                f"第 {page} 页文本层无法识读（乱码）",
                page=page,
                line=sample.line,
                actual=sample.text[:40],
            )


@hookimpl
def auditor_register_rules():
    return [
        doubled_punctuation,
        missing_final_punctuation,
        unbalanced,
        template_residue,
        kind_wording,
        blank_pages,
    ]

"""部门决算 editorial checks: template placeholders and instructions left in, the 目录 against the body,
and the department's name printed otherwise than on the cover.

- FA012: placeholders (``XX局``, ``XXX万元``, ``××``, ``【…】``) and the template's instructions or
  alternatives (``（不涉及的不列）``, ``增加（减少）``, ``下降（增长）``, ``大于（小于）`` …) left in the text.
  An unfilled template (the cover's department is itself a placeholder) is one finding.
- FA013: the 目录 entries (parts, tables, 说明 sections) are in the body in the 目录's order, and the
  目录 lists every part, table and 说明 section the body has (what the body lacks is FA001 / FA002's).
- FA014: the department's name, where the prose prints it, is the cover's (``规划与自然资源局`` for
  ``规划和自然资源局``).
- FA016: the titles of 第二部分 and 第三部分 carry the cover's department name and the accounts year
  (``上海市规划和自然资源局2024年度部门决算表`` under a cover of 上海市普陀区规划和自然资源局).
- FA015: a paragraph of the 情况说明 ends with a full stop, not with ``；`` (the template's lists end
  ``……（不涉及的不列）。``; a list cut short keeps its semicolon).
"""

from __future__ import annotations

import re

from auditor import hookimpl, lazyre, rule
from auditor.model import FA_NINE_TABLES

TEMPLATE_TEXT = {
    "regulation": "部门决算公开模板（上海区级，附件2）：公开前删除模板的占位符与填写说明",
    "article": "R4",
    "confidence": "H",
}

_PLACEHOLDER = lazyre.compile(r"X{2,}|×{2,}|Ｘ{2,}|【\s*】|【[^】]{0,12}(?:填|写|X|×)[^】]{0,12}】")  # not a 【…】 note
_RESIDUE = lazyre.compile(
    r"[（(]不涉及的不列[)）]|[（(]如持平作持平表述[)）]|仍保留该表格式|按上述格式依次说明"
    r"|(?:增加|减少|增长|下降|大于|小于)[（(](?:增加|减少|增长|下降|大于|小于)[)）]"
    r"|(?<=[，,])支出收入(?=\d)"  # the template's 说明八 “收入XXX万元，支出收入XXX万元”
)


def _lines(budget):
    doc = getattr(budget, "document", None)
    return [] if doc is None else doc.lines


def _is_template(budget) -> bool:
    return bool(_PLACEHOLDER.search(str(budget.meta.department or "")))


@rule(
    "FA012",
    name="fa-template-text-left-in",
    title="模板的占位符（XX局、XXX、××、【】）与填写说明（不涉及的不列、增加（减少）等）未删除",
    severity="warning",
    tags=["editorial"],
    reference=TEMPLATE_TEXT,
    kinds="final",
    cases=[
        {"name": "filled in", "fires": 0, "budget": {"meta": {"department": "上海市普陀区财政局"},
                                                     "text": "本年收入合计2946.25万元，下降1.87%。"}},
        {"name": "an alternative left in", "fires": 1, "budget": {"meta": {"department": "上海市普陀区财政局"},
                                                                 "text": "减少0.15万元，下降（增长）27.78%。"}},
        {"name": "the template's 支出收入", "fires": 1, "budget": {"meta": {"department": "上海市普陀区财政局"},
                                                              "text": "政府性基金预算财政拨款收入58.00万元，支出收入58.00万元。"}},
        {"name": "a placeholder", "fires": 1, "budget": {"meta": {"department": "上海市普陀区财政局"},
                                                        "text": "本年收入合计XXX万元。"}},
        {"name": "the unfilled template is one finding", "fires": 1, "budget": {"meta": {"department": "上海市XX局"},
                                                                              "text": "XX局\n本年收入合计XXX万元。\n（不涉及的不列）"}},
    ],
)  # fmt: skip
def fa_template_text(budget, ctx):
    lines = _lines(budget)
    if _is_template(budget):
        first = next((ln for ln in lines if _PLACEHOLDER.search(ln.text)), None)
        yield ctx.finding(f"文件是未填写的模板（部门名称为“{budget.meta.department}”）", severity="info",
                          line=first.line if first else None, page=first.page if first else None)  # fmt: skip
        return
    for ln in lines:
        text = ln.text.replace(" ", "")
        for pat, what in ((_PLACEHOLDER, "占位符"), (_RESIDUE, "模板填写说明或备选词")):
            m = pat.search(text)
            if m:
                yield ctx.finding(f"{what}未删除：“{m.group(0)}”（{text[max(0, m.start() - 12) : m.end() + 12]}）",
                                  line=ln.line, page=ln.page, actual=m.group(0))  # fmt: skip


_CN = {c: i + 1 for i, c in enumerate("一二三四五六七八九十")}
_PART = lazyre.compile(r"^第([一二三四])部分")
_ENTRY = lazyre.compile(r"^([一二三四五六七八九十]{1,3})、")


def _number(text: str) -> int | None:
    if text in _CN:
        return _CN[text]
    if text.startswith("十") and len(text) == 2 and text[1] in _CN:
        return 10 + _CN[text[1]]
    return None


def toc_keys(budget) -> list[tuple[str, dict]]:
    """(body key, 目录 entry) of the 目录 entries: parts, 概况 sections, tables, 说明 sections."""
    out = []
    part = 0
    for entry in budget.meta.toc:
        title = re.sub(r"[\s“”\"]", "", str(entry.get("title") or ""))
        m = _PART.match(title)
        if m:
            part = _CN[m.group(1)]
            out.append((f"fa_part{part}", entry))
            continue
        e = _ENTRY.match(title)
        n = _number(e.group(1)) if e else None
        if n is None:
            continue
        if part == 1:
            key = (
                "fa_functions"
                if "主要职能" in title
                else "fa_units"
                if ("单位构成" in title or "机构设置" in title)
                else None
            )
        elif part == 2:
            ends = [k for k, t in FA_NINE_TABLES.items() if title.endswith(re.sub(r"[“”]", "", t))]
            key = max(ends, key=lambda k: len(FA_NINE_TABLES[k])) if ends else None  # the longest title
        elif part == 3 and 1 <= n <= 11:
            key = f"fa_n{n}"
        else:
            key = None
        if key:
            out.append((key, entry))
    return out


def _body(budget, key: str):
    if key in FA_NINE_TABLES:
        ti = budget.meta.tables.get(key)
        return None if ti is None else (ti.page or 0, ti.line or 0)
    s = budget.meta.sections.get(key)
    return None if s is None else (s.page or 0, s.line or 0)


@rule(
    "FA013",
    name="fa-toc-matches-body",
    title="目录与正文一致：目录所列部分、表格和说明在正文中次序相同，正文各部分均列入目录",
    severity="warning",
    tags=["disclosure", "editorial"],
    reference=TEMPLATE_TEXT | {"regulation": "部门决算公开模板（上海区级，附件2）：目录"},
    kinds="final",
    cases=[
        {"name": "matches", "fires": 0, "budget": {"meta": {
            "toc": [{"title": "第三部分 情况说明"}, {"title": "一、收入支出决算总体情况说明"}, {"title": "二、收入决算情况说明"}],
            "sections": {"fa_part3": {"line": 1, "page": 9}, "fa_n1": {"line": 2, "page": 9}, "fa_n2": {"line": 8, "page": 9}}}}},
        {"name": "out of order, and a section the 目录 does not list", "fires": 2, "budget": {"meta": {
            "toc": [{"title": "第三部分 情况说明"}, {"title": "一、收入支出决算总体情况说明"}, {"title": "二、收入决算情况说明"}],
            "sections": {"fa_part3": {"line": 1, "page": 9}, "fa_n1": {"line": 9, "page": 9}, "fa_n2": {"line": 2, "page": 9},
                         "fa_n3": {"line": 20, "page": 9}}}}},
    ],
)  # fmt: skip
def fa_toc_matches_body(budget, ctx):
    entries = toc_keys(budget)
    if len(entries) < 3:
        return  # no 目录 read
    listed = {k for k, _ in entries}
    last, last_title = None, None
    for key, entry in entries:
        at = _body(budget, key)
        where = {"line": entry.get("line"), "page": entry.get("page"), "row": key}
        if at is None:
            continue  # a required part or section the body lacks is FA001's or FA002's
        if last is not None and at < last:
            yield ctx.finding(f"“{entry['title']}”在正文中位于“{last_title}”之前，与目录次序不同",
                              actual=entry["title"], **where)  # fmt: skip
        last, last_title = at, entry["title"]
    placed = sorted(
        ((pos, entry) for key, entry in entries if (pos := _body(budget, key)) is not None), key=lambda p: p[0]
    )
    for key in [*(f"fa_part{i}" for i in range(1, 5)), *FA_NINE_TABLES, *(f"fa_n{i}" for i in range(1, 12))]:
        at = _body(budget, key)
        if at is not None and key not in listed and any(_family(k) == _family(key) for k in listed):
            title = FA_NINE_TABLES.get(key) or budget.meta.sections[key].title
            # reported in the 目录, at the entry it should follow (the body's place is in the message)
            before = [entry for pos, entry in placed if pos < at] or [entries[0][1]]
            yield ctx.finding(
                f"正文有“{title}”（第 {at[0]} 页），目录未列出", expected=title, row=key,
                line=before[-1].get("line"), page=before[-1].get("page"),
            )  # fmt: skip


def _family(key: str) -> str:
    """What kind of 目录 entry a body key is: a part, one of the nine tables, or a 说明 section."""
    return "table" if key in FA_NINE_TABLES else key.rstrip("0123456789")


def _distance(a: str, b: str) -> int:
    """Edit distance of two short strings (names of a department)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


@rule(
    "FA014",
    name="fa-department-name-as-on-cover",
    title="正文中的部门名称与封面一致",
    severity="warning",
    tags=["editorial"],
    reference=TEMPLATE_TEXT | {"regulation": "部门决算公开模板（上海区级，附件2）：各部分标题与说明使用部门全称"},
    kinds="final",
    cases=[
        {"name": "as on the cover", "fires": 0, "budget": {"meta": {"department": "上海市普陀区规划和自然资源局"},
                                                          "text": "上海市普陀区规划和自然资源局2024年度无政府性基金预算财政拨款收入和支出。"}},
        {"name": "one character off", "fires": 1, "budget": {"meta": {"department": "上海市普陀区规划和自然资源局"},
                                                            "text": "上海市普陀区规划与自然资源局2024年度无政府性基金预算财政拨款收入和支出。"}},
    ],
)  # fmt: skip
def fa_department_name(budget, ctx):
    name = re.sub(r"\s", "", str(budget.meta.department or ""))
    if len(name) < 6 or _is_template(budget):
        return
    head, tail = name[:4], name[-1]
    near = re.compile(rf"{re.escape(head)}[\u4e00-\u9fa5]{{{len(name) - 6},{len(name) - 3}}}{re.escape(tail)}")
    seen: set[str] = set()
    for ln in _lines(budget):
        text = re.sub(r"\s", "", ln.text)
        for m in near.finditer(text):
            other = m.group(0)
            if other != name and other not in seen and 0 < _distance(other, name) <= 2 and not name.startswith(other):
                seen.add(other)
                yield ctx.finding(f"部门名称印作“{other}”，封面为“{name}”", expected=name, actual=other,
                                  line=ln.line, page=ln.page)  # fmt: skip


_HEADING = lazyre.compile(
    r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）]|\d{1,2}[、.．](?!\d)|第[一二三四]部分)"
)


_FIGURES_ONLY = lazyre.compile(r"^[\d.,%％\s-]+$")


@rule(
    "FA015",
    name="fa-paragraph-ends-with-semicolon",
    title="情况说明的段落以分号结尾（应以句号结束）",
    severity="warning",
    tags=["editorial"],
    reference=TEMPLATE_TEXT | {"regulation": "部门决算公开模板（上海区级，附件2）：情况说明的句式"},
    kinds="final",
    cases=[
        {"name": "full stop", "fires": 0, "budget": {"meta": {"sections": {"fa_part3": {"line": 1}}},
                                                    "text": "第三部分 情况说明\n二、收入决算情况说明\n其他收入6.2万元，占0.21%。\n三、支出决算情况说明"}},
        {"name": "semicolon", "fires": 1, "budget": {"meta": {"sections": {"fa_part3": {"line": 1}}},
                                                    "text": "第三部分 情况说明\n二、收入决算情况说明\n其他收入6.2万元，占0.21%；\n三、支出决算情况说明"}},
        {"name": "semicolon, its figures on the next line", "fires": 1, "budget": {"meta": {"sections": {"fa_part3": {"line": 1}}},
                                                    "text": "第三部分 情况说明\n二、收入决算情况说明\n其他收入 万元，占 ；\n6.2 0.21%\n三、支出决算情况说明"}},
        {"name": "semicolon, its last line set above the one before (pdftotext -layout)", "fires": 1, "budget": {"meta": {"sections": {"fa_part3": {"line": 1}}},
                                                    "text": "第三部分 情况说明\n三、支出决算情况说明\n603.14万元，占20.51%；\n本年支出合计2940.05万元，其中：基本支出2336.91万元，占79.49%；项目支出\n四、财政拨款收入支出决算总体情况说明"}},
        {"name": "a short item before the paragraph's last sentence", "fires": 0, "budget": {"meta": {"sections": {"fa_part3": {"line": 1}}},
                                                    "text": "第三部分 情况说明\n十、预算绩效管理情况\n1.编报绩效目标；\n2.绩效自评的项目4个，均为优，发现问题0个，完成整改的0个。\n十一、其他重要事项的情况说明"}},
    ],
)  # fmt: skip
def fa_paragraph_ends_with_semicolon(budget, ctx):
    start, end = budget.meta.sections.get("fa_part3"), budget.meta.sections.get("fa_part4")
    if start is None:
        return
    lines = _lines(budget)
    begin = next((i for i, ln in enumerate(lines) if (ln.page, ln.line) == (start.page, start.line)), None)
    if begin is None:
        return
    stop = len(lines)
    if end is not None:  # the 第四部分 heading ends 十一's last paragraph
        stop = next((i + 1 for i, ln in enumerate(lines) if (ln.page, ln.line) == (end.page, end.line)), stop)
    # a line of figures only is the sentence's figures an extractor set apart (off the baseline), not a
    # paragraph: the line before the next heading is the paragraph's last
    body = [ln for ln in lines[begin:stop] if ln.text.strip() and not _FIGURES_ONLY.match(ln.text.strip())]
    for i, (ln, nxt) in enumerate(zip(body, body[1:])):
        if not _HEADING.match(nxt.text.strip()):
            continue
        last = _displaced_tail(body[i - 1], ln) if i else None
        last = last or ln  # pdftotext -layout may set a paragraph's short last line above the one before it
        text = last.text.strip()
        if text.endswith(("；", ";")) and not _HEADING.match(text):
            yield ctx.finding(f"段落以分号结尾：“…{text[-16:]}”", expected="…。", actual=text[-16:],
                              line=last.line, page=last.page)  # fmt: skip


def _displaced_tail(before, line):
    """`before` when it is the paragraph's last line set above `line`: `line` runs on mid-sentence
    (no closing punctuation) and `before` is a short tail ending a clause; else None."""
    full, tail = line.text.strip(), before.text.strip()
    if full.endswith(("。", "；", ";", "：", ":", "！", "？", "）", ")")) or _HEADING.match(tail):
        return None
    return before if tail.endswith(("；", ";", "。")) and len(tail) * 5 <= len(full) * 3 else None


#: the part titles the template prints with the department and year: key -> what follows them
#: (单位决算 in a unit's final accounts)
_TITLED_PARTS = {"fa_part2": lazyre.compile("(?:部门|单位)决算表"), "fa_part3": lazyre.compile("(?:部门|单位)决算")}


def _title_text(budget, key: str) -> tuple[str, object] | None:
    """(the part's title with up to two following lines, spaces removed, up to its 部门决算…; the title line)."""
    s = budget.meta.sections.get(key)
    lines = _lines(budget)
    at = next((i for i, ln in enumerate(lines) if (ln.page, ln.line) == (s.page, s.line)), None) if s else None
    if at is None:
        return None
    following = [ln.text for ln in lines[at + 1 : at + 6] if ln.text.strip()][:2]
    text = re.sub(r"\s", "", " ".join([lines[at].text, *following]))
    found = _TITLED_PARTS[key].search(text)
    if found is None:
        return None  # the title is not read whole: nothing to judge
    return text[: found.start()], lines[at]


@rule(
    "FA016",
    name="fa-part-titles-name-department-and-year",
    title="第二、第三部分标题使用封面上的部门全称和决算年度",
    severity="warning",
    tags=["editorial", "disclosure"],
    reference=TEMPLATE_TEXT | {"regulation": "部门决算公开模板（上海区级，附件2）：第二部分 <部门><Y>年度部门决算表、第三部分 <部门><Y>年度部门决算情况说明"},
    kinds="final",
    description=(
        "The title is read with the lines after it (an extractor may set the year or the end of the name "
        "on a line of its own). A name one or two characters off the cover's is FA014's."
    ),
    cases=[
        {"name": "as on the cover", "fires": 0, "budget": {
            "meta": {"department": "上海市普陀区财政局", "year": 2024,
                     "sections": {"fa_part2": {"line": 1}, "fa_part3": {"line": 3}}},
            "text": "第二部分 上海市普陀区财政局2024年度部门决算表\n收入支出决算总表\n第三部分上海市普陀区财政局\n2024年度部门决算情况说明"}},
        {"name": "the district and the year dropped", "fires": 2, "budget": {
            "meta": {"department": "上海市普陀区规划和自然资源局", "year": 2024,
                     "sections": {"fa_part2": {"line": 1}, "fa_part3": {"line": 3}}},
            "text": "上海市规划和自然资源局 2024年度部门决算表\n收入支出决算总表\n第三部分 上海市普陀区规划和自然资源局 2023年度部门决算\n情况说明"}},
    ],
)  # fmt: skip
def fa_part_titles(budget, ctx):
    name = re.sub(r"\s", "", str(budget.meta.department or ""))
    if _is_template(budget):
        return
    for key in _TITLED_PARTS:
        got = _title_text(budget, key)
        if got is None:
            continue
        head, ln = got
        where = {"line": ln.line, "page": ln.page, "row": key}
        if len(name) >= 4 and name not in head:
            near = re.search(
                rf"{re.escape(name[:4])}[\u4e00-\u9fa5]{{{max(0, len(name) - 6)},{len(name) - 3}}}{re.escape(name[-1])}",
                head,
            )
            if not (near and 0 < _distance(near.group(0), name) <= 2):  # a name a character or two off: FA014
                yield ctx.finding(f"标题“{ln.text.strip()}”未使用封面上的部门全称“{name}”", expected=name,
                                  actual=ln.text.strip(), **where)  # fmt: skip
        years = re.findall(r"(?<!\d)(\d{4})(?=年)", head)
        if budget.meta.year and years and str(budget.meta.year) not in years:
            yield ctx.finding(f"标题“{ln.text.strip()}”的年度为 {years[0]} 年，决算年度为 {budget.meta.year} 年",
                              expected=str(budget.meta.year), actual=years[0], **where)  # fmt: skip


@hookimpl
def auditor_register_rules():
    return [fa_template_text, fa_toc_matches_body, fa_department_name, fa_paragraph_ends_with_semicolon, fa_part_titles]

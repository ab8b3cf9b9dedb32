"""The numbered 科目 items of the 编制说明 (and of a 决算's 说明) speak of themselves.

Each item names a 科目 (“社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位职业年金缴费支出（项）”),
says what it is for (主要用于…) and, for a change, why (主要原因是…). An item copied from the one above
and not fully edited explains one 科目 with another's words: NR008.
"""

from __future__ import annotations

from auditor import hookimpl, lazyre, numbering, rule
from auditor.rulekit import records
from auditor.text import normalise, snippet

REFERENCE = {
    "regulation": "财预〔2016〕143号（说明预算收支增减变化情况及原因）；各科目的用途与原因说明该科目本身",
    "article": "DISCLOSURE-004",
    "confidence": "M",
    "sources": ["S2", "S5"],
}

_PATH = lazyre.compile(r'^\s*["\'「]?\s*([^"()]{1,40}?)\s*\(类\)\s*([^"()]{1,40}?)\s*\(款\)\s*([^"()]{1,60}?)\s*\(项\)')
_ONLY = lazyre.compile(r'^\s*["\'「]\s*([^"()]{2,60}?)\s*["\'」]\s*(?:科目)?')
#: What an item says of itself: what it is for, and why it changed.
_SAYS = lazyre.compile(r"(主要用于|用于|主要原因(?:是|为)?)\s*[:]?\s*([^。;]*)")
#: The other 科目 is named as a 科目: followed by 经费/支出/项目, preceded by its 款 name, or all the clause.
_AS_SUBJECT = lazyre.compile(r"(?=\s*(?:经费|支出|费用|项目|资金|等|增加|减少|保持|持平|不变|$))")
MIN_NAME = 4  # shorter 科目 names (“其他”, “体育”) are words, not names


def _subject(text: str) -> tuple[str | None, str | None, str] | None:
    """(类, 款, 项) names an item opens with; a bare quoted name is its 项 (类 and 款 unknown)."""
    norm = normalise(text)
    n = numbering.parse(norm)
    if n is None:
        return None
    rest = norm[n.end :]
    m = _PATH.match(rest)
    if m:
        return m.group(1).strip(), m.group(2).strip(), m.group(3).strip()
    m = _ONLY.match(rest)
    if m:
        return None, None, m.group(1).strip()
    return None


def _names(budget, items) -> tuple[dict[str, set[str]], set[str]]:
    """Known 项 names (-> the 款 names they stand under) and 款 names: the items' paths and the coded tables."""
    xiang: dict[str, set[str]] = {}
    kuan: set[str] = set()
    for _p, (_lei, k, x) in items:
        xiang.setdefault(x, set())
        if k:
            xiang[x].add(k)
            kuan.add(k)
    for key in budget.frames:
        rows = records(budget, key)  # the per-audit records, not a copy of every frame and its Series
        if not rows or "code" not in rows[0] or "name" not in rows[0]:
            continue
        names = {
            str(r["code"]).strip(): str(r["name"]).strip()
            for r in rows
            if isinstance(r["code"], str) and isinstance(r["name"], str)
        }
        for code, name in names.items():
            if len(code) == 7 and code.isdigit() and code.startswith("2"):
                xiang.setdefault(name, set()).add(names.get(code[:5], ""))
            elif len(code) == 5 and code.isdigit() and code.startswith("2"):  # a function 款 (not economic 3xxxx)
                kuan.add(name)
    xiang = {n: {k for k in ks if k} for n, ks in xiang.items() if len(n) >= MIN_NAME}
    return xiang, {k for k in kuan if len(k) >= MIN_NAME}


def _other(said: str, own: tuple[str | None, str | None, str], xiang, kuan, longest=None) -> str | None:
    """The other 科目 a purpose or reason names, or None (conservative: named as a 科目, and the item's
    own 项 not named, or named under another 款). `longest` is ``_longest_first(xiang, kuan)``, when
    the caller asks about many clauses."""
    lei, k, x = own
    xiang_order, kuan_order = longest or _longest_first(xiang, kuan)
    if x in said:
        for other_k in kuan_order:
            if other_k != k and other_k + x in said and (not k or other_k not in k) and other_k != lei:
                return other_k + x
        return None
    family = {n for n in (lei, k, x) if n}
    for name in xiang_order:
        if name in family or name in x or x in name or any(name in f for f in family):
            continue
        at = said.find(name)
        while at >= 0:  # each occurrence, not overlapping (as re.finditer of the name)
            end = at + len(name)
            before = said[:at]
            if _AS_SUBJECT.match(said, end) or any(before.endswith(kk) for kk in xiang[name] | kuan):
                return name
            at = said.find(name, end)
    return None


def _longest_first(xiang, kuan) -> tuple[list[str], list[str]]:
    """The 项 and 款 names, longest first (a longer name is tried before a name inside it)."""
    return sorted(xiang, key=len, reverse=True), sorted(kuan, key=len, reverse=True)


@rule(
    "NR008",
    name="item-explained-by-another-item",
    title="The purpose or reason given for a 科目 item speaks of another 科目",
    severity="warning",
    tags=["narrative", "editorial"],
    reference=REFERENCE,
    kinds="all",
    description=(
        "A numbered item of the 说明 names its 科目 and says what it is for (主要用于…) and why it changed "
        "(主要原因是…). When that text names another known 科目 (a 项 of the tables or of another item, as a "
        "科目: followed by 经费/支出 or under its 款) and not the item's own 项, or the own 项 under another "
        "款, it was copied from another item: a 职业年金缴费支出 item whose reason is 事业单位离退休经费增加. "
        "Short names (under four characters) and the item's own 类 and 款 never count."
    ),
    cases=[
        {
            "name": "reason about the item itself",
            "fires": 0,
            "budget": {
                "text": "2024年部门预算编制说明\n财政拨款支出主要内容如下：\n"
                "15. “社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位职业年金缴费支出（项）”230.28万元，"
                "主要用于机关事业单位职业年金缴费支出。主要原因是：机关事业单位职业年金缴费支出经费增加。\n"
                "13. “社会保障和就业支出（类）行政事业单位养老支出（款）事业单位离退休（项）”7.66万元，主要用于事业单位离退休。"
            },
        },
        {
            "name": "reason about another item",
            "fires": 1,
            "budget": {
                "text": "2024年部门预算编制说明\n财政拨款支出主要内容如下：\n"
                "13. “社会保障和就业支出（类）行政事业单位养老支出（款）事业单位离退休（项）”7.66万元，主要用于事业单位离退休。\n"
                "15. “社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位职业年金缴费支出（项）”230.28万元，"
                "主要用于机关事业单位职业年金缴费支出。主要原因是：事业单位离退休经费增加。"
            },
        },
        {
            "name": "the own 项 under another 款",
            "fires": 1,
            "budget": {
                "text": "2024年部门预算编制说明\n财政拨款支出主要内容如下：\n"
                "3. “一般公共服务支出（类）组织事务（款）一般行政管理事务（项）”88.87万元，主要用于组织事务一般行政管理事务。\n"
                "4. “一般公共服务支出（类）宣传事务（款）一般行政管理事务（项）”110.60万元，主要用于组织事务一般行政管理事务。"
            },
        },
        {
            "name": "a word that is also a name, not as a 科目",
            "fires": 0,
            "budget": {
                "text": "2024年部门预算编制说明\n财政拨款支出主要内容如下：\n"
                "1. “一般公共服务支出（类）商贸事务（款）行政运行（项）”938.99万元，主要用于机关行政运行和人员经费支出。\n"
                "2. “一般公共服务支出（类）商贸事务（款）一般行政管理事务（项）”454.50万元，主要用于保障机关行政运行的商贸事务。"
            },
        },
        {
            "name": "the item's own 款 named",
            "fires": 0,
            "budget": {
                "text": "2024年部门预算编制说明\n财政拨款支出主要内容如下：\n"
                "24. “城乡社区支出（类）城乡社区管理事务（款）行政运行（项）”1660.32万元，主要用于城乡社区管理事务行政运行。"
                "主要原因是：城乡社区管理事务经费减少。"
            },
        },
    ],
)
def item_explained_by_another(budget, ctx):
    items = []
    for p in budget.paragraphs():
        own = _subject(p.text)
        if own is not None:
            items.append((p, own))
    if not items:
        return
    xiang, kuan = _names(budget, items)
    longest = _longest_first(xiang, kuan)
    for p, own in items:
        norm = p.norm
        hits = []
        for m in _SAYS.finditer(norm):
            name = _other(m.group(2), own, xiang, kuan, longest)
            if name is not None:
                hits.append((m, name))
        if not hits:
            continue
        m, name = hits[0]
        what = "、".join(dict.fromkeys("原因" if "原因" in h.group(1) else "用途" for h, _ in hits))
        yield ctx.finding(
            f"“{own[2]}（项）”的{what}说的是另一科目“{name}”：“{m.group(2).strip()[:60]}”",
            expected=f"说明“{own[2]}”本身",
            actual=snippet(p.text, m.start(), m.end(), pad=4),
            **p.where(m.start()),
        )


@hookimpl
def auditor_register_rules():
    return [item_explained_by_another]

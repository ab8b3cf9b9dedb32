"""The 科目 a 说明 item names: its 类, 款 and 项 names found in the table it explains.

说明五（三）explains the 一般公共预算财政拨款支出决算表 项 by 项, 说明八 and 九 the two fund tables. An
item names its 科目 by name only (``1、一般公共服务支出（类）财政事务（款）行政运行（项）``); the loader
gives it the code of the 项 whose 类, 款 and 项 names are the item's, so rules can find its row. An item
whose names the table does not print keeps no code.
"""

from __future__ import annotations

from typing import Any

from ...model import frame_columns

#: the section of an item -> the table it explains
ITEM_TABLES = {"fa_n5": "fa_gpb_function", "fa_n8": "fa_gov_fund", "fa_n9": "fa_soe_capital"}


def item_name(text: Any) -> str:
    """A 科目 name as a 说明 prints it, compared with the table's (quotes and spaces removed)."""
    if text is None or text != text:  # None or NaN
        return ""
    return str(text).replace("“", "").replace("”", "").replace(" ", "").strip()


def named_code(item: dict, rows: list[dict]) -> str | None:
    """The code of the 项 row whose 类, 款 and 项 names are the item's (None when one is not the table's)."""
    coded = [r for r in rows if isinstance(r.get("code"), str)]

    def find(code_len: int, prefix: str, name: Any) -> str | None:
        want = item_name(name)
        for r in coded:
            if len(r["code"]) == code_len and r["code"].startswith(prefix) and item_name(r.get("name")) == want:
                return r["code"]
        return None

    cls = find(3, "", item.get("lei"))
    kuan = find(5, cls, item.get("kuan")) if cls else None
    return find(7, kuan, item.get("xiang")) if kuan else None


def resolve_codes(items: list[dict], frames: dict) -> list[dict]:
    """The items with ``code`` set where their names are the table's (new dicts; `items` is not changed)."""
    out = []
    tables: dict[str, list[dict]] = {}  # each table's rows, read once (not once per item)
    for item in items:
        key = ITEM_TABLES.get(item.get("section") or "fa_n5")
        rows = tables.get(key) if key else []
        if rows is None:
            rows = tables[key] = _code_rows(frames.get(key))
        out.append({**item, "code": named_code(item, rows) if rows else None})
    return out


def _code_rows(frame) -> list[dict]:
    """A table's rows as the ``code`` and ``name`` that ``named_code`` reads (blanks as None)."""
    if frame is None or frame.empty or "code" not in frame.columns:
        return []
    columns = frame_columns(frame)
    names = columns.get("name", [None] * len(frame))
    return [{"code": code, "name": name} for code, name in zip(columns["code"], names)]

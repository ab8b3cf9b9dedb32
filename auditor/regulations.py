"""The regulatory sources the rules cite, and how a rule's reference is put into words.

A rule declares ``reference = {regulation, article, confidence, sources}``. ``regulation`` is
already words (e.g. ``财预〔2016〕143号（没有数据的表格应当列出空表并说明）``); ``article`` names the
provision checked by a short id of the check catalogue (``CONSIST-007``, ``DISCLOSURE-010``), and
``sources`` by short source ids (``S5``). This module is the one mapping from those ids to words,
so that a finding reads ``… — 功能分类表层级：类 = Σ款，款 = Σ项（依据：表格结构、上海区级公开模板；
可信度：高）`` instead of internal ids, without editing each rule. docs/regulations.md lists the same
sources with their full titles, issuers, document numbers and addresses (a test keeps the two in step).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from . import lazyre


@dataclass(frozen=True)
class Regulation:
    """One source a rule may rest on."""

    id: str
    short: str  # how a finding names it
    title: str
    issuer: str
    number: str = ""  # document number, or the edition
    url: str = ""  # where the text is public (empty when no official copy is known)


#: The sources, by short id (the rows of docs/regulations.md).
REGULATIONS: dict[str, Regulation] = {
    r.id: r
    for r in [
        Regulation("BUDGET-LAW", "预算法", "中华人民共和国预算法", "全国人民代表大会常务委员会", "2014年修正，2018年修正", "https://www.npc.gov.cn/"),
        Regulation("CY2016-143", "财预〔2016〕143号", "地方预决算公开操作规程", "财政部", "财预〔2016〕143号", ""),
        Regulation("CK2020-46", "财库〔2020〕46号", "政府采购促进中小企业发展管理办法", "财政部、工业和信息化部", "财库〔2020〕46号", "http://www.gov.cn/gongbao/content/2021/content_5591418.htm"),
        Regulation("CK2022-19", "财库〔2022〕19号", "关于进一步加大政府采购支持中小企业力度的通知", "财政部", "财库〔2022〕19号", ""),
        Regulation("CY2021-101", "财预〔2021〕101号", "中央部门项目支出核心绩效目标和指标设置及取值指引（试行）", "财政部", "财预〔2021〕101号", ""),
        Regulation("CY2020-10", "财预〔2020〕10号", "项目支出绩效评价管理办法", "财政部", "财预〔2020〕10号", ""),
        Regulation("AUSTERITY", "厉行节约条例", "党政机关厉行节约反对浪费条例", "中共中央、国务院", "2013年", ""),
        Regulation("GOV-REPORT", "政府工作报告", "政府工作报告（2014年“约法三章”；2017年）", "国务院", "2014年、2017年", "https://www.gov.cn/"),
        Regulation("GFS-CODES", "政府收支分类科目", "政府收支分类科目", "财政部", "按年度发布", ""),
        Regulation("MOF-CHECK", "财政部专项检查", "地方预决算公开专项检查及公开度评价", "财政部", "2016年起", ""),
        Regulation("SH-TEMPLATE", "上海区级公开模板", "上海市区级部门预算公开模板（九张表及说明各部分，以已公开的区级部门预算为准）", "上海市各区财政局", "2025年、2026年", ""),
        Regulation("TABLE", "表格结构", "预算表的表内与表间勾稽关系（表格设计本身，非法规条文）", "—", "", ""),
        Regulation("TRANSPARENCY", "财政透明度评估", "中国市级政府财政透明度研究报告；中国财政透明度报告", "清华大学；上海财经大学", "", ""),
        Regulation("QUALITY", "编校质量", "公开文本的编校质量（无法律依据的质量规则）", "—", "", ""),
    ]
}  # fmt: skip

#: Source ids of the rules' ``sources`` -> the regulation each stands for.
SOURCES: dict[str, str] = {
    "S1": "CY2016-143",
    "S2": "CY2016-143",  # a local disclosure catalogue restating 143号
    "S3": "CY2016-143",
    "S4": "CY2016-143",
    "S5": "SH-TEMPLATE",  # published Shanghai district budgets
    "S6": "SH-TEMPLATE",
    "S7": "SH-TEMPLATE",
    "S8": "MOF-CHECK",
    "S9": "MOF-CHECK",
    "S10": "CK2020-46",
    "S11": "CK2022-19",
    "S12": "GOV-REPORT",
    "S13": "GOV-REPORT",
    "S14": "CY2021-101",
    "S15": "CY2020-10",
    "S16": "CY2020-10",
    "S17": "SH-TEMPLATE",  # a published 名词解释
    "S18": "TRANSPARENCY",
    "S19": "TRANSPARENCY",
}

#: The provision each check-catalogue id stands for, in words.
PROVISIONS: dict[str, str] = {
    "CONSIST-001": "财务收支预算总表：收入总计 = 支出总计",
    "CONSIST-002": "财政拨款收入 = 一般公共预算 + 政府性基金 + 国有资本经营预算",
    "CONSIST-003": "收入预算总表：合计 = 财政拨款 + 事业收入 + 事业单位经营收入 + 其他收入",
    "CONSIST-004": "支出预算总表：合计 = 基本支出 + 项目支出",
    "CONSIST-005": "财政拨款收支预算总表：收入总计 = 支出总计，支出 = 各资金来源之和",
    "CONSIST-006": "各功能分类表合计 = 财政拨款收支预算总表对应资金栏",
    "CONSIST-007": "功能分类表层级：类 = Σ款，款 = Σ项",
    "CONSIST-008": "基本支出经济分类表：合计 = 人员经费 + 公用经费 = 基本支出合计",
    "CONSIST-009": "经济分类层级：类 = Σ款",
    "CONSIST-010": "说明中的金额与预算表一致（按万元两位小数舍入）",
    "DISCLOSURE-001": "九张预算表齐全",
    "DISCLOSURE-002": "说明部门职责与机构设置",
    "DISCLOSURE-003": "名词解释",
    "DISCLOSURE-004": "预算编制说明：收支总额、增减变化及原因",
    "DISCLOSURE-005": "其他相关情况说明（“三公”、机关运行经费、政府采购、绩效目标、国有资产）",
    "DISCLOSURE-006": "项目经费情况说明及项目绩效目标申报表",
    "DISCLOSURE-007": "国有资产占有使用情况（车辆分类、单价100万元以上设备）",
    "DISCLOSURE-008": "公开文本不留模板说明文字和占位符",
    "DISCLOSURE-010": "没有数据的表格列出空表并说明",
    "DISCLOSURE-011": "功能分类公开到项级，基本支出经济分类公开到款级",
    "SANGONG-001": "“三公”经费分项公开，公务用车购置费与运行费分列",
    "SANGONG-002": "说明“三公”经费增减变化及原因",
    "SANGONG-003": "“三公”经费只减不增",
    "SANGONG-004": "“三公”经费与基本支出经济分类（30212、30217、30231、31013）对应",
    "SANGONG-005": "“三公”经费的定义",
    "JGYX-001": "说明机关运行经费安排",
    "JGYX-002": "机关运行经费不超过公用经费",
    "PROC-001": "政府采购预算总额及货物、工程、服务分项",
    "PROC-002": "面向中小企业预留份额单独列示",
    "PROC-003": "预留份额比例（30%以上，其中小微企业不低于60%）",
    "PERF-001": "绩效目标设置情况（单位数、项目数、金额）",
    "PERF-002": "绩效指标体系（一级、二级指标）",
    "PERF-003": "绩效指标量化",
    "PERF-004": "满意度指标取值（无法定下限）",
    "CODE-001": "功能分类科目编码（类3位、款5位、项7位）",
    "CODE-002": "公共安全支出科目",
    "CODE-003": "部门预算支出经济分类科目",
    "CODE-004": "科目名称与当年科目表一致",
    "TIME-001": "批复后20日内公开",
    "SANGONG-CAP": "部门“三公”经费控制数",
    "QUALITY": "编校质量",
}

#: How sure a reference is that its basis says what the rule checks (docs/regulations.md).
CONFIDENCE: dict[str, str] = {
    "H": "高：政府文件或已公开的上海部门预算中可见原文",
    "M": "中：多个二手来源一致，未见原文",
    "L": "低：推断所得，未经证实",
    "U": "未证实：仅供参考",
}
_CONFIDENCE_ALIASES = {"high": "H", "medium": "M", "low": "L", "unconfirmed": "U", "h": "H", "m": "M", "l": "L"}
_ID = lazyre.compile(r"([A-Z]+)-(\d+(?:/\d+)*)")


def confidence_label(value: Any) -> str | None:
    """The word for a confidence code (``H`` -> ``高``), None when there is none."""
    if not value:
        return None
    code = _CONFIDENCE_ALIASES.get(str(value).strip(), str(value).strip().upper()[:1])
    text = CONFIDENCE.get(code)
    return text.split("：")[0] if text else str(value)


def article_words(article: Any) -> str | None:
    """``CONSIST-001/002; DISCLOSURE-004 (wording)`` in words; unknown ids are kept as written."""
    if not article:
        return None
    parts: list[str] = []
    for token in re.split(r"[;；]", str(article)):
        token = token.strip()
        if not token:
            continue
        m = _ID.match(token)
        if m is None:
            words = PROVISIONS.get(token.upper())
            parts.append(words or token)
            continue
        prefix, numbers = m.group(1), m.group(2).split("/")
        for n in numbers:
            key = f"{prefix}-{n}"
            parts.append(PROVISIONS.get(key, key))
    return "；".join(dict.fromkeys(parts)) or None


def source_names(sources: Any) -> list[str]:
    """The short names of a rule's sources, each once, in order."""
    items = sources if isinstance(sources, (list, tuple)) else [sources] if sources else []
    out: list[str] = []
    for s in items:
        reg = REGULATIONS.get(SOURCES.get(str(s), str(s)))
        name = reg.short if reg else str(s)
        if name not in out:
            out.append(name)
    return out


def describe(reference: Any) -> str | None:
    """A rule's reference on one line, in words: regulation — provision（依据：…；可信度：…）."""
    if not reference:
        return None
    if isinstance(reference, str):
        return reference
    text = str(reference.get("regulation") or "").strip()
    words = article_words(reference.get("article"))
    if words and words not in text:
        text = f"{text} — {words}" if text else words
    extra = []
    names = source_names(reference.get("sources"))
    if names:
        extra.append("依据：" + "、".join(names))
    conf = confidence_label(reference.get("confidence"))
    if conf:
        extra.append(f"可信度：{conf}")
    if extra:
        text = f"{text}（{'；'.join(extra)}）" if text else "；".join(extra)
    return text or None

"""The 检查表 workbook (``--format checklist``): what a district reviewer hands in.

One sheet per document: the title (“2026年度普陀区部门预算公开情况检查表”, year and district from
the document), the department and the URL of its disclosure, then one row per part of the
document's kind (see :mod:`auditor.report.parts`) with 符合要求 (是/否), 问题截图 (a crop of the PDF
page per problem, the spot outlined) and the problems numbered in one cell
(“1.第6页：……。\\n2.……”). A part is 否 when a finding at or above ``options.checklist_severity``
(default warning) concerns it; a part the audit could not judge says 未能检查：… and never 是.
``options.checklist_template`` fills a bureau's own workbook instead: its rows are found by their
labels, its columns by their headers.
"""

from __future__ import annotations

import io
import re
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import AuditorError
from ..findings import SEVERITY_RANK, Finding, Report
from ..i18n import gettext_for
from .base import ReportOptions, as_list, sorted_findings
from .crops import Crop, PageRenderer, finding_crop, source_pdf
from .parts import TIMELINESS, Part, outline, part_of, parts_for
from .present import Presenter

YES, NO = "是", "否"
#: Displayed width of a screenshot in the sheet, in pixels.
SHOT_WIDTH = 420
#: Excel's tallest row, in points.
MAX_ROW_POINTS = 409


@dataclass
class Problem:
    finding: Finding
    text: str
    crop: Crop | None = None


@dataclass
class PartResult:
    """The verdict on one part: 是, 否 or 未能检查：reason, with its numbered problems."""

    part: Part
    verdict: str
    problems: list[Problem] = field(default_factory=list)
    reason: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.problems)


@dataclass
class Checklist:
    """One document's checklist, ready to be written into a sheet."""

    title: str
    department: str
    url: str
    kind: str
    path: str
    results: list[PartResult]
    unplaced: list[Problem] = field(default_factory=list)


def district(department: str | None) -> str:
    """The district a department belongs to (``上海市普陀区人民政府办公室`` -> ``普陀区``); '' when unknown."""
    name = re.sub(r"^(?:上海市|.{2,3}省)", "", department or "")
    m = re.search(r"^([\u4e00-\u9fff]{1,3}?(?:新区|区|县))", name)
    if m:
        return m.group(1)
    m = re.search(r"([\u4e00-\u9fff]{2})分局$", name)  # 上海市公安局闵行分局
    return f"{m.group(1)}区" if m else ""


def checklist_title(report: Report) -> str:
    doc = report.document or {}
    year = doc.get("year")
    kind = doc.get("kind") or "部门预算"
    head = f"{year}年度" if year else ""
    return f"{head}{district(doc.get('department'))}{kind}公开情况检查表"


def _counts(f: Finding, severity: str) -> bool:
    return SEVERITY_RANK.get(f.severity, 0) >= SEVERITY_RANK.get(severity, 2)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(("。", "！", "？")) else text + "。"


def problem_text(n: int, f: Finding, present: Presenter) -> str:
    """``1.第6页第18行（收入预算总表 · 212 · 合计）：message（应为…，实为…，差额…）。``"""
    _ = present._
    loc = f.location
    where = "".join(present.where(loc).split()) if present.lang == "zh" else present.where(loc)
    cell = present.cell(loc)
    head = where + (f"（{cell}）" if cell and where else cell)
    body = f.message.strip().rstrip("。")
    diff = present.difference(f)
    if diff is not None:
        body += _(
            "(expected %(expected)s, printed %(actual)s, difference %(difference)s)",
            expected=present.amount(f.expected, f),
            actual=present.amount(f.actual, f),
            difference=diff,
        )
    return f"{n}.{head}：{_sentence(body)}" if head else f"{n}.{_sentence(body)}"


def build(report: Report, options: ReportOptions | None = None, renderer: PageRenderer | None = None) -> Checklist:
    """The checklist of one report (crops rendered when a renderer for its PDF is given)."""
    options = options or ReportOptions()
    _ = gettext_for(options.lang)
    present = Presenter(report, options.lang)
    doc = report.document or {}
    parts = parts_for(doc.get("kind"))
    where = outline(report.budget, parts)
    severity = options.checklist_severity or "warning"
    counted: dict[str, list[Finding]] = {p.key: [] for p in parts}
    unreadable: dict[str, list[Finding]] = {p.key: [] for p in parts}
    unplaced: list[Finding] = []
    for f in sorted_findings(report.findings):
        if "internal" in f.tags:
            continue
        key = part_of(f, parts, where)
        if "extraction" in f.tags:  # the table could not be read: not a defect, but not a pass either
            if key is not None:
                unreadable[key].append(f)
            continue
        if not _counts(f, severity):
            continue
        if key is None:
            unplaced.append(f)
        else:
            counted[key].append(f)
    # rules that read the content ran? (the schema check alone judges no part)
    content_rules = [r for r in report.rules or [] if getattr(r, "code", None) != "SCH001"]
    no_rules = None
    if report.rules and not content_rules:
        no_rules = _("no rule for this kind of document (%(kind)s) ran", kind=doc.get("kind") or "?")
    results = []
    for p in parts:
        found = counted[p.key]
        if report.error:
            results.append(PartResult(p, _("not checked: %(reason)s", reason=report.error), reason=report.error))
            continue
        if found:
            problems = [
                Problem(f, problem_text(i, f, present), finding_crop(renderer, f, report.budget))
                for i, f in enumerate(found, 1)
            ]
            results.append(PartResult(p, NO, problems))
            continue
        reason = None
        if no_rules and p.key != TIMELINESS:
            reason = no_rules
        elif p.key == TIMELINESS:
            reason = _("the publication date is not in the document; check it against the deadline")
        elif unreadable[p.key]:
            reason = _("the table could not be read reliably (%(rule)s)", rule=unreadable[p.key][0].rule)
        elif report.budget is not None and p.key not in where.found and (p.sections or p.tables):
            reason = _("this part was not found in the document")
        if reason:
            results.append(PartResult(p, _("not checked: %(reason)s", reason=reason), reason=reason))
        else:
            results.append(PartResult(p, YES))
    return Checklist(
        title=checklist_title(report),
        department=str(doc.get("department") or ""),
        url=options.url or "",
        kind=str(doc.get("kind") or "部门预算"),
        path=str(doc.get("path") or ""),
        results=results,
        unplaced=[
            Problem(f, problem_text(i, f, present), finding_crop(renderer, f, report.budget))
            for i, f in enumerate(unplaced, 1)
        ],
    )


def build_all(reports: Any, options: ReportOptions) -> list[Checklist]:
    out = []
    for report in as_list(reports):
        pdf = source_pdf(report)
        if pdf is None:
            out.append(build(report, options))
            continue
        with PageRenderer(pdf) as renderer:
            out.append(build(report, options, renderer))
    return out


# ---------------------------------------------------------------------------------------------
# writing workbooks


def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="808080")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "title": Font(bold=True, size=16),
        "bold": Font(bold=True),
        "no": Font(bold=True, color="C00000"),
        "head": PatternFill("solid", fgColor="DDE3EA"),
    }


def _embed(ws, crops: list[Crop], col: int, row: int) -> float:
    """Stack the crops in one cell, scaled to SHOT_WIDTH; returns the height they need in points."""
    from openpyxl.drawing.image import Image
    from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, OneCellAnchor
    from openpyxl.drawing.xdr import XDRPositiveSize2D
    from openpyxl.utils.units import pixels_to_EMU

    if not crops:
        return 0.0
    sizes = [(SHOT_WIDTH, max(1, round(c.height * SHOT_WIDTH / c.width))) for c in crops]
    total = sum(h + 4 for _, h in sizes)
    limit = MAX_ROW_POINTS / 0.75
    shrink = min(1.0, limit / total) if total else 1.0
    y = 2
    for crop, (w, h) in zip(crops, sizes):
        w, h = max(1, round(w * shrink)), max(1, round(h * shrink))
        img = Image(io.BytesIO(crop.png))
        img.width, img.height = w, h
        marker = AnchorMarker(col=col - 1, colOff=pixels_to_EMU(4), row=row - 1, rowOff=pixels_to_EMU(y))
        img.anchor = OneCellAnchor(_from=marker, ext=XDRPositiveSize2D(pixels_to_EMU(w), pixels_to_EMU(h)))
        ws.add_image(img)
        y += h + 4
    return y * 0.75


def _verdict_cell(cell, verdict: str, st: dict) -> None:
    cell.value = verdict
    cell.alignment = st["center"]
    if verdict == NO:
        cell.font = st["no"]


def write_sheet(ws, checklist: Checklist, options: ReportOptions) -> None:
    """Fill a new sheet with the checklist in the standard layout."""
    from openpyxl.utils import get_column_letter

    _ = gettext_for(options.lang)
    st = _styles()
    headers = [_("No."), _("Item"), _("Part"), _("Meets requirements"), _("Screenshot of the problem"), _("Problems")]
    widths = [6, 12, 34, 18, SHOT_WIDTH / 7 + 2, 60]
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.cell(1, 1, checklist.title).font = st["title"]
    ws.cell(1, 1).alignment = st["center"]
    ws.row_dimensions[1].height = 30
    ws.cell(2, 1, _("Department")).font = st["bold"]
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=2)
    ws.merge_cells(start_row=2, start_column=3, end_row=2, end_column=len(headers))
    ws.cell(2, 3, checklist.department)
    ws.cell(3, 1, _("URL")).font = st["bold"]
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=2)
    ws.merge_cells(start_row=3, start_column=3, end_row=3, end_column=len(headers))
    ws.cell(3, 3, checklist.url or None)
    for c, text in enumerate(headers, 1):
        cell = ws.cell(4, c, text)
        cell.font, cell.fill, cell.alignment, cell.border = st["bold"], st["head"], st["center"], st["border"]
    row = 5
    first_content = None
    for n, res in enumerate(checklist.results, 1):
        group = res.part.group if res.part.group == "及时性" else _("Content")
        values = [n, group if options.lang == "zh" or group != "及时性" else _("Timeliness"), res.part.label]
        for c, v in enumerate(values, 1):
            cell = ws.cell(row, c, v)
            cell.alignment, cell.border = (st["center"] if c != 3 else st["wrap"]), st["border"]
        _verdict_cell(ws.cell(row, 4), res.verdict, st)
        ws.cell(row, 4).border = st["border"]
        ws.cell(row, 5).border = st["border"]
        text = ws.cell(row, 6, res.text or None)
        text.alignment, text.border = st["wrap"], st["border"]
        height = _embed(ws, [p.crop for p in res.problems if p.crop is not None], 5, row)
        lines = sum(len(t) // 30 + 1 for t in res.text.split("\n")) if res.text else 1
        lines = max(lines, len(res.verdict) // 8 + 1)
        ws.row_dimensions[row].height = min(MAX_ROW_POINTS, max(22.0, height, lines * 16.0))
        if res.part.group != "及时性" and first_content is None:
            first_content = row
        row += 1
    if first_content is not None and row - 1 > first_content:
        ws.merge_cells(start_row=first_content, start_column=2, end_row=row - 1, end_column=2)
    if checklist.unplaced:
        ws.cell(row + 1, 1, _("Other problems")).font = st["bold"]
        ws.cell(row + 1, 6, "\n".join(p.text for p in checklist.unplaced)).alignment = st["wrap"]
    ws.freeze_panes = "A5"
    ws.print_title_rows = "4:4"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _sheet_title(checklist: Checklist, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", checklist.department or Path(checklist.path).stem or "检查表")
    base = base.replace("上海市", "")[:24] or "检查表"
    if checklist.kind:
        base = f"{base[: 28 - len(checklist.kind)]}{checklist.kind}"[:28]
    name, n = base, 2
    while name in taken:
        name = f"{base[:26]}{n}"
        n += 1
    taken.add(name)
    return name


# -- a bureau's template ------------------------------------------------------------------


def _norm(text: Any) -> str:
    return re.sub(r"[\s《》“”\"'（）()：:、.0-9]", "", str(text or ""))


_HEADERS = {
    "verdict": ("符合要求", "是否符合"),
    "shot": ("问题截图", "截图"),
    "problems": ("存在问题", "问题描述", "问题说明", "问题"),
}


def fill_template(ws, checklist: Checklist, options: ReportOptions) -> None:
    """Fill a bureau's sheet: rows found by their part labels, columns by their headers."""
    st = _styles()
    cols: dict[str, int] = {}
    header_row = None
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 30)):
        for cell in row:
            text = _norm(cell.value)
            if not text:
                continue
            for key, words in _HEADERS.items():
                if key not in cols and any(text.startswith(_norm(w)) for w in words):
                    if key == "problems" and ("截图" in text or "符合" in text):
                        continue
                    cols[key] = cell.column
                    header_row = header_row or cell.row
    if "verdict" not in cols:
        raise AuditorError("the checklist template has no 符合要求 column", path=options.checklist_template)
    labels = {_norm(r.part.label): r for r in checklist.results}
    done = set()
    for row in ws.iter_rows(min_row=(header_row or 0) + 1, max_row=ws.max_row):
        for cell in row:
            if cell.column in cols.values():
                continue
            key = _norm(cell.value)
            res = labels.get(key) or next(
                (r for k, r in labels.items() if k and key and (key.endswith(k) or k.endswith(key)) and len(key) >= 2),
                None,
            )
            if res is None or res.part.key in done:
                continue
            done.add(res.part.key)
            target = ws.cell(cell.row, cols["verdict"])
            target.value = res.verdict
            if res.verdict == NO:
                target.font = copy(st["no"])
            if "problems" in cols and res.text:
                out = ws.cell(cell.row, cols["problems"], res.text)
                out.alignment = st["wrap"]
            if "shot" in cols:
                height = _embed(ws, [p.crop for p in res.problems if p.crop is not None], cols["shot"], cell.row)
                if height:
                    ws.row_dimensions[cell.row].height = min(MAX_ROW_POINTS, max(height, 22.0))
            break
    _fill_labelled(ws, ("部门名称", "单位名称", "被检查部门", "部门"), checklist.department)
    _fill_labelled(ws, ("公开网址", "网址", "链接", "URL"), checklist.url)
    for row in ws.iter_rows(min_row=1, max_row=3):
        for cell in row:
            if isinstance(cell.value, str) and "公开情况检查表" in cell.value:
                cell.value = checklist.title


def _fill_labelled(ws, labels: tuple[str, ...], value: str) -> None:
    """Write ``value`` into the cell right of the first label (or after the label's colon)."""
    if not value:
        return
    wanted = [_norm(x) for x in labels]
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 12)):
        for cell in row:
            if not isinstance(cell.value, str):
                continue
            text = _norm(cell.value)
            if text in wanted:
                right = ws.cell(cell.row, cell.column + 1)
                if type(right).__name__ == "MergedCell":
                    continue
                if not right.value:
                    right.value = value
                return
            if any(text.startswith(w) for w in wanted) and re.search(r"[：:]\s*$", cell.value):
                cell.value = cell.value.rstrip() + value
                return


def workbook(checklists: list[Checklist], options: ReportOptions):
    """An openpyxl Workbook with one sheet per checklist (from the template when one is given)."""
    from openpyxl import Workbook, load_workbook

    taken: set[str] = set()
    if options.checklist_template:
        path = Path(options.checklist_template)
        try:
            wb = load_workbook(path)
        except Exception as exc:  # noqa: BLE001 - a bad template is bad input, one line
            raise AuditorError(
                f"cannot read the checklist template ({type(exc).__name__}: {exc})", path=str(path)
            ) from None
        model = wb.worksheets[0]
        for i, cl in enumerate(checklists):
            ws = model if i == 0 else wb.copy_worksheet(model)
            ws.title = _sheet_title(cl, taken)
            fill_template(ws, cl, options)
        return wb
    wb = Workbook()
    wb.remove(wb.active)
    for cl in checklists:
        write_sheet(wb.create_sheet(_sheet_title(cl, taken)), cl, options)
    if not checklists:
        wb.create_sheet("检查表")
    return wb


def workbook_bytes(checklists: list[Checklist], options: ReportOptions) -> bytes:
    buf = io.BytesIO()
    workbook(checklists, options).save(buf)
    return buf.getvalue()


def render(reports: Any, options: ReportOptions | None = None) -> bytes:
    """``--format checklist``: the workbook's bytes (one sheet per document)."""
    options = options or ReportOptions()
    return workbook_bytes(build_all(reports, options), options)


def write_checklists(reports: Any, output: str, options: ReportOptions) -> list[Path]:
    """Write the checklist: one workbook with a sheet per document to ``FILE.xlsx``, or one
    workbook per document into ``DIR/`` (named after each document); returns the files written."""
    checklists = build_all(reports, options)
    out = Path(output)
    if output.endswith(("/", "\\")) or out.is_dir():
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for cl in checklists:
            target = out / f"{Path(cl.path).stem or 'checklist'}-检查表.xlsx"
            target.write_bytes(workbook_bytes([cl], options))
            written.append(target)
        return written
    out.write_bytes(workbook_bytes(checklists, options))
    return [out]

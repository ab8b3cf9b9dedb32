"""A row name OCR misread is corrected from the document's other tables, and only then."""

from __future__ import annotations

import pandas as pd
import pytest

from auditor.document import Document, Line
from auditor.parse.ocr_names import reconcile_names

WHOLE = "其他政府办公厅（室）及相关机构事务支出"
HEAD = "其他政府办公厅（室）及相关机构事"


def _frame(name: str, page: int, line: int) -> pd.DataFrame:
    return pd.DataFrame({"code": ["2010399"], "name": [name], "page": [page], "line": [line]})


def _document(tail: str, tail_conf: float, clean_conf: float = 0.999) -> Document:
    """Page 9 wraps the name (head, code row, tail alone on its line); pages 11 and 14 print it whole."""
    lines = [
        Line(HEAD, 12, 9, (HEAD,)),
        Line("201 03 99 20,120,000.00", 13, 9, ("201", "03", "99", "20,120,000.00")),
        Line(tail, 14, 9, (tail,)),
        Line(WHOLE, 12, 11, ("2010399", WHOLE)),
        Line(WHOLE, 12, 14, ("2010399", WHOLE)),
    ]
    confidence = {
        (9, 12): (0.9989,),
        (9, 13): (1.0, 1.0, 1.0, 0.9999),
        (9, 14): (tail_conf,),
        (11, 12): (1.0, clean_conf),
        (14, 12): (1.0, clean_conf),
    }
    return Document("scan.pdf", lines, "pdf", extraction="ocr", ocr={"engine": "rapidocr", "confidence": confidence})


def _frames(tail: str) -> dict[str, pd.DataFrame]:
    return {
        "income_summary": _frame(HEAD + tail, 9, 13),
        "expenditure_summary": _frame(WHOLE, 11, 12),
        "gpb_function": _frame(WHOLE, 14, 12),
    }


def test_a_doubtful_fragment_is_read_as_the_other_tables_read_the_name():
    frames, notes = _frames("冬古出"), []
    reconcile_names(_document("冬古出", 0.8677), frames, notes)
    assert frames["income_summary"].loc[0, "name"] == WHOLE
    assert notes == [
        "income_summary line 13 page 9: OCR read the name of 2010399 as "
        "'其他政府办公厅（室）及相关机构事冬古出' (confidence 0.87); the document's other tables "
        "that print 2010399 read '其他政府办公厅（室）及相关机构事务支出', used here"
    ]


@pytest.mark.parametrize(
    "tail, conf, clean_conf, why",
    [
        ("冬古出", 0.95, 0.999, "every fragment confident: a printed difference, not a misreading"),
        ("冬古出", 0.8677, 0.85, "the other readings are doubtful too"),
        ("冬古出冬古出冬", 0.8677, 0.999, "the doubtful fragment is far longer than what replaces it"),
    ],
)
def test_no_correction_without_the_evidence(tail, conf, clean_conf, why):
    frames, notes = _frames(tail), []
    reconcile_names(_document(tail, conf, clean_conf), frames, notes)
    assert frames["income_summary"].loc[0, "name"] == HEAD + tail, why
    assert notes == []


def test_no_correction_when_the_other_tables_disagree_among_themselves():
    frames, notes = _frames("冬古出"), []
    frames["gpb_function"] = _frame(HEAD + "务", 14, 12)
    doc = _document("冬古出", 0.8677)
    doc.lines[-1] = Line(HEAD + "务", 12, 14, ("2010399", HEAD + "务"))
    reconcile_names(doc, frames, notes)
    assert frames["income_summary"].loc[0, "name"] == HEAD + "冬古出"
    assert notes == []


def test_a_text_layer_is_never_corrected():
    frames, notes = _frames("冬古出"), []
    doc = _document("冬古出", 0.8677)
    doc.ocr, doc.extraction = None, "text-layer"
    reconcile_names(doc, frames, notes)
    assert frames["income_summary"].loc[0, "name"] == HEAD + "冬古出"
    assert notes == []

"""Cell values as rules, messages and findings see them: pandas' missing markers and numpy scalars
made plain. Every such conversion of the project lives here, under a name that says what it returns.

=================  ======================================================================
``is_missing(v)``  True for None, ``pd.NA``, ``NaT`` and NaN; never raises (text and containers are
                   never missing)
``plain(v)``       None when missing, a numpy scalar as the Python value, anything else unchanged
``int_or_none(v)`` an amount in fen, a line or page number as ``int``; None when missing
``fen_or_zero(v)`` an amount in fen as ``int``; 0 when missing (tables print a blank for zero)
``yuan(fen)``      an amount for a finding's expected/actual: 元 with two decimals (``"2082935.59"``)
``show(fen)``      an amount for a message: ``2,082,935.59`` or ``208.29万元``; ``空`` when missing
``shown(v, m)``    a value in a YAML rule's message: money (``m``) with separators, missing as ``—``
``shown_or_none``  the same for the message's special parts (``{actual}``…), missing as None
``field_value(v, m)`` a value for a YAML rule's expected/actual: money as ``yuan``, missing as None
=================  ======================================================================
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from .money import fen_to_display, fen_to_yuan_str

_NOT_SCALAR = (str, bytes, list, tuple, dict, set)


def is_missing(v: Any) -> bool:
    """True for None, pd.NA, NaT and float NaN (never raises; text and containers are not missing)."""
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, float):
        return math.isnan(v)
    if isinstance(v, (int, *_NOT_SCALAR)):
        return False
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def plain(v: Any) -> Any:
    """None when missing, numpy scalars unwrapped to Python values, anything else unchanged."""
    if is_missing(v):
        return None
    if hasattr(v, "item") and not isinstance(v, _NOT_SCALAR):
        try:
            return v.item()
        except (AttributeError, ValueError):
            return v
    return v


def int_or_none(v: Any) -> int | None:
    """An amount in fen (or a line, a page) as int; None when missing."""
    return None if is_missing(v) else int(v)


def fen_or_zero(v: Any) -> int:
    """An amount in fen as int; 0 when missing (a table prints a blank for zero)."""
    return 0 if is_missing(v) else int(v)


def yuan(fen: Any) -> str | None:
    """Money as a 元 string with two decimals, for Finding.expected/actual; None when missing."""
    return None if is_missing(fen) else fen_to_yuan_str(int(fen))


def show(fen: Any, unit: str = "元") -> str:
    """Money for messages (``2,082,935,857.58`` or ``208,293.59万元``); ``空`` when missing."""
    return "空" if is_missing(fen) else fen_to_display(int(fen), unit)


def _is_fen(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def shown(v: Any, money: bool) -> str:
    """A value placed in a YAML rule's message: money in 元 with separators, missing as ``—``."""
    v = plain(v)
    if v is None:
        return "—"
    return fen_to_display(v) if money and _is_fen(v) else str(v)


def shown_or_none(v: Any, money: bool) -> Any:
    """A value of a YAML rule's message parts (``{actual}``…): money in 元 with separators, missing None."""
    v = plain(v)
    return fen_to_display(v) if money and _is_fen(v) else v


def field_value(v: Any, money: bool) -> Any:
    """A value for a YAML rule finding's expected/actual: money as a 元 string with two decimals."""
    v = plain(v)
    return fen_to_yuan_str(v) if money and _is_fen(v) else v

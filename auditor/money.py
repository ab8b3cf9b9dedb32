"""Exact money: amounts are integer fen (分); parsing tolerates OCR spacing, formatting gives 元 strings."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from . import lazyre

#: fen per unit of each printed unit.
UNIT_FEN = {"元": 100, "万元": 1_000_000, "亿元": 10_000_000_000}

#: The largest amount the model holds: 100万亿元 (10**16 fen), far above any public budget, and small
#: enough that sums of hundreds of rows stay exact in int64 columns.
MAX_FEN = 10**16


class ValueOutOfRange(ValueError):
    """An amount (or line/page number) too large for the model; loaders report it as a LoadError."""

    def __init__(self, message: str, *, line: int | None = None, page: int | None = None):
        super().__init__(message)
        self.line = line
        self.page = page


_SPACES = lazyre.compile(r"[\s\u3000]+")
# A well-formed amount once spaces are gone: 1,234,567.89 or 1234567.89 or 0 or -12.5
_AMOUNT = lazyre.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_EMPTY = {"", "-", "—", "--", "－", "/"}


def clean_number_text(text: str) -> str:
    """Drop the spaces OCR puts inside numbers (`2, 082, 935. 58` -> `2,082,935.58`)."""
    # called for every cell of every table: skip the work a clean cell does not need
    if " " in text or "\u3000" in text or "\t" in text or "\n" in text:
        text = _SPACES.sub("", text)
    if "，" in text:
        text = text.replace("，", ",")
    if "．" in text:
        text = text.replace("．", ".")
    return text


def is_amount(text: str) -> bool:
    """True when `text` is a printed amount (after removing stray spaces)."""
    return bool(_AMOUNT.match(clean_number_text(text)))


def parse_decimal(text: str) -> Decimal | None:
    """The exact decimal value of a printed amount, or None for blanks and non-numbers."""
    cleaned = clean_number_text(text)
    if cleaned in _EMPTY or not _AMOUNT.match(cleaned):
        return None
    try:
        return Decimal(cleaned.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex already guards this
        return None


def to_fen(text: str, unit: str = "元") -> int | None:
    """Parse a printed amount in `unit` into integer fen; None when blank or not a number."""
    value = parse_decimal(text)
    if value is None:
        return None
    return decimal_to_fen(value, unit)


def decimal_to_fen(value: Decimal, unit: str = "元") -> int:
    """Convert an exact decimal in `unit` to integer fen (exact: 万元 with two decimals is whole fen).

    Raises ValueOutOfRange beyond :data:`MAX_FEN` (checked on the exponent first, so a figure of a
    million digits costs no more than a short one).
    """
    if not value.is_finite() or value.adjusted() > 24:
        raise ValueOutOfRange(f"amount {_figure(value)}{unit} is out of range")
    fen = int((value * UNIT_FEN[unit]).to_integral_value())
    if abs(fen) > MAX_FEN:
        raise ValueOutOfRange(f"amount {_figure(value)}{unit} is out of range (over 100万亿元)")
    return fen


def _figure(value: Decimal) -> str:
    text = str(value)
    return text if len(text) <= 40 else f"{text[:20]}…({len(text)} characters)"


def tolerance(unit: str = "元", decimals: int = 2, terms: int = 1) -> int:
    """How far apart, in fen, figures may be and still agree given how they were printed.

    ``tolerance = terms × UNIT_FEN[unit] / 10**decimals``: one unit of the last printed digit (the
    printed precision) for each rounded figure taking part. 万元 with two decimals is 10,000 fen
    (100.00 元) per figure; a total compared with the sum of three parts printed that way, ``terms=3``,
    allows 300.00 元. A full unit, not half: disclosures round 元 to 万元 inconsistently (some round
    half up, some truncate, some carry a third decimal first). YAML ``tolerance: {printed: …}`` and
    the Python rules (``rulekit.agrees``) both use this function.
    """
    step = Decimal(UNIT_FEN[unit]) / (Decimal(10) ** int(decimals))
    return int(step * int(terms))


def fen_to_yuan_str(fen: int | None) -> str | None:
    """Format fen as a 元 string with two decimals (`208293559` -> `"2082935.59"`)."""
    if fen is None:
        return None
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def fen_to_display(fen: int | None, unit: str = "元") -> str:
    """Human display with thousands separators in `unit` (`"2,082,935,857.58"`, `"208,293.59万元"`)."""
    if fen is None:
        return "—"
    value = Decimal(int(fen)) / UNIT_FEN[unit]
    quant = Decimal("0.01")
    text = f"{value.quantize(quant):,}"
    return text if unit == "元" else f"{text}{unit}"


def yuan_str_to_fen(text: str | None) -> int | None:
    """Inverse of :func:`fen_to_yuan_str` (used by the workbook and JSON loaders)."""
    if text is None or text == "":
        return None
    return decimal_to_fen(Decimal(str(text)), "元")

"""Turn one spreadsheet cell into a typed value, or into a reason a facility manager can act on.

Cells arrive as openpyxl and the csv module give them: str, int, float, bool, datetime, date or
None. Every parser returns None for an empty cell (the caller knows whether the field is
required) and raises ValueProblem for anything it cannot read; nothing is guessed silently.
Plain Python: no database, no request. Reasons are lazy strings, translated when str()'d.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from openpyxl.utils.datetime import WINDOWS_EPOCH, from_excel

Cell = str | int | float | bool | datetime | date | None

CENT = Decimal("0.01")
MAX_PRICE = Decimal(10) ** 10  # the Money column is Numeric(12, 2)
MAX_QUANTITY = 2**31 - 1  # an INTEGER column on PostgreSQL
EARLIEST_DATE = date(1900, 1, 1)
MAX_NUMBER_TEXT = 64  # longer "numbers" are garbage, and Decimal/int would work hard on them


class ValueProblem(ValueError):
    """A cell's value cannot be used; str() gives the reason, in the current locale."""

    def __init__(self, reason: LazyString) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return str(self.reason)


def _is_empty(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value: Cell) -> str:
    """Write a cell as the reason quotes it: as Excel shows it, and never at great length."""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value).strip()
    return text if len(text) <= 40 else text[:39] + "…"


def _not_a_number(value: Cell) -> ValueProblem:
    return ValueProblem(_l("not a number: %(value)s", value=_shown(value)))


# --- numbers -------------------------------------------------------------------------------

_SIGNS = {"-": -1, "\u2212": -1, "+": 1}  # U+2212 is the typographic minus Word and Excel use
_SPACE_GROUPED = re.compile(r"[0-9]{1,3}(?:[ '’][0-9]{3})+(?:[.,][0-9]+)?")


def _float_to_decimal(value: float) -> Decimal:
    """Read a float cell as the number Excel shows, not its binary expansion (0.1 + 0.2 is 0.3)."""
    if not math.isfinite(value):
        raise _not_a_number(value)
    return Decimal(str(round(value, 10)))


def _grouped(body: str, group: str) -> bool:
    """Whether body is digits grouped in threes by group, as in 1.250.000."""
    return re.fullmatch(rf"[0-9]{{1,3}}(?:{re.escape(group)}[0-9]{{3}})+", body) is not None


def _plain_decimal(body: str) -> str | None:
    """Rewrite digits with '.' and ',' as Decimal reads them, or None if they make no number.

    Both marks: the last is the decimal separator. One mark used several times groups
    thousands. One mark used once before exactly three digits groups thousands too ("1.500"),
    unless the number starts with 0 ("0,500"); otherwise it is the decimal separator.
    """
    if not re.fullmatch(r"[0-9.,]*[0-9][0-9.,]*", body):
        return None
    point, comma = body.count("."), body.count(",")
    if point and comma:
        mark = "." if body.rfind(".") > body.rfind(",") else ","
        whole, _, fraction = body.rpartition(mark)
        group = "," if mark == "." else "."
        return f"{whole.replace(group, '')}.{fraction}" if _grouped(whole, group) else None
    if not point and not comma:
        return body
    mark = "." if point else ","
    if point + comma > 1 or re.fullmatch(r"[1-9][0-9]{0,2}[.,][0-9]{3}", body):
        return body.replace(mark, "") if _grouped(body, mark) else None
    return body.replace(mark, ".") if re.fullmatch(r"[0-9]*[.,][0-9]+", body) else None


def _text_to_decimal(value: str) -> Decimal:
    text = unicodedata.normalize("NFKC", value).strip()  # NBSP -> space, full-width digits
    sign = _SIGNS.get(text[:1], 0)
    body = text[1:].strip() if sign else text
    if len(body) > MAX_NUMBER_TEXT:
        raise _not_a_number(value)
    if re.search(r"[ '’]", body):
        if not _SPACE_GROUPED.fullmatch(body):
            raise _not_a_number(value)
        body = re.sub(r"[ '’]", "", body)
    plain = _plain_decimal(body)
    if plain is None:
        raise _not_a_number(value)
    return Decimal(plain) if sign >= 0 else -Decimal(plain)


def parse_decimal(value: Cell) -> Decimal | None:
    """Read a number cell, or text written the way Swedes, Danes, Dutch or English write it."""
    if _is_empty(value):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _not_a_number(value)
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = _float_to_decimal(value)
    else:
        number = _text_to_decimal(value)
    return number.copy_abs() if number.is_zero() else number  # no "-0" from a -0.0 cell


_CURRENCY = re.compile(r"(?<![a-z])(?:kr\.?|sek|dkk|nok|euros?|eur)(?![a-z])|€|:-|,-", re.I)


def parse_money(value: Cell) -> Decimal | None:
    """Read a price, ignoring the currency marks people type (kr, DKK, €, "1 250:-", "450,-")."""
    if _is_empty(value):
        return None
    cleaned = _CURRENCY.sub(" ", value) if isinstance(value, str) else value
    try:
        amount = parse_decimal(cleaned)
    except ValueProblem:
        raise _not_a_number(value) from None
    if amount is None:  # a currency mark alone is no price
        raise _not_a_number(value)
    if amount < 0:
        raise ValueProblem(_l("a price cannot be negative"))
    if amount >= MAX_PRICE:
        raise ValueProblem(_l("price too large: %(value)s", value=_shown(value)))
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


_UNIT = re.compile(r"(?P<number>.*?)\s*(?:st|stk|styck|stycken|stuks?|pcs|pc|pieces?|x)\.?", re.I)


def parse_quantity(value: Cell) -> int | None:
    """Read how many items a row stands for: a whole number of at least 1, units allowed."""
    if _is_empty(value):
        return None
    if isinstance(value, str):
        unit = _UNIT.fullmatch(unicodedata.normalize("NFKC", value).strip())
        number = parse_decimal(unit["number"] if unit else value)
    else:
        number = parse_decimal(value)
    if number is None:  # a unit alone ("st")
        raise _not_a_number(value)
    if number < 1 or number != number.to_integral_value():
        raise ValueProblem(_l("quantity must be a whole number of at least 1"))
    if number > MAX_QUANTITY:
        raise ValueProblem(_l("quantity too large: %(value)s", value=_shown(value)))
    return int(number)


# --- dates ---------------------------------------------------------------------------------

_ISO_DATE = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
    r"(?:[ T](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,6})?)?)?"
)
_DAY_FIRST = re.compile(r"([0-9]{1,2})([./-])([0-9]{1,2})\2([0-9]{4})")  # how sv, da, nl write
_COMPACT_DATE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_SERIAL_TEXT = re.compile(r"[0-9]{5}")
_SERIAL_TEXT_RANGE = range(20000, 80001)  # 1954 to 2119: five digits that can only be a day


def _not_a_date(value: Cell) -> ValueProblem:
    return ValueProblem(
        _l("not a date: %(value)s; write it as 2024-03-15 or 15.03.2024", value=_shown(value))
    )


def _one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _from_serial(serial: int | float, epoch: datetime) -> date:
    """Read an Excel day number in the workbook's own calendar, so 1904 workbooks do not shift."""
    if isinstance(serial, float) and not math.isfinite(serial):
        raise _not_a_date(serial)
    if (isinstance(serial, int) or serial.is_integer()) and 1900 <= serial <= 2100:
        # As a day number this is 1905; far more likely a year column mapped to a date.
        raise ValueProblem(_l("a year alone is not a date: %(value)s", value=_shown(serial)))
    if 0 <= serial < 1:  # from_excel reads these as a time of day; here they are day 0
        return epoch.date()
    try:
        return from_excel(serial, epoch).date()
    except (OverflowError, ValueError):
        raise ValueProblem(_l("date out of range: %(value)s", value=_shown(serial))) from None


def _text_to_date(value: str, epoch: datetime) -> date:
    text = unicodedata.normalize("NFKC", value).strip()
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = match.group(1, 2, 3)
    elif match := _DAY_FIRST.fullmatch(text):
        day, month, year = match.group(1, 3, 4)
    elif match := _COMPACT_DATE.fullmatch(text):
        year, month, day = match.groups()
    elif _SERIAL_TEXT.fullmatch(text) and int(text) in _SERIAL_TEXT_RANGE:
        return _from_serial(int(text), epoch)
    else:
        raise _not_a_date(value)
    try:
        return date(int(year), int(month), int(day))
    except ValueError:  # 31.02.2024, or a month-first 3/15/2024
        raise _not_a_date(value) from None


def _cell_to_date(value: Cell, epoch: datetime) -> date:
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.utcoffset() is not None else value).date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return _text_to_date(value, epoch)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_serial(value, epoch)
    raise _not_a_date(value)


def parse_date(
    value: Cell, *, epoch: datetime | None = None, today: date | None = None
) -> date | None:
    """Read a date cell, an Excel day number or a day-first date, between 1900 and next year.

    :param epoch: the workbook's `epoch` (openpyxl), which says how its day numbers count.
    :param today: the clock, for tests; dates more than a year after it are typing errors.
    """
    if _is_empty(value):
        return None
    day = _cell_to_date(value, epoch or WINDOWS_EPOCH)
    if not EARLIEST_DATE <= day <= _one_year_after(today or date.today()):
        raise ValueProblem(_l("date out of range: %(value)s", value=day.isoformat()))
    return day


# --- text ----------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # C0 controls and DEL; keeps \t and \n
_TAG = re.compile(r"[\w.\-]+")  # the characters inventory.item_tags.TAG_PATTERN allows


def _cell_as_text(value: Cell) -> str:
    """Write a cell as Excel shows it: 7.0 is "7", an inventory number, not a float."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _not_a_number(value)
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ").removesuffix(" 00:00:00")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def parse_text(value: Cell, *, max_length: int, field_label: str) -> str | None:
    """Clean a cell into text for a field; longer than the field allows is refused, not cut."""
    if _is_empty(value):
        return None
    text = unicodedata.normalize("NFC", _cell_as_text(value))
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@", "\t", "\n"):
        text = text[1:]  # our own CSV export's guard against formulas, taken off again
    if len(text) > max_length:
        raise ValueProblem(
            _l("%(field)s longer than %(n)d characters", field=field_label, n=max_length)
        )
    return text or None


def parse_identifier(value: Cell, *, max_length: int = 64) -> tuple[str | None, LazyString | None]:
    """Read a tag or inventory number as text, warning when Excel stored it as a number."""
    if _is_empty(value):
        return None, None
    if isinstance(value, str) and value.isascii():  # NFC leaves ASCII as it is
        text = value.strip()
        if len(text) <= max_length and _TAG.fullmatch(text):
            return text, None
    invalid = ValueProblem(_l("a tag is 1 to %(n)d letters, digits, '-', '_' or '.'", n=max_length))
    if isinstance(value, date):
        raise ValueProblem(
            _l("a date in the tag column: Excel may have turned the tag into a date")
        )
    if isinstance(value, bool) or (isinstance(value, float) and not math.isfinite(value)):
        raise invalid
    warning = None
    if isinstance(value, int | float):
        warning = _l("a number in the tag column: leading zeros may have been lost by Excel")
    text = unicodedata.normalize("NFC", _cell_as_text(value)).strip()
    if len(text) > max_length or not _TAG.fullmatch(text):
        raise invalid
    return text, warning

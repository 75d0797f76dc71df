"""Checks and normalisation of what people type: PPR, CIN, phone numbers, free text, dates.

Each function returns the clean value or raises :class:`desk.errors.InvalidInput` whose ``reason``
is a short English msgid (translated later by the Telegram layer); extra ``params`` (limits) ride along.
Digits typed on an Arabic keyboard (٠١٢٣٤٥٦٧٨٩ and ۰۱۲۳۴۵۶۷۸۹) are accepted wherever digits are expected.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from zoneinfo import ZoneInfo

from desk.errors import N_, InvalidInput

DEFAULT_TIMEZONE = "Africa/Casablanca"
MAX_TEXT_LENGTH = 4000

# Arabic-Indic (U+0660…) and Extended Arabic-Indic (U+06F0…, Persian/Urdu keyboards) digits → ASCII.
_DIGITS = str.maketrans(
    {**{chr(0x0660 + i): str(i) for i in range(10)}, **{chr(0x06F0 + i): str(i) for i in range(10)}}
)
# Invisible direction marks that Arabic keyboards and copy-paste slip around numbers.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)
_PPR = re.compile(r"[0-9]{1,10}")
_CIN = re.compile(r"[A-Z]{1,2}[0-9]{1,6}")
# After removing separators: 0X…, +212X…, 00212X…, optionally with the trunk 0 kept after 212.
_PHONE = re.compile(r"(?:0|\+2120?|002120?)([5-7][0-9]{8})")
_PHONE_SEPARATORS = re.compile(r"[\s.\-/()]")


def _digits_and_compact(s: object) -> str:
    """``s`` as text with Arabic digits made ASCII and every space and direction mark removed."""
    text = str(s).translate(_DIGITS).translate(_INVISIBLE)
    return "".join(text.split())


def validate_ppr(s: str | int) -> str:
    """A PPR (رقم التأجير): 1 to 10 digits once spaces are removed; leading zeros are kept."""
    if s is None or (ppr := _digits_and_compact(s)) == "":
        raise InvalidInput(field="ppr", reason=N_("The PPR number is required."))
    if not _PPR.fullmatch(ppr):
        if ppr.isascii() and ppr.isdigit():
            raise InvalidInput(field="ppr", reason=N_("The PPR number has at most 10 digits."), max_digits=10)
        raise InvalidInput(field="ppr", reason=N_("The PPR number contains digits only."))
    return ppr


def validate_cin(s: str) -> str:
    """A Moroccan national identity card number: one or two letters then 1 to 6 digits (``AB123456``).

    Uppercased, spaces removed.
    """
    if s is None or (cin := _digits_and_compact(s).upper()) == "":
        raise InvalidInput(field="cin", reason=N_("The national identity card number is required."))
    if not _CIN.fullmatch(cin):
        raise InvalidInput(
            field="cin",
            reason=N_("The national identity card number is one or two letters followed by up to 6 digits."),
        )
    return cin


def _is_removed_control(ch: str) -> bool:
    return ch != "\n" and unicodedata.category(ch) == "Cc"


def bounded_text(s: str | None, field: str, max_len: int = MAX_TEXT_LENGTH, min_len: int = 1) -> str:
    """Free text stripped of surrounding whitespace and of control characters, within length bounds.

    Newlines are kept; a tab becomes a space; every other control character (including ``\\r``) is
    removed. Lengths count characters of the cleaned text.
    """
    text = "" if s is None else str(s).replace("\t", " ")
    text = "".join(ch for ch in text if not _is_removed_control(ch)).strip()
    if len(text) < min_len:
        if text == "":
            raise InvalidInput(field=field, reason=N_("This field is required."), min_length=min_len)
        raise InvalidInput(field=field, reason=N_("This text is too short."), min_length=min_len)
    if len(text) > max_len:
        raise InvalidInput(
            field=field, reason=N_("This text is too long."), max_length=max_len, length=len(text)
        )
    return text


def _years_before(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February in a non-leap year
        return d.replace(year=d.year - years, day=28)


def _parse_date(value: str, field: str) -> dt.date:
    text = value.strip().translate(_DIGITS)
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise InvalidInput(field=field, reason=N_("This is not a valid date."))


def parse_date(value: str, field: str = "date") -> dt.date:
    """A date as people type it: ``25/11/2026``, ``25-11-2026``, ``25.11.2026`` or ``2026-11-25``,
    Arabic digits and invisible direction marks accepted. Raises ``InvalidInput`` otherwise."""
    text = str(value).translate(_INVISIBLE).replace(".", "/").replace(" ", "")
    return _parse_date(text, field)


def validate_past_date(
    d: dt.date | str, field: str, max_years: int = 5, today: dt.date | None = None
) -> dt.date:
    """A date that is not in the future and not older than ``max_years`` years.

    ``today`` defaults to today in Africa/Casablanca. Text is accepted as ``YYYY-MM-DD`` or
    ``DD/MM/YYYY``; a datetime is reduced to its date.
    """
    if d is None or (isinstance(d, str) and not d.strip()):
        raise InvalidInput(field=field, reason=N_("This field is required."))
    if isinstance(d, str):
        d = _parse_date(d, field)
    elif isinstance(d, dt.datetime):
        d = d.date()
    elif not isinstance(d, dt.date):
        raise InvalidInput(field=field, reason=N_("This is not a valid date."))
    if today is None:
        today = dt.datetime.now(ZoneInfo(DEFAULT_TIMEZONE)).date()
    if d > today:
        raise InvalidInput(field=field, reason=N_("This date is in the future."))
    if d < _years_before(today, max_years):
        raise InvalidInput(field=field, reason=N_("This date is too far in the past."), max_years=max_years)
    return d


def validate_phone(s: str) -> str:
    """A Moroccan mobile or fixed number, normalised to ``+212XXXXXXXXX``.

    Accepted: ``06…``, ``07…``, ``05…`` followed by 8 digits, or the same number after ``+212`` /
    ``00212`` (with or without its leading 0); spaces, dots, dashes, slashes and parentheses ignored.
    """
    if s is None or (phone := _PHONE_SEPARATORS.sub("", _digits_and_compact(s))) == "":
        raise InvalidInput(field="phone", reason=N_("The phone number is required."))
    match = _PHONE.fullmatch(phone)
    if match is None:
        raise InvalidInput(field="phone", reason=N_("This is not a Moroccan phone number."))
    return "+212" + match.group(1)

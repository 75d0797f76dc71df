"""Languages: gettext catalogs (Arabic default, French second), Moroccan dates, and bidi-safe inserts.

Source strings (msgids) are English and never shown as such: every one has an Arabic and a French translation in
`locales/{ar,fr}/LC_MESSAGES/messages.po`, and a test fails when one is missing.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

Language = Literal["ar", "fr"]
LANGUAGES: tuple[Language, ...] = ("ar", "fr")
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
_BABEL_LOCALE = {"ar": "ar_MA", "fr": "fr_MA"}
FSI, PDI = "\u2068", "\u2069"  # first-strong isolate / pop directional isolate


def N_(message: str) -> str:
    """Mark a string for extraction without translating it here (it is translated where it is shown)."""
    return message


def pick_language(code: str | None, default: Language = "ar") -> Language:
    """The bot's language for a Telegram language code: French for fr*, otherwise the default."""
    if code and code.lower().startswith("fr"):
        return "fr"
    if code and code.lower().startswith("ar"):
        return "ar"
    return default


@cache
def translations(language: Language) -> Translations:
    """The compiled catalog; when the .mo is missing or older than the .po (a checkout, an edit), compiled
    in memory from the .po so that what runs is always what the catalog says."""
    folder = LOCALES_DIR / language / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        return Translations(buffer, domain=DOMAIN)
    return Translations.load(str(LOCALES_DIR), [language], DOMAIN)


def isolate(text: object) -> str:
    """Wrap a reference number, a Latin name or a number so it keeps its order inside an Arabic sentence."""
    return f"{FSI}{text}{PDI}"


@dataclass(frozen=True)
class Translator:
    """Everything a reply needs to speak one person's language."""

    language: Language
    timezone: str = "Africa/Casablanca"

    def gettext(self, message: str, **params: Any) -> str:
        text = translations(self.language).gettext(message)
        return text.format(**params) if params else text

    __call__ = gettext

    def ngettext(self, singular: str, plural: str, n: int, **params: Any) -> str:
        text = translations(self.language).ngettext(singular, plural, n)
        return text.format(n=n, **params)

    def date(self, value: dt.date | dt.datetime) -> str:
        """A date in Moroccan form: «25 نونبر 2026» / «25 novembre 2026»."""
        if isinstance(value, dt.datetime):
            value = self.local(value).date()
        return format_date(value, "d MMMM y", locale=_BABEL_LOCALE[self.language])

    def datetime(self, value: dt.datetime) -> str:
        """A moment in local time: «25 نونبر 2026، 14:05»."""
        local = self.local(value)
        sep = "، " if self.language == "ar" else " à "
        return self.date(local.date()) + sep + format_datetime(local, "HH:mm", locale=_BABEL_LOCALE[self.language])

    def local(self, value: dt.datetime) -> dt.datetime:
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(ZoneInfo(self.timezone))

    def wrap(self, text: object) -> str:
        """Bidi isolation inside Arabic text; French needs none."""
        return isolate(text) if self.language == "ar" else str(text)

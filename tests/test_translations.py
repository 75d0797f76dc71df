"""Every user-facing string has an Arabic and a French translation, and dates read the Moroccan way."""

from __future__ import annotations

import datetime as dt

from babel.messages.pofile import read_po

from bot.i18n import Translator, isolate
from bot.i18n_tools import extract, missing_translations


def test_every_message_of_the_code_is_translated_into_arabic_and_french(tmp_path):
    template = tmp_path / "messages.pot"
    extract(template)
    with template.open("rb") as handle:
        assert len(list(read_po(handle))) > 300  # the extraction really found the bot's messages
    assert missing_translations(template) == {}


def test_translations_keep_the_placeholders_of_their_source():
    import re

    from bot.i18n import LOCALES_DIR

    for language in ("ar", "fr"):
        with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            for message in read_po(handle):
                if not message.id or not message.string:
                    continue
                source = message.id if isinstance(message.id, str) else message.id[0]
                target = message.string if isinstance(message.string, str) else message.string[0]
                assert set(re.findall(r"{\w+}", source)) == set(re.findall(r"{\w+}", target)), (language, source)


def test_dates_are_written_the_moroccan_way():
    day = dt.date(2026, 11, 25)
    assert Translator("ar").date(day) == "25 نونبر 2026"
    assert Translator("fr").date(day) == "25 novembre 2026"
    assert Translator("ar").date(dt.date(2026, 8, 3)) == "3 غشت 2026"


def test_latin_text_inside_arabic_is_isolated_so_the_order_stays_right():
    assert isolate("OD-2026-000123") == "\u2068OD-2026-000123\u2069"
    assert Translator("ar").wrap("PPR") == "\u2068PPR\u2069"
    assert Translator("fr").wrap("PPR") == "PPR"

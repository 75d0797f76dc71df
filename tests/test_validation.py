"""What people type is cleaned or refused with a named, translatable error."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desk.errors import InvalidInput
from desk.validation import bounded_text, validate_cin, validate_past_date, validate_phone, validate_ppr

TODAY = dt.date(2026, 11, 17)


def refused(call, *args, **kwargs) -> InvalidInput:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as caught:
        call(*args, **kwargs)
    return caught.value


# --- PPR -----------------------------------------------------------------------------------------


def test_teacher_types_ppr_with_spaces() -> None:
    assert validate_ppr(" 123 4567 ") == "1234567"


def test_teacher_types_ppr_on_an_arabic_keyboard() -> None:
    assert validate_ppr("١٢٣٤٥٦٧") == "1234567"
    assert validate_ppr("۱۲۳۴۵۶۷") == "1234567"
    assert validate_ppr("\u200f١٢٣ ٤٥٦٧\u200e") == "1234567"


def test_ppr_keeps_its_leading_zeros() -> None:
    assert validate_ppr("0012345") == "0012345"


def test_ppr_of_one_and_of_ten_digits_are_accepted() -> None:
    assert validate_ppr("7") == "7"
    assert validate_ppr("1234567890") == "1234567890"


@pytest.mark.parametrize("typed", ["12345678901", "12a4567", "123-4567", "+1234567", "", "   ", "١٢٣x"])
def test_ppr_that_is_not_1_to_10_digits_is_refused(typed: str) -> None:
    error = refused(validate_ppr, typed)
    assert error.field == "ppr"
    assert error.reason


def test_ppr_too_long_and_ppr_with_letters_get_different_reasons() -> None:
    assert refused(validate_ppr, "12345678901").reason != refused(validate_ppr, "12a4567").reason


@given(st.text(alphabet="0123456789", min_size=1, max_size=10))
def test_any_ppr_of_up_to_ten_digits_comes_back_unchanged(ppr: str) -> None:
    assert validate_ppr(ppr) == ppr


# --- CIN -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "clean"),
    [("ab123456", "AB123456"), (" J 4567 ", "J4567"), ("Bk12", "BK12"), ("ab١٢٣٤٥٦", "AB123456")],
)
def test_cin_is_uppercased_and_compacted(typed: str, clean: str) -> None:
    assert validate_cin(typed) == clean


@pytest.mark.parametrize("typed", ["123456", "ABC12345", "AB1234567", "AB", "A-12345", "", "ب123456"])
def test_cin_outside_the_moroccan_pattern_is_refused(typed: str) -> None:
    error = refused(validate_cin, typed)
    assert error.field == "cin"
    assert error.reason


# --- free text -----------------------------------------------------------------------------------


def test_message_is_stripped_and_keeps_its_line_breaks() -> None:
    assert bounded_text("  السلام عليكم\nشكرا  ", "message") == "السلام عليكم\nشكرا"


def test_control_characters_are_removed_from_a_message() -> None:
    assert bounded_text("Bon\x00jour\x07\r\nmerci\x1b", "message") == "Bonjour\nmerci"


def test_tab_becomes_a_space_so_words_stay_apart() -> None:
    assert bounded_text("a\tb", "message") == "a b"


def test_message_of_exactly_4000_characters_is_accepted() -> None:
    assert len(bounded_text("x" * 4000, "message")) == 4000


def test_message_of_4001_characters_is_refused_and_says_the_limit() -> None:
    error = refused(bounded_text, "x" * 4001, "message")
    assert error.field == "message"
    assert error.params["max_length"] == 4000


def test_empty_or_blank_message_is_refused() -> None:
    for text in ("", "   \n ", "\x00\x01", None):
        assert refused(bounded_text, text, "message").field == "message"


def test_text_shorter_than_the_minimum_is_refused() -> None:
    error = refused(bounded_text, "ab", "purpose", min_len=3)
    assert error.field == "purpose"
    assert error.params["min_length"] == 3
    assert bounded_text("abc", "purpose", min_len=3) == "abc"


def test_optional_text_may_be_empty() -> None:
    assert bounded_text("  ", "note", min_len=0) == ""


def test_custom_maximum_is_honoured() -> None:
    assert refused(bounded_text, "x" * 201, "full_name_ar", max_len=200).params["max_length"] == 200


# --- dates ---------------------------------------------------------------------------------------


def test_accident_today_or_last_year_is_accepted() -> None:
    assert validate_past_date(TODAY, "accident_date", today=TODAY) == TODAY
    assert validate_past_date(dt.date(2025, 3, 2), "accident_date", today=TODAY) == dt.date(2025, 3, 2)


def test_accident_tomorrow_is_refused() -> None:
    error = refused(validate_past_date, TODAY + dt.timedelta(days=1), "accident_date", today=TODAY)
    assert error.field == "accident_date"


def test_accident_more_than_five_years_ago_is_refused() -> None:
    assert validate_past_date(dt.date(2021, 11, 17), "accident_date", today=TODAY) == dt.date(2021, 11, 17)
    error = refused(validate_past_date, dt.date(2021, 11, 16), "accident_date", today=TODAY)
    assert error.params["max_years"] == 5


def test_the_age_limit_can_be_changed() -> None:
    assert refused(validate_past_date, dt.date(2025, 11, 1), "first_day", max_years=1, today=TODAY)
    assert validate_past_date(dt.date(2025, 11, 18), "first_day", max_years=1, today=TODAY)


def test_age_limit_counted_from_29_february() -> None:
    leap_day = dt.date(2028, 2, 29)
    assert validate_past_date(dt.date(2023, 2, 28), "d", today=leap_day) == dt.date(2023, 2, 28)
    assert refused(validate_past_date, dt.date(2023, 2, 27), "d", today=leap_day)


def test_typed_dates_in_iso_or_moroccan_order_are_understood() -> None:
    assert validate_past_date("2026-03-02", "accident_date", today=TODAY) == dt.date(2026, 3, 2)
    assert validate_past_date("02/03/2026", "accident_date", today=TODAY) == dt.date(2026, 3, 2)
    assert validate_past_date("٠٢/٠٣/٢٠٢٦", "accident_date", today=TODAY) == dt.date(2026, 3, 2)


def test_datetime_is_reduced_to_its_date() -> None:
    at = dt.datetime(2026, 11, 17, 9, 30)
    assert validate_past_date(at, "accident_date", today=TODAY) == TODAY


@pytest.mark.parametrize("typed", ["31/02/2026", "yesterday", "", None])
def test_unreadable_date_is_refused(typed: str | None) -> None:
    assert refused(validate_past_date, typed, "accident_date", today=TODAY).field == "accident_date"


def test_today_defaults_to_the_current_date() -> None:
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    assert refused(validate_past_date, tomorrow, "accident_date").field == "accident_date"
    yesterday = dt.date.today() - dt.timedelta(days=2)
    assert validate_past_date(yesterday, "accident_date") == yesterday


# --- phone ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        ("0612345678", "+212612345678"),
        ("07 12 34 56 78", "+212712345678"),
        ("05.28.89.12.34", "+212528891234"),
        ("06-12-34-56-78", "+212612345678"),
        ("+212 6 12 34 56 78", "+212612345678"),
        ("+212 (0)6 12 34 56 78", "+212612345678"),
        ("00212612345678", "+212612345678"),
        ("٠٦١٢٣٤٥٦٧٨", "+212612345678"),
    ],
)
def test_moroccan_phone_numbers_are_normalised(typed: str, clean: str) -> None:
    assert validate_phone(typed) == clean


@pytest.mark.parametrize(
    "typed", ["0812345678", "061234567", "06123456789", "+33612345678", "612345678", "06abc45678", ""]
)
def test_non_moroccan_or_malformed_phone_is_refused(typed: str) -> None:
    assert refused(validate_phone, typed).field == "phone"


def test_errors_carry_a_short_english_msgid_not_prose_in_arabic_or_french() -> None:
    errors = [
        refused(validate_ppr, "abc"),
        refused(validate_cin, "123"),
        refused(bounded_text, "", "message"),
        refused(validate_past_date, "2099-01-01", "accident_date", today=TODAY),
        refused(validate_phone, "123"),
    ]
    for error in errors:
        assert error.reason.isascii()
        assert error.reason.endswith(".")
        assert len(error.reason) < 100

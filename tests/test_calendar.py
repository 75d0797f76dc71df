"""Working days of the directorate: weekends, Moroccan public holidays, settings overrides, timezone."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.settings import Settings
from desk.calendar import EXTRA_HOLIDAY_NAME, WorkingCalendar

D = dt.date

# Eid al-Adha 2026 is estimated on Wed 27 and Thu 28 May; suppose the moon was sighted a day later.
EID_ESTIMATED_FIRST_DAY = D(2026, 5, 27)
EID_ANNOUNCED_SECOND_DAY = D(2026, 5, 29)


@pytest.fixture
def calendar() -> WorkingCalendar:
    return WorkingCalendar(timezone="Africa/Casablanca")


@pytest.fixture
def eid_moved() -> WorkingCalendar:
    return WorkingCalendar(
        timezone="Africa/Casablanca", extra=[EID_ANNOUNCED_SECOND_DAY], removed=[EID_ESTIMATED_FIRST_DAY]
    )


# --- which days are worked ---------------------------------------------------------------------


def test_independence_day_wednesday_is_a_day_off(calendar: WorkingCalendar) -> None:
    assert D(2026, 11, 18).weekday() == 2
    assert not calendar.is_working_day(D(2026, 11, 18))
    assert calendar.is_working_day(D(2026, 11, 17))
    assert calendar.is_working_day(D(2026, 11, 19))


def test_green_march_friday_is_a_day_off(calendar: WorkingCalendar) -> None:
    assert not calendar.is_working_day(D(2026, 11, 6))
    assert calendar.is_working_day(D(2026, 11, 5))


def test_oued_eddahab_day_is_a_day_off(calendar: WorkingCalendar) -> None:
    assert not calendar.is_working_day(D(2026, 8, 14))


def test_saturday_and_sunday_are_off_and_an_ordinary_monday_is_worked(calendar: WorkingCalendar) -> None:
    assert not calendar.is_working_day(D(2026, 11, 14))
    assert not calendar.is_working_day(D(2026, 11, 15))
    assert calendar.is_working_day(D(2026, 11, 16))


def test_later_years_are_loaded_when_first_needed(calendar: WorkingCalendar) -> None:
    assert not calendar.is_working_day(D(2031, 11, 18))
    assert calendar.is_working_day(D(2031, 11, 17))


# --- due dates -----------------------------------------------------------------------------------


def test_certificate_filed_on_monday_is_due_on_thursday(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_days(D(2026, 11, 2), 3) == D(2026, 11, 5)


def test_five_day_target_skips_green_march_and_the_weekend(calendar: WorkingCalendar) -> None:
    # Tue 3, Wed 4, Thu 5, (Fri 6 Green March, weekend), Mon 9, Tue 10.
    assert calendar.add_working_days(D(2026, 11, 2), 5) == D(2026, 11, 10)


def test_request_filed_on_saturday_counts_from_monday(calendar: WorkingCalendar) -> None:
    saturday, monday = D(2026, 11, 14), D(2026, 11, 16)
    # Tue 17, (Wed 18 Independence Day), Thu 19, Fri 20.
    assert calendar.add_working_days(saturday, 3) == calendar.add_working_days(monday, 3) == D(2026, 11, 20)


def test_request_filed_on_independence_day_counts_from_the_next_day(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_days(D(2026, 11, 18), 1) == D(2026, 11, 20)


def test_zero_days_gives_the_next_working_day(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_days(D(2026, 11, 17), 0) == D(2026, 11, 17)
    assert calendar.add_working_days(D(2026, 11, 14), 0) == D(2026, 11, 16)


def test_due_date_crossing_new_year_skips_january_first(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_days(D(2030, 12, 31), 1) == D(2031, 1, 2)


def test_negative_target_is_refused(calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError):
        calendar.add_working_days(D(2026, 11, 2), -1)


def test_working_days_between_counts_after_the_first_day_up_to_the_last(calendar: WorkingCalendar) -> None:
    assert calendar.working_days_between(D(2026, 11, 2), D(2026, 11, 10)) == 5
    assert calendar.working_days_between(D(2026, 11, 10), D(2026, 11, 2)) == -5
    assert calendar.working_days_between(D(2026, 11, 2), D(2026, 11, 2)) == 0
    assert calendar.working_days_between(D(2026, 11, 13), D(2026, 11, 15)) == 0  # Friday → Sunday


@given(
    start=st.dates(min_value=D(2025, 1, 1), max_value=D(2030, 12, 31)),
    days=st.integers(min_value=0, max_value=60),
)
def test_counting_back_the_days_to_a_due_date_gives_the_target(start: dt.date, days: int) -> None:
    calendar = WorkingCalendar(timezone="Africa/Casablanca")
    received = calendar.next_working_day(start)
    due = calendar.add_working_days(start, days)
    assert calendar.is_working_day(due)
    assert calendar.working_days_between(received, due) == days


# --- moon-sighted holidays corrected in settings ---------------------------------------------------


def test_eid_moved_by_a_day_frees_the_estimated_day_and_closes_the_announced_one(
    calendar: WorkingCalendar, eid_moved: WorkingCalendar
) -> None:
    assert not calendar.is_working_day(EID_ESTIMATED_FIRST_DAY)
    assert calendar.is_working_day(EID_ANNOUNCED_SECOND_DAY)

    assert eid_moved.is_working_day(EID_ESTIMATED_FIRST_DAY)
    assert not eid_moved.is_working_day(D(2026, 5, 28))
    assert not eid_moved.is_working_day(EID_ANNOUNCED_SECOND_DAY)


def test_eid_moved_changes_the_due_dates(calendar: WorkingCalendar, eid_moved: WorkingCalendar) -> None:
    tuesday = D(2026, 5, 26)
    assert calendar.add_working_days(tuesday, 1) == D(2026, 5, 29)
    assert eid_moved.add_working_days(tuesday, 1) == D(2026, 5, 27)
    assert eid_moved.add_working_days(D(2026, 5, 27), 1) == D(2026, 6, 1)


def test_overrides_are_read_from_settings() -> None:
    settings = Settings(
        _env_file=None,
        timezone="Africa/Casablanca",
        holidays_extra="2026-05-29",
        holidays_removed="2026-05-27",
    )
    calendar = WorkingCalendar(settings)
    assert calendar.is_working_day(EID_ESTIMATED_FIRST_DAY)
    assert not calendar.is_working_day(EID_ANNOUNCED_SECOND_DAY)
    assert WorkingCalendar.from_settings(settings).extra == calendar.extra == {EID_ANNOUNCED_SECOND_DAY}


def test_explicit_values_may_be_given_positionally() -> None:
    calendar = WorkingCalendar("Africa/Casablanca", [EID_ANNOUNCED_SECOND_DAY], [EID_ESTIMATED_FIRST_DAY])
    assert calendar.is_working_day(EID_ESTIMATED_FIRST_DAY)
    assert not calendar.is_working_day(EID_ANNOUNCED_SECOND_DAY)


def test_settings_and_explicit_overrides_together_are_refused() -> None:
    with pytest.raises(TypeError):
        WorkingCalendar(Settings(_env_file=None), extra=[EID_ANNOUNCED_SECOND_DAY])


def test_unknown_timezone_is_refused_when_the_calendar_is_built() -> None:
    with pytest.raises(Exception, match="Casablanka"):
        WorkingCalendar(timezone="Africa/Casablanka")


# --- holiday names -----------------------------------------------------------------------------


def test_independence_day_is_named_in_arabic_and_in_french(calendar: WorkingCalendar) -> None:
    assert calendar.holiday_name(D(2026, 11, 18)) == "عيد الاستقلال"
    assert calendar.holiday_name(D(2026, 11, 18), language="fr") == "Fête de l'indépendance"


def test_working_days_and_weekends_have_no_holiday_name(calendar: WorkingCalendar) -> None:
    assert calendar.holiday_name(D(2026, 11, 17)) is None
    assert calendar.holiday_name(D(2026, 11, 14)) is None


def test_announced_eid_day_takes_the_eid_name_and_the_removed_day_loses_it(
    eid_moved: WorkingCalendar,
) -> None:
    assert eid_moved.holiday_name(EID_ANNOUNCED_SECOND_DAY) == "عيد الأضحى"
    assert eid_moved.holiday_name(EID_ANNOUNCED_SECOND_DAY, language="fr") == "Fête du sacrifice"
    assert eid_moved.holiday_name(EID_ESTIMATED_FIRST_DAY) is None


def test_extra_day_off_far_from_any_moon_holiday_gets_the_generic_name() -> None:
    calendar = WorkingCalendar(timezone="Africa/Casablanca", extra=[D(2026, 12, 31)])
    assert not calendar.is_working_day(D(2026, 12, 31))
    assert calendar.holiday_name(D(2026, 12, 31)) == EXTRA_HOLIDAY_NAME


def test_holiday_name_in_an_unsupported_language_is_refused(calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError):
        calendar.holiday_name(D(2026, 11, 18), language="es")  # type: ignore[arg-type]


# --- timezone ------------------------------------------------------------------------------------


def test_request_sent_at_23_30_utc_is_filed_on_the_next_casablanca_day(calendar: WorkingCalendar) -> None:
    at = dt.datetime(2026, 11, 17, 23, 30, tzinfo=dt.UTC)  # 00:30 on the 18th in Casablanca (UTC+1)
    assert calendar.local_date(at) == D(2026, 11, 18)


def test_during_ramadan_casablanca_is_on_utc_and_23_30_stays_the_same_day(calendar: WorkingCalendar) -> None:
    at = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)
    assert calendar.local_date(at) == D(2026, 3, 1)


def test_new_year_eve_23_30_utc_is_already_the_new_year_in_casablanca(calendar: WorkingCalendar) -> None:
    assert calendar.local_date(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)) == D(2027, 1, 1)
    assert calendar.today(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)) == D(2027, 1, 1)


def test_naive_datetime_is_refused(calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError):
        calendar.local_date(dt.datetime(2026, 11, 17, 23, 30))

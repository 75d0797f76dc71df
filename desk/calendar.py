"""Working days of the directorate: weekends and Moroccan public holidays are off.

Public holidays come from the ``holidays`` package's Morocco calendar. Its moon-sighted dates
(the two Eids, the Islamic new year, the Prophet's birthday) are estimates, so settings can
correct them: ``holidays_extra`` adds the dates announced by the ministry, ``holidays_removed``
drops the estimated dates that moved. Years are loaded lazily, on first use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

import holidays

from desk.errors import N_

if TYPE_CHECKING:
    from bot.settings import Settings

DEFAULT_TIMEZONE = "Africa/Casablanca"
WEEKEND = frozenset({5, 6})  # Saturday, Sunday
# Name of an added holiday that is not a moved moon-sighted one: a msgid, translated by the caller.
EXTRA_HOLIDAY_NAME = N_("Public holiday")
# An announced moon-sighted holiday lands at most this many days from the package's estimate.
_MOVED_HOLIDAY_WINDOW = 3

HolidayLanguage = Literal["ar", "fr"]


@lru_cache(maxsize=256)
def _package_holidays(year: int, language: str, show_estimated: bool) -> dict[dt.date, str]:
    """The ``holidays`` package's Moroccan public holidays of one year, date → name."""
    calendar = holidays.country_holidays(
        "MA", years=year, language=language, islamic_show_estimated=show_estimated
    )
    return dict(calendar.items())


class WorkingCalendar:
    """Which days the directorate works, and how many working days lie between two dates.

    Build it from the settings — ``WorkingCalendar(settings)`` or ``WorkingCalendar.from_settings(settings)``
    — or from explicit values: ``WorkingCalendar(timezone="Africa/Casablanca", extra=[...], removed=[...])``
    (positionally too: ``WorkingCalendar("Africa/Casablanca", [...], [...])``).
    ``holidays_removed`` only drops dates of the package's calendar; a date listed in ``extra`` is always
    a holiday, even if it is also listed in ``removed``.
    """

    def __init__(
        self,
        settings: Settings | str | None = None,
        extra: Iterable[dt.date] | None = None,
        removed: Iterable[dt.date] | None = None,
        *,
        timezone: str | None = None,
    ) -> None:
        if isinstance(settings, str):  # WorkingCalendar("Africa/Casablanca", extra, removed)
            if timezone is not None:
                raise TypeError("timezone given twice")
            settings, timezone = None, settings
        if settings is not None:
            if timezone is not None or extra is not None or removed is not None:
                raise TypeError("give either settings or timezone/extra/removed, not both")
            timezone, extra, removed = settings.timezone, settings.holidays_extra, settings.holidays_removed
        self.timezone = timezone or DEFAULT_TIMEZONE
        self.zone = ZoneInfo(self.timezone)  # raises ZoneInfoNotFoundError on a bad name, at startup
        self.extra: frozenset[dt.date] = frozenset(extra or ())
        self.removed: frozenset[dt.date] = frozenset(removed or ())

    @classmethod
    def from_settings(cls, settings: Settings) -> WorkingCalendar:
        return cls(settings)

    # --- days ------------------------------------------------------------------------------------

    def is_holiday(self, d: dt.date) -> bool:
        """True when ``d`` is a public holiday (package calendar, minus removed, plus extra)."""
        if d in self.extra:
            return True
        return d not in self.removed and d in _package_holidays(d.year, "ar", True)

    def is_working_day(self, d: dt.date) -> bool:
        """True when ``d`` is neither a Saturday, a Sunday nor a public holiday."""
        return d.weekday() not in WEEKEND and not self.is_holiday(d)

    def next_working_day(self, d: dt.date) -> dt.date:
        """``d`` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(d):
            d += dt.timedelta(days=1)
        return d

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The due date of something received on ``start`` with ``days`` working days to answer.

        Rule: the day of receipt is day 0 and is not counted; the result is the ``days``-th working
        day after it. When ``start`` is not a working day (weekend, holiday), the request counts as
        received on the next working day. So a 3-day target filed on Monday 2026-11-02 is due on
        Thursday 2026-11-05, and one filed on Saturday 2026-10-31 counts from Monday 2026-11-02 and
        is due on Thursday 2026-11-05 too. ``days == 0`` gives that (next) working day itself.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        d = self.next_working_day(start)
        for _ in range(days):
            d = self.next_working_day(d + dt.timedelta(days=1))
        return d

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """How many working days lie after ``a`` up to and including ``b`` (negative when ``b < a``).

        For a working day ``a``: ``working_days_between(a, add_working_days(a, n)) == n``.
        """
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        d = a + dt.timedelta(days=1)
        while d <= b:
            count += self.is_working_day(d)
            d += dt.timedelta(days=1)
        return count

    # --- time ------------------------------------------------------------------------------------

    def local_date(self, at: dt.datetime) -> dt.date:
        """The calendar date of an aware instant (stored in UTC) in the directorate's timezone."""
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("local_date needs a timezone-aware datetime")
        return at.astimezone(self.zone).date()

    def today(self, now: dt.datetime | None = None) -> dt.date:
        """Today's date in the directorate's timezone (``now`` defaults to the current instant)."""
        return self.local_date(now or dt.datetime.now(dt.UTC))

    # --- names -----------------------------------------------------------------------------------

    def holiday_name(self, d: dt.date, language: HolidayLanguage = "ar") -> str | None:
        """The holiday's name in Arabic or French, or None when ``d`` is not a public holiday.

        An added date near an estimated moon-sighted holiday (within 3 days) is that holiday moved,
        and takes its name; any other added date is named :data:`EXTRA_HOLIDAY_NAME` (a msgid).
        """
        if language not in ("ar", "fr"):
            raise ValueError(f"unsupported language: {language!r}")
        if not self.is_holiday(d):
            return None
        names = _package_holidays(d.year, language, True)
        if d in names:  # a holiday that is in the package's calendar was not removed (or was re-added)
            return names[d]
        return self._moved_holiday_name(d, language) or EXTRA_HOLIDAY_NAME

    def _moved_holiday_name(self, d: dt.date, language: str) -> str | None:
        """Name (without the 'estimated' mark) of the nearest estimated holiday around ``d``."""
        for distance in range(1, _MOVED_HOLIDAY_WINDOW + 1):
            for near in (d - dt.timedelta(days=distance), d + dt.timedelta(days=distance)):
                labelled = _package_holidays(near.year, language, True).get(near)
                plain = _package_holidays(near.year, language, False).get(near)
                if labelled is not None and labelled != plain:  # only estimated dates carry a mark
                    return plain
        return None

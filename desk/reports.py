"""Figures per office over a period of local days: the weekly report to admins and `python -m bot report`.

For each office of the directory (in its order, then any office id found only in the data):

- **received**: requests filed during the period;
- **resolved**: requests resolved during the period (a request resolved twice in it counts once, at its
  last resolution);
- **median time to resolution**, in **working days**: from the day of filing (the next working day when
  filed on a day off) to the day of resolution, over the requests resolved during the period; 0 means
  resolved on the day it was received; None when nothing was resolved;
- **overdue**: requests filed before the end of the period, not closed by then, whose due date was the
  last day of the period or earlier.

Each request counts in the office that holds it now (a transferred request counts in its new office), with
its due date as it stands now. Rules and queries only: the files are written by ``bot.report``.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_
from sqlmodel import col, select

from desk.actors import Actor
from desk.errors import N_, InvalidInput, PermissionDenied
from desk.uow import UnitOfWork
from models import EventKind, Request, RequestEvent

MAX_DAYS = 366 * 2  # a longer period is almost certainly a typo in a date


@dataclass(frozen=True)
class OfficeFigures:
    """One office's figures over the period (``office_id`` is empty on the total line)."""

    office_id: str
    received: int = 0
    resolved: int = 0
    median_days: float | None = None
    overdue: int = 0


@dataclass(frozen=True)
class PeriodReport:
    """The figures of every office from ``start`` to ``end`` (local days, both included), and their total."""

    start: dt.date
    end: dt.date
    offices: list[OfficeFigures]
    total: OfficeFigures

    def office(self, office_id: str) -> OfficeFigures:
        """The figures of one office (zeros when it had nothing)."""
        return next((o for o in self.offices if o.office_id == office_id), OfficeFigures(office_id))


def last_week(today: dt.date) -> tuple[dt.date, dt.date]:
    """The seven days that ended yesterday: on a Monday, the previous Monday to Sunday."""
    end = today - dt.timedelta(days=1)
    return end - dt.timedelta(days=6), end


def _median(values: Iterable[int]) -> float | None:
    values = list(values)
    return float(statistics.median(values)) if values else None


def period_report(uow: UnitOfWork, actor: Actor, start: dt.date, end: dt.date) -> PeriodReport:
    """Every office's figures from ``start`` to ``end`` (see the module's definitions). Admins only.

    Raises ``PermissionDenied``, ``InvalidInput`` (``end`` before ``start``, or a period over two years).
    """
    if not actor.is_admin:
        raise PermissionDenied(action="view_reports")
    if end < start:
        raise InvalidInput(field="period", reason=N_("The first day comes after the last day."))
    if (end - start).days > MAX_DAYS:
        raise InvalidInput(field="period", reason=N_("The period is too long."))
    zone = ZoneInfo(uow.settings.timezone)
    start_at = dt.datetime.combine(start, dt.time(0), tzinfo=zone).astimezone(dt.UTC)
    end_at = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=zone).astimezone(dt.UTC)
    calendar = uow.calendar
    with uow.reading() as session:
        received = dict(
            session.exec(
                select(Request.office_id, func.count())
                .where(col(Request.created_at) >= start_at, col(Request.created_at) < end_at)
                .group_by(col(Request.office_id))
            ).all()
        )
        resolutions = session.exec(
            select(Request.office_id, Request.filed_on, func.max(RequestEvent.at))
            .join(RequestEvent, col(RequestEvent.request_id) == col(Request.id))
            .where(
                RequestEvent.kind == EventKind.RESOLVED,
                col(RequestEvent.at) >= start_at,
                col(RequestEvent.at) < end_at,
            )
            .group_by(col(Request.id), col(Request.office_id), col(Request.filed_on))
        ).all()
        overdue = dict(
            session.exec(
                select(Request.office_id, func.count())
                .where(
                    col(Request.created_at) < end_at,
                    col(Request.due_on) <= end,
                    or_(col(Request.closed_at).is_(None), col(Request.closed_at) >= end_at),
                )
                .group_by(col(Request.office_id))
            ).all()
        )
    days: dict[str, list[int]] = defaultdict(list)
    for office_id, filed_on, resolved_at in resolutions:
        counted_from = calendar.next_working_day(filed_on)
        taken = calendar.working_days_between(counted_from, calendar.local_date(resolved_at))
        days[office_id].append(max(0, taken))  # filed and resolved on the same day off: 0
    known = [office.id for _, office in uow.directory.offices()]
    others = sorted((set(received) | set(days) | set(overdue)) - set(known))
    offices = [
        OfficeFigures(
            office_id,
            received=int(received.get(office_id, 0)),
            resolved=len(days.get(office_id, [])),
            median_days=_median(days.get(office_id, [])),
            overdue=int(overdue.get(office_id, 0)),
        )
        for office_id in known + others
    ]
    total = OfficeFigures(
        "",
        received=sum(o.received for o in offices),
        resolved=sum(o.resolved for o in offices),
        median_days=_median(d for values in days.values() for d in values),
        overdue=sum(o.overdue for o in offices),
    )
    return PeriodReport(start, end, offices, total)

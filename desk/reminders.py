"""What the scheduled jobs write: reminders about overdue requests (to whoever handles them, then to the
office head), the daily digest of each office, and reminders to requesters who owe documents.

Rules only, no Telegram. Each function is one transaction that reads what is due *today* (the unit of
work's clock, local date in the directorate's timezone) and queues outbox rows (``desk.notifications``).
Their ``dedup_key`` makes each reminder once per request and day, each escalation once, each digest once
per office, agent and day: a job that runs twice (a restart, a retry) writes nothing twice, and delivery,
retries and "blocked the bot" come from the outbox like every other notice.

Days are counted in working days (``desk.calendar.WorkingCalendar``); on a weekend or a public holiday these
functions write nothing, so that nobody is reminded on a day off.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from desk import notifications as notify
from desk.uow import UnitOfWork
from models import OPEN_STATUSES, Account, Agent, EventKind, Request, RequestEvent, RequestStatus


@dataclass(frozen=True)
class JobRun:
    """What one run of a job found and wrote (figures only: safe to log)."""

    day: dt.date
    working_day: bool
    considered: int = 0  # requests (or offices, for the digest) that called for a notice today
    queued: int = 0  # notices written by this run (0 when an earlier run today already wrote them)


def _heads(session: Session) -> dict[str, list[int]]:
    rows = session.exec(select(Agent.office_id, Agent.telegram_user_id).where(col(Agent.is_head).is_(True)))
    heads: dict[str, list[int]] = defaultdict(list)
    for office_id, telegram_id in rows.all():
        heads[office_id].append(telegram_id)
    return heads


def _agents(session: Session) -> dict[str, list[int]]:
    agents: dict[str, list[int]] = defaultdict(list)
    for office_id, telegram_id in session.exec(select(Agent.office_id, Agent.telegram_user_id)).all():
        agents[office_id].append(telegram_id)
    return agents


def remind_overdue(uow: UnitOfWork) -> JobRun:
    """Remind whoever handles each overdue open request, and tell the office head when it stays overdue.

    A request is overdue from the first working day after its due date (``days_late`` = working days since
    then, 1 on that first day). Every working day it is overdue, its holder — or every agent of its office
    while nobody holds it — gets one ``request_overdue`` notice. Once ``days_late`` reaches
    ``1 + settings.escalate_after_days`` (that many further working days after the first reminder), the
    office's heads get one ``request_escalated`` notice for that due date and office (a reopened or
    transferred request may escalate again); when the office has no head other than the holder, the admins
    get it instead, so that someone above the holder always hears.
    """
    today = uow.today()
    calendar = uow.calendar
    if not calendar.is_working_day(today):
        return JobRun(today, False)
    escalate_at = 1 + uow.settings.escalate_after_days
    considered = 0
    notices: list[notify.Notice] = []
    with uow.transaction() as session:
        overdue = session.exec(
            select(Request)
            .where(col(Request.status).in_(sorted(OPEN_STATUSES)), col(Request.due_on) < today)
            .order_by(col(Request.id))
        ).all()
        agents, heads = _agents(session), _heads(session)
        late_since: dict[dt.date, int] = {}  # many requests share a due date; counting days is a loop
        for request in overdue:
            assert request.id is not None
            if request.due_on not in late_since:
                late_since[request.due_on] = calendar.working_days_between(request.due_on, today)
            days_late = late_since[request.due_on]
            if days_late < 1:  # a guard: today is a working day after the due date, so it counts
                continue
            considered += 1
            holder = request.assignee_telegram_id
            params = notify.request_params(
                request, office_id=request.office_id, due_on=request.due_on, days_late=days_late
            )
            handlers = {holder} if holder is not None else set(agents.get(request.office_id, []))
            notices += [
                notify.Notice(
                    recipient,
                    notify.Kind.REQUEST_OVERDUE,
                    f"{notify.Kind.REQUEST_OVERDUE}:r{request.id}:{today}:{recipient}",
                    params,
                    request.id,
                )
                for recipient in sorted(handlers)
            ]
            if days_late < escalate_at:
                continue
            above = sorted(set(heads.get(request.office_id, [])) - {holder}) or sorted(
                set(uow.settings.admin_telegram_ids) - {holder}
            )
            escalation = {**params, "claimed": holder is not None}
            key = f"{notify.Kind.REQUEST_ESCALATED}:r{request.id}:{request.office_id}:{request.due_on}"
            notices += [
                notify.Notice(recipient, notify.Kind.REQUEST_ESCALATED, f"{key}:{recipient}", escalation,
                              request.id)
                for recipient in above
            ]
        queued = notify.queue_many(session, notices)
    return JobRun(today, True, considered, queued)


@dataclass(frozen=True)
class OfficeDay:
    """One office's open requests on a day: by status, and how many are overdue."""

    office_id: str
    new: int = 0
    in_progress: int = 0
    awaiting_requester: int = 0
    overdue: int = 0

    @property
    def open(self) -> int:
        return self.new + self.in_progress + self.awaiting_requester


def office_days(session: Session, today: dt.date) -> dict[str, OfficeDay]:
    """Per office with open requests: counts by status, and those overdue (``due_on < today``)."""
    rows = session.exec(
        select(
            Request.office_id,
            Request.status,
            func.count(),
            func.sum(case((col(Request.due_on) < today, 1), else_=0)),
        )
        .where(col(Request.status).in_(sorted(OPEN_STATUSES)))
        .group_by(col(Request.office_id), col(Request.status))
    ).all()
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for office_id, status, count, late in rows:
        counts[office_id][status] += int(count)
        counts[office_id]["overdue"] += int(late or 0)
    return {
        office_id: OfficeDay(
            office_id,
            new=c[RequestStatus.NEW],
            in_progress=c[RequestStatus.IN_PROGRESS],
            awaiting_requester=c[RequestStatus.AWAITING_REQUESTER],
            overdue=c["overdue"],
        )
        for office_id, c in counts.items()
    }


def queue_digests(uow: UnitOfWork) -> JobRun:
    """On a working day, one ``office_digest`` notice to each agent of each office that has open requests:
    new, in progress, awaiting the requester, overdue. An office with nothing open gets no digest (a daily
    message of zeros teaches people to ignore the digest); nothing at all on a weekend or a holiday.
    """
    today = uow.today()
    if not uow.calendar.is_working_day(today):
        return JobRun(today, False)
    considered = 0
    notices: list[notify.Notice] = []
    with uow.transaction() as session:
        agents = _agents(session)
        for office_id, day in sorted(office_days(session, today).items()):
            if day.open == 0 or not agents.get(office_id):
                continue
            considered += 1
            params = {
                "office_id": office_id,
                "date": today.isoformat(),
                "new": day.new,
                "in_progress": day.in_progress,
                "awaiting_requester": day.awaiting_requester,
                "overdue": day.overdue,
            }
            notices += [
                notify.Notice(
                    recipient,
                    notify.Kind.OFFICE_DIGEST,
                    f"{notify.Kind.OFFICE_DIGEST}:{office_id}:{today}:{recipient}",
                    params,
                )
                for recipient in sorted(set(agents[office_id]))
            ]
        queued = notify.queue_many(session, notices)
    return JobRun(today, True, considered, queued)


def remind_requesters(uow: UnitOfWork) -> JobRun:
    """Remind requesters whose request has been awaiting their documents for a while.

    The wait counts in working days from the office's last request for documents (the latest
    ``documents_asked`` event); every ``settings.requester_reminder_after_days`` of waiting makes one
    period, and each period gets one ``documents_reminder`` (3, 6, 9 … working days with the default).
    Nothing is written on a day off.
    """
    today = uow.today()
    calendar = uow.calendar
    if not calendar.is_working_day(today):
        return JobRun(today, False)
    every = uow.settings.requester_reminder_after_days
    considered = 0
    notices: list[notify.Notice] = []
    with uow.transaction() as session:
        last_ask = (
            select(RequestEvent.request_id, func.max(RequestEvent.id).label("event_id"))
            .where(RequestEvent.kind == EventKind.DOCUMENTS_ASKED)
            .group_by(col(RequestEvent.request_id))
            .subquery()
        )
        rows = session.exec(
            select(Request, RequestEvent, Account.telegram_user_id)
            .join(last_ask, last_ask.c.request_id == col(Request.id))
            .join(RequestEvent, col(RequestEvent.id) == last_ask.c.event_id)
            .join(Account, col(Account.id) == col(Request.requester_account_id))
            .where(Request.status == RequestStatus.AWAITING_REQUESTER)
            .order_by(col(Request.id))
        ).all()
        for request, asked, requester in rows:
            asked_on = calendar.local_date(asked.at)
            waiting = calendar.working_days_between(asked_on, today)
            period = waiting // every
            if period < 1:
                continue
            considered += 1
            params = notify.request_params(
                request, office_id=request.office_id, asked_on=asked_on, days_waiting=waiting, text=asked.note
            )
            key = f"{notify.Kind.DOCUMENTS_REMINDER}:r{request.id}:e{asked.id}:p{period}:{requester}"
            notices.append(notify.Notice(requester, notify.Kind.DOCUMENTS_REMINDER, key, params, request.id))
        queued = notify.queue_many(session, notices)
    return JobRun(today, True, considered, queued)

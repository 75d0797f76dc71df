"""Named queries the bot needs. Plain reads: permission checks live in ``desk.views``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, col, select

from models.outbox import Notification, NotificationStatus
from models.people import Account, Agent, RegistrationStatus, StaffMember
from models.requests import OPEN_STATUSES, Attachment, Request, RequestEvent, RequestMessage

DEFAULT_PAGE = 20
MAX_PAGE = 100


def _page(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, MAX_PAGE)), max(0, offset)


def office_queue(
    session: Session,
    office_ids: str | Sequence[str],
    *,
    today: dt.date,
    statuses: Iterable[str] | None = None,
    limit: int = DEFAULT_PAGE,
    offset: int = 0,
) -> list[Request]:
    """One page of an office's queue (several offices for an agent serving more than one).

    ``statuses`` defaults to the open ones (new, in progress, awaiting the requester); open
    requests come overdue first (``due_on < today``, ``today`` being the local date), then
    oldest first. A queue of closed statuses only comes newest first. Uses the
    (office_id, status, created_at) index.
    """
    limit, offset = _page(limit, offset)
    wanted = sorted(set(statuses) if statuses is not None else OPEN_STATUSES)
    offices = [office_ids] if isinstance(office_ids, str) else list(office_ids)
    query = select(Request).where(col(Request.office_id).in_(offices), col(Request.status).in_(wanted))
    if set(wanted) & OPEN_STATUSES:
        overdue_last = case(
            (and_(col(Request.due_on) < today, col(Request.status).in_(sorted(OPEN_STATUSES))), 0), else_=1
        )
        query = query.order_by(overdue_last, col(Request.created_at), col(Request.id))
    else:
        query = query.order_by(col(Request.created_at).desc(), col(Request.id).desc())
    return list(session.exec(query.limit(limit).offset(offset)).all())


def person_requests(
    session: Session,
    account_id: int,
    *,
    school_code: str | None = None,
    limit: int = DEFAULT_PAGE,
    offset: int = 0,
) -> list[Request]:
    """A person's requests, newest first: those they filed, plus (``school_code`` given, for a
    principal) those filed for staff of that school."""
    limit, offset = _page(limit, offset)
    condition = col(Request.requester_account_id) == account_id
    if school_code is not None:
        condition = or_(condition, col(Request.behalf_school_code) == school_code)
    query = (
        select(Request)
        .where(condition)
        .order_by(col(Request.created_at).desc(), col(Request.id).desc())
        .limit(limit)
        .offset(offset)
    )
    return list(session.exec(query).all())


@dataclass(frozen=True)
class RequestHistory:
    """A request with its whole history, each list in the order things happened."""

    request: Request
    events: list[RequestEvent]
    messages: list[RequestMessage]
    attachments: list[Attachment]


def request_history(session: Session, request_id: int) -> RequestHistory | None:
    """The request, its event log, message thread and attachments (None when it does not exist)."""
    request = session.get(Request, request_id)
    if request is None:
        return None
    events = session.exec(
        select(RequestEvent).where(RequestEvent.request_id == request_id).order_by(col(RequestEvent.id))
    ).all()
    messages = session.exec(
        select(RequestMessage).where(RequestMessage.request_id == request_id).order_by(col(RequestMessage.id))
    ).all()
    attachments = session.exec(
        select(Attachment).where(Attachment.request_id == request_id).order_by(col(Attachment.id))
    ).all()
    return RequestHistory(request, list(events), list(messages), list(attachments))


def request_by_reference(session: Session, reference: str) -> Request | None:
    """The request with this reference (exact, upper-cased), or None."""
    return session.exec(select(Request).where(Request.reference == reference.strip().upper())).first()


def request_id_for_telegram_message(session: Session, chat_id: int, message_id: int) -> int | None:
    """Which request a Telegram message belongs to: a delivered notification or a thread message.

    Lets a reply to a bot message find its request after a restart.
    """
    found = session.exec(
        select(Notification.request_id).where(
            Notification.delivered_chat_id == chat_id, Notification.delivered_message_id == message_id
        )
    ).first()
    if found is not None:
        return found
    return session.exec(
        select(RequestMessage.request_id).where(
            RequestMessage.telegram_chat_id == chat_id, RequestMessage.telegram_message_id == message_id
        )
    ).first()


def agents(session: Session, office_id: str | None = None) -> list[Agent]:
    """Agents (one row per office served), by office then Telegram id."""
    query = select(Agent).order_by(col(Agent.office_id), col(Agent.telegram_user_id))
    if office_id is not None:
        query = query.where(Agent.office_id == office_id)
    return list(session.exec(query).all())


def pending_registrations(session: Session, limit: int = DEFAULT_PAGE, offset: int = 0) -> list[Account]:
    """Accounts waiting for approval, oldest first."""
    limit, offset = _page(limit, offset)
    query = (
        select(Account)
        .where(Account.registration_status == RegistrationStatus.PENDING)
        .order_by(col(Account.created_at), col(Account.id))
        .limit(limit)
        .offset(offset)
    )
    return list(session.exec(query).all())


def school_staff(session: Session, school_code: str) -> list[StaffMember]:
    """The roster entries of one school, by Arabic name."""
    query = select(StaffMember).where(StaffMember.school_code == school_code)
    query = query.order_by(col(StaffMember.full_name_ar))
    return list(session.exec(query).all())


def due_notifications(session: Session, now: dt.datetime, limit: int = 50) -> list[Notification]:
    """Pending notifications whose next attempt time has come, oldest first (for the delivery worker)."""
    query = (
        select(Notification)
        .where(Notification.status == NotificationStatus.PENDING, col(Notification.next_attempt_at) <= now)
        .order_by(col(Notification.next_attempt_at), col(Notification.id))
        .limit(limit)
    )
    return list(session.exec(query).all())


@dataclass(frozen=True)
class OfficeCounts:
    """One office's figures: open requests, those overdue, and those resolved since ``since``."""

    office_id: str
    open: int
    overdue: int
    resolved: int


def office_counts(session: Session, *, today: dt.date, since: dt.datetime) -> list[OfficeCounts]:
    """Per office with any request: open, overdue (open and ``due_on < today``), resolved since ``since``."""
    is_open = col(Request.status).in_(sorted(OPEN_STATUSES))
    resolved = and_(col(Request.status) == "resolved", col(Request.closed_at) >= since)
    query = (
        select(
            Request.office_id,
            func.sum(case((is_open, 1), else_=0)),
            func.sum(case((and_(is_open, col(Request.due_on) < today), 1), else_=0)),
            func.sum(case((resolved, 1), else_=0)),
        )
        .group_by(col(Request.office_id))
        .order_by(col(Request.office_id))
    )
    return [OfficeCounts(office, int(o or 0), int(late or 0), int(done or 0))
            for office, o, late, done in session.exec(query).all()]


def office_agents_with_names(session: Session, office_id: str) -> list[tuple[Agent, StaffMember | None]]:
    """The agents of one office, heads first, each with their roster entry when their account is linked."""
    query = (
        select(Agent, StaffMember)
        .join(Account, col(Account.telegram_user_id) == col(Agent.telegram_user_id), isouter=True)
        .join(StaffMember, col(StaffMember.id) == col(Account.staff_member_id), isouter=True)
        .where(Agent.office_id == office_id)
        .order_by(col(Agent.is_head).desc(), col(Agent.telegram_user_id))
    )
    return [(agent, staff) for agent, staff in session.exec(query).all()]

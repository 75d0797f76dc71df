"""The outbox's bookkeeping: which notices are due, what they are about, and how each delivery went.

Delivery itself (Telegram) is the bot's job; this module only reads and updates the outbox rows, each change in
its own transaction, so a crash between sending and recording leads to one duplicate at worst, never a loss.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import func, select

from desk.uow import UnitOfWork
from models import Account, Attachment, Notification, NotificationStatus, Request, StaffMember
from models import queries as q

MAX_ATTEMPTS = 12
ERROR_LIMIT = 500


@dataclass(frozen=True)
class NoticeSubject:
    """What a notice about a request needs to say: the request, who filed it, for whom, and its files."""

    request: Request
    requester: StaffMember | None
    on_behalf_of: StaffMember | None
    attachments: list[Attachment]


def due(uow: UnitOfWork, limit: int = 50) -> list[Notification]:
    """Pending notices whose time has come, oldest first."""
    with uow.reading() as session:
        return q.due_notifications(session, uow.now(), limit)


def language_of(uow: UnitOfWork, telegram_id: int) -> str:
    """The language a person chose (their account's), else the directorate's default."""
    with uow.reading() as session:
        account = session.exec(select(Account).where(Account.telegram_user_id == telegram_id)).first()
    if account is not None and account.language in ("ar", "fr"):
        return account.language
    return uow.settings.default_language


def subject(uow: UnitOfWork, request_id: int) -> NoticeSubject | None:
    with uow.reading() as session:
        request = session.get(Request, request_id)
        if request is None:
            return None
        account = session.get(Account, request.requester_account_id)
        requester = session.get(StaffMember, account.staff_member_id) if account and account.staff_member_id else None
        behalf = session.get(StaffMember, request.on_behalf_of_staff_id) if request.on_behalf_of_staff_id else None
        files = list(session.exec(select(Attachment).where(Attachment.request_id == request_id)).all())
        return NoticeSubject(request, requester, behalf, files)


def mark_sent(uow: UnitOfWork, notification_id: int, chat_id: int, message_id: int) -> None:
    with uow.transaction() as session:
        row = session.get(Notification, notification_id)
        if row is None or row.status == NotificationStatus.SENT:
            return
        row.status = NotificationStatus.SENT
        row.sent_at = uow.now()
        row.attempts += 1
        row.delivered_chat_id, row.delivered_message_id = chat_id, message_id
        row.last_error = None
        session.add(row)


def mark_retry(
    uow: UnitOfWork, notification_id: int, error: str, delay: dt.timedelta, *, refused: bool = False
) -> str:
    """Try again after ``delay``. Returns the row's status.

    Transient failures (timeouts, 5xx, network, 429) are retried for as long as it takes: at-least-once.
    A notice Telegram ``refused`` (400 for our own wording, or one that could not be rendered) is marked
    failed after ``MAX_ATTEMPTS`` tries, so that a bug costs one notice, never the queue.
    """
    with uow.transaction() as session:
        row = session.get(Notification, notification_id)
        if row is None:
            return NotificationStatus.FAILED
        if row.status != NotificationStatus.PENDING:
            return row.status
        row.attempts += 1
        row.last_error = error[:ERROR_LIMIT]
        if refused and row.attempts >= MAX_ATTEMPTS:
            row.status = NotificationStatus.FAILED
        else:
            row.next_attempt_at = uow.now() + delay
        session.add(row)
        return row.status


def counts(uow: UnitOfWork) -> dict[str, int]:
    """How many notices are in each status (pending, sent, failed, undeliverable)."""
    with uow.reading() as session:
        rows = session.exec(
            select(Notification.status, func.count()).group_by(Notification.status)  # type: ignore[call-overload]
        ).all()
    return {str(status): int(n) for status, n in rows}


def mark_undeliverable(uow: UnitOfWork, notification_id: int, error: str) -> None:
    """The person cannot be reached (blocked the bot, chat gone): never retried, shown to the office."""
    with uow.transaction() as session:
        row = session.get(Notification, notification_id)
        if row is None:
            return
        row.attempts += 1
        row.status = NotificationStatus.UNDELIVERABLE
        row.last_error = error[:ERROR_LIMIT]
        session.add(row)


def undeliverable_for(uow: UnitOfWork, request_id: int) -> list[Notification]:
    """Notices about a request that could not reach their recipient (shown to the agent on the request)."""
    with uow.reading() as session:
        rows = session.exec(
            select(Notification).where(
                Notification.request_id == request_id,
                Notification.status == NotificationStatus.UNDELIVERABLE,
            )
        ).all()
        return list(rows)

"""Outbox rows the desk writes: a kind and its params per recipient, never prose.

Every notice is written in the transaction of the change that caused it, with a unique
``dedup_key`` (kind, event, recipient) so that the same event never queues the same notice twice.
The actor is never notified of their own action. The Telegram layer renders ``kind`` + ``params``
in the recipient's language.

Kinds and their params (request notices also carry ``reference`` and ``request_type``;
the holder is the agent the request is assigned to):

=============================  ====================================  =====================================
kind                           recipient                             extra params
=============================  ====================================  =====================================
request_created_for_office     the office's agents                   office_id, due_on, on_behalf
request_transferred_to_office  the new office's agents               from_office_id, office_id, note, due_on
request_transferred            the requester                         office_id, status
status_changed                 the requester                         old_status, status, event, note
office_reply                   the requester                         message_id, text, status
documents_asked                the requester                         message_id, text, status
requester_answered             the holder (else the office's agents) message_id, text, status, files
information_added              the holder (else the office's agents) message_id, text, status, files
request_withdrawn              the holder (else the office's agents) note
request_reopened               the holder (else the office's agents) note, status, due_on
request_assigned               the agent a head assigned it to       office_id, due_on
registration_pending           admins and admin-status agents        account_id, claimed_name, claimed_ppr
registration_approved          the registered person                 (none)
registration_refused           the registered person                 reason
request_overdue                the holder (else the office's agents) office_id, due_on, days_late
request_escalated              the office's head (else the admins)   office_id, due_on, days_late, claimed
documents_reminder             the requester                         office_id, asked_on, days_waiting, text
office_digest                  each agent of the office (no request) office_id, date, new, in_progress,
                                                                     awaiting_requester, overdue
=============================  ====================================  =====================================

The last four are written by the scheduled jobs (``desk.reminders``), once per request and day, per
escalation, per waiting period, or per office and day: their ``dedup_key`` says which.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from models import Account, Agent, Notification, NotificationStatus, Request, RequestEvent
from models.types import utcnow


class Kind(StrEnum):
    REQUEST_CREATED_FOR_OFFICE = "request_created_for_office"
    REQUEST_TRANSFERRED_TO_OFFICE = "request_transferred_to_office"
    REQUEST_TRANSFERRED = "request_transferred"
    STATUS_CHANGED = "status_changed"
    OFFICE_REPLY = "office_reply"
    DOCUMENTS_ASKED = "documents_asked"
    REQUESTER_ANSWERED = "requester_answered"
    INFORMATION_ADDED = "information_added"
    REQUEST_WITHDRAWN = "request_withdrawn"
    REQUEST_REOPENED = "request_reopened"
    REQUEST_ASSIGNED = "request_assigned"
    REGISTRATION_PENDING = "registration_pending"
    REGISTRATION_APPROVED = "registration_approved"
    REGISTRATION_REFUSED = "registration_refused"
    REQUEST_OVERDUE = "request_overdue"
    REQUEST_ESCALATED = "request_escalated"
    DOCUMENTS_REMINDER = "documents_reminder"
    OFFICE_DIGEST = "office_digest"


@dataclass(frozen=True)
class Notice:
    """One notification to write: to whom, what, and the key that makes it happen once."""

    recipient: int
    kind: Kind
    dedup_key: str
    params: dict[str, Any]
    request_id: int | None = None


BATCH = 500  # rows per executemany


def queue_many(session: Session, notices: Iterable[Notice]) -> int:
    """Write pending notifications (due now: the unit of work's clock), skipping every ``dedup_key`` that
    already exists. Returns how many rows were written. One statement compiled once and executed for all
    the rows keeps a scheduled job's write transaction short (SQLite has one writer at a time)."""
    now = session.info.get("now") or utcnow()  # the unit of work's clock (desk.uow.NOW), so tests may set it
    rows = [
        {
            "recipient_telegram_id": n.recipient,
            "kind": str(n.kind),
            "request_id": n.request_id,
            "params": n.params,
            "status": NotificationStatus.PENDING.value,
            "attempts": 0,
            "dedup_key": n.dedup_key[:160],
            "next_attempt_at": now,
            "created_at": now,
        }
        for n in notices
    ]
    if not rows:
        return 0
    session.flush()  # rows added by the caller first (a notice may point at a request not yet flushed)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = Notification.__table__
    statement = insert(table).on_conflict_do_nothing(index_elements=["dedup_key"]).returning(table.c.id)
    written = 0
    for first in range(0, len(rows), BATCH):  # compiled once, sent as multi-row INSERTs ("insertmanyvalues")
        # RETURNING yields only the rows written (executemany's rowcount is -1 on psycopg).
        written += len(session.connection().execute(statement, rows[first : first + BATCH]).all())
    return written


def queue(
    session: Session,
    *,
    recipient: int,
    kind: Kind,
    dedup_key: str,
    params: dict[str, Any],
    request_id: int | None = None,
    now: dt.datetime | None = None,
) -> bool:
    """Write one pending notification (due at ``now``, default: the current time) unless one with
    ``dedup_key`` already exists. True when a row was written."""
    return queue_many(session, [Notice(recipient, kind, dedup_key, params, request_id)]) == 1


def request_params(request: Request, **extra: Any) -> dict[str, Any]:
    """The params every request notice carries, plus ``extra`` (dates become ISO strings)."""
    params: dict[str, Any] = {"reference": request.reference, "request_type": request.request_type}
    for key, value in extra.items():
        params[key] = value.isoformat() if hasattr(value, "isoformat") else value
    return params


def _to_each(
    session: Session,
    recipients: Iterable[int],
    *,
    kind: Kind,
    request: Request,
    event: RequestEvent,
    params: dict[str, Any],
    skip: int | None,
) -> None:
    for recipient in sorted(set(recipients)):
        if recipient == skip:
            continue
        queue(
            session,
            recipient=recipient,
            kind=kind,
            dedup_key=f"{kind}:e{event.id}:{recipient}",
            params=params,
            request_id=request.id,
            now=event.at,
        )


def office_agent_ids(session: Session, office_id: str) -> list[int]:
    """Telegram ids of the agents serving ``office_id``."""
    return list(session.exec(select(Agent.telegram_user_id).where(Agent.office_id == office_id)).all())


def to_requester(
    session: Session,
    request: Request,
    event: RequestEvent,
    kind: Kind,
    params: dict[str, Any],
    skip: int | None,
) -> None:
    """Notify the person who filed ``request`` (not when they caused the event themselves)."""
    telegram_id = session.exec(
        select(Account.telegram_user_id).where(Account.id == request.requester_account_id)
    ).one()
    _to_each(session, [telegram_id], kind=kind, request=request, event=event, params=params, skip=skip)


def to_office(
    session: Session,
    request: Request,
    event: RequestEvent,
    kind: Kind,
    params: dict[str, Any],
    skip: int | None,
    office_id: str | None = None,
) -> None:
    """Notify every agent of ``office_id`` (default: the request's office), except ``skip``."""
    recipients = office_agent_ids(session, office_id or request.office_id)
    _to_each(session, recipients, kind=kind, request=request, event=event, params=params, skip=skip)


def to_handler(
    session: Session,
    request: Request,
    event: RequestEvent,
    kind: Kind,
    params: dict[str, Any],
    skip: int | None,
) -> None:
    """Notify the agent holding the request, or every agent of its office when nobody holds it."""
    if request.assignee_telegram_id is not None:
        _to_each(
            session,
            [request.assignee_telegram_id],
            kind=kind,
            request=request,
            event=event,
            params=params,
            skip=skip,
        )
    else:
        to_office(session, request, event, kind, params, skip)


def to_agent(
    session: Session, request: Request, event: RequestEvent, kind: Kind, params: dict[str, Any], agent: int
) -> None:
    """Notify one agent."""
    _to_each(session, [agent], kind=kind, request=request, event=event, params=params, skip=None)


def to_person(
    session: Session,
    recipient: int,
    kind: Kind,
    dedup_key: str,
    params: dict[str, Any],
    now: dt.datetime | None = None,
) -> None:
    """Notify one person about something that is not a request (registrations)."""
    queue(
        session,
        recipient=recipient,
        kind=kind,
        dedup_key=f"{kind}:{dedup_key}:{recipient}",
        params=params,
        now=now,
    )

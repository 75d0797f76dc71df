"""Requests and what hangs off them: messages, attachments, the event log, reference counters."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlmodel import Field, SQLModel

from models import base as _base  # noqa: F401  (naming convention before any table)
from models.types import UTCDateTime, utcnow


class RequestStatus(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    AWAITING_REQUESTER = "awaiting_requester"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


OPEN_STATUSES: frozenset[str] = frozenset(
    {RequestStatus.NEW, RequestStatus.IN_PROGRESS, RequestStatus.AWAITING_REQUESTER}
)
CLOSED_STATUSES: frozenset[str] = frozenset(
    {RequestStatus.RESOLVED, RequestStatus.REJECTED, RequestStatus.WITHDRAWN}
)


class EventKind(StrEnum):
    CREATED = "created"
    ROUTED = "routed"
    CLAIMED = "claimed"
    REPLIED = "replied"
    DOCUMENTS_ASKED = "documents_asked"
    REQUESTER_ANSWERED = "requester_answered"
    INFORMATION_ADDED = "information_added"
    TRANSFERRED = "transferred"
    REASSIGNED = "reassigned"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    REOPENED = "reopened"


class Side(StrEnum):
    REQUESTER = "requester"
    OFFICE = "office"


def _fk(target: str, *, nullable: bool, ondelete: str = "RESTRICT", index: bool = False) -> Any:
    return Field(
        default=None,
        sa_column=Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index),
    )


class Request(SQLModel, table=True):
    """A matter filed by a requester, routed to one office, with a reference and a due date."""

    __tablename__ = "requests"
    __table_args__ = (
        # An office's queue: filter by office and status, order by age.
        Index("ix_requests_office_id_status_created_at", "office_id", "status", "created_at"),
        # A person's requests, newest first.
        Index("ix_requests_requester_account_id_created_at", "requester_account_id", "created_at"),
        # A principal's view of the requests filed for their school's staff.
        Index("ix_requests_behalf_school_code_created_at", "behalf_school_code", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(sa_type=String(24), unique=True)
    request_type: str = Field(sa_type=String(40))
    office_id: str = Field(sa_type=String(40))
    status: str = Field(sa_type=String(20))
    requester_account_id: int = _fk("accounts.id", nullable=False)
    on_behalf_of_staff_id: int | None = _fk("staff_members.id", nullable=True)
    # The school of the staff member filed for; lets a principal see their school's requests.
    behalf_school_code: str | None = Field(default=None, sa_type=String(32))
    assignee_telegram_id: int | None = Field(default=None, sa_type=BigInteger)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    filed_on: dt.date = Field(sa_type=Date)
    due_on: dt.date = Field(sa_type=Date)
    source_key: str | None = Field(default=None, sa_type=String(120), unique=True)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def is_open(self) -> bool:
        """True while the request is new, in progress or awaiting the requester."""
        return self.status in OPEN_STATUSES

    def is_overdue(self, now: dt.datetime | dt.date, tz: str = "Africa/Casablanca") -> bool:
        """True when the request is still open and its due date has passed.

        ``now`` is an aware datetime (converted to the local date in ``tz``, the directorate's
        zone) or already a local date.  A request due today is not overdue yet.
        """
        if isinstance(now, dt.datetime):
            now = now.astimezone(ZoneInfo(tz)).date()
        return self.is_open and now > self.due_on


class RequestMessage(SQLModel, table=True):
    """One message of the thread between the requester and the office."""

    __tablename__ = "request_messages"
    __table_args__ = (
        Index("ix_request_messages_request_id_id", "request_id", "id"),
        Index(
            "ix_request_messages_telegram_chat_id_telegram_message_id",
            "telegram_chat_id",
            "telegram_message_id",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = _fk("requests.id", nullable=False, ondelete="CASCADE")
    author_side: str = Field(sa_type=String(10))
    author_account_id: int | None = _fk("accounts.id", nullable=True)
    author_telegram_id: int | None = Field(default=None, sa_type=BigInteger)
    text: str = Field(sa_type=Text)
    # The Telegram message this text came from (or was delivered as), to map replies back.
    telegram_chat_id: int | None = Field(default=None, sa_type=BigInteger)
    telegram_message_id: int | None = Field(default=None, sa_type=BigInteger)
    source_key: str | None = Field(default=None, sa_type=String(120), unique=True)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Attachment(SQLModel, table=True):
    """A Telegram file attached to a request (identifiers and metadata only, never the bytes)."""

    __tablename__ = "attachments"
    __table_args__ = (UniqueConstraint("request_id", "file_unique_id"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = _fk("requests.id", nullable=False, ondelete="CASCADE")
    message_id: int | None = _fk("request_messages.id", nullable=True, ondelete="SET NULL")
    file_id: str = Field(sa_type=String(255))
    file_unique_id: str = Field(sa_type=String(64))
    file_name: str | None = Field(default=None, sa_type=String(255))
    mime_type: str | None = Field(default=None, sa_type=String(100))
    size: int | None = Field(default=None, sa_type=BigInteger)
    added_by_telegram_id: int = Field(sa_type=BigInteger)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RequestEvent(SQLModel, table=True):
    """One line of a request's append-only history: who did what, when."""

    __tablename__ = "request_events"
    __table_args__ = (Index("ix_request_events_request_id_id", "request_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = _fk("requests.id", nullable=False, ondelete="CASCADE")
    kind: str = Field(sa_type=String(30))
    actor_telegram_id: int | None = Field(default=None, sa_type=BigInteger)
    actor_side: str = Field(sa_type=String(10))
    from_status: str | None = Field(default=None, sa_type=String(20))
    to_status: str | None = Field(default=None, sa_type=String(20))
    from_office_id: str | None = Field(default=None, sa_type=String(40))
    to_office_id: str | None = Field(default=None, sa_type=String(40))
    note: str | None = Field(default=None, sa_type=Text)
    # Who holds the request after the event (claimed, reassigned, transferred → None).
    assignee_telegram_id: int | None = Field(default=None, sa_type=BigInteger)
    at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


@event.listens_for(RequestEvent, "before_update")
@event.listens_for(RequestEvent, "before_delete")
def _events_are_append_only(mapper: Any, connection: Any, target: RequestEvent) -> None:
    raise RuntimeError("request events are append-only")


class ReferenceCounter(SQLModel, table=True):
    """The last reference sequence number used in a year."""

    __tablename__ = "reference_counters"

    year: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    value: int = Field(default=0, sa_type=Integer)

"""The outbox: notifications written with the change that caused them, delivered later."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from models import base as _base  # noqa: F401  (naming convention before any table)
from models.types import UTCDateTime, utcnow


class NotificationStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    UNDELIVERABLE = "undeliverable"


class Notification(SQLModel, table=True):
    """A message to one person: a ``kind`` and its ``params``; the text is rendered at delivery.

    ``dedup_key`` is unique: the same event never queues the same notice twice.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        # The delivery worker's scan: pending rows whose time has come.
        Index("ix_notifications_status_next_attempt_at", "status", "next_attempt_at"),
        Index(
            "ix_notifications_delivered_chat_id_delivered_message_id",
            "delivered_chat_id",
            "delivered_message_id",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient_telegram_id: int = Field(sa_type=BigInteger)
    kind: str = Field(sa_type=String(40))
    request_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("requests.id", ondelete="CASCADE"), nullable=True, index=True),
    )
    params: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    status: str = Field(default=NotificationStatus.PENDING, sa_type=String(15))
    attempts: int = Field(default=0, sa_type=Integer)
    next_attempt_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, sa_type=Text)
    dedup_key: str = Field(sa_type=String(160), unique=True)
    # The Telegram message it was delivered as, so that a reply to it finds its request.
    delivered_chat_id: int | None = Field(default=None, sa_type=BigInteger)
    delivered_message_id: int | None = Field(default=None, sa_type=BigInteger)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)

"""What the Telegram layer keeps between updates: conversation states and per-person drafts (JSON)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, String
from sqlmodel import Field, SQLModel

from models import base as _base  # noqa: F401  (naming convention before any table)
from models.types import UTCDateTime, utcnow


class BotState(SQLModel, table=True):
    """One stored piece of bot state: a conversation's state, or one person's or chat's data.

    ``scope`` is "conversation:<name>", "user" or "chat"; ``key`` is the chat/user id(s) as text. Scope "job"
    holds each scheduled job's last completed slot (``key`` = the job's name, see ``bot.jobs``).
    """

    __tablename__ = "bot_state"

    scope: str = Field(sa_column=Column(String(64), primary_key=True))
    key: str = Field(sa_column=Column(String(64), primary_key=True))
    data: Any = Field(sa_column=Column(JSON, nullable=True))
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))

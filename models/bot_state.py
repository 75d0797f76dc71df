"""What the Telegram layer keeps between updates: conversation states and per-person drafts (JSON)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Connection, String, bindparam, delete, insert, update
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


_TABLE = BotState.__table__  # type: ignore[attr-defined]
_ROW = (_TABLE.c.scope == bindparam("b_scope")) & (_TABLE.c.key == bindparam("b_key"))
_UPDATE = update(_TABLE).where(_ROW).values(data=bindparam("b_data"), updated_at=bindparam("b_updated"))
_INSERT = insert(_TABLE).values(
    scope=bindparam("b_scope"), key=bindparam("b_key"), data=bindparam("b_data"), updated_at=bindparam("b_updated")
)
_DELETE = delete(_TABLE).where(_ROW)


def put_state(connection: Connection, scope: str, key: str, data: Any, now: dt.datetime) -> None:
    """Store ``data`` under (scope, key), or remove the row when ``data`` is None, inside the caller's transaction.

    Prebuilt statements on the connection: conversations write after most of their steps.
    """
    where = {"b_scope": scope, "b_key": key}
    if data is None:
        connection.execute(_DELETE, where)
        return
    values = {**where, "b_data": data, "b_updated": now}
    if connection.execute(_UPDATE, values).rowcount == 0:
        connection.execute(_INSERT, values)

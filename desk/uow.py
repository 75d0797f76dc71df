"""The unit of work every desk function receives: database, settings, knowledge base and clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlmodel import Session

from desk.calendar import WorkingCalendar
from models.db import session_scope
from models.types import utcnow

NOW = "now"  # Session.info key: the unit of work's clock reading at the start of the transaction

if TYPE_CHECKING:
    from bot.settings import Settings
    from knowledge.loader import Directory


class UnitOfWork:
    """What a desk function needs besides the actor.

    ``transaction()`` opens one database transaction that commits when its block ends and
    rolls back on any exception, so a desk function that raises has changed nothing.
    ``clock`` returns the current aware UTC time (tests pass a fixed one).
    """

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        directory: Directory,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.directory = directory
        self.clock = clock

    @cached_property
    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar(self.settings)

    def now(self) -> dt.datetime:
        """The current instant, timezone-aware, in UTC."""
        now = self.clock()
        if now.tzinfo is None:
            raise ValueError("the clock must return an aware datetime")
        return now.astimezone(dt.UTC)

    def today(self) -> dt.date:
        """Today's date in the directorate's timezone."""
        return self.calendar.local_date(self.now())

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One write transaction (BEGIN IMMEDIATE on SQLite): commit at the end, rollback on error."""
        with session_scope(self.engine, write=True) as session:
            session.info[NOW] = (
                self.now()
            )  # what the desk writes is stamped with this clock (outbox rows too)
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """One read-only transaction (no write lock taken on SQLite)."""
        with session_scope(self.engine, write=False) as session:
            yield session

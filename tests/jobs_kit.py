"""Shared by the scheduled-job tests: setting the clock to a local day and hour, calling a job's callback
directly (as the scheduler would, without waiting for it), reading the outbox, and a French-speaking agent."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.context import BotContext
from desk.people import register
from desk.uow import UnitOfWork
from models import Notification
from tests.botkit import World
from tests.conftest import Clock, add_staff

CASABLANCA = ZoneInfo("Africa/Casablanca")


def on(clock: Clock, day: dt.date, hour: int = 9, minute: int = 0) -> None:
    """Set the clock to ``day`` at ``hour:minute`` in Casablanca."""
    clock.now = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=CASABLANCA).astimezone(dt.UTC)


def context(world: World) -> BotContext:
    """What PTB hands a job callback: a context of the application."""
    return BotContext(world.app)


def notices(uow: UnitOfWork, kind: str) -> list[Notification]:
    """The outbox rows of one kind, oldest first."""
    with uow.reading() as session:
        query = select(Notification).where(Notification.kind == kind).order_by(col(Notification.id))
        return list(session.exec(query).all())


def recipients(uow: UnitOfWork, kind: str) -> list[int]:
    return [n.recipient_telegram_id for n in notices(uow, kind)]


def french_agent(uow: UnitOfWork, telegram_id: int) -> None:
    """Give an agent a roster entry and an account that speaks French."""
    with uow.transaction() as session:
        ppr, cin = f"30{telegram_id:05d}", f"VC{telegram_id:06d}"
        add_staff(session, ppr, cin, "administrative", "07001X", "agent")
    register(uow, telegram_id, ppr, cin, language="fr")


def texts(world: World, telegram_id: int, needle: str) -> list[dict[str, Any]]:
    """The bot's messages to a person that contain ``needle``."""
    return [m for m in world.inbox(telegram_id) if needle in (m.get("text") or m.get("caption") or "")]

"""Shared by the office-side bot tests: a world where the cast has already opened a chat with the bot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from bot.settings import Settings
from desk.uow import UnitOfWork
from tests.botkit import World, start_world, stop_world
from tests.conftest import ADMIN_ID

# Telegram lets a bot write only to people who have opened a chat with it.
EVERYBODY = (101, 102, 103, 201, 301, 302, 303, 401, 501, ADMIN_ID)


async def office_world(
    uow: UnitOfWork, settings: Settings, people: Iterable[int] = EVERYBODY
) -> AsyncIterator[World]:
    world = await start_world(uow, settings)
    for telegram_id in people:
        world.api.add_chat(world.user(telegram_id))
    yield world
    await stop_world(world)


def alert(world: World) -> str:
    """The pop-up of the last press (it must be one)."""
    answer = world.press_answer() or {}
    assert answer.get("show_alert"), answer
    return str(answer.get("text", ""))


def notice(world: World, telegram_id: int, reference: str) -> dict[str, Any]:
    """The latest message to this person that mentions the reference and has buttons."""
    found = [m for m in world.inbox(telegram_id) if reference in m.get("text", "") and world.buttons(m)]
    assert found, f"no notice about {reference} for {telegram_id}"
    return found[-1]

"""Long polling with several people at once, over real HTTP: one person waiting on a slow step does not hold up
the others, one person's messages are handled in the order sent, and Telegram hears an update confirmed (the
offset of the next getUpdates) only once it has been handled — stopping the bot included."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from pydantic import SecretStr
from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.app import build_application
from standin import BotApiState, FakeUser, StandinServer

TOKEN = "7000000003:ORDER-TEST-TOKEN"
SLOW = FakeUser(201, "Karima", "ar")
QUICK = FakeUser(202, "Youssef", "fr")
OFFICE = "مكتب تدبير الوضعيات الإدارية والمسار المهني للموظفين"


async def _wait_for(predicate: Any, seconds: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.02)


class Gate:
    """Stands in for a slow step (a slow database, a slow upload) in SLOW's first update; records the order in
    which updates start being handled."""

    def __init__(self) -> None:
        self.opened = asyncio.Event()
        self.started: list[tuple[int, str]] = []
        self.held = 0

    async def __call__(self, update: Update, context: Any) -> None:
        user = update.effective_user
        text = update.message.text if update.message and update.message.text else ""
        assert user is not None
        self.started.append((user.id, text))
        if user.id == SLOW.id and self.held == 0:
            self.held += 1
            await self.opened.wait()
        if text.startswith("#"):  # numbered messages of the ordering test: seen, not answered
            raise ApplicationHandlerStop


@asynccontextmanager
async def polling_bot(uow: Any, settings: Any) -> AsyncIterator[tuple[StandinServer, Gate, Any]]:
    async with StandinServer(BotApiState(token=TOKEN), port=0) as server:
        configured = settings.model_copy(update={
            "telegram_bot_token": SecretStr(TOKEN),
            "telegram_api_base_url": server.base_url,
            "telegram_file_base_url": server.base_file_url,
            "concurrent_updates": 8,
        })
        app = build_application(configured, engine=uow.engine, directory=uow.directory, clock=uow.clock)
        gate = Gate()
        app.add_handler(TypeHandler(Update, gate), group=-100)
        async with app:
            await app.start()
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
            try:
                yield server, gate, app
            finally:
                gate.opened.set()
                if app.updater.running:
                    await app.updater.stop()
                await app.stop()


def _unconfirmed(server: StandinServer, user: FakeUser) -> list[dict[str, Any]]:
    return [u for u in server.state.updates if u.get("message", {}).get("from", {}).get("id") == user.id]


async def test_a_slow_update_holds_up_no_one_else_and_is_confirmed_only_once_handled(uow, settings, cast):
    async with polling_bot(uow, settings) as (server, gate, _app):
        server.state.user_sends_text(SLOW, "بغيت شهادة العمل")
        server.state.user_sends_text(QUICK, "Attestation de travail")
        await _wait_for(lambda: bool(server.state.sent_to(QUICK.id)))

        assert OFFICE in server.state.sent_to(QUICK.id)[-1]["text"]  # answered while the other waits
        assert server.state.sent_to(SLOW.id) == []
        assert _unconfirmed(server, SLOW), "an update still being handled must not be confirmed to Telegram"

        gate.opened.set()
        await _wait_for(lambda: bool(server.state.sent_to(SLOW.id)))
        await _wait_for(lambda: not server.state.updates)  # both confirmed by the next getUpdates
        assert OFFICE in server.state.sent_to(SLOW.id)[-1]["text"]
    server.state.assert_all_valid()


async def test_one_persons_messages_are_handled_in_the_order_sent(uow, settings, cast):
    async with polling_bot(uow, settings) as (server, gate, _app):
        server.state.user_sends_text(SLOW, "#1")
        for n in range(2, 6):
            server.state.user_sends_text(SLOW, f"#{n}")
        server.state.user_sends_text(QUICK, "Attestation de travail")
        await _wait_for(lambda: bool(server.state.sent_to(QUICK.id)))

        # SLOW's later messages wait behind their first, which is still being handled.
        assert [text for user, text in gate.started if user == SLOW.id] == ["#1"]

        gate.opened.set()
        await _wait_for(lambda: len([u for u, _ in gate.started if u == SLOW.id]) == 5)
        assert [text for user, text in gate.started if user == SLOW.id] == ["#1", "#2", "#3", "#4", "#5"]
        await _wait_for(lambda: not server.state.updates)


async def test_stopping_the_bot_waits_for_the_update_in_hand_then_confirms_it(uow, settings, cast):
    async with polling_bot(uow, settings) as (server, gate, app):
        server.state.user_sends_text(SLOW, "بغيت شهادة العمل")
        await _wait_for(lambda: bool(gate.started))

        stopping = asyncio.create_task(app.updater.stop())
        await asyncio.sleep(0.3)
        assert not stopping.done(), "the poller must not confirm an update that is still being handled"
        assert _unconfirmed(server, SLOW)

        gate.opened.set()
        await asyncio.wait_for(stopping, 10)
        assert OFFICE in server.state.sent_to(SLOW.id)[-1]["text"]
        assert server.state.updates == []  # confirmed on the way out: not handled twice after a restart

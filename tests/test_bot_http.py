"""The whole bot over real HTTP: long polling against a local Bot API stand-in, and a webhook with its secret."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
import pytest
from pydantic import SecretStr

from bot.app import build_application
from standin import BotApiState, FakeUser, StandinServer

TOKEN = "7000000002:HTTP-TEST-TOKEN"
TEACHER = FakeUser(101, "Amina", "ar")


async def _wait_for(predicate, seconds: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.05)


async def test_the_real_polling_loop_answers_a_question_over_http(uow, settings, cast):
    async with StandinServer(BotApiState(token=TOKEN), port=0) as server:
        configured = settings.model_copy(update={
            "telegram_bot_token": SecretStr(TOKEN),
            "telegram_api_base_url": server.base_url,
            "telegram_file_base_url": server.base_file_url,
        })
        app = build_application(configured, engine=uow.engine, directory=uow.directory, clock=uow.clock)
        async with app:
            await app.start()
            await app.updater.start_polling(poll_interval=0.0, timeout=2)
            server.state.user_sends_text(TEACHER, "بغيت شهادة العمل")
            await _wait_for(lambda: bool(server.state.sent_to(TEACHER.id)))
            await app.updater.stop()
            await app.stop()
        answer = server.state.sent_to(TEACHER.id)[-1]["text"]
        assert "مكتب تدبير الوضعيات الإدارية والمسار المهني للموظفين" in answer
        assert server.state.calls_to("getUpdates")
        server.state.assert_all_valid()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_a_webhook_call_without_the_secret_is_refused_and_with_it_is_answered(uow, settings, cast):
    port = _free_port()
    async with StandinServer(BotApiState(token=TOKEN), port=0) as server:
        configured = settings.model_copy(update={
            "telegram_bot_token": SecretStr(TOKEN),
            "telegram_api_base_url": server.base_url,
        })
        app = build_application(configured, engine=uow.engine, directory=uow.directory, clock=uow.clock)
        async with app:
            await app.start()
            await app.updater.start_webhook(
                listen="127.0.0.1", port=port, url_path="hook", secret_token="s3cret-token",
                webhook_url=f"http://127.0.0.1:{port}/hook",
            )
            update = server.state.user_sends_text(TEACHER, "Attestation de travail")
            server.state.updates.clear()  # delivered by us below, not by polling
            async with aiohttp.ClientSession() as http:
                forged = await http.post(f"http://127.0.0.1:{port}/hook", json=update)
                assert forged.status == 403
                good = await http.post(f"http://127.0.0.1:{port}/hook", json=update,
                                       headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"})
                assert good.status == 200
            await _wait_for(lambda: bool(server.state.sent_to(TEACHER.id)))
            await app.updater.stop()
            await app.stop()
        assert len(server.state.sent_to(TEACHER.id)) == 1


@pytest.fixture(autouse=True)
def _sqlite_and_postgres(engine):
    return engine

"""The bot's aiohttp client for the Bot API, over real HTTP against the stand-in: what PTB gets back, and the
errors PTB and the outbox act on (TimedOut, NetworkError, RetryAfter) exactly as with PTB's httpx client."""

from __future__ import annotations

import asyncio
import io
import socket
import time

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message
from telegram.error import NetworkError, RetryAfter, TimedOut

from bot.aiohttp_request import AiohttpRequest
from bot.app import build_application
from standin import BotApiState, FakeUser, StandinRequest, StandinServer

TOKEN = "7000000003:AIOHTTP-TEST-TOKEN-aaaaaaaaaaaaaaaaaaaa"
SARA = FakeUser(3003, "Sara", "ar")


@pytest.fixture
async def server():
    async with StandinServer(BotApiState(token=TOKEN), port=0) as running:
        running.state.add_chat(SARA)
        yield running


def make_bot(server: StandinServer, request: AiohttpRequest | None = None, **updates: float) -> Bot:
    return Bot(
        TOKEN, base_url=server.base_url, base_file_url=server.base_file_url,
        request=request or AiohttpRequest(),
        get_updates_request=AiohttpRequest(connection_pool_size=1, **updates),
    )


async def test_get_me_and_a_message_round_trip(server: StandinServer):
    async with make_bot(server) as bot:
        me = await bot.get_me()
        assert (me.id, me.username, me.is_bot) == (7000000003, "standin_bot", True)
        buttons = InlineKeyboardMarkup([[InlineKeyboardButton("تأكيد", callback_data="ok:1")]])
        text = "<b>طلبكم</b> رقم OD-2026-000123 & co = 1+2 ?"
        sent = await bot.send_message(SARA.id, text, parse_mode="HTML", reply_markup=buttons)
    assert isinstance(sent, Message)
    assert sent.text == "طلبكم رقم OD-2026-000123 & co = 1+2 ?"
    assert sent.entities[0].type == "bold" and sent.chat.id == SARA.id
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == "ok:1"
    assert server.state.last_sent_to(SARA.id)["text"] == sent.text
    server.state.assert_all_valid()


async def test_a_document_upload_comes_back_through_get_file(server: StandinServer):
    content = bytes(range(256)) * 1200  # 300 KB: several slices of the upload
    async with make_bot(server) as bot:
        sent = await bot.send_document(
            SARA.id, InputFile(content, filename="شهادة العمل.pdf"),
            caption="<i>الشهادة</i>", parse_mode="HTML",
        )
        assert sent.document.file_name == "شهادة العمل.pdf"  # UTF-8 as sent by httpx, not percent-encoded
        assert sent.document.file_size == len(content) and sent.caption == "الشهادة"
        file = await bot.get_file(sent.document.file_id)
        assert bytes(await file.download_as_bytearray()) == content
        # An open file handed over as such (PTB reads it only when sending)
        handle = io.BytesIO(b"%PDF-1.4 fiche")
        again = await bot.send_document(
            SARA.id, InputFile(handle, filename="fiche.pdf", read_file_handle=False)
        )
        file = await bot.get_file(again.document.file_id)
        assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4 fiche"
    [first, _] = server.state.calls_to("sendDocument")
    assert first.params["document"].content == content and first.params["chat_id"] == SARA.id
    server.state.assert_all_valid()


async def test_get_updates_long_polls_and_returns_the_update(server: StandinServer):
    async with make_bot(server, read_timeout=1.0) as bot:
        started = time.perf_counter()
        assert await bot.get_updates(timeout=2) == ()  # 2 s of long poll outlast the 1 s read timeout
        assert time.perf_counter() - started >= 1.9
        poll = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.sleep(0.3)
        server.state.user_sends_text(SARA, "بغيت شهادة العمل")
        [update] = await asyncio.wait_for(poll, 3)
    assert update.message.text == "بغيت شهادة العمل" and update.effective_user.id == SARA.id
    assert [c.params.get("timeout") for c in server.state.calls_to("getUpdates")] == [2, 5]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_telegram_flood_control_is_retry_after(server: StandinServer):
    server.state.fail_with_429("sendMessage", retry_after=7)
    async with make_bot(server) as bot:
        with pytest.raises(RetryAfter, match="Retry in 7") as caught:
            await bot.send_message(SARA.id, "x")
        assert caught.value._retry_after.total_seconds() == 7  # what the outbox waits
        assert (await bot.send_message(SARA.id, "y")).text == "y"


async def test_server_errors_and_dropped_connections_are_network_errors(server: StandinServer):
    async with make_bot(server) as bot:
        server.state.fail_with_5xx("sendMessage")
        server.state.fail_with_5xx("getMe", status=500)
        with pytest.raises(NetworkError, match="Bad Gateway") as caught:
            await bot.send_message(SARA.id, "x")
        assert not isinstance(caught.value, TimedOut)
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.get_me()
        server.state.drop_connection("sendMessage")
        with pytest.raises(NetworkError, match="disconnected"):
            await bot.send_message(SARA.id, "x")
        assert (await bot.send_message(SARA.id, "after")).text == "after"  # a new connection is made


async def test_a_server_that_is_not_listening_is_a_network_error(server: StandinServer):
    url = server.url
    await server.stop()  # the port is closed now
    request = AiohttpRequest()
    bot = Bot(TOKEN, base_url=f"{url}/bot", request=request, get_updates_request=AiohttpRequest())
    try:
        with pytest.raises(NetworkError) as caught:
            await bot.send_message(SARA.id, "x")
    finally:
        await request.shutdown()
    assert not isinstance(caught.value, TimedOut)
    assert "aiohttp.ClientConnectorError" in caught.value.message
    assert TOKEN not in caught.value.message


async def test_a_late_answer_is_timed_out_unless_the_call_waits_longer(server: StandinServer):
    server.state.delay("sendMessage", seconds=0.6)
    request = AiohttpRequest(read_timeout=0.2)
    async with make_bot(server, request) as bot:
        started = time.perf_counter()
        with pytest.raises(TimedOut, match="Timed out"):
            await bot.send_message(SARA.id, "x")
        assert time.perf_counter() - started < 0.5
        assert (await bot.send_message(SARA.id, "y", read_timeout=3)).text == "y"


async def test_a_full_pool_times_out_without_sending(server: StandinServer):
    server.state.delay("getMe", seconds=0.5)
    request = AiohttpRequest(connection_pool_size=1, pool_timeout=0.1)
    async with make_bot(server, request) as bot:
        await bot.get_me()
        server.state.calls.clear()
        first = asyncio.create_task(bot.get_me())
        await asyncio.sleep(0.05)
        with pytest.raises(TimedOut, match="Pool timeout"):
            await bot.get_me()
        assert (await first).username == "standin_bot"
        assert len(server.state.calls_to("getMe")) == 1  # the second call never reached Telegram
        assert (await bot.get_me(pool_timeout=2)).username == "standin_bot"


async def test_a_stalled_upload_times_out_on_the_write_timeout():
    async def never_read(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(30)

    stalled = await asyncio.start_server(never_read, "127.0.0.1", 0)
    port = stalled.sockets[0].getsockname()[1]
    request = AiohttpRequest(media_write_timeout=0.5)
    bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{port}/bot", request=request,
              get_updates_request=AiohttpRequest())
    try:
        started = time.perf_counter()
        with pytest.raises(TimedOut):  # more than the socket buffers hold, and nobody reads
            await bot.send_document(SARA.id, InputFile(b"\0" * (64 * 1024 * 1024), filename="big.bin"))
        assert time.perf_counter() - started < 3  # the write timeout, well before the 5 s read timeout
    finally:
        await request.shutdown()
        stalled.close()


async def test_shutdown_closes_the_connections_and_refuses_further_calls(server: StandinServer):
    request = AiohttpRequest()
    bot = make_bot(server, request)
    assert (await bot.get_me()).is_bot  # before initialize(): the session opens on first use
    connections = server._runner.server.connections
    assert len(connections) == 1  # kept alive for the next call
    await request.shutdown()
    for _ in range(50):
        if not server._runner.server.connections:
            break
        await asyncio.sleep(0.02)
    assert server._runner.server.connections == []
    calls = len(server.state.calls)
    with pytest.raises(NetworkError, match="not initialized"):
        await request.post(f"{server.base_url}{TOKEN}/getMe")
    assert len(server.state.calls) == calls
    await request.initialize()  # and it can be opened again
    assert (await request.post(f"{server.base_url}{TOKEN}/getMe"))["id"] == 7000000003
    await request.shutdown()
    await request.shutdown()  # twice is harmless


def test_the_bot_uses_it_unless_given_requests(settings, sqlite_engine, directory):
    app = build_application(settings, engine=sqlite_engine, directory=directory)
    calls, updates = app.bot.request, app.bot._request[0]
    assert isinstance(calls, AiohttpRequest) and isinstance(updates, AiohttpRequest)
    assert (calls._pool_size, updates._pool_size) == (256, 1)
    assert calls.read_timeout == updates.read_timeout == 5.0  # getUpdates adds its long-poll timeout
    state = BotApiState()
    given = StandinRequest(state)
    app = build_application(settings, request=given, get_updates_request=StandinRequest(state),
                            engine=sqlite_engine, directory=directory)
    assert app.bot.request is given and isinstance(app.bot._request[0], StandinRequest)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_a_proxy_given_or_from_the_environment_carries_the_calls(server, monkeypatch):
    nowhere = f"http://127.0.0.1:{_closed_port()}/bot"  # reachable only through the proxy (the stand-in)

    async def get_me(request: AiohttpRequest) -> str | None:
        try:  # getUpdates is not called: that request's session never opens
            bot = Bot(TOKEN, base_url=nowhere, request=request, get_updates_request=AiohttpRequest())
            return (await bot.get_me()).username
        finally:
            await request.shutdown()

    assert await get_me(AiohttpRequest(proxy=server.url)) == "standin_bot"
    monkeypatch.setenv("HTTP_PROXY", server.url)  # read when the session opens, like httpx
    assert await get_me(AiohttpRequest()) == "standin_bot"
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with pytest.raises(NetworkError, match="ClientConnectorError"):
        await get_me(AiohttpRequest())
    with pytest.raises(ValueError, match="http"):
        AiohttpRequest(proxy="socks5://127.0.0.1:1080")  # aiohttp has no SOCKS

"""The stand-in over real HTTP: PTB's polling loop, and raw requests the way Telegram receives them."""

import asyncio
import json
import socket
import sys

import aiohttp
import pytest
from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from standin import BotApiState, FakeUser, StandinServer, make_png

TOKEN = "123456:HTTP-TOKEN"
OMAR = FakeUser(2002, "Omar", "fr")


@pytest.fixture
async def server():
    async with StandinServer(BotApiState(token=TOKEN), port=0) as running:
        yield running


async def test_polling_application_receives_and_replies_then_stops(server: StandinServer):
    state = server.state
    replied = asyncio.Event()
    downloaded = asyncio.Event()

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(f"reçu : {update.message.text}")
        replied.set()

    async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        data = await (await update.message.document.get_file()).download_as_bytearray()  # over base_file_url
        await update.message.reply_text(f"{len(data)} octets")
        downloaded.set()

    app = (
        ApplicationBuilder().token(TOKEN)
        .base_url(server.base_url).base_file_url(server.base_file_url).build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.add_handler(MessageHandler(filters.Document.ALL, document))
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0.0, timeout=5)
        state.user_sends_text(OMAR, "attestation de travail")
        await asyncio.wait_for(replied.wait(), 5)
        state.user_sends_document(OMAR, b"%PDF-1.4 fiche", "fiche.pdf")
        await asyncio.wait_for(downloaded.wait(), 5)
        await app.updater.stop()
        await app.stop()
    assert [m["text"] for m in state.sent_to(OMAR.id)] == ["reçu : attestation de travail", "14 octets"]
    polls = state.calls_to("getUpdates")
    assert any(c.params.get("timeout") == 5 for c in polls)  # a real long poll
    assert state.updates == []  # the update was confirmed through the offset before stopping
    assert [c.method for c in state.calls[:2]] == ["getMe", "deleteWebhook"]
    state.assert_all_valid()


async def test_file_upload_and_download_over_http(server: StandinServer):
    state = server.state
    state.add_chat(OMAR)
    async with aiohttp.ClientSession() as http:
        form = aiohttp.FormData()
        form.add_field("chat_id", str(OMAR.id))
        form.add_field("caption", "<i>reçu</i>")
        form.add_field("parse_mode", "HTML")
        form.add_field("photo", make_png(320, 240), filename="scan.png", content_type="image/png")
        async with http.post(f"{server.base_url}{TOKEN}/sendPhoto", data=form) as resp:
            body = await resp.json()
        assert resp.status == 200, body
        photo = body["result"]["photo"][-1]
        assert (photo["width"], photo["height"]) == (320, 240) and body["result"]["caption"] == "reçu"
        async with http.post(f"{server.base_url}{TOKEN}/getFile", json={"file_id": photo["file_id"]}) as resp:
            path = (await resp.json())["result"]["file_path"]
        async with http.get(f"{server.base_file_url}{TOKEN}/{path}") as resp:
            assert resp.status == 200 and await resp.read() == make_png(320, 240)
        async with http.get(f"{server.base_file_url}WRONG:TOKEN/{path}") as resp:
            assert resp.status == 401


async def test_json_form_and_query_bodies_and_errors(server: StandinServer):
    state = server.state
    state.add_chat(OMAR)
    url = f"{server.base_url}{TOKEN}"
    markup = {"inline_keyboard": [[{"text": "Oui", "callback_data": "yes"}]]}
    async with aiohttp.ClientSession() as http:
        body = {"chat_id": OMAR.id, "text": "a", "reply_markup": markup}
        async with http.post(f"{url}/sendMessage", json=body) as r:
            assert (await r.json())["result"]["reply_markup"] == markup
        form = {"chat_id": str(OMAR.id), "text": "b", "reply_markup": json.dumps(markup)}
        async with http.post(f"{url}/sendMessage", data=form) as r:
            assert (await r.json())["result"]["message_id"] == 2
        async with http.get(f"{url}/sendMessage", params={"chat_id": OMAR.id, "text": "c"}) as r:
            assert r.status == 200
        async with http.post(f"{url}/sendMessage", json={"chat_id": OMAR.id, "text": ""}) as r:
            assert r.status == 400
            assert await r.json() == {
                "ok": False, "error_code": 400, "description": "Bad Request: message text is empty"
            }
        async with http.post(f"{url}/getMee") as r:
            assert (r.status, (await r.json())["description"]) == (404, "Not Found")
        state.fail_with_429("sendMessage", retry_after=2)
        async with http.post(f"{url}/sendMessage", json={"chat_id": OMAR.id, "text": "d"}) as r:
            assert r.status == 429 and (await r.json())["parameters"] == {"retry_after": 2}
        state.drop_connection("sendMessage")
        with pytest.raises(aiohttp.ServerDisconnectedError):
            async with http.post(f"{url}/sendMessage", json={"chat_id": OMAR.id, "text": "e"}) as r:
                await r.read()
        async with http.post(f"{url}/sendMessage", json={"chat_id": OMAR.id, "text": "f"}) as r:
            assert r.status == 200  # the server lives on after a dropped connection
    assert [m["text"] for m in state.sent_to(OMAR.id)] == ["a", "b", "c", "f"]


async def test_control_api_drives_users_from_outside(server: StandinServer):
    state = server.state
    control = f"{server.url}/_standin"
    async with aiohttp.ClientSession() as http:
        body = {"text": "/start", "first_name": "Omar"}
        async with http.post(f"{control}/users/{OMAR.id}/text", json=body) as r:
            update = (await r.json())["update"]
        assert update["message"]["entities"][0]["type"] == "bot_command"
        await state.call("sendMessage", {
            "chat_id": OMAR.id, "text": "?",
            "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
        })
        body = {"message_id": 2, "button_text": "A"}
        async with http.post(f"{control}/users/{OMAR.id}/press", json=body) as r:
            assert (await r.json())["update"]["callback_query"]["data"] == "a"
        body = {"kind": "5xx", "method": "getMe", "status": 503}
        async with http.post(f"{control}/faults", json=body) as r:
            assert (await r.json())["fault"]["status"] == 503
        assert (await state.call("getMe", {}))[0] == 503
        async with http.get(f"{control}/chats/{OMAR.id}") as r:
            chat = await r.json()
        assert [m["message_id"] for m in chat["messages"]] == [1, 2]
        async with http.get(f"{control}/calls", params={"since": 0}) as r:
            assert [c["method"] for c in await r.json()] == ["sendMessage", "getMe"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_webhook_mode_gets_updates_pushed_with_the_secret(server: StandinServer):
    state = server.state
    replied = asyncio.Event()

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text("webhook ok")
        replied.set()

    app = ApplicationBuilder().token(TOKEN).base_url(server.base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    port = _free_port()
    async with app:
        await app.start()
        await app.updater.start_webhook(
            listen="127.0.0.1", port=port, url_path="hook", secret_token="s3cret",
            webhook_url=f"http://127.0.0.1:{port}/hook",
        )
        assert state.webhook["secret_token"] == "s3cret"
        state.user_sends_text(OMAR, "salam")
        await asyncio.wait_for(replied.wait(), 5)
        state.webhook["secret_token"] = "wrong"  # PTB refuses updates without the right secret
        state.user_sends_text(OMAR, "intrus")
        for _ in range(50):
            if state.webhook_error:
                break
            await asyncio.sleep(0.05)
        info = await app.bot.get_webhook_info()
        assert info.last_error_message.startswith("Wrong response from the webhook: 403")
        await app.updater.stop()
        await app.stop()
    assert [m["text"] for m in state.sent_to(OMAR.id)] == ["webhook ok"]


async def test_python_m_standin_runs_standalone():
    port = _free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "standin", "--port", str(port), stdout=asyncio.subprocess.PIPE
    )
    try:
        banner = await asyncio.wait_for(proc.stdout.readline(), 10)
        assert f"127.0.0.1:{port}" in banner.decode()
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/bot1:X/getMe") as r:
            me = (await r.json())["result"]
        assert me["is_bot"] is True and me["id"] == 1
    finally:
        proc.terminate()
        await proc.wait()

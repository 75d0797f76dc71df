"""The stand-in's state answering Bot API calls directly (no PTB, no HTTP)."""

import asyncio
import time

import pytest

from standin import BotApiState, ConnectionDropped, FakeUser, UploadedFile

AMINA = FakeUser(1001, "Amina", "ar")
LUC = FakeUser(1002, "Luc", "fr")


@pytest.fixture
def state():
    return BotApiState(token="123456:TEST")


async def ok(state, method, **params):
    status, payload = await state.call(method, params)
    assert status == 200, payload
    return payload["result"]


async def test_get_me_is_a_bot_user(state):
    me = await ok(state, "getMe")
    assert me["id"] == 123456 and me["is_bot"] is True
    assert me["can_join_groups"] is True and me["username"] == "standin_bot"


async def test_send_message_answers_a_real_message(state):
    state.user_sends_text(AMINA, "/start")
    before = int(time.time())
    msg = await ok(state, "sendMessage", chat_id=AMINA.id, text="<b>مرحبا</b>", parse_mode="HTML")
    assert isinstance(msg["date"], int) and before <= msg["date"] <= time.time() + 1  # seconds, not ms
    assert msg["chat"] == {"id": AMINA.id, "type": "private", "first_name": "Amina"}
    assert msg["from"]["id"] == 123456 and msg["from"]["is_bot"] is True
    assert msg["text"] == "مرحبا" and msg["entities"] == [{"offset": 0, "length": 5, "type": "bold"}]
    again = await ok(state, "sendMessage", chat_id=str(AMINA.id), text="2")  # form-encoded chat_id
    assert again["message_id"] == msg["message_id"] + 1  # ids increase per chat
    state.user_sends_text(LUC, "bonjour")
    other = await ok(state, "sendMessage", chat_id=LUC.id, text="salut")
    assert other["message_id"] == 2  # each chat counts on its own
    assert [m["text"] for m in state.sent_to(AMINA.id)] == ["مرحبا", "2"]
    assert state.calls_to("sendMessage")[0].params["parse_mode"] == "HTML"


async def test_error_answers_look_like_telegrams(state):
    assert await state.call("sendMessage", {"chat_id": 555, "text": "x"}) == (
        400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
    )
    state.user_sends_text(AMINA, "hi")
    status, payload = await state.call("sendMessage", {"chat_id": AMINA.id, "text": "x" * 5000})
    assert (status, payload["description"]) == (400, "Bad Request: message is too long")
    assert await state.call("sendMesage", {"chat_id": AMINA.id}) == (
        404, {"ok": False, "error_code": 404, "description": "Not Found"}
    )
    assert (await state.call("getMe", {}, token="999:WRONG"))[0] == 401
    assert [c.error for c in state.invalid_calls()] == [
        "Bad Request: chat not found", "Bad Request: message is too long", "Not Found"
    ]
    with pytest.raises(AssertionError, match="message is too long"):
        state.assert_all_valid()


async def test_blocked_user_gives_403(state):
    state.user_sends_text(AMINA, "hi")
    state.block(AMINA.id)
    status, payload = await state.call("sendMessage", {"chat_id": AMINA.id, "text": "x"})
    assert (status, payload["description"]) == (403, "Forbidden: bot was blocked by the user")
    state.user_sends_text(AMINA, "I am back")  # writing again unblocks
    assert (await state.call("sendMessage", {"chat_id": AMINA.id, "text": "x"}))[0] == 200


async def test_get_updates_offset_and_limit(state):
    first = state.user_sends_text(AMINA, "1")
    state.user_sends_text(AMINA, "2")
    state.user_sends_text(LUC, "3")
    got = await ok(state, "getUpdates", limit=2)
    assert [u["message"]["text"] for u in got] == ["1", "2"]
    again = await ok(state, "getUpdates")  # nothing confirmed yet
    assert len(again) == 3 and again[0]["update_id"] == first["update_id"]
    rest = await ok(state, "getUpdates", offset=first["update_id"] + 1)  # confirms the first
    assert [u["message"]["text"] for u in rest] == ["2", "3"]
    assert len(state.updates) == 2
    last = await ok(state, "getUpdates", offset=-1)  # forget all but the last
    assert [u["message"]["text"] for u in last] == ["3"]
    assert await ok(state, "getUpdates", offset=last[0]["update_id"] + 1) == []
    assert state.updates == []


async def test_long_poll_waits_for_the_next_update(state):
    async def later():
        await asyncio.sleep(0.2)
        state.user_sends_text(AMINA, "late")

    asyncio.get_running_loop().create_task(later())
    start = time.monotonic()
    got = await ok(state, "getUpdates", timeout=5)
    assert 0.15 < time.monotonic() - start < 2
    assert got[0]["message"]["text"] == "late"
    start = time.monotonic()
    assert await ok(state, "getUpdates", offset=got[0]["update_id"] + 1, timeout=1) == []
    assert time.monotonic() - start >= 0.95


async def test_a_second_poller_terminates_the_first(state):
    first = asyncio.create_task(state.call("getUpdates", {"timeout": 5}))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(state.call("getUpdates", {"timeout": 1}))
    status, payload = await first
    assert status == 409 and payload["description"].startswith("Conflict: terminated by other getUpdates")
    assert (await second)[0] == 200


async def test_webhook_and_polling_exclude_each_other(state):
    assert await ok(state, "setWebhook", url="https://bot.example.ma/hook", secret_token="s3cret") is True
    info = await ok(state, "getWebhookInfo")
    assert info["url"] == "https://bot.example.ma/hook" and info["pending_update_count"] == 0
    assert (await state.call("getUpdates", {}))[0] == 409
    state.user_sends_text(AMINA, "x")
    assert await ok(state, "deleteWebhook", drop_pending_updates=True) is True
    assert await ok(state, "getUpdates") == []


async def test_callback_query_and_its_answer(state):
    state.user_sends_text(AMINA, "menu")
    markup = {"inline_keyboard": [[{"text": "طلب", "callback_data": "req:new"}]]}
    msg = await ok(state, "sendMessage", chat_id=AMINA.id, text="اختر", reply_markup=markup)
    with pytest.raises(ValueError, match="no button"):
        state.user_presses(AMINA, msg, "req:other")
    update = state.user_presses(AMINA, msg, button_text="طلب")
    query = update["callback_query"]
    assert query["data"] == "req:new" and query["chat_instance"] and query["from"]["id"] == AMINA.id
    assert query["message"]["message_id"] == msg["message_id"] and query["message"]["date"] == msg["date"]
    assert await ok(state, "answerCallbackQuery", callback_query_id=query["id"], text="تم") is True
    assert state.answer_to(update)["text"] == "تم"
    status, payload = await state.call("answerCallbackQuery", {"callback_query_id": query["id"]})
    assert status == 400 and "query ID is invalid" in payload["description"]


async def test_edit_and_delete(state):
    state.user_sends_text(AMINA, "x")
    markup = {"inline_keyboard": [[{"text": "ok", "callback_data": "ok"}]]}
    msg = await ok(state, "sendMessage", chat_id=AMINA.id, text="v1", reply_markup=markup)
    ref = {"chat_id": AMINA.id, "message_id": msg["message_id"]}
    edited = await ok(state, "editMessageText", **ref, text="v2", reply_markup=markup)
    assert edited["text"] == "v2" and edited["reply_markup"] == markup and "edit_date" in edited
    status, payload = await state.call("editMessageText", {**ref, "text": "v2", "reply_markup": markup})
    assert status == 400 and payload["description"].startswith("Bad Request: message is not modified")
    plain = await ok(state, "editMessageReplyMarkup", **ref)
    assert "reply_markup" not in plain
    user_msg = state.history(AMINA.id)[0]
    not_mine = {**ref, "message_id": user_msg["message_id"], "text": "h"}
    status, payload = await state.call("editMessageText", not_mine)
    assert payload["description"] == "Bad Request: message can't be edited"
    assert await ok(state, "deleteMessage", **ref) is True
    assert state.sent_to(AMINA.id) == []
    status, payload = await state.call("deleteMessage", ref)
    assert payload["description"] == "Bad Request: message to delete not found"


async def test_files_upload_resend_get_file_and_download(state):
    state.user_sends_text(AMINA, "x")
    upload = UploadedFile(b"%PDF-1.7 attestation", "attestation.pdf", "application/pdf")
    params = {"chat_id": AMINA.id, "caption": "وثيقتك"}
    status, payload = await state.call("sendDocument", params, {"document": upload})
    assert status == 200, payload
    doc = payload["result"]["document"]
    assert doc["file_name"] == "attestation.pdf" and doc["file_size"] == 20
    resent = await ok(state, "sendDocument", chat_id=AMINA.id, document=doc["file_id"])
    assert resent["document"]["file_unique_id"] == doc["file_unique_id"]
    file = await ok(state, "getFile", file_id=doc["file_id"])
    assert file["file_path"].startswith("documents/") and state.download(file["file_path"]) == upload.content
    status, payload = await state.call("sendPhoto", {"chat_id": AMINA.id, "photo": doc["file_id"]})
    assert payload["description"] == "Bad Request: type of file mismatch"
    status, payload = await state.call("sendPhoto", {"chat_id": AMINA.id, "photo": "nonsense"})
    assert payload["description"] == "Bad Request: wrong file identifier/HTTP URL specified"
    incoming = state.user_sends_photo(AMINA, caption="شهادة طبية")
    sizes = incoming["message"]["photo"]
    assert sizes[-1]["width"] == 64 and sizes[-1]["height"] == 48
    copied = await ok(state, "copyMessage", chat_id=AMINA.id, from_chat_id=AMINA.id,
                      message_id=incoming["message"]["message_id"])
    assert state.sent_to(AMINA.id)[-1]["photo"] == sizes and copied["message_id"] > 0


async def test_commands_per_language_and_scope(state):
    cmds = [{"command": "start", "description": "البداية"}]
    assert await ok(state, "setMyCommands", commands=cmds, language_code="ar") is True
    assert await ok(state, "getMyCommands", language_code="ar") == cmds
    assert await ok(state, "getMyCommands") == []


async def test_faults_429_5xx_delay_and_drop(state):
    state.user_sends_text(AMINA, "x")
    state.fail_with_429("sendMessage", count=2, retry_after=7)
    for _ in range(2):
        assert await state.call("sendMessage", {"chat_id": AMINA.id, "text": "x"}) == (429, {
            "ok": False, "error_code": 429, "description": "Too Many Requests: retry after 7",
            "parameters": {"retry_after": 7},
        })
    assert (await state.call("sendMessage", {"chat_id": AMINA.id, "text": "x"}))[0] == 200
    state.fail_with_5xx()
    bad_gateway = {"ok": False, "error_code": 502, "description": "Bad Gateway"}
    assert await state.call("getMe", {}) == (502, bad_gateway)
    state.delay("getMe", 0.2, count=1)
    start = time.monotonic()
    assert (await state.call("getMe", {}))[0] == 200 and time.monotonic() - start >= 0.18
    state.drop_connection("sendMessage", after_processing=True)
    with pytest.raises(ConnectionDropped):
        await state.call("sendMessage", {"chat_id": AMINA.id, "text": "sent anyway"})
    assert state.last_sent_to(AMINA.id)["text"] == "sent anyway"
    fault = state.fail_with_429("sendMessage", count=None, ratio=0.5)
    statuses = [(await state.call("sendMessage", {"chat_id": AMINA.id, "text": "r"}))[0] for _ in range(40)]
    assert 5 < statuses.count(429) < 35 and fault.hits == statuses.count(429)
    state.clear_faults()
    assert (await state.call("sendMessage", {"chat_id": AMINA.id, "text": "x"}))[0] == 200
    assert state.invalid_calls() == []  # injected faults are not the bot's mistakes

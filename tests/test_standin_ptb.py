"""A real python-telegram-bot Application talking to the stand-in in process."""

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto, ReplyKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from standin import BotApiState, FakeUser, StandinRequest, feed, make_png

TOKEN = "123456:TEST-TOKEN"
AMINA = FakeUser(1001, "Amina", "ar")


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    menu = ReplyKeyboardMarkup([["سؤال", "طلب جديد"], ["طلباتي"]], resize_keyboard=True)
    await update.message.reply_text("مرحبا بكم", reply_markup=menu)


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton("تأكيد", callback_data="ok:1")]])
    await update.message.reply_text(f"<b>{update.message.text}</b>", parse_mode="HTML", reply_markup=buttons)


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer("تم")
    await update.callback_query.edit_message_text(f"اخترت {update.callback_query.data}")


async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    file = await update.message.document.get_file()
    content = bytes(await file.download_as_bytearray())
    await update.message.reply_document(content, filename="copy.pdf", caption=f"{len(content)} octets")


@pytest.fixture
def state():
    return BotApiState(token=TOKEN)


@pytest.fixture
async def app(state):
    application = (
        ApplicationBuilder().token(TOKEN)
        .request(StandinRequest(state)).get_updates_request(StandinRequest(state)).build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    application.add_handler(MessageHandler(filters.Document.ALL, document))
    application.add_handler(CallbackQueryHandler(pressed))
    async with application:
        yield application
    state.assert_all_valid()


async def test_echo_bot_receives_the_reply(app: Application, state: BotApiState):
    await app.process_update(Update.de_json(state.user_sends_text(AMINA, "السلام عليكم"), app.bot))
    reply = state.last_sent_to(AMINA.id)
    assert reply["text"] == "السلام عليكم" and reply["entities"][0]["type"] == "bold"
    assert reply["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "ok:1"
    call = state.calls_to("sendMessage")[-1]
    assert call.params["chat_id"] == AMINA.id and call.params["text"] == "<b>السلام عليكم</b>"


async def test_command_reply_keyboard_button_and_edit(app: Application, state: BotApiState):
    await feed(app, state.user_sends_text(AMINA, "/start"))
    assert state.last_sent_to(AMINA.id)["text"] == "مرحبا بكم"
    assert state.reply_keyboard(AMINA.id)["keyboard"][0][1] == {"text": "طلب جديد"}
    await feed(app, state.user_sends_text(AMINA, "طلب جديد"))
    asked = state.last_sent_to(AMINA.id)
    press = state.user_presses(AMINA, asked, "ok:1")
    await feed(app, press)
    assert state.answer_to(press) == {"callback_query_id": press["callback_query"]["id"], "text": "تم"}
    assert state.last_sent_to(AMINA.id)["text"] == "اخترت ok:1"
    assert "reply_markup" not in state.last_sent_to(AMINA.id)  # editing the text dropped the buttons


async def test_document_round_trip_through_get_file(app: Application, state: BotApiState):
    await feed(app, state.user_sends_document(AMINA, b"%PDF-1.4 certificat medical", "certificat.pdf"))
    reply = state.last_sent_to(AMINA.id)
    assert reply["caption"] == "27 octets" and reply["document"]["file_name"] == "copy.pdf"
    [upload] = [c for c in state.calls_to("sendDocument")]
    assert upload.params["document"].content == b"%PDF-1.4 certificat medical"


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_telegram_errors_reach_ptb_as_its_exceptions(app: Application, state: BotApiState):
    with pytest.raises(BadRequest, match="Chat not found"):
        await app.bot.send_message(AMINA.id, "before the user ever wrote")
    state.add_chat(AMINA)
    with pytest.raises(BadRequest, match="Message is too long"):
        await app.bot.send_message(AMINA.id, "ش" * 4097)
    arabic_data = "طلب:" + "ع" * 31
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await app.bot.send_message(
            AMINA.id, "؟",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data=arabic_data)]]),
        )
    state.calls.clear()  # those were deliberate; the fixture checks the rest
    state.fail_with_429("sendMessage", retry_after=3)
    with pytest.raises(RetryAfter):
        await app.bot.send_message(AMINA.id, "x")
    state.fail_with_5xx("sendMessage")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await app.bot.send_message(AMINA.id, "x")
    state.drop_connection("sendMessage")
    with pytest.raises(NetworkError, match="disconnected"):
        await app.bot.send_message(AMINA.id, "x")
    state.block(AMINA.id)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await app.bot.send_message(AMINA.id, "x")


async def test_bot_api_housekeeping_calls(app: Application, state: BotApiState):
    await app.bot.set_my_commands([("start", "البداية"), ("language", "اللغة")], language_code="ar")
    commands = await app.bot.get_my_commands(language_code="ar")
    assert [c.command for c in commands] == ["start", "language"]
    assert await app.bot.delete_webhook() is True
    assert (await app.bot.get_webhook_info()).url == ""
    state.add_chat(AMINA)
    assert await app.bot.send_chat_action(AMINA.id, "typing") is True
    sent = await app.bot.send_message(AMINA.id, "x")
    forwarded = await app.bot.forward_message(AMINA.id, AMINA.id, sent.message_id)
    assert forwarded.forward_origin.sender_user.id == app.bot.id
    copied = await app.bot.copy_message(AMINA.id, AMINA.id, sent.message_id)
    assert copied.message_id == forwarded.message_id + 1
    assert await app.bot.delete_message(AMINA.id, sent.message_id) is True


async def test_unknown_parameters_are_ignored_like_telegram_but_recorded():
    """PTB with Defaults(parse_mode=...) sends parse_mode to editMessageReplyMarkup; Telegram ignores it."""
    state = BotApiState()
    app = (
        ApplicationBuilder().token(TOKEN).defaults(Defaults(parse_mode=ParseMode.HTML))
        .request(StandinRequest(state)).get_updates_request(StandinRequest(state)).build()
    )
    async with app:
        state.add_chat(AMINA)
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x")]])
        sent = await app.bot.send_message(AMINA.id, "<i>مرحبا</i>", reply_markup=markup)
        assert sent.text == "مرحبا" and sent.entities[0].type == "italic"
        await app.bot.edit_message_reply_markup(AMINA.id, sent.message_id, reply_markup=None)
    assert state.bot["id"] == 123456  # the first token seen names the bot
    state.assert_all_valid()
    [edit] = state.calls_to("editMessageReplyMarkup")
    assert edit.ok
    assert edit.warnings == ['Bad Request: unknown parameter "parse_mode" for method editMessageReplyMarkup']
    with pytest.raises(AssertionError, match="ignored by Telegram"):
        state.assert_all_valid(include_warnings=True)


async def test_media_group_with_attached_files(app: Application, state: BotApiState):
    state.add_chat(AMINA)
    sent = await app.bot.send_media_group(AMINA.id, [
        InputMediaPhoto(make_png(40, 30), caption="صورة"),
        InputMediaPhoto(make_png(20, 10)),
    ])
    assert [m.photo[-1].width for m in sent] == [40, 20]
    assert sent[0].media_group_id == sent[1].media_group_id and sent[0].caption == "صورة"

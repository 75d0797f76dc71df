"""Following one's requests: the list (/mine), a request's detail and history, adding information,
withdrawing, reopening, and answering the office by replying to its notice.

Callback area `rq`: rq:page:<n>, rq:open:<id>, rq:add:<id> (an entry of the "requester" conversation),
rq:wd:<id> → rq:wdyes:<id> | rq:keep:<id>, rq:reopen:<id>. Every press asks the desk again, which refuses
another person's request as "not found".
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

from telegram import CallbackQuery, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.context import BotContext
from bot.i18n import N_, Translator
from desk import lifecycle, thread, views
from desk.errors import DeskError, InvalidInput, PermissionDenied, RequestClosed
from desk.permissions import Action, allowed, is_requester
from desk.records import FileRef
from handlers.attachments import FileRefused, file_of
from handlers.common import (
    MENU_MINE,
    callback,
    clip,
    code,
    explain,
    inline,
    menu_labels,
    parse_callback,
    parse_int,
    person,
    say,
)
from handlers.drafts import ADD, reason
from handlers.render import history_lines, request_card, status_label, type_label
from models import Request, RequestStatus

AREA = "rq"
PAGE = 8
HISTORY_LINES = 30
ADDING = "draft_add"  # {"id": request id, "ref": reference}; "draft…" keys are dropped by /cancel
STALE = N_("This button is no longer valid.")
DUE = N_("Due")


def handlers() -> list[Any]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("mine", mine, filters=private),
        MessageHandler(private & filters.Text(sorted(menu_labels(MENU_MINE))), mine),
        CallbackQueryHandler(on_button, pattern=r"^rq:"),
    ]


# ---------------------------------------------------------------------- the list


async def mine(update: Update, context: BotContext) -> None:
    await show_list(update, context, 0)


async def show_list(update: Update, context: BotContext, page: int, edit: bool = False) -> None:
    """One page of the person's requests, newest first: reference, kind, status, due date; a button each."""
    actor, t = await person(update, context)
    rows = await context.read(views.my_requests, context.uow, actor, limit=PAGE + 1, offset=page * PAGE)
    more, rows = len(rows) > PAGE, rows[:PAGE]
    if not rows:
        text = (
            t(N_("You have no requests yet. Send /new to file one."))
            if page == 0
            else t(N_("No more requests."))
        )
        await say(update, text)
        return
    directory = context.services.directory
    lines = [t(N_("<b>Your requests</b> (page {page})"), page=page + 1), ""]
    for request in rows:
        lines.append(
            f"• {code(request.reference)} — {type_label(directory, request.request_type, t)}\n"
            f"   {status_label(request.status, t)} · {t(DUE)}: {t.date(request.due_on)}"
        )
    buttons = [[(f"🗂 {r.reference}", callback(AREA, "open", r.id))] for r in rows]
    nav = []
    if page > 0:
        nav.append((t(N_("◀️ Newer")), callback(AREA, "page", page - 1)))
    if more:
        nav.append((t(N_("Older ▶️")), callback(AREA, "page", page + 1)))
    if nav:
        buttons.append(nav)
    text = "\n".join(lines)
    query = update.callback_query
    if edit and query is not None:
        try:
            await query.edit_message_text(clip(text), parse_mode=ParseMode.HTML, reply_markup=inline(buttons))
            return
        except TelegramError:
            pass  # too old to edit: send it anew
    await say(update, text, inline(buttons))


# ---------------------------------------------------------------------- one request


async def show_request(update: Update, context: BotContext, request_id: int, t: Translator) -> None:
    actor, _ = await person(update, context)
    history = await context.read(views.request_history, context.uow, actor, request_id)
    request = history.request
    staff = None
    if request.on_behalf_of_staff_id is not None and actor.is_principal:
        school = await context.read(views.my_school_staff, context.uow, actor)
        staff = next((s for s in school if s.id == request.on_behalf_of_staff_id), None)
    uow = context.uow
    text = request_card(context.services.directory, request, t, today=uow.today(), staff=staff)
    lines = history_lines(history.events, history.messages, t)
    if len(lines) > HISTORY_LINES:
        lines = ["…", *lines[-HISTORY_LINES:]]
    text += "\n\n<b>" + t(N_("History")) + "</b>\n" + "\n".join(lines)
    if history.attachments:
        text += "\n" + t(N_("📎 Files attached: {count}"), count=len(history.attachments))
    rows: list[list[tuple[str, str]]] = []
    if request.is_open and allowed(actor, Action.ADD_INFORMATION, request):
        rows.append([(t(N_("➕ Add information")), callback(AREA, "add", request.id))])
        rows.append([(t(N_("↩️ Withdraw")), callback(AREA, "wd", request.id))])
    if _reopenable(context, request) and allowed(actor, Action.REOPEN, request):
        rows.append([(t(N_("🔁 Reopen")), callback(AREA, "reopen", request.id))])
    await say(update, clip(text), inline(rows) if rows else None)


def _reopenable(context: BotContext, request: Request) -> bool:
    """Resolved recently enough for the reopen button to be worth showing (the desk decides on the press)."""
    if request.status != RequestStatus.RESOLVED or request.closed_at is None:
        return False
    uow = context.uow
    return (uow.today() - uow.calendar.local_date(request.closed_at)).days <= uow.settings.reopen_window_days


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    actor, t = await person(update, context)
    parts = parse_callback(query.data, AREA, 3)
    number = parse_int(parts[2]) if parts else None
    if parts is None or number is None:
        await query.answer(t(STALE), show_alert=True)
        return
    action = parts[1]
    try:
        if action == "page":
            await query.answer()
            await show_list(update, context, number, edit=True)
        elif action == "open":
            await show_request(update, context, number, t)
            await query.answer()
        elif action == "wd":
            history = await context.read(views.request_history, context.uow, actor, number)
            await query.answer()
            await say(
                update,
                t(
                    N_(
                        "Withdraw your request {reference}? The office will be told, and this cannot be "
                        "undone."
                    ),
                    reference=code(history.request.reference),
                ),
                inline(
                    [
                        [
                            (t(N_("↩️ Yes, withdraw it")), callback(AREA, "wdyes", number)),
                            (t(N_("Keep it")), callback(AREA, "keep", number)),
                        ]
                    ]
                ),
            )
        elif action == "wdyes":
            request = await context.run(lifecycle.withdraw, context.uow, actor, number)
            await query.answer()
            await close_buttons(query)
            await say(
                update,
                t(N_("↩️ Your request {reference} has been withdrawn."), reference=code(request.reference)),
            )
        elif action == "keep":
            await query.answer(t(N_("Nothing was changed.")))
            await close_buttons(query)
        elif action == "reopen":
            request = await context.run(lifecycle.reopen, context.uow, actor, number)
            await query.answer()
            await say(
                update,
                t(
                    N_(
                        "🔁 Your request {reference} has been reopened and the office told. "
                        "Expected answer by: {date}."
                    ),
                    reference=code(request.reference),
                    date=t.date(request.due_on),
                ),
            )
        else:
            await query.answer(t(STALE), show_alert=True)
    except DeskError as error:
        await query.answer(explain(error, t), show_alert=True)


async def close_buttons(query: CallbackQuery) -> None:
    """Take the buttons off a pressed message, so an old question cannot be answered twice."""
    message = query.message
    if message is None or not getattr(message, "reply_markup", None):
        return
    with contextlib.suppress(TelegramError):  # too old to edit: harmless
        await query.edit_message_reply_markup(reply_markup=None)


# ---------------------------------------------------------------------- adding information


async def add_start(update: Update, context: BotContext) -> int:
    """rq:add:<id> — checked now (and again when the information arrives)."""
    query = update.callback_query
    assert query is not None and context.user_data is not None
    actor, t = await person(update, context)
    parts = parse_callback(query.data, AREA, 3)
    request_id = parse_int(parts[2]) if parts else None
    if request_id is None:
        await query.answer(t(STALE), show_alert=True)
        return ConversationHandler.END
    try:
        request = (await context.read(views.request_history, context.uow, actor, request_id)).request
        if not allowed(actor, Action.ADD_INFORMATION, request):
            raise PermissionDenied(action="add_information")
        if not request.is_open:
            raise RequestClosed(status=request.status, action="add_information")
    except DeskError as error:
        await query.answer(explain(error, t), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    context.user_data[ADDING] = {"id": request.id, "ref": request.reference}
    await say(
        update,
        t(
            N_("Send the information for your request {reference}: a text, a photo or a PDF file."),
            reference=code(request.reference),
        )
        + "\n\n<i>"
        + t(N_("Send /cancel to stop."))
        + "</i>",
    )
    return ADD


async def on_add(update: Update, context: BotContext) -> int | None:
    assert context.user_data is not None
    if await handle_reply(update, context):
        context.user_data.pop(ADDING, None)
        return ConversationHandler.END
    target = context.user_data.get(ADDING)
    message = update.effective_message
    if not isinstance(target, dict) or message is None:
        return ConversationHandler.END
    done = await _add(update, context, message, int(target["id"]), str(target["ref"]))
    if done:
        context.user_data.pop(ADDING, None)
        return ConversationHandler.END
    return None  # stay: send it again


def _source(message: Message) -> dict[str, Any]:
    """A message's idempotency key and Telegram ids (so that a reply to it finds its request)."""
    return {
        "source_key": f"tg:{message.chat.id}:{message.message_id}",
        "telegram_chat_id": message.chat.id,
        "telegram_message_id": message.message_id,
    }


async def _files(update: Update, message: Message, t: Translator) -> list[FileRef] | None:
    """The message's file as a list (empty without one); None for a refused one, the person told why."""
    try:
        ref = file_of(message)
    except FileRefused as refused:
        await say(update, "⚠️ " + t(refused.reason))
        return None
    return [ref] if ref else []


async def _add(
    update: Update, context: BotContext, message: Message, request_id: int, reference: str
) -> bool:
    """The requester's text and/or file added to the request; False when it should be sent again."""
    actor, t = await person(update, context)
    files = await _files(update, message, t)
    if files is None:
        return False
    text = message.text or message.caption
    try:
        await context.run(
            thread.add_information, context.uow, actor, request_id, text, files=files, **_source(message)
        )
    except InvalidInput as error:
        await say(update, "⚠️ " + reason(error, t) + "\n" + t(N_("Please send it again, or /cancel.")))
        return False
    except DeskError as error:
        await say(update, explain(error, t))
        return True
    await say(
        update,
        t(N_("✅ Added to your request {reference}. The office has been told."), reference=code(reference)),
    )
    return True


# ---------------------------------------------------------------------- replies to notices

_REFERENCE = re.compile(r"\b[A-Z]{1,8}-\d{4}-\d{6}\b")


async def _request_replied_to(update: Update, context: BotContext, message: Message) -> Request | None:
    """The request behind the message being replied to: a notice or thread message the desk recorded, else one
    reference in a bot message (a receipt, a card). None when there is none the person may see."""
    replied = message.reply_to_message
    if replied is None:
        return None
    actor, _t = await person(update, context)
    request = await context.run(
        views.request_for_telegram_message, context.uow, actor, message.chat.id, replied.message_id
    )
    if request is not None:
        return request
    from_bot = replied.from_user is not None and replied.from_user.id == context.bot.id
    references = set(_REFERENCE.findall(replied.text or replied.caption or "")) if from_bot else set()
    if len(references) != 1:
        return None
    try:
        return await context.read(views.find_request, context.uow, actor, references.pop())
    except DeskError:
        return None


async def handle_reply(update: Update, context: BotContext) -> bool:
    """A reply to a message about a request: the requester's answer (added to it), or an agent's answer
    (relayed to the requester in the office's name). False when the message is not such a reply."""
    message = update.effective_message
    if message is None or message.reply_to_message is None:
        return False
    request = await _request_replied_to(update, context, message)
    if request is None:
        return False
    actor, t = await person(update, context)
    if is_requester(actor, request):
        await _add(update, context, message, request.id or 0, request.reference)
        return True
    if not actor.serves(request.office_id):
        return False
    files = await _files(update, message, t)
    if files is None:
        return True
    text = message.text or message.caption or "📎"
    try:
        await context.run(thread.reply, context.uow, actor, request.id, text, files=files, **_source(message))
    except DeskError as error:
        await say(update, explain(error, t))
        return True
    await say(
        update,
        t(
            N_("✅ Sent to the requester in the name of the office ({reference})."),
            reference=code(request.reference),
        ),
    )
    return True


async def on_reply_to_notice(update: Update, context: BotContext) -> None:
    """A message replying to another: an answer on a request when it replies to one; otherwise a question."""
    if await handle_reply(update, context):
        return
    from handlers import start
    from handlers.routes import on_text

    message = update.effective_message
    if message is not None and message.text:
        await on_text(update, context)
    else:
        await start.not_understood(update, context)

"""Office agents, in private chat: the buttons of request notices, `/queue`, `/r`; and the admin side.

Callback area `ag` (every press is checked again by the desk; a forged or stale one gets a clear refusal):
  ag:claim|open|files|xfer|svcs|who|done0:<request_id>   ag:svc:<request_id>:<service_id>
  ag:to:<request_id>:<office_id> (then the transfer note)   ag:assign:<request_id>:<telegram_id> (heads)
  ag:reply|docs|done|rej:<request_id> (then the text: handlers/agent_tasks.py)
The queue's buttons are `q:…` (handlers/queue.py), the admin's `ad:…` (handlers/admin.py).
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import BotContext
from bot.i18n import N_, Translator
from desk import lifecycle, office_views, privacy
from desk.actors import Actor
from desk.errors import DeskError
from desk.permissions import Action
from handlers import admin, agent_tasks, queue
from handlers.common import MENU_QUEUE, callback, code, esc, explain, menu_labels, parse_int, person, say
from handlers.notices import AGENT_AREA, sent_as
from handlers.render import office_label, status_label

AREA = AGENT_AREA
PRIVATE = filters.ChatType.PRIVATE
MAX_FILES = 10


def conversations() -> list[Any]:
    """Agents' and admins' conversations (they take the person's messages while they wait for an answer)."""
    return [agent_tasks.conversation(), *admin.conversations()]


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """Commands, the menu's queue button, and the `ag` / `q` / `ad` buttons."""
    return [
        CommandHandler("queue", queue.queue_command, filters=PRIVATE),
        CommandHandler("r", queue.open_reference, filters=PRIVATE),
        MessageHandler(PRIVATE & filters.Text(sorted(menu_labels(MENU_QUEUE))), queue.queue_command),
        CallbackQueryHandler(on_button, pattern=rf"^{AREA}:"),
        CallbackQueryHandler(queue.on_button, pattern=rf"^{queue.AREA}:"),
        *admin.handlers(),
    ]


async def on_button(update: Update, context: BotContext) -> None:
    """An `ag` button that needs no typed answer."""
    query = update.callback_query
    assert query is not None
    actor, t = await person(update, context)
    parts = (query.data or "").split(":") if (query.data or "").isascii() else []
    verb = parts[1] if len(parts) > 1 else ""
    request_id = parse_int(parts[2]) if len(parts) > 2 else None
    simple = {
        "claim": claim,
        "open": open_request,
        "files": send_files,
        "xfer": transfer_services,
        "svcs": transfer_services,
        "who": choose_agent,
    }
    if request_id is not None and len(parts) == 3 and verb in simple:
        await simple[verb](update, context, actor, t, request_id)
    elif request_id is not None and len(parts) == 3 and verb == "done0":
        await agent_tasks.resolve_without_note(update, context)
    elif request_id is not None and len(parts) == 4 and verb == "svc":
        await transfer_offices(update, context, actor, t, request_id, parts[3])
    elif request_id is not None and len(parts) == 4 and verb == "assign" and parse_int(parts[3]) is not None:
        await assign(update, context, actor, t, request_id, int(parts[3]))
    else:
        await query.answer(t(N_("This button is no longer valid.")), show_alert=True)


async def claim(update: Update, context: BotContext, actor: Actor, t: Translator, request_id: int) -> None:
    """Take the request in charge; the claim button disappears from the pressed message."""
    query = update.callback_query
    assert query is not None
    try:
        request = await context.run(lifecycle.claim, context.uow, actor, request_id)
    except DeskError as error:
        await query.answer(explain(error, t), show_alert=True)
        return
    await query.answer(
        t(
            N_("✋ You took {reference} in charge. Status: {status}"),
            reference=t.wrap(request.reference),
            status=status_label(request.status, t, True),
        )
    )
    message = query.message
    if isinstance(message, Message) and message.reply_markup is not None:
        rows = [
            row
            for row in message.reply_markup.inline_keyboard
            if not any(button.callback_data == query.data for button in row)
        ]
        # Telegram refuses an edit that changes nothing.
        if len(rows) != len(message.reply_markup.inline_keyboard):
            await query.edit_message_reply_markup(InlineKeyboardMarkup(rows) if rows else None)


async def open_request(
    update: Update, context: BotContext, actor: Actor, t: Translator, request_id: int
) -> None:
    await queue.show_request(update, context, request_id)


async def send_files(
    update: Update, context: BotContext, actor: Actor, t: Translator, request_id: int
) -> None:
    """The request's files (the latest ten), sent again by their Telegram ids — only to its requester, the
    office handling it, and admins (desk/privacy.py)."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    try:
        request, attachments = await context.run(privacy.request_files, context.uow, actor, request_id)
    except DeskError as error:
        await query.answer(explain(error, t), show_alert=True)
        return
    await query.answer()
    for attachment in attachments[-MAX_FILES:]:
        caption = request.reference
        if (sent_as(attachment) or "").startswith("image/"):  # a photo, not an image sent as a document
            await update.effective_chat.send_photo(attachment.file_id, caption=caption)
        else:
            await update.effective_chat.send_document(attachment.file_id, caption=caption)


async def _ready(
    update: Update, context: BotContext, actor: Actor, t: Translator, request_id: int, action: Action
) -> Any:
    """The request when the desk says the action is possible now; else a pop-up and None."""
    try:
        return await context.read(office_views.ready_for, context.uow, actor, request_id, action)
    except DeskError as error:
        assert update.callback_query is not None
        await update.callback_query.answer(explain(error, t), show_alert=True)
        return None


async def _show(update: Update, text: str, markup: InlineKeyboardMarkup, edit: bool) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    if edit:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    else:
        await say(update, text, markup)


async def transfer_services(
    update: Update, context: BotContext, actor: Actor, t: Translator, request_id: int
) -> None:
    """First step of a transfer: the services (a new message; `svcs` comes back to it by editing)."""
    request = await _ready(update, context, actor, t, request_id, Action.TRANSFER)
    if request is None:
        return
    rows = [
        [
            InlineKeyboardButton(
                service.name_fr if t.language == "fr" else service.name_ar,
                callback_data=callback(AREA, "svc", request_id, service.id),
            )
        ]
        for service in context.services.directory.services
    ]
    text = t(
        N_("🔀 Transfer {reference}: choose the service, then the office."),
        reference=t.wrap(code(request.reference)),
    )
    edit = (update.callback_query.data or "").startswith(f"{AREA}:svcs:")  # type: ignore[union-attr]
    await _show(update, text, InlineKeyboardMarkup(rows), edit)


async def transfer_offices(
    update: Update, context: BotContext, actor: Actor, t: Translator, request_id: int, service_id: str
) -> None:
    """Second step: the offices of the chosen service (the request's own office left out)."""
    query = update.callback_query
    assert query is not None
    service = next((s for s in context.services.directory.services if s.id == service_id), None)
    if service is None:
        await query.answer(t(N_("This button is no longer valid.")), show_alert=True)
        return
    request = await _ready(update, context, actor, t, request_id, Action.TRANSFER)
    if request is None:
        return
    rows = [
        [
            InlineKeyboardButton(
                office.name_fr if t.language == "fr" else office.name_ar,
                callback_data=callback(AREA, "to", request_id, office.id),
            )
        ]
        for office in service.offices
        if office.id != request.office_id
    ]
    rows.append(
        [InlineKeyboardButton(t(N_("↩️ Other services")), callback_data=callback(AREA, "svcs", request_id))]
    )
    text = t(N_("🔀 Transfer {reference} to which office?"), reference=t.wrap(code(request.reference)))
    await _show(update, text, InlineKeyboardMarkup(rows), edit=True)


async def choose_agent(
    update: Update, context: BotContext, actor: Actor, t: Translator, request_id: int
) -> None:
    """A head (or an admin) picks the agent of the office who will hold the request."""
    request = await _ready(update, context, actor, t, request_id, Action.REASSIGN)
    if request is None:
        return
    try:
        agents = await context.read(office_views.office_agents, context.uow, actor, request.office_id)
    except DeskError as error:
        await update.callback_query.answer(explain(error, t), show_alert=True)  # type: ignore[union-attr]
        return
    rows = []
    for agent, staff in agents:
        name = (staff.full_name_fr if t.language == "fr" else staff.full_name_ar) if staff else None
        label = name or t(N_("Agent {telegram_id}"), telegram_id=agent.telegram_user_id)
        if agent.telegram_user_id == request.assignee_telegram_id:
            label = "📌 " + label
        rows.append(
            [
                InlineKeyboardButton(
                    label, callback_data=callback(AREA, "assign", request_id, agent.telegram_user_id)
                )
            ]
        )
    office = office_label(context.services.directory, request.office_id, t)
    text = t(
        N_("👥 Assign {reference} to which agent of {office}?"),
        reference=t.wrap(code(request.reference)),
        office=esc(office),
    )
    await _show(update, text, InlineKeyboardMarkup(rows), edit=False)


async def assign(
    update: Update, context: BotContext, actor: Actor, t: Translator, request_id: int, telegram_id: int
) -> None:
    """`ag:assign:<id>:<telegram_id>`: the desk checks the head's right and the agent's office."""
    query = update.callback_query
    assert query is not None
    try:
        request = await context.run(lifecycle.reassign, context.uow, actor, request_id, telegram_id)
    except DeskError as error:
        await query.answer(explain(error, t), show_alert=True)
        return
    label = t(N_("Agent {telegram_id}"), telegram_id=telegram_id)
    if isinstance(query.message, Message) and query.message.reply_markup is not None:
        label = next(
            (
                b.text
                for row in query.message.reply_markup.inline_keyboard
                for b in row
                if b.callback_data == query.data
            ),
            label,
        ).removeprefix("📌 ")
    await query.answer()
    await query.edit_message_text(
        t(
            N_("📌 {reference} is now held by {agent}."),
            reference=t.wrap(code(request.reference)),
            agent=esc(label),
        ),
        parse_mode=ParseMode.HTML,
    )


__all__ = ["conversations", "handlers"]

"""What an agent writes: a reply (text, photo or document, relayed in the office's name), a request for
documents (reason required), a resolution (optional note), a rejection (reason required), a transfer note.

A notice's button (``ag:reply|docs|done|rej:<id>``, ``ag:to:<id>:<office>``) asks the desk whether the
action is possible now, then waits for the text; the desk checks again when it runs. `/cancel` stops at any
moment.
"""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.context import BotContext
from bot.i18n import N_, Translator
from desk import lifecycle, office_views, thread
from desk.errors import DeskError, InvalidInput
from desk.permissions import Action
from handlers import start
from handlers.attachments import FileRefused, file_of, has_file
from handlers.common import (
    all_menu_labels,
    callback,
    code,
    esc,
    explain,
    inline,
    parse_callback,
    parse_int,
    person,
    say,
)
from handlers.notices import AGENT_AREA, FILE_ONLY
from handlers.render import office_label

TASK_LIFETIME = dt.timedelta(hours=2)
TASK = "draft_agent"  # start.cancel clears user_data keys starting with "draft"
WRITING = 0
ACTIONS = {
    "reply": Action.REPLY,
    "docs": Action.ASK_DOCUMENTS,
    "done": Action.RESOLVE,
    "rej": Action.REJECT,
    "to": Action.TRANSFER,
}


PROMPTS = {
    "reply": N_(
        "💬 Write your reply about {reference}, or send a photo or a document (PDF, JPEG, PNG, DOCX). "
        "The requester receives it in the office's name. /cancel to stop."
    ),
    "docs": N_(
        "📄 Write which documents or details the requester must send for {reference}. "
        "This text is required; the requester will see it. /cancel to stop."
    ),
    "done": N_(
        "✅ Resolving {reference}. Write a note for the requester, or press the button to resolve "
        "without a note. /cancel to stop."
    ),
    "rej": N_(
        "⛔ Rejecting {reference}. Write the reason; it is required and the requester will see it. "
        "/cancel to stop."
    ),
    "to": N_(
        "🔀 Transferring {reference} to: {office}. Write a note for that office (required). /cancel to stop."
    ),
}
DONE = {
    "reply": N_("✅ Your reply about {reference} was sent to the requester in the office's name."),
    "docs": N_("✅ The request for documents was sent. {reference} now awaits the requester."),
    "done": N_("✅ {reference} is resolved. The requester is told."),
    "rej": N_("⛔ {reference} is rejected. The requester is told the reason."),
    "to": N_("🔀 {reference} was transferred to: {office}. Its agents and the requester are told."),
}


RESOLVED = DONE["done"]


async def begin(update: Update, context: BotContext) -> int | None:
    """A notice's button: may the agent do this now? Then ask for the text."""
    query = update.callback_query
    assert query is not None and context.user_data is not None
    actor, t = await person(update, context)
    data = query.data or ""
    parts = parse_callback(data, AGENT_AREA, 4 if data.startswith(f"{AGENT_AREA}:to:") else 3)
    request_id = parse_int(parts[2]) if parts else None
    office_id = parts[3] if parts and len(parts) == 4 else None
    if (
        parts is None
        or request_id is None
        or parts[1] not in ACTIONS
        or (parts[1] == "to" and not context.services.directory.has_office(office_id or ""))
    ):
        await query.answer(t(N_("This button is no longer valid.")), show_alert=True)
        return None
    verb = parts[1]
    try:
        request = await context.read(office_views.ready_for, context.uow, actor, request_id, ACTIONS[verb])
    except DeskError as error:
        await query.answer(explain(error, t), show_alert=True)
        return None
    if verb == "to" and office_id == request.office_id:
        await query.answer(t(N_("The request is already with this office.")), show_alert=True)
        return None
    context.user_data[TASK] = {
        "action": verb,
        "request_id": request_id,
        "office_id": office_id,
        "reference": request.reference,
        "asked_at": context.uow.now().isoformat(),
    }
    await query.answer()
    text = t(
        PROMPTS[verb],
        reference=t.wrap(code(request.reference)),
        office=esc(office_label(context.services.directory, office_id or "", t)),
    )
    markup = None
    if verb == "done":
        markup = inline([[(t(N_("✅ Resolve without a note")), callback(AGENT_AREA, "done0", request_id))]])
    await say(update, text, markup)
    return WRITING


async def got_answer(update: Update, context: BotContext) -> int:
    """The text (or, for a reply, the file) the agent was asked for."""
    assert context.user_data is not None
    task: dict[str, Any] | None = context.user_data.get(TASK)
    if not task:
        return ConversationHandler.END
    if expired(context, task):
        context.user_data.pop(TASK, None)
        _actor, t = await person(update, context)
        await say(
            update,
            t(N_("This step has expired, so nothing was sent. Please press the request's button again.")),
        )
        return ConversationHandler.END
    finished = await carry_out(update, context, task)
    if finished:
        context.user_data.pop(TASK, None)
        return ConversationHandler.END
    return WRITING


def expired(context: BotContext, task: dict[str, Any]) -> bool:
    """Text typed long after the button was pressed is not taken as the answer: it may be meant otherwise."""
    try:
        asked_at = dt.datetime.fromisoformat(str(task.get("asked_at")))
    except ValueError:
        return True
    return context.uow.now() - asked_at > TASK_LIFETIME


async def carry_out(update: Update, context: BotContext, task: dict[str, Any]) -> bool:
    """Run the task with the message's text; False when the person should try again (bad input)."""
    actor, t = await person(update, context)
    message = update.effective_message
    assert message is not None and update.effective_chat is not None
    verb, request_id = task["action"], int(task["request_id"])
    text = (message.text or message.caption or "").strip()
    if has_file(message) and verb != "reply":
        await say(update, t(N_("Please write it as a text message, or /cancel.")))
        return False
    try:
        ref = file_of(message)
    except FileRefused as refused:
        await say(update, t(refused.reason) + "\n" + t(N_("Please try again, or /cancel.")))
        return False
    if ref is None and not text:
        await say(update, t(N_("Please write it as a text message, or /cancel.")))
        return False
    source = {
        "source_key": f"tg:{message.chat_id}:{message.message_id}",
        "telegram_chat_id": message.chat_id,
        "telegram_message_id": message.message_id,
    }
    uow = context.uow
    try:
        if verb == "reply":
            await context.run(
                thread.reply, uow, actor, request_id, text or FILE_ONLY, files=[ref] if ref else [], **source
            )
        elif verb == "docs":
            await context.run(thread.ask_documents, uow, actor, request_id, text, **source)
        elif verb == "done":
            await context.run(lifecycle.resolve, uow, actor, request_id, text)
        elif verb == "rej":
            await context.run(lifecycle.reject, uow, actor, request_id, text)
        else:
            await context.run(lifecycle.transfer, uow, actor, request_id, task["office_id"], text)
    except InvalidInput as error:
        await say(update, esc(explain(error, t)) + "\n" + t(N_("Please try again, or /cancel.")))
        return False
    except DeskError as error:
        await say(update, esc(explain(error, t)))
        return True
    await say(update, _done_text(context, t, verb, task), _open_button(t, request_id))
    return True


def _done_text(context: BotContext, t: Translator, verb: str, task: dict[str, Any]) -> str:
    reference = t.wrap(code(task["reference"]))
    office = esc(office_label(context.services.directory, task.get("office_id") or "", t))
    return t(DONE[verb], reference=reference, office=office)


def _open_button(t: Translator, request_id: int) -> Any:
    return inline([[(t(N_("🗂 Open the request")), callback(AGENT_AREA, "open", request_id))]])


async def resolve_without_note(update: Update, context: BotContext) -> int:
    """`ag:done0:<id>`: resolve at once, without a note (from the prompt, or pressed later)."""
    query = update.callback_query
    assert query is not None and context.user_data is not None
    actor, t = await person(update, context)
    parts = parse_callback(query.data, AGENT_AREA, 3)
    request_id = parse_int(parts[2]) if parts else None
    if request_id is None:
        await query.answer(t(N_("This button is no longer valid.")), show_alert=True)
        return ConversationHandler.END
    try:
        request = await context.run(lifecycle.resolve, context.uow, actor, request_id, None)
    except DeskError as error:
        await query.answer(explain(error, t), show_alert=True)
        return ConversationHandler.END
    task = context.user_data.get(TASK) or {}
    if task.get("request_id") == request_id:
        context.user_data.pop(TASK, None)
    await query.answer()
    await query.edit_message_text(
        t(RESOLVED, reference=t.wrap(code(request.reference))),
        parse_mode=ParseMode.HTML,
        reply_markup=_open_button(t, request_id),
    )
    return ConversationHandler.END


def conversation() -> ConversationHandler:  # type: ignore[type-arg]
    written = (
        (filters.TEXT & ~filters.COMMAND & ~filters.Text(all_menu_labels()))
        | filters.PHOTO
        | filters.Document.ALL
    )
    entry = CallbackQueryHandler(begin, pattern=rf"^{AGENT_AREA}:(reply|docs|done|rej|to):")
    done0 = CallbackQueryHandler(resolve_without_note, pattern=rf"^{AGENT_AREA}:done0:")
    states: dict[object, list[BaseHandler[Any, Any, Any]]] = {
        WRITING: [MessageHandler(filters.ChatType.PRIVATE & written, got_answer), done0],
    }
    with warnings.catch_warnings():
        # Buttons are tracked per chat, not per message, on purpose: the draft knows which request it is
        # about, and the state must survive a restart.
        warnings.filterwarnings("ignore", message=".*per_message.*", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=[entry],
            states=states,
            fallbacks=[CommandHandler("cancel", start.cancel)],
            name="agent_task",
            persistent=True,
            allow_reentry=True,
        )

"""Teachers and principals: a new request drafted question by question, confirmed, then filed.

One persistent conversation ("requester") holds every multi-step flow of this audience, so that two flows
never compete for the same message: a new request (/new, the menu, an office's «send a request» button),
a document handed in by a principal (/handin, see `handlers.principal`) and information added to a request
(`rq:add:<id>`, see `handlers.followup`).
Callback area `nw` (the draft); `req:office:<office_id>` comes from the FAQ.
"""

from __future__ import annotations

import warnings
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters
from telegram.warnings import PTBUserWarning

from bot.context import BotContext
from bot.i18n import N_, Translator
from desk.errors import DeskError
from desk.filing import check_can_file
from handlers import drafts, followup, principal, start, steps
from handlers.common import (
    MENU_ASK,
    MENU_HANDIN,
    MENU_MINE,
    MENU_NEW,
    MENU_QUEUE,
    MENU_SETTINGS,
    callback,
    explain,
    inline,
    menu_labels,
    parse_callback,
    person,
    say,
)
from handlers.drafts import ADD, AREA, CONFIRM, DRAFT, OFFICE, STEP, TYPE
from handlers.faq import office_name, service_name
from handlers.render import type_label

PRIVATE = filters.ChatType.PRIVATE
STALE = N_("This button is no longer valid.")


def conversations() -> list[Any]:
    return [requester_conversation()]


def handlers() -> list[Any]:
    return followup.handlers()


on_reply_to_notice = followup.on_reply_to_notice


# ---------------------------------------------------------------------- starting a request


async def new_request(update: Update, context: BotContext) -> int:
    """/new or the menu: which kind of request (only the kinds this person may file)."""
    actor, t = await person(update, context)
    try:
        check_can_file(actor)
    except DeskError as error:
        await say(update, explain(error, t) + "\n" + t(N_("Send /start to register.")))
        return ConversationHandler.END
    assert context.user_data is not None
    context.user_data.pop(DRAFT, None)
    directory = context.services.directory
    rows = [
        [(type_label(directory, rt.id, t), callback(AREA, "type", rt.id))]
        for rt in directory.request_types.values()
        if actor.role in rt.audience
    ]
    await say(
        update,
        t(N_("What is your request about?")) + "\n\n<i>" + t(N_("Send /cancel to stop.")) + "</i>",
        inline(rows),
    )
    return TYPE


async def on_type(update: Update, context: BotContext) -> int:
    query = update.callback_query
    assert query is not None and context.user_data is not None
    actor, t = await person(update, context)
    parts = parse_callback(query.data, AREA, 3)
    rtype = context.services.directory.request_types.get(parts[2]) if parts else None
    if rtype is None or actor.role not in rtype.audience:
        await query.answer(t(STALE), show_alert=True)
        return TYPE
    await query.answer()
    await followup.close_buttons(query)
    if rtype.id == "document_handin":
        return await hand_in(update, context)
    if rtype.id == "question":
        return await _services(update, context, t)
    context.user_data[DRAFT] = drafts.new_draft(rtype.id)
    return await steps.ask(update, context, t)


async def _services(update: Update, context: BotContext, t: Translator) -> int:
    """A question needs an office: pick the service, then the office (or the reception office)."""
    directory = context.services.directory
    rows = [[(service_name(s, t), callback(AREA, "svc", s.id))] for s in directory.services]
    reception = directory.reception_office
    rows.append([(t(N_("I do not know: the reception office")), callback(AREA, "off", reception.id))])
    await say(update, t(N_("Which service should receive your question?")), inline(rows))
    return OFFICE


async def on_office(update: Update, context: BotContext) -> int:
    """nw:svc:<service> lists a service's offices; nw:off:<office> starts a question to that office."""
    query = update.callback_query
    assert query is not None and context.user_data is not None
    _actor, t = await person(update, context)
    directory = context.services.directory
    parts = parse_callback(query.data, AREA, 3)
    if parts and parts[1] == "svc":
        service = next((s for s in directory.services if s.id == parts[2]), None)
        if service is not None:
            await query.answer()
            rows = [[(office_name(o, t), callback(AREA, "off", o.id))] for o in service.offices]
            await say(update, t(N_("Which office?")), inline(rows))
            return OFFICE
    if parts and parts[1] == "off" and directory.has_office(parts[2]):
        await query.answer()
        await followup.close_buttons(query)
        context.user_data[DRAFT] = drafts.new_draft("question", office_id=parts[2])
        return await steps.ask(update, context, t)
    await query.answer(t(STALE), show_alert=True)
    return OFFICE


async def hand_in(update: Update, context: BotContext) -> int:
    """/handin, the menu button, or «hand in a document» among the kinds: for principals only."""
    assert context.user_data is not None
    _actor, t = await person(update, context)
    if await principal.school_staff(update, context) is None:
        return ConversationHandler.END
    context.user_data[DRAFT] = drafts.new_draft("document_handin")
    return await steps.ask(update, context, t)


async def office_question(update: Update, context: BotContext) -> int:
    """req:office:<office_id> (the FAQ's «send a request to this office»): a question to that office."""
    query = update.callback_query
    assert query is not None and context.user_data is not None
    actor, t = await person(update, context)
    parts = parse_callback(query.data, "req", 3)
    if parts is None or parts[1] != "office" or not context.services.directory.has_office(parts[2]):
        await query.answer(t(STALE), show_alert=True)
        return ConversationHandler.END
    try:
        check_can_file(actor)
    except DeskError as error:
        await query.answer()
        await say(update, explain(error, t) + "\n" + t(N_("Send /start to register.")))
        return ConversationHandler.END
    await query.answer()
    context.user_data[DRAFT] = drafts.new_draft("question", office_id=parts[2])
    office = context.services.directory.office(parts[2])
    await say(
        update, t(N_("Your question will go to: <b>{office}</b>."), office=drafts.esc(office_name(office, t)))
    )
    return await steps.ask(update, context, t)


# ---------------------------------------------------------------------- wiring


def requester_conversation() -> ConversationHandler:  # type: ignore[type-arg]
    menu = filters.Text(
        sorted(
            set().union(
                *(
                    menu_labels(m)
                    for m in (MENU_ASK, MENU_NEW, MENU_MINE, MENU_HANDIN, MENU_SETTINGS, MENU_QUEUE)
                )
            )
        )
    )
    text = PRIVATE & filters.TEXT & ~filters.COMMAND & ~menu
    files = PRIVATE & (filters.PHOTO | filters.Document.ALL)
    with warnings.catch_warnings():
        # Buttons are tracked per chat, not per message, on purpose: the draft knows which question is current
        # (the step index in the callback data), and the state must survive a restart.
        warnings.filterwarnings("ignore", message=".*per_message.*", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=[
                CommandHandler("new", new_request, filters=PRIVATE),
                MessageHandler(PRIVATE & filters.Text(sorted(menu_labels(MENU_NEW))), new_request),
                CallbackQueryHandler(office_question, pattern=r"^req:office:"),
                CommandHandler("handin", hand_in, filters=PRIVATE),
                MessageHandler(PRIVATE & filters.Text(sorted(menu_labels(MENU_HANDIN))), hand_in),
                CallbackQueryHandler(followup.add_start, pattern=r"^rq:add:"),
            ],
            states={
                TYPE: [
                    CallbackQueryHandler(on_type, pattern=r"^nw:type:"),
                    MessageHandler(text, steps.use_buttons),
                ],
                OFFICE: [
                    CallbackQueryHandler(on_office, pattern=r"^nw:(svc|off):"),
                    MessageHandler(text, steps.use_buttons),
                ],
                STEP: [
                    CallbackQueryHandler(steps.on_step_button, pattern=r"^nw:(pick|skip|done|staff):"),
                    MessageHandler(text, steps.on_step_text),
                    MessageHandler(files, steps.on_step_file),
                ],
                CONFIRM: [
                    CallbackQueryHandler(steps.on_confirm, pattern=r"^nw:(ok|no)$"),
                    MessageHandler(text, steps.use_buttons),
                ],
                ADD: [MessageHandler(text | files, followup.on_add)],
            },
            fallbacks=[CommandHandler("cancel", start.cancel)],
            name="requester",
            persistent=True,
            allow_reentry=True,
        )

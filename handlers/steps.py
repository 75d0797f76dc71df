"""Answering a draft's questions one at a time, then filing it: the summary to confirm for a request, at once
for a principal's hand-in. States STEP and CONFIRM of the conversation "requester" (callback area `nw`).
"""

from __future__ import annotations

from typing import Any

from telegram import Message, Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.i18n import N_, Translator
from desk.details import clean_details
from desk.errors import DeskError, InvalidInput
from desk.filing import file_request
from desk.records import MAX_ATTACHMENTS
from handlers import drafts, followup, principal
from handlers.attachments import FileRefused, file_of, from_json, to_json
from handlers.common import callback, explain, inline, main_menu, parse_callback, person, say
from handlers.drafts import AREA, CONFIRM, DRAFT, STEP
from handlers.followup import close_buttons

STALE = N_("This button is no longer valid.")


def draft_of(context: BotContext) -> dict[str, Any] | None:
    draft = (context.user_data or {}).get(DRAFT)
    return draft if isinstance(draft, dict) and drafts.current(draft) is not None else None


async def ask(update: Update, context: BotContext, t: Translator, before: str = "") -> int:
    """Ask the draft's current question (after an optional line, e.g. why the last answer was refused)."""
    draft = draft_of(context)
    if draft is None:
        return await _lost(update, context, t)
    text, markup = drafts.prompt(context.services.directory, draft, t)
    await say(update, (before + "\n\n" if before else "") + text, markup)
    return STEP


async def _lost(update: Update, context: BotContext, t: Translator) -> int:
    actor, t = await person(update, context)
    await say(
        update,
        t(N_("This request was already sent or cancelled. Send /new to start another one.")),
        main_menu(t, actor),
    )
    return ConversationHandler.END


async def _answering(
    update: Update, context: BotContext
) -> tuple[dict[str, Any], drafts.Step, Message] | int:
    """The draft, its current question and the message answering it; or the state to stay in when the message
    was an answer on another request (a reply to its notice) or there is no draft any more."""
    _actor, t = await person(update, context)
    if await followup.handle_reply(update, context):
        return STEP
    draft = draft_of(context)
    message = update.effective_message
    step = drafts.current(draft) if draft is not None else None
    if draft is None or message is None or step is None:
        return await _lost(update, context, t)
    return draft, step, message


async def on_step_text(update: Update, context: BotContext) -> int:
    got = await _answering(update, context)
    if isinstance(got, int):
        return got
    draft, step, message = got
    _actor, t = await person(update, context)
    text = message.text or ""
    if step.kind == "files":
        return await ask(update, context, t, t(N_("Please send a photo or a PDF file, or press «Done».")))
    if step.kind == "staff":
        return await principal.search(update, context, draft, text)
    try:
        value = drafts.read_answer(context.services.directory, draft, text, context.uow.today())
    except DeskError as error:
        return await ask(update, context, t, "⚠️ " + drafts.reason(error, t))
    return await advance(update, context, draft, value)


async def on_step_file(update: Update, context: BotContext) -> int:
    got = await _answering(update, context)
    if isinstance(got, int):
        return got
    draft, step, message = got
    _actor, t = await person(update, context)
    if step.kind != "files":
        return await ask(
            update, context, t, t(N_("Please answer this question first; you can send files at the end."))
        )
    try:
        ref = file_of(message)
    except FileRefused as refused:
        return await ask(update, context, t, "⚠️ " + t(refused.reason))
    files: list[dict[str, Any]] = draft.setdefault("files", [])
    if ref is not None and all(f["file_unique_id"] != ref.file_unique_id for f in files):
        if len(files) >= MAX_ATTACHMENTS:
            return await ask(
                update, context, t, "⚠️ " + t(N_("You cannot attach more files to this request."))
            )
        files.append(to_json(ref))
    await say(
        update,
        t(N_("📎 File received ({count}). Send another one, or press «Done»."), count=len(files)),
        inline([[(t(N_("✅ Done")), callback(AREA, "done", draft["step"]))]]),
    )
    return STEP


async def on_step_button(update: Update, context: BotContext) -> int:
    """nw:pick:<step>:<value>, nw:skip:<step>, nw:done:<step>, nw:staff:<step>:<staff id>."""
    query = update.callback_query
    assert query is not None
    _actor, t = await person(update, context)
    draft = draft_of(context)
    data = query.data or ""
    if draft is None:
        await query.answer(t(STALE), show_alert=True)
        return await _lost(update, context, t)
    step = drafts.current(draft)
    assert step is not None
    parts = parse_callback(data, AREA, 4) or parse_callback(data, AREA, 3)
    index = int(parts[2]) if parts and parts[2].isdigit() else -1
    if parts is None or index != draft["step"]:
        await query.answer(t(STALE), show_alert=True)
        return STEP
    action = parts[1]
    if action == "staff" and step.kind == "staff" and len(parts) == 4:
        chosen = await principal.pick_staff(update, context, draft, parts[3])
        if chosen is None:
            return STEP
        await close_buttons(query)
        return await advance(update, context, draft, chosen)
    if action == "pick" and len(parts) == 4:
        found, value = drafts.pick(context.services.directory, draft, index, parts[3])
        if found:
            await query.answer()
            await close_buttons(query)
            return await advance(update, context, draft, value)
    elif action == "skip" and step.optional:
        await query.answer()
        await close_buttons(query)
        return await advance(update, context, draft, None)
    elif action == "done" and step.kind == "files":
        if step.required and not draft.get("files"):
            await query.answer(t(N_("Please send the document first.")), show_alert=True)
            return STEP
        await query.answer()
        await close_buttons(query)
        return await advance(update, context, draft, None)
    await query.answer(t(STALE), show_alert=True)
    return STEP


async def advance(update: Update, context: BotContext, draft: dict[str, Any], value: Any) -> int:
    """Keep the answer, then ask the next question, or finish the draft."""
    step = drafts.current(draft)
    assert step is not None
    if step.kind != "files":
        draft.setdefault("values", {})[step.key] = value
    draft["step"] = int(draft["step"]) + 1
    _actor, t = await person(update, context)
    if drafts.current(draft) is not None:
        return await ask(update, context, t)
    if draft["type"] == "document_handin":  # handed in at once, no summary: the receipt says it all
        message = update.effective_message
        assert message is not None
        return await file_draft(update, context, draft, f"tg:{message.chat.id}:{message.message_id}")
    return await show_summary(update, context, draft, t)


async def back_to_field(
    update: Update, context: BotContext, draft: dict[str, Any], error: InvalidInput, t: Translator
) -> int | None:
    """When the desk refuses one field, ask that question again; None when the field is not a question."""
    index = drafts.step_of_field(draft, error.field)
    if index is None:
        return None
    draft["step"] = index
    return await ask(update, context, t, "⚠️ " + drafts.reason(error, t))


async def show_summary(update: Update, context: BotContext, draft: dict[str, Any], t: Translator) -> int:
    directory = context.services.directory
    try:
        details = clean_details(
            str(draft["type"]), drafts.details_of(draft), directory=directory, today=context.uow.today()
        )
    except InvalidInput as error:
        again = await back_to_field(update, context, draft, error, t)
        if again is not None:
            return again
        await say(update, explain(error, t))
        return ConversationHandler.END
    except DeskError as error:
        await say(update, explain(error, t))
        return ConversationHandler.END
    sent = await say(update, drafts.summary(directory, draft, details, t), drafts.summary_buttons(t))
    draft["summary"] = sent.message_id if sent else None  # only this summary's «Send» files this draft
    return CONFIRM


async def on_confirm(update: Update, context: BotContext) -> int:
    """nw:ok files the draft — once, however often it is pressed (the key is the summary message).

    nw:no drops it."""
    query = update.callback_query
    assert query is not None and context.user_data is not None
    actor, t = await person(update, context)
    parts = parse_callback(query.data, AREA, 2)
    draft = draft_of(context) or context.user_data.get(DRAFT)
    if (
        parts is None
        or parts[1] not in ("ok", "no")
        or not isinstance(draft, dict)
        or query.message is None
        or draft.get("summary") not in (None, query.message.message_id)
    ):
        await query.answer(t(STALE), show_alert=True)
        return CONFIRM
    await query.answer()
    if parts[1] == "no":
        await close_buttons(query)
        context.user_data.pop(DRAFT, None)
        await say(update, t(N_("Cancelled. Nothing was sent.")), main_menu(t, actor))
        return ConversationHandler.END
    state = await file_draft(update, context, draft, f"tg:{query.message.chat.id}:{query.message.message_id}")
    # Only once the receipt is out: if it was lost (Telegram unreachable), «Send» is still there to press
    # again, which files nothing twice (the key is the summary) and gives the receipt.
    await close_buttons(query)
    return state


async def file_draft(update: Update, context: BotContext, draft: dict[str, Any], key: str) -> int:
    """File the draft (once per `key`) and give the receipt; a refused field is asked again."""
    assert context.user_data is not None
    actor, t = await person(update, context)
    files = [from_json(f) for f in draft.get("files") or []]
    rtype = str(draft["type"])
    try:
        request = await context.run(
            file_request, context.uow, actor, rtype, drafts.details_of(draft), files=files, source_key=key
        )
    except InvalidInput as error:
        again = await back_to_field(update, context, draft, error, t)
        if again is not None:
            return again
        context.user_data.pop(DRAFT, None)
        await say(update, explain(error, t), main_menu(t, actor))
        return ConversationHandler.END
    except DeskError as error:
        context.user_data.pop(DRAFT, None)
        await say(update, explain(error, t), main_menu(t, actor))
        return ConversationHandler.END
    for_whom = principal.for_whom(draft, t) if rtype == "document_handin" else None
    await say(update, drafts.receipt(context.services.directory, request, t, for_whom), main_menu(t, actor))
    context.user_data.pop(DRAFT, None)  # after the receipt: if it is lost, the draft can be sent (once) again
    return ConversationHandler.END


async def use_buttons(update: Update, context: BotContext) -> int | None:
    """Text where a button is expected: say so, and stay where we are."""
    _actor, t = await person(update, context)
    if await followup.handle_reply(update, context):
        return None
    await say(update, t(N_("Please use the buttons above, or send /cancel to stop.")))
    return None

"""Personal data (Morocco's law 09-08): `/mydata` shows a person what the bot holds about them;
`/erase <Telegram id or PPR>` lets an admin erase a person's personal data on request, after a confirmation.

Callback area `pv`: pv:er:t:<telegram id> | pv:er:p:<ppr> (erase, checked again by the desk), pv:keep.
"""

from __future__ import annotations

import json
from typing import Any

from telegram import InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, filters

from bot.context import BotContext
from bot.i18n import N_, Translator
from desk import privacy
from desk.errors import DeskError, PermissionDenied
from handlers.common import callback, clip, code, esc, explain, inline, parse_callback, person, say
from handlers.followup import close_buttons
from handlers.render import office_label, status_label, type_label

AREA = "pv"
PRIVATE = filters.ChatType.PRIVATE
TEXT_LIMIT = 3500  # beyond this, the data goes as a JSON file (a message holds 4096 characters)
STALE = N_("This button is no longer valid.")
ROLES = {"teacher": N_("teacher"), "principal": N_("principal"), "administrative": N_("administrative staff")}
REGISTRATION = {
    "linked": N_("registered"),
    "pending": N_("awaiting approval"),
    "refused": N_("not accepted"),
}


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        CommandHandler("mydata", my_data, filters=PRIVATE),
        CommandHandler("erase", erase_command, filters=PRIVATE),
        CallbackQueryHandler(on_button, pattern=rf"^{AREA}:"),
    ]


# --------------------------------------------------------------------------- /mydata


async def my_data(update: Update, context: BotContext) -> None:
    """What the bot holds about the person: as a message, or as a JSON file when it would not fit in one."""
    actor, t = await person(update, context)
    data = await context.run(privacy.personal_data, context.uow, actor)
    if data.is_empty:
        await say(update, t(N_("The bot holds no personal data about you.")))
        return
    text = my_data_text(context, data, t)
    if len(text) <= TEXT_LIMIT:
        await say(update, text)
        return
    assert update.effective_chat is not None
    content = json.dumps(data.as_json(), ensure_ascii=False, indent=2).encode("utf-8")
    await update.effective_chat.send_document(
        InputFile(content, filename="my-data.json"),
        caption=t(N_("🔐 What the bot holds about you, as a file (JSON).")),
    )


def my_data_text(context: BotContext, data: privacy.PersonalData, t: Translator) -> str:
    directory = context.services.directory
    lines = [t(N_("🔐 <b>What the bot holds about you</b>")), ""]
    account = t(N_("Telegram account: {telegram_id}"), telegram_id=t.wrap(data.telegram_id))
    if data.registration:
        account += " · " + t(REGISTRATION.get(data.registration, data.registration))
    if data.registered_on:
        account += " · " + t(N_("since {date}"), date=t.date(data.registered_on))
    lines.append(account)
    if data.language:
        lines.append(
            t(N_("Language: {language}"), language="العربية" if data.language == "ar" else "Français")
        )
    if data.is_admin:
        lines.append(t(N_("You are an administrator of the bot.")))
    if staff := data.staff:
        lines += ["", t(N_("<b>Your entry in the staff list</b>"))]
        lines.append(
            t(N_("PPR: {ppr} · CIN: {cin}"), ppr=t.wrap(esc(staff["ppr"])), cin=t.wrap(esc(staff["cin"])))
        )
        lines.append(f"{esc(staff['full_name_ar'])} — {t.wrap(esc(staff['full_name_fr']))}")
        role = t(ROLES.get(str(staff["role"]), str(staff["role"])))
        lines.append(
            t(
                N_("{role} · {school} ({code})"),
                role=esc(role),
                school=esc(staff["school_name"]),
                code=t.wrap(esc(staff["school_code"])),
            )
        )
        if staff.get("phone"):
            lines.append(t(N_("Phone: {phone}"), phone=t.wrap(esc(staff["phone"]))))
    if claimed := data.claimed:
        lines += ["", t(N_("<b>Your registration request</b>"))]
        lines.append(
            t(
                N_("PPR: {ppr} · CIN: {cin}"),
                ppr=t.wrap(esc(claimed.get("ppr") or "—")),
                cin=t.wrap(esc(claimed.get("cin") or "—")),
            )
        )
        if claimed.get("name"):
            lines.append(esc(claimed["name"]))
    if data.offices:
        lines += ["", t(N_("<b>Offices you serve</b>"))]
        head = t(N_("head"))
        lines += [
            f"• {esc(office_label(directory, office, t))}" + (f" · {head}" if is_head else "")
            for office, is_head in data.offices
        ]
    own = [r for r in data.requests if not r.filed_for_you]
    for_you = [r for r in data.requests if r.filed_for_you]
    for title, requests in (
        (N_("<b>Your requests</b> ({count})"), own),
        (N_("<b>Requests filed for you by your school</b> ({count})"), for_you),
    ):
        if requests:
            lines += ["", t(title, count=len(requests))]
            lines += [
                f"• {code(r.reference)} — {esc(type_label(directory, r.request_type, t))} — "
                f"{status_label(r.status, t)} — {t.date(r.filed_on)}"
                for r in requests
            ]
    lines += [
        "",
        t(
            N_("Messages you wrote: {messages} · Files you sent: {files} · Saved drafts: {drafts}"),
            messages=data.messages,
            files=data.files,
            drafts=data.drafts,
        ),
    ]
    lines += [
        "",
        t(N_("To have your personal data erased, ask the directorate: an administrator can do it.")),
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- /erase (admins)


async def erase_command(update: Update, context: BotContext) -> None:
    """`/erase <Telegram id or PPR>`: who that designates, each with a button to erase their personal data."""
    actor, t = await person(update, context)
    if not actor.is_admin:
        await say(update, t(N_("This command is for the directorate's administrators.")))
        return
    args = context.args or []
    if len(args) != 1:
        await say(
            update,
            t(
                N_("Send the Telegram id or the PPR after the command, for example: /erase {example}"),
                example=t.wrap(code("1234567")),
            ),
        )
        return
    try:
        people = await context.run(privacy.find_people, context.uow, actor, args[0])
    except DeskError as error:
        await say(update, esc(explain(error, t)))
        return
    for found in people:
        await say(
            update,
            person_card(found, t),
            inline(
                [
                    [(t(N_("🗑 Erase this person's data")), callback(AREA, "er", found.by, found.value))],
                    [(t(N_("Keep it")), callback(AREA, "keep"))],
                ]
            ),
        )


def person_card(found: privacy.Person, t: Translator) -> str:
    name = (found.name_fr if t.language == "fr" else found.name_ar) or "—"
    lines = [
        t(N_("⚠️ Erase the personal data of this person?")),
        "",
        f"👤 <b>{esc(name)}</b>" + (f" — {esc(found.school_name)}" if found.school_name else ""),
        t(
            N_("PPR: {ppr} · Telegram account: {telegram_id}"),
            ppr=t.wrap(esc(found.ppr or "—")),
            telegram_id=t.wrap(found.telegram_id or "—"),
        ),
        t(N_("Requests: {count}"), count=found.requests),
        "",
        t(
            N_(
                "Names, CIN, phone, messages and files are erased and the account is unlinked. "
                "The requests stay, without anything personal, for the statistics. This cannot be undone."
            )
        ),
    ]
    return "\n".join(lines)


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    actor, t = await person(update, context)
    data = query.data or ""
    if parse_callback(data, AREA, 2) == [AREA, "keep"]:
        await query.answer(t(N_("Nothing was erased.")))
        await close_buttons(query)
        return
    parts = parse_callback(data, AREA, 4)
    if parts is None or parts[1] != "er" or parts[2] not in ("t", "p") or not parts[3].isdigit():
        await query.answer(t(STALE), show_alert=True)
        return
    by, value = parts[2], parts[3]
    try:
        if not actor.is_admin:
            raise PermissionDenied(action="erase_personal_data")
        report = await context.run(
            privacy.erase_person,
            context.uow,
            actor,
            telegram_id=int(value) if by == "t" else None,
            ppr=value if by == "p" else None,
        )
    except DeskError as error:
        await query.answer(explain(error, t), show_alert=True)
        return
    if report.telegram_id is not None:
        forget_in_memory(context, report.telegram_id)
    await query.answer()
    text = t(
        N_(
            "✅ Personal data erased: {requests} request(s) anonymized, {messages} message(s) and {files} "
            "file(s) removed."
        ),
        requests=report.requests,
        messages=report.messages,
        files=report.files,
    )
    await query.edit_message_text(clip(text), parse_mode=ParseMode.HTML)


def forget_in_memory(context: BotContext, telegram_id: int) -> None:
    """The running bot's copy of the person's drafts and conversation states (the database rows are gone)."""
    context.application.drop_user_data(telegram_id)
    for group in context.application.handlers.values():
        for handler in group:
            if isinstance(handler, ConversationHandler):
                # Conversation keys are (chat id, user id); a private chat's id is the user's id.
                states = handler._conversations  # no public API to drop one person's state
                for key in [k for k in states if telegram_id in k]:
                    states.pop(key, None)

"""The admin steps that wait for an answer: a refusal's reason, a new agent (Telegram id → office → head?),
and the roster file (CSV or XLSX, imported by the desk, with its per-row report). `/cancel` at every step."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
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
from desk import people
from desk.errors import DeskError, InvalidInput, PermissionDenied
from desk.permissions import check_decide_registrations
from desk.roster import Outcome, RosterReport, import_roster
from handlers import start
from handlers.common import MAX_TEXT, callback, esc, explain, parse_callback, parse_int, person, say
from handlers.render import office_label

AREA = "ad"
DRAFT = "draft_admin"  # start.cancel clears user_data keys starting with "draft"
REASON, AGENT_ID, AGENT_OFFICE, AGENT_HEAD, ROSTER_FILE = range(5)
ROSTER_TYPES = (".csv", ".xlsx")
MAX_ROSTER_BYTES = 20 * 1024 * 1024
ROSTER_FIELDS = {
    "ppr": N_("PPR number"),
    "cin": N_("national identity card number"),
    "full_name_ar": N_("name in Arabic"),
    "full_name_fr": N_("name in French"),
    "role": N_("function"),
    "school_code": N_("school code"),
    "school_name": N_("school"),
    "phone": N_("phone number"),
    "file": N_("file"),
}
OUTCOMES = {
    Outcome.CREATED: N_("added"),
    Outcome.UPDATED: N_("updated"),
    Outcome.UNCHANGED: N_("unchanged"),
    Outcome.REJECTED: N_("rejected"),
}


def _draft(context: BotContext) -> dict[str, Any]:
    assert context.user_data is not None
    draft: dict[str, Any] = context.user_data.setdefault(DRAFT, {})
    return draft


def _finish(context: BotContext) -> int:
    assert context.user_data is not None
    context.user_data.pop(DRAFT, None)
    return ConversationHandler.END


async def begin(update: Update, context: BotContext) -> int | None:
    """`ad:no:<account_id>` (refuse), `ad:add` (new agent) or `ad:imp` (roster file)."""
    query = update.callback_query
    assert query is not None and context.user_data is not None
    actor, t = await person(update, context)
    parts = (query.data or "").split(":")
    verb = parts[1] if len(parts) > 1 else ""
    if verb == "no" and len(parts) == 3 and parse_int(parts[2]) is not None:
        try:
            check_decide_registrations(actor)
        except DeskError as error:
            await query.answer(explain(error, t), show_alert=True)
            return None
        context.user_data[DRAFT] = {"account_id": int(parts[2])}
        await query.answer()
        await say(
            update, t(N_("⛔ Write the reason for the refusal; the person will read it. /cancel to stop."))
        )
        return REASON
    if verb in ("add", "imp") and len(parts) == 2:
        if not actor.is_admin:
            await query.answer(explain(PermissionDenied(), t), show_alert=True)
            return None
        context.user_data[DRAFT] = {}
        await query.answer()
        if verb == "add":
            await say(
                update,
                t(
                    N_(
                        "➕ Send the Telegram id of the new agent (digits only). "
                        "They can find it with @userinfobot. /cancel to stop."
                    )
                ),
            )
            return AGENT_ID
        await say(
            update,
            t(
                N_(
                    "📄 Send the roster file now, as a document: CSV (UTF-8) or XLSX, one row per "
                    "staff member, with the columns PPR, CIN, names, function, school code and school. "
                    "/cancel to stop."
                )
            ),
        )
        return ROSTER_FILE
    await query.answer(t(N_("This button is no longer valid.")), show_alert=True)
    return None


async def got_reason(update: Update, context: BotContext) -> int:
    actor, t = await person(update, context)
    text = update.effective_message.text if update.effective_message else None
    account_id = _draft(context).get("account_id")
    if account_id is None:
        return _finish(context)
    try:
        account = await context.run(
            people.refuse_registration, context.uow, actor, int(account_id), text or ""
        )
    except InvalidInput as error:
        await say(update, esc(explain(error, t)) + "\n" + t(N_("Please try again, or /cancel.")))
        return REASON
    except DeskError as error:
        await say(update, esc(explain(error, t)))
        return _finish(context)
    await say(
        update,
        t(
            N_("⛔ The registration of {name} is refused. The person is told the reason."),
            name=esc(account.claimed_name or account.telegram_user_id),
        ),
    )
    return _finish(context)


async def got_agent_id(update: Update, context: BotContext) -> int:
    _actor, t = await person(update, context)
    text = (update.effective_message.text or "").strip() if update.effective_message else ""
    telegram_id = parse_int(text)
    if telegram_id is None or telegram_id <= 0:
        await say(
            update,
            t(
                N_("A Telegram id is made of digits only, e.g. {example}. Please send it again, or /cancel."),
                example=t.wrap("123456789"),
            ),
        )
        return AGENT_ID
    _draft(context)["telegram_id"] = telegram_id
    await say(
        update,
        t(N_("In which service is the office of {telegram_id}?"), telegram_id=t.wrap(telegram_id)),
        _services_markup(context, t),
    )
    return AGENT_OFFICE


def _services_markup(context: BotContext, t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    s.name_fr if t.language == "fr" else s.name_ar, callback_data=callback(AREA, "as", s.id)
                )
            ]
            for s in context.services.directory.services
        ]
    )


async def got_service_or_office(update: Update, context: BotContext) -> int:
    """`ad:as:<service>` lists its offices; `ad:ao:<office>` chooses one, then head or not."""
    query = update.callback_query
    assert query is not None
    _actor, t = await person(update, context)
    parts = parse_callback(query.data, AREA, 3)
    directory = context.services.directory
    if parts and parts[1] == "as":
        service = next((s for s in directory.services if s.id == parts[2]), None)
        if service is not None:
            rows = [
                [
                    InlineKeyboardButton(
                        o.name_fr if t.language == "fr" else o.name_ar,
                        callback_data=callback(AREA, "ao", o.id),
                    )
                ]
                for o in service.offices
            ]
            await query.answer()
            await query.edit_message_reply_markup(InlineKeyboardMarkup(rows))
            return AGENT_OFFICE
    if parts and parts[1] == "ao" and directory.has_office(parts[2]):
        _draft(context)["office_id"] = parts[2]
        await query.answer()
        await query.edit_message_text(
            t(
                N_(
                    "Is {telegram_id} the head of {office}? "
                    "A head may also assign requests to the office's agents."
                ),
                telegram_id=t.wrap(_draft(context).get("telegram_id")),
                office=esc(office_label(directory, parts[2], t)),
            ),
            reply_markup=InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            t(N_("Yes, head of the office")), callback_data=callback(AREA, "ah", 1)
                        ),
                        InlineKeyboardButton(t(N_("No, agent")), callback_data=callback(AREA, "ah", 0)),
                    ]
                ]
            ),
            parse_mode=ParseMode.HTML,
        )
        return AGENT_HEAD
    await query.answer(t(N_("This button is no longer valid.")), show_alert=True)
    return AGENT_OFFICE


async def got_head(update: Update, context: BotContext) -> int:
    query = update.callback_query
    assert query is not None
    actor, t = await person(update, context)
    parts = parse_callback(query.data, AREA, 3)
    draft = _draft(context)
    if parts is None or parts[2] not in ("0", "1") or "telegram_id" not in draft or "office_id" not in draft:
        await query.answer(t(N_("This button is no longer valid.")), show_alert=True)
        return AGENT_HEAD
    office = esc(office_label(context.services.directory, draft["office_id"], t))
    try:
        await context.run(
            people.add_agent,
            context.uow,
            actor,
            int(draft["telegram_id"]),
            draft["office_id"],
            is_head=parts[2] == "1",
        )
    except DeskError as error:
        await query.answer(explain(error, t), show_alert=True)
        return _finish(context)
    await query.answer()
    done = (
        N_("✅ {telegram_id} is now head of {office}.")
        if parts[2] == "1"
        else N_("✅ {telegram_id} is now an agent of {office}.")
    )
    await query.edit_message_text(
        t(done, telegram_id=t.wrap(draft["telegram_id"]), office=office), parse_mode=ParseMode.HTML
    )
    return _finish(context)


async def got_roster(update: Update, context: BotContext) -> int:
    """The roster file: downloaded, imported by the desk in one transaction, and reported row by row."""
    actor, t = await person(update, context)
    message = update.effective_message
    document = message.document if message else None
    if document is None:
        await say(update, t(N_("Please send the roster as a file (CSV or XLSX), or /cancel.")))
        return ROSTER_FILE
    name = document.file_name or ""
    suffix = Path(name.lower()).suffix
    if suffix not in ROSTER_TYPES:
        await say(update, t(N_("The roster must be a CSV or XLSX file. Please send it again, or /cancel.")))
        return ROSTER_FILE
    if document.file_size and document.file_size > MAX_ROSTER_BYTES:
        await say(update, t(N_("This file is too large (more than 20 MB).")))
        return ROSTER_FILE
    content = await (await context.bot.get_file(document.file_id)).download_as_bytearray()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"roster{suffix}"
        path.write_bytes(bytes(content))
        try:
            report = await context.run(import_roster, context.uow, actor, path)
        except InvalidInput as error:
            await say(
                update,
                esc(_reason(error.reason, error.params, t))
                + "\n"
                + t(N_("Nothing was imported. Please correct the file and send it again, or /cancel.")),
            )
            return ROSTER_FILE
        except DeskError as error:
            await say(update, esc(explain(error, t)))
            return _finish(context)
    await say(update, roster_report(report, name, t))
    return _finish(context)


def _reason(reason: str | None, params: dict[str, Any], t: Translator) -> str:
    text = t(reason or N_("This row could not be saved."))
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


def roster_report(report: RosterReport, file_name: str, t: Translator) -> str:
    """A summary, then one line per row that was added, updated or rejected (unchanged rows are only counted),
    cut to fit one message."""
    counts = report.counts
    head = [
        t(N_("📄 Roster imported: {file}"), file=t.wrap(esc(file_name))),
        t(
            N_("Added: {created} · Updated: {updated} · Unchanged: {unchanged} · Rejected: {rejected}"),
            **counts,
        ),
        "",
    ]
    lines = []
    for row in report.rows:
        if row.outcome == Outcome.UNCHANGED:
            continue
        where = t(N_("Line {line}"), line=row.line) + (f" ({t.wrap(esc(row.ppr))})" if row.ppr else "")
        line = f"• {where}: {t(OUTCOMES[row.outcome])}"
        if row.outcome == Outcome.UPDATED and row.changed:
            line += " — " + ", ".join(t(ROSTER_FIELDS.get(name, name)) for name in row.changed)
        if row.outcome == Outcome.REJECTED:
            column = t(ROSTER_FIELDS.get(row.field, row.field)) if row.field else ""
            line += " — " + (f"{column}: " if column else "") + esc(_reason(row.reason, row.params, t))
        lines.append(line)
    text = "\n".join(head + lines)
    if len(text) <= MAX_TEXT:
        return text
    kept: list[str] = []
    size = len("\n".join(head)) + 80
    for line in lines:
        if size + len(line) + 1 > MAX_TEXT:
            break
        kept.append(line)
        size += len(line) + 1
    more = t(N_("… and {count} more rows not shown."), count=len(lines) - len(kept))
    return "\n".join(head + kept + [more])


def conversation() -> ConversationHandler:  # type: ignore[type-arg]
    text = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND
    states: dict[object, list[BaseHandler[Any, Any, Any]]] = {
        REASON: [MessageHandler(text, got_reason)],
        AGENT_ID: [MessageHandler(text, got_agent_id)],
        AGENT_OFFICE: [CallbackQueryHandler(got_service_or_office, pattern=rf"^{AREA}:(as|ao):")],
        AGENT_HEAD: [CallbackQueryHandler(got_head, pattern=rf"^{AREA}:ah:")],
        ROSTER_FILE: [
            MessageHandler(
                filters.ChatType.PRIVATE & (filters.Document.ALL | text | filters.PHOTO), got_roster
            )
        ],
    }
    with warnings.catch_warnings():
        # Buttons are tracked per chat, not per message, on purpose: the draft knows what it waits for,
        # and the state must survive a restart.
        warnings.filterwarnings("ignore", message=".*per_message.*", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=[CallbackQueryHandler(begin, pattern=rf"^{AREA}:(no:\d+|add|imp)$")],
            states=states,
            fallbacks=[CommandHandler("cancel", start.cancel)],
            name="admin",
            persistent=True,
            allow_reentry=True,
        )

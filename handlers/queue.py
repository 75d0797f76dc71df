"""The office side's reading: `/queue` (filters, pages, overdue first), `/r REFERENCE`, and a request's file.

Queue buttons use the callback area `q`: ``q:<filter>:<office id or ->:<page>``; each request of the list
is an ``ag:open:<request_id>`` button (handlers/agent.py). Everything shown was checked by the desk first.
"""

from __future__ import annotations

import html
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode

from bot.context import BotContext
from bot.i18n import N_, Translator
from desk import office_views, views
from desk.actors import Actor
from desk.errors import DeskError
from desk.office_views import RequestFile
from handlers.common import callback, clip, code, esc, explain, parse_callback, person, say
from handlers.notices import AGENT_AREA, agent_buttons
from handlers.render import history_lines, office_label, request_card, status_label, type_label
from models import Request

AREA = "q"
PAGE = 8
ALL_OFFICES = "-"
FILTERS: dict[str, tuple[str, list[str] | None]] = {
    "o": (N_("All open"), None),
    "n": (N_("New"), ["new"]),
    "p": (N_("In progress"), ["in_progress"]),
    "a": (N_("Awaiting the requester"), ["awaiting_requester"]),
}
REFERENCE = re.compile(r"^[A-Z]{1,6}-\d{4}-\d{1,9}$")
_TAGS = re.compile(r"<[^>]+>")


# --- a request's file -----------------------------------------------------------------------------


def file_text(context: BotContext, actor: Actor, found: RequestFile, t: Translator) -> str:
    """Card, requester, warnings and history of a request: for the office, or for its requester."""
    request = found.request
    for_office = actor.is_admin or actor.serves(request.office_id)
    directory = context.services.directory
    lines = [
        request_card(
            directory, request, t, for_office=for_office, today=context.uow.today(), staff=found.on_behalf_of
        )
    ]
    if for_office and found.requester is not None:
        staff = found.requester
        name = staff.full_name_fr if t.language == "fr" else staff.full_name_ar
        lines.append(
            t(
                N_("Filed by: {name} — {school} ({ppr})"),
                name=esc(name),
                school=esc(staff.school_name),
                ppr=t.wrap(esc(staff.ppr)),
            )
        )
    if for_office and found.requester_unreachable:
        lines += [
            "",
            "⚠️ "
            + t(
                N_(
                    "The requester cannot be reached on Telegram (messages to them could not be "
                    "delivered). Please contact them by another means."
                )
            ),
        ]
    if found.history.attachments:
        lines.append(t(N_("📎 Files: {count}"), count=len(found.history.attachments)))
    history = history_lines(found.history.events, found.history.messages, t, for_office=for_office)
    if history:
        lines += ["", t(N_("<b>History</b>")), *history]
    return clip("\n".join(lines))


def file_markup(actor: Actor, found: RequestFile, t: Translator) -> InlineKeyboardMarkup | None:
    """The agent's buttons on an open request; files and (for heads and admins) assignment."""
    request = found.request
    assert request.id is not None
    if not (actor.is_admin or actor.serves(request.office_id)):
        return None
    rows: list[list[InlineKeyboardButton]] = []
    if request.is_open:
        rows += [list(row) for row in agent_buttons(request.id, t, request.status).inline_keyboard]
    extra = []
    if found.history.attachments:
        extra.append(
            InlineKeyboardButton(
                t(N_("📎 Files ({count})"), count=len(found.history.attachments)),
                callback_data=callback(AGENT_AREA, "files", request.id),
            )
        )
    if request.is_open and (actor.is_admin or actor.heads(request.office_id)):
        extra.append(
            InlineKeyboardButton(t(N_("👥 Assign")), callback_data=callback(AGENT_AREA, "who", request.id))
        )
    if extra:
        rows.append(extra)
    return InlineKeyboardMarkup(rows) if rows else None


async def show_request(update: Update, context: BotContext, request_id: int) -> bool:
    """Send the request's file to the person, if the desk lets them see it; else a clear refusal."""
    actor, t = await person(update, context)
    try:
        found = await context.read(office_views.request_file, context.uow, actor, request_id)
    except DeskError as error:
        await refuse(update, explain(error, t))
        return False
    await say(update, file_text(context, actor, found, t), file_markup(actor, found, t))
    if update.callback_query:
        await update.callback_query.answer()
    return True


async def refuse(update: Update, text: str) -> None:
    """A refusal: a pop-up for a pressed button, a message otherwise."""
    if update.callback_query:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await say(update, esc(text))


# --- /r REFERENCE ------------------------------------------------------------------------------------


async def open_reference(update: Update, context: BotContext) -> None:
    """`/r OD-2026-000123`: any request the person may see, by its reference."""
    actor, t = await person(update, context)
    example = t.wrap(code("OD-2026-000123"))
    if not context.args:
        await say(
            update, t(N_("Send the reference after the command, for example: /r {example}"), example=example)
        )
        return
    reference = context.args[0].strip().upper()
    if len(context.args) > 1 or not REFERENCE.match(reference):
        await say(
            update, t(N_("This is not a valid reference. A reference looks like {example}."), example=example)
        )
        return
    try:
        request = await context.read(views.find_request, context.uow, actor, reference)
    except DeskError as error:
        await say(update, esc(explain(error, t)))
        return
    assert request.id is not None
    await show_request(update, context, request.id)


# --- /queue ---------------------------------------------------------------------------------------------


async def queue_command(update: Update, context: BotContext) -> None:
    await show_queue(update, context, "o", ALL_OFFICES, 0)


async def on_button(update: Update, context: BotContext) -> None:
    """`q:<filter>:<office>:<page>`: another filter, office or page of the queue (the message is edited)."""
    query = update.callback_query
    assert query is not None
    parts = parse_callback(query.data, AREA, 4)
    page = parse_int_page(parts[3]) if parts else None
    if parts is None or parts[1] not in FILTERS or page is None:
        _actor, t = await person(update, context)
        await query.answer(t(N_("This button is no longer valid.")), show_alert=True)
        return
    await show_queue(update, context, parts[1], parts[2], page)


def parse_int_page(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 5 else None


async def show_queue(update: Update, context: BotContext, key: str, office: str, page: int) -> None:
    actor, t = await person(update, context)
    query = update.callback_query
    if not actor.is_agent:
        text = t(
            N_(
                "Only office agents have a queue. Admins: use /admin for the counts per office, "
                "and /r to open a request by its reference."
            )
        )
        await refuse(update, text)
        return
    office_id = None if office == ALL_OFFICES else office
    try:
        rows = await context.run(
            views.office_queue,
            context.uow,
            actor,
            office_id,
            statuses=FILTERS[key][1],
            limit=PAGE + 1,
            offset=page * PAGE,
        )
    except DeskError as error:
        await refuse(update, explain(error, t))
        return
    more, rows = len(rows) > PAGE, rows[:PAGE]
    text = queue_text(context, actor, t, key, office_id, page, rows)
    markup = queue_markup(context, actor, t, key, office, page, rows, more)
    if query is None:
        await say(update, text, markup)
        return
    if isinstance(query.message, Message) and not _changed(query.message, text, markup):
        await query.answer()
        return
    await query.answer()
    await query.edit_message_text(
        text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
    )


def _changed(message: Message, text: str, markup: InlineKeyboardMarkup) -> bool:
    """Telegram refuses an edit that changes nothing."""
    plain = html.unescape(_TAGS.sub("", text))
    return message.text != plain or message.reply_markup != markup


def queue_text(
    context: BotContext,
    actor: Actor,
    t: Translator,
    key: str,
    office_id: str | None,
    page: int,
    rows: list[Request],
) -> str:
    directory = context.services.directory
    where = (
        office_label(directory, office_id, t)
        if office_id
        else (
            office_label(directory, next(iter(actor.offices)), t)
            if len(actor.offices) == 1
            else t(N_("All my offices"))
        )
    )
    head = [
        t(N_("📥 <b>Queue</b> — {where}"), where=esc(where)),
        t(N_("Showing: {choice} · page {number}"), choice=t(FILTERS[key][0]), number=page + 1),
    ]
    if not rows:
        return "\n".join([*head, "", t(N_("Nothing here at the moment."))])
    today = context.uow.today()
    lines = []
    for n, request in enumerate(rows, start=page * PAGE + 1):
        late = request.is_open and today > request.due_on
        line = (
            f"{n}. {'⚠️ ' if late else ''}{code(request.reference)} — "
            f"{esc(type_label(directory, request.request_type, t))}\n"
            "    "
            + t(
                N_("{status} · due {date}"),
                status=status_label(request.status, t, for_office=True),
                date=t.date(request.due_on),
            )
        )
        if office_id is None and len(actor.offices) > 1:
            line += f" · {esc(office_label(directory, request.office_id, t))}"
        lines.append(line)
    return clip(
        "\n".join([*head, "", *lines, "", t(N_("Overdue requests come first. Press one to open it."))])
    )


def queue_markup(
    context: BotContext,
    actor: Actor,
    t: Translator,
    key: str,
    office: str,
    page: int,
    rows: list[Request],
    more: bool,
) -> InlineKeyboardMarkup:
    directory = context.services.directory
    today = context.uow.today()
    board: list[list[InlineKeyboardButton]] = []
    for request in rows:
        late = request.is_open and today > request.due_on
        label = (
            f"{'⚠️ ' if late else ''}{request.reference} · {type_label(directory, request.request_type, t)}"
        )
        board.append([InlineKeyboardButton(label, callback_data=callback(AGENT_AREA, "open", request.id))])
    pager = []
    if page > 0:
        pager.append(
            InlineKeyboardButton(t(N_("◀️ Previous")), callback_data=callback(AREA, key, office, page - 1))
        )
    if more:
        pager.append(
            InlineKeyboardButton(t(N_("Next ▶️")), callback_data=callback(AREA, key, office, page + 1))
        )
    if pager:
        board.append(pager)
    choices = [
        InlineKeyboardButton(
            ("• " if k == key else "") + t(label), callback_data=callback(AREA, k, office, 0)
        )
        for k, (label, _statuses) in FILTERS.items()
    ]
    board += [choices[:2], choices[2:]]
    if len(actor.offices) > 1:
        offices = [ALL_OFFICES, *sorted(actor.offices)]
        for choice in offices:
            name = t(N_("All my offices")) if choice == ALL_OFFICES else office_label(directory, choice, t)
            board.append(
                [
                    InlineKeyboardButton(
                        ("• " if choice == office else "") + name,
                        callback_data=callback(AREA, key, choice, 0),
                    )
                ]
            )
    return InlineKeyboardMarkup(board)

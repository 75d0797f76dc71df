"""Admins (settings.admin_telegram_ids) and the administrative-status office: `/admin`.

Admins approve or refuse registrations, add or remove agents, import the roster file and see counts per
office; agents of the administrative-status office decide registrations only. Callback area `ad`:
  ad:reg  ad:agents  ad:counts  ad:ok:<account_id>  ad:rm:<telegram_id>:<office_id>
  ad:no:<account_id> / ad:add / ad:imp, then ad:as:<service_id> ad:ao:<office_id> ad:ah:0|1
  (those wait for an answer: handlers/admin_forms.py)
Every press is checked again by the desk.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from bot.i18n import N_, Translator
from desk import office_views, people, views
from desk.actors import Actor
from desk.errors import DeskError
from desk.permissions import can_decide_registrations
from handlers import admin_forms
from handlers.admin_forms import AREA
from handlers.common import callback, clip, esc, explain, parse_int, person, say
from handlers.render import office_label
from models import Account

PRIVATE = filters.ChatType.PRIVATE
PENDING_SHOWN = 10


def conversations() -> list[Any]:
    return [admin_forms.conversation()]


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        CommandHandler("admin", admin_menu, filters=PRIVATE),
        CallbackQueryHandler(on_button, pattern=rf"^{AREA}:"),
    ]


def menu_markup(actor: Actor, t: Translator) -> InlineKeyboardMarkup | None:
    rows = []
    if can_decide_registrations(actor):
        rows.append([(t(N_("📝 Pending registrations")), callback(AREA, "reg"))])
    if actor.is_admin:
        rows += [
            [(t(N_("👥 Office agents")), callback(AREA, "agents"))],
            [(t(N_("📄 Import the staff roster")), callback(AREA, "imp"))],
            [(t(N_("📊 Counts per office")), callback(AREA, "counts"))],
        ]
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


async def admin_menu(update: Update, context: BotContext) -> None:
    """`/admin`: what this person may administer."""
    actor, t = await person(update, context)
    markup = menu_markup(actor, t)
    if markup is None:
        await say(update, t(N_("This command is for the directorate's administrators.")))
        return
    await say(update, t(N_("🛠 Administration: what would you like to do?")), markup)


async def on_button(update: Update, context: BotContext) -> None:
    """An `ad` button that needs no typed answer (the others start a conversation in admin_forms)."""
    query = update.callback_query
    assert query is not None
    actor, t = await person(update, context)
    parts = (query.data or "").split(":")
    verb = parts[1] if len(parts) > 1 else ""
    if len(parts) == 2 and verb == "reg":
        await show_pending(update, context, actor, t)
    elif len(parts) == 2 and verb == "agents":
        await show_agents(update, context, actor, t, edit=False)
    elif len(parts) == 2 and verb == "counts":
        await show_counts(update, context, actor, t)
    elif len(parts) == 3 and verb == "ok" and parse_int(parts[2]) is not None:
        await approve(update, context, actor, t, int(parts[2]))
    elif len(parts) == 4 and verb == "rm" and parse_int(parts[2]) is not None:
        await remove_agent(update, context, actor, t, int(parts[2]), parts[3])
    else:
        await query.answer(t(N_("This button is no longer valid.")), show_alert=True)


# --- registrations ----------------------------------------------------------------------------------


def registration_card(account: Account, t: Translator) -> str:
    lines = [
        f"👤 <b>{esc(account.claimed_name or '—')}</b>",
        t(
            N_("PPR: {ppr} · CIN: {cin}"),
            ppr=t.wrap(esc(account.claimed_ppr or "—")),
            cin=t.wrap(esc(account.claimed_cin or "—")),
        ),
        t(
            N_("Telegram account: {telegram_id} · asked on {date}"),
            telegram_id=t.wrap(account.telegram_user_id),
            date=t.date(account.updated_at),
        ),
    ]
    return "\n".join(lines)


async def show_pending(update: Update, context: BotContext, actor: Actor, t: Translator) -> None:
    """One message per pending registration, each with its approve / refuse buttons."""
    query = update.callback_query
    assert query is not None
    try:
        pending = await context.read(views.pending_registrations, context.uow, actor, limit=PENDING_SHOWN + 1)
    except DeskError as error:
        await query.answer(explain(error, t), show_alert=True)
        return
    await query.answer()
    if not pending:
        await say(update, t(N_("No registration awaits a decision.")))
        return
    for account in pending[:PENDING_SHOWN]:
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(t(N_("✅ Approve")), callback_data=callback(AREA, "ok", account.id)),
                    InlineKeyboardButton(t(N_("⛔ Refuse")), callback_data=callback(AREA, "no", account.id)),
                ]
            ]
        )
        await say(update, registration_card(account, t), markup)
    if len(pending) > PENDING_SHOWN:
        await say(update, t(N_("More registrations are waiting: decide these first, then ask again.")))


async def approve(update: Update, context: BotContext, actor: Actor, t: Translator, account_id: int) -> None:
    """Link the pending account to the roster entry of the PPR they gave; the person is told."""
    query = update.callback_query
    assert query is not None
    try:
        account = await context.run(people.approve_registration, context.uow, actor, account_id)
    except DeskError as error:
        await query.answer(explain(error, t), show_alert=True)
        return
    await query.answer()
    text = registration_card(account, t) + "\n\n" + t(N_("✅ Approved. The person is told."))
    await query.edit_message_text(text, parse_mode=ParseMode.HTML)


# --- agents -------------------------------------------------------------------------------------------


async def show_agents(
    update: Update, context: BotContext, actor: Actor, t: Translator, *, edit: bool
) -> None:
    """The agents by office, each removable; and the button to add one."""
    query = update.callback_query
    assert query is not None
    try:
        agents = await context.run(people.list_agents, context.uow, actor)
    except DeskError as error:
        await query.answer(explain(error, t), show_alert=True)
        return
    directory = context.services.directory
    lines = [t(N_("👥 <b>Office agents</b>"))]
    rows = []
    office = None
    for agent in agents:
        if agent.office_id != office:
            office = agent.office_id
            lines += ["", f"<b>{esc(office_label(directory, office, t))}</b>"]
        head = " · " + t(N_("head")) if agent.is_head else ""
        lines.append(f"• {t.wrap(agent.telegram_user_id)}{head}")
        label = t(
            N_("➖ Remove {telegram_id} ({office})"),
            telegram_id=agent.telegram_user_id,
            office=office_label(directory, agent.office_id, t),
        )
        rows.append(
            [
                InlineKeyboardButton(
                    label, callback_data=callback(AREA, "rm", agent.telegram_user_id, agent.office_id)
                )
            ]
        )
    if not agents:
        lines.append(t(N_("No agent yet.")))
    rows.append([InlineKeyboardButton(t(N_("➕ Add an agent")), callback_data=callback(AREA, "add"))])
    text, markup = clip("\n".join(lines)), InlineKeyboardMarkup(rows[-90:])
    await query.answer()
    if edit and isinstance(query.message, Message):
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    else:
        await say(update, text, markup)


async def remove_agent(
    update: Update, context: BotContext, actor: Actor, t: Translator, telegram_id: int, office_id: str
) -> None:
    query = update.callback_query
    assert query is not None
    try:
        await context.run(people.remove_agent, context.uow, actor, telegram_id, office_id)
    except DeskError as error:
        await query.answer(explain(error, t), show_alert=True)
        return
    await show_agents(update, context, actor, t, edit=True)


# --- counts ---------------------------------------------------------------------------------------------


async def show_counts(update: Update, context: BotContext, actor: Actor, t: Translator) -> None:
    """Open, overdue and resolved-this-month requests per office (offices with none are left out)."""
    query = update.callback_query
    assert query is not None
    try:
        counts = await context.read(office_views.office_counts, context.uow, actor)
    except DeskError as error:
        await query.answer(explain(error, t), show_alert=True)
        return
    await query.answer()
    directory = context.services.directory
    lines = [
        t(N_("📊 <b>Requests per office</b> — {date}"), date=t.date(context.uow.today())),
        t(N_("open · overdue · resolved this month")),
        "",
    ]
    for row in counts:
        late = " ⚠️" if row.overdue else ""
        figures = f"{t.wrap(row.open)} · {t.wrap(row.overdue)}{late} · {t.wrap(row.resolved)}"
        lines.append(f"• {esc(office_label(directory, row.office_id, t))}: {figures}")
    if not counts:
        lines.append(t(N_("No request yet.")))
    else:
        total = [sum(getattr(r, name) for r in counts) for name in ("open", "overdue", "resolved")]
        lines += [
            "",
            t(
                N_("Total: {open} open, {overdue} overdue, {resolved} resolved this month."),
                open=total[0],
                overdue=total[1],
                resolved=total[2],
            ),
        ]
    await say(update, clip("\n".join(lines)))

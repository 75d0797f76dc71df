"""Welcome, registration (PPR + CIN matched to the roster), language, menu and help."""

from __future__ import annotations

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler, filters

from bot.context import BotContext
from bot.i18n import N_, Translator
from desk import people
from desk.actors import Actor
from desk.errors import AlreadyRegistered, DeskError
from handlers.common import callback, esc, explain, inline, main_menu, parse_callback, person, say

ASK_PPR, ASK_CIN = range(2)
LANGUAGE_KEY = "language"


def welcome_text(t: Translator, actor: Actor) -> str:
    lines = [t(N_("Welcome to the assistant of the Provincial Directorate of Oued Eddahab."))]
    lines.append(t(N_("Write your question in Arabic, Darija or French and I will tell you which office handles it. "
                      "You can also send a request to an office and follow it here.")))
    if actor.is_agent:
        lines.append(t(N_("You serve {count} office(s): new requests will reach you here. Use /queue to see them."),
                       count=len(actor.offices)))
    return "\n\n".join(lines)


async def start(update: Update, context: BotContext) -> int:
    actor, t = await person(update, context)
    if actor.is_registered or actor.is_agent or actor.is_admin:
        await say(update, welcome_text(t, actor), main_menu(t, actor))
        return ConversationHandler.END
    if actor.registration == "pending":
        await say(update, t(N_("Your registration is awaiting approval by the directorate. "
                               "You will receive a message here as soon as it is decided.")))
        return ConversationHandler.END
    intro = welcome_text(t, actor) + "\n\n" + t(N_(
        "To send requests, please register first. Send your PPR number (رقم التأجير), digits only."))
    await say(update, intro, ReplyKeyboardRemove())
    return ASK_PPR


async def got_ppr(update: Update, context: BotContext) -> int:
    _actor, t = await person(update, context)
    from desk.validation import validate_ppr

    text = (update.effective_message.text or "") if update.effective_message else ""
    try:
        ppr = validate_ppr(text)
    except DeskError as error:
        await say(update, explain(error, t) + "\n" + t(N_("Please send your PPR number again, or /cancel.")))
        return ASK_PPR
    assert context.user_data is not None
    context.user_data["registration_ppr"] = ppr
    await say(update, t(N_("Thank you. Now send the number of your national identity card (CIN), e.g. {example}."),
                        example=t.wrap("AB123456")))
    return ASK_CIN


async def got_cin(update: Update, context: BotContext) -> int:
    actor, t = await person(update, context)
    user = update.effective_user
    assert user is not None and context.user_data is not None
    text = (update.effective_message.text or "") if update.effective_message else ""
    ppr = context.user_data.get("registration_ppr")
    if not ppr:
        return await start(update, context)
    name = " ".join(p for p in (user.first_name, user.last_name) if p) or None
    message = update.effective_message
    source = f"tg:{message.chat_id}:{message.message_id}" if message else None
    try:
        account = await context.run(people.register, context.uow, user.id, ppr, text,
                                    claimed_name=name, language=t.language, source_key=source)
    except AlreadyRegistered:  # this very message, seen again after a crash: it was done the first time
        context.user_data.pop("registration_ppr", None)
        context.forget_actor()
        actor, t = await person(update, context)
        await say(update, welcome_text(t, actor), main_menu(t, actor))
        return ConversationHandler.END
    except DeskError as error:
        await say(update, explain(error, t) + "\n" + t(N_("Please send your CIN again, or /cancel.")))
        return ASK_CIN
    context.user_data.pop("registration_ppr", None)
    context.forget_actor()
    actor, t = await person(update, context)
    if account.registration_status == "linked":
        await say(update, t(N_("You are registered. Welcome!")) + "\n\n" + welcome_text(t, actor), main_menu(t, actor))
    else:
        await say(update, t(N_("I could not match these numbers with the staff list. Your registration was sent to "
                               "the directorate for approval; you will be told here when it is decided.")))
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    actor, t = await person(update, context)
    if context.user_data is not None:
        for key in [k for k in context.user_data if str(k).startswith(("registration_", "draft"))]:
            context.user_data.pop(key, None)
    await say(update, t(N_("Cancelled. Nothing was sent.")), main_menu(t, actor))
    return ConversationHandler.END


async def menu(update: Update, context: BotContext) -> None:
    actor, t = await person(update, context)
    await say(update, t(N_("Main menu:")), main_menu(t, actor))


async def help_command(update: Update, context: BotContext) -> None:
    actor, t = await person(update, context)
    text = "\n".join([
        t(N_("<b>How to use the assistant</b>")),
        t(N_("• Write any question: I tell you which office handles it and what it does.")),
        t(N_("• /new sends a request to an office; you get a reference number and a due date.")),
        t(N_("• /mine lists your requests with their status; open one to see its history or add information.")),
        t(N_("• When an office answers, reply to its message here to answer back.")),
        t(N_("• /language switches between Arabic and French; /cancel stops the current step.")),
    ])
    await say(update, text, main_menu(t, actor))


async def language(update: Update, context: BotContext) -> None:
    _actor, t = await person(update, context)
    await say(update, t(N_("Choose your language:")),
              inline([[("العربية", callback("lang", "ar")), ("Français", callback("lang", "fr"))]]))


async def on_language(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and context.user_data is not None
    parts = parse_callback(query.data, "lang", 2)
    actor, t = await person(update, context)
    if parts is None or parts[1] not in ("ar", "fr"):
        await query.answer(t(N_("This button is no longer valid.")), show_alert=True)
        return
    chosen = parts[1]
    context.user_data[LANGUAGE_KEY] = chosen
    if actor.account_id is not None:
        await context.run(people.set_language, context.uow, actor, chosen)
    context.forget_actor()
    actor, t = await person(update, context)
    await query.answer()
    await say(update, t(N_("Language changed.")), main_menu(t, actor))


async def not_understood(update: Update, context: BotContext) -> None:
    """Anything else in a private chat (stickers, locations, unknown commands): a short hint."""
    actor, t = await person(update, context)
    await say(update, t(N_("I did not understand. Write your question as text, or use the menu below.")),
              main_menu(t, actor))


def registration_conversation() -> ConversationHandler:  # type: ignore[type-arg]
    text = filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[CommandHandler("start", start)],
        states={ASK_PPR: [MessageHandler(text, got_ppr)], ASK_CIN: [MessageHandler(text, got_cin)]},
        fallbacks=[CommandHandler("cancel", cancel), CommandHandler("start", start)],
        name="registration",
        persistent=True,
        allow_reentry=True,
    )


__all__ = ["cancel", "esc", "help_command", "language", "menu", "on_language", "registration_conversation"]

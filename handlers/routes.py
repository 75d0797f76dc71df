"""Every route of the bot, in one ordered block: the first handler that matches an update wins."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import BotContext
from bot.i18n import N_
from handlers import faq, start
from handlers.common import MENU_ASK, MENU_SETTINGS, menu_labels, person, say

PRIVATE = filters.ChatType.PRIVATE


async def on_text(update: Update, context: BotContext) -> None:
    """Free text that no conversation is waiting for: a question for the office finder."""
    message = update.effective_message
    if message is None or not message.text:
        return
    text = message.text.strip()
    if text in menu_labels(MENU_ASK):
        _actor, t = await person(update, context)
        await say(update, t(N_("Write your question in your own words, in Arabic, Darija or French.")))
        return
    if text in menu_labels(MENU_SETTINGS):
        await start.language(update, context)
        return
    await faq.answer_question(update, context, text)


def register(application: Application[Any, BotContext, Any, Any, Any, Any]) -> None:
    add = application.add_handler
    # 0. Guards run before everything else, in their own group: a person over the flood limit is told to
    #    wait and the update goes no further (ApplicationHandlerStop).
    from handlers import guards, privacy

    for guard in guards.handlers():
        application.add_handler(guard, group=-1)
    # 1. Conversations first: while one waits for an answer, its states take the person's messages.
    add(start.registration_conversation())
    from handlers import agent, requester

    for conversation in requester.conversations() + agent.conversations():
        add(conversation)
    # 2. Commands.
    add(CommandHandler("menu", start.menu, filters=PRIVATE))
    add(CommandHandler("help", start.help_command, filters=PRIVATE))
    add(CommandHandler("language", start.language, filters=PRIVATE))
    add(CommandHandler("cancel", start.cancel, filters=PRIVATE))
    for handler in requester.handlers() + agent.handlers() + privacy.handlers():
        add(handler)
    # 3. Buttons, by area (the first part of the callback data).
    add(CallbackQueryHandler(start.on_language, pattern=r"^lang:"))
    add(CallbackQueryHandler(faq.on_button, pattern=r"^faq:"))
    # 4. A reply to one of the bot's notices is an answer to that request (requester or agent side).
    add(MessageHandler(PRIVATE & filters.REPLY & ~filters.COMMAND, requester.on_reply_to_notice))
    # 5. Anything else: text is a question; the rest gets a hint.
    add(MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, on_text))
    add(MessageHandler(PRIVATE & ~filters.StatusUpdate.ALL, start.not_understood))
    add(CallbackQueryHandler(_stale_button))


async def _stale_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    _actor, t = await person(update, context)
    await query.answer(t(N_("This button is no longer valid.")), show_alert=True)

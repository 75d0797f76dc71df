"""The application factory, used by `python -m bot run` and by the tests, and the way the bot is started."""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import logging
import traceback
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine
from telegram import BotCommand, BotCommandScopeAllPrivateChats, Update
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, ContextTypes
from telegram.request import BaseRequest

from bot.aiohttp_request import AiohttpRequest
from bot.context import SERVICES, BotContext, Services
from bot.i18n import N_, Translator, pick_language
from bot.persistence import DatabasePersistence
from bot.reliability import ConfirmingBot, FloodLimiter, PersonOrderedProcessor, ProcessedUpdateQueue
from bot.settings import Settings
from desk.uow import UnitOfWork
from knowledge.compiled import open_finder
from knowledge.finder import OfficeFinder
from knowledge.loader import Directory
from models.db import is_sqlite, make_engine
from models.types import utcnow

log = logging.getLogger(__name__)

COMMANDS: list[tuple[str, str]] = [
    ("start", N_("Welcome and registration")),
    ("menu", N_("Main menu")),
    ("new", N_("New request")),
    ("mine", N_("My requests")),
    ("language", N_("Change the language")),
    ("mydata", N_("What the bot holds about me")),
    ("cancel", N_("Cancel the current step")),
    ("help", N_("How to use the bot")),
]
AGENT_COMMANDS: list[tuple[str, str]] = [
    ("queue", N_("My offices' queue")),
    ("r", N_("Open a request by its reference")),
]


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    engine: Engine | None = None,
    directory: Directory | None = None,
    clock: Callable[[], dt.datetime] = utcnow,
    persistence_interval: float = 1.0,
) -> Application[Any, BotContext, Any, Any, Any, Any]:
    """Build the bot: services, persistence, rate limiter and every route, ready to initialize and run."""
    if directory is None:  # the compiled copy of the knowledge base when a current one exists
        finder = open_finder(settings.knowledge_file, min_confidence=settings.finder_min_confidence)
        directory = finder.directory
    else:
        finder = OfficeFinder(directory, min_confidence=settings.finder_min_confidence)
    engine = engine or make_engine(settings.database_url)
    services = Services(
        settings=settings,
        directory=directory,
        finder=finder,
        uow=UnitOfWork(engine, settings, directory, clock=clock),
        reads_inline=is_sqlite(engine),
    )
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else "7000000001:standin"
    updates = ProcessedUpdateQueue()  # an update is confirmed to Telegram once handled: a crash loses none
    # Bot API calls over aiohttp (bot/aiohttp_request.py: a fraction of httpx's CPU per call), with PTB's
    # defaults: 256 connections, 5 s timeouts (20 s to write an upload); getUpdates on a connection of its
    # own, its long-poll timeout added to the 5 s read timeout by PTB. Tests pass in-process requests.
    bot = ConfirmingBot(
        token,
        updates=updates,
        request=request if request is not None else AiohttpRequest(),
        get_updates_request=(
            get_updates_request if get_updates_request is not None else AiohttpRequest(connection_pool_size=1)
        ),
        rate_limiter=FloodLimiter(overall_max_rate=settings.telegram_rate_limit_per_second, max_retries=3),
        **({"base_url": settings.telegram_api_base_url} if settings.telegram_api_base_url else {}),
        **({"base_file_url": settings.telegram_file_base_url} if settings.telegram_file_base_url else {}),
    )
    builder = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(ContextTypes(context=BotContext))
        .persistence(DatabasePersistence(engine, update_interval=persistence_interval))
        .update_queue(updates)
        .post_init(_post_init)
        # Different people's updates at the same time; one person's in the order sent.
        .concurrent_updates(PersonOrderedProcessor(settings.concurrent_updates, updates))
    )
    application = builder.build()
    updates.application = application
    application.bot_data[SERVICES] = services

    from handlers import routes

    routes.register(application)
    application.add_error_handler(on_error)
    return application


async def _post_init(application: Application[Any, BotContext, Any, Any, Any, Any]) -> None:
    """Command menus in Arabic (default) and French; the outbox delivery worker; the scheduled jobs and the
    catch-up of those missed while the bot was down."""
    from bot.outbox import delivery_job

    if application.job_queue is not None:
        # Two instances: a tick during a long pass returns at once instead of being logged as "skipped".
        application.job_queue.run_repeating(
            delivery_job, interval=1.0, first=1.0, name="outbox", job_kwargs={"max_instances": 2}
        )
        from bot import jobs

        jobs.schedule(application)
        jobs.catch_up(application)  # what was missed while the bot was down, in the background
    for language in ("ar", "fr"):
        t = Translator(language)  # type: ignore[arg-type]
        commands = [BotCommand(name, t(description)) for name, description in COMMANDS + AGENT_COMMANDS]
        await application.bot.set_my_commands(
            commands, scope=BotCommandScopeAllPrivateChats(), language_code=None if language == "ar" else "fr"
        )


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure with the update's kind and ids (not its text), and tell the person briefly."""
    error = context.error
    where = "no update"
    if isinstance(update, Update):
        where = f"update {update.update_id} ({_kind(update)})"
    log.error("Unhandled error on %s: %s", where, type(error).__name__,
              exc_info=(type(error), error, error.__traceback__) if error else None)
    if log.isEnabledFor(logging.DEBUG) and error is not None:
        log.debug("".join(traceback.format_exception(error)))
    if isinstance(update, Update) and update.effective_chat and update.effective_user:
        language = pick_language(update.effective_user.language_code, context.services.settings.default_language)
        with contextlib.suppress(Exception):  # the database may be what failed
            user = update.effective_user
            language = (await context.translator(user.id, user.language_code)).language
        t = Translator(language)
        try:
            if update.callback_query:
                await update.callback_query.answer()
            await update.effective_chat.send_message(
                html.escape(t(N_("Sorry, something went wrong on our side. Please try again in a moment."))),
                parse_mode=ParseMode.HTML,
            )
        except Exception:
            log.warning("Could not tell the person about the error")


def _kind(update: Update) -> str:
    for kind in ("message", "edited_message", "callback_query", "my_chat_member", "channel_post"):
        if getattr(update, kind, None) is not None:
            return kind
    return "other"


def run_application(settings: Settings) -> int:
    """Bring the database up to date and serve: long polling, or a webhook when WEBHOOK_URL is set."""
    from migrations import upgrade

    upgrade(settings.database_url)
    application = build_application(settings)
    if settings.webhook_url:
        if settings.webhook_secret is None:
            print("WEBHOOK_SECRET is required with WEBHOOK_URL (1-256 characters: A-Z a-z 0-9 _ -).")
            return 2
        log.info("Serving the webhook on %s:%s", settings.webhook_listen, settings.port)
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.port,
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
        )
    else:
        log.info("Polling Telegram for updates")
        application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    return 0

"""The delivery worker: sends every outbox notice, at least once, within Telegram's limits.

- Flood limits: every send goes through the application's rate limiter (`bot.reliability.FloodLimiter`, PTB's
  AIORateLimiter: at most 30 messages a second overall). The worker asks it for one try only, so that
- a 429 Too Many Requests reaches the worker: the notice's next attempt moves by ``retry_after`` and the
  whole worker pauses that long (Telegram asks the bot to wait, not just this message);
- timeouts, 5xx and network errors: tried again with exponential backoff (2 s, 4 s … capped at 10 minutes),
  for as long as it takes;
- 403 (the person blocked the bot) and "chat not found": marked undeliverable, never retried; the office sees
  it on the request;
- a notice Telegram refuses (400) or that cannot be rendered (a bug of ours): logged, tried again 10 minutes
  later, marked failed after ``desk.delivery.MAX_ATTEMPTS`` tries. It never holds up the others.

Each outcome is recorded in its own transaction right after the call, and a notice stays pending until then:
whatever was not delivered when the bot stopped (a crash, mid-batch) goes out on the next pass after the
restart. Delivery is *at least once*: a notice that reached Telegram but whose answer was lost (a dropped
connection, a crash between the send and the record) is sent again, so its recipient may see it twice; it is
never lost.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import warnings
from dataclasses import dataclass, field
from typing import Any

from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application

from bot.context import SERVICES, Services
from bot.i18n import Translator
from bot.reliability import NO_RETRY
from desk import delivery, privacy
from desk.delivery import NoticeSubject
from desk.uow import UnitOfWork
from handlers.notices import RenderedNotice, render
from models import Notification

log = logging.getLogger(__name__)
BATCH = 50
MAX_BACKOFF = dt.timedelta(minutes=10)
MIN_WAIT = dt.timedelta(seconds=1)
WORKER = "outbox_worker"
UNREACHABLE = ("chat not found", "user is deactivated", "bot was blocked")


@dataclass
class WorkerState:
    """One application's delivery state (kept in ``bot_data``, which is never persisted)."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    paused_until: dt.datetime | None = None  # Telegram asked us to wait (429) until then


def worker_state(application: Application[Any, Any, Any, Any, Any, Any]) -> WorkerState:
    state = application.bot_data.get(WORKER)
    if not isinstance(state, WorkerState):
        state = application.bot_data[WORKER] = WorkerState()
    return state


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failed try (0-based): 2 s, 4 s, 8 s … at most 10 minutes."""
    return min(dt.timedelta(seconds=2 ** max(1, attempts + 1)), MAX_BACKOFF)


async def deliver_due(application: Application[Any, Any, Any, Any, Any, Any]) -> int:
    """Send what is due now; returns how many notices were sent.

    One pass at a time per application; each notice is tried at most once per pass; nothing is sent while
    Telegram's ``retry_after`` runs.
    """
    services: Services = application.bot_data[SERVICES]
    state = worker_state(application)
    uow = services.uow
    sent = 0
    tried: set[int] = set()
    async with state.lock:
        while not _paused(state, uow.now()):
            batch = [n for n in await services.read(delivery.due, uow, BATCH) if n.id not in tried]
            if not batch:
                break
            for notice in batch:
                if _paused(state, uow.now()):
                    break
                assert notice.id is not None
                tried.add(notice.id)
                sent += await _deliver(application, services, state, notice)
    return sent


def _paused(state: WorkerState, now: dt.datetime) -> bool:
    return state.paused_until is not None and now < state.paused_until


async def _render(services: Services, notice: Notification) -> RenderedNotice:
    uow = services.uow
    language, subject = await services.read(_recipient_and_subject, uow, notice)
    t = Translator("fr" if language == "fr" else "ar", services.settings.timezone)
    return render(notice, subject, services.directory, t, uow.today())


def _recipient_and_subject(uow: UnitOfWork, notice: Notification) -> tuple[str | None, NoticeSubject | None]:
    language = delivery.language_of(uow, notice.recipient_telegram_id)
    subject = delivery.subject(uow, notice.request_id) if notice.request_id else None
    return language, subject


async def _deliver(
    application: Application[Any, Any, Any, Any, Any, Any],
    services: Services,
    state: WorkerState,
    notice: Notification,
) -> int:
    """Try one notice and record the outcome; 1 when it was sent. Never raises for Telegram's answers."""
    uow = services.uow
    assert notice.id is not None
    try:
        rendered = await _render(services, notice)
    except Exception:  # a bug of ours in one notice must not stop the others
        log.exception(
            "Notice %s (%s) could not be rendered; it will be tried again later", notice.id, notice.kind
        )
        await asyncio.to_thread(
            delivery.mark_retry, uow, notice.id, "render error", MAX_BACKOFF, refused=True
        )
        return 0
    bot = application.bot
    try:
        message = await bot.send_message(
            notice.recipient_telegram_id,
            rendered.text,
            parse_mode=ParseMode.HTML,
            reply_markup=rendered.markup,
            disable_web_page_preview=True,
            rate_limit_args=NO_RETRY,
        )
    except RetryAfter as error:
        wait = max(_retry_after(error), MIN_WAIT)
        state.paused_until = uow.now() + wait
        await asyncio.to_thread(delivery.mark_retry, uow, notice.id, f"429 retry after {wait}", wait)
        log.warning("Telegram asked to wait %s: delivery paused", wait)
        return 0
    except Forbidden as error:
        await asyncio.to_thread(delivery.mark_undeliverable, uow, notice.id, f"403 {error.message}")
        log.info("Notice %s undeliverable: the recipient blocked the bot", notice.id)
        return 0
    except BadRequest as error:
        if any(reason in error.message.lower() for reason in UNREACHABLE):
            await asyncio.to_thread(delivery.mark_undeliverable, uow, notice.id, f"400 {error.message}")
            log.info("Notice %s undeliverable: %s", notice.id, error.message)
        else:  # our own message was refused: keep it for a fix, do not spin on it
            await asyncio.to_thread(
                delivery.mark_retry, uow, notice.id, f"400 {error.message}", MAX_BACKOFF, refused=True
            )
            log.error("Notice %s (%s) refused by Telegram: %s", notice.id, notice.kind, error.message)
        return 0
    except (TelegramError, OSError) as error:  # timeouts, 5xx, network: Telegram may be back in a moment
        wait = backoff(notice.attempts)
        await asyncio.to_thread(delivery.mark_retry, uow, notice.id, f"{type(error).__name__}: {error}", wait)
        log.info("Notice %s not sent (%s); next try in %s", notice.id, type(error).__name__, wait)
        return 0
    await asyncio.to_thread(delivery.mark_sent, uow, notice.id, message.chat_id, message.message_id)
    if (
        rendered.files
        and notice.request_id is not None
        and not await asyncio.to_thread(
            privacy.recipient_may_receive_files, uow, notice.recipient_telegram_id, notice.request_id
        )
    ):
        return 1  # files only to the requester, the office handling the request now, and admins (law 09-08)
    await _send_files(bot, notice, rendered, message.message_id)
    return 1


async def _send_files(bot: Any, notice: Notification, rendered: RenderedNotice, reply_to: int) -> None:
    for file_id, mime in rendered.files:
        try:
            if mime and mime.startswith("image/"):
                await bot.send_photo(notice.recipient_telegram_id, file_id, reply_to_message_id=reply_to)
            else:
                await bot.send_document(notice.recipient_telegram_id, file_id, reply_to_message_id=reply_to)
        except TelegramError as error:  # the notice went out; its files can be opened from the history
            log.warning("Could not forward an attachment of notice %s: %s", notice.id, type(error).__name__)


def _retry_after(error: RetryAfter) -> dt.timedelta:
    """The wait Telegram asked for, read as PTB's own limiter does (the public attribute warns)."""
    value = getattr(error, "_retry_after", None)
    if value is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = error.retry_after
    return value if isinstance(value, dt.timedelta) else dt.timedelta(seconds=float(value))


async def delivery_job(context: Any) -> None:
    """JobQueue callback: a delivery pass. A failure (the database away) is logged; the next pass retries."""
    if worker_state(context.application).lock.locked():
        return  # the previous pass is still at work (a long batch): it carries on
    try:
        await deliver_due(context.application)
    except Exception:
        log.exception("Delivery pass failed; it will run again")

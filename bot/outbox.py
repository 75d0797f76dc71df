"""The delivery worker: sends every outbox notice, at least once, within Telegram's limits.

- 429 Too Many Requests: waits the `retry_after` Telegram asks for, then tries again.
- Timeouts, 5xx and network errors: tried again with exponential backoff (2 s, 4 s … capped at 10 minutes).
- 403 (the person blocked the bot) and "chat not found": marked undeliverable, never retried; the office sees it.
Each outcome is recorded in its own transaction right after the call, so a crash re-sends at most the notice that
was in flight.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application

from bot.context import SERVICES, Services
from bot.i18n import Translator
from desk import delivery
from handlers.notices import render
from models import Notification

log = logging.getLogger(__name__)
BATCH = 50
MAX_BACKOFF = dt.timedelta(minutes=10)
_lock = asyncio.Lock()


def backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(seconds=2 ** max(1, attempts + 1)), MAX_BACKOFF)


async def deliver_due(application: Application[Any, Any, Any, Any, Any, Any]) -> int:
    """Send what is due now; returns how many notices were sent. Safe to call from several places."""
    services: Services = application.bot_data[SERVICES]
    sent = 0
    async with _lock:  # one delivery pass at a time in this process
        while True:
            batch = await asyncio.to_thread(delivery.due, services.uow, BATCH)
            if not batch:
                return sent
            for notice in batch:
                sent += await _deliver(application, services, notice)
            if len(batch) < BATCH:
                return sent


async def _deliver(application: Application[Any, Any, Any, Any, Any, Any], services: Services,
                   notice: Notification) -> int:
    uow = services.uow
    assert notice.id is not None
    language = await asyncio.to_thread(delivery.language_of, uow, notice.recipient_telegram_id)
    t = Translator("fr" if language == "fr" else "ar", services.settings.timezone)
    subject = await asyncio.to_thread(delivery.subject, uow, notice.request_id) if notice.request_id else None
    rendered = render(notice, subject, services.directory, t, uow.today())
    bot = application.bot
    try:
        message = await bot.send_message(
            notice.recipient_telegram_id, rendered.text, parse_mode=ParseMode.HTML,
            reply_markup=rendered.markup, disable_web_page_preview=True,
        )
    except RetryAfter as error:
        wait = error.retry_after if isinstance(error.retry_after, dt.timedelta) else dt.timedelta(
            seconds=float(error.retry_after))
        await asyncio.to_thread(delivery.mark_retry, uow, notice.id, f"429 retry after {wait}", wait)
        return 0
    except Forbidden as error:
        await asyncio.to_thread(delivery.mark_undeliverable, uow, notice.id, f"403 {error.message}")
        log.info("Notice %s undeliverable: recipient blocked the bot", notice.id)
        return 0
    except BadRequest as error:
        if "chat not found" in error.message.lower() or "user is deactivated" in error.message.lower():
            await asyncio.to_thread(delivery.mark_undeliverable, uow, notice.id, f"400 {error.message}")
        else:  # our own message was refused: keep it for a fix, do not spin on it
            await asyncio.to_thread(delivery.mark_retry, uow, notice.id, f"400 {error.message}", MAX_BACKOFF)
            log.error("Notice %s (%s) refused by Telegram: %s", notice.id, notice.kind, error.message)
        return 0
    except (TimedOut, NetworkError, TelegramError) as error:
        await asyncio.to_thread(delivery.mark_retry, uow, notice.id, f"{type(error).__name__}: {error}",
                                backoff(notice.attempts))
        return 0
    await asyncio.to_thread(delivery.mark_sent, uow, notice.id, message.chat_id, message.message_id)
    for file_id, mime in rendered.files:
        try:
            if mime and mime.startswith("image/"):
                await bot.send_photo(notice.recipient_telegram_id, file_id, reply_to_message_id=message.message_id)
            else:
                await bot.send_document(notice.recipient_telegram_id, file_id, reply_to_message_id=message.message_id)
        except TelegramError as error:  # the notice itself went out; a file can still be opened from the history
            log.warning("Could not forward an attachment of notice %s: %s", notice.id, type(error).__name__)
    return 1


async def delivery_job(context: Any) -> None:
    """JobQueue callback: a delivery pass."""
    try:
        await deliver_due(context.application)
    except Exception:
        log.exception("Delivery pass failed; it will run again")

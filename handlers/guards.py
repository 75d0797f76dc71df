"""Guards that see every update first (group -1, handlers/routes.py): the per-person flood limit,
over-long text and oversized files. An update a guard refuses goes no further (`ApplicationHandlerStop`);
a conversation waiting for an answer keeps waiting.

- Flood: `settings.flood_messages_per_minute` messages or presses per rolling minute (agents and admins ×5).
  The first update over the limit gets one polite «please wait a moment»; later ones in the same window are
  dropped without a word (answering them would spend what the limit protects).
- Text longer than `MAX_TEXT` characters (the desk keeps no more): refused with the limit, wherever sent.
- Files larger than `settings.max_attachment_mb`: refused with the limit, wherever they are sent (drafts,
  replies, agents' replies, the admin's roster file). Their kind is checked where they are used
  (handlers/attachments.py, handlers/admin_forms.py).
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from telegram import Message, Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, TypeHandler

from bot.context import BotContext
from bot.i18n import N_
from desk.validation import MAX_TEXT_LENGTH
from handlers.common import person, say

WINDOW = dt.timedelta(minutes=1)
STAFF_FACTOR = 5  # agents and admins work through many buttons in a row
MAX_TEXT = MAX_TEXT_LENGTH
SWEEP_EVERY = 1000  # forget idle people every so many updates, so the map stays small

PLEASE_WAIT = N_("You are sending messages very quickly. Please wait a moment, then try again.")
TOO_LONG = N_("This message is too long ({length} characters). Please keep it to {limit} characters at most.")
TOO_LARGE = N_("This file is too large: the limit is {limit} MB.")


class Verdict(Enum):
    PASS = "pass"
    WARN = "warn"  # the first update over the limit: tell the person once
    DROP = "drop"  # later ones in the same window: silently


@dataclass
class _Pace:
    accepted: deque[dt.datetime] = field(default_factory=deque)
    warned: bool = False


class FloodGate:
    """Counts each person's accepted updates over a rolling window.

    Kept in memory on purpose: it only protects this process from being flooded, and losing it on a restart is
    harmless (everyone starts with a clean slate). Not shared between processes (there is one bot per token).
    """

    def __init__(self, window: dt.timedelta = WINDOW) -> None:
        self.window = window
        self._people: dict[int, _Pace] = {}
        self._seen = 0

    def count(self, telegram_id: int, now: dt.datetime) -> int:
        """Updates accepted from this person within the window ending now."""
        pace = self._people.get(telegram_id)
        if pace is None:
            return 0
        self._forget_old(pace, now)
        return len(pace.accepted)

    def check(self, telegram_id: int, now: dt.datetime, limit: int) -> Verdict:
        """Let the update pass (and count it), or say it is over the limit (WARN once a window, then DROP)."""
        self._seen += 1
        if self._seen % SWEEP_EVERY == 0:
            self.sweep(now)
        pace = self._people.setdefault(telegram_id, _Pace())
        self._forget_old(pace, now)
        if len(pace.accepted) < limit:
            pace.accepted.append(now)
            pace.warned = False
            return Verdict.PASS
        if pace.warned:
            return Verdict.DROP
        pace.warned = True
        return Verdict.WARN

    def sweep(self, now: dt.datetime) -> None:
        """Forget the people with nothing left in their window."""
        for telegram_id in list(self._people):
            pace = self._people[telegram_id]
            self._forget_old(pace, now)
            if not pace.accepted:
                del self._people[telegram_id]

    def _forget_old(self, pace: _Pace, now: dt.datetime) -> None:
        while pace.accepted and now - pace.accepted[0] >= self.window:
            pace.accepted.popleft()


class Guard:
    """The one callback of group -1 (only one handler of a group runs per update, so every check is here)."""

    def __init__(self, clock: Callable[[BotContext], dt.datetime] | None = None) -> None:
        self.gate = FloodGate()
        self._clock = clock or (lambda context: context.uow.now())

    async def __call__(self, update: object, context: BotContext) -> None:
        if not isinstance(update, Update):
            return
        user = update.effective_user
        if (
            user is None
            or user.is_bot
            or not (update.message or update.edited_message or update.callback_query)
        ):
            return  # membership changes and the like: nothing a person typed
        await self._flood(update, context, user.id)
        message = update.message or update.edited_message
        if message is not None:
            await self._input(update, context, message)

    async def _flood(self, update: Update, context: BotContext, telegram_id: int) -> None:
        settings = context.services.settings
        base = settings.flood_messages_per_minute
        now = self._clock(context)
        limit = base
        if self.gate.count(telegram_id, now) >= base:
            # Only past the base limit is it worth asking who this is (admins need no database read).
            staff = telegram_id in settings.admin_telegram_ids or (await context.actor(telegram_id)).is_agent
            limit = base * STAFF_FACTOR if staff else base
        verdict = self.gate.check(telegram_id, now, limit)
        if verdict is Verdict.PASS:
            return
        if verdict is Verdict.WARN:
            _actor, t = await person(update, context)
            if update.callback_query is not None:
                await update.callback_query.answer(t(PLEASE_WAIT), show_alert=True)
            else:
                await say(update, t(PLEASE_WAIT))
        raise ApplicationHandlerStop

    async def _input(self, update: Update, context: BotContext, message: Message) -> None:
        text = message.text or message.caption or ""
        if len(text) > MAX_TEXT:
            _actor, t = await person(update, context)
            await say(update, "⚠️ " + t(TOO_LONG, length=len(text), limit=MAX_TEXT))
            raise ApplicationHandlerStop
        limit_mb = context.services.settings.max_attachment_mb
        if _largest_file(message) > limit_mb * 1024 * 1024:
            _actor, t = await person(update, context)
            await say(update, "⚠️ " + t(TOO_LARGE, limit=limit_mb))
            raise ApplicationHandlerStop


def _largest_file(message: Message) -> int:
    """The size in bytes of the file a message carries (0 without one, or when Telegram did not say)."""
    sizes = [p.file_size or 0 for p in message.photo or ()]
    for attachment in (
        message.document,
        message.video,
        message.audio,
        message.voice,
        message.animation,
        message.video_note,
        message.sticker,
    ):
        if attachment is not None:
            sizes.append(attachment.file_size or 0)
    return max(sizes, default=0)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """One guard per application (its flood memory belongs to that application)."""
    return [TypeHandler(Update, Guard())]

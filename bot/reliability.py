"""Two pieces of the bot's plumbing that make "nothing lost" hold across crashes and Telegram's flood limits.

- :class:`ProcessedUpdateQueue`: PTB confirms a batch of updates to Telegram (the ``offset`` of the next
  ``getUpdates``) as soon as it has *queued* them, so a crash loses every update still waiting in the queue.
  With this queue the poller's ``put`` returns only once the update has been handled and the conversation
  state saved: Telegram hears "confirmed" only for updates that are done, and sends the others again after a
  restart (the desk's ``source_key`` and the conversations make a second pass create nothing twice).
  A webhook answers Telegram only once the update is handled, for the same reason.
- :class:`FloodLimiter`, through which every Bot API call but ``getUpdates`` goes: PTB's
  :class:`~telegram.ext.AIORateLimiter` (at most 30 messages a second overall, 20 a minute per group), where
  ``rate_limit_args=NO_RETRY`` means one try: the delivery worker (``bot/outbox.py``) passes it so that a 429
  reaches the worker, which postpones the notice by ``retry_after`` and pauses, instead of waiting inside the
  limiter. Replies to people keep the limiter's own retries. A button press too old to be answered any more
  does not stop its handler (see ``FloodLimiter._answer``).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.error import BadRequest, RetryAfter
from telegram.ext import AIORateLimiter, Application

log = logging.getLogger(__name__)
NO_RETRY = -1  # rate_limit_args for one try: a 429 is raised to the caller at once (0 would be dropped)


class ProcessedUpdateQueue(asyncio.Queue):  # type: ignore[type-arg]
    """An update queue whose ``put`` returns once that update has been processed and persisted.

    It relies on the application processing updates one at a time, in order (``concurrent_updates(False)``,
    as `bot/app.py` sets): the n-th ``task_done`` is then the n-th update put.
    """

    def __init__(self) -> None:
        super().__init__()
        self._tickets: deque[asyncio.Future[None]] = deque()
        self._last: asyncio.Future[None] | None = None
        self.application: Application[Any, Any, Any, Any, Any, Any] | None = None

    def put_nowait(self, item: Any) -> None:
        super().put_nowait(item)
        self._last = asyncio.get_running_loop().create_future()
        self._tickets.append(self._last)

    async def put(self, item: Any) -> None:
        """Queue ``item`` and wait until it is handled and the conversation state it changed is saved."""
        await super().put(item)  # calls put_nowait, which takes the ticket
        ticket = self._last
        assert ticket is not None
        await ticket
        if self.application is not None and self.application.persistence is not None and _is_update(item):
            try:
                await self.application.update_persistence()
            except Exception:  # the update is handled; a state not saved costs a step, not the update
                log.exception("Could not save the conversation state after an update")

    def task_done(self) -> None:
        super().task_done()
        if self._tickets:
            ticket = self._tickets.popleft()
            if not ticket.done():  # a poller cancelled while waiting leaves a cancelled ticket
                ticket.set_result(None)


def _is_update(item: object) -> bool:
    return isinstance(item, Update)  # not the application's stop signal


class _PassedOn(Exception):  # a carrier for RetryAfter, not an error of its own
    def __init__(self, error: RetryAfter) -> None:
        super().__init__(str(error))
        self.error = error


class FloodLimiter(AIORateLimiter):
    """AIORateLimiter where ``rate_limit_args=NO_RETRY`` means no retry (PTB cannot say so: it drops a 0)."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        if endpoint == "answerCallbackQuery":
            return await self._answer(callback, args, kwargs, endpoint, data, rate_limit_args)
        if rate_limit_args != NO_RETRY:
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)

        async def once(*a: Any, **kw: Any) -> Any:
            try:
                return await callback(*a, **kw)
            except RetryAfter as error:  # hidden from the limiter's retry loop, raised again below
                raise _PassedOn(error) from None

        try:
            return await super().process_request(once, args, kwargs, endpoint, data, None)
        except _PassedOn as carried:
            raise carried.error from None

    async def _answer(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        """Answer a button press; a press too old to answer (or already answered: the same update seen again
        after a crash) is not an error — the handler goes on and does the press's work, which the desk makes
        idempotent, instead of stopping at the answer."""
        try:
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        except BadRequest as error:
            if "query is too old" not in error.message and "query id is invalid" not in error.message.lower():
                raise
            log.info("A button press could not be answered any more (too old, or answered before)")
            return True

"""The bot's plumbing that makes "nothing lost" hold across crashes and Telegram's flood limits.

- Confirming updates. Telegram sends an update again until it is confirmed: by the ``offset`` of the next
  ``getUpdates`` (long polling), or by the answer to its webhook call. PTB confirms a batch as soon as it has
  *queued* it, so a crash would lose every update still waiting. Here an update is confirmed only once it has
  been handled and the conversation state it changed saved:
  - long polling: :class:`ConfirmingBot` makes each ``getUpdates`` wait until every update fetched before is
    handled, then saves the conversation states once (:meth:`ProcessedUpdateQueue.settle`). Meanwhile the
    batch's updates are handled concurrently, one person's in the order sent (:class:`PersonOrderedProcessor`);
  - webhook: :meth:`ProcessedUpdateQueue.put` returns, and Telegram hears 200, once that update is done.
  After a crash Telegram sends the unconfirmed updates again; the desk's ``source_key`` and the saved
  conversations make a second pass create nothing twice.
- :class:`FloodLimiter`, through which every Bot API call but ``getUpdates`` goes: PTB's
  :class:`~telegram.ext.AIORateLimiter` (at most 30 messages a second overall, 20 a minute per group), where
  ``rate_limit_args=NO_RETRY`` means one try: the delivery worker (``bot/outbox.py``) passes it so that a 429
  reaches the worker, which postpones the notice by ``retry_after`` and pauses, instead of waiting inside the
  limiter. Replies to people keep the limiter's own retries. A button press too old to be answered any more
  does not stop its handler (see ``FloodLimiter._answer``).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter, Application, BaseUpdateProcessor, ExtBot

log = logging.getLogger(__name__)
NO_RETRY = -1  # rate_limit_args for one try: a 429 is raised to the caller at once (0 would be dropped)


class ProcessedUpdateQueue(asyncio.Queue):  # type: ignore[type-arg]
    """The application's update queue, which knows when each update it gave out has been handled.

    Fed by a webhook call, ``put`` returns once the update is handled and its conversation state saved. Fed by
    long polling (from the first :meth:`settle`, which :class:`ConfirmingBot` calls before each ``getUpdates``),
    ``put`` returns at once and :meth:`settle` does the waiting, for the whole batch.
    :class:`PersonOrderedProcessor` reports each handled update through :meth:`handled`.
    """

    def __init__(self) -> None:
        super().__init__()
        self._tickets: dict[int, asyncio.Future[None]] = {}  # id(update) → done once handled
        self.polling = False
        self.application: Application[Any, Any, Any, Any, Any, Any] | None = None

    def put_nowait(self, item: Any) -> None:
        super().put_nowait(item)
        if _is_update(item):
            self._tickets[id(item)] = asyncio.get_running_loop().create_future()

    async def put(self, item: Any) -> None:
        """Queue ``item``; from a webhook, wait until it is handled and the state it changed is saved."""
        await super().put(item)  # calls put_nowait, which takes the ticket
        ticket = self._tickets.get(id(item))
        if self.polling or ticket is None:
            return
        await ticket
        await self._save_states()

    def handled(self, item: object) -> None:
        ticket = self._tickets.pop(id(item), None)
        if ticket is not None and not ticket.done():  # a webhook call cancelled while waiting leaves it cancelled
            ticket.set_result(None)

    async def settle(self) -> None:
        """Wait until every update queued so far is handled, then save the conversation states they changed.

        Raises :class:`Unconfirmed` when some are still waiting but the application no longer handles updates
        (stopped before the poller): those must not be confirmed, Telegram will send them again."""
        self.polling = True
        waiting = [ticket for ticket in self._tickets.values() if not ticket.done()]
        if waiting:
            if self.application is not None and not self.application.running:
                raise Unconfirmed(f"{len(waiting)} update(s) not handled; they are not confirmed")
            await asyncio.wait(waiting)
        await self._save_states()

    async def _save_states(self) -> None:
        if self.application is None or self.application.persistence is None:
            return
        try:
            await self.application.update_persistence()
        except Exception:  # the updates are handled; a state not saved costs a step, not an update
            log.exception("Could not save the conversation states after handling updates")


class Unconfirmed(NetworkError):
    """Updates fetched but not handled: the offset that would confirm them is not sent."""


class ConfirmingBot(ExtBot[None]):
    """The bot, whose ``getUpdates`` (that is, the offset confirming the previous batch) waits until the
    updates fetched before are handled and their conversation states saved."""

    def __init__(self, *args: Any, updates: ProcessedUpdateQueue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._updates = updates

    async def get_updates(self, *args: Any, **kwargs: Any) -> Any:
        await self._updates.settle()
        return await super().get_updates(*args, **kwargs)


class PersonOrderedProcessor(BaseUpdateProcessor):
    """Up to ``max_concurrent_updates`` updates at once, from different people: one person's updates (their
    conversation, their drafts) are handled one after the other, in the order Telegram sent them."""

    def __init__(self, max_concurrent_updates: int, updates: ProcessedUpdateQueue) -> None:
        super().__init__(max_concurrent_updates)
        self._updates = updates
        self._last: dict[int, asyncio.Future[None]] = {}  # person → done when their latest update is

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        # Everything up to the first await runs in the order the updates were queued, so each update finds
        # the same person's previous one in ``_last``.
        person = _person(update)
        before = self._last.get(person) if person is not None else None
        mine: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if person is not None:
            self._last[person] = mine
        try:
            if before is not None:
                await asyncio.wait([before])
            await super().process_update(update, coroutine)
        finally:
            mine.set_result(None)
            if person is not None and self._last.get(person) is mine:
                del self._last[person]
            if inspect.iscoroutine(coroutine) and inspect.getcoroutinestate(coroutine) == inspect.CORO_CREATED:
                coroutine.close()  # cancelled before its turn
            self._updates.handled(update)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await coroutine

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


def _person(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    return update.effective_chat.id if update.effective_chat is not None else None


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

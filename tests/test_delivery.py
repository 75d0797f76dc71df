"""The delivery worker sends every notice through the real bot, against the stand-in's faults: 429 waits
`retry_after`, timeouts/5xx/dropped connections are tried again later, a person who blocked the bot is marked
undeliverable (and the office sees it), a notice Telegram refuses does not hold up the others, and a crash in
the middle of a batch loses nothing."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from sqlmodel import select
from telegram.error import TimedOut

from bot import outbox
from bot.outbox import MAX_BACKOFF, delivery_job
from bot.reliability import FloodLimiter
from desk import delivery
from desk.filing import file_request
from desk.notifications import Kind, queue
from models import Notification, NotificationStatus, Request
from standin import methods
from standin.faults import ApiError
from tests.botkit import World, restart_on, start_world, stop_world
from tests.conftest import LEAVE, Cast
from tests.office_kit import notice, office_world

AGENTS = (301, 302, 303)  # hr-leave: two agents and the head


@pytest.fixture
async def world(uow, settings, cast):
    async for w in office_world(uow, settings):
        yield w


@pytest.fixture
def leave_request(cast: Cast) -> Request:
    """Filed by the teacher (101): one notice for each hr-leave agent."""
    return file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)


def notices(world: World) -> list[Notification]:
    with world.uow.reading() as session:
        return list(session.exec(select(Notification).order_by(Notification.id)).all())  # type: ignore[arg-type]


def copies(world: World, telegram_id: int, reference: str) -> int:
    """How many messages about ``reference`` this person received."""
    return sum(reference in m.get("text", "") for m in world.inbox(telegram_id))


async def test_a_429_postpones_the_notice_by_retry_after_and_pauses_the_worker(
    world: World, leave_request: Request, clock
):
    world.api.fail_with_429("sendMessage", count=1, retry_after=7)
    assert await world.deliver() == 0
    first, *others = notices(world)
    assert first.status == NotificationStatus.PENDING and "429" in (first.last_error or "")
    assert first.next_attempt_at == clock.now + dt.timedelta(seconds=7)
    # Telegram asked the bot to wait: nothing else goes out meanwhile, not even the other agents' notices.
    assert await world.deliver() == 0
    assert all(n.attempts == 0 for n in others)
    assert len(world.api.calls_to("sendMessage")) == 1  # the limiter did not retry behind the worker's back
    clock.advance(seconds=7)
    assert await world.deliver() == 3
    for agent in AGENTS:
        assert copies(world, agent, leave_request.reference) == 1


async def test_timeouts_5xx_and_dropped_connections_are_tried_again_later(
    world: World, leave_request: Request, clock, monkeypatch: pytest.MonkeyPatch
):
    timeouts = _time_out_first_send(world, monkeypatch)
    world.api.fail_with_5xx("sendMessage", count=1, status=502)
    world.api.drop_connection("sendMessage", count=1)  # closed before Telegram acted on it
    assert await world.deliver() == 0
    assert timeouts == [1]
    rows = notices(world)
    assert [n.status for n in rows] == [NotificationStatus.PENDING] * 3
    assert [n.next_attempt_at for n in rows] == [clock.now + dt.timedelta(seconds=2)] * 3
    assert [n.last_error for n in rows] == [
        "TimedOut: Timed out",
        "NetworkError: Bad Gateway",
        "NetworkError: Server disconnected without sending a response.",
    ]
    clock.advance(seconds=2)
    assert await world.deliver() == 3
    for agent in AGENTS:
        assert copies(world, agent, leave_request.reference) == 1


async def test_the_wait_grows_while_telegram_stays_down(world: World, leave_request: Request, clock):
    world.api.fail_with_5xx("sendMessage", count=None, status=503)
    waits = []
    for _ in range(4):
        assert await world.deliver() == 0
        first = notices(world)[0]
        waits.append((first.next_attempt_at - clock.now).total_seconds())
        clock.now = first.next_attempt_at
    assert waits == [2, 4, 8, 16]
    world.api.clear_faults()
    assert await world.deliver() == 3


def _time_out_first_send(world: World, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The bot's first sendMessage times out (as httpx would), before reaching Telegram."""
    request = world.app.bot.request
    original = request.do_request
    seen: list[int] = []

    async def flaky(url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if url.endswith("/sendMessage") and not seen:
            seen.append(1)
            raise TimedOut("Timed out")
        return await original(url, method, *args, **kwargs)

    monkeypatch.setattr(request, "do_request", flaky)
    return seen


async def test_a_person_who_blocked_the_bot_is_marked_undeliverable_and_the_agent_sees_it(
    world: World, leave_request: Request
):
    await world.deliver()
    world.api.block(101)
    await world.press(301, notice(world, 301, leave_request.reference), f"ag:claim:{leave_request.id}")
    await world.deliver()  # "your request is in progress" meets 403
    [blocked] = [n for n in notices(world) if n.recipient_telegram_id == 101]
    assert blocked.status == NotificationStatus.UNDELIVERABLE and "403" in (blocked.last_error or "")
    assert [n.id for n in delivery.undeliverable_for(world.uow, leave_request.id)] == [blocked.id]
    calls = len(world.api.calls_to("sendMessage"))
    await world.deliver()
    assert len(world.api.calls_to("sendMessage")) == calls  # never tried again
    await world.press(301, notice(world, 301, leave_request.reference), f"ag:open:{leave_request.id}")
    assert "لا يمكن التواصل مع صاحب الطلب عبر تيليغرام" in world.last(301)["text"]


async def test_a_notice_telegram_refuses_is_kept_for_later_without_holding_up_the_others(
    world: World,
    leave_request: Request,
    clock,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
):
    _refuse_messages_about("OD-BUG-1", monkeypatch)  # a wording bug of ours: Telegram cannot parse it
    with world.uow.transaction() as session:
        queue(
            session,
            recipient=302,
            kind=Kind.STATUS_CHANGED,
            dedup_key="bug:1",
            params={"reference": "OD-BUG-1", "status": "new"},
        )
    caplog.set_level(logging.INFO, logger="bot.outbox")
    assert await world.deliver() == 3  # the agents' notices go out; the refused one waits
    [broken] = [n for n in notices(world) if n.dedup_key == "bug:1"]
    assert broken.status == NotificationStatus.PENDING and broken.attempts == 1
    assert broken.next_attempt_at == clock.now + MAX_BACKOFF
    assert any("refused by Telegram" in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records)
    assert not any("OD-BUG-1" in r.getMessage() for r in caplog.records)  # no message text in the logs
    assert await world.deliver() == 0  # not spun on
    for _ in range(delivery.MAX_ATTEMPTS - 1):
        clock.advance(seconds=MAX_BACKOFF.total_seconds())
        await world.deliver()
    [broken] = [n for n in notices(world) if n.dedup_key == "bug:1"]
    assert broken.status == NotificationStatus.FAILED
    for call in world.api.calls_to("sendMessage"):
        if call.status == 400:
            call.fault = "refused on purpose"


def _refuse_messages_about(marker: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Telegram answers 400 to any message containing ``marker``, as it does to HTML it cannot parse."""
    real = methods.sendMessage

    async def send_message(state: Any, params: dict[str, Any]) -> Any:
        if marker in str(params.get("text", "")):
            raise ApiError(400, "Bad Request: can't parse entities: unsupported start tag")
        return await real(state, params)

    monkeypatch.setattr(methods, "sendMessage", send_message)


async def test_a_notice_that_cannot_be_rendered_does_not_stop_the_others(
    world: World, leave_request: Request, monkeypatch: pytest.MonkeyPatch
):
    real = outbox.render

    def broken_for_302(notice_row: Notification, *args: Any) -> Any:
        if notice_row.recipient_telegram_id == 302:
            raise KeyError("missing parameter")
        return real(notice_row, *args)

    monkeypatch.setattr(outbox, "render", broken_for_302)
    assert await world.deliver() == 2
    states = {n.recipient_telegram_id: n.status for n in notices(world)}
    assert states == {
        301: NotificationStatus.SENT,
        302: NotificationStatus.PENDING,
        303: NotificationStatus.SENT,
    }


async def test_the_worker_sends_through_the_flood_limiter_and_survives_a_long_429(
    world: World, leave_request: Request, monkeypatch: pytest.MonkeyPatch
):
    limiter = world.app.bot.rate_limiter
    assert isinstance(limiter, FloodLimiter)
    limited: list[str] = []
    original = limiter.process_request

    async def counting(
        callback: Any, args: Any, kwargs: Any, endpoint: str, data: Any, rate_limit_args: Any
    ) -> Any:
        limited.append(endpoint)
        return await original(callback, args, kwargs, endpoint, data, rate_limit_args)

    monkeypatch.setattr(limiter, "process_request", counting)
    world.api.fail_with_429("sendMessage", count=None, retry_after=30)  # Telegram keeps saying "wait"
    await delivery_job(type("Context", (), {"application": world.app})())  # the JobQueue's call: no exception
    assert limited == ["sendMessage"]
    assert all(n.status == NotificationStatus.PENDING for n in notices(world))
    world.api.clear_faults()


async def test_a_crash_in_the_middle_of_a_batch_loses_nothing_and_resends_at_most_the_one_in_flight(
    uow, settings, cast: Cast, monkeypatch: pytest.MonkeyPatch
):
    requests = [file_request(uow, cast.teacher, "leave_followup", LEAVE) for _ in range(2)]  # 6 notices
    first = await start_world(uow, settings)
    for agent in AGENTS:
        first.api.add_chat(first.user(agent))
    recorded = delivery.mark_sent

    class Crash(BaseException):
        """The process dies: nothing after this line runs."""

    def dies_on_the_third(*args: Any) -> None:
        if sum(n.status == NotificationStatus.SENT for n in notices(first)) == 2:
            raise Crash()  # the third notice reached Telegram; its record never will
        recorded(*args)

    monkeypatch.setattr(delivery, "mark_sent", dies_on_the_third)
    with pytest.raises(Crash):
        await first.deliver()
    monkeypatch.setattr(delivery, "mark_sent", recorded)
    assert len(first.api.calls_to("sendMessage")) == 3
    assert sum(n.status == NotificationStatus.PENDING for n in notices(first)) == 4

    second = await restart_on(first)  # same database, same Telegram, nothing kept in memory
    assert await second.deliver() == 4
    assert all(n.status == NotificationStatus.SENT for n in notices(second))
    received = sorted(copies(second, agent, r.reference) for agent in AGENTS for r in requests)
    assert received == [1, 1, 1, 1, 1, 2]  # the one in flight at the crash came twice: at least once
    await stop_world(second)


async def test_a_notice_whose_answer_was_lost_is_sent_again_once(world: World, leave_request: Request, clock):
    world.api.drop_connection("sendMessage", count=1, after_processing=True)
    assert await world.deliver() == 2
    assert copies(world, 301, leave_request.reference) == 1  # Telegram showed it; the bot never heard back
    clock.advance(seconds=2)
    assert await world.deliver() == 1
    clock.advance(minutes=30)
    assert await world.deliver() == 0
    assert copies(world, 301, leave_request.reference) == 2  # at least once: one duplicate, never a loss
    assert [copies(world, agent, leave_request.reference) for agent in (302, 303)] == [1, 1]

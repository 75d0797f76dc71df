"""Every working morning each office's agents get one digest of their open requests (new, in progress,
awaiting the requester, overdue); nothing on weekends and public holidays, nothing twice a day."""

from __future__ import annotations

import datetime as dt

import pytest

from bot import jobs
from desk.filing import file_request
from desk.lifecycle import claim
from desk.thread import ask_documents
from models import Request
from tests.botkit import World
from tests.conftest import LEAVE, START, Cast
from tests.jobs_kit import context, french_agent, notices, on, recipients
from tests.office_kit import office_world

OLD_LEAVE = {"leave_kind": "sick_short", "first_day": "2026-11-10", "certificate_handed_in_on": "2026-11-12"}
THU, SAT, MON = dt.date(2026, 11, 26), dt.date(2026, 11, 28), dt.date(2026, 11, 30)


@pytest.fixture
async def world(uow, settings, cast):
    async for w in office_world(uow, settings):
        yield w


@pytest.fixture
def leave_office(cast: Cast, clock) -> dict[str, Request]:
    """hr-leave's queue: one request overdue and in progress, one new, one awaiting the requester."""
    on(clock, dt.date(2026, 11, 16), 10)  # Monday 16 November: due Tuesday 24 (Wednesday 18 is a holiday)
    late = file_request(cast.uow, cast.teacher, "leave_followup", OLD_LEAVE)
    claim(cast.uow, cast.leave_agent, late.id)
    clock.now = START
    new = file_request(cast.uow, cast.colleague, "leave_followup", LEAVE)
    waiting = file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    ask_documents(cast.uow, cast.leave_agent2, waiting.id, "Le certificat médical, s'il vous plaît.")
    return {"late": late, "new": new, "waiting": waiting}


async def digest(world: World) -> None:
    await jobs.office_digest_job(context(world))


async def test_each_agent_of_the_office_gets_one_digest_with_the_right_counts(
    world: World, leave_office: dict[str, Request], clock
):
    on(clock, THU, 8, 30)
    await digest(world)
    await digest(world)  # run twice the same morning: still one digest each
    rows = notices(world.uow, "office_digest")
    assert sorted(n.recipient_telegram_id for n in rows) == [301, 302, 303]
    assert {n.request_id for n in rows} == {None}
    params = rows[0].params
    assert params == {"office_id": "hr-leave", "date": "2026-11-26", "new": 1, "in_progress": 1,
                      "awaiting_requester": 1, "overdue": 1}
    assert recipients(world.uow, "office_digest").count(501) == 0  # legal-accidents has nothing open

    await world.deliver()
    message = world.last(302)
    assert "الملخص اليومي" in message["text"] and "26 نونبر 2026" in message["text"]
    for line in ("🆕 جديد: 1", "في طور المعالجة: 1", "في انتظار رد صاحب الطلب: 1", "⚠️ متجاوزة للأجل: 1"):
        assert line in message["text"], message["text"]
    assert "q:o:hr-leave:0" in world.buttons(message).values()
    await world.press(302, message, "q:o:hr-leave:0")  # the button opens the office's queue
    assert leave_office["late"].reference in str(world.inbox(302)[-1])


async def test_no_digest_on_a_weekend_or_a_public_holiday(
    world: World, leave_office: dict[str, Request], clock
):
    on(clock, SAT, 8, 30)
    await digest(world)
    on(clock, dt.date(2026, 11, 29), 8, 30)  # Sunday
    await digest(world)
    assert notices(world.uow, "office_digest") == []
    on(clock, dt.date(2027, 1, 11), 8, 30)  # Monday 11 January 2027: Independence Manifesto Day
    await digest(world)
    assert notices(world.uow, "office_digest") == []
    on(clock, MON, 8, 30)
    await digest(world)
    assert len(notices(world.uow, "office_digest")) == 3


async def test_a_new_working_day_brings_a_new_digest(world: World, leave_office: dict[str, Request], clock):
    on(clock, THU, 8, 30)
    await digest(world)
    on(clock, dt.date(2026, 11, 27), 8, 30)
    await digest(world)
    to_301 = [n for n in notices(world.uow, "office_digest") if n.recipient_telegram_id == 301]
    assert [n.params["date"] for n in to_301] == ["2026-11-26", "2026-11-27"]


async def test_an_office_with_nothing_open_gets_no_digest(world: World, cast: Cast, clock):
    on(clock, THU, 8, 30)
    await digest(world)
    assert notices(world.uow, "office_digest") == []


async def test_the_digest_reads_in_french(world: World, cast: Cast, leave_office: dict[str, Request], clock):
    french_agent(cast.uow, 303)
    on(clock, THU, 8, 30)
    await digest(world)
    await world.deliver()
    message = world.last(303)
    assert "Récapitulatif du jour" in message["text"] and "26 novembre 2026" in message["text"]
    assert "⚠️ En retard : 1" in message["text"]
    assert "📥 Ouvrir la file des demandes" in world.buttons(message)

"""Overdue requests come back to someone's attention by themselves: the agent who holds one (or its office's
agents while nobody does) is reminded once a working day, and the office head hears after
ESCALATE_AFTER_DAYS more working days. The job's callback is called directly, as the scheduler would."""

from __future__ import annotations

import datetime as dt

import pytest

from bot import jobs
from desk.filing import file_request
from desk.lifecycle import claim, resolve
from models import Request
from tests.botkit import World
from tests.conftest import CERTIFICATE, LEAVE, Cast
from tests.jobs_kit import context, french_agent, notices, on, recipients
from tests.office_kit import office_world

# The leave request filed on Wednesday 25 November 2026 has 5 working days: due Wednesday 2 December.
DUE = dt.date(2026, 12, 2)
THU, FRI, SAT, MON, TUE = (dt.date(2026, 12, d) for d in (3, 4, 5, 7, 8))


@pytest.fixture
async def world(uow, settings, cast):
    async for w in office_world(uow, settings):
        yield w


@pytest.fixture
def leave_request(cast: Cast) -> Request:
    request = file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    assert request.due_on == DUE
    return request


async def remind(world: World) -> None:
    await jobs.overdue_reminders_job(context(world))


async def test_a_request_due_today_is_not_overdue_yet(world: World, leave_request: Request, clock):
    on(clock, DUE, 18)
    await remind(world)
    assert notices(world.uow, "request_overdue") == []


async def test_the_agent_holding_an_overdue_request_is_reminded_once_a_working_day(
    world: World, cast: Cast, leave_request: Request, clock
):
    claim(cast.uow, cast.leave_agent, leave_request.id)
    on(clock, THU)
    await remind(world)
    await remind(world)  # a second run the same day (a restart, a retry) writes nothing more
    assert recipients(world.uow, "request_overdue") == [301]
    await world.deliver()
    reminder = [m for m in world.inbox(301) if "تذكير" in m.get("text", "")]
    assert len(reminder) == 1 and leave_request.reference in reminder[0]["text"]
    assert "أيام العمل المتأخرة: \u20681\u2069" in reminder[0]["text"]
    assert f"ag:reply:{leave_request.id}" in world.buttons(reminder[0]).values()
    on(clock, FRI, 11)
    await remind(world)
    assert recipients(world.uow, "request_overdue") == [301, 301]
    assert [n.params["days_late"] for n in notices(world.uow, "request_overdue")] == [1, 2]
    assert notices(world.uow, "request_escalated") == []  # 2 further working days have not passed yet


async def test_an_unclaimed_overdue_request_reminds_every_agent_of_its_office(
    world: World, leave_request: Request, clock
):
    on(clock, THU)
    await remind(world)
    assert sorted(recipients(world.uow, "request_overdue")) == [301, 302, 303]
    await world.deliver()
    for agent in (301, 302, 303):
        reminder = [m for m in world.inbox(agent) if "تذكير" in m.get("text", "")][-1]
        assert f"ag:claim:{leave_request.id}" in world.buttons(reminder).values()
    assert not any(leave_request.reference in m.get("text", "") for m in world.inbox(501))


async def test_the_head_hears_after_two_more_working_days_once(
    world: World, cast: Cast, leave_request: Request, clock
):
    claim(cast.uow, cast.leave_agent, leave_request.id)
    for day in (THU, FRI, SAT):
        on(clock, day)
        await remind(world)
    assert notices(world.uow, "request_escalated") == []
    assert len(notices(world.uow, "request_overdue")) == 2  # nothing on Saturday
    on(clock, MON)
    await remind(world)
    on(clock, TUE)
    await remind(world)
    escalations = notices(world.uow, "request_escalated")
    assert [n.recipient_telegram_id for n in escalations] == [303]  # the head, once
    assert escalations[0].params["days_late"] == 3 and escalations[0].params["claimed"] is True
    assert recipients(world.uow, "request_overdue") == [301] * 4  # the holder still hears every working day
    await world.deliver()
    message = [m for m in world.inbox(303) if "🚨" in m.get("text", "")]
    assert len(message) == 1 and leave_request.reference in message[0]["text"]
    assert "يوجد هذا الطلب عند أحد الموظفين" in message[0]["text"]
    assert f"ag:who:{leave_request.id}" in world.buttons(message[0]).values()


async def test_without_a_head_the_admins_hear(world: World, cast: Cast, clock):
    # A certificate goes to hr-admin-status, which has one agent and no head; 3 working days: due Monday 30.
    request = file_request(cast.uow, cast.teacher, "certificate", CERTIFICATE)
    assert request.due_on == dt.date(2026, 11, 30)
    on(clock, dt.date(2026, 12, 3))  # Thursday: 3 working days late
    await remind(world)
    assert recipients(world.uow, "request_overdue") == [401]
    assert recipients(world.uow, "request_escalated") == [world.uow.settings.admin_telegram_ids[0]]
    assert notices(world.uow, "request_escalated")[0].params["claimed"] is False


async def test_the_escalation_is_configurable(world: World, cast: Cast, leave_request: Request, clock):
    world.uow.settings.escalate_after_days = 1
    on(clock, FRI)
    await remind(world)
    assert recipients(world.uow, "request_escalated") == [303]


async def test_closed_requests_are_not_chased(world: World, cast: Cast, leave_request: Request, clock):
    resolve(cast.uow, cast.leave_agent, leave_request.id, "Fait.")
    on(clock, MON)
    await remind(world)
    assert notices(world.uow, "request_overdue") == [] and notices(world.uow, "request_escalated") == []


async def test_a_reminder_for_a_request_closed_meanwhile_says_so(
    world: World, cast: Cast, leave_request: Request, clock
):
    claim(cast.uow, cast.leave_agent, leave_request.id)
    on(clock, THU)
    await remind(world)
    resolve(cast.uow, cast.leave_agent, leave_request.id)  # before the worker delivered the reminder
    await world.deliver()
    last = world.last(301)
    assert "إغلاق" in last["text"] and not world.buttons(last)


async def test_reminders_and_escalations_read_in_french(
    world: World, cast: Cast, leave_request: Request, clock
):
    french_agent(cast.uow, 301)
    french_agent(cast.uow, 303)
    claim(cast.uow, cast.leave_agent, leave_request.id)
    await world.deliver()
    on(clock, MON)
    await remind(world)
    await world.deliver()
    reminder = world.last(301)["text"]
    assert "⏰ Rappel" in reminder and leave_request.reference in reminder
    assert "Jours ouvrables de retard : 3" in reminder and "2 décembre 2026" in reminder
    escalation = world.last(303)
    assert "🚨" in escalation["text"] and "Un agent" in escalation["text"]
    assert "👥 Attribuer" in world.buttons(escalation)

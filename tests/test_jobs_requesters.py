"""A requester whose request awaits their documents is reminded after REQUESTER_REMINDER_AFTER_DAYS working
days, once per such period, until they answer; replying to the reminder is the answer."""

from __future__ import annotations

import datetime as dt

import pytest

from bot import jobs
from desk.filing import file_request
from desk.thread import ask_documents
from models import Request
from tests.botkit import World
from tests.conftest import LEAVE, Cast
from tests.jobs_kit import context, notices, on, texts
from tests.office_kit import office_world
from tests.requester_kit import requests, speak_french

# Documents asked on Wednesday 25 November 2026; 3 working days later is Monday 30 November.
DAYS = {name: dt.date(2026, m, d) for name, (m, d) in {
    "thu": (11, 26), "fri": (11, 27), "sat": (11, 28), "mon": (11, 30), "tue": (12, 1), "wed": (12, 2),
    "thu2": (12, 3), "mon2": (12, 7)}.items()}
ASKED = "Merci d'envoyer le certificat médical signé."


@pytest.fixture
async def world(uow, settings, cast):
    async for w in office_world(uow, settings):
        yield w


@pytest.fixture
def waiting(cast: Cast) -> Request:
    request = file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    ask_documents(cast.uow, cast.leave_agent, request.id, ASKED)
    return request


async def remind(world: World, clock, day: str) -> None:
    on(clock, DAYS[day], 9)
    await jobs.requester_reminders_job(context(world))


async def test_the_requester_is_reminded_once_per_period_of_waiting(world: World, waiting: Request, clock):
    for day in ("thu", "fri", "sat"):
        await remind(world, clock, day)
    assert notices(world.uow, "documents_reminder") == []
    await remind(world, clock, "mon")
    await remind(world, clock, "mon")
    await remind(world, clock, "tue")
    await remind(world, clock, "wed")
    rows = notices(world.uow, "documents_reminder")
    assert [(n.recipient_telegram_id, n.params["days_waiting"]) for n in rows] == [(101, 3)]
    assert rows[0].request_id == waiting.id and rows[0].params["asked_on"] == "2026-11-25"
    await remind(world, clock, "thu2")  # 6 working days: the second period
    assert [n.params["days_waiting"] for n in notices(world.uow, "documents_reminder")] == [3, 6]


async def test_the_reminder_repeats_what_the_office_asked_and_replying_to_it_answers(
    world: World, waiting: Request, clock
):
    await world.deliver()
    await remind(world, clock, "mon")
    await world.deliver()
    reminder = texts(world, 101, "تذكير")
    assert len(reminder) == 1
    text = reminder[0]["text"]
    assert waiting.reference in text and ASKED in text and "25 نونبر 2026" in text
    assert "مكتب الرخص" in text  # the office, never the agent
    assert f"rq:open:{waiting.id}" in world.buttons(reminder[0]).values()

    await world.send(101, "ها هي الشهادة الطبية الموقعة.", reply_to=reminder[0])
    assert requests(world.uow)[-1].status == "in_progress"
    await remind(world, clock, "thu2")
    await remind(world, clock, "mon2")
    assert len(notices(world.uow, "documents_reminder")) == 1  # answered: no more reminders


async def test_a_new_request_for_documents_starts_a_new_wait(
    world: World, cast: Cast, waiting: Request, clock
):
    await remind(world, clock, "mon")
    from desk.thread import add_information

    add_information(cast.uow, cast.teacher, waiting.id, "Voici le certificat.")
    ask_documents(cast.uow, cast.leave_agent, waiting.id, "Il manque la page 2.")  # Monday 30
    await remind(world, clock, "wed")
    assert len(notices(world.uow, "documents_reminder")) == 1
    await remind(world, clock, "thu2")  # 3 working days after the second request
    rows = notices(world.uow, "documents_reminder")
    assert [n.params["text"] for n in rows] == [ASKED, "Il manque la page 2."]


async def test_the_period_is_configurable(world: World, waiting: Request, clock):
    world.uow.settings.requester_reminder_after_days = 1
    await remind(world, clock, "thu")
    await remind(world, clock, "fri")
    assert [n.params["days_waiting"] for n in notices(world.uow, "documents_reminder")] == [1, 2]


async def test_the_reminder_reads_in_french(world: World, cast: Cast, waiting: Request, clock):
    speak_french(cast.uow, 101)
    await remind(world, clock, "mon")
    await world.deliver()
    message = texts(world, 101, "Rappel")[-1]
    assert "attend toujours votre réponse" in message["text"] and "25 novembre 2026" in message["text"]
    assert "Bureau" in message["text"] or "bureau" in message["text"]

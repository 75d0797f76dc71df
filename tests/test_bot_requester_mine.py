"""A teacher follows their requests: the list, one request with its history, adding information, withdrawing,
reopening — and nobody opens someone else's request, whatever button they forge."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from bot.i18n import Translator
from desk import lifecycle
from desk.filing import file_request
from handlers.common import MENU_MINE
from models import Request, RequestMessage
from tests import requester_kit as kit
from tests.botkit import World, start_world, stop_world
from tests.conftest import CERTIFICATE, LEAVE


@pytest.fixture
async def world(uow, settings, cast):
    w = await start_world(uow, settings)
    for person in (101, 102, 301, 302, 303, 401):
        await w.send(person, "/start")
    yield w
    await stop_world(w)


def status_of(uow, request_id: int) -> str:
    with Session(uow.engine) as session:
        request = session.get(Request, request_id)
        assert request is not None
        return request.status


async def test_my_requests_lists_status_and_due_date(world: World, uow, cast):
    leave = file_request(uow, cast.teacher, "leave_followup", LEAVE)
    certificate = file_request(uow, cast.teacher, "certificate", CERTIFICATE)
    listing = (await world.send(101, Translator("ar")(MENU_MINE)))[-1]
    text = listing["text"]
    assert leave.reference in text and certificate.reference in text
    assert text.index(certificate.reference) < text.index(leave.reference)  # newest first
    assert "🆕 جديد" in text and Translator("ar").date(leave.due_on) in text
    assert set(world.buttons(listing).values()) == {f"rq:open:{leave.id}", f"rq:open:{certificate.id}"}


async def test_the_list_has_pages(world: World, uow, cast):
    filed = [file_request(uow, cast.teacher, "certificate", CERTIFICATE) for _ in range(10)]
    listing = (await world.send(101, "/mine"))[-1]
    assert len([d for d in world.buttons(listing).values() if d.startswith("rq:open:")]) == 8
    await world.press(101, listing, "rq:page:1")
    page_two = world.api.find_message(101, listing["message_id"])  # the same message, edited
    assert page_two is not None
    opened = [d for d in world.buttons(page_two).values() if d.startswith("rq:open:")]
    assert opened == [f"rq:open:{filed[1].id}", f"rq:open:{filed[0].id}"]
    assert "rq:page:0" in world.buttons(page_two).values()


async def test_a_teacher_without_requests_is_told_how_to_file_one(world: World):
    reply = (await world.send(103, "/mine"))[-1]
    assert "/new" in reply["text"]


async def test_a_request_opens_with_its_whole_history(world: World, uow, cast):
    request = file_request(uow, cast.teacher, "leave_followup", LEAVE)
    lifecycle.claim(uow, cast.leave_agent, request.id)
    listing = (await world.send(101, "/mine"))[-1]
    detail = (await world.press(101, listing, f"rq:open:{request.id}"))[-1]
    text = detail["text"]
    assert request.reference in text and "رخصة مرضية قصيرة الأمد" in text
    assert "المسار" in text and text.count("•") >= 3  # filed, sent to the office, taken in charge
    assert "301" not in text  # the agent stays anonymous
    assert set(world.buttons(detail).values()) == {f"rq:add:{request.id}", f"rq:wd:{request.id}"}


async def test_a_teacher_cannot_open_someone_elses_request(world: World, uow, cast):
    theirs = file_request(uow, cast.other_teacher, "certificate", CERTIFICATE)
    mine = file_request(uow, cast.teacher, "certificate", CERTIFICATE)
    listing = (await world.send(101, "/mine"))[-1]
    before = len(world.inbox(101))
    for forged in (
        f"rq:open:{theirs.id}",
        f"rq:add:{theirs.id}",
        f"rq:wd:{theirs.id}",
        f"rq:wdyes:{theirs.id}",
    ):
        await world.press(101, listing, forged, check=False)
        answer = world.press_answer() or {}
        assert answer.get("show_alert") is True and "تعذر العثور على هذا الطلب" in answer.get("text", ""), (
            forged
        )
    assert len(world.inbox(101)) == before
    assert all(theirs.reference not in m.get("text", "") for m in world.inbox(101))
    assert status_of(uow, theirs.id) == "new" and mine.reference in listing["text"]


async def test_forged_or_garbled_buttons_get_a_clear_refusal(world: World, uow, cast):
    listing = (await world.send(101, "/menu"))[-1]
    for forged in ("rq:open:abc", "rq:open:99999", "rq:explode:1", "rq:open"):
        await world.press(101, listing, forged, check=False)
        assert (world.press_answer() or {}).get("show_alert") is True, forged


async def test_withdraw_asks_for_confirmation_then_tells_the_office(world: World, uow, cast):
    request = file_request(uow, cast.teacher, "leave_followup", LEAVE)
    await world.deliver()
    detail = (await world.press(101, (await world.send(101, "/mine"))[-1], f"rq:open:{request.id}"))[-1]
    ask = (await world.press(101, detail, f"rq:wd:{request.id}"))[-1]
    assert request.reference in ask["text"]
    kept = await world.press(101, ask, f"rq:keep:{request.id}")
    assert kept == [] and status_of(uow, request.id) == "new"
    done = (await world.press(101, ask, f"rq:wdyes:{request.id}", check=False))[-1]
    assert "تم سحب طلبكم" in done["text"]
    assert status_of(uow, request.id) == "withdrawn"
    await world.deliver()
    assert any("سحب" in m.get("text", "") and request.reference in m["text"] for m in world.inbox(301))
    # Withdrawing twice is refused politely.
    await world.press(101, ask, f"rq:wdyes:{request.id}", check=False)
    assert "مغلق" in (world.press_answer() or {}).get("text", "")


async def test_a_teacher_adds_information_and_a_photo(world: World, uow, cast):
    request = file_request(uow, cast.teacher, "leave_followup", LEAVE)
    lifecycle.claim(uow, cast.leave_agent, request.id)
    detail = (await world.press(101, (await world.send(101, "/mine"))[-1], f"rq:open:{request.id}"))[-1]
    prompt = (await world.press(101, detail, f"rq:add:{request.id}"))[-1]
    assert request.reference in prompt["text"]
    done = (await world.send(101, "الشهادة الطبية الأصلية أودعت بالمؤسسة"))[-1]
    assert "تمت الإضافة إلى طلبكم" in done["text"]
    await world.press(101, detail, f"rq:add:{request.id}")
    await world.send_photo(101, caption="نسخة من الشهادة")
    await world.deliver()
    agent = [m.get("text", "") for m in world.inbox(301)]
    assert any("الشهادة الطبية الأصلية أودعت بالمؤسسة" in t for t in agent)
    assert any("نسخة من الشهادة" in t for t in agent)
    with Session(uow.engine) as session:
        assert len(session.exec(select(RequestMessage)).all()) == 2
    # After adding, text is a question for the finder again.
    answer = (await world.send(101, "بغيت شهادة العمل"))[-1]
    assert "مكتب" in answer["text"]


async def test_adding_information_can_be_cancelled(world: World, uow, cast):
    request = file_request(uow, cast.teacher, "leave_followup", LEAVE)
    detail = (await world.press(101, (await world.send(101, "/mine"))[-1], f"rq:open:{request.id}"))[-1]
    await world.press(101, detail, f"rq:add:{request.id}")
    await world.send(101, "/cancel")
    with Session(uow.engine) as session:
        assert session.exec(select(RequestMessage)).all() == []


async def test_a_resolved_request_can_be_reopened_within_the_window(world: World, uow, cast, clock):
    request = file_request(uow, cast.teacher, "certificate", CERTIFICATE)
    lifecycle.resolve(uow, cast.status_agent, request.id, "الشهادة جاهزة")
    clock.advance(days=3)
    detail = (await world.press(101, (await world.send(101, "/mine"))[-1], f"rq:open:{request.id}"))[-1]
    assert set(world.buttons(detail).values()) == {f"rq:reopen:{request.id}"}
    reopened = (await world.press(101, detail, f"rq:reopen:{request.id}"))[-1]
    assert "تمت إعادة فتح طلبكم" in reopened["text"]
    assert status_of(uow, request.id) == "in_progress"


async def test_reopening_after_the_window_is_refused(world: World, uow, cast, clock):
    request = file_request(uow, cast.teacher, "certificate", CERTIFICATE)
    lifecycle.resolve(uow, cast.status_agent, request.id)
    listing = (await world.send(101, "/mine"))[-1]
    clock.advance(days=40)
    await world.press(101, listing, f"rq:reopen:{request.id}", check=False)
    assert (world.press_answer() or {}).get("show_alert") is True
    assert status_of(uow, request.id) == "resolved"


async def test_my_requests_in_french(world: World, uow, cast):
    kit.speak_french(uow, 101)
    request = file_request(uow, cast.teacher, "certificate", CERTIFICATE)
    listing = (await world.send(101, Translator("fr")(MENU_MINE)))[-1]
    assert "Vos demandes" in listing["text"] and Translator("fr").date(request.due_on) in listing["text"]
    detail = (await world.press(101, listing, f"rq:open:{request.id}"))[-1]
    assert "Historique" in detail["text"] and "Attestation de travail" in detail["text"]

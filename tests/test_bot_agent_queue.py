"""An agent's queue (overdue first, filters, pages) and requests opened by reference, via the real bot."""

from __future__ import annotations

import pytest

from desk import lifecycle
from desk.filing import file_request
from tests.botkit import World
from tests.conftest import ADMIN_ID, CERTIFICATE, LEAVE, Cast
from tests.office_kit import office_world


@pytest.fixture
async def world(uow, settings, cast):
    async for w in office_world(uow, settings):
        yield w


def queue_references(world: World, message: dict) -> list[str]:
    """The references of the request buttons of a queue message, in order."""
    return [
        label.split(" · ")[0].removeprefix("⚠️ ")
        for label, data in world.buttons(message).items()
        if data.startswith("ag:open:")
    ]


async def test_the_queue_lists_overdue_requests_first(world: World, cast: Cast, clock):
    old = file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)  # due in 5 working days
    clock.advance(days=8)  # a week and a day later: the first request is overdue
    recent = file_request(cast.uow, cast.colleague, "leave_followup", LEAVE)
    clock.advance(hours=1)
    screen = (await world.send(301, "/queue"))[-1]
    assert queue_references(world, screen) == [old.reference, recent.reference]
    assert "⚠️" in screen["text"].split(recent.reference)[0]  # the overdue one is flagged
    labels = list(world.buttons(screen))
    assert labels[0].startswith("⚠️ ") and not labels[1].startswith("⚠️")
    await world.press(301, screen, text=labels[0])
    assert "تجاوز أجل المعالجة" in world.last(301)["text"]


async def test_the_menu_button_opens_the_queue(world: World, cast: Cast):
    request = file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    screen = (await world.send(301, "📥 طلبات المكتب"))[-1]
    assert queue_references(world, screen) == [request.reference]


async def test_filters_narrow_the_queue_and_edit_the_same_message(world: World, cast: Cast):
    claimed = file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    waiting = file_request(cast.uow, cast.colleague, "leave_followup", LEAVE)
    lifecycle.claim(cast.uow, cast.leave_agent, claimed.id)
    screen = (await world.send(301, "/queue"))[-1]
    await world.press(301, screen, text="جديدة")
    edited = world.last(301)
    assert edited["message_id"] == screen["message_id"]
    assert queue_references(world, edited) == [waiting.reference]
    await world.press(301, edited, text="في طور المعالجة")
    assert queue_references(world, world.last(301)) == [claimed.reference]
    await world.press(301, world.last(301), text="في انتظار صاحب الطلب")
    assert queue_references(world, world.last(301)) == []
    assert "لا يوجد أي طلب حاليا" in world.last(301)["text"]
    await world.press(301, world.last(301), text="• في انتظار صاحب الطلب")  # the same filter again: no edit
    assert world.press_answer() is not None


async def test_a_long_queue_has_pages(world: World, cast: Cast):
    references = [file_request(cast.uow, cast.teacher, "leave_followup", LEAVE).reference for _ in range(10)]
    screen = (await world.send(301, "/queue"))[-1]
    assert queue_references(world, screen) == references[:8]
    await world.press(301, screen, text="التالي ▶️")
    assert queue_references(world, world.last(301)) == references[8:]
    await world.press(301, world.last(301), text="◀️ السابق")
    assert queue_references(world, world.last(301)) == references[:8]


async def test_an_agent_of_several_offices_filters_by_office(world: World, cast: Cast):
    from desk.actors import Actor
    from desk.people import add_agent

    add_agent(cast.uow, Actor.operator(), 301, "legal-accidents")
    leave = file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    certificate = file_request(cast.uow, cast.teacher, "certificate", CERTIFICATE)
    screen = (await world.send(301, "/queue"))[-1]
    assert set(queue_references(world, screen)) == {leave.reference}  # certificates go to another office
    assert "q:o:legal-accidents:0" in world.buttons(screen).values()
    await world.press(301, screen, "q:o:legal-accidents:0")
    assert queue_references(world, world.last(301)) == []
    await world.press(301, world.last(301), "q:o:hr-leave:0")
    assert queue_references(world, world.last(301)) == [leave.reference]
    assert certificate.reference not in world.last(301)["text"]


async def test_a_forged_queue_button_for_another_office_is_refused(world: World, cast: Cast):
    file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    screen = (await world.send(501, "/queue"))[-1]
    await world.press(501, screen, "q:o:hr-leave:0", check=False)
    answer = world.press_answer() or {}
    assert answer.get("show_alert") and "غير مسموح" in answer["text"]
    await world.press(501, screen, "q:zz:hr-leave:0", check=False)
    assert "لم يعد" in (world.press_answer() or {}).get("text", "")


async def test_a_teacher_has_no_queue(world: World):
    reply = (await world.send(101, "/queue"))[-1]
    assert "خاصة بموظفي المكاتب" in reply["text"]


async def test_a_reference_of_another_office_is_refused_to_its_agent_but_opens_for_the_admin(
    world: World, cast: Cast
):
    request = file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    refused = (await world.send(501, f"/r {request.reference}"))[-1]
    assert "تعذر العثور على هذا الطلب" in refused["text"]
    assert not world.buttons(refused)
    opened = (await world.send(ADMIN_ID, f"/r {request.reference.lower()}"))[-1]
    assert request.reference in opened["text"] and "سجل الطلب" in opened["text"]
    assert f"ag:open:{request.id}" in world.buttons(opened).values()


async def test_a_malformed_reference_is_explained(world: World):
    assert "OD-2026-000123" in (await world.send(301, "/r"))[-1]["text"]
    assert "غير صحيح" in (await world.send(301, "/r 123; DROP TABLE"))[-1]["text"]


async def test_the_teacher_opens_their_own_reference_without_office_buttons(world: World, cast: Cast):
    request = file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    mine = (await world.send(101, f"/r {request.reference}"))[-1]
    assert request.reference in mine["text"] and not world.buttons(mine)
    other = (await world.send(103, f"/r {request.reference}"))[-1]
    assert "تعذر العثور" in other["text"]


async def test_the_queue_in_french(world: World, cast: Cast, uow):
    from desk.people import register
    from tests.conftest import add_staff

    with uow.transaction() as session:
        add_staff(session, "3000301", "VC300301", "administrative", "07001X", "agent")
    register(uow, 301, "3000301", "VC300301", language="fr")
    request = file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    screen = (await world.send(301, "/queue", language="fr"))[-1]
    assert "File des demandes" in screen["text"] and "Toutes les demandes ouvertes" in screen["text"]
    assert "échéance le 2 décembre 2026" in screen["text"]
    await world.press(301, screen, f"ag:open:{request.id}")
    assert "Historique" in world.last(301)["text"]

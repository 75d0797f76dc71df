"""Office agents work a request from Telegram: notified, claim, reply in the office's name, ask for documents,
resolve, reject, transfer, assign; every press checked again by the desk. All through the real bot."""

from __future__ import annotations

import pytest
from sqlmodel import select

from desk.filing import file_request
from desk.people import register
from models import Request, RequestMessage
from tests.botkit import World
from tests.conftest import LEAVE, Cast, add_staff
from tests.office_kit import alert, notice, office_world


@pytest.fixture
async def world(uow, settings, cast):
    async for w in office_world(uow, settings):
        yield w


@pytest.fixture
def leave_request(cast: Cast) -> Request:
    """The teacher (101) asks the leave office (hr-leave: agents 301, 302, head 303) to follow their leave."""
    return file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)


async def test_a_new_request_reaches_the_leave_office_agents_only(world: World, leave_request: Request):
    await world.deliver()
    for agent in (301, 302, 303):
        message = notice(world, agent, leave_request.reference)
        assert "طلب جديد" in message["text"]
        assert f"ag:claim:{leave_request.id}" in world.buttons(message).values()
    assert not any(leave_request.reference in m.get("text", "") for m in world.inbox(501))


async def test_the_first_agent_claims_and_a_later_claim_is_refused(world: World, leave_request: Request):
    await world.deliver()
    first = notice(world, 301, leave_request.reference)
    await world.press(301, first, f"ag:claim:{leave_request.id}")
    assert "في طور المعالجة" in (world.press_answer() or {}).get("text", "")
    assert (
        f"ag:claim:{leave_request.id}" not in world.buttons(world.inbox(301)[-1]).values()
    )  # the button went
    second = notice(world, 302, leave_request.reference)
    await world.press(302, second, f"ag:claim:{leave_request.id}")
    assert "تم التكفل بهذا الطلب مسبقا" in alert(world)
    await world.deliver()
    assert "في طور المعالجة" in world.last(101)["text"]  # the teacher hears of the new status


async def test_a_reply_reaches_the_teacher_in_the_office_name_only(world: World, leave_request: Request):
    world.user(301, first_name="Karim")
    await world.deliver()
    await world.press(301, notice(world, 301, leave_request.reference), text="💬 الرد")
    assert "باسم المكتب" in world.last(301)["text"]
    done = await world.send(301, "توصلنا بشهادتكم الطبية، والملف قيد الدراسة.")
    assert "باسم المكتب" in done[-1]["text"]
    await world.deliver()
    reply = world.last(101)
    assert "توصلنا بشهادتكم الطبية" in reply["text"]
    assert "مكتب" in reply["text"] and leave_request.reference in reply["text"]
    for trace in ("Karim", "301"):
        assert trace not in reply["text"]
    assert "Karim" not in str(reply) and "301" not in str(reply.get("reply_markup", ""))


async def test_a_reply_may_be_a_document_relayed_to_the_teacher(world: World, leave_request: Request):
    await world.deliver()
    await world.press(301, notice(world, 301, leave_request.reference), f"ag:reply:{leave_request.id}")
    await world.send_document(301, b"%PDF-1.4 decision", "decision.pdf", "application/pdf")
    await world.deliver()
    files = [m for m in world.inbox(101) if m.get("document")]
    assert files and files[-1]["document"]["file_name"] == "decision.pdf"


async def test_an_agent_cannot_send_an_executable_as_a_reply(world: World, leave_request: Request):
    await world.deliver()
    await world.press(301, notice(world, 301, leave_request.reference), f"ag:reply:{leave_request.id}")
    refused = await world.send_document(301, b"MZ...", "virus.exe", "application/x-msdownload")
    assert "PDF" in refused[-1]["text"]


async def test_asking_for_documents_needs_a_description(world: World, leave_request: Request, uow):
    await world.deliver()
    await world.press(301, notice(world, 301, leave_request.reference), f"ag:docs:{leave_request.id}")
    assert "إلزامي" in world.last(301)["text"]
    again = await world.send_photo(301)  # a picture is not a description
    assert "نصية" in again[-1]["text"]
    await world.send(301, "المرجو إرسال نسخة من الشهادة الطبية الأصلية.")
    await world.deliver()
    assert "الشهادة الطبية الأصلية" in world.last(101)["text"]
    with uow.reading() as session:
        assert session.get(Request, leave_request.id).status == "awaiting_requester"


async def test_rejecting_needs_a_reason_and_the_teacher_reads_it(world: World, leave_request: Request, uow):
    await world.deliver()
    await world.press(301, notice(world, 301, leave_request.reference), f"ag:rej:{leave_request.id}")
    assert "إلزامي" in world.last(301)["text"]
    await world.send(301, "   ")  # blank: asked again, nothing changed
    with uow.reading() as session:
        assert session.get(Request, leave_request.id).status == "new"
    await world.send(301, "الرخصة خارج الآجال القانونية.")
    await world.deliver()
    assert "خارج الآجال القانونية" in world.last(101)["text"]
    with uow.reading() as session:
        assert session.get(Request, leave_request.id).status == "rejected"


async def test_resolving_without_a_note_is_one_press(world: World, leave_request: Request, uow):
    await world.deliver()
    await world.press(301, notice(world, 301, leave_request.reference), f"ag:done:{leave_request.id}")
    await world.press(301, world.last(301), f"ag:done0:{leave_request.id}")
    with uow.reading() as session:
        assert session.get(Request, leave_request.id).status == "resolved"
    await world.deliver()
    assert "تمت المعالجة" in world.last(101)["text"]


async def test_cancel_stops_a_rejection_halfway(world: World, leave_request: Request, uow):
    await world.deliver()
    await world.press(301, notice(world, 301, leave_request.reference), f"ag:rej:{leave_request.id}")
    await world.send(301, "/cancel")
    await world.send(301, "هذا سؤال عادي عن الرخص")  # now a question for the finder, not a reason
    with uow.reading() as session:
        assert session.get(Request, leave_request.id).status == "new"


async def test_a_transfer_goes_to_the_chosen_office_whose_agents_hear_of_it(
    world: World, leave_request: Request
):
    await world.deliver()
    await world.press(301, notice(world, 301, leave_request.reference), f"ag:xfer:{leave_request.id}")
    services = world.last(301)
    assert f"ag:svc:{leave_request.id}:legal" in world.buttons(services).values()
    await world.press(301, services, f"ag:svc:{leave_request.id}:legal")
    offices = world.last(301)  # the same message, edited
    assert offices["message_id"] == services["message_id"]
    assert all(len(data.encode()) <= 64 for data in world.buttons(offices).values())
    await world.press(301, offices, f"ag:to:{leave_request.id}:legal-accidents")
    assert "إلزامية" in world.last(301)["text"]
    await world.send(301, "الملف يتعلق بحادثة شغل وليس برخصة مرضية.")
    await world.deliver()
    moved = notice(world, 501, leave_request.reference)
    assert "حادثة شغل" in moved["text"]  # the transfer note
    assert "تمت إحالة طلبكم" in world.last(101)["text"]


async def test_an_agent_of_another_office_pressing_a_forged_button_sees_nothing(
    world: World, leave_request: Request
):
    await world.send(501, "/queue")
    screen = world.last(501)
    for verb in ("claim", "open", "reply", "rej", "xfer", "files"):
        before = len(world.inbox(501))
        await world.press(501, screen, f"ag:{verb}:{leave_request.id}", check=False)
        assert "تعذر العثور" in alert(world)
        assert len(world.inbox(501)) == before  # nothing sent, nothing shown
    await world.press(501, screen, f"ag:to:{leave_request.id}:legal-accidents", check=False)
    assert "تعذر العثور" in alert(world)
    await world.press(501, screen, "ag:claim:x'; DROP TABLE requests;--", check=False)
    assert "لم يعد" in alert(world)


async def test_the_head_assigns_a_request_to_an_agent_of_the_office(
    world: World, leave_request: Request, uow
):
    await world.send(303, f"/r {leave_request.reference}")
    card = world.last(303)
    assert f"ag:who:{leave_request.id}" in world.buttons(card).values()
    await world.press(303, card, f"ag:who:{leave_request.id}")
    picker = world.last(303)
    await world.press(303, picker, f"ag:assign:{leave_request.id}:302")
    with uow.reading() as session:
        assert session.get(Request, leave_request.id).assignee_telegram_id == 302
    await world.deliver()
    assert leave_request.reference in world.last(302)["text"]
    # A plain agent has no such button, and a forged one is refused.
    await world.send(301, f"/r {leave_request.reference}")
    assert f"ag:who:{leave_request.id}" not in world.buttons(world.last(301)).values()
    await world.press(301, world.last(301), f"ag:assign:{leave_request.id}:301", check=False)
    assert "غير مسموح" in alert(world)


async def test_the_card_warns_when_the_teacher_cannot_be_reached(world: World, leave_request: Request):
    world.api.block(101)
    await world.deliver()
    await world.press(301, notice(world, 301, leave_request.reference), f"ag:claim:{leave_request.id}")
    await world.deliver()  # the status notice to the teacher fails: they blocked the bot
    await world.press(301, notice(world, 301, leave_request.reference), f"ag:open:{leave_request.id}")
    assert "لا يمكن التواصل مع صاحب الطلب عبر تيليغرام" in world.last(301)["text"]


async def test_a_french_agent_works_in_french(world: World, cast: Cast, uow, leave_request: Request):
    with uow.transaction() as session:
        add_staff(session, "3000301", "VC300301", "administrative", "07001X", "agent")
    register(uow, 302, "3000301", "VC300301", language="fr")
    await world.deliver()
    message = notice(world, 302, leave_request.reference)
    assert "Nouvelle demande" in message["text"]
    assert "✋ Prendre en charge" in world.buttons(message)
    await world.press(302, message, text="⛔ Rejeter")
    assert "motif" in world.last(302)["text"]
    await world.send(302, "/queue")
    assert "File des demandes" in world.last(302)["text"]


async def test_a_text_typed_hours_after_pressing_reply_is_not_relayed(
    world: World, leave_request: Request, clock, uow
):
    await world.deliver()
    await world.press(301, notice(world, 301, leave_request.reference), f"ag:reply:{leave_request.id}")
    clock.advance(hours=3)
    late = await world.send(301, "سؤال عن الرخص المرضية")
    assert "انتهت صلاحية" in late[-1]["text"]
    with uow.reading() as session:
        assert not session.exec(select(RequestMessage)).all()

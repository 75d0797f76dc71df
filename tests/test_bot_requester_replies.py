"""The requester hears the office's reply and answers simply by replying to it; the agent answers back the
same way.
Replies come «from the office», never from the agent's own account."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from desk import thread
from desk.filing import file_request
from models import Request, RequestMessage
from standin.transport import feed
from tests import requester_kit as kit
from tests.botkit import World, start_world, stop_world
from tests.conftest import CERTIFICATE, LEAVE


@pytest.fixture
async def world(uow, settings, cast):
    w = await start_world(uow, settings)
    for person in (101, 301, 302, 303, 401):
        await w.send(person, "/start")
    yield w
    await stop_world(w)


def notice_about(world: World, tg: int, reference: str, words: str = "") -> dict:
    found = [m for m in world.inbox(tg) if reference in m.get("text", "") and words in m.get("text", "")]
    assert found, f"no notice about {reference} with {words!r} for {tg}"
    return found[-1]


def thread_texts(uow, request_id: int) -> list[tuple[str, str]]:
    with Session(uow.engine) as session:
        rows = session.exec(
            select(RequestMessage).where(RequestMessage.request_id == request_id).order_by(RequestMessage.id)
        ).all()  # type: ignore[arg-type]
        return [(m.author_side, m.text) for m in rows]


async def test_the_requester_answers_the_office_by_replying_and_the_agent_answers_back(
    world: World, uow, cast
):
    await kit.file_certificate(world)
    [request] = kit.requests(uow)
    thread.reply(uow, cast.status_agent, request.id, "هل تحتاجون نسخة مصادقا عليها؟")
    await world.deliver()
    office_reply = notice_about(world, 101, request.reference, "هل تحتاجون نسخة مصادقا عليها؟")
    assert "مكتب تدبير الوضعيات الإدارية" in office_reply["text"] and "401" not in office_reply["text"]

    added = (await world.send(101, "نعم، مصادق عليها من فضلكم", reply_to=office_reply))[-1]
    assert "تمت الإضافة إلى طلبكم" in added["text"]
    await world.deliver()
    to_agent = notice_about(world, 401, request.reference, "نعم، مصادق عليها من فضلكم")

    sent = (await world.send(401, "ستكون جاهزة يوم الاثنين", reply_to=to_agent))[-1]
    assert "باسم المكتب" in sent["text"]
    await world.deliver()
    answer = notice_about(world, 101, request.reference, "ستكون جاهزة يوم الاثنين")
    assert "401" not in answer["text"] and "Test" not in answer["text"]
    assert thread_texts(uow, request.id) == [
        ("office", "هل تحتاجون نسخة مصادقا عليها؟"),
        ("requester", "نعم، مصادق عليها من فضلكم"),
        ("office", "ستكون جاهزة يوم الاثنين"),
    ]


async def test_documents_asked_are_answered_with_a_pdf_reply(world: World, uow, cast):
    request = file_request(uow, cast.teacher, "leave_followup", LEAVE)
    thread.ask_documents(uow, cast.leave_agent, request.id, "المرجو إرسال نسخة من الشهادة الطبية")
    await world.deliver()
    asked = notice_about(world, 101, request.reference, "المرجو إرسال نسخة من الشهادة الطبية")
    await world.send_document(101, kit.PDF, "certificat.pdf", "application/pdf", reply_to=asked)
    with Session(uow.engine) as session:
        assert session.get(Request, request.id).status == "in_progress"  # type: ignore[union-attr]
    await world.deliver()
    assert notice_about(world, 301, request.reference, "رد صاحب الطلب")


async def test_a_french_requester_replies_too(world: World, uow, cast):
    kit.speak_french(uow, 101)
    request = file_request(uow, cast.teacher, "certificate", CERTIFICATE)
    thread.reply(uow, cast.status_agent, request.id, "Quelle langue ?")
    await world.deliver()
    notice = notice_about(world, 101, request.reference, "Quelle langue ?")
    assert "Réponse de" in notice["text"] and "concernant votre demande" in notice["text"]
    added = (await world.send(101, "En français, merci", reply_to=notice))[-1]
    assert "Ajouté à votre demande" in added["text"]


async def test_replying_to_the_receipt_adds_to_that_request(world: World, uow):
    receipt = await kit.file_leave(world)
    [request] = kit.requests(uow)
    added = (await world.send(101, "نسيت أن أذكر أن الرخصة لمدة 10 أيام", reply_to=receipt))[-1]
    assert request.reference in added["text"]
    assert thread_texts(uow, request.id) == [("requester", "نسيت أن أذكر أن الرخصة لمدة 10 أيام")]


async def test_a_reply_to_anything_else_is_a_question(world: World, uow):
    faq = (await world.send(101, "بغيت شهادة العمل"))[-1]
    answer = (await world.send(101, "واش كاين شي حاجة أخرى؟ التعويضات العائلية", reply_to=faq))[-1]
    assert "مكتب" in answer["text"]
    assert kit.requests(uow) == []


async def test_a_reply_delivered_twice_is_added_once(world: World, uow, cast):
    request = file_request(uow, cast.teacher, "certificate", CERTIFICATE)
    thread.reply(uow, cast.status_agent, request.id, "سؤال من المكتب")
    await world.deliver()
    notice = notice_about(world, 101, request.reference, "سؤال من المكتب")
    update = world.api.user_sends_text(world.user(101), "جوابي", reply_to=notice)
    await feed(world.app, update)
    await feed(world.app, update)
    assert thread_texts(uow, request.id) == [("office", "سؤال من المكتب"), ("requester", "جوابي")]


async def test_a_reply_in_the_middle_of_a_new_request_goes_to_its_request_and_the_draft_waits(
    world: World, uow, cast
):
    request = file_request(uow, cast.teacher, "certificate", CERTIFICATE)
    thread.reply(uow, cast.status_agent, request.id, "سؤال من المكتب")
    await world.deliver()
    notice = notice_about(world, 101, request.reference, "سؤال من المكتب")
    m = await kit.start(world, 101, "complaint")
    await world.send(101, "جوابي عن الشهادة", reply_to=notice)
    assert thread_texts(uow, request.id)[-1] == ("requester", "جوابي عن الشهادة")
    # The draft still waits for the complaint's subject.
    m = await world.send(101, "موضوع الشكاية")
    assert "صفوا الوقائع" in m[-1]["text"]


async def test_an_agent_of_another_office_cannot_answer_through_a_reply(world: World, uow, cast):
    request = file_request(uow, cast.teacher, "leave_followup", LEAVE)
    await world.deliver()
    notice = notice_about(world, 301, request.reference)
    # Agent 301 then leaves the office: a reply to the old notice is no answer any more.
    from desk.actors import Actor
    from desk.people import remove_agent

    remove_agent(uow, Actor.operator(), 301, "hr-leave")
    await world.send(301, "رد بعد مغادرة المكتب", reply_to=notice)
    assert thread_texts(uow, request.id) == []

"""A principal hands in a document for a staff member of their school; the office's agents receive it with
the file.
Nobody hands in for another school's staff, and teachers do not hand in at all."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from bot.i18n import Translator
from handlers.common import MENU_HANDIN
from models import Attachment
from tests import requester_kit as kit
from tests.botkit import World, start_world, stop_world


@pytest.fixture
async def world(uow, settings, cast):
    w = await start_world(uow, settings)
    for agent in (301, 302, 303, 501):
        await w.send(agent, "/start")  # agents have talked to the bot once, so it can write to them
    yield w
    await stop_world(w)


async def hand_in_for(world: World, search: str, staff_id: int, tg: int = 201) -> list[dict]:
    """/handin, find the person, press their name: returns the bot's next messages (the document kinds)."""
    await world.send(tg, "/handin")
    found = await world.send(tg, search)
    return await kit.press(world, tg, found, f"nw:staff:0:{staff_id}")


async def test_principal_hands_in_a_medical_certificate_for_a_staff_member(world: World, uow, cast):
    teacher = cast.staff["teacher"]
    m = await hand_in_for(world, teacher.ppr, teacher.id)
    assert "اسم teacher" in m[0]["text"]
    m = await kit.press(world, 201, m, "nw:pick:1:medical_certificate")
    m = await world.send_document(201, kit.PDF, "certificat_medical.pdf", "application/pdf")
    m = await kit.press(world, 201, m, "nw:done:2")
    receipt = (await world.send(201, "الأصل سيبعث عبر السلم الإداري"))[-1]
    [request] = kit.requests(uow)
    assert request.reference in receipt["text"]
    assert "تم استلام الوثيقة لفائدة اسم teacher" in receipt["text"]
    assert kit.due_text(uow) in receipt["text"]
    assert request.office_id == "hr-leave" and request.on_behalf_of_staff_id == teacher.id
    assert request.details["note"] == "الأصل سيبعث عبر السلم الإداري"

    assert await world.deliver() >= 3
    for agent in (301, 302, 303):
        inbox = world.inbox(agent)
        notice = next(n for n in inbox if request.reference in n.get("text", ""))
        assert "شهادة طبية" in notice["text"] and "اسم teacher" in notice["text"]
        forwarded = [n for n in inbox if "document" in n]
        assert forwarded and forwarded[-1]["reply_to_message"]["message_id"] == notice["message_id"]
        assert forwarded[-1]["document"]["file_name"] == "certificat_medical.pdf"
    assert not any(
        request.reference in n.get("text", "") for n in world.inbox(501)
    )  # not the accidents office


async def test_a_french_speaking_principal_finds_the_person_by_name_from_the_menu(world: World, uow, cast):
    kit.speak_french(uow, 201)
    colleague = cast.staff["colleague"]
    await world.send(201, Translator("fr")(MENU_HANDIN))
    found = (await world.send(201, "nom colleag"))[-1]
    assert list(world.buttons(found).values()) == [f"nw:staff:0:{colleague.id}"]
    m = await world.press(201, found, f"nw:staff:0:{colleague.id}")
    m = await kit.press(world, 201, m, "nw:pick:1:joining_report")
    m = await world.send_photo(201)
    m = await kit.press(world, 201, m, "nw:done:2")
    receipt = (await kit.press(world, 201, m, "nw:skip:3"))[-1]
    [request] = kit.requests(uow)
    assert "Document reçu pour NOM colleague" in receipt["text"]
    assert request.reference in receipt["text"] and kit.due_text(uow, "fr") in receipt["text"]
    assert request.office_id == "hr-admin-status"
    with Session(uow.engine) as session:
        [attachment] = session.exec(select(Attachment)).all()
    assert attachment.mime_type == "image/jpeg"


async def test_a_principal_cannot_hand_in_for_another_schools_staff(world: World, uow, cast):
    other = cast.staff["other_teacher"]
    prompt = (await world.send(201, "/handin"))[-1]
    nobody = (await world.send(201, other.ppr))[-1]
    assert "لا يوجد موظف بمؤسستكم" in nobody["text"]
    assert world.buttons(nobody) == {}
    # A forged button naming them is refused too.
    await world.press(201, prompt, f"nw:staff:0:{other.id}", check=False)
    assert "لا ينتمي إلى مؤسستكم" in (world.press_answer() or {}).get("text", "")
    assert kit.requests(uow) == []


async def test_the_other_principal_is_refused_for_school_a_staff(world: World, uow, cast):
    prompt = (await world.send(202, "/handin"))[-1]
    await world.press(202, prompt, f"nw:staff:0:{cast.staff['teacher'].id}", check=False)
    assert (world.press_answer() or {}).get("show_alert") is True
    assert kit.requests(uow) == []


async def test_a_teacher_cannot_hand_in_documents(world: World, uow):
    reply = (await world.send(101, "/handin"))[-1]
    assert "خاص بمديري المؤسسات" in reply["text"]
    answer = (await world.send(101, "1000003"))[-1]  # not taken as a staff search afterwards
    assert "nw:staff" not in str(world.buttons(answer))


async def test_the_document_itself_is_required(world: World, uow, cast):
    teacher = cast.staff["teacher"]
    m = await hand_in_for(world, teacher.ppr, teacher.id)
    m = await kit.press(world, 201, m, "nw:pick:1:family_allowance_file")
    await kit.press(world, 201, m, "nw:done:2")
    assert "المرجو إرسال الوثيقة أولا" in (world.press_answer() or {}).get("text", "")
    assert kit.requests(uow) == []


async def test_hand_in_is_also_offered_among_the_principals_request_kinds(world: World, uow, cast):
    m = await kit.start(world, 201, "document_handin")
    assert "رقم التأجير" in m[-1]["text"]
    found = await world.send(201, "اسم teach")
    m = await kit.press(world, 201, found, f"nw:staff:0:{cast.staff['teacher'].id}")
    assert "nw:pick:1:accident_declaration" in world.buttons(m[-1]).values()


async def test_the_principal_follows_the_hand_in_in_my_requests(world: World, uow, cast):
    teacher = cast.staff["teacher"]
    m = await hand_in_for(world, teacher.ppr, teacher.id)
    m = await kit.press(world, 201, m, "nw:pick:1:medical_certificate")
    m = await world.send_document(201, kit.PDF, "c.pdf", "application/pdf")
    m = await kit.press(world, 201, m, "nw:done:2")
    await kit.press(world, 201, m, "nw:skip:3")
    [request] = kit.requests(uow)
    listing = (await world.send(201, "/mine"))[-1]
    detail = (await world.press(201, listing, f"rq:open:{request.id}"))[-1]
    assert request.reference in detail["text"] and "اسم teacher" in detail["text"]

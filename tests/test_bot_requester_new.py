"""A teacher files each kind of request through the real bot — in Arabic and in French — answering one
question at a time, and gets a reference number and the expected date; bad answers are explained and asked
again."""

from __future__ import annotations

import pytest

from tests import requester_kit as kit
from tests.botkit import World, start_world, stop_world


@pytest.fixture
async def world(uow, settings, cast):
    w = await start_world(uow, settings)
    yield w
    await stop_world(w)


FILERS = {
    "leave_followup": kit.file_leave,
    "certificate": kit.file_certificate,
    "accident_followup": kit.file_accident,
    "complaint": kit.file_complaint,
    "question": kit.file_question,
}


@pytest.mark.parametrize("request_type", sorted(FILERS))
async def test_a_teacher_files_each_kind_of_request_and_gets_a_reference_and_a_date(
    world: World, uow, request_type
):
    receipt = await FILERS[request_type](world)
    [request] = kit.requests(uow)
    assert request.request_type == request_type
    assert request.reference in receipt["text"]
    assert kit.due_text(uow, "ar") in receipt["text"]
    assert "تم إرسال طلبكم" in receipt["text"]
    assert "📝 طلب جديد" in world.keyboard(101)  # the main menu is back


@pytest.mark.parametrize("request_type", sorted(FILERS))
async def test_a_french_speaking_teacher_files_in_french(world: World, uow, request_type):
    kit.speak_french(uow, 101)
    receipt = await FILERS[request_type](world)
    [request] = kit.requests(uow)
    assert request.reference in receipt["text"]
    assert kit.due_text(uow, "fr") in receipt["text"]  # «2 décembre 2026»
    assert "Votre demande a été envoyée" in receipt["text"]


async def test_the_details_reach_the_desk_as_typed(world: World, uow):
    await kit.file_leave(world)
    [request] = kit.requests(uow)
    assert request.office_id == "hr-leave"
    assert request.details == {
        "leave_kind": "sick_short",
        "first_day": "2026-11-20",
        "certificate_handed_in_on": "2026-11-21",
    }
    await kit.file_certificate(world)
    assert kit.requests(uow)[-1].details == {
        "certificate": "work_certificate",
        "purpose": "Dossier bancaire",
        "language": "fr",
        "copies": 2,
    }


async def test_the_summary_shows_the_answers_before_sending(world: World, uow):
    m = await kit.start(world, 101, "complaint")
    m = await world.send(101, "تأخر صرف التعويضات")
    m = await world.send(101, "التفاصيل")
    m = await kit.press(world, 101, m, "nw:pick:2:no")
    summary = await kit.press(world, 101, m, "nw:done:3")
    text = summary[-1]["text"]
    assert "تأخر صرف التعويضات" in text and "مكتب" in text
    assert kit.requests(uow) == []  # nothing filed before «Send»


async def test_a_wrong_date_is_explained_and_asked_again(world: World, uow):
    m = await kit.start(world, 101, "leave_followup")
    await kit.press(world, 101, m, "nw:pick:0:maternity")
    again = (await world.send(101, "البارحة"))[-1]
    assert "غير صحيح" in again["text"]
    assert "اليوم الأول" in again["text"]  # the same question again
    future = (await world.send(101, "25/11/2030"))[-1]
    assert "بعيد جدا في المستقبل" in future["text"]
    # A maternity leave may start in a few weeks: accepted.
    nxt = (await world.send(101, "2027-01-10"))[-1]
    assert "nw:skip:2" in World.buttons(nxt).values()


async def test_an_accident_date_in_the_future_is_refused(world: World):
    m = await kit.start(world, 101, "accident_followup")
    await kit.press(world, 101, m, "nw:pick:0:staff")
    await world.send(101, "ثانوية الداخلة")
    again = (await world.send(101, "30/11/2026"))[-1]
    assert "لم يحل بعد" in again["text"]


async def test_copies_are_one_to_five_typed_or_pressed(world: World, uow):
    m = await kit.start(world, 101, "certificate")
    m = await kit.press(world, 101, m, "nw:pick:0:service_record")
    m = await world.send(101, "ملف التقاعد")
    m = await kit.press(world, 101, m, "nw:pick:2:ar")
    refused = (await world.send(101, "9"))[-1]
    assert "من 1 إلى 5" in refused["text"]
    files = await world.send(101, "٣")  # typed in Arabic digits
    receipt = await kit.finish(world, 101, files)
    assert kit.requests(uow)[-1].details["copies"] == 3
    assert kit.requests(uow)[-1].reference in receipt["text"]


async def test_text_where_a_button_is_expected_and_a_file_too_early(world: World):
    m = await world.send(101, "/new")
    hint = (await world.send(101, "شهادة"))[-1]
    assert "الأزرار" in hint["text"]
    await kit.press(world, 101, m, "nw:type:complaint")
    early = (await world.send_photo(101))[-1]
    assert "في النهاية" in early["text"]


async def test_a_file_of_a_refused_kind_is_explained(world: World, uow):
    m = await kit.start(world, 101, "question")
    m = await kit.press(world, 101, m, "nw:svc:hr")
    m = await kit.press(world, 101, m, "nw:off:hr-leave")
    await world.send(101, "سؤال")
    refused = (await world.send_document(101, b"MZ\x90\x00", "setup.exe", "application/x-msdownload"))[-1]
    assert "PDF" in refused["text"]
    ok = (await world.send_document(101, kit.PDF, "certificat.pdf", "application/pdf"))[-1]
    assert "(1)" in ok["text"]
    receipt = await kit.press(world, 101, [ok], "nw:done:1")
    summary = receipt[-1]
    assert "1" in summary["text"]
    await kit.press(world, 101, [summary], "nw:ok")
    [request] = kit.requests(uow)
    from sqlmodel import Session, select

    from models import Attachment

    with Session(uow.engine) as session:
        [attachment] = session.exec(select(Attachment)).all()
    assert attachment.request_id == request.id and attachment.mime_type == "application/pdf"


async def test_cancel_at_a_step_sends_nothing(world: World, uow):
    m = await kit.start(world, 101, "certificate")
    await kit.press(world, 101, m, "nw:pick:0:work_certificate")
    bye = (await world.send(101, "/cancel"))[-1]
    assert "لم يتم إرسال أي شيء" in bye["text"]
    # The next text is a question for the office finder again, not an answer to the draft.
    answer = (await world.send(101, "بغيت شهادة العمل"))[-1]
    assert "مكتب" in answer["text"]
    assert kit.requests(uow) == []


async def test_cancel_on_the_summary_sends_nothing(world: World, uow):
    m = await kit.start(world, 101, "question")
    m = await kit.press(world, 101, m, "nw:off:legal-communication")
    m = await world.send(101, "سؤال")
    summary = await kit.press(world, 101, m, "nw:done:1")
    bye = await kit.press(world, 101, summary, "nw:no")
    assert "لم يتم إرسال أي شيء" in bye[-1]["text"]
    assert kit.requests(uow) == []


async def test_an_office_found_by_the_faq_receives_the_question(world: World, uow):
    answer = (await world.send(101, "بغيت شهادة العمل"))[-1]
    m = await world.press(101, answer, "req:office:hr-admin-status")
    assert "مكتب تدبير الوضعيات الإدارية" in m[0]["text"]
    m = await world.send(101, "هل يمكن إرسال شهادة العمل عبر البريد الإلكتروني؟")
    await kit.finish(world, 101, m)
    [request] = kit.requests(uow)
    assert request.request_type == "question" and request.office_id == "hr-admin-status"


async def test_the_hand_in_kind_is_offered_to_principals_only(world: World):
    teacher = World.buttons((await world.send(101, "/new"))[-1]).values()
    principal = World.buttons((await world.send(201, "/new"))[-1]).values()
    assert "nw:type:document_handin" not in teacher
    assert "nw:type:document_handin" in principal


async def test_someone_not_registered_is_asked_to_register(world: World):
    reply = (await world.send(999, "/new"))[-1]
    assert "/start" in reply["text"]


async def test_an_old_button_of_an_earlier_question_is_refused(world: World, uow):
    m = await kit.start(world, 101, "certificate")
    first = kit.with_buttons(m)
    await kit.press(world, 101, m, "nw:pick:0:work_certificate")
    await world.press(101, first, "nw:pick:0:service_record", check=False)
    assert "لم يعد" in (world.press_answer() or {}).get("text", "")


async def test_the_menu_button_starts_a_new_request_in_either_language(world: World, uow):
    from bot.i18n import Translator
    from handlers.common import MENU_NEW

    kit.speak_french(uow, 101)
    kinds = (await world.send(101, Translator("fr")(MENU_NEW)))[-1]
    assert "Quel est l'objet de votre demande" in kinds["text"]
    assert "Suivi d'un congé" in world.buttons(kinds)
    # The Arabic label still works after switching language (the keyboard may be an old one).
    again = (await world.send(101, Translator("ar")(MENU_NEW)))[-1]
    assert "nw:type:certificate" in world.buttons(again).values()


async def test_a_menu_button_in_the_middle_of_a_draft_is_not_taken_as_an_answer(world: World, uow):
    from bot.i18n import Translator
    from handlers.common import MENU_MINE

    m = await kit.start(world, 101, "complaint")
    listing = (await world.send(101, Translator("ar")(MENU_MINE)))[-1]
    assert "/new" in listing["text"]  # «my requests» answered (none yet)
    nxt = (await world.send(101, "موضوع الشكاية"))[-1]  # and the draft still waits for its subject
    assert "صفوا الوقائع" in nxt["text"]
    assert m

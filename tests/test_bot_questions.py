"""A teacher asks which office handles a matter, in Arabic or French, and registers; all through the real bot."""

from __future__ import annotations

import pytest

from tests.botkit import World, start_world, stop_world
from tests.conftest import ADMIN_ID


@pytest.fixture
def bot_settings(settings):
    return settings.model_copy(update={"telegram_bot_token": None})


@pytest.fixture
async def world(uow, settings, cast):
    w = await start_world(uow, settings)
    yield w
    await stop_world(w)


async def test_a_teacher_asks_in_darija_and_gets_the_office_with_its_tasks(world: World):
    replies = await world.send(101, "بغيت شهادة العمل")
    assert len(replies) == 1
    text = replies[0]["text"]
    assert "مكتب تدبير الوضعيات الإدارية والمسار المهني للموظفين" in text
    assert "مصلحة تدبير الموارد البشرية" in text
    assert "شواهد العمل" in text  # the task line that justifies the answer
    buttons = world.buttons(replies[0])
    assert "📨 إرسال طلب إلى هذا المكتب" in buttons


async def test_a_french_speaker_gets_the_answer_in_french(world: World):
    replies = await world.send(777, "Congé de maternité : à qui envoyer le certificat ?", language="fr")
    text = replies[-1]["text"]
    assert "Bureau" in text and "congé" in text.lower()
    assert "مكتب" not in text


async def test_other_offices_are_one_press_away(world: World):
    answer = (await world.send(101, "تجهيز المؤسسة بالحواسيب"))[-1]
    more = await world.press(101, answer, text="🔀 ليس هذا: مكاتب أخرى")
    assert more and len(world.buttons(more[-1])) >= 2


async def test_an_out_of_scope_question_points_to_the_reception_office(world: World):
    replies = await world.send(101, "شنو الجو غدا فالداخلة؟")
    text = replies[-1]["text"]
    assert "مكتب التواصل والاستقبال" in text
    assert "لم أتمكن" in text


async def test_a_forged_button_gets_a_clear_refusal(world: World):
    answer = (await world.send(101, "حادثة مدرسية"))[-1]
    await world.press(101, answer, "faq:show:no-such-office", check=False)
    assert "لم يعد" in (world.press_answer() or {}).get("text", "")


async def test_registration_links_the_account_when_ppr_and_cin_match(world: World, uow):
    from sqlmodel import Session

    from models import StaffMember

    with Session(uow.engine) as session:
        session.add(StaffMember(ppr="1234567", cin="JH98765", full_name_ar="سعاد العلوي", full_name_fr="Souad Alaoui",
                                role="teacher", school_code="07001X", school_name="Ecole Al Amal"))
        session.commit()
    assert "رقم التأجير" in (await world.send(555, "/start"))[-1]["text"]
    assert "البطاقة الوطنية" in (await world.send(555, "1234567"))[-1]["text"]
    done = (await world.send(555, "jh98765"))[-1]
    assert "تم تسجيلكم" in done["text"]
    assert "📝 طلب جديد" in world.keyboard(555)


async def test_an_unknown_person_waits_for_approval_and_admins_hear_of_it(world: World):
    for approver in (ADMIN_ID, 401):  # the admin and the admin-status agent have talked to the bot before
        world.api.add_chat(world.user(approver))
    await world.send(556, "/start")
    await world.send(556, "7654321")
    pending = (await world.send(556, "AB12345"))[-1]
    assert "للمصادقة" in pending["text"]
    await world.deliver()
    assert any("7654321" in m["text"] for m in world.inbox(ADMIN_ID))


async def test_a_bad_ppr_is_explained_and_asked_again(world: World):
    await world.send(557, "/start")
    reply = (await world.send(557, "12ab"))[-1]
    assert "رقم التأجير" in reply["text"]


async def test_the_language_can_be_switched_to_french(world: World):
    choice = (await world.send(101, "/language"))[-1]
    await world.press(101, choice, "lang:fr")
    assert "Bureau" in (await world.send(101, "attestation de travail"))[-1]["text"]


async def test_command_menus_exist_in_arabic_and_french(world: World):
    calls = world.api.calls_to("setMyCommands")
    assert {c.params.get("language_code") for c in calls} == {None, "fr"}

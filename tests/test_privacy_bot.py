"""Personal data through the real bot: `/mydata` (a message, or a JSON file when long), an admin's `/erase`
with its confirmation, and the error log of a failing update carrying nothing personal."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from sqlmodel import select

from bot.logging_filters import RedactingFilter
from desk.filing import file_request
from models import BotState, Request
from tests.botkit import World
from tests.conftest import ADMIN_ID, LEAVE, Cast
from tests.office_kit import office_world


@pytest.fixture
async def world(uow, settings, cast):
    async for w in office_world(uow, settings, people=(101, 102, 103, 201, 301, 501, ADMIN_ID, 999)):
        yield w


@pytest.fixture
def leave_request(cast: Cast) -> Request:
    return file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text", "") or m.get("caption", "") for m in messages)


async def test_a_teacher_sees_what_the_bot_holds_about_them(world: World, leave_request: Request):
    answer = texts(await world.send(101, "/mydata"))
    for expected in (
        "المعطيات التي يحتفظ بها البوت عنكم",
        "1000001",
        "VB100001",
        "اسم teacher",
        "NOM teacher",
        leave_request.reference,
        "جديد",
        "07123A",
    ):
        assert expected in answer, expected


async def test_what_the_bot_holds_in_french(world: World, leave_request: Request, cast: Cast):
    from desk.people import set_language

    set_language(cast.uow, cast.teacher, "fr")
    answer = texts(await world.send(101, "/mydata", language="fr"))
    assert "Ce que le bot détient à votre sujet" in answer and leave_request.reference in answer
    assert "Vos demandes" in answer


async def test_a_stranger_is_told_the_bot_holds_nothing_about_them(world: World):
    assert "لا يحتفظ البوت بأي معطيات شخصية" in texts(await world.send(999, "/mydata"))


async def test_a_long_answer_comes_as_a_json_file(
    world: World, leave_request: Request, monkeypatch: pytest.MonkeyPatch
):
    import handlers.privacy

    monkeypatch.setattr(handlers.privacy, "TEXT_LIMIT", 200)
    sent = await world.send(101, "/mydata")
    document = sent[-1]["document"]
    assert document["file_name"] == "my-data.json"
    data = json.loads(world.api.files[document["file_id"]].content)
    assert data["staff"]["ppr"] == "1000001"
    assert [r["reference"] for r in data["requests"]] == [leave_request.reference]


async def test_an_admin_erases_a_teacher_after_confirming(world: World, leave_request: Request, cast: Cast):
    await world.send(101, "أطلب تسريع ملفي", reply_to=None)
    card = (await world.send(ADMIN_ID, "/erase 101"))[-1]
    assert "اسم teacher" in card["text"] and "1000001" in card["text"]
    await world.press(ADMIN_ID, card, "pv:er:t:101")
    assert "✅" in world.last(ADMIN_ID)["text"]
    # the teacher is a stranger now: no requests, no data
    assert "ليست لديكم أي طلبات بعد" in texts(await world.send(101, "/mine"))
    assert "لا يحتفظ البوت بأي معطيات شخصية" in texts(await world.send(101, "/mydata"))
    # the office still has the request, without the person
    opened = texts(await world.send(301, f"/r {leave_request.reference}"))
    assert leave_request.reference in opened and "اسم teacher" not in opened and "1000001" not in opened
    # pressing the old confirmation again finds nobody
    await world.press(ADMIN_ID, card, "pv:er:t:101", check=False)
    assert "لا يوجد لدى البوت أي شخص" in (world.press_answer() or {}).get("text", "")


async def test_an_erased_message_reads_as_erased_in_the_history(
    world: World, leave_request: Request, cast: Cast
):
    from desk.privacy import erase_person
    from desk.thread import add_information

    add_information(cast.uow, cast.teacher, leave_request.id, "رقم هاتفي 0612345678")
    erase_person(cast.uow, cast.actor(ADMIN_ID), telegram_id=101)
    opened = texts(await world.send(301, f"/r {leave_request.reference}"))
    assert "(حُذف بطلب من المعني بالأمر)" in opened and "0612345678" not in opened


async def test_keeping_the_data_erases_nothing(world: World, leave_request: Request):
    card = (await world.send(ADMIN_ID, "/erase 1000001"))[-1]
    await world.press(ADMIN_ID, card, "pv:keep")
    assert "لم يُحذف أي شيء" in (world.press_answer() or {}).get("text", "")
    assert "1000001" in texts(await world.send(101, "/mydata"))


async def test_only_admins_may_erase(world: World, leave_request: Request):
    for telegram_id in (101, 301, 201):
        assert "هذا الأمر خاص بمسؤولي المديرية" in texts(await world.send(telegram_id, "/erase 101"))
    assert "/erase" in texts(await world.send(ADMIN_ID, "/erase"))
    assert "لا يوجد لدى البوت أي شخص" in texts(await world.send(ADMIN_ID, "/erase 77777"))
    assert "لا يوجد لدى البوت أي شخص" in texts(await world.send(ADMIN_ID, "/erase abc"))
    assert "1000001" in texts(await world.send(101, "/mydata"))


async def test_a_number_that_is_both_a_telegram_id_and_a_ppr_shows_both_people(world: World, cast: Cast):
    from desk.people import register
    from tests.conftest import add_staff

    with cast.uow.transaction() as session:
        add_staff(session, "101", "VB555555", "teacher", "07123A", "namesake")
    register(cast.uow, 104, "101", "VB555555")
    cards = await world.send(ADMIN_ID, "/erase 101")
    assert len(cards) == 2
    assert {next(iter(world.buttons(c).values())) for c in cards} == {"pv:er:t:101", "pv:er:p:101"}


async def test_a_draft_in_progress_is_forgotten_on_erasure(world: World, cast: Cast):
    from telegram.ext import ConversationHandler

    await world.send(101, "/new")
    await world.press(101, world.last(101), text="تتبع رخصة")
    await world.app.update_persistence()
    assert world.app.user_data.get(101)

    def states_of_101() -> list[Any]:
        return [
            key
            for group in world.app.handlers.values()
            for h in group
            if isinstance(h, ConversationHandler)
            for key in h._conversations
            if 101 in key
        ]

    assert states_of_101()
    card = (await world.send(ADMIN_ID, "/erase 101"))[-1]
    await world.press(ADMIN_ID, card, "pv:er:t:101")
    await world.app.update_persistence()
    assert not world.app.user_data.get(101) and not states_of_101()
    with cast.uow.reading() as session:
        assert not session.exec(select(BotState).where(BotState.key.contains("101"))).all()  # type: ignore[union-attr]


async def test_a_failing_update_is_logged_without_what_the_person_wrote(
    world: World, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
):
    from handlers import faq

    async def broken(update: Any, context: Any, question: str) -> None:
        raise ValueError(f"could not read {question!r} from PPR 1000001 (CIN VB100001)")

    monkeypatch.setattr(faq, "answer_question", broken)
    caplog.handler.addFilter(RedactingFilter("7000000001:standin"))
    with caplog.at_level(logging.INFO):
        answer = texts(await world.send(101, "شهادة العمل من فضلكم"))
    assert "عذرا، حدث خلل من جهتنا" in answer
    assert "ValueError" in caplog.text
    for secret in ("شهادة", "1000001", "VB100001"):
        assert secret not in caplog.text

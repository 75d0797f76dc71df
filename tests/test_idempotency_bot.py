"""An update processed twice creates nothing twice: the same message, button press, document or reply to a
notice, fed again through the real bot — in the same process (Telegram sends it again) or after a crash that
lost the conversation state saved since (the update was handled but never confirmed)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from desk.filing import file_request
from desk.thread import reply
from models import Request
from standin.transport import feed
from tests import requester_kit as kit
from tests.botkit import World, restart_on, stop_world
from tests.conftest import ADMIN_ID, LEAVE, Cast, table_counts
from tests.office_kit import notice, office_world

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
async def world(uow, settings, cast):
    async for w in office_world(uow, settings, people=(101, 301, 302, 303, 401, ADMIN_ID, 999)):
        yield w


@pytest.fixture
def leave_request(cast: Cast) -> Request:
    return file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)


def rows(engine: Engine) -> dict[str, int]:
    """Rows per table, the bot's saved conversations aside."""
    return {name: n for name, n in table_counts(engine).items() if name != "bot_state"}


async def say(
    world: World, telegram_id: int, text: str, reply_to: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The person sends a text; returns the update, to be fed again."""
    update = world.api.user_sends_text(world.user(telegram_id), text, reply_to=reply_to)
    await feed(world.app, update)
    return update


def forgive_replays(world: World) -> None:
    """A replayed press is answered (or its buttons taken off) a second time; Telegram refuses: expected."""
    for call in world.api.calls:
        if call.status == 400 and (
            "query is too old" in (call.error or "") or "not modified" in (call.error or "")
        ):
            call.fault = "replay of an update already handled"


async def replay_after_crash(world: World, update: dict[str, Any]) -> World:
    """The bot dies after handling ``update`` but before confirming it; the new process receives it again."""
    revived = await restart_on(world)
    await feed(revived.app, update)
    return revived


# --------------------------------------------------------------------------------- the same button press


async def test_the_same_claim_pressed_twice_claims_once_and_tells_the_teacher_once(
    world: World, leave_request
):
    await world.deliver()
    await world.press(301, notice(world, 301, leave_request.reference), f"ag:claim:{leave_request.id}")
    before = rows(world.uow.engine)
    await feed(world.app, world.last_press)  # Telegram sends the same press again
    assert rows(world.uow.engine) == before
    forgive_replays(world)


async def test_the_same_withdrawal_pressed_twice_withdraws_once(world: World, leave_request):
    await world.press(101, (await world.send(101, "/mine"))[-1], f"rq:open:{leave_request.id}")
    await world.press(101, world.last(101), f"rq:wd:{leave_request.id}")
    await world.press(101, world.last(101), f"rq:wdyes:{leave_request.id}")
    before = rows(world.uow.engine)
    await feed(world.app, world.last_press)
    assert rows(world.uow.engine) == before
    forgive_replays(world)


async def test_a_receipt_lost_on_the_way_is_had_by_pressing_send_again_and_files_one_request(world: World):
    m = await kit.start(world, 101, "question")
    m = await kit.press(world, 101, m, "nw:svc:hr")
    m = await kit.press(world, 101, m, "nw:off:hr-leave")
    m = await world.send(101, "سؤال عن الترقية")
    summary = await kit.press(world, 101, m, "nw:done:1")
    world.api.fail_with_5xx("sendMessage", count=2)  # the receipt, and the "sorry" after it, are lost
    await kit.press(world, 101, summary, "nw:ok")
    [request] = kit.requests(world.uow)
    assert not any(request.reference in m.get("text", "") for m in world.inbox(101))
    receipt = (await kit.press(world, 101, summary, "nw:ok"))[-1]  # «Send» is still there: pressed again
    assert request.reference in receipt["text"]
    assert len(kit.requests(world.uow)) == 1
    forgive_replays(world)  # the error handler answers the failed press a second time


# --------------------------------------------------------------------------------- messages and documents


async def test_a_document_sent_twice_while_drafting_is_attached_once(world: World):
    m = await kit.start(world, 101, "question")
    m = await kit.press(world, 101, m, "nw:svc:hr")
    m = await kit.press(world, 101, m, "nw:off:hr-leave")
    m = await world.send(101, "هل يكفي هذا الإشهاد؟")
    update = world.api.user_sends_document(world.user(101), PDF, "attestation.pdf", "application/pdf")
    await feed(world.app, update)
    await feed(world.app, update)  # the same document again
    summary = await kit.press(world, 101, world.inbox(101), "nw:done:1")
    await kit.press(world, 101, summary, "nw:ok")
    assert rows(world.uow.engine)["attachments"] == 1


async def test_a_reply_to_a_notice_seen_twice_adds_one_message_and_one_notice(
    world: World, cast, leave_request
):
    reply(cast.uow, cast.leave_agent, leave_request.id, "Quel est votre numéro de dossier ?")
    await world.deliver()
    office_reply = notice(world, 101, leave_request.reference)
    update = await say(world, 101, "رقم الملف 4521", reply_to=office_reply)
    before = rows(world.uow.engine)
    assert before["request_messages"] == 2
    await feed(world.app, update)  # the same message again
    assert rows(world.uow.engine) == before
    revived = await replay_after_crash(world, update)  # and once more, by a new process
    assert rows(world.uow.engine) == before
    await stop_world(revived)


async def test_an_agent_reply_replayed_after_a_crash_is_relayed_once(world: World, leave_request):
    await world.deliver()
    await world.press(301, notice(world, 301, leave_request.reference), f"ag:reply:{leave_request.id}")
    await world.app.update_persistence()  # saved while the bot waits for the text
    update = await say(world, 301, "توصلنا بملفكم.")
    before = rows(world.uow.engine)
    revived = await replay_after_crash(world, update)
    assert rows(world.uow.engine) == before
    assert "✅" in revived.last(301)["text"]  # told it went, not that something failed
    await stop_world(revived)


async def test_an_agent_answer_by_replying_to_a_notice_seen_twice_is_relayed_once(
    world: World, cast, leave_request
):
    reply(cast.uow, cast.leave_agent, leave_request.id, "Envoyez le certificat.")
    await world.deliver()
    await say(world, 101, "أرسلته أمس", reply_to=notice(world, 101, leave_request.reference))
    await world.deliver()
    answered = [m for m in world.inbox(301) if "أرسلته أمس" in m.get("text", "")][-1]
    update = await say(world, 301, "Bien reçu, merci.", reply_to=answered)
    before = rows(world.uow.engine)
    await feed(world.app, update)
    assert rows(world.uow.engine) == before


async def test_a_document_added_to_a_request_replayed_after_a_crash_is_attached_once(
    world: World, leave_request
):
    await world.press(101, (await world.send(101, "/mine"))[-1], f"rq:open:{leave_request.id}")
    await world.press(101, world.last(101), f"rq:add:{leave_request.id}")
    await world.app.update_persistence()  # saved while the bot waits for the document
    update = world.api.user_sends_document(world.user(101), PDF, "certificat.pdf", "application/pdf")
    await feed(world.app, update)
    before = rows(world.uow.engine)
    assert before["attachments"] == 1
    revived = await replay_after_crash(world, update)
    assert rows(world.uow.engine) == before
    await stop_world(revived)


async def test_a_resolution_note_replayed_after_a_crash_resolves_once(world: World, leave_request):
    await world.deliver()
    await world.press(301, notice(world, 301, leave_request.reference), f"ag:done:{leave_request.id}")
    await world.app.update_persistence()
    update = await say(world, 301, "تمت معالجة ملفكم.")
    before = rows(world.uow.engine)
    revived = await replay_after_crash(world, update)
    assert rows(world.uow.engine) == before
    assert "حدث خطأ" not in revived.last(301)["text"]
    await stop_world(revived)


async def test_a_registration_replayed_after_a_crash_asks_the_approvers_once(world: World, clock):
    await world.send(999, "/start")
    await world.send(999, "7777777")  # a PPR the roster does not know: the registration waits for approval
    await world.app.update_persistence()
    update = await say(world, 999, "ZT123456")
    before = rows(world.uow.engine)
    assert before["notifications"] == 2  # the admin and the admin-status agent
    clock.advance(minutes=1)  # Telegram sends it again a little later
    revived = await replay_after_crash(world, update)
    assert rows(world.uow.engine) == before
    await stop_world(revived)

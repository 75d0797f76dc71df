"""Bad input and abuse, through the real bot: the flood limit, over-long text, oversized files, and buttons
that are forged or stale (each refused clearly, nothing changed, nobody else's data shown)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from desk.filing import file_request
from desk.lifecycle import transfer
from models import Request
from tests.botkit import World
from tests.conftest import ADMIN_ID, LEAVE, Cast, Clock, snapshot
from tests.office_kit import notice, office_world

WAIT_AR = "ترسلون الرسائل بسرعة كبيرة"
WAIT_FR = "Vous envoyez des messages très rapidement"
NOT_FOUND_AR = "تعذر العثور على هذا الطلب"


@pytest.fixture
async def world(uow, settings, cast):
    errors: list[BaseException | None] = []

    async def record(update: object, context: Any) -> None:
        errors.append(context.error)

    async for w in office_world(uow, settings):
        w.app.add_error_handler(record)
        yield w
        assert not errors, errors  # no exception reached the error handler


@pytest.fixture
def leave_request(cast: Cast) -> Request:
    return file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text", "") or m.get("caption", "") for m in messages)


# --- flood --------------------------------------------------------------------------------------------------


async def test_a_teacher_sending_too_fast_is_asked_once_to_wait_then_ignored_until_the_minute_passes(
    world: World, clock: Clock
):
    for n in range(20):
        assert await world.send(101, f"سؤال رقم {n}"), f"message {n} got no answer"
        clock.advance(seconds=1)
    warned = await world.send(101, "سؤال آخر")
    assert len(warned) == 1 and WAIT_AR in warned[0]["text"]
    for _ in range(5):
        assert await world.send(101, "سؤال آخر") == []  # dropped without a word
    clock.advance(seconds=45)  # the first message of the burst is now a minute old
    again = await world.send(101, "ما هي الوثائق المطلوبة لرخصة مرضية؟")
    assert again and WAIT_AR not in texts(again)


async def test_the_wait_message_speaks_the_person_language(world: World, cast: Cast):
    from desk.people import set_language

    set_language(cast.uow, cast.teacher, "fr")
    for n in range(20):
        await world.send(101, f"question {n}", language="fr")
    warned = await world.send(101, "encore", language="fr")
    assert WAIT_FR in texts(warned)


async def test_agents_and_admins_get_a_higher_limit(world: World):
    for telegram_id in (301, ADMIN_ID):
        for n in range(40):
            answer = await world.send(telegram_id, f"/queue {n}" if n % 2 else "/help")
            assert answer and WAIT_AR not in texts(answer), (telegram_id, n)


async def test_an_agent_is_limited_too_beyond_five_times_the_limit(world: World, settings):
    settings.flood_messages_per_minute = 3
    for _ in range(15):
        assert await world.send(301, "/help")
    assert WAIT_AR in texts(await world.send(301, "/help"))


async def test_presses_count_and_the_first_press_over_the_limit_gets_a_wait_popup(world: World):
    menu = (await world.send(101, "/language"))[-1]
    for _ in range(19):
        await world.press(101, menu, "lang:ar")
    await world.press(101, menu, "lang:ar")
    assert WAIT_AR in (world.press_answer() or {}).get("text", "")
    await world.press(101, menu, "lang:ar")
    assert world.press_answer() is None  # dropped silently


async def test_one_person_flooding_does_not_slow_down_another(world: World):
    for n in range(25):
        await world.send(101, f"سؤال {n}")
    assert await world.send(103, "ما هي الوثائق المطلوبة لرخصة مرضية؟")


# --- over-long text, oversized files ------------------------------------------------------------------------


async def test_an_over_long_question_is_refused_with_the_limit(world: World):
    answer = await world.send(101, "ا" * 4001)
    assert len(answer) == 1 and "4000" in answer[0]["text"] and "4001" in answer[0]["text"]


async def test_an_over_long_agent_reply_is_refused_and_the_reply_still_awaits_a_shorter_one(
    world: World, leave_request: Request
):
    await world.deliver()
    await world.press(301, notice(world, 301, leave_request.reference), f"ag:reply:{leave_request.id}")
    refused = await world.send(301, "x" * 4050)
    assert "4000" in texts(refused)
    done = await world.send(301, "توصلنا بملفكم.")
    assert "باسم المكتب" in texts(done)
    await world.deliver()
    assert "توصلنا بملفكم." in world.last(101)["text"]


async def test_a_file_over_the_configured_size_is_refused_wherever_it_is_sent(
    world: World, settings, leave_request: Request
):
    settings.max_attachment_mb = 5
    big = 6 * 1024 * 1024

    async def send_big(telegram_id: int, **kwargs: Any) -> list[dict[str, Any]]:
        update = world.api.user_sends_document(
            world.user(telegram_id), b"%PDF-1.4 x", "big.pdf", "application/pdf", **kwargs
        )
        update["message"]["document"]["file_size"] = big
        before = world._last_id(telegram_id)
        from standin.transport import feed

        await feed(world.app, update)
        return world._new_since(telegram_id, before)

    # a requester adding a file to their request, an agent replying with one, the admin's roster file
    await world.deliver()
    await world.press(301, notice(world, 301, leave_request.reference), f"ag:reply:{leave_request.id}")
    for telegram_id in (101, 301):
        refused = await send_big(telegram_id)
        assert "5 ميغابايت" in texts(refused), telegram_id
    admin_menu = (await world.send(ADMIN_ID, "/admin"))[-1]
    await world.press(ADMIN_ID, admin_menu, "ad:imp")
    assert "5 ميغابايت" in texts(await send_big(ADMIN_ID))
    # a file under the limit still goes through
    ok = await world.send_document(301, b"%PDF-1.4 small", "small.pdf", "application/pdf")
    assert "باسم المكتب" in texts(ok)


async def test_an_executable_is_refused_when_a_requester_adds_information(
    world: World, leave_request: Request
):
    mine = (await world.send(101, "/mine"))[-1]
    await world.press(101, mine, f"rq:open:{leave_request.id}")
    card = world.last(101)
    await world.press(101, card, f"rq:add:{leave_request.id}")
    refused = await world.send_document(101, b"MZ\x90\x00", "tool.exe", "application/x-msdownload")
    assert "PDF" in texts(refused)


# --- buttons: forged, stale, someone else's -----------------------------------------------------------------


async def _press_forged(world: World, telegram_id: int, data: str) -> dict[str, Any]:
    """Press `data` on the person's last message from the bot, as a modified client could (at a calm pace: the
    flood limit is not what these tests are about)."""
    world.uow.clock.advance(seconds=5)  # type: ignore[attr-defined]
    message = (
        world.inbox(telegram_id)[-1]
        if world.inbox(telegram_id)
        else (await world.send(telegram_id, "/help"))[-1]
    )
    await world.press(telegram_id, message, data, check=False)
    answer = world.press_answer()
    assert answer is not None, f"{data!r} pressed by {telegram_id} got no answer"
    return answer


AGENT_VERBS = ["claim", "open", "files", "reply", "docs", "done", "rej", "xfer", "svcs", "who", "done0"]


async def test_another_office_agent_gets_nothing_from_any_button_of_a_request(
    world: World, leave_request: Request, cast: Cast
):
    await world.deliver()
    before = snapshot(cast.uow.engine)
    rid = leave_request.id
    seen = len(world.inbox(501))
    forged = [f"ag:{verb}:{rid}" for verb in AGENT_VERBS]
    forged += [
        f"ag:svc:{rid}:hr",
        f"ag:to:{rid}:legal-accidents",
        f"ag:assign:{rid}:501",
        f"rq:open:{rid}",
        f"rq:wd:{rid}",
        f"rq:wdyes:{rid}",
        f"rq:add:{rid}",
        f"rq:reopen:{rid}",
    ]
    for data in forged:
        answer = await _press_forged(world, 501, data)
        assert answer.get("show_alert") and answer.get("text"), data
    new = world.inbox(501)[seen:]
    assert all(leave_request.reference not in m.get("text", "") for m in new)
    assert not [m for m in new if m.get("document") or m.get("photo")]
    assert snapshot(cast.uow.engine) == before


async def test_a_teacher_cannot_act_on_or_open_another_teacher_request(
    world: World, leave_request: Request, cast: Cast
):
    before = snapshot(cast.uow.engine)
    for data in [
        f"rq:open:{leave_request.id}",
        f"rq:wdyes:{leave_request.id}",
        f"rq:add:{leave_request.id}",
        f"ag:claim:{leave_request.id}",
        f"ag:open:{leave_request.id}",
        f"ag:files:{leave_request.id}",
    ]:
        answer = await _press_forged(world, 102, data)
        assert answer.get("show_alert"), data
    assert all(leave_request.reference not in m.get("text", "") for m in world.inbox(102))
    assert snapshot(cast.uow.engine) == before


async def test_admin_buttons_pressed_by_a_teacher_are_refused(world: World, cast: Cast):
    before = snapshot(cast.uow.engine)
    for data in [
        "ad:reg",
        "ad:agents",
        "ad:counts",
        "ad:ok:1",
        "ad:rm:301:hr-leave",
        "ad:add",
        "ad:imp",
        "ad:no:1",
        "pv:er:t:102",
        "pv:er:p:1000002",
    ]:
        answer = await _press_forged(world, 101, data)
        assert answer.get("text"), data
    assert snapshot(cast.uow.engine) == before


JUNK = [
    "ad:ok:²",
    "ag:claim:²",
    "ag:assign:1:²",
    "rq:open:٣",
    "rq:page:99999999999999",
    "q:o:-:99999",
    "q:z:-:0",
    "nw:ok",
    "nw:pick:0:x",
    "lang:xx",
    "faq:show:nowhere",
    "faq",
    "req:office:nowhere",
    "pv:er:t:",
    "pv:er:x:1",
    "pv:keep",
    "ag",
    "ag:",
    "ag:claim",
    "ag:claim:1:2",
    ":::",
    "x" * 64,
    "ag:to:1:",
    "ad:rm:x:y",
    "q:o:hr-leave:0",
    "ag:claim:999999",
    "rq:open:999999",
    "ag:assign:999999:301",
]


async def test_forged_or_stale_buttons_get_a_clear_refusal(world: World, cast: Cast):
    before = snapshot(cast.uow.engine)
    for data in JUNK:
        answer = await _press_forged(world, 101, data)
        assert answer.get("text"), data
    assert snapshot(cast.uow.engine) == before


def stored_file(world: World, name: str) -> Any:
    """A file the stand-in knows (as if a person had sent it), as the desk's FileRef."""
    from desk.records import FileRef
    from standin.spec import UploadedFile

    stored = world.api.store_file(
        UploadedFile(b"%PDF-1.4 " + name.encode(), name, "application/pdf"), "document"
    )
    return FileRef(stored.file_id, stored.file_unique_id, name, "application/pdf", len(stored.content))


async def test_after_a_transfer_the_old_office_gets_no_files(world: World, cast: Cast):
    request = file_request(
        cast.uow, cast.teacher, "leave_followup", LEAVE, files=[stored_file(world, "certificat.pdf")]
    )
    transfer(cast.uow, cast.leave_head, request.id, "legal-accidents", "ليس من اختصاصنا")
    await world.deliver()  # the new-request notice to hr-leave is delivered after the transfer
    for agent in (301, 302, 303):
        assert not [m for m in world.inbox(agent) if m.get("document")]
    assert [m for m in world.inbox(501) if m.get("document")]  # the office now handling it gets the file
    # the old office hears the request has moved on: no card, no buttons to act on it
    old = [m for m in world.inbox(301) if request.reference in m.get("text", "")][-1]
    assert "تمت إحالة الطلب" in old["text"] and "مكتب الحوادث المدرسية والتأمين المدرسي" in old["text"]
    assert not world.buttons(old)
    assert world.buttons(notice(world, 501, request.reference))  # the office handling it gets the card
    await world.press(301, old, f"ag:files:{request.id}", check=False)  # a forged press is still refused
    assert NOT_FOUND_AR in (world.press_answer() or {}).get("text", "")
    assert not [m for m in world.inbox(301) if m.get("document")]


async def test_a_principal_of_the_school_cannot_fetch_files_of_a_request_filed_by_another_principal(
    world: World, cast: Cast
):
    from tests.conftest import add_staff

    with cast.uow.transaction() as session:
        deputy = add_staff(session, "2000009", "VA200009", "principal", "07123A", "deputy")
    from desk.people import register

    register(cast.uow, 209, deputy.ppr, deputy.cin)
    world.api.add_chat(world.user(209))
    request = file_request(
        cast.uow,
        cast.principal,
        "document_handin",
        {"document": "medical_certificate", "staff_member_id": cast.staff["teacher"].id},
        files=[stored_file(world, "medical.pdf")],
    )
    answer = await _press_forged(world, 209, f"ag:files:{request.id}")
    assert NOT_FOUND_AR in answer.get("text", "")
    assert not [m for m in world.inbox(209) if m.get("document")]


def test_the_flood_gate_forgets_idle_people():
    from handlers.guards import FloodGate, Verdict

    gate = FloodGate()
    now = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
    assert gate.check(1, now, 1) is Verdict.PASS
    assert gate.check(1, now, 1) is Verdict.WARN
    assert gate.check(1, now, 1) is Verdict.DROP
    later = now + dt.timedelta(minutes=1)
    gate.sweep(later)
    assert gate.count(1, later) == 0 and not gate._people
    assert gate.check(1, later, 1) is Verdict.PASS


async def test_a_superscript_number_of_copies_is_refused_not_a_crash(world: World):
    from tests import requester_kit as kit

    m = await kit.start(world, 101, "certificate")
    m = await kit.press(world, 101, m, "nw:pick:0:service_record")
    m = await world.send(101, "ملف التقاعد")
    m = await kit.press(world, 101, m, "nw:pick:2:ar")
    for typed in ("²", "³", "①"):  # digits to Unicode, not numbers to int()
        refused = texts(await world.send(101, typed))
        assert "⚠️" in refused, typed
    assert await world.send(101, "٣")  # Arabic-Indic digits are numbers, and still taken


async def test_a_png_sent_as_a_document_reaches_the_office_as_a_document(world: World, leave_request: Request):
    from standin.users import make_png

    mine = (await world.send(101, "/mine"))[-1]
    await world.press(101, mine, f"rq:open:{leave_request.id}")
    await world.press(101, world.last(101), f"rq:add:{leave_request.id}")
    await world.send_document(101, make_png(40, 30), "scan.png", "image/png")
    await world.deliver()
    forwarded = [m for m in world.inbox(301) if m.get("document") or m.get("photo")]
    assert forwarded and forwarded[-1].get("document", {}).get("file_name") == "scan.png"
    await world.press(301, world.last(301), f"ag:files:{leave_request.id}", check=False)
    assert world.last(301).get("document", {}).get("file_name") == "scan.png"

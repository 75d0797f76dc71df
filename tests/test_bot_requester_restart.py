"""A request drafted halfway survives a restart of the bot; an update processed twice files one request."""

from __future__ import annotations

from bot.app import build_application
from standin.transport import StandinRequest, feed
from tests import requester_kit as kit
from tests.botkit import World, start_world, stop_world


async def restart_on(world: World) -> World:
    """A second bot process on the same database and the same Telegram: a crash, then a restart."""
    uow = world.uow
    app = build_application(
        uow.settings,
        request=StandinRequest(world.api),
        get_updates_request=StandinRequest(world.api),
        engine=uow.engine,
        directory=uow.directory,
        clock=uow.clock,
    )
    await app.initialize()
    return World(app=app, api=world.api, uow=uow, users=world.users)


async def test_a_draft_halfway_through_survives_a_restart(uow, settings, cast):
    first = await start_world(uow, settings)
    m = await kit.start(first, 101, "leave_followup")
    await kit.press(first, 101, m, "nw:pick:0:paternity")
    await first.app.update_persistence()
    await stop_world(first)

    second = await start_world(uow, settings)
    try:
        m = await second.send(101, "23/11/2026")  # the answer to the question asked before the restart
        assert "nw:skip:2" in World.buttons(m[-1]).values()
        m = await kit.press(second, 101, m, "nw:skip:2")
        receipt = await kit.finish(second, 101, m)
        [request] = kit.requests(uow)
        assert request.details["leave_kind"] == "paternity" and request.details["first_day"] == "2026-11-23"
        assert request.details.get("certificate_handed_in_on") is None  # skipped
        assert request.reference in receipt["text"]
    finally:
        await stop_world(second)


async def test_cancel_after_a_restart_still_cancels(uow, settings, cast):
    first = await start_world(uow, settings)
    await kit.start(first, 101, "complaint")
    await stop_world(first)  # shutting down saves the conversation too
    second = await start_world(uow, settings)
    try:
        bye = (await second.send(101, "/cancel"))[-1]
        assert "لم يتم إرسال أي شيء" in bye["text"]
        answer = (await second.send(101, "بغيت شهادة العمل"))[-1]
        assert "مكتب" in answer["text"]
    finally:
        await stop_world(second)


async def test_the_same_confirmation_delivered_twice_files_one_request(uow, settings, cast):
    world = await start_world(uow, settings)
    try:
        m = await kit.start(world, 101, "question")
        m = await kit.press(world, 101, m, "nw:svc:hr")
        m = await kit.press(world, 101, m, "nw:off:hr-leave")
        m = await world.send(101, "سؤال")
        summary = await kit.press(world, 101, m, "nw:done:1")
        await kit.press(world, 101, summary, "nw:ok")
        replay = world.last_press
        world.api.callback_answers.pop(replay["callback_query"]["id"], None)  # as if never answered
        await feed(world.app, replay)  # Telegram delivers the same update again
        await world.press(101, summary[-1], "nw:ok", check=False)  # and an impatient second press
        assert len(kit.requests(uow)) == 1
    finally:
        await stop_world(world)


async def test_a_confirmation_replayed_after_a_crash_files_one_request(uow, settings, cast):
    world = await start_world(uow, settings)
    m = await kit.start(world, 101, "complaint")
    m = await world.send(101, "موضوع")
    m = await world.send(101, "الوقائع")
    m = await kit.press(world, 101, m, "nw:pick:2:no")
    summary = await kit.press(world, 101, m, "nw:done:3")
    await world.app.update_persistence()  # saved while the summary waits for «Send»
    receipt = (await kit.press(world, 101, summary, "nw:ok"))[-1]
    # The process dies before it saves anything else or confirms the update; Telegram sends it again.
    update = world.last_press
    world.api.callback_answers.pop(update["callback_query"]["id"], None)
    revived = await restart_on(world)
    try:
        await feed(revived.app, update)
        [request] = kit.requests(uow)
        again = world.last(101)
        assert request.reference in receipt["text"] and request.reference in again["text"]
        # The replayed update still shows the buttons the first run took off: Telegram answers «not modified»
        # to taking them off again, which the bot shrugs off — expected here, not a malformed call.
        for call in world.api.calls_to("editMessageReplyMarkup"):
            if call.error and "not modified" in call.error:
                call.fault = "replay of an already handled update"
    finally:
        await stop_world(revived)
        await stop_world(world)


async def test_the_send_button_of_an_older_summary_does_not_file_the_new_draft(uow, settings, cast):
    world = await start_world(uow, settings)
    try:
        m = await kit.start(world, 101, "question")
        m = await kit.press(world, 101, m, "nw:off:legal-communication")
        m = await world.send(101, "السؤال الأول")
        old = (await kit.press(world, 101, m, "nw:done:1"))[-1]
        await world.press(101, old, "nw:ok")
        m = await kit.start(world, 101, "question")
        m = await kit.press(world, 101, m, "nw:off:legal-communication")
        m = await world.send(101, "السؤال الثاني")
        new = (await kit.press(world, 101, m, "nw:done:1"))[-1]
        await world.press(101, old, "nw:ok", check=False)  # the first summary, pressed again
        assert "لم يعد" in (world.press_answer() or {}).get("text", "")
        await world.press(101, new, "nw:ok")
        assert [r.details["text"] for r in kit.requests(uow)] == ["السؤال الأول", "السؤال الثاني"]
    finally:
        await stop_world(world)

"""Jobs missed while the bot was down are caught up once, soon after it starts: today's digest and reminders
when their time has passed on a working day, the weekly report when its latest slot has no report recorded.
Each bot process is the real application (its post_init registers the one-off ``catch_up`` job, run here as
the scheduler would); a restart is a new process on the same database and the same Telegram."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot import jobs
from bot.settings import Settings
from desk.filing import file_request
from desk.lifecycle import claim
from desk.thread import ask_documents
from desk.uow import UnitOfWork
from models import Request
from models.bot_state import BotState
from tests.botkit import World, restart_on, start_world, stop_world
from tests.conftest import ADMIN_ID, LEAVE, Cast
from tests.jobs_kit import CASABLANCA, context, notices, on, recipients
from tests.office_kit import EVERYBODY

OLD_LEAVE = {"leave_kind": "sick_short", "first_day": "2026-11-10", "certificate_handed_in_on": "2026-11-12"}
MON, TUE, WED = dt.date(2026, 11, 23), dt.date(2026, 11, 24), dt.date(2026, 11, 25)
SAT, NEXT_MON, NEXT_TUE, NEXT_THU = (dt.date(2026, 11, 28), dt.date(2026, 11, 30), dt.date(2026, 12, 1),
                                     dt.date(2026, 12, 3))
DESK_JOBS = ["office_digest", "overdue_reminders", "requester_reminders"]  # in the order of their times


class Bot:
    """Successive bot processes on one database: ``start`` ends the running one (if any), starts a new one,
    runs its catch-up (unless ``catch_up`` is false: a process whose start is not what is tested) and returns
    the jobs it logged as missed."""

    def __init__(self, uow: UnitOfWork, settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
        self.uow, self.settings, self.caplog = uow, settings, caplog
        self.world: World | None = None

    async def start(self, catch_up: bool = True) -> list[str]:
        if self.world is None:
            world = await start_world(self.uow, self.settings)
            for telegram_id in EVERYBODY:
                world.api.add_chat(world.user(telegram_id))
        else:
            await stop_world(self.world)
            world = await restart_on(self.world)
            await world.app.post_init(world.app)  # type: ignore[misc]
        self.world = world
        self.caplog.clear()
        registered = world.app.job_queue.get_jobs_by_name(jobs.CATCH_UP)
        assert len(registered) == 1
        if catch_up:
            await registered[0].run(world.app)
        return [r.args[0] for r in self.caplog.records
                if r.name == "bot.jobs" and r.msg == "Job %s missed at %s, running it now"]

    def missed_lines(self) -> list[str]:
        return [r.getMessage() for r in self.caplog.records if "missed at" in r.getMessage()]

    @property
    def context(self) -> Any:
        assert self.world is not None
        return context(self.world)

    def reports(self) -> list[str]:
        """The files the admin has received, oldest first."""
        assert self.world is not None
        return [m["document"]["file_name"] for m in self.world.inbox(ADMIN_ID) if m.get("document")]


@pytest.fixture
async def bot(uow: UnitOfWork, settings: Settings, cast: Cast, caplog: pytest.LogCaptureFixture
              ) -> AsyncIterator[Bot]:
    caplog.set_level(logging.INFO, logger="bot.jobs")
    process = Bot(uow, settings, caplog)
    yield process
    if process.world is not None:
        await stop_world(process.world)


@pytest.fixture
def leave_office(cast: Cast, clock) -> dict[str, Request]:
    """hr-leave's queue: one request in progress and overdue from Wednesday 25 November, one new, one awaiting
    the requester (asked on Monday 23)."""
    on(clock, dt.date(2026, 11, 16), 10)  # due Tuesday 24 (Wednesday 18 is a holiday)
    late = file_request(cast.uow, cast.teacher, "leave_followup", OLD_LEAVE)
    claim(cast.uow, cast.leave_agent, late.id)
    on(clock, MON, 10)
    new = file_request(cast.uow, cast.colleague, "leave_followup", LEAVE)
    waiting = file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    ask_documents(cast.uow, cast.leave_agent2, waiting.id, "Le certificat médical, s'il vous plaît.")
    return {"late": late, "new": new, "waiting": waiting}


def digests_of(uow: UnitOfWork, day: dt.date) -> list[int]:
    return sorted(n.recipient_telegram_id for n in notices(uow, "office_digest")
                  if n.params["date"] == day.isoformat())


def record(uow: UnitOfWork, name: str) -> Any:
    with uow.reading() as session:
        row = session.get(BotState, ("job", name))
        return None if row is None else row.data


def local(day: dt.date, hour: int, minute: int = 0) -> str:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=CASABLANCA).isoformat()


async def previous_week_reported(bot: Bot, clock) -> None:
    """The first process sent Monday 23's report at its time (the week before is not missed)."""
    on(clock, MON, 8)
    assert await jobs.weekly_report_job(bot.context) == 1


async def test_after_a_day_down_todays_digest_and_reminders_run_once_at_start(
    bot: Bot, leave_office: dict[str, Request], clock
):
    on(clock, MON, 7)
    await bot.start(catch_up=False)
    await previous_week_reported(bot, clock)
    on(clock, TUE, 8, 30)
    await jobs.office_digest_job(bot.context)
    on(clock, TUE, 9)
    await jobs.overdue_reminders_job(bot.context)
    await jobs.requester_reminders_job(bot.context)
    assert digests_of(bot.uow, TUE) == [301, 302, 303]
    assert notices(bot.uow, "request_overdue") == []  # due Tuesday: not overdue yet

    # The bot died on Tuesday afternoon and comes back on Wednesday at 10:00.
    on(clock, WED, 10)
    assert await bot.start() == DESK_JOBS
    assert bot.missed_lines() == [
        "Job office_digest missed at 08:30, running it now",
        "Job overdue_reminders missed at 09:00, running it now",
        "Job requester_reminders missed at 09:00, running it now",
    ]
    assert digests_of(bot.uow, WED) == [301, 302, 303]  # one digest each for today
    assert recipients(bot.uow, "request_overdue") == [301]  # the holder of the overdue request, once
    assert record(bot.uow, "office_digest") == {"slot": local(WED, 8, 30)}
    assert record(bot.uow, "overdue_reminders") == {"slot": local(WED, 9)}
    assert bot.reports() == ["report_2026-11-16_2026-11-22.xlsx", "report_2026-11-16_2026-11-22.png"]

    # Another restart the same day: nothing is run again, nothing is added.
    on(clock, WED, 11)
    before = len(notices(bot.uow, "office_digest")), len(notices(bot.uow, "request_overdue"))
    assert await bot.start() == []
    assert (len(notices(bot.uow, "office_digest")), len(notices(bot.uow, "request_overdue"))) == before
    assert digests_of(bot.uow, WED) == [301, 302, 303]
    assert len(bot.reports()) == 2

    world = bot.world
    assert world is not None
    await world.deliver()
    for agent in (301, 302, 303):
        assert len([m for m in world.inbox(agent) if "25 نونبر 2026" in m.get("text", "")]) == 1, agent


async def test_started_before_their_time_nothing_runs_early(
    bot: Bot, leave_office: dict[str, Request], clock
):
    on(clock, MON, 7)
    await bot.start(catch_up=False)
    await previous_week_reported(bot, clock)
    on(clock, WED, 7)
    assert await bot.start() == []
    assert notices(bot.uow, "office_digest") == [] and notices(bot.uow, "request_overdue") == []
    assert record(bot.uow, "office_digest") is None

    # The scheduler runs the digest at 08:30; the bot dies before 09:00 and comes back at 10:00.
    on(clock, WED, 8, 30)
    await jobs.office_digest_job(bot.context)
    on(clock, WED, 10)
    assert await bot.start() == ["overdue_reminders", "requester_reminders"]
    assert digests_of(bot.uow, WED) == [301, 302, 303]
    assert recipients(bot.uow, "request_overdue") == [301]


async def test_nothing_is_caught_up_on_a_weekend(bot: Bot, leave_office: dict[str, Request], clock):
    on(clock, MON, 7)
    await bot.start(catch_up=False)
    await previous_week_reported(bot, clock)
    on(clock, SAT, 10)
    assert await bot.start() == []
    assert notices(bot.uow, "office_digest") == [] and notices(bot.uow, "request_overdue") == []


async def test_a_missed_weekly_report_is_sent_once_at_the_next_start_of_the_week(
    bot: Bot, leave_office: dict[str, Request], clock
):
    on(clock, MON, 7)
    await bot.start(catch_up=False)
    await previous_week_reported(bot, clock)
    assert len(bot.reports()) == 2

    # Down from Saturday to Tuesday 1 December: Monday 30's report was missed.
    on(clock, NEXT_TUE, 10)
    assert await bot.start() == ["weekly_report", *DESK_JOBS]
    assert bot.missed_lines()[0] == "Job weekly_report missed at 08:00 on 2026-11-30, running it now"
    assert bot.reports()[2:] == ["report_2026-11-23_2026-11-29.xlsx", "report_2026-11-23_2026-11-29.png"]
    assert record(bot.uow, "weekly_report") == {"slot": local(NEXT_MON, 8), "period_end": "2026-11-29"}

    on(clock, NEXT_THU, 10)  # a further restart in the same week: not again
    assert "weekly_report" not in await bot.start()
    on(clock, dt.date(2026, 12, 7), 7)  # the next Monday, before its time: still nothing
    assert "weekly_report" not in await bot.start()
    assert len(bot.reports()) == 4
    on(clock, dt.date(2026, 12, 7), 10)  # after it: that week's report
    assert "weekly_report" in await bot.start()
    assert bot.reports()[4:] == ["report_2026-11-30_2026-12-06.xlsx", "report_2026-11-30_2026-12-06.png"]


async def test_a_report_sent_by_the_scheduled_job_is_not_sent_again(
    bot: Bot, leave_office: dict[str, Request], clock
):
    on(clock, NEXT_MON, 7)
    await bot.start(catch_up=False)
    on(clock, NEXT_MON, 8)
    assert await jobs.weekly_report_job(bot.context) == 1
    on(clock, NEXT_MON, 10)
    assert await bot.start() == DESK_JOBS
    assert bot.reports() == ["report_2026-11-23_2026-11-29.xlsx", "report_2026-11-23_2026-11-29.png"]


async def test_a_report_nobody_received_is_tried_again_at_the_next_start(
    bot: Bot, leave_office: dict[str, Request], clock
):
    on(clock, NEXT_MON, 7)
    await bot.start(catch_up=False)
    bot.world.api.block(ADMIN_ID)  # type: ignore[union-attr]
    on(clock, NEXT_MON, 8)
    assert await jobs.weekly_report_job(bot.context) == 0
    assert record(bot.uow, "weekly_report") is None
    bot.world.api.unblock(ADMIN_ID)  # type: ignore[union-attr]
    on(clock, NEXT_MON, 10)
    assert "weekly_report" in await bot.start()
    assert bot.reports() == ["report_2026-11-23_2026-11-29.xlsx", "report_2026-11-23_2026-11-29.png"]


async def test_a_switched_off_job_is_not_caught_up(
    bot: Bot, settings: Settings, leave_office: dict[str, Request], clock
):
    settings.digest_enabled = False
    settings.weekly_report_enabled = False
    on(clock, WED, 10)
    assert await bot.start() == ["overdue_reminders", "requester_reminders"]
    assert notices(bot.uow, "office_digest") == [] and bot.reports() == []
    assert recipients(bot.uow, "request_overdue") == [301]


async def test_a_failing_job_is_reported_and_the_others_still_run(
    bot: Bot, leave_office: dict[str, Request], clock, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture
):
    def broken(uow: UnitOfWork) -> Any:
        raise RuntimeError("database gone")

    monkeypatch.setitem(jobs.DESK_JOBS, "office_digest", broken)
    on(clock, MON, 7)
    await bot.start(catch_up=False)
    await previous_week_reported(bot, clock)
    on(clock, WED, 10)
    assert await bot.start() == DESK_JOBS
    assert any(r.name == "bot.app" and "Unhandled error" in r.getMessage() for r in caplog.records)
    assert recipients(bot.uow, "request_overdue") == [301]
    assert record(bot.uow, "office_digest") is None  # not done: the next start tries again
    monkeypatch.undo()
    on(clock, WED, 11)
    assert await bot.start() == ["office_digest"]
    assert digests_of(bot.uow, WED) == [301, 302, 303]

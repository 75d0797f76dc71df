"""The bot's start registers the scheduled jobs from the settings: only those switched on, each at its local
time in Africa/Casablanca (the digest on working days, the report on its weekday)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot import jobs
from tests.botkit import start_world, stop_world
from tests.conftest import START
from tests.jobs_kit import CASABLANCA


def next_runs(app: Any, after: dt.datetime = START) -> dict[str, dt.datetime]:
    """Each job's next run after ``after``, in Casablanca time (the scheduler is not running in tests)."""
    runs = {}
    for job in app.job_queue.jobs():
        fire = job.job.trigger.get_next_fire_time(None, after)
        runs[job.name] = fire.astimezone(CASABLANCA).replace(tzinfo=None) if fire else None
    return runs


async def test_every_job_is_scheduled_at_its_local_time_by_default(uow, settings):
    world = await start_world(uow, settings)
    try:
        runs = next_runs(world.app)  # from Wednesday 25 November 2026, 10:00 in Casablanca
        assert set(runs) == {"outbox", "catch_up", *jobs.JOB_NAMES}  # catch_up: once, as soon as it starts
        assert runs["overdue_reminders"] == dt.datetime(2026, 11, 26, 9, 0)
        assert runs["requester_reminders"] == dt.datetime(2026, 11, 26, 9, 0)
        assert runs["office_digest"] == dt.datetime(2026, 11, 26, 8, 30)
        assert runs["weekly_report"] == dt.datetime(2026, 11, 30, 8, 0)  # Monday
        digest = world.app.job_queue.get_jobs_by_name("office_digest")[0].job.trigger
        assert next_runs(world.app, dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC))["office_digest"] == (
            dt.datetime(2026, 11, 30, 8, 30))  # after Friday's, Monday's: no digest on the weekend
        assert str(digest.timezone) == "Africa/Casablanca"
    finally:
        await stop_world(world)


async def test_switched_off_jobs_are_not_scheduled_and_times_follow_the_settings(uow, settings):
    settings.reminders_enabled = False
    settings.requester_reminders_enabled = False
    settings.digest_time = dt.time(7, 15)
    settings.weekly_report_day = 5  # Friday
    settings.weekly_report_time = dt.time(14, 0)
    world = await start_world(uow, settings)
    try:
        runs = next_runs(world.app)
        assert set(runs) == {"outbox", "catch_up", "office_digest", "weekly_report"}
        assert runs["office_digest"] == dt.datetime(2026, 11, 26, 7, 15)
        assert runs["weekly_report"] == dt.datetime(2026, 11, 27, 14, 0)
        jobs.schedule(world.app)  # registering again replaces, never doubles
        names = [job.name for job in world.app.job_queue.jobs()]
        assert sorted(names) == ["catch_up", "office_digest", "outbox", "weekly_report"]
    finally:
        await stop_world(world)


async def test_every_job_can_be_switched_off(uow, settings):  # and then there is nothing to catch up
    for name in ("reminders", "digest", "requester_reminders", "weekly_report"):
        setattr(settings, f"{name}_enabled", False)
    world = await start_world(uow, settings)
    try:
        assert [job.name for job in world.app.job_queue.jobs()] == ["outbox"]
    finally:
        await stop_world(world)

"""Scheduled jobs (reminders, digests, the weekly report), re-created from settings at every start.

PTB's JobQueue (APScheduler) runs them at local times of ``settings.timezone``:

=====================  ==============================  =====================================================
job name               when                            what
=====================  ==============================  =====================================================
overdue_reminders      every day at REMINDER_TIME      ``desk.reminders.remind_overdue`` (working days only)
office_digest          Monday–Friday at DIGEST_TIME    ``desk.reminders.queue_digests`` (holidays skipped)
requester_reminders    every day at REMINDER_TIME      ``desk.reminders.remind_requesters`` (working days)
weekly_report          WEEKLY_REPORT_DAY at its TIME   the last seven days' report (XLSX + PNG) to the admins
catch_up               once, soon after each start     each job above whose run was missed while the bot was
                                                       down (below), once
=====================  ==============================  =====================================================

Each of the four is switched off by its ``*_ENABLED`` setting. The first three only write outbox rows (the
delivery worker sends them, with its retries; their dedup keys make a second run harmless). The weekly report
carries files, so it is sent from here, straight to each admin, with ``send_document``.

Missed runs are caught up at start: a bot that was down when a job was due runs it once, in the background,
soon after it starts (``catch_up``, registered after ``schedule``):

- the three desk jobs, when today is one of their days and a working day and today's time has passed
  (started at 07:00, nothing runs early: the scheduler runs them at their time);
- the weekly report, when its latest slot (the last WEEKLY_REPORT_DAY at WEEKLY_REPORT_TIME, at most seven
  days ago) has no report recorded; it is sent for that slot's week, even on a later day (not when
  ADMIN_TELEGRAM_IDS is empty).

Each run records its slot in ``bot_state`` (scope "job", key = the job's name; the weekly report also keeps
the last day of the period it sent), so a restart later the same day or week does not run a job again. The
report is recorded only once at least one admin received it; ``python -m bot report`` (a manual export) is
not recorded. A switched-off job is not caught up.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InputFile
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application

from bot import report as files
from bot.context import SERVICES, Services
from bot.i18n import N_, Translator
from bot.settings import Settings
from desk import delivery, reminders, reports
from desk.actors import Actor
from desk.uow import UnitOfWork
from models.bot_state import BotState, put_state

log = logging.getLogger(__name__)

OVERDUE_REMINDERS = "overdue_reminders"
OFFICE_DIGEST = "office_digest"
REQUESTER_REMINDERS = "requester_reminders"
WEEKLY_REPORT = "weekly_report"
JOB_NAMES = (OVERDUE_REMINDERS, OFFICE_DIGEST, REQUESTER_REMINDERS, WEEKLY_REPORT)
CATCH_UP = "catch_up"  # the one-off job, soon after start, that runs what was missed while the bot was down
JOB_SCOPE = "job"  # bot_state scope of each job's last completed slot
JOB_LOCKS = "job_locks"  # bot_data key: a lock per job, so that a scheduled run and a catch-up never overlap
WORKING_WEEK = (1, 2, 3, 4, 5)  # PTB counts days 0 = Sunday … 6 = Saturday; holidays are checked in the desk

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def _services(application: AnyApplication) -> Services:
    services: Services = application.bot_data[SERVICES]
    return services


def _log_run(name: str, run: reminders.JobRun) -> None:
    if not run.working_day:
        log.info("%s: %s is not a working day, nothing to do", name, run.day)
    else:
        log.info("%s on %s: %d due, %d notices queued", name, run.day, run.considered, run.queued)


DESK_JOBS: dict[str, Callable[[UnitOfWork], reminders.JobRun]] = {
    OVERDUE_REMINDERS: reminders.remind_overdue,
    OFFICE_DIGEST: reminders.queue_digests,
    REQUESTER_REMINDERS: reminders.remind_requesters,
}


@dataclass(frozen=True)
class Planned:
    """One scheduled job as the settings make it."""

    name: str
    enabled: bool
    callback: Callable[[Any], Awaitable[Any]]
    at: dt.time  # local time in settings.timezone
    days: tuple[int, ...]  # PTB's numbering: 0 = Sunday … 6 = Saturday


def plan(settings: Settings) -> list[Planned]:
    """Every job, switched on or off, with its local time and days."""
    every_day = tuple(range(7))
    return [
        Planned(OVERDUE_REMINDERS, settings.reminders_enabled, overdue_reminders_job, settings.reminder_time,
                every_day),
        Planned(OFFICE_DIGEST, settings.digest_enabled, office_digest_job, settings.digest_time,
                WORKING_WEEK),
        Planned(REQUESTER_REMINDERS, settings.requester_reminders_enabled, requester_reminders_job,
                settings.reminder_time, every_day),
        Planned(WEEKLY_REPORT, settings.weekly_report_enabled, weekly_report_job, settings.weekly_report_time,
                (settings.weekly_report_day % 7,)),
    ]


def _planned(settings: Settings, name: str) -> Planned:
    return next(job for job in plan(settings) if job.name == name)


def _ptb_day(day: dt.date) -> int:
    return day.isoweekday() % 7  # ISO 7 (Sunday) → 0


def today_slot(job: Planned, now: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """Today's run of ``job`` (local date of ``now``), as an aware local datetime."""
    return dt.datetime.combine(now.astimezone(zone).date(), job.at, tzinfo=zone)


def latest_slot(job: Planned, now: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The last run time of ``job`` that is not after ``now`` (at most seven days back)."""
    local = now.astimezone(zone)
    for back in range(8):
        day = local.date() - dt.timedelta(days=back)
        if _ptb_day(day) not in job.days:
            continue
        slot = dt.datetime.combine(day, job.at, tzinfo=zone)
        if slot <= local:
            return slot
    raise ValueError(f"job {job.name} has no day")  # days is never empty


def last_slot(uow: UnitOfWork, name: str) -> dt.datetime | None:
    """The slot of the job's last completed run, as recorded in bot_state (None: never recorded)."""
    with uow.reading() as session:
        row = session.get(BotState, (JOB_SCOPE, name))
        data = row.data if row is not None else None
    if not isinstance(data, dict):
        return None
    try:
        slot = dt.datetime.fromisoformat(str(data["slot"]))
    except (KeyError, ValueError):
        log.warning("Job %s: unreadable record %r, ignored", name, data)
        return None
    return slot if slot.tzinfo is not None else None


def record_slot(uow: UnitOfWork, name: str, data: dict[str, Any]) -> None:
    """Record the job's last completed slot (one transaction)."""
    with uow.transaction() as session:
        put_state(session.connection(), JOB_SCOPE, name, data, uow.now())


def _lock(application: AnyApplication, name: str) -> asyncio.Lock:
    locks: dict[str, asyncio.Lock] = application.bot_data.setdefault(JOB_LOCKS, {})
    return locks.setdefault(name, asyncio.Lock())


def _done(uow: UnitOfWork, name: str, slot: dt.datetime) -> bool:
    recorded = last_slot(uow, name)
    return recorded is not None and recorded >= slot


async def _run_desk(application: AnyApplication, name: str, slot: dt.datetime,
                    catching_up: bool = False) -> reminders.JobRun | None:
    """Run a desk job for ``slot`` (today's) and record it; a catch-up that finds it done returns None."""
    uow = _services(application).uow
    async with _lock(application, name):
        if catching_up and await asyncio.to_thread(_done, uow, name, slot):
            return None
        run = await asyncio.to_thread(DESK_JOBS[name], uow)
        _log_run(name, run)
        await asyncio.to_thread(record_slot, uow, name, {"slot": slot.isoformat()})
    return run


async def _run_report(application: AnyApplication, slot: dt.datetime, catching_up: bool = False) -> int:
    """Send the report of the seven days before ``slot``'s day; recorded once an admin has received it."""
    uow = _services(application).uow
    async with _lock(application, WEEKLY_REPORT):
        if catching_up and await asyncio.to_thread(_done, uow, WEEKLY_REPORT, slot):
            return 0
        start, end = reports.last_week(slot.date())
        reached = await send_report(application, start, end)
        if reached:
            data = {"slot": slot.isoformat(), "period_end": end.isoformat()}
            await asyncio.to_thread(record_slot, uow, WEEKLY_REPORT, data)
    return reached


async def _scheduled_desk_job(application: AnyApplication, name: str) -> reminders.JobRun:
    services = _services(application)
    zone = ZoneInfo(services.settings.timezone)
    slot = today_slot(_planned(services.settings, name), services.uow.now(), zone)
    run = await _run_desk(application, name, slot)
    assert run is not None
    return run


async def overdue_reminders_job(context: Any) -> reminders.JobRun:
    """JobQueue callback: reminders about overdue requests, and escalations to the heads."""
    return await _scheduled_desk_job(context.application, OVERDUE_REMINDERS)


async def office_digest_job(context: Any) -> reminders.JobRun:
    """JobQueue callback: the daily digest of each office to its agents (working days only)."""
    return await _scheduled_desk_job(context.application, OFFICE_DIGEST)


async def requester_reminders_job(context: Any) -> reminders.JobRun:
    """JobQueue callback: reminders to requesters whose documents are awaited."""
    return await _scheduled_desk_job(context.application, REQUESTER_REMINDERS)


async def weekly_report_job(context: Any) -> int:
    """JobQueue callback: the last seven days' report to every admin. Returns how many admins received it."""
    services = _services(context.application)
    zone = ZoneInfo(services.settings.timezone)
    slot = latest_slot(_planned(services.settings, WEEKLY_REPORT), services.uow.now(), zone)
    return await _run_report(context.application, slot)


async def send_report(
    application: AnyApplication, start: dt.date | None = None, end: dt.date | None = None
) -> int:
    """Send the report of ``start``–``end`` (default: the seven days that ended yesterday) to every admin:
    the XLSX workbook and the PNG chart, each as a document, in the admin's language.

    An admin who cannot be reached (blocked the bot, never opened it) is logged and skipped; Telegram's 429s
    are retried by the application's rate limiter. Returns how many admins received both files.
    """
    services = _services(application)
    uow = services.uow
    if not services.settings.admin_telegram_ids:
        log.warning("Weekly report: ADMIN_TELEGRAM_IDS is empty, nobody to send it to")
        return 0
    if start is None or end is None:
        start, end = reports.last_week(uow.today())
    figures = await asyncio.to_thread(reports.period_report, uow, Actor.operator(), start, end)
    generated_at = uow.now()
    made: dict[str, tuple[bytes, bytes]] = {}  # language → (xlsx, png): built once per language
    reached = 0
    for admin in sorted(set(services.settings.admin_telegram_ids)):
        language = await asyncio.to_thread(delivery.language_of, uow, admin)
        t = Translator("fr" if language == "fr" else "ar", services.settings.timezone)
        if t.language not in made:
            made[t.language] = await asyncio.to_thread(_build, figures, services, t, generated_at)
        workbook, chart = made[t.language]
        caption = _caption(figures, t)
        try:
            await application.bot.send_document(
                admin, InputFile(workbook, filename=files.filename(figures, "xlsx")),
                caption=caption, parse_mode=ParseMode.HTML,
            )
            await application.bot.send_document(
                admin, InputFile(chart, filename=files.filename(figures, "png"))
            )
        except Forbidden:
            log.warning("Weekly report: admin %s blocked the bot", admin)
            continue
        except TelegramError as error:
            log.warning("Weekly report: could not reach admin %s (%s)", admin, type(error).__name__)
            continue
        reached += 1
    log.info("Weekly report %s – %s sent to %d admin(s)", start, end, reached)
    return reached


def _build(figures: reports.PeriodReport, services: Services, t: Translator,
           generated_at: dt.datetime) -> tuple[bytes, bytes]:
    return (
        files.workbook_bytes(figures, services.directory, t, generated_at),
        files.chart_png(figures, services.directory, t),
    )


def _caption(figures: reports.PeriodReport, t: Translator) -> str:
    """The report's title and its totals, so that the figures are seen without opening the file."""
    total = figures.total
    median = "—" if total.median_days is None else f"{total.median_days:g}"
    return "\n".join([
        "📊 <b>" + files.title(figures, t) + "</b>",
        t(N_("Requests received: {count}"), count=total.received),
        t(N_("Requests resolved: {count}"), count=total.resolved),
        t(N_("Median time to resolution: {days} working days"), days=t.wrap(median)),
        t(N_("Overdue at the end of the period: {count}"), count=total.overdue),
    ])


def schedule(application: AnyApplication) -> None:
    """Register every scheduled job that the settings switch on, at its local time (``settings.timezone``).

    Jobs of the same names registered earlier are removed first, so calling this again never doubles a job.
    """
    queue = application.job_queue
    if queue is None:  # PTB installed without the job-queue extra
        log.warning("No job queue: reminders, digests and reports are off")
        return
    settings = _services(application).settings
    zone = ZoneInfo(settings.timezone)
    for name in JOB_NAMES:
        for job in queue.get_jobs_by_name(name):
            job.schedule_removal()
    for job in plan(settings):
        if not job.enabled:
            log.info("Job %s is switched off", job.name)
            continue
        queue.run_daily(job.callback, time=job.at.replace(tzinfo=zone), days=job.days, name=job.name)
        log.info("Job %s scheduled at %s (%s)", job.name, job.at.strftime("%H:%M"), settings.timezone)


def catch_up(application: AnyApplication) -> None:
    """Register the one-off job that runs, soon after start and in the background, the runs missed while the
    bot was down (see the module's docstring). Nothing when every job is switched off."""
    queue = application.job_queue
    if queue is None:
        return
    for job in queue.get_jobs_by_name(CATCH_UP):
        job.schedule_removal()
    if not any(job.enabled for job in plan(_services(application).settings)):
        return
    # No misfire limit: the scheduler starts after the rest of start-up, however long that takes.
    queue.run_once(catch_up_job, when=0, name=CATCH_UP, job_kwargs={"misfire_grace_time": None})


def missed(uow: UnitOfWork, now: dt.datetime) -> list[tuple[Planned, dt.datetime]]:
    """The switched-on jobs whose latest slot passed with no recorded run, with that slot, earliest first."""
    settings = uow.settings
    zone = ZoneInfo(settings.timezone)
    today = now.astimezone(zone).date()
    due: list[tuple[Planned, dt.datetime]] = []
    for job in plan(settings):
        if not job.enabled:
            continue
        if job.name == WEEKLY_REPORT:
            if not settings.admin_telegram_ids:
                continue  # nobody to send it to: send_report would only warn
            slot = latest_slot(job, now, zone)
        else:
            if _ptb_day(today) not in job.days or not uow.calendar.is_working_day(today):
                continue
            slot = today_slot(job, now, zone)
            if slot > now:
                continue  # not yet: the scheduler runs it at its time
        if not _done(uow, job.name, slot):
            due.append((job, slot))
    return sorted(due, key=lambda pair: pair[1])


async def catch_up_job(context: Any) -> None:
    """JobQueue callback (once, at start): run each missed job once. A job that fails is reported like any job
    error (the application's error handler) and does not stop the others."""
    application = context.application
    uow = _services(application).uow
    now = uow.now()
    due = await asyncio.to_thread(missed, uow, now)
    today = now.astimezone(ZoneInfo(uow.settings.timezone)).date()
    for job, slot in due:
        when = slot.strftime("%H:%M") if slot.date() == today else slot.strftime("%H:%M on %Y-%m-%d")
        log.info("Job %s missed at %s, running it now", job.name, when)
        try:
            if job.name == WEEKLY_REPORT:
                await _run_report(application, slot, catching_up=True)
            else:
                await _run_desk(application, job.name, slot, catching_up=True)
        except Exception as error:
            await application.process_error(None, error, job=context.job)

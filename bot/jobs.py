"""Scheduled jobs (reminders, digests, the weekly report), re-created from settings at every start.

PTB's JobQueue (APScheduler) runs them at local times of ``settings.timezone``:

=====================  ==============================  =====================================================
job name               when                            what
=====================  ==============================  =====================================================
overdue_reminders      every day at REMINDER_TIME      ``desk.reminders.remind_overdue`` (working days only)
office_digest          Monday–Friday at DIGEST_TIME    ``desk.reminders.queue_digests`` (holidays skipped)
requester_reminders    every day at REMINDER_TIME      ``desk.reminders.remind_requesters`` (working days)
weekly_report          WEEKLY_REPORT_DAY at its TIME   the last seven days' report (XLSX + PNG) to the admins
=====================  ==============================  =====================================================

Each is switched off by its ``*_ENABLED`` setting. The first three only write outbox rows (the delivery worker
sends them, with its retries; their dedup keys make a second run harmless). The weekly report carries files,
so it is sent from here, straight to each admin, with ``send_document``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InputFile
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application

from bot import report as files
from bot.context import SERVICES, Services
from bot.i18n import N_, Translator
from desk import delivery, reminders, reports
from desk.actors import Actor

log = logging.getLogger(__name__)

OVERDUE_REMINDERS = "overdue_reminders"
OFFICE_DIGEST = "office_digest"
REQUESTER_REMINDERS = "requester_reminders"
WEEKLY_REPORT = "weekly_report"
JOB_NAMES = (OVERDUE_REMINDERS, OFFICE_DIGEST, REQUESTER_REMINDERS, WEEKLY_REPORT)
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


async def _desk_job(application: AnyApplication, name: str,
                    function: Callable[[Any], reminders.JobRun]) -> reminders.JobRun:
    run = await asyncio.to_thread(function, _services(application).uow)
    _log_run(name, run)
    return run


async def overdue_reminders_job(context: Any) -> reminders.JobRun:
    """JobQueue callback: reminders about overdue requests, and escalations to the heads."""
    return await _desk_job(context.application, OVERDUE_REMINDERS, reminders.remind_overdue)


async def office_digest_job(context: Any) -> reminders.JobRun:
    """JobQueue callback: the daily digest of each office to its agents (working days only)."""
    return await _desk_job(context.application, OFFICE_DIGEST, reminders.queue_digests)


async def requester_reminders_job(context: Any) -> reminders.JobRun:
    """JobQueue callback: reminders to requesters whose documents are awaited."""
    return await _desk_job(context.application, REQUESTER_REMINDERS, reminders.remind_requesters)


async def weekly_report_job(context: Any) -> int:
    """JobQueue callback: the last seven days' report to every admin. Returns how many admins received it."""
    return await send_report(context.application)


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
    planned: list[tuple[bool, Callable[[Any], Awaitable[Any]], dt.time, tuple[int, ...], str]] = [
        (settings.reminders_enabled, overdue_reminders_job, settings.reminder_time, tuple(range(7)),
         OVERDUE_REMINDERS),
        (settings.digest_enabled, office_digest_job, settings.digest_time, WORKING_WEEK, OFFICE_DIGEST),
        (settings.requester_reminders_enabled, requester_reminders_job, settings.reminder_time,
         tuple(range(7)), REQUESTER_REMINDERS),
        (settings.weekly_report_enabled, weekly_report_job, settings.weekly_report_time,
         (settings.weekly_report_day % 7,), WEEKLY_REPORT),
    ]
    for enabled, callback, at, days, name in planned:
        if not enabled:
            log.info("Job %s is switched off", name)
            continue
        queue.run_daily(callback, time=at.replace(tzinfo=zone), days=days, name=name)
        log.info("Job %s scheduled at %s (%s)", name, at.strftime("%H:%M"), settings.timezone)

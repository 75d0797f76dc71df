"""How long the scheduled jobs take on a generated directorate-sized database (the data of
``bench.desk_queries``): the overdue reminders, the digest, the requester reminders, and the weekly report
(figures, XLSX, PNG).

    python -m bench.jobs_speed --db sqlite     [--staff 30000 --requests 100000]
    python -m bench.jobs_speed --db postgresql [--staff 300000 --requests 1000000] [--url URL]

Each job runs twice, as after a restart on the same day: the first run writes the notices, the second must
write none (the outbox's dedup keys). Prints seconds and counts; nothing is asserted beyond "the second run
wrote nothing" (exit 1 otherwise).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable
from typing import Any, TypeVar

from bench.desk_data import NOW, World, fill
from bench.desk_queries import add_database_arguments, scratch_database, sizes
from bot.i18n import Translator
from bot.report import chart_png, workbook_bytes
from bot.settings import Settings
from desk import reminders, reports
from desk.actors import Actor
from desk.uow import UnitOfWork
from knowledge.loader import load
from migrations import upgrade

T = TypeVar("T")


def timed(label: str, call: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = call()
    print(f"{label:<44}{time.perf_counter() - started:>8.2f} s   {_describe(result)}")
    return result


def _describe(result: Any) -> str:
    if isinstance(result, reminders.JobRun):
        return f"{result.considered:,} due, {result.queued:,} notices queued"
    if isinstance(result, reports.PeriodReport):
        total = result.total
        return f"{total.received:,} received, {total.resolved:,} resolved, {total.overdue:,} overdue"
    if isinstance(result, bytes):
        return f"{len(result):,} bytes"
    return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.jobs_speed", description=__doc__.splitlines()[0])
    add_database_arguments(parser)
    args = parser.parse_args(argv)
    staff, requests = sizes(args)
    engine, drop = scratch_database(args)
    again_wrote = 0
    try:
        upgrade(engine=engine)
        started = time.perf_counter()
        counts = fill(engine, World(staff, requests))
        loaded = time.perf_counter() - started
        print(f"{args.db}: {counts.get('requests', 0):,} requests loaded in {loaded:.0f} s")
        settings = Settings(_env_file=None, admin_telegram_ids=[1])  # type: ignore[call-arg]
        directory = load()
        # A working day at 09:00 in Casablanca, near the generated data's "now".
        day = NOW.date()
        uow = UnitOfWork(engine, settings, directory)
        while not uow.calendar.is_working_day(day):
            day -= dt.timedelta(days=1)
        moment = dt.datetime.combine(day, dt.time(8, 0), tzinfo=dt.UTC)
        uow.clock = lambda: moment
        jobs = (("overdue reminders", reminders.remind_overdue), ("office digest", reminders.queue_digests),
                ("requester reminders", reminders.remind_requesters))
        for name, job in jobs:
            timed(f"{name} (first run)", lambda job=job: job(uow))
            second = timed(f"{name} (same day again)", lambda job=job: job(uow))
            again_wrote += second.queued
        start, end = reports.last_week(day)
        week = timed("weekly report figures", lambda: reports.period_report(uow, Actor.operator(), start, end))
        year = end - dt.timedelta(days=364)
        timed("a year's figures", lambda: reports.period_report(uow, Actor.operator(), year, end))
        t = Translator("ar")
        timed("weekly workbook (XLSX, Arabic)", lambda: workbook_bytes(week, directory, t, moment))
        timed("weekly chart (PNG, Arabic)", lambda: chart_png(week, directory, t))
    finally:
        drop()
    print("PASS" if again_wrote == 0 else "FAIL", f"(notices written by the second runs: {again_wrote})")
    return 0 if again_wrote == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())

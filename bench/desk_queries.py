"""Speed of the three queries the bot runs most, on a generated directorate-sized database.

    python -m bench.desk_queries --db postgresql [--staff 300000 --requests 1000000] [--url URL]
    python -m bench.desk_queries --db sqlite     [--staff 30000 --requests 100000]

PostgreSQL: a scratch database ``od_bench_<random>`` is created on the server of ``--url`` (default:
``TEST_POSTGRES_URL`` or the local server), migrated, filled with COPY, measured and dropped.
SQLite: a temporary file, filled with multi-row inserts, deleted afterwards.

Measured, each ``--repeat`` times after a warm-up, through the same code the bot uses
(``models.queries``, one session per call): an office's queue page (open requests, overdue first,
a random one of the first pages), a person's requests (a principal's include their school's), and
one request's full history. Prints p50 / p95 / p99 in milliseconds; the target is p95 ≤ 20 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from bench.desk_data import NOW, World, fill
from migrations import upgrade
from models import queries as q
from models.db import make_engine, normalize_url

TARGET_P95_MS = 20.0


# --- measuring -----------------------------------------------------------------------------------------


def measure(engine: Engine, name: str, call: Callable[[Session], Any], repeat: int) -> dict[str, float]:
    for _ in range(min(50, repeat)):  # warm-up: connections, caches, statement preparation
        with Session(engine) as session:
            call(session)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        with Session(engine) as session:
            call(session)
        timings.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return {"p50": statistics.median(timings), "p95": cuts[94], "p99": cuts[98]}


def run_queries(engine: Engine, world: World, repeat: int) -> dict[str, dict[str, float]]:
    rng = random.Random(11)
    today = NOW.date()
    accounts = [a for a, _ in world.accounts]
    return {
        "office queue page": measure(
            engine,
            "queue",
            lambda s: q.office_queue(
                s, rng.choice(world.offices), today=today, limit=20, offset=20 * rng.randint(0, 2)
            ),
            repeat,
        ),
        "person's requests": measure(
            engine,
            "person",
            lambda s: (
                lambda a: q.person_requests(s, a, school_code=world.principal_school.get(a), limit=20)
            )(rng.choice(accounts)),
            repeat,
        ),
        "request history": measure(
            engine, "history", lambda s: q.request_history(s, rng.randint(1, world.requests)), repeat
        ),
    }


# --- databases ------------------------------------------------------------------------------------------


def postgres(url: str) -> tuple[Engine, Callable[[], None]]:
    admin_url = normalize_url(url)
    name = f"od_bench_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(admin_url).set(database=name))

    def drop() -> None:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return engine, drop


def sqlite() -> tuple[Engine, Callable[[], None]]:
    folder = tempfile.TemporaryDirectory(prefix="od_bench_")
    engine = make_engine(f"sqlite:///{Path(folder.name) / 'bench.sqlite3'}")

    def drop() -> None:
        engine.dispose()
        folder.cleanup()

    return engine, drop


def add_database_arguments(parser: argparse.ArgumentParser) -> None:
    """--db, --staff, --requests and --url, shared by the benchmarks that fill a scratch database."""
    parser.add_argument("--db", choices=["postgresql", "sqlite"], required=True)
    parser.add_argument("--staff", type=int, help="default 300000 (PostgreSQL) / 30000 (SQLite)")
    parser.add_argument("--requests", type=int, help="default 1000000 (PostgreSQL) / 100000 (SQLite)")
    parser.add_argument(
        "--url",
        default=os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    )


def sizes(args: argparse.Namespace) -> tuple[int, int]:
    """Staff and requests to generate: the issue's sizes on PostgreSQL, a tenth of the requests on SQLite."""
    pg = args.db == "postgresql"
    return args.staff or (300_000 if pg else 30_000), args.requests or (1_000_000 if pg else 100_000)


def scratch_database(args: argparse.Namespace) -> tuple[Engine, Callable[[], None]]:
    """A new empty database of the kind asked for, and the function that drops it."""
    return postgres(args.url) if args.db == "postgresql" else sqlite()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.desk_queries", description=__doc__.splitlines()[0])
    add_database_arguments(parser)
    parser.add_argument("--repeat", type=int, default=1000, help="measurements per query (default 1000)")
    args = parser.parse_args(argv)
    staff, requests = sizes(args)
    engine, drop = scratch_database(args)
    try:
        upgrade(engine=engine)
        world = World(staff, requests)
        started = time.perf_counter()
        counts = fill(engine, world)
        loaded = time.perf_counter() - started
        print(
            f"{args.db}: "
            + ", ".join(f"{n:,} {t}" for t, n in counts.items() if n)
            + f" loaded in {loaded:.0f} s"
        )
        with engine.connect() as conn:
            open_rows = conn.execute(
                text(
                    "SELECT office_id, COUNT(*) FROM requests WHERE status IN ('new', 'in_progress', "
                    "'awaiting_requester') GROUP BY office_id ORDER BY 2 DESC"
                )
            ).all()
        print(
            f"open requests: {sum(n for _, n in open_rows):,} in {len(open_rows)} offices; "
            f"largest queue: {open_rows[0][0]} with {open_rows[0][1]:,}"
        )
        results = run_queries(engine, world, args.repeat)
    finally:
        drop()
    target = f"(n={args.repeat}, target p95 ≤ {TARGET_P95_MS:g} ms)"
    print(f"{'query':<20}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}   {target}")
    worst = 0.0
    for name, cut in results.items():
        worst = max(worst, cut["p95"])
        print(f"{name:<20}{cut['p50']:>9.2f}{cut['p95']:>9.2f}{cut['p99']:>9.2f}")
    print("PASS" if worst <= TARGET_P95_MS else "FAIL", f"(worst p95 {worst:.2f} ms)")
    return 0 if worst <= TARGET_P95_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Shared fixtures: an ``engine`` on SQLite and PostgreSQL (both migrated with Alembic), a unit of
work with a fixed clock, and a small cast of people (teachers, principals, agents, a head, an admin).

PostgreSQL runs when ``TEST_POSTGRES_URL`` is set (a scratch database ``od_test_<random>`` is created
for the session and dropped at the end); when it is unset the PostgreSQL tests are skipped, unless
``CI=true``, where they fail: CI must never pass without the second database.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from bot.settings import Settings
from desk.actors import Actor, resolve_actor
from desk.people import add_agent, register
from desk.uow import UnitOfWork
from knowledge.loader import Directory, load
from migrations import upgrade
from models import StaffMember, metadata
from models.db import make_engine, normalize_url, session_scope

ADMIN_ID = 9_000_001
# Wednesday 25 November 2026, 10:00 in Casablanca (UTC+1): an ordinary working day.
START = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


# --- databases ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path = tmp_path_factory.mktemp("db") / "desk.sqlite3"
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgresql_engine() -> Iterator[Engine]:
    base = os.environ.get("TEST_POSTGRES_URL")
    if not base:
        if os.environ.get("CI") == "true":
            pytest.fail("TEST_POSTGRES_URL is not set: CI must run the PostgreSQL tests", pytrace=False)
        pytest.skip("TEST_POSTGRES_URL is not set")
    admin_url = normalize_url(base)
    name = f"od_test_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name)
    engine = make_engine(url)
    try:
        upgrade(engine=engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def clean(engine: Engine) -> None:
    """Empty every table (fast: one TRUNCATE on PostgreSQL, DELETEs on SQLite)."""
    tables = [t.name for t in metadata.sorted_tables]
    with session_scope(engine) as session:
        if engine.dialect.name == "postgresql":
            session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                session.execute(text(f"DELETE FROM {table}"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Engine:
    """A migrated, empty database: SQLite, then PostgreSQL."""
    db: Engine = request.getfixturevalue(f"{request.param}_engine")
    clean(db)
    return db


# --- the desk --------------------------------------------------------------------------------------


class Clock:
    """A settable clock for the unit of work."""

    def __init__(self, now: dt.datetime = START) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture(scope="session")
def directory() -> Directory:
    return load()


@pytest.fixture
def settings() -> Settings:
    return Settings(_env_file=None, admin_telegram_ids=[ADMIN_ID], reopen_window_days=15)  # type: ignore[call-arg]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def uow(engine: Engine, settings: Settings, directory: Directory, clock: Clock) -> UnitOfWork:
    return UnitOfWork(engine, settings, directory, clock)


# --- people ------------------------------------------------------------------------------------------

SCHOOL_A, SCHOOL_B = "07123A", "07999B"


# Who is who in the cast: name → Telegram id.
PEOPLE: dict[str, int] = {
    "teacher": 101,  # a teacher of school A
    "other_teacher": 102,  # a teacher of school B
    "colleague": 103,  # another teacher of school A
    "principal": 201,  # the principal of school A
    "other_principal": 202,  # the principal of school B
    "leave_agent": 301,  # an agent of hr-leave
    "leave_agent2": 302,  # another agent of hr-leave
    "leave_head": 303,  # the head of hr-leave
    "status_agent": 401,  # an agent of hr-admin-status (approves registrations)
    "accidents_agent": 501,  # an agent of legal-accidents
    "admin": ADMIN_ID,
    "stranger": 999,  # never registered
}


@dataclass
class Cast:
    """Everybody a desk test may need; ``cast.teacher`` etc. resolve the actor from the database now."""

    uow: UnitOfWork
    staff: dict[str, StaffMember]

    def actor(self, telegram_id: int) -> Actor:
        return resolve_actor(self.uow, telegram_id)

    def __getattr__(self, name: str) -> Actor:
        if name in PEOPLE:
            return self.actor(PEOPLE[name])
        raise AttributeError(name)


STAFF: list[dict[str, Any]] = [
    # key, ppr, cin, role, school, telegram id
    dict(key="teacher", ppr="1000001", cin="VB100001", role="teacher", school=SCHOOL_A, tg=101),
    dict(key="other_teacher", ppr="1000002", cin="VB100002", role="teacher", school=SCHOOL_B, tg=102),
    dict(key="colleague", ppr="1000003", cin="VB100003", role="teacher", school=SCHOOL_A, tg=103),
    dict(key="principal", ppr="2000001", cin="VA200001", role="principal", school=SCHOOL_A, tg=201),
    dict(key="other_principal", ppr="2000002", cin="VA200002", role="principal", school=SCHOOL_B, tg=202),
    dict(key="unlinked", ppr="1000009", cin="VB100009", role="teacher", school=SCHOOL_A, tg=None),
]


def add_staff(session: Session, ppr: str, cin: str, role: str, school: str, name: str = "x") -> StaffMember:
    staff = StaffMember(
        ppr=ppr,
        cin=cin,
        full_name_ar=f"اسم {name}",
        full_name_fr=f"NOM {name}",
        role=role,
        school_code=school,
        school_name=f"Ecole {school}",
    )
    session.add(staff)
    session.flush()
    return staff


@pytest.fixture
def cast(uow: UnitOfWork) -> Cast:
    """The roster, linked accounts for the staff, agents for hr-leave / hr-admin-status / legal-accidents."""
    staff: dict[str, StaffMember] = {}
    with uow.transaction() as session:
        for row in STAFF:
            staff[row["key"]] = add_staff(
                session, row["ppr"], row["cin"], row["role"], row["school"], row["key"]
            )
    for row in STAFF:
        if row["tg"] is not None:
            register(uow, row["tg"], row["ppr"], row["cin"])
    operator = Actor.operator()
    for telegram_id, office, head in [
        (301, "hr-leave", False),
        (302, "hr-leave", False),
        (303, "hr-leave", True),
        (401, "hr-admin-status", False),
        (501, "legal-accidents", False),
    ]:
        add_agent(uow, operator, telegram_id, office, is_head=head)
    return Cast(uow, staff)


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows per table: compare before and after a refused action to prove nothing changed."""
    with engine.connect() as conn:
        return {
            t.name: conn.execute(text(f"SELECT COUNT(*) FROM {t.name}")).scalar_one()
            for t in metadata.sorted_tables
        }


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, for "nothing changed" assertions."""
    with engine.connect() as conn:
        return {
            t.name: sorted(tuple(map(repr, r)) for r in conn.execute(t.select()).all())  # type: ignore[misc]
            for t in metadata.sorted_tables
        }


LEAVE = {"leave_kind": "sick_short", "first_day": "2026-11-20", "certificate_handed_in_on": "2026-11-21"}
CERTIFICATE = {
    "certificate": "work_certificate",
    "purpose": "Dossier bancaire",
    "language": "fr",
    "copies": 2,
}


@pytest.fixture
def data_dir() -> Path:
    return Path(__file__).parent / "data"

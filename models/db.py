"""Engine and session setup for SQLite (default) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlmodel import Session

DEFAULT_DATABASE_URL = "sqlite:///data/assistant.sqlite3"
SQLITE_BUSY_TIMEOUT_MS = 15_000
# Execution option: begin SQLite transactions with BEGIN IMMEDIATE (take the write lock at once,
# so two writers queue on busy_timeout instead of failing with "database is locked" on upgrade).
WRITE_OPTION = "od_write"
# Execution option: no BEGIN on SQLite, for a connection that runs one statement on its own (see one_statement).
NO_BEGIN_OPTION = "od_no_begin"
# SQLite has one writer at a time. Writers of this process queue on a lock of their own, woken the moment the
# writer before them commits; on busy_timeout alone they would poll the file lock with sleeps of 1 to 100 ms.
# Other processes (the command line) still meet busy_timeout. Reentrant, so that a writer nested in another
# behaves as before.
_WRITE_LOCKS: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()


def normalize_url(url: str | URL | None) -> URL:
    """Parse ``url`` (default: the SQLite file under ./data/); plain ``postgresql://`` uses psycopg 3."""
    parsed = make_url(url or DEFAULT_DATABASE_URL)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername != "postgresql+psycopg":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str | URL | None = None, *, echo: bool = False, **kwargs: Any) -> Engine:
    """Create the engine for ``url``.

    SQLite: creates the file's folder, turns on WAL, foreign keys and a busy timeout on every
    connection, and lets the driver leave transaction control to SQLAlchemy (so that
    SAVEPOINTs and BEGIN IMMEDIATE work).  PostgreSQL: psycopg 3 with pre-ping.
    """
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, echo=echo, **kwargs)
        _configure_sqlite(engine)
        return engine
    return create_engine(parsed, echo=echo, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    _WRITE_LOCKS[engine] = threading.RLock()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see _on_begin)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        options = connection.get_execution_options()
        if options.get(NO_BEGIN_OPTION, False):
            return  # the driver runs each statement in a transaction of its own
        write = options.get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def write_bind(engine: Engine) -> Engine:
    """The engine flagged for writing (BEGIN IMMEDIATE on SQLite; nothing changes on PostgreSQL)."""
    return engine.execution_options(**{WRITE_OPTION: True})


@contextmanager
def session_scope(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """One unit of work: yields a session, commits when the block ends, rolls back on any error.

    Objects stay usable after the commit (``expire_on_commit=False``).
    """
    session = Session(bind=write_bind(engine) if write else engine, expire_on_commit=False)
    lock = _WRITE_LOCKS.get(engine) if write else None
    with lock if lock is not None else nullcontext():
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


@contextmanager
def one_statement(engine: Engine) -> Iterator[Connection]:
    """A connection to read with one statement, outside any transaction: a statement is consistent on its own,
    and on PostgreSQL this is one round trip instead of three (BEGIN, the statement, COMMIT)."""
    options: dict[str, Any] = {NO_BEGIN_OPTION: True} if is_sqlite(engine) else {"isolation_level": "AUTOCOMMIT"}
    with engine.connect().execution_options(**options) as connection:
        yield connection

"""The database itself: migrations match the models, times come back in UTC, SQLite is set up safely."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlmodel import select

from migrations import alembic_config
from models import Agent, StaffMember, metadata
from models.db import make_engine, normalize_url, session_scope
from models.types import UTCDateTime


def test_migrated_schema_equals_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_migrations_have_one_head_and_the_database_is_at_it(engine: Engine) -> None:
    script = ScriptDirectory.from_config(alembic_config())
    [head] = script.get_heads()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head


def test_times_come_back_aware_in_utc(engine: Engine) -> None:
    casablanca = dt.timezone(dt.timedelta(hours=1))
    written = dt.datetime(2026, 11, 25, 10, 30, tzinfo=casablanca)
    with session_scope(engine) as session:
        session.add(Agent(telegram_user_id=5, office_id="hr-leave", created_at=written))
    with session_scope(engine, write=False) as session:
        agent = session.exec(select(Agent)).one()
    assert agent.created_at == written
    assert agent.created_at.utcoffset() == dt.timedelta(0)
    assert agent.created_at.hour == 9


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(dt.datetime(2026, 1, 1), make_engine("sqlite://").dialect)


def test_a_failed_unit_of_work_leaves_nothing_behind(engine: Engine) -> None:
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        session.add(
            StaffMember(
                ppr="1",
                cin="A1",
                full_name_ar="a",
                full_name_fr="a",
                role="teacher",
                school_code="S",
                school_name="S",
            )
        )
        session.flush()
        raise RuntimeError("boom")
    with session_scope(engine, write=False) as session:
        assert session.exec(select(StaffMember)).all() == []


def test_sqlite_file_gets_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/new/folder/db.sqlite3")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    assert (tmp_path / "new" / "folder" / "db.sqlite3").exists()
    engine.dispose()


def test_the_default_database_is_a_sqlite_file_under_data() -> None:
    url = normalize_url(None)
    assert url.get_backend_name() == "sqlite" and url.database == "data/assistant.sqlite3"


def test_plain_postgresql_urls_use_psycopg_3() -> None:
    assert normalize_url("postgresql://u@h/db").drivername == "postgresql+psycopg"

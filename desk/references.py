"""Human references: ``OD-2026-000123`` = prefix, local year, per-year sequence (6 digits)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from models import ReferenceCounter


def next_reference(session: Session, prefix: str, year: int) -> str:
    """Take the next number of ``year`` inside the caller's transaction and format the reference.

    The counter row is created on first use (INSERT … ON CONFLICT DO NOTHING), then bumped with
    ``UPDATE … SET value = value + 1 RETURNING value``: the row lock (PostgreSQL) or the write lock
    (SQLite, BEGIN IMMEDIATE) makes concurrent callers wait for each other, and a rolled-back
    transaction gives its number back. The UNIQUE constraint on the reference is the last guard.
    """
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(ReferenceCounter).values(year=year, value=0).on_conflict_do_nothing(index_elements=["year"])
    )
    value = session.execute(
        update(ReferenceCounter)
        .where(col(ReferenceCounter.year) == year)
        .values(value=col(ReferenceCounter.value) + 1)
        .returning(col(ReferenceCounter.value))
    ).scalar_one()
    return format_reference(prefix, year, value)


def format_reference(prefix: str, year: int, sequence: int) -> str:
    """``format_reference("OD", 2026, 123) == "OD-2026-000123"``."""
    return f"{prefix}-{year}-{sequence:06d}"

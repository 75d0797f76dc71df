"""Run a desk action at most once per ``source_key`` (e.g. ``"tg:<chat_id>:<message_id>"``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from desk.errors import N_, InvalidInput
from desk.uow import UnitOfWork

T = TypeVar("T")
MAX_SOURCE_KEY = 120


def check_source_key(source_key: str | None) -> None:
    if source_key is not None and (not source_key or len(source_key) > MAX_SOURCE_KEY):
        raise InvalidInput(field="source_key", reason=N_("This value is not valid."))


def once(
    uow: UnitOfWork,
    source_key: str | None,
    lookup: Callable[[Session], T | None],
    work: Callable[[Session], T],
) -> T:
    """Return what ``lookup`` finds for the key, else run ``work`` in one transaction.

    Two concurrent calls with the same key: the loser's INSERT hits the UNIQUE constraint, its
    transaction rolls back, and it returns the winner's result. ``lookup`` raises
    ``DuplicateSourceKey`` when the key belongs to something else.
    """
    check_source_key(source_key)
    if source_key is not None:
        with uow.reading() as session:
            found = lookup(session)
        if found is not None:
            return found
    try:
        with uow.transaction() as session:
            return work(session)
    except IntegrityError:
        if source_key is None:
            raise
        with uow.reading() as session:
            found = lookup(session)
        if found is None:
            raise
        return found

"""Who is acting: a Telegram user resolved to their account, staff entry, offices and admin rights."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Boolean, Connection, Integer, String, bindparam, cast, literal_column, null, union_all
from sqlmodel import Session, col, select

from desk.uow import UnitOfWork
from models import Account, Agent, RegistrationStatus, StaffMember, StaffRole
from models.db import one_statement


@dataclass(frozen=True)
class Actor:
    """A person acting on the desk, as the desk sees them at the start of the action.

    ``telegram_id`` is None only for the operator at the command line (an admin).
    """

    telegram_id: int | None
    account_id: int | None = None
    registration: str | None = None
    staff_member_id: int | None = None
    role: str | None = None
    school_code: str | None = None
    language: str = "ar"
    offices: frozenset[str] = field(default_factory=frozenset)
    head_of: frozenset[str] = field(default_factory=frozenset)
    is_admin: bool = False

    @classmethod
    def operator(cls) -> Actor:
        """The person at the command line: an admin without a Telegram identity."""
        return cls(telegram_id=None, is_admin=True)

    @property
    def is_registered(self) -> bool:
        """True when the account is linked to a roster entry."""
        return self.registration == RegistrationStatus.LINKED and self.staff_member_id is not None

    @property
    def is_principal(self) -> bool:
        return self.is_registered and self.role == StaffRole.PRINCIPAL

    @property
    def is_agent(self) -> bool:
        return bool(self.offices)

    def serves(self, office_id: str) -> bool:
        """True when the actor is an agent of ``office_id``."""
        return office_id in self.offices

    def heads(self, office_id: str) -> bool:
        """True when the actor is the head of ``office_id``."""
        return office_id in self.head_of


# This runs on every update: one statement, built once, executed with plain rows back (no ORM objects to build):
# the account and roster entry (kind 0) and the offices served (kind 1). resolve_actor runs it outside any
# transaction, a single round trip on PostgreSQL instead of BEGIN, two queries and COMMIT.
_NONE_INT = cast(null(), Integer)
_NONE_TEXT = cast(null(), String)
_ACTOR = union_all(
    select(  # type: ignore[call-overload]
        literal_column("0"), Account.id, Account.registration_status, Account.language,
        StaffMember.id, StaffMember.role, StaffMember.school_code, _NONE_TEXT, cast(null(), Boolean),
    )
    .outerjoin(StaffMember, col(StaffMember.id) == col(Account.staff_member_id))
    .where(col(Account.telegram_user_id) == bindparam("telegram_id")),
    select(  # type: ignore[call-overload]
        literal_column("1"), _NONE_INT, _NONE_TEXT, _NONE_TEXT, _NONE_INT, _NONE_TEXT, _NONE_TEXT,
        Agent.office_id, Agent.is_head,
    ).where(col(Agent.telegram_user_id) == bindparam("telegram_id")),
)


def _actor(connection: Connection, telegram_id: int, admin_ids: frozenset[int] | set[int] | list[int]) -> Actor:
    account: tuple[Any, ...] = (None,) * 6
    offices: list[tuple[str, bool]] = []
    for kind, *row in connection.execute(_ACTOR, {"telegram_id": telegram_id}):
        if kind == 0:
            account = tuple(row[:6])
        else:
            offices.append((row[6], bool(row[7])))
    account_id, registration, language, staff_id, role, school_code = account
    return Actor(
        telegram_id=telegram_id,
        account_id=account_id,
        registration=registration,
        staff_member_id=staff_id,
        role=role,
        school_code=school_code,
        language=language or "ar",
        offices=frozenset(office for office, _ in offices),
        head_of=frozenset(office for office, head in offices if head),
        is_admin=telegram_id in set(admin_ids),
    )


def actor_in(session: Session, telegram_id: int, admin_ids: frozenset[int] | set[int] | list[int]) -> Actor:
    """Resolve ``telegram_id`` inside an open session (see :func:`resolve_actor`)."""
    return _actor(session.connection(), telegram_id, admin_ids)


def resolve_actor(uow: UnitOfWork, telegram_id: int) -> Actor:
    """Who ``telegram_id`` is: account and roster entry (if any), offices served and headed, admin or not.

    Never raises for an unknown user: a stranger is an Actor with no account and no offices.
    """
    with one_statement(uow.engine) as connection:
        return _actor(connection, telegram_id, uow.settings.admin_telegram_ids)

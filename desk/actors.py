"""Who is acting: a Telegram user resolved to their account, staff entry, offices and admin rights."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from desk.uow import UnitOfWork
from models import Account, Agent, RegistrationStatus, StaffMember, StaffRole


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


# This runs on every update: statements built once, executed on the session's connection with plain rows back
# (no ORM objects to build): under half the CPU of building and running them through the ORM each time.
_ACCOUNT = (
    select(  # type: ignore[call-overload]
        Account.id, Account.registration_status, Account.language,
        StaffMember.id, StaffMember.role, StaffMember.school_code,
    )
    .outerjoin(StaffMember, col(StaffMember.id) == col(Account.staff_member_id))
    .where(col(Account.telegram_user_id) == bindparam("telegram_id"))
)
_OFFICES = select(Agent.office_id, Agent.is_head).where(col(Agent.telegram_user_id) == bindparam("telegram_id"))


def actor_in(session: Session, telegram_id: int, admin_ids: frozenset[int] | set[int] | list[int]) -> Actor:
    """Resolve ``telegram_id`` inside an open session (see :func:`resolve_actor`)."""
    connection = session.connection()
    params = {"telegram_id": telegram_id}
    row = connection.execute(_ACCOUNT, params).first()
    account_id, registration, language, staff_id, role, school_code = row if row is not None else (None,) * 6
    agents = connection.execute(_OFFICES, params).all()
    return Actor(
        telegram_id=telegram_id,
        account_id=account_id,
        registration=registration,
        staff_member_id=staff_id,
        role=role,
        school_code=school_code,
        language=language or "ar",
        offices=frozenset(office for office, _ in agents),
        head_of=frozenset(office for office, head in agents if head),
        is_admin=telegram_id in set(admin_ids),
    )


def resolve_actor(uow: UnitOfWork, telegram_id: int) -> Actor:
    """Who ``telegram_id`` is: account and roster entry (if any), offices served and headed, admin or not.

    Never raises for an unknown user: a stranger is an Actor with no account and no offices.
    """
    with uow.reading() as session:
        return actor_in(session, telegram_id, uow.settings.admin_telegram_ids)

"""People: registration by PPR + CIN, approval or refusal of pending registrations, office agents."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from desk import notifications as notify
from desk.actors import Actor
from desk.errors import (
    N_,
    AccountNotFound,
    AgentAlreadyExists,
    AgentNotFound,
    AlreadyRegistered,
    InvalidInput,
    InvalidTransition,
    NotRegistered,
    StaffNotFound,
    UnknownOffice,
)
from desk.permissions import ADMIN_STATUS_OFFICE, check_decide_registrations, check_manage_agents
from desk.records import record
from desk.uow import UnitOfWork
from desk.validation import bounded_text, validate_cin, validate_ppr
from models import OPEN_STATUSES, Account, Agent, EventKind, RegistrationStatus, Request, Side, StaffMember
from models import queries as q

LANGUAGES = ("ar", "fr")
# Stored as the refusal reason of an account whose staff record an approver linked elsewhere.
RELINKED_REASON = N_("Your staff record was linked to another Telegram account.")


def _check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise InvalidInput(field="language", reason=N_("Please pick one of the offered choices."))
    return language


def register(
    uow: UnitOfWork,
    telegram_id: int,
    ppr: str,
    cin: str,
    *,
    claimed_name: str | None = None,
    language: str = "ar",
    source_key: str | None = None,
) -> Account:
    """Link a Telegram user to the roster by PPR + CIN, or leave the registration pending.

    A roster entry with this PPR and CIN that no other account holds: the account is ``linked``
    at once. Anything else (unknown PPR, CIN mismatch, entry already linked) stays ``pending``
    for an admin or an admin-status agent, who are notified. A pending or refused person may try
    again. The same ``source_key`` (the Telegram message, seen twice after a crash) notifies them once.
    Raises ``InvalidInput`` (PPR, CIN, name, language) or ``AlreadyRegistered`` (linked).
    """
    clean_ppr, clean_cin = validate_ppr(ppr), validate_cin(cin)
    name = bounded_text(claimed_name, "full_name", max_len=200) if claimed_name else None
    _check_language(language)
    for attempt in range(2):  # a concurrent registration of the same person loses on UNIQUE: look again
        try:
            with uow.transaction() as session:
                return _register(session, uow, telegram_id, clean_ppr, clean_cin, name, language, source_key)
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def _register(
    session: Session, uow: UnitOfWork, telegram_id: int, ppr: str, cin: str, name: str | None, language: str,
    source_key: str | None = None,
) -> Account:
    now = uow.now()
    account = session.exec(select(Account).where(Account.telegram_user_id == telegram_id)).first()
    if account is not None and account.registration_status == RegistrationStatus.LINKED:
        raise AlreadyRegistered()
    if account is None:
        account = Account(
            telegram_user_id=telegram_id, registration_status=RegistrationStatus.PENDING, created_at=now
        )
    account.language, account.updated_at = language, now
    account.claimed_ppr, account.claimed_cin, account.claimed_name = ppr, cin, name
    account.decided_by = account.decided_at = account.reason = None
    staff = session.exec(select(StaffMember).where(StaffMember.ppr == ppr)).first()
    holder = None
    if staff is not None:
        holder = session.exec(select(Account).where(Account.staff_member_id == staff.id)).first()
    if staff is not None and staff.cin == cin and holder is None:
        account.staff_member_id = staff.id
        account.registration_status = RegistrationStatus.LINKED
        session.add(account)
        session.flush()
        return account
    account.registration_status = RegistrationStatus.PENDING
    session.add(account)
    session.flush()
    params = {"account_id": account.id, "claimed_name": name, "claimed_ppr": ppr}
    approvers = set(uow.settings.admin_telegram_ids) | set(
        notify.office_agent_ids(session, ADMIN_STATUS_OFFICE)
    )
    for approver in approvers - {telegram_id}:
        key = f"a{account.id}:{source_key or now.isoformat()}"
        notify.to_person(session, approver, notify.Kind.REGISTRATION_PENDING, key, params, now)
    return account


def _pending(session: Session, account_id: int) -> Account:
    account = session.exec(select(Account).where(Account.id == account_id).with_for_update()).first()
    if account is None:
        raise AccountNotFound(account_id=account_id)
    if account.registration_status != RegistrationStatus.PENDING:
        raise InvalidTransition(status=account.registration_status, action="decide_registration")
    return account


def approve_registration(
    uow: UnitOfWork, actor: Actor, account_id: int, staff_member_id: int | None = None
) -> Account:
    """Link a pending account to a roster entry (``staff_member_id``, default: the claimed PPR's).

    If another account held that entry, it loses it (refused, with ``RELINKED_REASON``) and is told.
    The person is told they are registered. Raises ``PermissionDenied``, ``AccountNotFound``,
    ``InvalidTransition`` (not pending), ``StaffNotFound``.
    """
    check_decide_registrations(actor)
    with uow.transaction() as session:
        account = _pending(session, account_id)
        if staff_member_id is not None:
            staff = session.get(StaffMember, staff_member_id)
        else:
            staff = session.exec(select(StaffMember).where(StaffMember.ppr == account.claimed_ppr)).first()
        if staff is None:
            raise StaffNotFound(staff_member_id=staff_member_id, ppr=account.claimed_ppr)
        now = uow.now()
        holder = session.exec(select(Account).where(Account.staff_member_id == staff.id)).first()
        if holder is not None:
            holder.staff_member_id, holder.registration_status = None, RegistrationStatus.REFUSED
            holder.reason, holder.decided_by, holder.decided_at, holder.updated_at = (
                RELINKED_REASON,
                actor.telegram_id,
                now,
                now,
            )
            session.add(holder)
            session.flush()
            notify.to_person(
                session,
                holder.telegram_user_id,
                notify.Kind.REGISTRATION_REFUSED,
                f"a{holder.id}:{now.isoformat()}",
                {"reason": RELINKED_REASON},
                now,
            )
        account.staff_member_id, account.registration_status = staff.id, RegistrationStatus.LINKED
        account.decided_by, account.decided_at, account.updated_at, account.reason = (
            actor.telegram_id,
            now,
            now,
            None,
        )
        session.add(account)
        session.flush()
        notify.to_person(
            session,
            account.telegram_user_id,
            notify.Kind.REGISTRATION_APPROVED,
            f"a{account.id}:{now.isoformat()}",
            {},
            now,
        )
        return account


def refuse_registration(uow: UnitOfWork, actor: Actor, account_id: int, reason: str) -> Account:
    """Refuse a pending registration with a reason (required, ≤ 500 characters); the person is told.

    Raises ``PermissionDenied``, ``AccountNotFound``, ``InvalidTransition`` (not pending), ``InvalidInput``.
    """
    check_decide_registrations(actor)
    text = bounded_text(reason, "reason", max_len=500)
    with uow.transaction() as session:
        account = _pending(session, account_id)
        now = uow.now()
        account.registration_status, account.reason = RegistrationStatus.REFUSED, text
        account.decided_by, account.decided_at, account.updated_at = actor.telegram_id, now, now
        session.add(account)
        session.flush()
        notify.to_person(
            session,
            account.telegram_user_id,
            notify.Kind.REGISTRATION_REFUSED,
            f"a{account.id}:{now.isoformat()}",
            {"reason": text},
            now,
        )
        return account


def set_language(uow: UnitOfWork, actor: Actor, language: str) -> Account:
    """Change the actor's language (``ar`` or ``fr``). Raises ``InvalidInput``, ``NotRegistered``."""
    _check_language(language)
    if actor.account_id is None:
        raise NotRegistered()
    with uow.transaction() as session:
        account = session.get(Account, actor.account_id)
        if account is None:
            raise NotRegistered()
        account.language, account.updated_at = language, uow.now()
        session.add(account)
        return account


def add_agent(
    uow: UnitOfWork, actor: Actor, telegram_id: int, office_id: str, *, is_head: bool = False
) -> Agent:
    """Make ``telegram_id`` an agent of ``office_id`` (an agent may serve several offices).

    Adding an existing agent with another ``is_head`` updates the flag. Raises ``PermissionDenied``
    (admins only), ``UnknownOffice``, ``InvalidInput`` (Telegram id), ``AgentAlreadyExists``.
    """
    check_manage_agents(actor)
    if not uow.directory.has_office(office_id):
        raise UnknownOffice(office_id=office_id)
    if telegram_id <= 0:
        raise InvalidInput(field="telegram_id", reason=N_("This value is not valid."))
    with uow.transaction() as session:
        agent = session.exec(
            select(Agent).where(Agent.telegram_user_id == telegram_id, Agent.office_id == office_id)
        ).first()
        if agent is not None:
            if agent.is_head == is_head:
                raise AgentAlreadyExists(telegram_id=telegram_id, office_id=office_id)
            agent.is_head = is_head
        else:
            agent = Agent(
                telegram_user_id=telegram_id, office_id=office_id, is_head=is_head, created_at=uow.now()
            )
        session.add(agent)
        session.flush()
        return agent


def remove_agent(
    uow: UnitOfWork, actor: Actor, telegram_id: int, office_id: str | None = None
) -> list[Agent]:
    """Remove an agent from one office (or from all). The open requests they held there become
    unassigned (still in their office's queue, with a ``reassigned`` event).

    Returns the removed rows. Raises ``PermissionDenied`` (admins only), ``AgentNotFound``.
    """
    check_manage_agents(actor)
    with uow.transaction() as session:
        query = select(Agent).where(Agent.telegram_user_id == telegram_id)
        if office_id is not None:
            query = query.where(Agent.office_id == office_id)
        removed = list(session.exec(query).all())
        if not removed:
            raise AgentNotFound(telegram_id=telegram_id, office_id=office_id)
        offices = [a.office_id for a in removed]
        held = session.exec(
            select(Request).where(
                Request.assignee_telegram_id == telegram_id,
                col(Request.office_id).in_(offices),
                col(Request.status).in_(sorted(OPEN_STATUSES)),
            )
        ).all()
        now = uow.now()
        for request in held:
            request.assignee_telegram_id, request.updated_at = None, now
            record(session, request, actor, EventKind.REASSIGNED, Side.OFFICE, from_status=request.status)
        for agent in removed:
            session.delete(agent)
        return removed


def list_agents(uow: UnitOfWork, actor: Actor, office_id: str | None = None) -> list[Agent]:
    """Agents, by office then Telegram id (admins only). Raises ``PermissionDenied``, ``UnknownOffice``."""
    check_manage_agents(actor)
    if office_id is not None and not uow.directory.has_office(office_id):
        raise UnknownOffice(office_id=office_id)
    with uow.reading() as session:
        return q.agents(session, office_id)


__all__ = [
    "LANGUAGES",
    "RELINKED_REASON",
    "add_agent",
    "approve_registration",
    "list_agents",
    "refuse_registration",
    "register",
    "remove_agent",
    "set_language",
]

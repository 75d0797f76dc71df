"""Personal data (Morocco's law 09-08): what the bot holds about a person, erasure on request, and who
may receive a request's files.

- ``personal_data``: everything the bot holds about the acting person (account, roster entry, requests).
- ``find_people`` / ``erase_person``: an admin erases a person's personal data in one transaction. What
  stays is anonymous: the requests keep their office, type, dates and statuses (the weekly statistics need
  them) and the categorical answers (which certificate, which kind of leave); names, CIN, phone, PPR,
  Telegram ids, free texts, file ids, drafts and notices about them go.
- ``can_receive_files`` / ``request_files`` / ``recipient_may_receive_files``: a request's files go only to
  its requester, the agents of the office handling it, and admins.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, select

from desk.actors import Actor, actor_in
from desk.errors import N_, DeskError, NotFound, PermissionDenied, RequestNotFound
from desk.permissions import is_requester
from desk.uow import UnitOfWork
from desk.validation import validate_ppr
from models import (
    Account,
    Agent,
    Attachment,
    BotState,
    Notification,
    Request,
    RequestEvent,
    RequestMessage,
    StaffMember,
)

log = logging.getLogger(__name__)

# What an erased message's text becomes (a msgid: the history shows it in the reader's language).
ERASED_TEXT = N_("(erased at the person's request)")
# An erased account's registration status: neither linked, pending nor refused, so no list shows it again.
ERASED_STATUS = "erased"
# The answers kept on an erased request: choices among fixed lists, never free text, dates or people.
KEPT_DETAILS = frozenset(
    {"leave_kind", "certificate", "language", "copies", "victim", "confidential", "document", "office_id"}
)


class PersonNotFound(NotFound):
    """No account or roster entry matches the Telegram id or PPR given."""

    message = N_("No person with this Telegram id or PPR is known to the bot.")


class PersonIsAgent(DeskError):
    """An office agent's data is not erased while they still serve an office."""

    message = N_("This person is still an agent of an office: remove them from their offices first.")


# --------------------------------------------------------------------------- what the bot holds about me


@dataclass(frozen=True)
class RequestSummary:
    reference: str
    request_type: str
    office_id: str
    status: str
    filed_on: dt.date
    due_on: dt.date
    filed_for_you: bool = False  # filed by your principal on your behalf


@dataclass(frozen=True)
class PersonalData:
    """Everything the bot holds about one Telegram user (``as_json`` gives it as plain data)."""

    telegram_id: int
    language: str | None = None
    registration: str | None = None
    registered_on: dt.date | None = None
    # PPR, CIN and name given at a registration still pending (not linked to the roster)
    claimed: dict[str, str | None] = field(default_factory=dict)
    staff: dict[str, str | None] = field(default_factory=dict)  # the roster entry
    offices: list[tuple[str, bool]] = field(default_factory=list)  # (office id, head)
    is_admin: bool = False
    requests: list[RequestSummary] = field(default_factory=list)
    messages: int = 0  # messages written by the person
    files: int = 0  # files sent by the person
    drafts: int = 0  # stored conversation states and drafts

    @property
    def is_empty(self) -> bool:
        return not (
            self.language or self.staff or self.offices or self.requests or self.drafts or self.is_admin
        )

    def as_json(self) -> dict[str, Any]:
        return json.loads(json.dumps(asdict(self), default=str))


def personal_data(uow: UnitOfWork, actor: Actor) -> PersonalData:
    """What the bot holds about ``actor`` (their own data only; anyone may ask)."""
    telegram_id = actor.telegram_id
    if telegram_id is None:
        raise PermissionDenied(action="personal_data")
    with uow.reading() as session:
        account = _account(session, telegram_id)
        staff = (
            session.get(StaffMember, account.staff_member_id) if account and account.staff_member_id else None
        )
        offices = [
            (a.office_id, a.is_head)
            for a in session.exec(
                select(Agent).where(Agent.telegram_user_id == telegram_id).order_by(col(Agent.office_id))
            ).all()
        ]
        requests = _requests_about(session, account, staff)
        own = {r.id for r in requests if account is not None and r.requester_account_id == account.id}
        messages = session.exec(select(RequestMessage.id).where(_authored_by(telegram_id, account))).all()
        files = session.exec(
            select(Attachment.id).where(Attachment.added_by_telegram_id == telegram_id)
        ).all()
        states = _states_of(session, telegram_id)
    return PersonalData(
        telegram_id=telegram_id,
        language=account.language if account else None,
        registration=account.registration_status if account else None,
        registered_on=account.created_at.date() if account else None,
        claimed={"ppr": account.claimed_ppr, "cin": account.claimed_cin, "name": account.claimed_name}
        if account and account.staff_member_id is None and account.claimed_ppr
        else {},
        staff=_staff_fields(staff) if staff else {},
        offices=offices,
        is_admin=actor.is_admin,
        requests=[RequestSummary(r.reference, r.request_type, r.office_id, r.status, r.filed_on, r.due_on,
                                 filed_for_you=r.id not in own) for r in requests],
        messages=len(messages),
        files=len(files),
        drafts=len(states),
    )


def _staff_fields(staff: StaffMember) -> dict[str, str | None]:
    names = ("ppr", "cin", "full_name_ar", "full_name_fr", "role", "school_code", "school_name", "phone")
    return {name: getattr(staff, name) for name in names}


def _account(session: Session, telegram_id: int) -> Account | None:
    return session.exec(select(Account).where(Account.telegram_user_id == telegram_id)).first()


def _requests_about(session: Session, account: Account | None, staff: StaffMember | None) -> list[Request]:
    """Requests the person filed, and those a principal filed on their behalf; oldest first."""
    conditions = []
    if account is not None:
        conditions.append(col(Request.requester_account_id) == account.id)
    if staff is not None:
        conditions.append(col(Request.on_behalf_of_staff_id) == staff.id)
    if not conditions:
        return []
    query = select(Request).where(or_(*conditions)).order_by(col(Request.created_at), col(Request.id))
    return list(session.exec(query).all())


def _authored_by(telegram_id: int, account: Account | None) -> Any:
    condition = col(RequestMessage.author_telegram_id) == telegram_id
    if account is not None:
        condition = or_(condition, col(RequestMessage.author_account_id) == account.id)
    return condition


def _states_of(session: Session, telegram_id: int) -> list[BotState]:
    """The person's stored drafts ("user" scope) and conversation states (keys are JSON lists of ids)."""
    rows = session.exec(select(BotState).where(col(BotState.key).contains(str(telegram_id)))).all()
    mine = []
    for row in rows:
        if row.scope == "user":
            if row.key == str(telegram_id):
                mine.append(row)
            continue
        try:
            ids = json.loads(row.key)
        except ValueError:
            continue
        if isinstance(ids, list) and telegram_id in ids:
            mine.append(row)
    return mine


# --------------------------------------------------------------------------- erasure on request


@dataclass(frozen=True)
class Person:
    """Someone an admin may erase, as the confirmation shows them."""

    by: str  # "t" (found by Telegram id) or "p" (by PPR)
    value: str  # the Telegram id or PPR
    telegram_id: int | None
    ppr: str | None
    name_ar: str | None
    name_fr: str | None
    school_name: str | None
    requests: int


@dataclass(frozen=True)
class ErasureReport:
    """How much was anonymized (counts only: the log line and the admin's confirmation say no more)."""

    requests: int = 0
    messages: int = 0
    files: int = 0
    notifications: int = 0
    states: int = 0
    staff_entry: bool = False
    account: bool = False
    telegram_id: int | None = None  # whose drafts a running bot should also forget (never logged)


def check_may_erase(actor: Actor) -> None:
    if not actor.is_admin:
        raise PermissionDenied(action="erase_personal_data")


def find_people(uow: UnitOfWork, actor: Actor, number: str) -> list[Person]:
    """Who ``number`` may designate: the person with this Telegram id and the roster entry with this PPR
    (admins only). Raises ``PermissionDenied``, ``PersonNotFound`` (no one)."""
    check_may_erase(actor)
    digits = number.strip()
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 15:
        raise PersonNotFound()
    found: list[Person] = []
    with uow.reading() as session:
        account = _account(session, int(digits))
        if account is not None:
            staff = session.get(StaffMember, account.staff_member_id) if account.staff_member_id else None
            found.append(_person(session, "t", digits, account, staff))
        if len(digits) <= 10:
            staff = session.exec(select(StaffMember).where(StaffMember.ppr == digits)).first()
            if staff is not None and (account is None or account.staff_member_id != staff.id):
                holder = session.exec(select(Account).where(Account.staff_member_id == staff.id)).first()
                found.append(_person(session, "p", digits, holder, staff))
    if not found:
        raise PersonNotFound()
    return found


def _person(
    session: Session, by: str, value: str, account: Account | None, staff: StaffMember | None
) -> Person:
    return Person(
        by=by, value=value, telegram_id=account.telegram_user_id if account else None,
        ppr=staff.ppr if staff else (account.claimed_ppr if account else None),
        name_ar=staff.full_name_ar if staff else (account.claimed_name if account else None),
        name_fr=staff.full_name_fr if staff else (account.claimed_name if account else None),
        school_name=staff.school_name if staff else None,
        requests=len(_requests_about(session, account, staff)),
    )


def erase_person(
    uow: UnitOfWork, actor: Actor, *, telegram_id: int | None = None, ppr: str | None = None
) -> ErasureReport:
    """Erase the personal data of the person with this Telegram id or PPR (admins only), in one transaction.

    Roster entry: names, CIN and phone blanked, the PPR replaced by a placeholder. Account: unlinked, its
    Telegram id replaced by a placeholder (the person is a stranger to the bot from now on). Their requests
    (filed by them, or for them by a principal) keep office, type, dates, statuses and choice answers;
    free-text answers, message texts (→ ``ERASED_TEXT``), event notes, Telegram ids, file ids (the
    attachments), notices about them and their stored drafts are removed. Raises ``PermissionDenied``,
    ``InvalidInput`` (PPR), ``PersonNotFound``, ``PersonIsAgent``.
    """
    check_may_erase(actor)
    if (telegram_id is None) == (ppr is None):
        raise PersonNotFound()
    clean_ppr = validate_ppr(ppr) if ppr is not None else None
    with uow.transaction() as session:
        if telegram_id is not None:
            account = _account(session, telegram_id)
            staff = session.get(StaffMember, account.staff_member_id or 0) if account else None
        else:
            staff = session.exec(select(StaffMember).where(StaffMember.ppr == clean_ppr)).first()
            holder = select(Account).where(Account.staff_member_id == (staff.id if staff else None))
            account = session.exec(holder).first() if staff is not None else None
            telegram_id = account.telegram_user_id if account is not None else None
        states = _states_of(session, telegram_id) if telegram_id is not None else []
        admins = uow.settings.admin_telegram_ids
        if telegram_id is not None and actor_in(session, telegram_id, admins).is_agent:
            raise PersonIsAgent()
        if account is None and staff is None and not states:
            raise PersonNotFound()
        report = _erase(session, uow, account, staff, telegram_id, states)
    # Anonymous: counts only, never who.
    log.info("Personal data erased on request: %d request(s) anonymized, %d message(s), %d file(s), "
             "%d notice(s), %d stored state(s)",
             report.requests, report.messages, report.files, report.notifications, report.states)
    return report


def _erase(session: Session, uow: UnitOfWork, account: Account | None, staff: StaffMember | None,
           telegram_id: int | None, states: list[BotState]) -> ErasureReport:
    now = uow.now()
    requests = _requests_about(session, account, staff)
    ids = [r.id for r in requests]
    for request in requests:
        request.details = {k: v for k, v in (request.details or {}).items() if k in KEPT_DETAILS}
        request.source_key = None  # holds the person's chat id
        session.add(request)
    messages = 0
    touched = [col(RequestMessage.request_id).in_(ids)] if ids else []
    if telegram_id is not None:
        touched.append(col(RequestMessage.author_telegram_id) == telegram_id)
    if account is not None:
        touched.append(col(RequestMessage.author_account_id) == account.id)
    for message in session.exec(select(RequestMessage).where(or_(*touched))).all() if touched else []:
        message.text = ERASED_TEXT
        message.telegram_chat_id = message.telegram_message_id = message.source_key = None
        if message.author_side == "requester":
            message.author_telegram_id = None
        session.add(message)
        messages += 1
    files = 0
    if ids:
        files = len(session.exec(select(Attachment.id).where(col(Attachment.request_id).in_(ids))).all())
        session.exec(delete(Attachment).where(col(Attachment.request_id).in_(ids)))  # type: ignore[call-overload]
        # The event log is append-only for the desk; a legal erasure is the one exception, done in bulk (the
        # ORM guard against updates does not apply), keeping every event's kind, time, statuses and offices.
        notes = update(RequestEvent).where(col(RequestEvent.request_id).in_(ids)).values(note=None)
        session.exec(notes)  # type: ignore[call-overload]
    if telegram_id is not None:
        actors = update(RequestEvent).where(col(RequestEvent.actor_telegram_id) == telegram_id)
        session.exec(actors.values(actor_telegram_id=None))  # type: ignore[call-overload]
    notices = _notices_about(session, ids, telegram_id, account)
    for notice in notices:
        session.delete(notice)
    for state in states:
        session.delete(state)
    if staff is not None:
        _blank_staff(session, staff, now)
    if account is not None:
        assert account.id is not None
        account.telegram_user_id = -account.id  # no Telegram user has a negative id: unique, and nobody's
        account.staff_member_id = None
        account.claimed_ppr = account.claimed_cin = account.claimed_name = account.reason = None
        account.decided_by = None
        account.registration_status = ERASED_STATUS
        account.updated_at = now
        session.add(account)
    session.flush()
    return ErasureReport(len(requests), messages, files, len(notices), len(states), staff is not None,
                         account is not None, telegram_id)


def _blank_staff(session: Session, staff: StaffMember, now: dt.datetime) -> None:
    """Names, CIN and phone blanked; the PPR replaced by a placeholder no real PPR (digits only) can equal.
    Role and school stay: they are what the statistics count by."""
    for claimant in session.exec(select(Account).where(Account.claimed_ppr == staff.ppr)).all():
        claimant.claimed_ppr = claimant.claimed_cin = None  # a claim on this entry names the person too
        session.add(claimant)
    staff.ppr = f"~{staff.id}"
    staff.cin = ""
    staff.full_name_ar = staff.full_name_fr = ""
    staff.phone = None
    staff.updated_at = now
    session.add(staff)


def _notices_about(
    session: Session, request_ids: list[int | None], telegram_id: int | None, account: Account | None
) -> list[Notification]:
    """Notices to the person, about their requests, or announcing their registration (texts, names, ids)."""
    conditions = []
    if request_ids:
        conditions.append(col(Notification.request_id).in_(request_ids))
    if telegram_id is not None:
        conditions.append(col(Notification.recipient_telegram_id) == telegram_id)
    found = list(session.exec(select(Notification).where(or_(*conditions))).all()) if conditions else []
    if account is not None:
        seen = {n.id for n in found}
        unattached = session.exec(select(Notification).where(col(Notification.request_id).is_(None))).all()
        found += [n for n in unattached
                  if n.id not in seen and (n.params or {}).get("account_id") == account.id]
    return found


# ---------------------------------------------------------------------- who may receive a request's files


def can_receive_files(actor: Actor, request: Request) -> bool:
    """Files go to the requester, the agents of the office handling the request now, and admins; nobody
    else (not a principal of the same school, not the office the request was transferred away from)."""
    return actor.is_admin or is_requester(actor, request) or actor.serves(request.office_id)


def request_files(uow: UnitOfWork, actor: Actor, request_id: int) -> tuple[Request, list[Attachment]]:
    """The request and its files, for someone who may receive them. Raises ``RequestNotFound`` for anyone
    else (the request's existence is not revealed)."""
    with uow.reading() as session:
        request = session.get(Request, request_id)
        if request is None or not can_receive_files(actor, request):
            raise RequestNotFound(request_id=request_id)
        files = session.exec(
            select(Attachment).where(Attachment.request_id == request_id).order_by(col(Attachment.id))
        ).all()
        return request, list(files)


def recipient_may_receive_files(uow: UnitOfWork, telegram_id: int, request_id: int) -> bool:
    """Whether a notice's recipient may still receive the request's files at delivery time (a notice written
    for an office may be delivered after the request was transferred elsewhere, or the agent removed)."""
    with uow.reading() as session:
        request = session.get(Request, request_id)
        if request is None:
            return False
        return can_receive_files(actor_in(session, telegram_id, uow.settings.admin_telegram_ids), request)

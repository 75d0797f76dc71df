"""What a person may read: their requests, an office's queue, one request's history.

Each function checks permission first, then runs a named query from ``models.queries``.
"""

from __future__ import annotations

from collections.abc import Iterable

from desk.actors import Actor
from desk.errors import PermissionDenied, RequestNotFound, UnknownOffice
from desk.permissions import can_decide_registrations, can_see_office_queue, can_view
from desk.uow import UnitOfWork
from models import Account, Request, StaffMember
from models import queries as q


def my_requests(
    uow: UnitOfWork, actor: Actor, *, limit: int = q.DEFAULT_PAGE, offset: int = 0
) -> list[Request]:
    """The actor's own requests, newest first; a principal also sees those filed for their school's staff.

    An unregistered actor has none.
    """
    if actor.account_id is None:
        return []
    school = actor.school_code if actor.is_principal else None
    with uow.reading() as session:
        return q.person_requests(session, actor.account_id, school_code=school, limit=limit, offset=offset)


def office_queue(
    uow: UnitOfWork,
    actor: Actor,
    office_id: str | None = None,
    *,
    statuses: Iterable[str] | None = None,
    limit: int = q.DEFAULT_PAGE,
    offset: int = 0,
) -> list[Request]:
    """A page of one office's queue (``office_id``), or of all the offices the agent serves.

    Open requests by default, overdue first then oldest. Raises ``UnknownOffice`` or
    ``PermissionDenied`` (not an agent of that office, not an admin).
    """
    if office_id is not None:
        if not uow.directory.has_office(office_id):
            raise UnknownOffice(office_id=office_id)
        if not can_see_office_queue(actor, office_id):
            raise PermissionDenied(action="view_queue")
        offices: list[str] = [office_id]
    else:
        if not actor.offices:
            raise PermissionDenied(action="view_queue")
        offices = sorted(actor.offices)
    with uow.reading() as session:
        today = uow.today()
        return q.office_queue(session, offices, today=today, statuses=statuses, limit=limit, offset=offset)


def request_history(uow: UnitOfWork, actor: Actor, request_id: int) -> q.RequestHistory:
    """The request with its events, messages and attachments. Raises ``RequestNotFound`` when it does
    not exist or the actor may not see it."""
    with uow.reading() as session:
        history = q.request_history(session, request_id)
    if history is None or not can_view(actor, history.request):
        raise RequestNotFound(request_id=request_id)
    return history


def find_request(uow: UnitOfWork, actor: Actor, reference: str) -> Request:
    """The request with this reference, if the actor may see it; else ``RequestNotFound``."""
    with uow.reading() as session:
        request = q.request_by_reference(session, reference)
    if request is None or not can_view(actor, request):
        raise RequestNotFound(reference=reference)
    return request


def pending_registrations(
    uow: UnitOfWork, actor: Actor, *, limit: int = q.DEFAULT_PAGE, offset: int = 0
) -> list[Account]:
    """Registrations waiting for a decision (admins and admin-status agents only)."""
    if not can_decide_registrations(actor):
        raise PermissionDenied(action="decide_registration")
    with uow.reading() as session:
        return q.pending_registrations(session, limit=limit, offset=offset)


def my_school_staff(uow: UnitOfWork, actor: Actor) -> list[StaffMember]:
    """The staff of a principal's school (to pick whom a document is handed in for)."""
    if not actor.is_principal or actor.school_code is None:
        raise PermissionDenied(action="view_school_staff")
    with uow.reading() as session:
        return q.school_staff(session, actor.school_code)


def request_for_telegram_message(
    uow: UnitOfWork, actor: Actor, chat_id: int, message_id: int
) -> Request | None:
    """The request a Telegram message belongs to (a delivered notice or a thread message), when the actor may
    see it; None otherwise (unknown message, or someone else's request: its existence is not revealed)."""
    with uow.reading() as session:
        request_id = q.request_id_for_telegram_message(session, chat_id, message_id)
        request = session.get(Request, request_id) if request_id is not None else None
    if request is None or not can_view(actor, request):
        return None
    return request

"""A request's status changes: claim, transfer, resolve, reject, reassign (office side);
withdraw and reopen (requester side). Each function is one transaction and notifies who must hear."""

from __future__ import annotations

from sqlmodel import Session, select

from desk import notifications as notify
from desk.actors import Actor
from desk.errors import (
    AgentNotFound,
    AlreadyClaimed,
    InvalidTransition,
    PermissionDenied,
    ReopenWindowExpired,
    SameOffice,
    UnknownOffice,
)
from desk.permissions import Action
from desk.records import clean_note, load_for, record, require_open, take_if_unassigned
from desk.uow import UnitOfWork
from models import Agent, EventKind, Request, RequestEvent, RequestStatus, Side


def status_notice(
    session: Session,
    request: Request,
    event: RequestEvent,
    before: str,
    actor: Actor,
    note: str | None = None,
) -> None:
    """Tell the requester their request changed status (not when they changed it themselves)."""
    if before == request.status:
        return
    params = notify.request_params(
        request, old_status=before, status=request.status, event=event.kind, note=note
    )
    notify.to_requester(session, request, event, notify.Kind.STATUS_CHANGED, params, skip=actor.telegram_id)


def claim(uow: UnitOfWork, actor: Actor, request_id: int) -> Request:
    """An agent of the request's office takes it: assigned to them, ``new`` → ``in_progress``.

    Raises ``RequestNotFound``, ``PermissionDenied``, ``RequestClosed``, ``AlreadyClaimed``.
    """
    with uow.transaction() as session:
        request = load_for(session, actor, request_id, Action.CLAIM)
        require_open(request, "claim")
        if request.assignee_telegram_id is not None:
            raise AlreadyClaimed()
        if actor.telegram_id is None:
            raise PermissionDenied(action="claim")
        request.updated_at = uow.now()
        before = request.status
        event = take_if_unassigned(session, request, actor)
        assert event is not None  # the request had no holder
        status_notice(session, request, event, before, actor)
        return request


def transfer(uow: UnitOfWork, actor: Actor, request_id: int, to_office_id: str, note: str) -> Request:
    """Send the request to another office with a note: unassigned, back to ``new``, due date kept.

    The new office's agents and the requester are told. Raises ``RequestNotFound``,
    ``PermissionDenied``, ``RequestClosed``, ``UnknownOffice``, ``SameOffice``, ``InvalidInput``.
    """
    with uow.transaction() as session:
        request = load_for(session, actor, request_id, Action.TRANSFER)
        require_open(request, "transfer")
        if not uow.directory.has_office(to_office_id):
            raise UnknownOffice(office_id=to_office_id)
        if to_office_id == request.office_id:
            raise SameOffice(office_id=to_office_id)
        text = clean_note(note, required=True)
        before, from_office = request.status, request.office_id
        request.office_id = to_office_id
        request.status = RequestStatus.NEW
        request.assignee_telegram_id = None
        request.updated_at = uow.now()
        event = record(
            session,
            request,
            actor,
            EventKind.TRANSFERRED,
            Side.OFFICE,
            from_status=before,
            note=text,
            from_office_id=from_office,
            to_office_id=to_office_id,
        )
        to_agents = notify.request_params(
            request, from_office_id=from_office, office_id=to_office_id, note=text, due_on=request.due_on
        )
        notify.to_office(
            session, request, event, notify.Kind.REQUEST_TRANSFERRED_TO_OFFICE, to_agents, actor.telegram_id
        )
        to_requester = notify.request_params(request, office_id=to_office_id, status=request.status)
        notify.to_requester(
            session, request, event, notify.Kind.REQUEST_TRANSFERRED, to_requester, actor.telegram_id
        )
        return request


def _close(
    uow: UnitOfWork,
    actor: Actor,
    request_id: int,
    action: Action,
    status: RequestStatus,
    kind: EventKind,
    note: str | None,
) -> Request:
    with uow.transaction() as session:
        request = load_for(session, actor, request_id, action)
        require_open(request, str(action))
        now = uow.now()
        request.updated_at = now
        before = request.status
        take_if_unassigned(session, request, actor)
        request.status = status
        request.closed_at = now
        event = record(session, request, actor, kind, Side.OFFICE, from_status=before, note=note)
        status_notice(session, request, event, before, actor, note=note)
        return request


def resolve(uow: UnitOfWork, actor: Actor, request_id: int, note: str | None = None) -> Request:
    """The office closes the request as done (optional note for the requester, who is told).

    Raises ``RequestNotFound``, ``PermissionDenied``, ``RequestClosed``, ``InvalidInput``.
    """
    text = clean_note(note)
    return _close(uow, actor, request_id, Action.RESOLVE, RequestStatus.RESOLVED, EventKind.RESOLVED, text)


def reject(uow: UnitOfWork, actor: Actor, request_id: int, reason: str) -> Request:
    """The office refuses the request with a reason (required; the requester is told).

    Raises ``RequestNotFound``, ``PermissionDenied``, ``RequestClosed``, ``InvalidInput``.
    """
    text = clean_note(reason, "reason", required=True)
    return _close(uow, actor, request_id, Action.REJECT, RequestStatus.REJECTED, EventKind.REJECTED, text)


def reassign(uow: UnitOfWork, actor: Actor, request_id: int, to_telegram_id: int) -> Request:
    """The office head (or an admin) gives the request to another agent of its office.

    A ``new`` request becomes ``in_progress``; the new holder is told, and the requester when the
    status changed. Reassigning to the current holder changes nothing.
    Raises ``RequestNotFound``, ``PermissionDenied``, ``RequestClosed``, ``AgentNotFound``.
    """
    with uow.transaction() as session:
        request = load_for(session, actor, request_id, Action.REASSIGN)
        require_open(request, "reassign")
        agent = session.exec(
            select(Agent).where(
                Agent.telegram_user_id == to_telegram_id, Agent.office_id == request.office_id
            )
        ).first()
        if agent is None:
            raise AgentNotFound(telegram_id=to_telegram_id, office_id=request.office_id)
        if request.assignee_telegram_id == to_telegram_id:
            return request
        before = request.status
        request.assignee_telegram_id = to_telegram_id
        if request.status == RequestStatus.NEW:
            request.status = RequestStatus.IN_PROGRESS
        request.updated_at = uow.now()
        event = record(session, request, actor, EventKind.REASSIGNED, Side.OFFICE, from_status=before)
        params = notify.request_params(request, office_id=request.office_id, due_on=request.due_on)
        if to_telegram_id != actor.telegram_id:
            notify.to_agent(session, request, event, notify.Kind.REQUEST_ASSIGNED, params, to_telegram_id)
        status_notice(session, request, event, before, actor)
        return request


def withdraw(uow: UnitOfWork, actor: Actor, request_id: int, reason: str | None = None) -> Request:
    """The requester withdraws an open request; whoever handles it is told.

    Raises ``RequestNotFound``, ``PermissionDenied``, ``RequestClosed``, ``InvalidInput``.
    """
    text = clean_note(reason, "reason")
    with uow.transaction() as session:
        request = load_for(session, actor, request_id, Action.WITHDRAW)
        require_open(request, "withdraw")
        before = request.status
        now = uow.now()
        request.status = RequestStatus.WITHDRAWN
        request.updated_at = request.closed_at = now
        event = record(
            session, request, actor, EventKind.WITHDRAWN, Side.REQUESTER, from_status=before, note=text
        )
        params = notify.request_params(request, note=text)
        notify.to_handler(session, request, event, notify.Kind.REQUEST_WITHDRAWN, params, actor.telegram_id)
        status_notice(session, request, event, before, actor)
        return request


def reopen(uow: UnitOfWork, actor: Actor, request_id: int, reason: str | None = None) -> Request:
    """The requester reopens a resolved request within ``settings.reopen_window_days`` (calendar days,
    local dates) of its resolution: back to ``in_progress`` with its agent, else ``new``, with a fresh
    due date counted from today. Whoever handles it is told.

    Raises ``RequestNotFound``, ``PermissionDenied``, ``InvalidTransition`` (not resolved),
    ``ReopenWindowExpired``, ``InvalidInput``.
    """
    text = clean_note(reason, "reason")
    with uow.transaction() as session:
        request = load_for(session, actor, request_id, Action.REOPEN)
        if request.status != RequestStatus.RESOLVED or request.closed_at is None:
            raise InvalidTransition(status=request.status, action="reopen")
        today = uow.today()
        resolved_on = uow.calendar.local_date(request.closed_at)
        if (today - resolved_on).days > uow.settings.reopen_window_days:
            raise ReopenWindowExpired(days=uow.settings.reopen_window_days)
        before = request.status
        request.status = RequestStatus.IN_PROGRESS if request.assignee_telegram_id else RequestStatus.NEW
        request.closed_at = None
        request.updated_at = uow.now()
        request.due_on = uow.calendar.add_working_days(today, uow.settings.target_days(request.request_type))
        event = record(
            session, request, actor, EventKind.REOPENED, Side.REQUESTER, from_status=before, note=text
        )
        params = notify.request_params(request, note=text, status=request.status, due_on=request.due_on)
        notify.to_handler(session, request, event, notify.Kind.REQUEST_REOPENED, params, actor.telegram_id)
        status_notice(session, request, event, before, actor)
        return request

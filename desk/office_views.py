"""What the office side reads beyond ``desk.views``: a request's whole file, whether an action is possible
now (checked before the bot asks an agent to type a reply), an office's agents, and counts per office.

Like ``desk.views``, each function checks permission first; a request the actor may not see raises
``RequestNotFound`` (its existence is not revealed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import select

from desk.actors import Actor
from desk.errors import PermissionDenied, RequestNotFound, UnknownOffice
from desk.permissions import Action, can_view, check
from desk.records import require_open
from desk.uow import UnitOfWork
from models import Account, Agent, Notification, NotificationStatus, Request, StaffMember
from models import queries as q


@dataclass(frozen=True)
class RequestFile:
    """A request as the office sees it: its history, who filed it, for whom, and the notices that
    could not reach their recipient."""

    history: q.RequestHistory
    requester: StaffMember | None
    on_behalf_of: StaffMember | None
    undeliverable: list[Notification]
    requester_telegram_id: int | None = None

    @property
    def request(self) -> Request:
        return self.history.request

    @property
    def requester_unreachable(self) -> bool:
        """True when a notice to the requester could not be delivered (bot blocked, account gone)."""
        return any(n.recipient_telegram_id == self.requester_telegram_id for n in self.undeliverable)


def request_file(uow: UnitOfWork, actor: Actor, request_id: int) -> RequestFile:
    """The request's file. Raises ``RequestNotFound`` when it does not exist or the actor may not see it."""
    with uow.reading() as session:
        history = q.request_history(session, request_id)
        if history is None or not can_view(actor, history.request):
            raise RequestNotFound(request_id=request_id)
        request = history.request
        account = session.get(Account, request.requester_account_id)
        requester = (
            session.get(StaffMember, account.staff_member_id) if account and account.staff_member_id else None
        )
        behalf = (
            session.get(StaffMember, request.on_behalf_of_staff_id) if request.on_behalf_of_staff_id else None
        )
        undeliverable = list(
            session.exec(
                select(Notification).where(
                    Notification.request_id == request_id,
                    Notification.status == NotificationStatus.UNDELIVERABLE,
                )
            ).all()
        )
    requester_tg = account.telegram_user_id if account else None
    return RequestFile(history, requester, behalf, undeliverable, requester_tg)


def ready_for(uow: UnitOfWork, actor: Actor, request_id: int, action: Action) -> Request:
    """The request, when the actor may do ``action`` on it now (open, permitted); nothing is changed.

    The action function checks again when it runs. Raises ``RequestNotFound``, ``PermissionDenied``,
    ``RequestClosed``.
    """
    with uow.reading() as session:
        request = session.get(Request, request_id)
        if request is None:
            raise RequestNotFound(request_id=request_id)
        check(actor, action, request)
        require_open(request, str(action))
        return request


def office_agents(uow: UnitOfWork, actor: Actor, office_id: str) -> list[tuple[Agent, StaffMember | None]]:
    """The agents of an office (heads first) with their roster entry when known: for its head or an admin
    choosing whom to assign a request to. Raises ``UnknownOffice``, ``PermissionDenied``."""
    if not uow.directory.has_office(office_id):
        raise UnknownOffice(office_id=office_id)
    if not (actor.is_admin or actor.heads(office_id)):
        raise PermissionDenied(action="reassign")
    with uow.reading() as session:
        return q.office_agents_with_names(session, office_id)


def office_counts(uow: UnitOfWork, actor: Actor) -> list[q.OfficeCounts]:
    """Per office with any request: open, overdue and resolved this (local) month. Admins only."""
    if not actor.is_admin:
        raise PermissionDenied(action="view_reports")
    today = uow.today()
    month_start = dt.datetime.combine(
        today.replace(day=1), dt.time(0), tzinfo=ZoneInfo(uow.settings.timezone)
    )
    with uow.reading() as session:
        return q.office_counts(session, today=today, since=month_start.astimezone(dt.UTC))

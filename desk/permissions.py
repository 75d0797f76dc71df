"""Who may do what. Every desk function asks here before it changes anything.

The rules:
- a requester sees their own requests; a principal also those filed for their school's staff;
- an agent sees and works their offices' queues; on a request that another agent holds, only
  that agent, the office head or an admin acts; a head also reassigns within the office;
- an admin (settings.admin_telegram_ids) sees everything and may act everywhere;
- registrations are decided by an admin or an agent of the administrative-status office.
"""

from __future__ import annotations

from enum import StrEnum

from desk.actors import Actor
from desk.errors import PermissionDenied, RequestNotFound
from models import Request

# Its agents may approve or refuse registrations.
ADMIN_STATUS_OFFICE = "hr-admin-status"


class Action(StrEnum):
    VIEW = "view"
    CLAIM = "claim"
    REPLY = "reply"
    ASK_DOCUMENTS = "ask_documents"
    TRANSFER = "transfer"
    RESOLVE = "resolve"
    REJECT = "reject"
    REASSIGN = "reassign"
    ADD_INFORMATION = "add_information"
    WITHDRAW = "withdraw"
    REOPEN = "reopen"


OFFICE_ACTIONS = frozenset(
    {Action.CLAIM, Action.REPLY, Action.ASK_DOCUMENTS, Action.TRANSFER, Action.RESOLVE, Action.REJECT}
)
REQUESTER_ACTIONS = frozenset({Action.ADD_INFORMATION, Action.WITHDRAW, Action.REOPEN})


def is_requester(actor: Actor, request: Request) -> bool:
    """True when the actor filed the request (and their account is still linked)."""
    account = actor.account_id
    return actor.is_registered and account is not None and account == request.requester_account_id


def can_view(actor: Actor, request: Request) -> bool:
    """True when the actor may see the request and its history."""
    if actor.is_admin or is_requester(actor, request) or actor.serves(request.office_id):
        return True
    return (
        actor.is_principal
        and request.behalf_school_code is not None
        and request.behalf_school_code == actor.school_code
    )


def allowed(actor: Actor, action: Action, request: Request) -> bool:
    """True when the actor may do ``action`` on ``request`` (its status is checked elsewhere)."""
    if action == Action.VIEW:
        return can_view(actor, request)
    if actor.is_admin:
        return True
    if action in REQUESTER_ACTIONS:
        return is_requester(actor, request)
    if action == Action.REASSIGN:
        return actor.heads(request.office_id)
    if action in OFFICE_ACTIONS:
        if not actor.serves(request.office_id):
            return False
        if action == Action.CLAIM:  # any agent of the office may try; a held request says AlreadyClaimed
            return True
        holder = request.assignee_telegram_id
        return holder is None or holder == actor.telegram_id or actor.heads(request.office_id)
    return False


def check(actor: Actor, action: Action, request: Request) -> None:
    """Raise unless the actor may do ``action`` on ``request``.

    A request the actor may not even see raises :class:`RequestNotFound` (its existence is not
    revealed); one they see but may not act on raises :class:`PermissionDenied`.
    """
    if not can_view(actor, request):
        raise RequestNotFound(request_id=request.id)
    if not allowed(actor, action, request):
        raise PermissionDenied(action=str(action))


def can_decide_registrations(actor: Actor) -> bool:
    """Admins and agents of the administrative-status office approve or refuse registrations."""
    return actor.is_admin or actor.serves(ADMIN_STATUS_OFFICE)


def check_decide_registrations(actor: Actor) -> None:
    if not can_decide_registrations(actor):
        raise PermissionDenied(action="decide_registration")


def check_manage_agents(actor: Actor) -> None:
    """Only admins add, list and remove agents."""
    if not actor.is_admin:
        raise PermissionDenied(action="manage_agents")


def can_see_office_queue(actor: Actor, office_id: str) -> bool:
    return actor.is_admin or actor.serves(office_id)

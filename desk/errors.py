"""Named domain errors of the requests desk.

Errors carry no user-facing prose: each class has a ``message`` msgid (an English source
string marked with :func:`N_` so that gettext extraction finds it) and ``params``, a dict
of values the message interpolates.  The Telegram layer translates ``message`` through the
catalogs (ar default, fr) and then formats it with ``params``.

A desk function that raises one of these errors has changed nothing in the database.
"""

from __future__ import annotations

from typing import Any, ClassVar


def N_(msgid: str) -> str:
    """Mark ``msgid`` for translation without translating it (gettext no-op marker)."""
    return msgid


class DeskError(Exception):
    """Base of every domain error.

    ``message`` is a msgid (English source string, ``str.format`` placeholders allowed);
    ``params`` holds the placeholder values.  ``str(error)`` gives the untranslated text,
    for logs and tests only.
    """

    message: ClassVar[str] = N_("Sorry, this could not be done.")

    def __init__(self, **params: Any) -> None:
        self.params: dict[str, Any] = dict(params)
        super().__init__(self.render())

    def render(self) -> str:
        """The English source text with ``params`` filled in (for logs, never for users)."""
        try:
            return self.message.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return self.message

    @property
    def code(self) -> str:
        """A stable machine name for the error (its class name)."""
        return type(self).__name__

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.params!r})"


# --- input -----------------------------------------------------------------------------------


class InvalidInput(DeskError):
    """A field value is malformed, out of bounds or not allowed."""

    message = N_("Invalid {field}: {reason}")

    def __init__(self, field: str, reason: str, **params: Any) -> None:
        self.field = field
        self.reason = reason
        super().__init__(field=field, reason=reason, **params)


class UnknownOffice(DeskError):
    """The office id does not exist in the directory."""

    message = N_("This office does not exist: {office_id}.")

    def __init__(self, office_id: str, **params: Any) -> None:
        super().__init__(office_id=office_id, **params)


class UnknownRequestType(DeskError):
    """The request type id does not exist in the directory."""

    message = N_("This kind of request does not exist: {request_type}.")

    def __init__(self, request_type: str, **params: Any) -> None:
        super().__init__(request_type=request_type, **params)


# --- who is acting ----------------------------------------------------------------------------


class NotRegistered(DeskError):
    """The person has no linked account yet."""

    message = N_("Please register first.")


class RegistrationPending(DeskError):
    """The account waits for an agent's approval."""

    message = N_("Your registration is awaiting approval.")


class RegistrationRefused(DeskError):
    """The account's registration was refused."""

    message = N_("Your registration was not accepted.")


class AlreadyRegistered(DeskError):
    """The account is already linked (or already pending)."""

    message = N_("You are already registered.")


class IdentityMismatch(DeskError):
    """PPR and CIN do not match a single roster entry."""

    message = N_("We could not match these details with the staff list.")


class StaffAlreadyLinked(DeskError):
    """The roster entry is already linked to another Telegram account."""

    message = N_("This staff member is already linked to another account.")


class PermissionDenied(DeskError):
    """The actor may not do this."""

    message = N_("You are not allowed to do this.")


# --- things -----------------------------------------------------------------------------------


class NotFound(DeskError):
    """A thing (request, account, agent, staff member) does not exist or is not visible."""

    message = N_("Not found.")


class RequestNotFound(NotFound):
    """The request does not exist, or the actor may not see it."""

    message = N_("This request could not be found.")


class AccountNotFound(NotFound):
    """No account with this id / Telegram id."""

    message = N_("This account could not be found.")


class AgentNotFound(NotFound):
    """No agent with this Telegram id (in this office)."""

    message = N_("This agent could not be found.")


class StaffNotFound(NotFound):
    """No staff member with this id / PPR."""

    message = N_("This staff member could not be found.")


class AgentAlreadyExists(DeskError):
    """The agent is already registered in this office."""

    message = N_("This agent is already registered in this office.")


# --- request life-cycle ------------------------------------------------------------------------


class InvalidTransition(DeskError):
    """The request's status does not allow this step."""

    message = N_("This step is not possible while the request is {status}.")

    def __init__(self, status: str, action: str = "", **params: Any) -> None:
        super().__init__(status=status, action=action, **params)


class RequestClosed(InvalidTransition):
    """The request is resolved, rejected or withdrawn."""

    message = N_("This request is already closed.")


class ReopenWindowExpired(DeskError):
    """The request was resolved too long ago to be reopened."""

    message = N_("This request can no longer be reopened; please file a new one.")


class NotAssigned(DeskError):
    """The request has no agent, or the actor is not its agent."""

    message = N_("This request is not assigned to you.")


class SameOffice(DeskError):
    """Transfer to the office that already holds the request."""

    message = N_("The request is already with this office.")


class DuplicateSourceKey(DeskError):
    """The idempotency key was already used for a different kind of action."""

    message = N_("This message was already processed.")


class AlreadyClaimed(DeskError):
    """Someone (maybe the actor) already handles this request."""

    message = N_("This request is already being handled.")


class RequestTypeNotAvailable(DeskError):
    """The actor's role may not file this kind of request."""

    message = N_("This kind of request is not available to you.")

    def __init__(self, request_type: str, **params: Any) -> None:
        super().__init__(request_type=request_type, **params)


class StaffNotInYourSchool(DeskError):
    """A principal named a staff member of another school."""

    message = N_("This staff member is not in your school.")

"""Helpers the request functions share: loading a request for an action, the event log, messages, files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, select

from desk.actors import Actor
from desk.errors import N_, InvalidInput, RequestClosed, RequestNotFound
from desk.permissions import Action, check
from desk.validation import bounded_text
from models import Attachment, EventKind, Request, RequestEvent, RequestMessage, RequestStatus, Side

MAX_ATTACHMENTS = 10


@dataclass(frozen=True)
class FileRef:
    """A Telegram file as the bot received it (no bytes)."""

    file_id: str
    file_unique_id: str
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None


def load_for(session: Session, actor: Actor, request_id: int, action: Action) -> Request:
    """The request, row-locked for the rest of the transaction, once ``actor`` may do ``action`` on it.

    Raises ``RequestNotFound`` (missing or not visible) or ``PermissionDenied``.
    """
    request = session.exec(select(Request).where(Request.id == request_id).with_for_update()).first()
    if request is None:
        raise RequestNotFound(request_id=request_id)
    check(actor, action, request)
    return request


def require_open(request: Request, action: str) -> None:
    """Raise ``RequestClosed`` when the request is resolved, rejected or withdrawn."""
    if not request.is_open:
        raise RequestClosed(status=request.status, action=action)


def record(
    session: Session,
    request: Request,
    actor: Actor,
    kind: EventKind,
    side: Side,
    *,
    from_status: str | None = None,
    note: str | None = None,
    from_office_id: str | None = None,
    to_office_id: str | None = None,
) -> RequestEvent:
    """Append one event to the request's log (with its status after the change) and flush it."""
    assert request.id is not None  # a flushed request
    event = RequestEvent(
        request_id=request.id,
        kind=kind,
        actor_telegram_id=actor.telegram_id,
        actor_side=side,
        from_status=from_status,
        to_status=request.status,
        from_office_id=from_office_id,
        to_office_id=to_office_id,
        note=note,
        assignee_telegram_id=request.assignee_telegram_id,
        at=request.updated_at,
    )
    session.add(event)
    session.add(request)
    session.flush()
    return event


def take_if_unassigned(session: Session, request: Request, actor: Actor) -> RequestEvent | None:
    """An agent acting on a request nobody holds takes it: assigned to them, ``new`` → ``in_progress``.

    Returns the ``claimed`` event, or None when the request already had a holder.
    """
    if request.assignee_telegram_id is not None or actor.telegram_id is None:
        return None
    before = request.status
    request.assignee_telegram_id = actor.telegram_id
    if request.status == RequestStatus.NEW:
        request.status = RequestStatus.IN_PROGRESS
    return record(session, request, actor, EventKind.CLAIMED, Side.OFFICE, from_status=before)


def clean_note(note: str | None, field: str = "note", *, required: bool = False) -> str | None:
    """A bounded note (≤ 4000 characters), None when empty and not required."""
    if note is None or not str(note).strip():
        if required:
            raise InvalidInput(field=field, reason=N_("This field is required."))
        return None
    return bounded_text(note, field)


def check_files(files: Sequence[FileRef]) -> None:
    """Raise ``InvalidInput`` on too many files or malformed identifiers (before anything is written)."""
    if len(files) > MAX_ATTACHMENTS:
        raise InvalidInput(field="attachments", reason=N_("Too many files."), max_files=MAX_ATTACHMENTS)
    for ref in files:
        if (
            not ref.file_id
            or not ref.file_unique_id
            or len(ref.file_id) > 255
            or len(ref.file_unique_id) > 64
        ):
            raise InvalidInput(field="attachments", reason=N_("This file cannot be used."))
        if ref.size is not None and ref.size < 0:
            raise InvalidInput(field="attachments", reason=N_("This file cannot be used."))


def add_message(
    session: Session,
    request: Request,
    actor: Actor,
    side: Side,
    text: str,
    *,
    files: Sequence[FileRef] = (),
    source_key: str | None = None,
    telegram_chat_id: int | None = None,
    telegram_message_id: int | None = None,
) -> RequestMessage:
    """Add a message (and its files) to the request's thread; files already attached are skipped."""
    assert request.id is not None  # a flushed request
    message = RequestMessage(
        request_id=request.id,
        author_side=side,
        author_account_id=actor.account_id if side == Side.REQUESTER else None,
        author_telegram_id=actor.telegram_id,
        text=text,
        telegram_chat_id=telegram_chat_id,
        telegram_message_id=telegram_message_id,
        source_key=source_key,
        created_at=request.updated_at,
    )
    session.add(message)
    session.flush()
    add_files(session, request, actor, files, message_id=message.id)
    return message


def add_files(
    session: Session,
    request: Request,
    actor: Actor,
    files: Sequence[FileRef],
    *,
    message_id: int | None = None,
) -> list[Attachment]:
    """Attach Telegram files to the request, once each (by ``file_unique_id``)."""
    if not files:
        return []
    assert request.id is not None  # a flushed request
    known = set(
        session.exec(select(Attachment.file_unique_id).where(Attachment.request_id == request.id)).all()
    )
    added = []
    for ref in files:
        if ref.file_unique_id in known:
            continue
        known.add(ref.file_unique_id)
        attachment = Attachment(
            request_id=request.id,
            message_id=message_id,
            file_id=ref.file_id,
            file_unique_id=ref.file_unique_id,
            file_name=(ref.file_name or None) and ref.file_name[:255],
            mime_type=(ref.mime_type or None) and ref.mime_type[:100],
            size=ref.size,
            added_by_telegram_id=actor.telegram_id or 0,
            created_at=request.updated_at,
        )
        session.add(attachment)
        added.append(attachment)
    session.flush()
    return added

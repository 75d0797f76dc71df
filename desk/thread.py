"""The conversation on a request: office replies, documents asked, the requester's answers and files."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from desk import notifications as notify
from desk.actors import Actor
from desk.errors import N_, DuplicateSourceKey, InvalidInput
from desk.idempotency import once
from desk.permissions import Action
from desk.records import (
    FileRef,
    add_message,
    check_files,
    clean_note,
    load_for,
    record,
    require_open,
    take_if_unassigned,
)
from desk.uow import UnitOfWork
from desk.validation import bounded_text
from models import EventKind, RequestMessage, RequestStatus, Side


def _lookup(request_id: int, source_key: str | None):  # type: ignore[no-untyped-def]
    def lookup(session: Session) -> RequestMessage | None:
        found = session.exec(select(RequestMessage).where(RequestMessage.source_key == source_key)).first()
        if found is not None and found.request_id != request_id:
            raise DuplicateSourceKey()
        return found

    return lookup


def reply(
    uow: UnitOfWork,
    actor: Actor,
    request_id: int,
    text: str,
    *,
    files: Sequence[FileRef] = (),
    source_key: str | None = None,
    telegram_chat_id: int | None = None,
    telegram_message_id: int | None = None,
) -> RequestMessage:
    """An agent answers the requester (relayed "from the office"); an unheld request is taken first.

    The requester is told (``office_reply``). The same ``source_key`` twice returns the first message.
    Raises ``RequestNotFound``, ``PermissionDenied``, ``RequestClosed``, ``InvalidInput``,
    ``DuplicateSourceKey``.
    """
    body = bounded_text(text, "text")
    check_files(files)

    def work(session: Session) -> RequestMessage:
        request = load_for(session, actor, request_id, Action.REPLY)
        require_open(request, "reply")
        request.updated_at = uow.now()
        take_if_unassigned(session, request, actor)
        message = add_message(
            session,
            request,
            actor,
            Side.OFFICE,
            body,
            files=files,
            source_key=source_key,
            telegram_chat_id=telegram_chat_id,
            telegram_message_id=telegram_message_id,
        )
        event = record(session, request, actor, EventKind.REPLIED, Side.OFFICE, from_status=request.status)
        params = notify.request_params(request, message_id=message.id, text=body, status=request.status)
        notify.to_requester(session, request, event, notify.Kind.OFFICE_REPLY, params, actor.telegram_id)
        return message

    return once(uow, source_key, _lookup(request_id, source_key), work)


def ask_documents(
    uow: UnitOfWork,
    actor: Actor,
    request_id: int,
    text: str,
    *,
    source_key: str | None = None,
    telegram_chat_id: int | None = None,
    telegram_message_id: int | None = None,
) -> RequestMessage:
    """An agent asks the requester for documents or details: → ``awaiting_requester``; the requester
    is told (``documents_asked``). Raises ``RequestNotFound``, ``PermissionDenied``, ``RequestClosed``,
    ``InvalidInput``, ``DuplicateSourceKey``.
    """
    body = bounded_text(text, "text")

    def work(session: Session) -> RequestMessage:
        request = load_for(session, actor, request_id, Action.ASK_DOCUMENTS)
        require_open(request, "ask_documents")
        request.updated_at = uow.now()
        take_if_unassigned(session, request, actor)
        before = request.status
        request.status = RequestStatus.AWAITING_REQUESTER
        message = add_message(
            session,
            request,
            actor,
            Side.OFFICE,
            body,
            source_key=source_key,
            telegram_chat_id=telegram_chat_id,
            telegram_message_id=telegram_message_id,
        )
        event = record(
            session, request, actor, EventKind.DOCUMENTS_ASKED, Side.OFFICE, from_status=before, note=body
        )
        params = notify.request_params(request, message_id=message.id, text=body, status=request.status)
        notify.to_requester(session, request, event, notify.Kind.DOCUMENTS_ASKED, params, actor.telegram_id)
        return message

    return once(uow, source_key, _lookup(request_id, source_key), work)


def add_information(
    uow: UnitOfWork,
    actor: Actor,
    request_id: int,
    text: str | None,
    *,
    files: Sequence[FileRef] = (),
    source_key: str | None = None,
    telegram_chat_id: int | None = None,
    telegram_message_id: int | None = None,
) -> RequestMessage:
    """The requester adds text and/or files to an open request.

    When documents were asked, this is the answer: → ``in_progress`` (``new`` if nobody holds it) and
    the holder is told ``requester_answered``; otherwise the holder is told ``information_added``
    (the office's agents when nobody holds it). The same ``source_key`` twice returns the first message.
    Raises ``RequestNotFound``, ``PermissionDenied``, ``RequestClosed``, ``InvalidInput``,
    ``DuplicateSourceKey``.
    """
    body = clean_note(text, "text") or ""
    if not body and not files:
        raise InvalidInput(field="text", reason=N_("This field is required."))
    check_files(files)

    def work(session: Session) -> RequestMessage:
        request = load_for(session, actor, request_id, Action.ADD_INFORMATION)
        require_open(request, "add_information")
        request.updated_at = uow.now()
        before = request.status
        answered = before == RequestStatus.AWAITING_REQUESTER
        if answered:
            request.status = RequestStatus.IN_PROGRESS if request.assignee_telegram_id else RequestStatus.NEW
        message = add_message(
            session,
            request,
            actor,
            Side.REQUESTER,
            body,
            files=files,
            source_key=source_key,
            telegram_chat_id=telegram_chat_id,
            telegram_message_id=telegram_message_id,
        )
        kind = EventKind.REQUESTER_ANSWERED if answered else EventKind.INFORMATION_ADDED
        event = record(session, request, actor, kind, Side.REQUESTER, from_status=before)
        notice = notify.Kind.REQUESTER_ANSWERED if answered else notify.Kind.INFORMATION_ADDED
        params = notify.request_params(
            request, message_id=message.id, text=body, status=request.status, files=len(files)
        )
        notify.to_handler(session, request, event, notice, params, actor.telegram_id)
        return message

    return once(uow, source_key, _lookup(request_id, source_key), work)

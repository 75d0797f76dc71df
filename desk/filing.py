"""Filing a request: who may file what, routing, reference, due date, first notices."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlmodel import Session, select

from desk import notifications as notify
from desk.actors import Actor
from desk.details import clean_details, route
from desk.errors import (
    N_,
    DuplicateSourceKey,
    InvalidInput,
    NotRegistered,
    PermissionDenied,
    RegistrationPending,
    RegistrationRefused,
    RequestTypeNotAvailable,
    StaffNotFound,
    StaffNotInYourSchool,
    UnknownOffice,
    UnknownRequestType,
)
from desk.idempotency import once
from desk.records import FileRef, add_files, check_files, record
from desk.references import next_reference
from desk.uow import UnitOfWork
from models import EventKind, RegistrationStatus, Request, RequestStatus, Side, StaffMember


def check_can_file(actor: Actor) -> None:
    """Raise unless the actor has a linked account (filing needs a roster identity)."""
    if actor.account_id is None or actor.registration is None:
        raise NotRegistered()
    if actor.registration == RegistrationStatus.PENDING:
        raise RegistrationPending()
    if actor.registration == RegistrationStatus.REFUSED or not actor.is_registered:
        raise RegistrationRefused()


def file_request(
    uow: UnitOfWork,
    actor: Actor,
    request_type: str,
    details: Mapping[str, Any],
    *,
    on_behalf_of_staff_id: int | None = None,
    files: Sequence[FileRef] = (),
    source_key: str | None = None,
) -> Request:
    """File a request and return it (with its reference and due date), in one transaction.

    The office comes from the type (or the chosen document's office, or the question's office).
    A principal may file on behalf of a staff member of their own school; ``document_handin``
    always does (its ``staff_member_id``). The office's agents are notified. Calling again with
    the same ``source_key`` returns the first request and creates nothing.
    Raises ``NotRegistered``/``RegistrationPending``/``RegistrationRefused``, ``UnknownRequestType``,
    ``RequestTypeNotAvailable``, ``InvalidInput``, ``UnknownOffice``, ``PermissionDenied``,
    ``StaffNotFound``, ``StaffNotInYourSchool``, ``DuplicateSourceKey``.
    """

    def lookup(session: Session) -> Request | None:
        found = session.exec(select(Request).where(Request.source_key == source_key)).first()
        if found is not None and found.requester_account_id != actor.account_id:
            raise DuplicateSourceKey()
        return found

    def work(session: Session) -> Request:
        return _file(session, uow, actor, request_type, details, on_behalf_of_staff_id, files, source_key)

    return once(uow, source_key, lookup, work)


def _file(
    session: Session,
    uow: UnitOfWork,
    actor: Actor,
    request_type: str,
    raw_details: Mapping[str, Any],
    on_behalf_of_staff_id: int | None,
    files: Sequence[FileRef],
    source_key: str | None,
) -> Request:
    check_can_file(actor)
    assert actor.account_id is not None  # checked just above
    rtype = uow.directory.request_types.get(request_type)
    if rtype is None:
        raise UnknownRequestType(request_type=request_type)
    if actor.role not in rtype.audience:
        raise RequestTypeNotAvailable(request_type=request_type)
    today = uow.today()
    details = clean_details(request_type, raw_details, directory=uow.directory, today=today)
    check_files(files)
    behalf = _on_behalf(session, actor, request_type, details, on_behalf_of_staff_id)
    office_id = route(uow.directory, request_type, details)
    if not uow.directory.has_office(office_id):
        raise UnknownOffice(office_id=office_id)
    now = uow.now()
    request = Request(
        reference=next_reference(session, uow.settings.reference_prefix, today.year),
        request_type=request_type,
        office_id=office_id,
        status=RequestStatus.NEW,
        requester_account_id=actor.account_id,
        on_behalf_of_staff_id=behalf.id if behalf else None,
        behalf_school_code=behalf.school_code if behalf else None,
        details=details,
        filed_on=today,
        due_on=uow.calendar.add_working_days(today, uow.settings.target_days(request_type)),
        source_key=source_key,
        created_at=now,
        updated_at=now,
    )
    session.add(request)
    session.flush()
    record(session, request, actor, EventKind.CREATED, Side.REQUESTER)
    routed = record(session, request, actor, EventKind.ROUTED, Side.REQUESTER, to_office_id=office_id)
    add_files(session, request, actor, files)
    params = notify.request_params(
        request, office_id=office_id, due_on=request.due_on, on_behalf=behalf is not None
    )
    notify.to_office(
        session, request, routed, notify.Kind.REQUEST_CREATED_FOR_OFFICE, params, skip=actor.telegram_id
    )
    return request


def _on_behalf(
    session: Session,
    actor: Actor,
    request_type: str,
    details: dict[str, Any],
    staff_id: int | None,
) -> StaffMember | None:
    """The staff member a principal files for (checked to be of their school), or None."""
    if request_type == "document_handin":
        named = int(details["staff_member_id"])
        if staff_id is not None and staff_id != named:
            raise InvalidInput(field="on_behalf_of", reason=N_("This value is not valid."))
        staff_id = named
    if staff_id is None:
        return None
    if not actor.is_principal:
        raise PermissionDenied(action="file_on_behalf")
    staff = session.get(StaffMember, staff_id)
    if staff is None:
        raise StaffNotFound(staff_member_id=staff_id)
    if staff.school_code != actor.school_code:
        raise StaffNotInYourSchool()
    return staff

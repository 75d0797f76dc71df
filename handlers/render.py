"""How requests look in a message: status, type, details, history — in the reader's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.i18n import N_, Translator
from desk.privacy import ERASED_TEXT
from handlers.common import code, esc
from knowledge.loader import Directory
from models import Request, RequestEvent, RequestMessage, StaffMember

STATUS = {
    "new": N_("🆕 New"),
    "in_progress": N_("⏳ In progress"),
    "awaiting_requester": N_("📄 Awaiting your documents"),
    "resolved": N_("✅ Resolved"),
    "rejected": N_("⛔ Rejected"),
    "withdrawn": N_("↩️ Withdrawn"),
}
STATUS_FOR_OFFICE = {**STATUS, "awaiting_requester": N_("📄 Awaiting the requester")}

EVENT = {
    "created": N_("Request filed"),
    "routed": N_("Sent to the office"),
    "claimed": N_("Taken in charge by the office"),
    "replied": N_("The office replied"),
    "documents_asked": N_("The office asked for documents"),
    "requester_answered": N_("The requester answered"),
    "information_added": N_("Information added"),
    "transferred": N_("Transferred to another office"),
    "reassigned": N_("Reassigned within the office"),
    "resolved": N_("Resolved"),
    "rejected": N_("Rejected"),
    "withdrawn": N_("Withdrawn by the requester"),
    "reopened": N_("Reopened"),
}

FIELD_LABELS = {
    "leave_kind": N_("Kind of leave"),
    "first_day": N_("First day"),
    "certificate_handed_in_on": N_("Certificate handed in on"),
    "certificate": N_("Certificate"),
    "purpose": N_("Purpose"),
    "language": N_("Language"),
    "copies": N_("Copies"),
    "victim": N_("Victim"),
    "school": N_("School"),
    "date": N_("Date"),
    "occurred_on": N_("Date of the accident"),
    "place": N_("Place"),
    "insurer_file_number": N_("Insurer's file number"),
    "subject": N_("Subject"),
    "account": N_("Account of the facts"),
    "confidential": N_("Confidentiality asked"),
    "document": N_("Document"),
    "staff_member_id": N_("Staff member"),
    "note": N_("Note"),
    "text": N_("Question"),
    "office_id": N_("Office"),
}
VALUES = {
    "pupil": N_("a pupil"),
    "staff": N_("a staff member"),
    True: N_("yes"),
    False: N_("no"),
    "ar": N_("Arabic"),
    "fr": N_("French"),
}


def status_label(status: str, t: Translator, for_office: bool = False) -> str:
    labels = STATUS_FOR_OFFICE if for_office else STATUS
    return t(labels.get(status, status))


def type_label(directory: Directory, request_type: str, t: Translator) -> str:
    rtype = directory.request_types.get(request_type)
    if rtype is None:
        return request_type
    return rtype.name_fr if t.language == "fr" else rtype.name_ar


def office_label(directory: Directory, office_id: str, t: Translator) -> str:
    if not directory.has_office(office_id):
        return office_id
    office = directory.office(office_id)
    return office.name_fr if t.language == "fr" else office.name_ar


def _choice_label(directory: Directory, request_type: str, choice_id: str, t: Translator) -> str | None:
    rtype = directory.request_types.get(request_type)
    for choice in rtype.choices if rtype else ():
        if choice.id == choice_id:
            return choice.name_fr if t.language == "fr" else choice.name_ar
    return None


def _value(directory: Directory, request: Request, key: str, value: Any, t: Translator) -> str:
    if key in {"leave_kind", "certificate", "document"}:
        return esc(_choice_label(directory, request.request_type, str(value), t) or value)
    if key == "office_id":
        return esc(office_label(directory, str(value), t))
    # A bool, or a str code: the number 1 must not read as True (1 == True in a dict lookup).
    if isinstance(value, bool) or (isinstance(value, str) and value in VALUES):
        return esc(t(VALUES[value]))
    if key in {"first_day", "certificate_handed_in_on", "date", "occurred_on"}:
        try:
            return esc(t.date(dt.date.fromisoformat(str(value))))
        except ValueError:
            return esc(value)
    return esc(value)


def details_lines(directory: Directory, request: Request, t: Translator,
                  staff: StaffMember | None = None) -> list[str]:
    lines = []
    for key, value in (request.details or {}).items():
        if value in (None, "") or key == "staff_member_id":
            continue
        lines.append(f"{t(FIELD_LABELS.get(key, key))}: {_value(directory, request, key, value, t)}")
    if staff is not None:
        name = staff.full_name_fr if t.language == "fr" else staff.full_name_ar
        lines.append(f"{t(FIELD_LABELS['staff_member_id'])}: {esc(name)} ({t.wrap(esc(staff.ppr))})")
    return lines


def request_card(directory: Directory, request: Request, t: Translator, *, for_office: bool = False,
                 today: dt.date | None = None, staff: StaffMember | None = None) -> str:
    """Reference, type, office, status, due date (overdue flagged) and the details the requester gave."""
    overdue = today is not None and request.is_open and today > request.due_on
    late = t(N_("overdue"))
    due = t.date(request.due_on) + (f" ⚠️ {late}" if overdue else "")
    office, status, filed, due_label = t(N_("Office")), t(N_("Status")), t(N_("Filed on")), t(N_("Due"))
    lines = [
        f"<b>{esc(type_label(directory, request.request_type, t))}</b> — {code(request.reference)}",
        f"{office}: {esc(office_label(directory, request.office_id, t))}",
        f"{status}: {status_label(request.status, t, for_office)}",
        f"{filed}: {t.date(request.filed_on)} · {due_label}: {due}",
    ]
    extra = details_lines(directory, request, t, staff)
    if extra:
        lines.append("")
        lines += extra
    return "\n".join(lines)


def history_lines(events: list[RequestEvent], messages: list[RequestMessage], t: Translator,
                  for_office: bool = False) -> list[str]:
    """The request's story, oldest first: events with their notes, and the messages exchanged."""
    items: list[tuple[dt.datetime, int, str]] = []
    for event in events:
        line = f"• {t.datetime(event.at)} — {t(EVENT.get(event.kind, event.kind))}"
        if event.note and event.kind in {"rejected", "transferred", "withdrawn", "reopened", "resolved"}:
            line += f": {esc(event.note)}"
        items.append((event.at, 0, line))
    for message in messages:
        if message.author_side == "office":
            who = t(N_("Office"))
        else:
            who = t(N_("Requester")) if for_office else t(N_("You"))
        text = t(ERASED_TEXT) if message.text == ERASED_TEXT else message.text  # erased on request (law 09-08)
        items.append((message.created_at, 1, f"💬 {t.datetime(message.created_at)} — {who}: {esc(text)}"))
    items.sort(key=lambda item: (item[0], item[1]))
    return [line for _, _, line in items]

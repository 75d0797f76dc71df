"""The fields each request type needs, validated with one pydantic model per type.

``clean_details`` turns what the Telegram layer collected into a JSON-ready dict, or raises
``InvalidInput`` naming the field (or ``UnknownOffice`` for a question to an unknown office).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from desk.errors import N_, InvalidInput, UnknownOffice, UnknownRequestType
from desk.validation import bounded_text, validate_past_date
from knowledge.loader import Directory

SHORT_TEXT = 200
MEDIUM_TEXT = 500
LONG_TEXT = 4000
# A leave may be followed up before it starts (maternity), not a year ahead.
LEAVE_FUTURE_DAYS = 366
MAX_YEARS_BACK = 5


class _Details(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LeaveFollowupDetails(_Details):
    leave_kind: str
    first_day: dt.date
    certificate_handed_in_on: dt.date | None = None


class CertificateDetails(_Details):
    certificate: str
    purpose: str
    language: Literal["ar", "fr"]
    copies: int = Field(default=1, ge=1, le=5)


class AccidentFollowupDetails(_Details):
    victim: Literal["pupil", "staff"]
    school: str
    occurred_on: dt.date
    place: str
    insurer_file_number: str | None = None


class ComplaintDetails(_Details):
    subject: str
    account: str
    confidential: bool = False


class DocumentHandinDetails(_Details):
    document: str
    staff_member_id: int = Field(gt=0)
    # The principal's optional word to the office ("original sent by post", ...).
    note: str | None = None


class QuestionDetails(_Details):
    office_id: str
    text: str


DETAILS_MODELS: dict[str, type[_Details]] = {
    "leave_followup": LeaveFollowupDetails,
    "certificate": CertificateDetails,
    "accident_followup": AccidentFollowupDetails,
    "complaint": ComplaintDetails,
    "document_handin": DocumentHandinDetails,
    "question": QuestionDetails,
}

# Free-text fields and their length limits.
TEXT_LIMITS: dict[str, int] = {
    "purpose": MEDIUM_TEXT,
    "school": SHORT_TEXT,
    "place": SHORT_TEXT,
    "insurer_file_number": 50,
    "subject": SHORT_TEXT,
    "account": LONG_TEXT,
    "text": LONG_TEXT,
    "note": MEDIUM_TEXT,
}
# Fields whose value must be one of the request type's choices.
CHOICE_FIELDS = {"leave_followup": "leave_kind", "certificate": "certificate", "document_handin": "document"}

_REASONS: dict[str, str] = {
    "missing": N_("This field is required."),
    "extra_forbidden": N_("This field is not expected here."),
    "literal_error": N_("Please pick one of the offered choices."),
    "greater_than_equal": N_("This number is too small."),
    "greater_than": N_("This number is too small."),
    "less_than_equal": N_("This number is too large."),
}


def _reason(error_type: str) -> str:
    if error_type in _REASONS:
        return _REASONS[error_type]
    if error_type.startswith("date"):
        return N_("This is not a valid date.")
    return N_("This value is not valid.")


def choice_ids(directory: Directory, request_type: str) -> set[str]:
    """The choice ids a request type offers."""
    return {c.id for c in directory.request_type(request_type).choices}


def clean_details(
    request_type: str, raw: Mapping[str, Any], *, directory: Directory, today: dt.date
) -> dict[str, Any]:
    """Validate ``raw`` for ``request_type``; return it JSON-ready (dates as ISO strings).

    Raises ``UnknownRequestType``, ``InvalidInput(field, reason)`` or ``UnknownOffice``.
    """
    model = DETAILS_MODELS.get(request_type)
    if model is None or request_type not in directory.request_types:
        raise UnknownRequestType(request_type=request_type)
    try:
        details = model.model_validate(dict(raw))
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "details"
        raise InvalidInput(field=field, reason=_reason(first["type"])) from None
    values = details.model_dump()
    for field, limit in TEXT_LIMITS.items():
        if field in values and values[field] is not None:
            values[field] = bounded_text(values[field], field, max_len=limit)
    choice_field = CHOICE_FIELDS.get(request_type)
    if choice_field and values[choice_field] not in choice_ids(directory, request_type):
        raise InvalidInput(field=choice_field, reason=N_("Please pick one of the offered choices."))
    _check_dates(request_type, values, today)
    if request_type == "question" and not directory.has_office(values["office_id"]):
        raise UnknownOffice(office_id=values["office_id"])
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()}


def _check_dates(request_type: str, values: dict[str, Any], today: dt.date) -> None:
    if request_type == "accident_followup":
        validate_past_date(values["occurred_on"], "occurred_on", max_years=MAX_YEARS_BACK, today=today)
    elif request_type == "leave_followup":
        first_day: dt.date = values["first_day"]
        if first_day > today + dt.timedelta(days=LEAVE_FUTURE_DAYS):
            raise InvalidInput(field="first_day", reason=N_("This date is too far in the future."))
        validate_past_date(min(first_day, today), "first_day", max_years=MAX_YEARS_BACK, today=today)
        handed_in = values.get("certificate_handed_in_on")
        if handed_in is not None:
            validate_past_date(handed_in, "certificate_handed_in_on", max_years=MAX_YEARS_BACK, today=today)


def route(directory: Directory, request_type: str, details: Mapping[str, Any]) -> str:
    """The office a request goes to: the question's chosen office, else the choice's, else the type's."""
    rtype = directory.request_type(request_type)
    if request_type == "question":
        return str(details["office_id"])
    choice_field = CHOICE_FIELDS.get(request_type)
    if choice_field:
        for choice in rtype.choices:
            if choice.id == details.get(choice_field) and choice.office:
                return choice.office
    if rtype.office is None:
        raise UnknownOffice(office_id="")
    return rtype.office

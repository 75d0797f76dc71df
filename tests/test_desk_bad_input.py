"""Bad input gets a named, translatable error and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from desk import requests as desk
from desk.actors import Actor
from desk.errors import (
    DeskError,
    InvalidInput,
    NotRegistered,
    RegistrationPending,
    RequestTypeNotAvailable,
    SameOffice,
    UnknownOffice,
    UnknownRequestType,
)
from desk.people import add_agent, register
from tests.conftest import LEAVE, Cast, snapshot

ACCIDENT = {
    "victim": "pupil",
    "school": "Ecole Al Amal",
    "occurred_on": "2026-11-20",
    "place": "Cour de récréation",
}
COMPLAINT = {"subject": "Retard de salaire", "account": "Depuis trois mois…", "confidential": True}

Case = tuple[str, Callable[[Cast, int], Any], type[DeskError], str | None]


def filing(type_id: str, details: dict[str, Any], who: str = "teacher") -> Callable[[Cast, int], Any]:
    return lambda cast, _: desk.file_request(cast.uow, getattr(cast, who), type_id, details)


CASES: list[Case] = [
    ("unknown request type", filing("loan", {}), UnknownRequestType, None),
    (
        "question to an unknown office",
        filing("question", {"office_id": "nowhere", "text": "?"}),
        UnknownOffice,
        None,
    ),
    (
        "leave kind not offered",
        filing("leave_followup", LEAVE | {"leave_kind": "holiday"}),
        InvalidInput,
        "leave_kind",
    ),
    (
        "leave starting in two years",
        filing("leave_followup", LEAVE | {"first_day": "2028-12-01"}),
        InvalidInput,
        "first_day",
    ),
    (
        "certificate handed in tomorrow",
        filing("leave_followup", LEAVE | {"certificate_handed_in_on": "2026-11-26"}),
        InvalidInput,
        "certificate_handed_in_on",
    ),
    ("a missing field", filing("leave_followup", {"leave_kind": "sick_short"}), InvalidInput, "first_day"),
    ("an unexpected field", filing("leave_followup", LEAVE | {"salary": 1}), InvalidInput, "salary"),
    ("not a date", filing("leave_followup", LEAVE | {"first_day": "yesterday"}), InvalidInput, "first_day"),
    (
        "six copies",
        filing(
            "certificate", {"certificate": "work_certificate", "purpose": "x", "language": "ar", "copies": 6}
        ),
        InvalidInput,
        "copies",
    ),
    (
        "certificate in English",
        filing("certificate", {"certificate": "work_certificate", "purpose": "x", "language": "en"}),
        InvalidInput,
        "language",
    ),
    (
        "accident in the future",
        filing("accident_followup", ACCIDENT | {"occurred_on": "2026-12-01"}),
        InvalidInput,
        "occurred_on",
    ),
    (
        "accident six years ago",
        filing("accident_followup", ACCIDENT | {"occurred_on": "2020-11-01"}),
        InvalidInput,
        "occurred_on",
    ),
    (
        "accident victim a parent",
        filing("accident_followup", ACCIDENT | {"victim": "parent"}),
        InvalidInput,
        "victim",
    ),
    (
        "complaint account of 4001 characters",
        filing("complaint", COMPLAINT | {"account": "x" * 4001}),
        InvalidInput,
        "account",
    ),
    (
        "complaint with an empty subject",
        filing("complaint", COMPLAINT | {"subject": "   "}),
        InvalidInput,
        "subject",
    ),
    (
        "teacher handing in a document",
        filing("document_handin", {"document": "medical_certificate", "staff_member_id": 1}),
        RequestTypeNotAvailable,
        None,
    ),
    ("stranger filing", filing("leave_followup", LEAVE, who="stranger"), NotRegistered, None),
    (
        "reply of 4001 characters",
        lambda c, r: desk.reply(c.uow, c.leave_agent, r, "x" * 4001),
        InvalidInput,
        "text",
    ),
    ("empty reply", lambda c, r: desk.reply(c.uow, c.leave_agent, r, " \n "), InvalidInput, "text"),
    ("empty information", lambda c, r: desk.add_information(c.uow, c.teacher, r, ""), InvalidInput, "text"),
    (
        "eleven files",
        lambda c, r: desk.add_information(
            c.uow, c.teacher, r, "x", files=[desk.FileRef(f"f{i}", f"u{i}") for i in range(11)]
        ),
        InvalidInput,
        "attachments",
    ),
    (
        "reject without a reason",
        lambda c, r: desk.reject(c.uow, c.leave_agent, r, ""),
        InvalidInput,
        "reason",
    ),
    (
        "transfer to an unknown office",
        lambda c, r: desk.transfer(c.uow, c.leave_agent, r, "nowhere", "x"),
        UnknownOffice,
        None,
    ),
    (
        "transfer to the same office",
        lambda c, r: desk.transfer(c.uow, c.leave_agent, r, "hr-leave", "x"),
        SameOffice,
        None,
    ),
    (
        "transfer without a note",
        lambda c, r: desk.transfer(c.uow, c.leave_agent, r, "legal-affairs", ""),
        InvalidInput,
        "note",
    ),
    ("PPR with a letter", lambda c, _: register(c.uow, 777, "12A45", "VB1"), InvalidInput, "ppr"),
    ("PPR of eleven digits", lambda c, _: register(c.uow, 777, "12345678901", "VB1"), InvalidInput, "ppr"),
    ("CIN of three letters", lambda c, _: register(c.uow, 777, "1234", "ABC123"), InvalidInput, "cin"),
    ("CIN of seven digits", lambda c, _: register(c.uow, 777, "1234", "A1234567"), InvalidInput, "cin"),
    (
        "agent of an unknown office",
        lambda c, _: add_agent(c.uow, Actor.operator(), 5, "nowhere"),
        UnknownOffice,
        None,
    ),
]


@pytest.mark.parametrize(("story", "call", "error", "field"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_and_nothing_changes(
    cast: Cast, story: str, call: Callable[[Cast, int], Any], error: type[DeskError], field: str | None
) -> None:
    request = desk.file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    desk.claim(cast.uow, cast.leave_agent, request.id)
    before = snapshot(cast.uow.engine)
    with pytest.raises(error) as raised:
        call(cast, request.id)
    assert snapshot(cast.uow.engine) == before
    if field is not None:
        assert raised.value.params["field"] == field
    assert raised.value.message  # a msgid for the translators, never empty


def test_a_pending_registration_cannot_file(cast: Cast) -> None:
    register(cast.uow, 888, "5555555", "VB5")  # not in the roster: pending
    with pytest.raises(RegistrationPending):
        desk.file_request(cast.uow, cast.actor(888), "leave_followup", LEAVE)


def test_cin_is_accepted_in_lower_case_and_ppr_with_arabic_digits(cast: Cast) -> None:
    account = register(cast.uow, 779, "١٠٠٠٠٠٩", "vb100009")
    assert account.registration_status == "linked"

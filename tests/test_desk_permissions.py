"""Who may do what: every role × every action, the refusals included (and a refusal changes nothing).

The request was filed by a teacher of school A for the hr-leave office and is held by agent 301
(for ``claim`` it is still new and unheld; for ``reopen`` it was resolved by 301).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from desk import requests as desk
from desk.actors import Actor
from desk.errors import PermissionDenied, RequestNotFound, StaffNotInYourSchool
from desk.uow import UnitOfWork
from desk.views import find_request, my_requests, office_queue, request_history
from tests.conftest import LEAVE, Cast, snapshot

OK, DENIED, HIDDEN = "ok", "denied", "hidden"

ACTIONS: dict[str, Callable[[UnitOfWork, Actor, int], Any]] = {
    "view": lambda uow, actor, rid: request_history(uow, actor, rid),
    "claim": lambda uow, actor, rid: desk.claim(uow, actor, rid),
    "reply": lambda uow, actor, rid: desk.reply(uow, actor, rid, "Votre dossier avance."),
    "ask_documents": lambda uow, actor, rid: desk.ask_documents(
        uow, actor, rid, "Merci d'envoyer le certificat."
    ),
    "transfer": lambda uow, actor, rid: desk.transfer(
        uow, actor, rid, "legal-affairs", "Relève de votre bureau."
    ),
    "resolve": lambda uow, actor, rid: desk.resolve(uow, actor, rid),
    "reject": lambda uow, actor, rid: desk.reject(uow, actor, rid, "Non recevable."),
    "reassign": lambda uow, actor, rid: desk.reassign(uow, actor, rid, 302),
    "add_information": lambda uow, actor, rid: desk.add_information(uow, actor, rid, "Précision."),
    "withdraw": lambda uow, actor, rid: desk.withdraw(uow, actor, rid),
    "reopen": lambda uow, actor, rid: desk.reopen(uow, actor, rid),
}
OFFICE = ["claim", "reply", "ask_documents", "transfer", "resolve", "reject"]
REQUESTER = ["add_information", "withdraw", "reopen"]


def row(view: str, office: str | dict[str, str], reassign: str, requester: str) -> dict[str, str]:
    table = {"view": view, "reassign": reassign}
    table |= office if isinstance(office, dict) else dict.fromkeys(OFFICE, office)
    table |= dict.fromkeys(REQUESTER, requester)
    return table


EXPECTED: dict[str, dict[str, str]] = {
    "requester": row(OK, DENIED, DENIED, OK),
    "colleague_same_school": row(HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    "principal_of_the_school": row(HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    "teacher_of_another_school": row(HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    "agent_holding_it": row(OK, OK, DENIED, DENIED),
    "other_agent_of_the_office": row(OK, dict.fromkeys(OFFICE, DENIED) | {"claim": OK}, DENIED, DENIED),
    "office_head": row(OK, OK, OK, DENIED),
    "agent_of_another_office": row(HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    "admin": row(OK, OK, OK, OK),
    "stranger": row(HIDDEN, HIDDEN, HIDDEN, HIDDEN),
}
ROLE_IDS = {
    "requester": 101,
    "colleague_same_school": 103,
    "principal_of_the_school": 201,
    "teacher_of_another_school": 102,
    "agent_holding_it": 301,
    "other_agent_of_the_office": 302,
    "office_head": 303,
    "agent_of_another_office": 501,
    "admin": 9_000_001,
    "stranger": 999,
}
CASES = [
    (role, action, expected) for role, actions in EXPECTED.items() for action, expected in actions.items()
]


def prepare(cast: Cast, action: str) -> int:
    request = desk.file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    if action != "claim":
        desk.claim(cast.uow, cast.leave_agent, request.id)
    if action == "reopen":
        desk.resolve(cast.uow, cast.leave_agent, request.id)
    assert request.id is not None
    return request.id


@pytest.mark.parametrize(("role", "action", "expected"), CASES, ids=[f"{r}-{a}" for r, a, _ in CASES])
def test_role_may_or_may_not_do_action(cast: Cast, role: str, action: str, expected: str) -> None:
    request_id = prepare(cast, action)
    actor = cast.actor(ROLE_IDS[role])
    before = snapshot(cast.uow.engine)
    if expected == OK:
        ACTIONS[action](cast.uow, actor, request_id)
        return
    error = PermissionDenied if expected == DENIED else RequestNotFound
    with pytest.raises(error):
        ACTIONS[action](cast.uow, actor, request_id)
    assert snapshot(cast.uow.engine) == before


def test_a_principal_sees_what_was_handed_in_for_their_staff_but_not_other_schools(cast: Cast) -> None:
    handed = desk.file_request(
        cast.uow,
        cast.principal,
        "document_handin",
        {"document": "medical_certificate", "staff_member_id": cast.staff["teacher"].id},
    )
    assert handed.office_id == "hr-leave" and handed.on_behalf_of_staff_id == cast.staff["teacher"].id
    assert [r.id for r in my_requests(cast.uow, cast.principal)] == [handed.id]
    assert find_request(cast.uow, cast.principal, handed.reference).id == handed.id
    for outsider in (cast.other_principal, cast.other_teacher, cast.colleague):
        with pytest.raises(RequestNotFound):
            request_history(cast.uow, outsider, handed.id)
        assert my_requests(cast.uow, outsider) == []


def test_a_principal_also_sees_requests_another_principal_filed_for_their_school(cast: Cast) -> None:
    # e.g. filed by the school's previous principal: the school's requests follow the school
    handed = desk.file_request(
        cast.uow, cast.principal, "leave_followup", LEAVE, on_behalf_of_staff_id=cast.staff["colleague"].id
    )
    own = desk.file_request(
        cast.uow,
        cast.principal,
        "certificate",
        {"certificate": "work_certificate", "purpose": "Banque", "language": "ar"},
    )
    assert [r.id for r in my_requests(cast.uow, cast.principal)] == [own.id, handed.id]


def test_a_principal_cannot_hand_in_for_another_school(cast: Cast) -> None:
    before = snapshot(cast.uow.engine)
    with pytest.raises(StaffNotInYourSchool):
        desk.file_request(
            cast.uow,
            cast.principal,
            "document_handin",
            {"document": "medical_certificate", "staff_member_id": cast.staff["other_teacher"].id},
        )
    assert snapshot(cast.uow.engine) == before


def test_a_teacher_cannot_file_on_behalf_of_a_colleague(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        desk.file_request(
            cast.uow, cast.teacher, "leave_followup", LEAVE, on_behalf_of_staff_id=cast.staff["colleague"].id
        )


def test_an_agent_sees_only_their_offices_queue(cast: Cast) -> None:
    request = desk.file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    assert [r.id for r in office_queue(cast.uow, cast.leave_agent)] == [request.id]
    assert office_queue(cast.uow, cast.accidents_agent) == []
    with pytest.raises(PermissionDenied):
        office_queue(cast.uow, cast.accidents_agent, "hr-leave")
    with pytest.raises(PermissionDenied):
        office_queue(cast.uow, cast.teacher)
    assert [r.id for r in office_queue(cast.uow, cast.admin, "hr-leave")] == [request.id]

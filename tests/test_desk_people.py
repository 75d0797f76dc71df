"""Registration by PPR + CIN, approvals, agents."""

from __future__ import annotations

import pytest
from sqlmodel import select

from desk.actors import Actor
from desk.errors import (
    AgentAlreadyExists,
    AgentNotFound,
    AlreadyRegistered,
    InvalidTransition,
    NotRegistered,
    PermissionDenied,
)
from desk.people import (
    RELINKED_REASON,
    add_agent,
    approve_registration,
    list_agents,
    refuse_registration,
    register,
    remove_agent,
    set_language,
)
from desk.views import pending_registrations
from models import Account, Notification
from tests.conftest import ADMIN_ID, Cast


def notices(cast: Cast, kind: str) -> list[Notification]:
    with cast.uow.reading() as session:
        return list(session.exec(select(Notification).where(Notification.kind == kind)).all())


def test_a_teacher_whose_ppr_and_cin_match_the_roster_is_linked_at_once(cast: Cast) -> None:
    account = register(cast.uow, 700, "1000009", "VB100009", language="fr")
    assert account.registration_status == "linked" and account.staff_member_id == cast.staff["unlinked"].id
    actor = cast.actor(700)
    assert actor.is_registered and actor.role == "teacher" and actor.language == "fr"
    assert notices(cast, "registration_pending") == []


def test_a_wrong_cin_leaves_the_registration_pending_and_the_approvers_hear(cast: Cast) -> None:
    account = register(cast.uow, 700, "1000009", "VB999999", claimed_name="Karim")
    assert account.registration_status == "pending" and account.staff_member_id is None
    pending = notices(cast, "registration_pending")
    assert sorted(n.recipient_telegram_id for n in pending) == [401, ADMIN_ID]
    assert pending[0].params == {"account_id": account.id, "claimed_name": "Karim", "claimed_ppr": "1000009"}
    assert [a.id for a in pending_registrations(cast.uow, cast.status_agent)] == [account.id]
    with pytest.raises(PermissionDenied):
        pending_registrations(cast.uow, cast.leave_agent)


def test_an_admin_status_agent_approves_a_pending_registration(cast: Cast) -> None:
    account = register(cast.uow, 700, "1000009", "VB999999")
    approved = approve_registration(cast.uow, cast.status_agent, account.id)
    assert approved.registration_status == "linked" and approved.staff_member_id == cast.staff["unlinked"].id
    assert approved.decided_by == 401
    [told] = notices(cast, "registration_approved")
    assert told.recipient_telegram_id == 700
    with pytest.raises(InvalidTransition):
        approve_registration(cast.uow, cast.status_agent, account.id)


def test_approving_someone_onto_a_linked_record_moves_the_link(cast: Cast) -> None:
    # The teacher has a new Telegram account; the approver checked their identity.
    account = register(cast.uow, 700, "1000001", "VB100001")
    assert account.registration_status == "pending"
    approve_registration(cast.uow, cast.admin, account.id)
    assert cast.actor(700).staff_member_id == cast.staff["teacher"].id
    old = cast.actor(101)
    assert not old.is_registered and old.registration == "refused"
    [told] = notices(cast, "registration_refused")
    assert told.recipient_telegram_id == 101 and told.params["reason"] == RELINKED_REASON


def test_a_refusal_carries_its_reason_and_the_person_may_try_again(cast: Cast) -> None:
    account = register(cast.uow, 700, "4444444", "VB4")
    refuse_registration(cast.uow, cast.admin, account.id, "PPR inconnu à la direction.")
    assert cast.actor(700).registration == "refused"
    [told] = notices(cast, "registration_refused")
    assert told.params == {"reason": "PPR inconnu à la direction."}
    again = register(cast.uow, 700, "1000009", "VB100009")
    assert again.registration_status == "linked" and again.reason is None


def test_only_approvers_decide_registrations(cast: Cast) -> None:
    account = register(cast.uow, 700, "4444444", "VB4")
    for outsider in (cast.leave_head, cast.principal, cast.stranger):
        with pytest.raises(PermissionDenied):
            approve_registration(cast.uow, outsider, account.id)
        with pytest.raises(PermissionDenied):
            refuse_registration(cast.uow, outsider, account.id, "non")


def test_registering_twice_once_linked_is_refused(cast: Cast) -> None:
    with pytest.raises(AlreadyRegistered):
        register(cast.uow, 101, "1000001", "VB100001")


def test_people_choose_their_language(cast: Cast) -> None:
    assert set_language(cast.uow, cast.teacher, "fr").language == "fr"
    assert cast.teacher.language == "fr"
    with pytest.raises(NotRegistered):
        set_language(cast.uow, cast.stranger, "fr")


def test_an_agent_may_serve_several_offices_and_be_head_of_one(cast: Cast) -> None:
    operator = Actor.operator()
    add_agent(cast.uow, operator, 301, "legal-affairs", is_head=True)
    agent = cast.actor(301)
    assert agent.offices == {"hr-leave", "legal-affairs"} and agent.head_of == {"legal-affairs"}
    with pytest.raises(AgentAlreadyExists):
        add_agent(cast.uow, operator, 301, "legal-affairs", is_head=True)
    add_agent(cast.uow, operator, 301, "legal-affairs", is_head=False)  # changes the flag
    assert cast.actor(301).head_of == frozenset()
    assert [(a.office_id, a.telegram_user_id) for a in list_agents(cast.uow, operator, "legal-affairs")] == [
        ("legal-affairs", 301)
    ]


def test_removing_an_agent_from_one_office_or_all(cast: Cast) -> None:
    operator = Actor.operator()
    add_agent(cast.uow, operator, 301, "legal-affairs")
    remove_agent(cast.uow, operator, 301, "legal-affairs")
    assert cast.actor(301).offices == {"hr-leave"}
    removed = remove_agent(cast.uow, operator, 301)
    assert [a.office_id for a in removed] == ["hr-leave"]
    assert not cast.actor(301).is_agent
    with pytest.raises(AgentNotFound):
        remove_agent(cast.uow, operator, 301)


def test_only_admins_manage_agents(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        add_agent(cast.uow, cast.leave_head, 5, "hr-leave")
    with pytest.raises(PermissionDenied):
        list_agents(cast.uow, cast.leave_agent)
    add_agent(cast.uow, cast.admin, 5, "hr-leave")


def test_an_account_is_never_linked_to_two_staff_members(cast: Cast) -> None:
    with cast.uow.reading() as session:
        linked = session.exec(
            select(Account.staff_member_id).where(Account.staff_member_id.is_not(None))
        ).all()  # type: ignore[union-attr]
    assert len(linked) == len(set(linked)) == 5

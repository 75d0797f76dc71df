"""A request's life, told as the people involved live it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from desk import requests as desk
from desk.actors import Actor
from desk.errors import AlreadyClaimed, InvalidTransition, ReopenWindowExpired, RequestClosed
from desk.people import remove_agent
from desk.uow import UnitOfWork
from desk.views import request_history
from models import Notification, Request, RequestEvent
from tests.conftest import CERTIFICATE, LEAVE, Cast, Clock


def notices(uow: UnitOfWork, kind: str | None = None) -> list[Notification]:
    with uow.reading() as session:
        query = select(Notification).order_by(Notification.id)  # type: ignore[arg-type]
        if kind:
            query = query.where(Notification.kind == kind)
        return list(session.exec(query).all())


def events(uow: UnitOfWork, request_id: int) -> list[str]:
    with uow.reading() as session:
        rows = session.exec(
            select(RequestEvent).where(RequestEvent.request_id == request_id).order_by(RequestEvent.id)  # type: ignore[arg-type]
        ).all()
        return [e.kind for e in rows]


def file_leave(cast: Cast) -> Request:
    return desk.file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)


def test_teacher_files_a_leave_followup_and_gets_a_reference_and_a_due_date(cast: Cast) -> None:
    request = file_leave(cast)
    assert request.reference == "OD-2026-000001"
    assert request.status == "new" and request.office_id == "hr-leave"
    assert request.filed_on == dt.date(2026, 11, 25)
    # 5 working days after Wednesday 25 November: Thu, Fri, Mon, Tue, Wed.
    assert request.due_on == dt.date(2026, 12, 2)
    assert request.details["first_day"] == "2026-11-20"
    assert events(cast.uow, request.id) == ["created", "routed"]


def test_the_second_request_of_the_year_gets_the_next_number(cast: Cast) -> None:
    file_leave(cast)
    second = desk.file_request(cast.uow, cast.colleague, "certificate", CERTIFICATE)
    assert second.reference == "OD-2026-000002"
    assert second.office_id == "hr-admin-status"
    assert second.due_on == dt.date(2026, 11, 30)  # 3 working days: Thu, Fri, Mon


def test_the_office_agents_hear_of_a_new_request(cast: Cast) -> None:
    request = file_leave(cast)
    created = notices(cast.uow, "request_created_for_office")
    assert sorted(n.recipient_telegram_id for n in created) == [301, 302, 303]
    assert created[0].params["reference"] == request.reference
    assert created[0].params["due_on"] == "2026-12-02"
    assert notices(cast.uow, "status_changed") == []


def test_agent_claims_asks_documents_teacher_answers_and_agent_resolves(cast: Cast, clock: Clock) -> None:
    uow, agent, teacher = cast.uow, cast.leave_agent, cast.teacher
    request = file_leave(cast)
    claimed = desk.claim(uow, agent, request.id)
    assert claimed.status == "in_progress" and claimed.assignee_telegram_id == 301
    clock.advance(hours=1)
    asked = desk.ask_documents(uow, agent, request.id, "Merci d'envoyer le certificat médical.")
    assert asked.author_side == "office"
    answer = desk.add_information(
        uow,
        teacher,
        request.id,
        "Voici le certificat.",
        files=[desk.FileRef("file-1", "uniq-1", "certificat.pdf", "application/pdf", 12345)],
    )
    assert answer.author_side == "requester"
    desk.reply(uow, agent, request.id, "Bien reçu, merci.")
    resolved = desk.resolve(uow, agent, request.id, "Dossier transmis.")
    assert resolved.status == "resolved" and resolved.closed_at == clock.now

    assert events(uow, request.id) == [
        "created",
        "routed",
        "claimed",
        "documents_asked",
        "requester_answered",
        "replied",
        "resolved",
    ]
    to_teacher = [n for n in notices(uow) if n.recipient_telegram_id == 101]
    assert [n.kind for n in to_teacher] == [
        "status_changed",
        "documents_asked",
        "office_reply",
        "status_changed",
    ]
    assert [n.params.get("status") for n in to_teacher] == [
        "in_progress",
        "awaiting_requester",
        "in_progress",
        "resolved",
    ]
    assert to_teacher[-1].params["note"] == "Dossier transmis."
    answered = notices(uow, "requester_answered")
    assert [n.recipient_telegram_id for n in answered] == [301]  # the agent holding it, nobody else
    history = request_history(uow, teacher, request.id)
    assert history.messages[0].text == "Merci d'envoyer le certificat médical."
    assert [a.file_name for a in history.attachments] == ["certificat.pdf"]


def test_replying_to_a_new_request_takes_it(cast: Cast) -> None:
    request = file_leave(cast)
    desk.reply(cast.uow, cast.leave_agent2, request.id, "Nous traitons votre demande.")
    assert events(cast.uow, request.id)[-2:] == ["claimed", "replied"]
    [reply] = notices(cast.uow, "office_reply")
    assert reply.params["status"] == "in_progress" and reply.params["text"] == "Nous traitons votre demande."
    with pytest.raises(AlreadyClaimed):
        desk.claim(cast.uow, cast.leave_agent, request.id)


def test_agent_transfers_to_another_office_which_hears_of_it(cast: Cast) -> None:
    request = file_leave(cast)
    desk.claim(cast.uow, cast.leave_agent, request.id)
    moved = desk.transfer(
        cast.uow, cast.leave_agent, request.id, "legal-accidents", "C'est un accident de travail."
    )
    assert (
        moved.office_id == "legal-accidents" and moved.status == "new" and moved.assignee_telegram_id is None
    )
    assert moved.due_on == request.due_on
    [to_office] = notices(cast.uow, "request_transferred_to_office")
    assert to_office.recipient_telegram_id == 501
    assert to_office.params["note"] == "C'est un accident de travail."
    [to_teacher] = notices(cast.uow, "request_transferred")
    assert to_teacher.recipient_telegram_id == 101 and "note" not in to_teacher.params
    # The first office no longer holds it; the new one does.
    desk.claim(cast.uow, cast.accidents_agent, request.id)


def test_the_office_rejects_with_a_reason_the_requester_reads(cast: Cast) -> None:
    request = file_leave(cast)
    rejected = desk.reject(cast.uow, cast.leave_agent, request.id, "Hors délai réglementaire.")
    assert rejected.status == "rejected"
    last = notices(cast.uow, "status_changed")[-1]
    assert last.params["status"] == "rejected" and last.params["note"] == "Hors délai réglementaire."
    assert last.params["old_status"] == "new"


def test_requester_withdraws_and_the_agent_holding_it_hears(cast: Cast) -> None:
    request = file_leave(cast)
    desk.claim(cast.uow, cast.leave_agent, request.id)
    withdrawn = desk.withdraw(cast.uow, cast.teacher, request.id, "Réglé directement.")
    assert withdrawn.status == "withdrawn"
    assert [n.recipient_telegram_id for n in notices(cast.uow, "request_withdrawn")] == [301]
    with pytest.raises(RequestClosed):
        desk.withdraw(cast.uow, cast.teacher, request.id)
    with pytest.raises(RequestClosed):
        desk.reply(cast.uow, cast.leave_agent, request.id, "trop tard")


def test_requester_reopens_within_the_window_back_to_their_agent(cast: Cast, clock: Clock) -> None:
    request = file_leave(cast)
    desk.resolve(cast.uow, cast.leave_agent, request.id)
    clock.advance(days=15)
    reopened = desk.reopen(cast.uow, cast.teacher, request.id, "Le problème persiste.")
    assert reopened.status == "in_progress" and reopened.assignee_telegram_id == 301
    assert reopened.closed_at is None
    assert reopened.due_on == cast.uow.calendar.add_working_days(cast.uow.today(), 5)
    assert [n.recipient_telegram_id for n in notices(cast.uow, "request_reopened")] == [301]


def test_a_request_resolved_nobody_holding_it_reopens_as_new(cast: Cast) -> None:
    request = file_leave(cast)
    desk.resolve(cast.uow, Actor.operator(), request.id)
    assert desk.reopen(cast.uow, cast.teacher, request.id).status == "new"
    assert sorted(n.recipient_telegram_id for n in notices(cast.uow, "request_reopened")) == [301, 302, 303]


def test_reopening_after_the_window_is_refused(cast: Cast, clock: Clock) -> None:
    request = file_leave(cast)
    desk.resolve(cast.uow, cast.leave_agent, request.id)
    clock.advance(days=16)
    with pytest.raises(ReopenWindowExpired):
        desk.reopen(cast.uow, cast.teacher, request.id)


def test_a_rejected_request_cannot_be_reopened(cast: Cast) -> None:
    request = file_leave(cast)
    desk.reject(cast.uow, cast.leave_agent, request.id, "Non recevable.")
    with pytest.raises(InvalidTransition):
        desk.reopen(cast.uow, cast.teacher, request.id)


def test_an_open_request_cannot_be_reopened(cast: Cast) -> None:
    request = file_leave(cast)
    with pytest.raises(InvalidTransition):
        desk.reopen(cast.uow, cast.teacher, request.id)


def test_head_reassigns_within_the_office_and_the_new_agent_hears(cast: Cast) -> None:
    request = file_leave(cast)
    desk.claim(cast.uow, cast.leave_agent, request.id)
    moved = desk.reassign(cast.uow, cast.leave_head, request.id, 302)
    assert moved.assignee_telegram_id == 302 and moved.status == "in_progress"
    assert [n.recipient_telegram_id for n in notices(cast.uow, "request_assigned")] == [302]
    # Now only the new holder (or the head) acts on it.
    desk.reply(cast.uow, cast.leave_agent2, request.id, "Je reprends votre dossier.")


def test_a_removed_agent_leaves_their_requests_to_the_office(cast: Cast) -> None:
    request = file_leave(cast)
    desk.claim(cast.uow, cast.leave_agent, request.id)
    remove_agent(cast.uow, Actor.operator(), 301, "hr-leave")
    desk.claim(cast.uow, cast.leave_agent2, request.id)
    assert events(cast.uow, request.id)[-2:] == ["reassigned", "claimed"]


def test_a_request_knows_when_it_is_overdue(cast: Cast, clock: Clock) -> None:
    request = file_leave(cast)  # due Wednesday 2 December
    assert not request.is_overdue(clock.now)
    clock.now = dt.datetime(2026, 12, 2, 22, 59, tzinfo=dt.UTC)  # 23:59 in Casablanca, still the 2nd
    assert not request.is_overdue(clock.now)
    clock.now = dt.datetime(2026, 12, 2, 23, 0, tzinfo=dt.UTC)  # midnight in Casablanca
    assert request.is_overdue(clock.now)
    resolved = desk.resolve(cast.uow, cast.leave_agent, request.id)
    assert not resolved.is_overdue(clock.now)


def test_the_event_log_is_append_only(cast: Cast) -> None:
    request = file_leave(cast)
    with pytest.raises(RuntimeError, match="append-only"), cast.uow.transaction() as session:
        event = session.exec(select(RequestEvent).where(RequestEvent.request_id == request.id)).first()
        assert event is not None
        event.note = "rewritten"
        session.add(event)
        session.flush()

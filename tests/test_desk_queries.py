"""The queries the bot needs: an office's queue, a person's requests, a request's history."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from desk import requests as desk
from desk.actors import Actor
from desk.people import add_agent
from desk.views import my_requests, office_queue, request_history
from models import Notification, Request
from models import queries as q
from tests.conftest import CERTIFICATE, LEAVE, Cast, Clock


def question(cast: Cast, actor: Actor, office: str = "hr-leave") -> Request:
    return desk.file_request(
        cast.uow, actor, "question", {"office_id": office, "text": "Où en est mon dossier ?"}
    )


def test_the_queue_shows_overdue_requests_first_then_the_oldest(cast: Cast, clock: Clock) -> None:
    cast.uow.settings.target_days_question = 30
    slow = question(cast, cast.teacher)  # due in 30 working days
    clock.advance(days=1)
    late = desk.file_request(cast.uow, cast.colleague, "leave_followup", LEAVE)  # due in 5
    clock.advance(days=12)
    fresh = desk.file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    assert late.is_overdue(clock.now) and not slow.is_overdue(clock.now)
    queue = office_queue(cast.uow, cast.leave_agent, "hr-leave")
    assert [r.id for r in queue] == [late.id, slow.id, fresh.id]
    page2 = office_queue(cast.uow, cast.leave_agent, "hr-leave", limit=2, offset=2)
    assert [r.id for r in page2] == [fresh.id]


def test_the_queue_filters_by_status(cast: Cast, clock: Clock) -> None:
    first = desk.file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    clock.advance(minutes=1)
    second = desk.file_request(cast.uow, cast.colleague, "leave_followup", LEAVE)
    clock.advance(minutes=1)
    third = desk.file_request(cast.uow, cast.colleague, "leave_followup", LEAVE)
    desk.claim(cast.uow, cast.leave_agent, second.id)
    desk.resolve(cast.uow, cast.leave_agent, first.id)
    desk.resolve(cast.uow, cast.leave_agent, third.id)
    agent = cast.leave_agent
    assert [r.id for r in office_queue(cast.uow, agent, "hr-leave", statuses=["new"])] == []
    assert [r.id for r in office_queue(cast.uow, agent, "hr-leave", statuses=["in_progress"])] == [second.id]
    assert [r.id for r in office_queue(cast.uow, agent, "hr-leave")] == [second.id]
    # closed requests come newest first
    assert [r.id for r in office_queue(cast.uow, agent, "hr-leave", statuses=["resolved"])] == [
        third.id,
        first.id,
    ]


def test_an_agent_of_two_offices_sees_both_queues_together(cast: Cast, clock: Clock) -> None:
    add_agent(cast.uow, Actor.operator(), 301, "hr-admin-status")
    leave = desk.file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    clock.advance(minutes=5)
    certificate = desk.file_request(cast.uow, cast.teacher, "certificate", CERTIFICATE)
    assert [r.id for r in office_queue(cast.uow, cast.leave_agent)] == [leave.id, certificate.id]


def test_a_person_sees_their_requests_newest_first(cast: Cast, clock: Clock) -> None:
    ids = []
    for _ in range(3):
        ids.append(desk.file_request(cast.uow, cast.teacher, "leave_followup", LEAVE).id)
        clock.advance(hours=1)
    desk.file_request(cast.uow, cast.colleague, "leave_followup", LEAVE)
    assert [r.id for r in my_requests(cast.uow, cast.teacher)] == ids[::-1]
    assert [r.id for r in my_requests(cast.uow, cast.teacher, limit=1, offset=1)] == [ids[1]]
    assert my_requests(cast.uow, cast.stranger) == []


def test_the_history_holds_events_messages_and_files_in_order(cast: Cast, clock: Clock) -> None:
    request = desk.file_request(
        cast.uow, cast.teacher, "leave_followup", LEAVE, files=[desk.FileRef("f0", "u0", "arret.pdf")]
    )
    clock.advance(minutes=1)
    desk.ask_documents(cast.uow, cast.leave_agent, request.id, "La copie de la CIN, svp.")
    clock.advance(minutes=1)
    desk.add_information(
        cast.uow, cast.teacher, request.id, "Ci-jointe.", files=[desk.FileRef("f1", "u1", "cin.jpg")]
    )
    history = request_history(cast.uow, cast.leave_head, request.id)
    assert [e.kind for e in history.events] == [
        "created",
        "routed",
        "claimed",
        "documents_asked",
        "requester_answered",
    ]
    assert [(m.author_side, m.text) for m in history.messages] == [
        ("office", "La copie de la CIN, svp."),
        ("requester", "Ci-jointe."),
    ]
    assert [(a.file_name, a.message_id) for a in history.attachments] == [
        ("arret.pdf", None),
        ("cin.jpg", history.messages[1].id),
    ]
    assert [e.at for e in history.events] == sorted(e.at for e in history.events)


def test_a_reply_to_a_delivered_notice_finds_its_request_after_a_restart(cast: Cast) -> None:
    request = desk.file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    message = desk.reply(
        cast.uow, cast.leave_agent, request.id, "Bien reçu.", telegram_chat_id=301, telegram_message_id=42
    )
    with cast.uow.transaction() as session:
        notice = session.exec(select(Notification).where(Notification.kind == "office_reply")).one()
        notice.delivered_chat_id, notice.delivered_message_id = 101, 900
        session.add(notice)
    with cast.uow.reading() as session:
        assert q.request_id_for_telegram_message(session, 101, 900) == request.id
        assert q.request_id_for_telegram_message(session, 301, 42) == message.request_id
        assert q.request_id_for_telegram_message(session, 101, 901) is None


def test_the_delivery_worker_finds_notices_whose_time_has_come(cast: Cast, clock: Clock) -> None:
    desk.file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    with cast.uow.reading() as session:
        assert q.due_notifications(session, clock.now - dt.timedelta(seconds=1)) == []
        due = q.due_notifications(session, clock.now)
        assert sorted(n.recipient_telegram_id for n in due) == [301, 302, 303]
        assert all(n.status == "pending" and n.attempts == 0 for n in due)


def test_a_reference_finds_its_request(cast: Cast) -> None:
    request = desk.file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    with cast.uow.reading() as session:
        assert isinstance(session, Session)
        found = q.request_by_reference(session, " od-2026-000001 ")
    assert found is not None and found.id == request.id

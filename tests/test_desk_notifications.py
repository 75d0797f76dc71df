"""The outbox: kinds and params (never prose), one row per event and recipient, never to the actor."""

from __future__ import annotations

import json

from sqlmodel import select

from desk import notifications as notify
from desk import requests as desk
from models import Notification
from tests.conftest import LEAVE, Cast


def all_notices(cast: Cast) -> list[Notification]:
    with cast.uow.reading() as session:
        return list(session.exec(select(Notification).order_by(Notification.id)).all())  # type: ignore[arg-type]


def test_the_same_event_never_queues_twice(cast: Cast) -> None:
    with cast.uow.transaction() as session:
        for _ in range(2):
            notify.queue(
                session, recipient=5, kind=notify.Kind.REGISTRATION_APPROVED, dedup_key="k1", params={}
            )
    assert [n.dedup_key for n in all_notices(cast)] == ["k1"]


def test_nobody_is_told_about_their_own_action(cast: Cast) -> None:
    request = desk.file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    desk.claim(cast.uow, cast.leave_agent, request.id)
    recipients = [n.recipient_telegram_id for n in all_notices(cast) if n.kind == "status_changed"]
    assert recipients == [101]
    desk.add_information(cast.uow, cast.teacher, request.id, "Précision")
    assert [n.recipient_telegram_id for n in all_notices(cast) if n.kind == "information_added"] == [301]


def test_every_kind_written_is_documented_and_params_are_plain_json(cast: Cast) -> None:
    request = desk.file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    desk.ask_documents(cast.uow, cast.leave_agent, request.id, "Le certificat, svp.")
    desk.add_information(cast.uow, cast.teacher, request.id, "Voici.")
    desk.transfer(cast.uow, cast.leave_agent, request.id, "legal-accidents", "Accident de travail.")
    desk.reply(cast.uow, cast.accidents_agent, request.id, "Pris en charge.")
    desk.resolve(cast.uow, cast.accidents_agent, request.id)
    desk.reopen(cast.uow, cast.teacher, request.id)
    desk.reassign(cast.uow, cast.admin, request.id, 501)
    desk.withdraw(cast.uow, cast.teacher, request.id)
    kinds = {n.kind for n in all_notices(cast)}
    assert kinds <= {k.value for k in notify.Kind}
    assert kinds >= {
        "request_created_for_office",
        "documents_asked",
        "requester_answered",
        "request_transferred_to_office",
        "request_transferred",
        "office_reply",
        "status_changed",
        "request_reopened",
        "request_withdrawn",
    }
    for notice in all_notices(cast):
        assert notice.kind in (notify.__doc__ or "")
        assert json.loads(json.dumps(notice.params)) == notice.params
        if notice.request_id is not None:
            assert notice.params["reference"] == request.reference
    assert all(n.recipient_telegram_id != 101 for n in all_notices(cast) if n.kind == "request_withdrawn")

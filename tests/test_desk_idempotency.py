"""The same Telegram update seen twice creates nothing twice."""

from __future__ import annotations

import threading

import pytest

from desk import requests as desk
from desk.errors import DuplicateSourceKey
from tests.conftest import LEAVE, Cast, table_counts


def test_filing_twice_with_the_same_source_key_returns_the_first_request(cast: Cast) -> None:
    first = desk.file_request(cast.uow, cast.teacher, "leave_followup", LEAVE, source_key="tg:101:55")
    counts = table_counts(cast.uow.engine)
    again = desk.file_request(cast.uow, cast.teacher, "leave_followup", LEAVE, source_key="tg:101:55")
    assert again.id == first.id and again.reference == first.reference
    assert table_counts(cast.uow.engine) == counts


def test_the_same_update_delivered_to_two_workers_at_once_files_one_request(cast: Cast) -> None:
    teacher = cast.teacher
    barrier = threading.Barrier(4)
    results: list[int] = []

    def work() -> None:
        barrier.wait()
        results.append(
            desk.file_request(cast.uow, teacher, "leave_followup", LEAVE, source_key="tg:101:77").id
        )

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and len(set(results)) == 1
    assert table_counts(cast.uow.engine)["requests"] == 1


def test_replying_twice_with_the_same_source_key_sends_one_reply(cast: Cast) -> None:
    request = desk.file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    first = desk.reply(cast.uow, cast.leave_agent, request.id, "Bien reçu.", source_key="tg:301:9")
    counts = table_counts(cast.uow.engine)
    again = desk.reply(cast.uow, cast.leave_agent, request.id, "Bien reçu.", source_key="tg:301:9")
    assert again.id == first.id
    assert table_counts(cast.uow.engine) == counts


def test_adding_information_twice_with_the_same_source_key_adds_it_once(cast: Cast) -> None:
    request = desk.file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    files = [desk.FileRef("f1", "u1", "scan.jpg", "image/jpeg", 2048)]
    first = desk.add_information(
        cast.uow, cast.teacher, request.id, "Le scan.", files=files, source_key="tg:101:12"
    )
    counts = table_counts(cast.uow.engine)
    again = desk.add_information(
        cast.uow, cast.teacher, request.id, "Le scan.", files=files, source_key="tg:101:12"
    )
    assert again.id == first.id
    assert table_counts(cast.uow.engine) == counts
    assert counts["attachments"] == 1


def test_the_same_file_sent_twice_is_attached_once(cast: Cast) -> None:
    request = desk.file_request(
        cast.uow, cast.teacher, "leave_followup", LEAVE, files=[desk.FileRef("f1", "u1", "scan.jpg")]
    )
    desk.add_information(cast.uow, cast.teacher, request.id, None, files=[desk.FileRef("f1-again", "u1")])
    assert table_counts(cast.uow.engine)["attachments"] == 1


def test_a_source_key_cannot_be_reused_for_another_request(cast: Cast) -> None:
    one = desk.file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    two = desk.file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    desk.add_information(cast.uow, cast.teacher, one.id, "texte", source_key="tg:101:1")
    with pytest.raises(DuplicateSourceKey):
        desk.add_information(cast.uow, cast.teacher, two.id, "texte", source_key="tg:101:1")


def test_someone_else_cannot_get_a_request_through_its_source_key(cast: Cast) -> None:
    desk.file_request(cast.uow, cast.teacher, "leave_followup", LEAVE, source_key="tg:101:5")
    with pytest.raises(DuplicateSourceKey):
        desk.file_request(cast.uow, cast.colleague, "leave_followup", LEAVE, source_key="tg:101:5")

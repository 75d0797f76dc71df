"""References: prefix, local year, per-year sequence; unique even when many are filed at once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlmodel import select

from desk import filing
from desk import requests as desk
from desk.references import format_reference
from models import Request
from tests.conftest import CERTIFICATE, LEAVE, Cast, Clock

THREADS, EACH = 8, 5


def test_many_requests_filed_at_once_get_distinct_consecutive_references(cast: Cast) -> None:
    teacher, colleague = cast.teacher, cast.colleague
    barrier = threading.Barrier(THREADS)
    references: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        try:
            barrier.wait()
            for _ in range(EACH):
                actor = teacher if n % 2 else colleague
                request = desk.file_request(cast.uow, actor, "certificate", CERTIFICATE)
                with lock:
                    references.append(request.reference)
        except BaseException as exc:  # collected and shown below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    expected = {format_reference("OD", 2026, n) for n in range(1, THREADS * EACH + 1)}
    assert sorted(references) == sorted(expected)
    with cast.uow.reading() as session:
        stored = session.exec(select(Request.reference)).all()
    assert sorted(stored) == sorted(expected)


def test_the_year_is_the_local_year_and_the_sequence_restarts(cast: Cast, clock: Clock) -> None:
    first = desk.file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    # 31 December 23:30 UTC is already 1 January 00:30 in Casablanca.
    clock.now = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    new_year = desk.file_request(cast.uow, cast.teacher, "certificate", CERTIFICATE)
    assert first.reference == "OD-2026-000001"
    assert new_year.reference == "OD-2027-000001"
    assert new_year.filed_on == dt.date(2027, 1, 1)


def test_the_prefix_comes_from_settings(cast: Cast) -> None:
    cast.uow.settings.reference_prefix = "ODX"
    assert desk.file_request(cast.uow, cast.teacher, "leave_followup", LEAVE).reference == "ODX-2026-000001"


def test_a_failed_filing_gives_its_number_back(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(filing, "add_files", broken)  # fails after the number was taken
    with pytest.raises(RuntimeError):
        desk.file_request(cast.uow, cast.teacher, "certificate", CERTIFICATE)
    monkeypatch.undo()
    assert desk.file_request(cast.uow, cast.teacher, "certificate", CERTIFICATE).reference == "OD-2026-000001"

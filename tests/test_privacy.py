"""Personal data at the desk and in the logs (law 09-08): erasure keeps anonymous statistics and nothing
personal; the logs never carry the token, a CIN, a PPR or what people wrote."""

from __future__ import annotations

import io
import logging

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from bot.cli import main
from bot.logging_filters import REDACTED, RedactingFilter, install, redact
from desk import privacy
from desk.errors import PermissionDenied
from desk.filing import file_request
from desk.lifecycle import claim, reject
from desk.office_views import office_counts
from desk.records import FileRef
from desk.thread import add_information, reply
from models import (
    Account,
    Attachment,
    BotState,
    Notification,
    Request,
    RequestEvent,
    RequestMessage,
    StaffMember,
)
from tests.conftest import ADMIN_ID, CERTIFICATE, LEAVE, Cast

TOKEN = "7012345678:AAHk3v9XqZ-abcdefghijklmnopqrstuvwxy"
PDF = FileRef("BQACAgQAAxkBAAI-cert", "AQAD-cert", "certificat.pdf", "application/pdf", 1000)


# --- the logs -----------------------------------------------------------------------------------------------


def _logger(level: int = logging.DEBUG) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    logger = logging.getLogger(f"test.privacy.{id(stream)}")
    logger.propagate = False
    logger.setLevel(level)
    logger.addHandler(logging.StreamHandler(stream))
    install(TOKEN, logger)
    return logger, stream


def test_the_logs_at_info_carry_no_token_cin_ppr_or_message_text():
    logger, stream = _logger()
    logger.info("Calling https://api.telegram.org/bot%s/getMe", TOKEN)
    logger.info("Registration of PPR %s with CIN %s (ppr 0123456, cin j12345)", "1000001", "VB100001")
    logger.warning("Update: Message(text='شهادة طبية لأستاذ', caption=\"leave note\", chat=Chat(id=101))")
    logger.error("Could not render %s", {"text": "Je demande une attestation", "first_name": "Karim"})
    logger.info("Question received: كيف أحصل على شهادة العمل")
    out = stream.getvalue()
    for secret in (
        TOKEN,
        "AAHk3v9",
        "1000001",
        "VB100001",
        "0123456",
        "j12345",
        "شهادة",
        "leave note",
        "Je demande",
        "Karim",
        "كيف",
    ):
        assert secret not in out, secret
    assert out.count(REDACTED) >= 9
    assert "Registration of PPR" in out and "Could not render" in out  # the log line still says what happened


def test_a_traceback_at_error_level_is_redacted_too():
    logger, stream = _logger()
    try:
        raise ValueError("callback data too long: 'ملف السيد 1000001 VB100001'")
    except ValueError:
        logger.exception("Unhandled error on update 12 (message)")
    out = stream.getvalue()
    assert "Traceback" in out and "ValueError" in out
    for secret in ("ملف", "1000001", "VB100001"):
        assert secret not in out


def test_debug_logs_keep_details_for_the_developer_but_never_the_token():
    logger, stream = _logger()
    logger.debug("PPR 1000001 sent token %s", TOKEN)
    out = stream.getvalue()
    assert "1000001" in out and TOKEN not in out


def test_references_dates_and_counts_stay_readable():
    text = "Notice 12 for OD-2026-000123 sent at 2026-11-25 10:00:02 after 3 attempts (HTTP/1.1 502)"
    assert redact(text) == text


def test_the_runner_installs_the_filter_on_the_root_handlers(monkeypatch: pytest.MonkeyPatch):
    from bot.runner import configure_logging

    root = logging.getLogger()
    handler = logging.StreamHandler(io.StringIO())
    monkeypatch.setattr(root, "handlers", [handler])
    level = root.level
    try:
        configure_logging("INFO", TOKEN)
        assert any(isinstance(f, RedactingFilter) and f.token == TOKEN for f in handler.filters)
    finally:
        root.setLevel(level)
        for name in ("httpx", "httpcore", "telegram.request", "apscheduler.executors.default"):
            logging.getLogger(name).setLevel(logging.NOTSET)


# --- erasure at the desk ------------------------------------------------------------------------------------


@pytest.fixture
def history(cast: Cast) -> dict[str, Request]:
    """The teacher filed two requests (one with a file, answered by the office), the principal handed in a
    certificate for the teacher; the colleague filed one of their own."""
    uow = cast.uow
    leave = file_request(uow, cast.teacher, "leave_followup", LEAVE, files=[PDF], source_key="tg:101:5")
    claim(uow, cast.leave_agent, leave.id)
    reply(uow, cast.leave_agent, leave.id, "Merci, votre dossier est complet.")
    add_information(
        uow,
        cast.teacher,
        leave.id,
        "Mon numéro: 0612345678",
        source_key="tg:101:9",
        telegram_chat_id=101,
        telegram_message_id=9,
    )
    certificate = file_request(uow, cast.teacher, "certificate", CERTIFICATE)
    reject(uow, cast.actor(ADMIN_ID), certificate.id, "Le nom Karim ne correspond pas")
    handin = file_request(
        uow,
        cast.principal,
        "document_handin",
        {
            "document": "medical_certificate",
            "staff_member_id": cast.staff["teacher"].id,
            "note": "Original par courrier",
        },
    )
    other = file_request(uow, cast.colleague, "certificate", CERTIFICATE)
    with uow.transaction() as session:
        session.add(BotState(scope="user", key="101", data={"draft": {"type": "complaint"}}))
        session.add(BotState(scope="conversation:requester", key="[101, 101]", data=3))
    return {"leave": leave, "certificate": certificate, "handin": handin, "other": other}


def test_erasing_a_teacher_keeps_statistics_and_nothing_personal(cast: Cast, history: dict[str, Request]):
    uow = cast.uow
    admin = cast.actor(ADMIN_ID)
    counts = office_counts(uow, admin)
    teacher_staff = cast.staff["teacher"]
    account_id = cast.teacher.account_id
    report = privacy.erase_person(uow, admin, telegram_id=101)
    assert (report.requests, report.files, report.states) == (3, 1, 2)
    assert report.messages >= 2
    with uow.reading() as session:
        staff = session.get(StaffMember, teacher_staff.id)
        assert staff is not None
        assert (staff.full_name_ar, staff.full_name_fr, staff.cin, staff.phone) == ("", "", "", None)
        assert staff.ppr != teacher_staff.ppr and not staff.ppr.isdigit()
        assert (staff.role, staff.school_code) == ("teacher", teacher_staff.school_code)
        assert session.exec(select(Account).where(Account.telegram_user_id == 101)).first() is None
        account = session.get(Account, account_id)
        assert account is not None and account.telegram_user_id < 0 and account.staff_member_id is None
        assert account.registration_status == privacy.ERASED_STATUS and account.claimed_ppr is None
        ids = [history[k].id for k in ("leave", "certificate", "handin")]
        for request in session.exec(select(Request).where(Request.id.in_(ids))).all():  # type: ignore[union-attr]
            assert request.status and request.office_id and request.filed_on and request.due_on
            assert set(request.details) <= privacy.KEPT_DETAILS and request.source_key is None
        leave = session.get(Request, history["leave"].id)
        assert leave is not None and leave.details == {"leave_kind": "sick_short"}
        messages = session.exec(select(RequestMessage).where(RequestMessage.request_id.in_(ids))).all()  # type: ignore[attr-defined]
        assert messages and all(
            m.text == privacy.ERASED_TEXT and m.telegram_chat_id is None for m in messages
        )
        assert not session.exec(select(Attachment).where(Attachment.request_id.in_(ids))).all()  # type: ignore[attr-defined]
        events = session.exec(select(RequestEvent).where(RequestEvent.request_id.in_(ids))).all()  # type: ignore[attr-defined]
        assert events and all(e.note is None and e.actor_telegram_id != 101 for e in events)
        assert not session.exec(
            select(Notification).where(
                (Notification.recipient_telegram_id == 101) | Notification.request_id.in_(ids)
            )
        ).all()  # type: ignore[union-attr]
        assert not session.exec(select(BotState).where(BotState.key.contains("101"))).all()  # type: ignore[union-attr]
        # the colleague's request and the principal's account are untouched
        other = session.get(Request, history["other"].id)
        assert other is not None and other.details["purpose"] == CERTIFICATE["purpose"]
        assert session.exec(select(Account).where(Account.telegram_user_id == 201)).first() is not None
    assert office_counts(uow, admin) == counts  # the weekly figures do not move
    assert privacy.personal_data(uow, cast.actor(101)).is_empty  # a stranger now


def test_erasing_by_ppr_finds_the_linked_account(cast: Cast, history: dict[str, Request]):
    report = privacy.erase_person(cast.uow, cast.actor(ADMIN_ID), ppr="1000001")
    assert report.account and report.staff_entry and report.telegram_id == 101 and report.requests == 3
    with pytest.raises(privacy.PersonNotFound):  # already erased: nothing left to find by that PPR
        privacy.erase_person(cast.uow, cast.actor(ADMIN_ID), ppr="1000001")


def test_only_admins_erase_and_agents_are_removed_from_their_offices_first(cast: Cast):
    before = privacy.personal_data(cast.uow, cast.teacher)
    for actor in (cast.leave_head, cast.status_agent, cast.principal):
        with pytest.raises(PermissionDenied):
            privacy.erase_person(cast.uow, actor, telegram_id=101)
    with pytest.raises(privacy.PersonIsAgent):
        privacy.erase_person(cast.uow, cast.actor(ADMIN_ID), telegram_id=301)
    with pytest.raises(privacy.PersonNotFound):
        privacy.erase_person(cast.uow, cast.actor(ADMIN_ID), telegram_id=424242)
    assert privacy.personal_data(cast.uow, cast.teacher) == before


def test_what_the_bot_holds_about_a_teacher(cast: Cast, history: dict[str, Request]):
    data = privacy.personal_data(cast.uow, cast.teacher)
    assert data.staff["ppr"] == "1000001" and data.staff["cin"] == "VB100001"
    references = {r.reference: r.filed_for_you for r in data.requests}
    assert references == {
        history["leave"].reference: False,
        history["certificate"].reference: False,
        history["handin"].reference: True,
    }
    assert data.messages == 1 and data.files == 1 and data.drafts == 2
    assert data.as_json()["staff"]["ppr"] == "1000001"


def test_files_go_only_to_the_requester_the_office_handling_it_and_admins(
    cast: Cast, history: dict[str, Request]
):
    leave = history["leave"]
    for actor in (cast.teacher, cast.leave_agent, cast.leave_head, cast.actor(ADMIN_ID)):
        assert privacy.request_files(cast.uow, actor, leave.id)[1]
    for telegram_id in (101, 301, ADMIN_ID):
        assert privacy.recipient_may_receive_files(cast.uow, telegram_id, leave.id)
    for actor in (cast.accidents_agent, cast.colleague, cast.principal, cast.other_teacher):
        with pytest.raises(privacy.RequestNotFound):
            privacy.request_files(cast.uow, actor, leave.id)
        assert not privacy.recipient_may_receive_files(cast.uow, actor.telegram_id, leave.id)


@pytest.fixture
def cli_db(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("ADMIN_TELEGRAM_IDS", str(ADMIN_ID))
    return engine


def test_the_command_line_erases_by_ppr_or_telegram_id(
    cli_db: Engine, cast: Cast, history: dict[str, Request], capsys: pytest.CaptureFixture[str]
):
    assert main(["privacy", "erase", "--ppr", "1000003"]) == 0
    assert "1 request(s) anonymized" in capsys.readouterr().out
    assert main(["privacy", "erase", "--telegram-id", "101"]) == 0
    assert "3 request(s) anonymized" in capsys.readouterr().out
    assert main(["privacy", "erase", "--telegram-id", "301"]) == 1
    assert "agent" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["privacy", "erase", "--telegram-id", "101", "--ppr", "1000001"])

"""The weekly report: per office, requests received, resolved, the median time to resolution (working days)
and those overdue — as an XLSX workbook and a PNG chart sent to the admins, and offline with
`python -m bot report --from … --to … --out FILE.xlsx`."""

from __future__ import annotations

import datetime as dt
import io
import struct
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from bot import jobs
from bot.cli import main
from bot.i18n import Translator
from bot.report import chart_png, workbook_bytes
from desk import requests as desk
from desk.actors import Actor
from desk.errors import InvalidInput, PermissionDenied
from desk.reports import last_week, period_report
from models import Request
from tests.botkit import World
from tests.conftest import ADMIN_ID, CERTIFICATE, LEAVE, START, Cast
from tests.jobs_kit import context, on
from tests.office_kit import office_world

OLD_LEAVE = {"leave_kind": "sick_short", "first_day": "2026-11-10", "certificate_handed_in_on": "2026-11-12"}
WEEK = (dt.date(2026, 11, 23), dt.date(2026, 11, 29))  # Monday to Sunday
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def day(clock: Any, month: int, date: int, hour: int = 10) -> None:
    on(clock, dt.date(2026, month, date), hour)


@pytest.fixture
def week(cast: Cast, clock: Any) -> dict[str, Request]:
    """A week of hr-leave and hr-admin-status (Monday 23 – Sunday 29 November 2026).

    hr-leave received 5 (resolved after 0, 2 and 1 working days; one resolved the next week; one withdrawn),
    and still holds one from the week before, overdue since Tuesday 24. hr-admin-status received one
    certificate, due Monday 30: not overdue at the end of the week.
    """
    u, leave = cast.uow, "leave_followup"
    day(clock, 11, 16)
    made = {"old": desk.file_request(u, cast.teacher, leave, OLD_LEAVE)}  # due Tuesday 24
    clock.now = START  # Wednesday 25
    for name, who in (("same_day", cast.teacher), ("two_days", cast.colleague), ("next_week", cast.teacher),
                      ("withdrawn", cast.colleague)):
        made[name] = desk.file_request(u, who, leave, LEAVE)
    made["certificate"] = desk.file_request(u, cast.teacher, "certificate", CERTIFICATE)
    day(clock, 11, 25, 15)
    desk.resolve(u, cast.leave_agent, made["same_day"].id, "Fait.")
    day(clock, 11, 26)
    made["one_day"] = desk.file_request(u, cast.teacher, leave, LEAVE)
    desk.withdraw(u, cast.colleague, made["withdrawn"].id)
    day(clock, 11, 27, 16)
    desk.resolve(u, cast.leave_agent, made["two_days"].id)
    desk.resolve(u, cast.leave_agent2, made["one_day"].id)
    day(clock, 11, 30, 8)  # Monday morning, before the next week's work
    return made


def rows(content: bytes) -> dict[str, list[Any]]:
    """The workbook's table, by office code (the total line under "TOTAL")."""
    sheet = load_workbook(io.BytesIO(content)).active
    table: dict[str, list[Any]] = {}
    for row in sheet.iter_rows(min_row=5, values_only=True):
        if len(row) < 4 or row[3] is None:  # blank lines and the notes under the table
            continue
        table[row[0] or "TOTAL"] = list(row)
    return table


def png_size(content: bytes) -> tuple[int, int]:
    assert content[:8] == PNG_SIGNATURE
    assert content[12:16] == b"IHDR"
    width, height = struct.unpack(">II", content[16:24])
    return width, height


def test_the_figures_per_office_over_a_week(week: dict[str, Request], cast: Cast):
    report = period_report(cast.uow, Actor.operator(), *WEEK)
    leave = report.office("hr-leave")
    assert (leave.received, leave.resolved, leave.median_days, leave.overdue) == (5, 3, 1.0, 1)
    status = report.office("hr-admin-status")
    assert (status.received, status.resolved, status.median_days, status.overdue) == (1, 0, None, 0)
    total = report.total
    assert (total.received, total.resolved, total.median_days, total.overdue) == (6, 3, 1.0, 1)
    assert len(report.offices) == len(list(cast.uow.directory.offices()))  # every office, even with zeros
    before = period_report(cast.uow, Actor.operator(), dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    assert (before.office("hr-leave").received, before.office("hr-leave").overdue) == (1, 0)


def test_the_week_reported_is_the_one_that_ended_yesterday():
    assert last_week(dt.date(2026, 11, 30)) == WEEK


def test_only_admins_get_the_figures_and_the_period_must_make_sense(cast: Cast):
    with pytest.raises(PermissionDenied):
        period_report(cast.uow, cast.leave_head, *WEEK)
    with pytest.raises(InvalidInput):
        period_report(cast.uow, Actor.operator(), WEEK[1], WEEK[0])


def test_the_workbook_holds_the_figures_in_arabic(week: dict[str, Request], cast: Cast):
    report = period_report(cast.uow, Actor.operator(), *WEEK)
    content = workbook_bytes(report, cast.uow.directory, Translator("ar"), cast.uow.now())
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.sheet_view.rightToLeft
    assert "23 نونبر 2026" in sheet["A1"].value and "29 نونبر 2026" in sheet["A1"].value
    assert sheet["D4"].value == "الطلبات المتوصل بها"
    table = rows(content)
    office = cast.uow.directory.office("hr-leave")
    assert table["hr-leave"][2:] == [office.name_ar, 5, 3, 1.0, 1]
    assert table["hr-admin-status"][3:] == [1, 0, None, 0]
    assert table["TOTAL"][2:] == ["المجموع", 6, 3, 1.0, 1]
    assert len(table) == len(list(cast.uow.directory.offices())) + 1


def test_the_workbook_in_french(week: dict[str, Request], cast: Cast):
    report = period_report(cast.uow, Actor.operator(), *WEEK)
    content = workbook_bytes(report, cast.uow.directory, Translator("fr"), cast.uow.now())
    sheet = load_workbook(io.BytesIO(content)).active
    assert not sheet.sheet_view.rightToLeft
    assert sheet["A1"].value == "Demandes par bureau, du 23 novembre 2026 au 29 novembre 2026"
    assert [c.value for c in sheet[4]][3:] == [
        "Demandes reçues", "Demandes traitées", "Délai médian de traitement (jours ouvrables)",
        "En retard à la fin de la période"]
    assert rows(content)["hr-leave"][2] == cast.uow.directory.office("hr-leave").name_fr


def test_the_chart_is_a_png(week: dict[str, Request], cast: Cast):
    report = period_report(cast.uow, Actor.operator(), *WEEK)
    for language in ("ar", "fr"):
        content = chart_png(report, cast.uow.directory, Translator(language))
        width, height = png_size(content)
        assert (width, height) >= (1000, 300) and len(content) > 10_000
    empty = period_report(cast.uow, Actor.operator(), dt.date(2026, 1, 1), dt.date(2026, 1, 7))
    assert png_size(chart_png(empty, cast.uow.directory, Translator("ar")))[0] == 1000


# --- the weekly job: the files reach the admins ----------------------------------------------------------


@pytest.fixture
async def world(uow, settings, cast):
    async for w in office_world(uow, settings):
        yield w


def sent_file(world: World, message: dict[str, Any]) -> bytes:
    return world.api.files[message["document"]["file_id"]].content


async def test_the_weekly_job_sends_the_workbook_and_the_chart_to_each_admin(
    world: World, week: dict[str, Request], clock
):
    world.uow.settings.admin_telegram_ids = [ADMIN_ID, 9_000_002]
    world.api.add_chat(world.user(9_000_002))
    world.api.block(9_000_002)  # the second admin blocked the bot: skipped, the others still get it
    on(clock, dt.date(2026, 11, 30), 8)
    assert await jobs.weekly_report_job(context(world)) == 1
    documents = [m for m in world.inbox(ADMIN_ID) if m.get("document")]
    assert [d["document"]["file_name"] for d in documents] == [
        "report_2026-11-23_2026-11-29.xlsx", "report_2026-11-23_2026-11-29.png"]
    caption = documents[0]["caption"]
    assert "الطلبات المتوصل بها: 6" in caption and "الطلبات المعالجة: 3" in caption
    assert rows(sent_file(world, documents[0]))["hr-leave"][3:] == [5, 3, 1.0, 1]
    width, _height = png_size(sent_file(world, documents[1]))
    assert width == 1000


async def test_an_admin_reading_french_gets_french_files(world: World, week: dict[str, Request], clock):
    world.uow.settings.default_language = "fr"  # the admin has no account: the directorate's default
    on(clock, dt.date(2026, 11, 30), 8)
    await jobs.weekly_report_job(context(world))
    document = next(m for m in world.inbox(ADMIN_ID) if m.get("document"))
    assert "Demandes reçues : 6" in document["caption"] and "1 jours ouvrables" in document["caption"]
    sheet = load_workbook(io.BytesIO(sent_file(world, document))).active
    assert sheet["D4"].value == "Demandes reçues"


# --- the command line ------------------------------------------------------------------------------------


@pytest.fixture
def cli_db(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    return engine


def test_the_command_line_writes_the_same_workbook(
    cli_db: Engine, week: dict[str, Request], tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    out, chart = tmp_path / "reports" / "november.xlsx", tmp_path / "november.png"
    week_args = ["report", "--from", "2026-11-23", "--to", "2026-11-29"]
    assert main([*week_args, "--out", str(out), "--chart", str(chart)]) == 0
    printed = capsys.readouterr().out
    assert "6 received, 3 resolved, median 1 working days to resolution, 1 overdue" in printed
    table = rows(out.read_bytes())
    assert table["hr-leave"][3:] == [5, 3, 1.0, 1] and table["TOTAL"][3:] == [6, 3, 1.0, 1]
    assert png_size(chart.read_bytes())[0] == 1000
    november = ["report", "--from", "2026-11-01", "--to", "2026-11-30"]
    assert main([*november, "--out", str(out), "--language", "fr"]) == 0
    sheet = load_workbook(out).active
    assert sheet["A1"].value == "Demandes par bureau, du 1 novembre 2026 au 30 novembre 2026"
    assert rows(out.read_bytes())["hr-leave"][3:5] == [6, 3]  # the old request was filed in November too


def test_the_command_line_refuses_a_period_backwards(
    cli_db: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    out = tmp_path / "r.xlsx"
    assert main(["report", "--from", "2026-11-30", "--to", "2026-11-01", "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and not out.exists()
    with pytest.raises(SystemExit):
        main(["report", "--from", "30/11/2026", "--to", "2026-11-01", "--out", str(out)])

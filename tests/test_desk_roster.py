"""Importing the staff roster: a per-row report, bad rows never stop good ones, twice changes nothing."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlmodel import select

from desk.actors import Actor
from desk.errors import InvalidInput, PermissionDenied
from desk.roster import import_roster
from models import StaffMember
from tests.conftest import Cast, snapshot

ARABIC_HEADER = [
    "رقم التأجير",
    "ر.ب.و",
    "الاسم بالعربية",
    "الاسم بالفرنسية",
    "الصفة",
    "رمز المؤسسة",
    "المؤسسة",
    "الهاتف",
]


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def staff_by_ppr(cast: Cast) -> dict[str, StaffMember]:
    with cast.uow.reading() as session:
        return {s.ppr: s for s in session.exec(select(StaffMember)).all()}


def test_a_french_csv_is_imported_with_a_report_line_per_row(cast: Cast, data_dir: Path) -> None:
    report = import_roster(cast.uow, Actor.operator(), data_dir / "roster_fr.csv")
    assert [(r.line, r.outcome) for r in report.rows] == [
        (2, "created"),
        (3, "created"),
        (4, "created"),
        (5, "rejected"),
        (6, "rejected"),
    ]
    assert report.rows[3].field == "ppr" and report.rows[3].reason
    assert report.counts == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 2}
    said = staff_by_ppr(cast)["1234567"]
    assert said.cin == "VB123456" and said.role == "teacher" and said.phone == "+212612345678"
    assert staff_by_ppr(cast)["2345678"].role == "principal"


def test_importing_the_same_file_twice_changes_nothing(cast: Cast, data_dir: Path) -> None:
    import_roster(cast.uow, Actor.operator(), data_dir / "roster_fr.csv")
    before = snapshot(cast.uow.engine)
    report = import_roster(cast.uow, Actor.operator(), data_dir / "roster_fr.csv")
    assert report.counts == {"created": 0, "updated": 0, "unchanged": 3, "rejected": 2}
    assert snapshot(cast.uow.engine) == before


def test_an_arabic_spreadsheet_updates_what_changed(cast: Cast, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "roster.xlsx",
        [
            ARABIC_HEADER,
            [
                1000001,
                "VB100001",
                "اسم teacher",
                "NOM teacher",
                "أستاذ",
                "07123A",
                "Ecole 07123A",
                "0612345678",
            ],
            [1000003, "VB100003", "اسم colleague", "NOM colleague", "أستاذ", "07123A", "Ecole 07123A", None],
            [9999999, "ZZZ", "اسم", "NOM", "أستاذ", "07123A", "Ecole", None],
            [8888888, "VC8", "اسم جديد", "NOUVEAU Nom", "مدير", "07555C", "Ecole C", None],
        ],
    )
    report = import_roster(cast.uow, Actor.operator(), path)
    assert [r.outcome for r in report.rows] == ["updated", "unchanged", "rejected", "created"]
    assert report.rows[0].changed == ("phone",)
    assert report.rows[2].field == "cin"
    staff = staff_by_ppr(cast)
    assert staff["1000001"].phone == "+212612345678" and staff["8888888"].role == "principal"
    # the linked account still points at the same roster entry
    assert cast.teacher.staff_member_id == staff["1000001"].id


def test_a_file_without_a_required_column_writes_nothing(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("PPR;CIN;Nom_FR\n1;A1;X\n", encoding="utf-8")
    before = snapshot(cast.uow.engine)
    with pytest.raises(InvalidInput) as raised:
        import_roster(cast.uow, Actor.operator(), path)
    assert raised.value.params["field"] == "file"
    assert snapshot(cast.uow.engine) == before


def test_only_admins_import_the_roster(cast: Cast, data_dir: Path) -> None:
    with pytest.raises(PermissionDenied):
        import_roster(cast.uow, cast.status_agent, data_dir / "roster_fr.csv")

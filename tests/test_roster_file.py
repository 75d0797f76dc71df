"""Reading the staff roster that the directorate exports from its spreadsheets."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from desk.errors import InvalidInput
from desk.roster_file import RosterRow, RosterRowError, read_roster

DATA = Path(__file__).parent / "data"

ALAMI = RosterRow(
    line=2,
    ppr="1234567",
    cin="VB123456",
    full_name_ar="سعيد العلمي",
    full_name_fr="ALAMI Said",
    role="teacher",
    school_code="07123A",
    school_name="Ecole Al Amal",
    phone="+212612345678",
)


def write_csv(tmp_path: Path, text: str, *, bom: bool = False, name: str = "roster.csv") -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def write_xlsx(tmp_path: Path, rows: list[list[object]], *, name: str = "roster.xlsx") -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def rows_of(results: list[RosterRow | RosterRowError]) -> list[RosterRow]:
    return [r for r in results if isinstance(r, RosterRow)]


def errors_of(results: list[RosterRow | RosterRowError]) -> list[RosterRowError]:
    return [r for r in results if isinstance(r, RosterRowError)]


def file_error(path: Path) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        read_roster(path)
    assert caught.value.field == "file"
    return caught.value


FRENCH_HEADER = "ppr,cin,nom_ar,nom_fr,role,code_etablissement,etablissement,telephone\n"
ALAMI_CSV = "1234567,vb123456,سعيد العلمي,ALAMI Said,enseignant,07123A,Ecole Al Amal,06 12 34 56 78\n"


# --- formats and headers -------------------------------------------------------------------------


def test_directorate_exports_a_french_csv_with_commas(tmp_path: Path) -> None:
    assert read_roster(write_csv(tmp_path, FRENCH_HEADER + ALAMI_CSV)) == [ALAMI]


def test_sample_roster_with_bom_semicolons_and_accented_headers_is_read_row_by_row() -> None:
    results = read_roster(DATA / "roster_fr.csv")
    assert [type(r).__name__ for r in results] == [
        "RosterRow",
        "RosterRow",
        "RosterRow",
        "RosterRowError",
        "RosterRowError",
    ]
    assert results[0] == ALAMI
    principal, administrative = results[1], results[2]
    assert isinstance(principal, RosterRow) and isinstance(administrative, RosterRow)
    assert (principal.role, principal.phone) == ("principal", None)
    assert (administrative.role, administrative.phone) == ("administrative", "+212528891234")
    bad_ppr, duplicate = results[3], results[4]
    assert isinstance(bad_ppr, RosterRowError) and isinstance(duplicate, RosterRowError)
    assert (bad_ppr.line, bad_ppr.field, bad_ppr.raw["ppr"]) == (5, "ppr", "45A6789")
    assert (duplicate.line, duplicate.field, duplicate.params) == (6, "ppr", {"first_line": 2})


def test_arabic_headers_with_semicolons_and_bom_are_understood(tmp_path: Path) -> None:
    text = (
        "رقم التأجير;ر.ب.و;الاسم الكامل;الاسم بالفرنسية;الصفة;رمز المؤسسة;المؤسسة;الهاتف\n"
        "1234567;VB123456;سعيد العلمي;ALAMI Said;أستاذ;07123A;Ecole Al Amal;0612345678\n"
    )
    assert read_roster(write_csv(tmp_path, text, bom=True)) == [ALAMI]


def test_header_spelling_case_accents_and_separators_do_not_matter(tmp_path: Path) -> None:
    text = (
        "Matricule,N° CIN,NOM_AR,Nom Complet,FONCTION,Code Établissement,École,Tél\n"
        "1234567,VB123456,سعيد العلمي,ALAMI Said,Enseignant,07123A,Ecole Al Amal,0612345678\n"
    )
    # "N° CIN" is not an alias: the file misses its CIN column.
    assert file_error(write_csv(tmp_path, text)).params["columns"] == "cin"
    fixed = text.replace("N° CIN", "C.I.N")
    assert read_roster(write_csv(tmp_path, fixed)) == [ALAMI]


def test_english_headers_are_understood(tmp_path: Path) -> None:
    text = (
        "PPR,CIN,Full Name AR,Full Name FR,Role,School Code,School Name,Phone\n"
        "1234567,VB123456,سعيد العلمي,ALAMI Said,Teacher,07123A,Ecole Al Amal,+212612345678\n"
    )
    assert read_roster(write_csv(tmp_path, text)) == [ALAMI]


def test_unknown_columns_are_ignored_and_column_order_is_free(tmp_path: Path) -> None:
    text = (
        "remarque,telephone,etablissement,code_etablissement,role,nom_fr,nom_ar,cin,ppr\n"
        "RAS,0612345678,Ecole Al Amal,07123A,enseignant,ALAMI Said,سعيد العلمي,VB123456,1234567\n"
    )
    assert read_roster(write_csv(tmp_path, text)) == [ALAMI]


def test_quoted_cells_may_contain_the_delimiter(tmp_path: Path) -> None:
    text = (
        FRENCH_HEADER
        + '1234567,VB123456,سعيد العلمي,"ALAMI, Said",enseignant,07123A,"Ecole Al Amal, Dakhla",\n'
    )
    [row] = read_roster(write_csv(tmp_path, text))
    assert isinstance(row, RosterRow)
    assert (row.full_name_fr, row.school_name) == ("ALAMI, Said", "Ecole Al Amal, Dakhla")


def test_separate_first_name_column_is_appended_to_the_family_name(tmp_path: Path) -> None:
    text = (
        "ppr,cin,nom_ar,nom,prénom,role,code,etablissement\n"
        "1234567,VB123456,سعيد العلمي,ALAMI,Said,enseignant,07123A,Ecole Al Amal\n"
    )
    [row] = read_roster(write_csv(tmp_path, text))
    assert isinstance(row, RosterRow)
    assert row.full_name_fr == "ALAMI Said"


def test_phone_column_is_optional(tmp_path: Path) -> None:
    header = FRENCH_HEADER.replace(",telephone", "")
    line = ALAMI_CSV.replace(",06 12 34 56 78", "")
    [row] = read_roster(write_csv(tmp_path, header + line))
    assert isinstance(row, RosterRow)
    assert row.phone is None


def test_spreadsheet_with_excel_numbers_and_a_title_above_the_table(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path,
        [
            ["Liste du personnel — Direction provinciale Oued Eddahab"],
            [],
            ["PPR", "CIN", "الاسم الكامل", "Nom complet", "الإطار", "Code", "Établissement", "Tel"],
            [
                1234567.0,
                "VB123456",
                "سعيد العلمي",
                "ALAMI Said",
                "أستاذة",
                "07123A",
                "Ecole Al Amal",
                612345678,
            ],
            [2345678, "VA98765", "فاطمة بناني", "BENNANI Fatima", "مديرة", 7123, "Ecole 7123", None],
            [None, None, None, None, None, None, None, None],
            [3456789, "VB55555", "محمد الصحراوي", "SAHRAOUI Mohamed", "متصرف", "07001X", "DP", 212528891234],
        ],
    )
    results = read_roster(path)
    assert results[0] == replace(ALAMI, line=4)
    second, third = results[1], results[2]
    assert isinstance(second, RosterRow) and isinstance(third, RosterRow)
    assert (second.line, second.ppr, second.role, second.school_code, second.phone) == (
        5,
        "2345678",
        "principal",
        "7123",
        None,
    )
    assert (third.line, third.role, third.phone) == (7, "administrative", "+212528891234")
    assert len(results) == 3


def test_only_the_first_sheet_is_read(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.append(FRENCH_HEADER.strip().split(","))
    first.append(ALAMI_CSV.strip().split(","))
    other = workbook.create_sheet("Archive")
    other.append(FRENCH_HEADER.strip().split(","))
    other.append(["9999999", "X1", "أ", "B", "enseignant", "C", "D", ""])
    path = tmp_path / "roster.xlsx"
    workbook.save(path)
    assert read_roster(path) == [ALAMI]


def test_excel_number_exported_to_csv_as_decimal_is_accepted(tmp_path: Path) -> None:
    [row] = read_roster(write_csv(tmp_path, FRENCH_HEADER + ALAMI_CSV.replace("1234567,", "1234567.0,", 1)))
    assert isinstance(row, RosterRow)
    assert row.ppr == "1234567"


# --- roles ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "role"),
    [
        ("enseignant", "teacher"),
        ("Enseignante", "teacher"),
        ("TEACHER", "teacher"),
        ("أستاذ", "teacher"),
        ("أستاذة", "teacher"),
        ("أستاذ(ة) التعليم الابتدائي", "teacher"),
        ("Professeur de l'enseignement primaire", "teacher"),
        ("directeur", "principal"),
        ("Principal", "principal"),
        ("مدير", "principal"),
        ("مديرة", "principal"),
        ("administratif", "administrative"),
        ("Administrative", "administrative"),
        ("إداري", "administrative"),
        ("متصرف من الدرجة الثانية", "administrative"),
    ],
)
def test_role_written_in_french_english_or_arabic_is_understood(
    tmp_path: Path, typed: str, role: str
) -> None:
    line = ALAMI_CSV.replace("enseignant", f'"{typed}"')
    [row] = read_roster(write_csv(tmp_path, FRENCH_HEADER + line))
    assert isinstance(row, RosterRow)
    assert row.role == role


def test_unknown_role_rejects_the_row(tmp_path: Path) -> None:
    [error] = read_roster(write_csv(tmp_path, FRENCH_HEADER + ALAMI_CSV.replace("enseignant", "inspecteur")))
    assert isinstance(error, RosterRowError)
    assert (error.line, error.field) == (2, "role")


# --- bad rows ------------------------------------------------------------------------------------


def test_bad_rows_are_reported_and_the_good_ones_still_read(tmp_path: Path) -> None:
    text = FRENCH_HEADER + (
        "12A4567,VB111111,أ,A,enseignant,07123A,E,\n"
        + ALAMI_CSV
        + "2345678,123456,ب,B,enseignant,07123A,E,\n"
        + "3456789,VB333333,,C,enseignant,07123A,E,\n"
        + "4567890,VB444444,د,D,enseignant,07123A,E,0812345678\n"
        + "5678901,VB555555,هـ,E,directeur,07123A,E,\n"
    )
    results = read_roster(write_csv(tmp_path, text))
    assert [r.line for r in results] == [2, 3, 4, 5, 6, 7]
    assert [r.ppr for r in rows_of(results)] == ["1234567", "5678901"]
    assert [(e.line, e.field) for e in errors_of(results)] == [
        (2, "ppr"),
        (4, "cin"),
        (5, "full_name_ar"),
        (6, "phone"),
    ]
    first_error = errors_of(results)[0]
    assert first_error.raw["ppr"] == "12A4567"
    assert first_error.raw["full_name_ar"] == "أ"
    assert all(e.reason.isascii() and e.reason for e in errors_of(results))


def test_same_ppr_twice_rejects_the_later_row_and_points_to_the_first(tmp_path: Path) -> None:
    text = (
        FRENCH_HEADER
        + ALAMI_CSV
        + ALAMI_CSV.replace("vb123456", "VB999999").replace("ALAMI Said", "ALAMI S.")
    )
    first, second = read_roster(write_csv(tmp_path, text))
    assert first == ALAMI
    assert isinstance(second, RosterRowError)
    assert (second.line, second.field, second.params["first_line"]) == (3, "ppr", 2)


def test_same_ppr_after_a_rejected_row_is_accepted_as_its_correction(tmp_path: Path) -> None:
    bad = ALAMI_CSV.replace("vb123456", "not-a-cin")
    [error, row] = read_roster(write_csv(tmp_path, FRENCH_HEADER + bad + ALAMI_CSV))
    assert isinstance(error, RosterRowError) and error.field == "cin"
    assert row == replace(ALAMI, line=3)


def test_empty_lines_are_skipped_but_keep_line_numbers(tmp_path: Path) -> None:
    text = FRENCH_HEADER + "\n,,,,,,,\n" + ALAMI_CSV
    [row] = read_roster(write_csv(tmp_path, text))
    assert isinstance(row, RosterRow)
    assert row.line == 4


def test_a_short_row_is_rejected_not_crashing(tmp_path: Path) -> None:
    [error] = read_roster(write_csv(tmp_path, FRENCH_HEADER + "1234567,VB123456\n"))
    assert isinstance(error, RosterRowError)
    assert error.field == "full_name_ar"


# --- whole-file refusals ---------------------------------------------------------------------------


def test_missing_required_columns_are_named_in_one_error(tmp_path: Path) -> None:
    error = file_error(write_csv(tmp_path, "ppr,nom_fr,telephone\n1234567,ALAMI Said,0612345678\n"))
    assert error.params["columns"] == "cin, full_name_ar, role, school_code, school_name"


def test_two_columns_with_the_same_meaning_are_refused(tmp_path: Path) -> None:
    text = "ppr,matricule,cin,nom_ar,nom_fr,role,code,etablissement\n"
    assert "matricule" in file_error(write_csv(tmp_path, text)).params["columns"]


def test_csv_saved_in_a_windows_encoding_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes((FRENCH_HEADER + "1234567,VB1,x,Frédéric,enseignant,1,École,\n").encode("cp1252"))
    assert file_error(path).reason


@pytest.mark.parametrize("name", ["roster.xls", "roster.ods", "roster.txt"])
def test_other_file_kinds_are_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"whatever")
    assert file_error(path).params["suffix"] == path.suffix


def test_corrupt_spreadsheet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"this is not a zip file")
    assert file_error(path).reason


def test_empty_file_is_refused(tmp_path: Path) -> None:
    assert file_error(write_csv(tmp_path, "\n\n")).reason


def test_header_only_file_has_no_rows(tmp_path: Path) -> None:
    assert read_roster(write_csv(tmp_path, FRENCH_HEADER)) == []


def test_uppercase_extension_is_accepted(tmp_path: Path) -> None:
    assert read_roster(write_csv(tmp_path, FRENCH_HEADER + ALAMI_CSV, name="ROSTER.CSV")) == [ALAMI]

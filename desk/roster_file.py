"""Reading the staff roster from a CSV or XLSX file into validated rows, one report line per row.

Headers may be written in French, English or Arabic, in any case, with or without accents:
see :data:`COLUMN_ALIASES`. The header is the first row (among the first few, so that a title
above the table is tolerated) that names at least two known columns; unknown columns are ignored.
A bad row becomes a :class:`RosterRowError` and never stops the others; a file without a required
column, or that cannot be read at all, raises a single ``InvalidInput(field="file", ...)``.
Nothing here touches the database: ``desk/roster.py`` decides created / updated / unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from itertools import chain, islice
from pathlib import Path
from typing import Literal

from desk.errors import N_, InvalidInput
from desk.validation import bounded_text, validate_cin, validate_phone, validate_ppr

Role = Literal["teacher", "principal", "administrative"]

NAME_MAX_LENGTH = 200
SCHOOL_CODE_MAX_LENGTH = 32
# A title block above the table is tolerated, not a whole page of prose.
_HEADER_SEARCH_ROWS = 20

# Field → header spellings (compared after _normalize_header: case, accents, Arabic letter forms,
# spaces and punctuation do not matter).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "ppr": ("ppr", "matricule", "som", "n° ppr", "numero ppr", "staff id", "رقم التأجير"),
    "cin": (
        "cin",
        "cnie",
        "national id",
        "id card",
        "ر.ب.و",
        "رقم البطاقة الوطنية",
        "رقم بطاقة التعريف الوطنية",
        "البطاقة الوطنية",
    ),
    "full_name_ar": (
        "nom_ar",
        "nom arabe",
        "nom en arabe",
        "name_ar",
        "full_name_ar",
        "arabic name",
        "الاسم الكامل",
        "الاسم",
        "الاسم بالعربية",
        "الاسم الكامل بالعربية",
        "النسب",
        "الاسم العائلي",
    ),
    "full_name_fr": (
        "nom_fr",
        "nom",
        "nom complet",
        "nom et prenom",
        "nom prenom",
        "nom francais",
        "nom en francais",
        "name_fr",
        "full_name_fr",
        "name",
        "full name",
        "الاسم بالفرنسية",
        "الاسم الكامل بالفرنسية",
    ),
    "role": ("role", "fonction", "position", "function", "cadre", "الصفة", "الإطار", "المهمة"),
    "school_code": (
        "code_etablissement",
        "code",
        "code etab",
        "school_code",
        "school code",
        "رمز المؤسسة",
    ),
    "school_name": (
        "etablissement",
        "école",
        "ecole",
        "nom etablissement",
        "school",
        "school_name",
        "school name",
        "المؤسسة",
        "اسم المؤسسة",
    ),
    "phone": ("telephone", "tel", "gsm", "mobile", "phone", "الهاتف", "رقم الهاتف"),
    # Rosters that split the name: the first name is appended to the family name ("NOM Prénom").
    "first_name_fr": ("prenom", "first name", "first_name", "given name"),
    "first_name_ar": ("الاسم الشخصي",),
}
REQUIRED_COLUMNS = ("ppr", "cin", "full_name_ar", "full_name_fr", "role", "school_code", "school_name")

# Role value → role (compared after _normalize_words; the first word also counts, so that
# "Professeur de l'enseignement primaire" or "متصرف من الدرجة الثانية" are understood).
ROLE_ALIASES: dict[str, Role] = {
    **dict.fromkeys(
        (
            "enseignant",
            "enseignante",
            "professeur",
            "professeure",
            "teacher",
            "أستاذ",
            "أستاذة",
            "مدرس",
            "مدرسة",
        ),
        "teacher",
    ),
    **dict.fromkeys(
        ("directeur", "directrice", "principal", "headteacher", "مدير", "مديرة"),
        "principal",
    ),
    **dict.fromkeys(
        (
            "administratif",
            "administrative",
            "administrateur",
            "administratrice",
            "إداري",
            "إدارية",
            "متصرف",
            "متصرفة",
        ),
        "administrative",
    ),
}


@dataclass(frozen=True)
class RosterRow:
    """One valid roster entry. ``line`` is the row number as a spreadsheet shows it (header = its row)."""

    line: int
    ppr: str
    cin: str
    full_name_ar: str
    full_name_fr: str
    role: Role
    school_code: str
    school_name: str
    phone: str | None


@dataclass(frozen=True)
class RosterRowError:
    """A rejected row: ``reason`` is a msgid; ``field`` names the faulty column (None for the whole row);
    ``raw`` holds the row's cells as text, keyed by field name; ``params`` what the reason may quote."""

    line: int
    reason: str
    raw: dict[str, str]
    field: str | None = None
    params: dict[str, object] = dataclass_field(default_factory=dict)


# --- normalisation -------------------------------------------------------------------------------

_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ـ": None})


def _fold(text: str) -> str:
    """Casefold, drop accents and Arabic diacritics, unify Arabic letter variants."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare).translate(_ARABIC_LETTERS)


def _normalize_header(text: str) -> str:
    """A header reduced to letters and digits: 'Code établissement' == 'code_etablissement'."""
    return "".join(ch for ch in _fold(text) if ch.isalnum())


def _normalize_words(text: str) -> list[str]:
    """A cell value reduced to lowercase words without accents or punctuation."""
    return "".join(ch if ch.isalnum() else " " for ch in _fold(text)).split()


_HEADER_TO_FIELD: dict[str, str] = {
    _normalize_header(alias): name for name, aliases in COLUMN_ALIASES.items() for alias in aliases
}
_ROLE_WORDS: dict[str, Role] = {
    " ".join(_normalize_words(alias)): role for alias, role in ROLE_ALIASES.items()
}


def _cell_text(value: object) -> str:
    """A cell as text: integral numbers lose their '.0', dates become ISO, None becomes ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


_INTEGRAL_TEXT = re.compile(r"([0-9]+)\.0+")


def _integral(text: str) -> str:
    """'1234567.0' (an Excel number exported to CSV) → '1234567'."""
    match = _INTEGRAL_TEXT.fullmatch(text)
    return match.group(1) if match else text


def _parse_role(text: str) -> Role:
    words = _normalize_words(text)
    if not words:
        raise InvalidInput(field="role", reason=N_("The role is required."))
    role = _ROLE_WORDS.get(" ".join(words)) or _ROLE_WORDS.get(words[0])
    if role is None:
        raise InvalidInput(
            field="role", reason=N_("The role must be teacher, principal or administrative."), value=text
        )
    return role


def _parse_phone(text: str) -> str | None:
    if not text:
        return None
    text = _integral(text)
    if re.fullmatch(r"[5-7][0-9]{8}", text):  # a number cell lost its leading 0
        text = "0" + text
    elif re.fullmatch(r"212[5-7][0-9]{8}", text):
        text = "+" + text
    return validate_phone(text)


# --- reading -------------------------------------------------------------------------------------


def _file_error(reason: str, **params: object) -> InvalidInput:
    return InvalidInput(field="file", reason=reason, **params)


def _csv_rows(path: Path) -> Iterator[list[str]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _file_error(N_("The CSV file must be saved as UTF-8.")) from error
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    # The delimiter used most often in the header line wins; a comma on a tie.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as error:
        raise _file_error(N_("The CSV file could not be read.")) from error


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    import openpyxl  # only needed for spreadsheets

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise _file_error(N_("The spreadsheet could not be read.")) from error
    try:
        if not workbook.worksheets:
            return
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            yield [_cell_text(value) for value in values]
    finally:
        workbook.close()


def _rows(path: Path) -> Iterator[list[str]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_rows(path)
    if suffix == ".xlsx":
        return _xlsx_rows(path)
    raise _file_error(N_("Only CSV and XLSX files can be imported."), suffix=suffix)


def _header_columns(cells: Sequence[str]) -> dict[str, int]:
    """Field → column index for the recognised headers of a row; a field named twice is refused."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = _HEADER_TO_FIELD.get(_normalize_header(cell))
        if name is None:
            continue
        if name in columns:
            raise _file_error(
                N_("Two columns have the same meaning: {columns}."),
                columns=f"{cells[columns[name]]}, {cell}",
            )
        columns[name] = index
    return columns


def _find_header(head: Sequence[tuple[int, list[str]]]) -> tuple[int, dict[str, int]]:
    """The header's line and columns: the first row naming two known columns, else the first non-empty row."""
    first: tuple[int, list[str]] | None = None
    for line, cells in head:
        if not any(cells):
            continue
        first = first or (line, cells)
        known = {_HEADER_TO_FIELD.get(_normalize_header(cell)) for cell in cells} - {None}
        if len(known) >= 2:
            return line, _header_columns(cells)
    if first is None:
        raise _file_error(N_("The file is empty."))
    return first[0], _header_columns(first[1])


def read_roster(path: Path) -> list[RosterRow | RosterRowError]:
    """Every data row of the roster file, in file order, as a valid row or a rejected one.

    ``.csv`` (UTF-8 with or without BOM; comma, semicolon or tab, guessed from the header line) or
    ``.xlsx`` (its first sheet). Empty rows are skipped. A PPR already accepted on an earlier line
    makes the later line an error.

    Raises ``InvalidInput(field="file")`` when the file cannot be read, is empty, or misses a required
    column (``params["columns"]`` lists the missing ones, comma-separated).
    """
    path = Path(path)
    with closing(_rows(path)) as rows:
        numbered = enumerate(rows, start=1)
        head = list(islice(numbered, _HEADER_SEARCH_ROWS))
        header_line, columns = _find_header(head)
        missing = [name for name in REQUIRED_COLUMNS if name not in columns]
        if missing:
            raise _file_error(N_("Required columns are missing: {columns}."), columns=", ".join(missing))
        return _read_rows(chain(head, numbered), header_line, columns)


def _read_rows(
    numbered: Iterable[tuple[int, list[str]]], header_line: int, columns: dict[str, int]
) -> list[RosterRow | RosterRowError]:
    results: list[RosterRow | RosterRowError] = []
    first_line_of: dict[str, int] = {}
    for line, cells in numbered:
        if line <= header_line:
            continue
        raw = {name: (cells[index].strip() if index < len(cells) else "") for name, index in columns.items()}
        if not any(raw.values()):  # an empty row, or one with cells only in columns we do not read
            continue
        try:
            row = _validate_row(line, raw)
        except InvalidInput as error:
            extra = {k: v for k, v in error.params.items() if k not in ("field", "reason")}
            results.append(RosterRowError(line, error.reason, raw, field=error.field, params=extra))
            continue
        if row.ppr in first_line_of:
            results.append(
                RosterRowError(
                    line,
                    N_("This PPR already appears on line {first_line}."),
                    raw,
                    field="ppr",
                    params={"first_line": first_line_of[row.ppr]},
                )
            )
            continue
        first_line_of[row.ppr] = line
        results.append(row)
    return results


def _full_name(raw: dict[str, str], language: str) -> str:
    parts = (raw[f"full_name_{language}"], raw.get(f"first_name_{language}", ""))
    name = " ".join(part for part in parts if part)
    return bounded_text(name, f"full_name_{language}", max_len=NAME_MAX_LENGTH)


def _validate_row(line: int, raw: dict[str, str]) -> RosterRow:
    return RosterRow(
        line=line,
        ppr=validate_ppr(_integral(raw["ppr"])),
        cin=validate_cin(raw["cin"]),
        full_name_ar=_full_name(raw, "ar"),
        full_name_fr=_full_name(raw, "fr"),
        role=_parse_role(raw["role"]),
        school_code=bounded_text(
            _integral(raw["school_code"]), "school_code", max_len=SCHOOL_CODE_MAX_LENGTH
        ),
        school_name=bounded_text(raw["school_name"], "school_name", max_len=NAME_MAX_LENGTH),
        phone=_parse_phone(raw.get("phone", "")),
    )

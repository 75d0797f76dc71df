"""The administration command line: `python -m bot db|roster|agents …`."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.cli import main
from tests.conftest import table_counts


@pytest.fixture
def cli_db(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    return engine


def test_db_upgrade_on_an_up_to_date_database_is_harmless(
    cli_db: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_db_upgrade_creates_a_fresh_sqlite_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/data/new.sqlite3")
    assert main(["db", "upgrade"]) == 0
    assert (tmp_path / "data" / "new.sqlite3").exists()


def test_roster_import_prints_a_line_per_row_and_twice_changes_nothing(
    cli_db: Engine, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["roster", "import", str(data_dir / "roster_fr.csv")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "line 2: created 1234567"
    assert out[3].startswith("line 5: rejected 45A6789 — ") and out[3].endswith("[ppr]")
    assert out[-1] == "3 created, 0 updated, 0 unchanged, 2 rejected"
    counts = table_counts(cli_db)
    assert main(["roster", "import", str(data_dir / "roster_fr.csv")]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "0 created, 0 updated, 3 unchanged, 2 rejected"
    assert table_counts(cli_db) == counts


def test_agents_are_added_listed_and_removed(cli_db: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agents", "add", "--telegram-id", "42", "--office", "hr-leave", "--head"]) == 0
    assert main(["agents", "add", "--telegram-id", "42", "--office", "legal-affairs"]) == 0
    capsys.readouterr()
    assert main(["agents", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == ["hr-leave\t42\thead", "legal-affairs\t42"]
    assert main(["agents", "remove", "--telegram-id", "42", "--office", "legal-affairs"]) == 0
    assert main(["agents", "list", "--office", "legal-affairs"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "No agents."


def test_an_unknown_office_is_one_clear_line_naming_the_valid_ids(
    cli_db: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["agents", "add", "--telegram-id", "42", "--office", "hr-leaves"]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "hr-leaves" in err[0] and "hr-leave," in err[0]


def test_errors_exit_non_zero_with_one_line(cli_db: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agents", "remove", "--telegram-id", "42"]) != 0
    assert main(["roster", "import", "/no/such/file.csv"]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("error: ") for line in err)


def test_a_database_never_upgraded_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/empty.sqlite3")
    assert main(["agents", "list"]) != 0
    assert "db upgrade" in capsys.readouterr().err

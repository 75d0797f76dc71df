"""Alembic migrations, configured in code so that they run from any working directory.

from migrations import upgrade
upgrade("sqlite:///data/assistant.sqlite3")
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

SCRIPT_LOCATION = Path(__file__).resolve().parent


def alembic_config(url: str | None = None, engine: Engine | None = None) -> Config:
    """An Alembic config pointing at this folder; the database comes from ``engine`` or ``url``."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.set_main_option("path_separator", "os")
    config.attributes["database_url"] = url
    config.attributes["engine"] = engine
    return config


def upgrade(url: str | None = None, revision: str = "head", *, engine: Engine | None = None) -> None:
    """Bring the database at ``url`` (or behind ``engine``) up to ``revision``."""
    command.upgrade(alembic_config(url, engine), revision)


def downgrade(url: str | None = None, revision: str = "base", *, engine: Engine | None = None) -> None:
    """Take the database back down to ``revision`` (``base`` drops every table)."""
    command.downgrade(alembic_config(url, engine), revision)

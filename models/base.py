"""What every table shares: the metadata's constraint naming convention and small helpers."""

from __future__ import annotations

from sqlmodel import SQLModel

# Named constraints keep Alembic diffs stable and let SQLite batch migrations find them.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLModel.metadata.naming_convention = NAMING_CONVENTION

metadata = SQLModel.metadata

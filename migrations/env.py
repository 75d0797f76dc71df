"""Alembic environment: the target is SQLModel's metadata; the engine is ``models.db.make_engine``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

import models  # noqa: F401  (registers every table on the metadata)
from models.base import metadata
from models.db import make_engine

config = context.config


def _engine() -> tuple[Engine, bool]:
    engine = config.attributes.get("engine")
    if engine is not None:
        return engine, False
    url = config.attributes.get("database_url")
    if url is None:
        from bot.settings import Settings

        url = Settings().database_url
    return make_engine(url), True


def run_migrations_offline() -> None:
    url = config.attributes.get("database_url")
    context.configure(url=url, target_metadata=metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine, owned = _engine()
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=metadata,
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        if owned:
            engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

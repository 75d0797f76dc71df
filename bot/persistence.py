"""python-telegram-bot persistence over the bot's own database, so conversations survive a restart.

Stored: conversation states and each person's `user_data` (the answers of a request being drafted). Not stored:
bot_data (it holds the live services), chat_data (unused) and callback data (buttons carry plain ids).
Everything stored must be JSON: drafts keep dates as ISO strings.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from typing import Any

from sqlalchemy import Engine, delete
from sqlmodel import select
from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from models.bot_state import BotState, put_state
from models.db import session_scope
from models.types import utcnow

USER = "user"
CONVERSATION = "conversation:"

def _key(key: ConversationKey) -> str:
    return json.dumps(list(key))


def _snapshot(data: Any) -> str:
    """The stored value as JSON text, to tell whether a write would change anything."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


class DatabasePersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Writes go straight to the database (one small transaction each), in a worker thread."""

    def __init__(self, engine: Engine, update_interval: float = 1.0) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=True, callback_data=False),
            update_interval=update_interval,
        )
        self.engine = engine
        # What the database holds, as this process last read or wrote it: (scope, key) → JSON text, no entry
        # when there is no row. One bot process writes these rows, so an update that changed nothing (a
        # question, a status check) costs no transaction.
        self._saved: dict[tuple[str, str], str] = {}

    # ------------------------------------------------------------------ reading (once, at start-up)

    def _load(self, scope_prefix: str) -> list[BotState]:
        with session_scope(self.engine, write=False) as session:
            rows = session.exec(select(BotState).where(BotState.scope.startswith(scope_prefix))).all()  # type: ignore[attr-defined]
        for row in rows:
            self._saved[(row.scope, row.key)] = _snapshot(row.data)
        return list(rows)

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        rows = await asyncio.to_thread(self._load, USER)
        return defaultdict(dict, {int(r.key): dict(r.data or {}) for r in rows if r.scope == USER})

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return defaultdict(dict)

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        rows = await asyncio.to_thread(self._load, CONVERSATION + name)
        return {tuple(json.loads(r.key)): r.data for r in rows if r.scope == CONVERSATION + name}

    # ------------------------------------------------------------------ writing

    def _put(self, scope: str, key: str, data: Any) -> None:
        with session_scope(self.engine, write=True) as session:
            put_state(session.connection(), scope, key, data, utcnow())

    async def _save(self, scope: str, key: str, data: Any) -> None:
        """Write ``data`` (None: delete the row), unless the database already holds exactly that."""
        snapshot = None if data is None else _snapshot(data)
        if self._saved.get((scope, key)) == snapshot:
            return
        await asyncio.to_thread(self._put, scope, key, data)
        if snapshot is None:
            self._saved.pop((scope, key), None)
        else:
            self._saved[(scope, key)] = snapshot

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        await self._save(CONVERSATION + name, _key(key), new_state)

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        await self._save(USER, str(user_id), dict(data) or None)

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        return None

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    async def drop_user_data(self, user_id: int) -> None:
        await self._save(USER, str(user_id), None)

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        return None

    async def flush(self) -> None:
        return None

    def forget_person(self, user_id: int) -> None:
        """Erase a person's stored drafts and conversation states (privacy requests)."""
        with session_scope(self.engine, write=True) as session:
            session.exec(delete(BotState).where(BotState.scope == USER, BotState.key == str(user_id)))  # type: ignore[call-overload]
        self._saved.pop((USER, str(user_id)), None)

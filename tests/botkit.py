"""Driving the real bot in process: the Application built by the factory, talking to the Bot API stand-in.

Every call the bot makes goes through `standin` (checked against the official method list and Telegram's limits);
updates are real update JSON fed through `Application.process_update`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application

from bot.app import build_application
from bot.outbox import deliver_due
from bot.settings import Settings
from desk.uow import UnitOfWork
from standin.core import BotApiState
from standin.transport import StandinRequest, feed
from standin.users import FakeUser


@dataclass
class World:
    """One bot, its database, and the people talking to it."""

    app: Application[Any, Any, Any, Any, Any, Any]
    api: BotApiState
    uow: UnitOfWork
    users: dict[int, FakeUser] = field(default_factory=dict)

    def user(self, telegram_id: int, language: str | None = "ar", first_name: str = "Test") -> FakeUser:
        if telegram_id not in self.users:
            self.users[telegram_id] = FakeUser(id=telegram_id, first_name=first_name, language_code=language)
        return self.users[telegram_id]

    def _new_since(self, chat_id: int, before: int) -> list[dict[str, Any]]:
        return [m for m in self.api.sent_to(chat_id) if m["message_id"] > before]

    def _last_id(self, chat_id: int) -> int:
        history = self.api.history(chat_id)
        return history[-1]["message_id"] if history else 0

    async def send(self, telegram_id: int, text: str, reply_to: dict[str, Any] | int | None = None,
                   language: str | None = "ar") -> list[dict[str, Any]]:
        """The person sends a text; returns the bot's messages sent to them in answer."""
        user = self.user(telegram_id, language)
        before = self._last_id(telegram_id)
        await feed(self.app, self.api.user_sends_text(user, text, reply_to=reply_to))
        return self._new_since(telegram_id, before)

    async def send_document(self, telegram_id: int, content: bytes, filename: str, mime_type: str | None = None,
                            reply_to: dict[str, Any] | int | None = None, caption: str | None = None
                            ) -> list[dict[str, Any]]:
        user = self.user(telegram_id)
        before = self._last_id(telegram_id)
        await feed(self.app, self.api.user_sends_document(user, content, filename, mime_type, caption, reply_to))
        return self._new_since(telegram_id, before)

    async def send_photo(self, telegram_id: int, reply_to: dict[str, Any] | int | None = None,
                         caption: str | None = None) -> list[dict[str, Any]]:
        user = self.user(telegram_id)
        before = self._last_id(telegram_id)
        await feed(self.app, self.api.user_sends_photo(user, caption=caption, reply_to=reply_to))
        return self._new_since(telegram_id, before)

    async def press(self, telegram_id: int, message: dict[str, Any], data: str | None = None, *,
                    text: str | None = None, check: bool = True) -> list[dict[str, Any]]:
        """The person presses a button (by callback data or label); returns the bot's new messages to them."""
        user = self.user(telegram_id)
        before = self._last_id(telegram_id)
        update = self.api.user_presses(user, message, data, button_text=text, check=check)
        await feed(self.app, update)
        self.last_press = update
        return self._new_since(telegram_id, before)

    def press_answer(self) -> dict[str, Any] | None:
        """The answerCallbackQuery of the last press (its text is the pop-up the person saw)."""
        return self.api.answer_to(self.last_press)

    async def deliver(self) -> int:
        """Run the outbox worker once (notifications to everybody)."""
        return await deliver_due(self.app)

    def inbox(self, telegram_id: int) -> list[dict[str, Any]]:
        return self.api.sent_to(telegram_id)

    def last(self, telegram_id: int) -> dict[str, Any]:
        message = self.api.last_sent_to(telegram_id)
        assert message is not None, f"the bot sent nothing to {telegram_id}"
        return message

    @staticmethod
    def buttons(message: dict[str, Any]) -> dict[str, str]:
        """Label → callback data of a message's inline buttons."""
        return {b["text"]: b.get("callback_data", "") for b in BotApiState.buttons(message)}

    def keyboard(self, telegram_id: int) -> list[str]:
        board = self.api.reply_keyboard(telegram_id) or {}
        return [button if isinstance(button, str) else button["text"]
                for row in board.get("keyboard", []) for button in row]


async def start_world(uow: UnitOfWork, settings: Settings) -> World:
    api = BotApiState()
    app = build_application(
        settings, request=StandinRequest(api), get_updates_request=StandinRequest(api),
        engine=uow.engine, directory=uow.directory, clock=uow.clock,
    )
    await app.initialize()
    await app.post_init(app)  # type: ignore[misc]  # command menus, as run_polling would
    return World(app=app, api=api, uow=uow)


async def stop_world(world: World) -> None:
    await world.app.update_persistence()
    await world.app.shutdown()
    world.api.assert_all_valid()


async def restart_on(world: World) -> World:
    """A new bot process on the same database and the same Telegram, after the first one died: nothing of the
    first one's memory is kept, only what it had saved (conversations are saved by `update_persistence`)."""
    uow = world.uow
    app = build_application(
        uow.settings, request=StandinRequest(world.api), get_updates_request=StandinRequest(world.api),
        engine=uow.engine, directory=uow.directory, clock=uow.clock,
    )
    await app.initialize()
    return World(app=app, api=world.api, uow=uow, users=world.users)

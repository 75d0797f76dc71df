"""Read-only helpers for assertions in tests: what was called, what each chat shows."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from standin.core import Call


class QueriesMixin:
    """Mixed into :class:`standin.core.BotApiState`."""

    calls: list[Call]
    messages: dict[int, dict[int, dict[str, Any]]]
    reply_keyboards: dict[int, dict[str, Any] | None]
    callback_answers: dict[str, dict[str, Any]]
    bot: dict[str, Any]

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def sent_to(self, chat_id: int) -> list[dict[str, Any]]:
        """The bot's messages in this chat as they stand now (edits applied, deleted ones left out)."""
        chat = self.messages.get(chat_id, {})
        return [copy.deepcopy(m) for _, m in sorted(chat.items()) if m["from"]["id"] == self.bot["id"]]

    def last_sent_to(self, chat_id: int) -> dict[str, Any] | None:
        sent = self.sent_to(chat_id)
        return sent[-1] if sent else None

    def history(self, chat_id: int) -> list[dict[str, Any]]:
        """Every message of the chat, both ways, in order."""
        return [copy.deepcopy(m) for _, m in sorted(self.messages.get(chat_id, {}).items())]

    @staticmethod
    def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
        """The inline buttons of a message, row by row flattened."""
        rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]

    def reply_keyboard(self, chat_id: int) -> dict[str, Any] | None:
        """The reply keyboard the user currently sees in this chat (None when removed or never sent)."""
        return copy.deepcopy(self.reply_keyboards.get(chat_id))

    def answer_to(self, update: dict[str, Any]) -> dict[str, Any] | None:
        """The bot's answerCallbackQuery parameters for a pressed button's update (None: not answered)."""
        return self.callback_answers.get(update["callback_query"]["id"])

    def invalid_calls(self) -> list[Call]:
        """Calls Telegram would have refused as malformed (400/404), injected faults excluded."""
        return [c for c in self.calls if c.status in (400, 404) and c.fault is None]

    def assert_all_valid(self, *, include_warnings: bool = False) -> None:
        """Fail listing every refused call (and, if asked, every ignored unknown parameter)."""
        lines = [f"  {c.method}: {c.error}" for c in self.invalid_calls()]
        if include_warnings:
            lines += [f"  {c.method}: {w} (ignored by Telegram)" for c in self.calls for w in c.warnings]
        if lines:
            raise AssertionError("invalid Bot API calls:\n" + "\n".join(lines))

    def reset_calls(self) -> None:
        self.calls.clear()

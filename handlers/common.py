"""Pieces every audience's handlers share: the reply helpers, the main menu, callback data, desk errors."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode

from bot.context import BotContext
from bot.i18n import N_, Translator
from desk.actors import Actor
from desk.errors import DeskError, InvalidInput

MAX_TEXT = 4096
CALLBACK_LIMIT = 64  # bytes, as Telegram counts them

# Main menu labels (reply keyboard). The same msgids are matched when pressed, in both languages.
MENU_ASK = N_("❓ Ask a question")
MENU_NEW = N_("📝 New request")
MENU_MINE = N_("📂 My requests")
MENU_HANDIN = N_("📎 Hand in a document")
MENU_SETTINGS = N_("⚙️ Settings")
MENU_QUEUE = N_("📥 Office queue")


def esc(value: object) -> str:
    """Text from people or data, safe inside an HTML message."""
    return html.escape(str(value), quote=False)


def code(value: object) -> str:
    """A reference number or identifier: monospace, and isolated so Arabic text keeps its order."""
    return f"<code>{esc(value)}</code>"


def callback(*parts: object) -> str:
    """Callback data from short ASCII parts; never text. Refuses what Telegram would refuse."""
    data = ":".join(str(p) for p in parts)
    if len(data.encode("utf-8")) > CALLBACK_LIMIT or not data.isascii():
        raise ValueError(f"callback data too long or not ASCII: {data!r}")
    return data


def parse_callback(data: str | None, area: str, size: int) -> list[str] | None:
    """Split callback data of an area into exactly `size` parts; None for anything else (forged or stale)."""
    if not data or not data.isascii() or len(data) > CALLBACK_LIMIT:
        return None
    parts = data.split(":")
    if len(parts) != size or parts[0] != area:
        return None
    return parts


def parse_int(value: str) -> int | None:
    # isdecimal, not isdigit: "²" is a digit that int() refuses (a forged button or typed id must not crash).
    return int(value) if value.isdecimal() and len(value) < 12 else None


def main_menu(t: Translator, actor: Actor) -> ReplyKeyboardMarkup:
    rows = [[t(MENU_ASK), t(MENU_NEW)], [t(MENU_MINE)]]
    if actor.is_principal:
        rows[1].append(t(MENU_HANDIN))
    if actor.is_agent:
        rows.append([t(MENU_QUEUE)])
    rows[-1].append(t(MENU_SETTINGS))
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)


def menu_labels(msgid: str) -> set[str]:
    """The label of a menu button in every language (a person may have switched language since)."""
    return {Translator("ar")(msgid), Translator("fr")(msgid)}


def all_menu_labels() -> list[str]:
    """Every main-menu label in every language: text a conversation waiting for free text should not take."""
    labels: set[str] = set()
    for msgid in (MENU_ASK, MENU_NEW, MENU_MINE, MENU_HANDIN, MENU_SETTINGS, MENU_QUEUE):
        labels |= menu_labels(msgid)
    return sorted(labels)


def inline(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """An inline keyboard from rows of (label, callback data)."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data) for label, data in row]
                                 for row in rows])


def utf16_len(text: str) -> int:
    """A text's length as Telegram counts it (UTF-16 code units: an emoji counts twice)."""
    return len(text.encode("utf-16-le")) // 2


_TAG = re.compile(r"<(/?)([a-z-]+)[^>]*>")


def clip(text: str, limit: int = MAX_TEXT) -> str:
    """Keep an HTML message under Telegram's limit (counted in UTF-16 units), cutting at a line break where
    possible, never inside a tag or an entity, and closing the tags left open."""
    if utf16_len(text) <= limit:
        return text
    room = limit - 40  # the ellipsis and the closing tags
    size, end = 0, 0
    for end, char in enumerate(text):  # noqa: B007  (the index where the room runs out)
        size += 2 if ord(char) > 0xFFFF else 1
        if size > room:
            break
    head = text[:end]
    cut = head.rfind("\n")
    if cut > room // 2:
        head = head[:cut]
    if head.rfind("<") > head.rfind(">"):
        head = head[: head.rfind("<")]
    if head.rfind("&") > head.rfind(";"):
        head = head[: head.rfind("&")]
    open_tags: list[str] = []
    for match in _TAG.finditer(head):
        if not match[1]:
            open_tags.append(match[2])
        elif match[2] in open_tags:
            del open_tags[len(open_tags) - 1 - open_tags[::-1].index(match[2])]
    return head + "\n…" + "".join(f"</{tag}>" for tag in reversed(open_tags))


async def say(update: Update, text: str, reply_markup: Any = None) -> Message | None:
    """Answer in the chat the update came from, as HTML."""
    chat = update.effective_chat
    if chat is None:
        return None
    return await chat.send_message(clip(text), parse_mode=ParseMode.HTML, reply_markup=reply_markup,
                                   disable_web_page_preview=True)


def explain(error: DeskError, t: Translator) -> str:
    """A desk error in the person's language (status codes in its parameters shown as labels too)."""
    from handlers.render import STATUS

    params = {k: (t(STATUS[v]) if isinstance(v, str) and v in STATUS else v) for k, v in error.params.items()}
    if isinstance(error, InvalidInput):
        params["field"] = t(FIELD_NAMES.get(error.field, error.field))
        params["reason"] = t(error.reason).format(**{k: v for k, v in params.items()
                                                    if k not in {"field", "reason"}})
    try:
        return t(error.message).format(**params)
    except (KeyError, IndexError, ValueError):
        return t(error.message)


async def person(update: Update, context: BotContext) -> tuple[Actor, Translator]:
    """The acting person and their language."""
    user = update.effective_user
    assert user is not None  # handlers are registered for updates from people only
    actor = await context.actor(user.id)
    t = await context.translator(user.id, user.language_code)
    return actor, t


FIELD_NAMES: dict[str, str] = {
    "ppr": N_("PPR number"),
    "cin": N_("national identity card number"),
    "text": N_("message"),
    "note": N_("note"),
    "reason": N_("reason"),
    "purpose": N_("purpose"),
    "subject": N_("subject"),
    "account": N_("account of the facts"),
    "school": N_("school"),
    "place": N_("place"),
    "date": N_("date"),
    "first_day": N_("first day"),
    "handed_in_on": N_("date the certificate was handed in"),
    "copies": N_("number of copies"),
    "file": N_("file"),
    "phone": N_("phone number"),
    "insurer_file_number": N_("insurer's file number"),
}


"""People on the other side of the chat, and small helpers to describe what they send."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import Any

from standin.limits import utf16_len


@dataclass(frozen=True)
class FakeUser:
    """A Telegram user talking to the bot in a private chat (the chat id is the user id)."""

    id: int
    first_name: str = "Test"
    language_code: str | None = "ar"
    last_name: str | None = None
    username: str | None = None
    is_bot: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The ``User`` object Telegram puts in ``from``."""
        user: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if (value := getattr(self, key)) is not None:
                user[key] = value
        return user

    def private_chat(self) -> dict[str, Any]:
        """The ``Chat`` object of the private chat with this user."""
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name is not None:
            chat["last_name"] = self.last_name
        if self.username is not None:
            chat["username"] = self.username
        return chat


def command_entities(text: str) -> list[dict[str, Any]]:
    """The ``bot_command`` entity Telegram clients attach to "/start arg" (PTB's CommandHandler needs it)."""
    if not text.startswith("/"):
        return []
    command = text.split(maxsplit=1)[0]
    if len(command) < 2:
        return []
    return [{"offset": 0, "length": utf16_len(command), "type": "bot_command"}]


def image_size(content: bytes) -> tuple[int, int]:
    """Width and height of a PNG, GIF or JPEG image; (800, 600) when the format is not recognised."""
    if content[:8] == b"\x89PNG\r\n\x1a\n" and len(content) >= 24:
        return struct.unpack(">II", content[16:24])
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        return struct.unpack("<HH", content[6:10])
    if content[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(content):
            if content[i] != 0xFF:
                i += 1
                continue
            marker = content[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            length = struct.unpack(">H", content[i + 2 : i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", content[i + 5 : i + 9])
                return width, height
            i += 2 + length
    return 800, 600


def guess_mime(filename: str | None, content: bytes) -> str:
    name = (filename or "").lower()
    for ext, mime in (
        (".pdf", "application/pdf"), (".png", "image/png"), (".jpg", "image/jpeg"), (".jpeg", "image/jpeg"),
        (".gif", "image/gif"), (".csv", "text/csv"), (".txt", "text/plain"),
        (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ):
        if name.endswith(ext):
            return mime
    if content.startswith(b"%PDF"):
        return "application/pdf"
    if content.startswith(b"\x89PNG"):
        return "image/png"
    if content.startswith(b"\xff\xd8"):
        return "image/jpeg"
    return "application/octet-stream"


def make_png(width: int = 1, height: int = 1) -> bytes:
    """A valid grey PNG of the given size (the default content of ``user_sends_photo``)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body

"""Files people send (a photo, a PDF …) turned into the desk's `FileRef`, or refused with a clear reason."""

from __future__ import annotations

from typing import Any

from telegram import Message

from bot.i18n import N_
from desk.records import FileRef

# A backstop: the highest `settings.max_attachment_mb` allows. The configured limit itself is checked, with
# its figure in the refusal, for every file that reaches the bot, before any handler (handlers/guards.py).
# Files are forwarded by their Telegram id, never downloaded: Telegram's 20 MB download limit does not apply.
MAX_BYTES = 50 * 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ALLOWED = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", DOCX: ".docx"}
_BY_EXTENSION = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".docx": DOCX,
}


class FileRefused(Exception):
    """A file the bot does not take; `reason` is a msgid."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def has_file(message: Message | None) -> bool:
    return message is not None and bool(message.photo or message.document)


def file_of(message: Message) -> FileRef | None:
    """The photo (largest size) or document of a message; None when it carries neither.

    Raises `FileRefused` for a kind or size the directorate does not accept (PDF, JPEG, PNG, DOCX; the size
    limit of the settings is checked earlier, by handlers/guards.py).
    """
    if message.photo:
        photo = max(message.photo, key=lambda p: (p.file_size or 0, p.width * p.height))
        _check_size(photo.file_size)
        return FileRef(photo.file_id, photo.file_unique_id, None, "image/jpeg", photo.file_size)
    document = message.document
    if document is None:
        return None
    mime = (document.mime_type or "").lower()
    if mime not in ALLOWED:
        name = (document.file_name or "").lower()
        guessed = next((m for ext, m in _BY_EXTENSION.items() if name.endswith(ext)), None)
        if guessed is None or (mime and mime != "application/octet-stream"):
            raise FileRefused(
                N_(
                    "This kind of file is not accepted. Please send a PDF, a photo (JPEG, PNG) "
                    "or a Word document (DOCX)."
                )
            )
        mime = guessed
    _check_size(document.file_size)
    # A document always has a name here: a file without one is taken for a photo when it is forwarded.
    name = document.file_name or f"document{ALLOWED[mime]}"
    return FileRef(document.file_id, document.file_unique_id, name, mime, document.file_size)


def _check_size(size: int | None) -> None:
    if size is not None and size > MAX_BYTES:
        raise FileRefused(N_("This file is too large."))


def to_json(ref: FileRef) -> dict[str, Any]:
    """A FileRef as JSON-safe values (drafts are persisted)."""
    return {
        "file_id": ref.file_id,
        "file_unique_id": ref.file_unique_id,
        "file_name": ref.file_name,
        "mime_type": ref.mime_type,
        "size": ref.size,
    }


def from_json(data: dict[str, Any]) -> FileRef:
    return FileRef(
        str(data["file_id"]),
        str(data["file_unique_id"]),
        data.get("file_name"),
        data.get("mime_type"),
        data.get("size"),
    )

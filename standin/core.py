"""The stand-in's state: chats, messages, files, updates, recorded calls and faults.

One :class:`BotApiState` serves both transports (in-process :class:`standin.transport.StandinRequest` and
the HTTP :class:`standin.server.StandinServer`). It is meant for one asyncio event loop; user helpers may
be called from plain (sync) test code.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from standin import methods
from standin.faults import ApiError, ConnectionDropped, FaultPlan, FaultsMixin
from standin.queries import QueriesMixin
from standin.spec import UNKNOWN_PARAMETER, UploadedFile, decode_params, load_spec, validate_call
from standin.users import FakeUser, command_entities, guess_mime, image_size, make_png


@dataclass
class Call:
    """One recorded Bot API call and how it was answered."""

    method: str
    params: dict[str, Any]
    status: int = 0  # 0 while pending, and for dropped or cancelled calls
    result: Any = None
    error: str | None = None
    fault: str | None = None
    at: float = 0.0
    warnings: list[str] = field(default_factory=list)  # unknown parameters Telegram would ignore

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    content: bytes
    kind: str  # "photo" | "document"
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class BotApiState(QueriesMixin, FaultsMixin):
    """What Telegram's Bot API server knows about one bot, and what the bot asked of it."""

    def __init__(
        self,
        *,
        token: str | None = None,
        bot_id: int | None = None,
        bot_username: str = "standin_bot",
        bot_first_name: str = "Stand-in Bot",
        validate: bool = True,
        reject_unknown_params: bool = False,
        clock: Callable[[], float] = time.time,
        seed: int = 0,
        first_update_id: int = 100_000_001,
        max_calls: int | None = None,
        max_messages_per_chat: int | None = None,
    ):
        self.token = token
        self.max_calls = max_calls  # keep only the latest calls (long runs, benchmarks)
        self.max_messages_per_chat = max_messages_per_chat
        self.spec = load_spec()
        self.validate = validate
        self.reject_unknown_params = reject_unknown_params
        self.clock = clock
        self._adopt_token_id = bot_id is None
        if bot_id is None:
            head = (token or "").split(":", 1)[0]
            bot_id = int(head) if head.isdigit() else 7_000_000_001
        self.bot: dict[str, Any] = {
            "id": bot_id, "is_bot": True, "first_name": bot_first_name, "username": bot_username,
            "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False,
            "can_connect_to_business": False, "has_main_web_app": False,
        }
        self.calls: list[Call] = []
        self.chats: dict[int, dict[str, Any]] = {}
        self.users: dict[int, FakeUser] = {}
        self.blocked: set[int] = set()
        self.messages: dict[int, dict[int, dict[str, Any]]] = {}
        self.deleted: dict[int, dict[int, dict[str, Any]]] = {}
        self.reply_keyboards: dict[int, dict[str, Any] | None] = {}
        self.files: dict[str, StoredFile] = {}
        self.callback_queries: dict[str, dict[str, Any]] = {}
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.updates: list[dict[str, Any]] = []
        self.allowed_updates: list[str] = []
        self.faults = FaultPlan(seed)
        self._next_message_id: dict[int, int] = {}
        self._update_ids = itertools.count(first_update_id)
        self._file_numbers = itertools.count(1)
        self._waiters: list[asyncio.Future] = []
        self.listeners: list[Callable[[], None]] = []  # called on every new update (webhook delivery)
        self.webhook_error: tuple[int, str] | None = None
        self._poller: object | None = None

    # ------------------------------------------------------------ answering calls

    async def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        files: dict[str, UploadedFile] | None = None,
        *,
        token: str | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """Answer one Bot API call: (HTTP status, JSON payload). Raises :class:`ConnectionDropped`."""
        canonical = self.spec.canonical(method)
        params = self._attach_files(dict(params or {}), files or {})
        if canonical is not None:
            method, params = canonical, decode_params(canonical, params, self.spec)
        record = Call(method=method, params=params, at=self.clock())
        self.calls.append(record)
        if self.max_calls is not None and len(self.calls) > self.max_calls:
            del self.calls[: len(self.calls) - self.max_calls]
        if self.token is None and token:  # one bot per server: the first token seen becomes the bot's
            self.token = token
            head = token.split(":", 1)[0]
            if self._adopt_token_id and head.isdigit():
                self.bot["id"] = int(head)
        if self.token is not None and token is not None and token != self.token:
            return self._finish(record, ApiError(401, "Unauthorized"))
        delay, fault = self.faults.take(method)
        try:
            if delay:
                record.fault = "delay"
                await asyncio.sleep(delay)
            if fault is not None:
                record.fault = fault.kind
                if fault.kind == "drop" and not fault.after_processing:
                    record.error = "connection dropped"
                    raise ConnectionDropped(method)
                if fault.kind in ("429", "5xx"):
                    return self._finish(record, fault.error())
            if canonical is None:
                raise ApiError(404, "Not Found")
            problems = validate_call(method, params, spec=self.spec) if self.validate else []
            if not self.reject_unknown_params:
                record.warnings = [p for p in problems if p.startswith(UNKNOWN_PARAMETER)]
                problems = [p for p in problems if not p.startswith(UNKNOWN_PARAMETER)]
            if problems:
                raise ApiError(400, problems[0])
            handler = getattr(methods, method, None)
            if handler is not None:
                methods.REQUEST_FILES.set(files or {})  # for attach:// inside JSON (sendMediaGroup)
                result = await handler(self, params)
            elif self.spec.method(method).get("returns") == ["Boolean"]:
                result = True
            else:
                raise ApiError(400, f"Bad Request: method {method} is not supported by the stand-in")
        except ApiError as exc:
            return self._finish(record, exc)
        except asyncio.CancelledError:
            record.error = "cancelled"
            raise
        status, payload = self._finish(record, None, result)
        if fault is not None and fault.kind == "drop":
            record.status, record.error = 0, "connection dropped after processing"
            raise ConnectionDropped(method)
        return status, payload

    def _finish(self, record: Call, error: ApiError | None, result: Any = None) -> tuple[int, dict[str, Any]]:
        if error is not None:
            record.status, record.error = error.status, error.description
            return error.status, error.payload()
        record.status, record.result = 200, result
        return 200, {"ok": True, "result": result}

    @staticmethod
    def _attach_files(params: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
        """Put multipart file parts where they belong: under their own name, or where "attach://x" points."""
        out = dict(params)
        referenced = {m for v in params.values() if isinstance(v, str) for m in _ATTACH.findall(v)}
        for name, value in params.items():
            if isinstance(value, str) and value.startswith("attach://") and value[9:] in files:
                out[name] = files[value[9:]]
        for name, upload in files.items():
            if out.get(name) is None and name not in referenced:
                out[name] = upload
        return out

    # ------------------------------------------------------------ chats, messages and files

    def now(self) -> int:
        """Telegram dates are Unix time in seconds."""
        return int(self.clock())

    def add_chat(self, user: FakeUser) -> dict[str, Any]:
        """Make the private chat with ``user`` known (as if they had pressed Start)."""
        self.users[user.id] = user
        return self.chats.setdefault(user.id, user.private_chat())

    def block(self, chat_id: int) -> None:
        """The user blocks the bot: sends answer 403 "Forbidden: bot was blocked by the user"."""
        self.blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        self.blocked.discard(chat_id)

    def resolve_chat(self, chat_id: Any, *, check_blocked: bool = True) -> dict[str, Any]:
        chat = None
        if isinstance(chat_id, int):
            chat = self.chats.get(chat_id)
        elif isinstance(chat_id, str) and chat_id.startswith("@"):
            chat = next((c for c in self.chats.values() if c.get("username") == chat_id[1:]), None)
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if check_blocked and chat["id"] in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def store_message(self, chat: dict[str, Any], sender: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = chat["id"]
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        message = {"message_id": message_id, "from": sender, "chat": chat, "date": self.now(), **content}
        chat_messages = self.messages.setdefault(chat_id, {})
        chat_messages[message_id] = message
        if self.max_messages_per_chat is not None and len(chat_messages) > self.max_messages_per_chat:
            del chat_messages[next(iter(chat_messages))]
        return message

    def find_message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        return self.messages.get(chat_id, {}).get(message_id)

    def store_file(self, upload: UploadedFile, kind: str) -> StoredFile:
        n = next(self._file_numbers)
        file_id = ("AgACAgQAAxkBAAI" if kind == "photo" else "BQACAgQAAxkBAAI") + secrets.token_urlsafe(24)
        mime = upload.mime_type or guess_mime(upload.filename, upload.content)
        ext = (upload.filename or "").rpartition(".")[2] if "." in (upload.filename or "") else ""
        ext = ext or {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}.get(mime, "bin")
        folder = "photos" if kind == "photo" else "documents"
        stored = StoredFile(
            file_id, "AQAD" + secrets.token_urlsafe(9), upload.content, kind, f"{folder}/file_{n}.{ext}",
            upload.filename, mime,
        )
        self.files[file_id] = stored
        return stored

    def file_by_path(self, file_path: str) -> StoredFile | None:
        return next((f for f in self.files.values() if f.file_path == file_path), None)

    def download(self, file_path: str) -> bytes | None:
        """The bytes behind a ``getFile`` path (what ``/file/bot<token>/<path>`` serves)."""
        stored = self.file_by_path(file_path)
        return stored.content if stored else None

    @staticmethod
    def document_of(stored: StoredFile) -> dict[str, Any]:
        doc: dict[str, Any] = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
        if stored.file_name:
            doc["file_name"] = stored.file_name
        if stored.mime_type:
            doc["mime_type"] = stored.mime_type
        doc["file_size"] = len(stored.content)
        return doc

    @staticmethod
    def photo_sizes_of(stored: StoredFile) -> list[dict[str, Any]]:
        width, height = stored.extra.setdefault("size", image_size(stored.content))
        return [{
            "file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
            "width": width, "height": height, "file_size": len(stored.content),
        }]

    # ------------------------------------------------------------ updates and long polling

    def push_update(self, **payload: Any) -> dict[str, Any]:
        """Queue an update (``message=...``, ``callback_query=...``) for getUpdates; returns a copy of it."""
        update = {"update_id": next(self._update_ids), **copy.deepcopy(payload)}
        self.updates.append(update)
        for waiter in self._waiters:
            waiter.get_loop().call_soon_threadsafe(_wake, waiter, "update")
        for listener in self.listeners:
            listener()
        return copy.deepcopy(update)

    def confirm_updates(self, offset: int | None) -> None:
        if offset is None or offset == 0:
            return
        if offset < 0:
            self.updates = self.updates[offset:]
        else:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def pending_updates(self, limit: int = 100) -> list[dict[str, Any]]:
        wanted = [u for u in self.updates if not self.allowed_updates or set(u) & set(self.allowed_updates)]
        return copy.deepcopy(wanted[:limit])

    async def wait_for_updates(self, timeout: float, limit: int) -> list[dict[str, Any]]:
        """Long poll: the pending updates, waiting up to ``timeout`` seconds for the first one."""
        me = object()
        for waiter in self._waiters:  # a newer getUpdates terminates the older one, like Telegram
            waiter.get_loop().call_soon_threadsafe(_wake, waiter, "conflict")
        self._poller = me
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = self.pending_updates(limit)
            remaining = deadline - loop.time()
            if found or remaining <= 0:
                return found
            waiter = loop.create_future()
            self._waiters.append(waiter)
            try:
                reason = await asyncio.wait_for(waiter, remaining)
            except TimeoutError:
                return []
            finally:
                self._waiters.remove(waiter)
            if reason == "conflict" and self._poller is not me:
                raise ApiError(
                    409, "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )

    # ------------------------------------------------------------ user traffic

    def _user_message(self, user: FakeUser, reply_to: dict | int | None, **content: Any) -> dict[str, Any]:
        chat = self.add_chat(user)
        self.blocked.discard(user.id)  # writing to the bot again unblocks it
        if reply_to is not None:
            reply_id = reply_to if isinstance(reply_to, int) else reply_to["message_id"]
            replied = self.find_message(user.id, reply_id)
            if replied is None:
                raise ValueError(f"no message {reply_id} in chat {user.id} to reply to")
            content["reply_to_message"] = {k: v for k, v in replied.items() if k != "reply_to_message"}
        message = self.store_message(chat, user.to_dict(), **content)
        return self.push_update(message=message)

    def user_sends_text(
        self, user: FakeUser, text: str, reply_to: dict | int | None = None
    ) -> dict[str, Any]:
        """The user sends ``text`` (commands get their ``bot_command`` entity); returns the Update dict."""
        content: dict[str, Any] = {"text": text}
        if entities := command_entities(text):
            content["entities"] = entities
        return self._user_message(user, reply_to, **content)

    def user_sends_document(
        self, user: FakeUser, content: bytes, filename: str = "document.pdf", mime_type: str | None = None,
        caption: str | None = None, reply_to: dict | int | None = None,
    ) -> dict[str, Any]:
        stored = self.store_file(UploadedFile(content, filename, mime_type), "document")
        extra = {"caption": caption} if caption else {}
        return self._user_message(user, reply_to, document=self.document_of(stored), **extra)

    def user_sends_photo(
        self, user: FakeUser, content: bytes | None = None, caption: str | None = None,
        reply_to: dict | int | None = None,
    ) -> dict[str, Any]:
        upload = UploadedFile(content or make_png(64, 48), "photo.jpg", "image/jpeg")
        stored = self.store_file(upload, "photo")
        extra = {"caption": caption} if caption else {}
        return self._user_message(user, reply_to, photo=self.photo_sizes_of(stored), **extra)

    def user_presses(
        self, user: FakeUser, message: dict | int, callback_data: str | None = None, *,
        button_text: str | None = None, check: bool = True,
    ) -> dict[str, Any]:
        """The user presses an inline button of a bot message (by ``callback_data`` or ``button_text``)."""
        message_id = message if isinstance(message, int) else message["message_id"]
        current = self.find_message(user.id, message_id)
        if current is None:
            raise ValueError(f"no message {message_id} in chat {user.id}")
        buttons = self.buttons(current)
        if button_text is not None:
            match = next((b for b in buttons if b.get("text") == button_text), None)
            if match is None:
                raise ValueError(f"no button {button_text!r} on message {message_id}: {buttons}")
            callback_data = match.get("callback_data")
        if check and not any(b.get("callback_data") == callback_data for b in buttons):
            raise ValueError(
                f"no button with callback_data {callback_data!r} on message {message_id}: {buttons}"
            )
        query_id = str(secrets.randbits(63))
        query = {
            "id": query_id, "from": user.to_dict(), "message": current,
            "chat_instance": str((user.id * 2654435761 + self.bot["id"]) % 10**19), "data": callback_data,
        }
        self.callback_queries[query_id] = query
        return self.push_update(callback_query=query)


_ATTACH = re.compile(r"attach://([\w\-]+)")


def _wake(waiter: asyncio.Future, reason: str) -> None:
    if not waiter.done():
        waiter.set_result(reason)

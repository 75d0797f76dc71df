"""In-process transport: PTB talks to a :class:`~standin.core.BotApiState` without any socket.

    state = BotApiState()
    app = (ApplicationBuilder().token(TOKEN)
           .request(StandinRequest(state)).get_updates_request(StandinRequest(state)).build())

Parameters are taken exactly as PTB's own HTTPXRequest would send them (``RequestData.json_parameters``
as form fields, ``RequestData.multipart_data`` as file parts), so the state sees what Telegram would.
File downloads (``File.download_to_memory`` → ``retrieve(<base_file_url>/<file_path>)``) are served too.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote, urlsplit

from telegram import Update
from telegram.error import NetworkError
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from standin.core import BotApiState
from standin.faults import ConnectionDropped
from standin.spec import UploadedFile


def parse_bot_url(url: str) -> tuple[str | None, str, bool]:
    """``(token, method_or_file_path, is_file)`` of ``.../bot<token>/<method>``
    or ``.../file/bot<token>/<path>``."""
    path = unquote(urlsplit(url).path)
    parts = path.strip("/").split("/")
    for i, part in enumerate(parts):
        if part.startswith("bot") and i + 1 < len(parts):
            is_file = i > 0 and parts[i - 1] == "file"
            return part[3:] or None, "/".join(parts[i + 1 :]) if is_file else parts[-1], is_file
    return None, parts[-1] if parts else "", False


def _read(content: Any) -> bytes:
    if isinstance(content, bytes):
        return content
    if hasattr(content, "read"):
        data = content.read()
        return data.encode() if isinstance(data, str) else data
    return bytes(content)


def files_from_request_data(request_data: RequestData | None) -> dict[str, UploadedFile]:
    if request_data is None or not request_data.contains_files:
        return {}
    return {
        name: UploadedFile(_read(field[1]), field[0], field[2] if len(field) > 2 else None)
        for name, field in request_data.multipart_data.items()
    }


class StandinRequest(BaseRequest):
    """A ``telegram.request.BaseRequest`` answering from a :class:`BotApiState` in the same process."""

    def __init__(self, state: BotApiState, *, read_timeout: float | None = 5.0):
        self.state = state
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        token, target, is_file = parse_bot_url(url)
        if is_file:
            if self.state.token is not None and token != self.state.token:
                return 401, b'{"ok":false,"error_code":401,"description":"Unauthorized"}'
            content = self.state.download(target)
            if content is None:
                return 404, b'{"ok":false,"error_code":404,"description":"Not Found"}'
            return 200, content
        params = dict(request_data.json_parameters) if request_data else {}
        try:
            status, payload = await self.state.call(
                target, params, files_from_request_data(request_data), token=token
            )
        except ConnectionDropped as exc:
            raise NetworkError("Server disconnected without sending a response.") from exc
        return status, json.dumps(payload, ensure_ascii=False).encode("utf-8")


async def feed(app: Application, update: dict[str, Any]) -> None:
    """Hand one update dict (from ``state.user_sends_text`` & co.) to a running-or-initialized Application."""
    await app.process_update(Update.de_json(update, app.bot))

"""The stand-in over real HTTP (aiohttp), for the polling loop, the demo and the load benchmark.

    async with StandinServer(state, port=0) as server:
        app = ApplicationBuilder().token(T).base_url(server.base_url).base_file_url(server.base_file_url)...

Routes, like api.telegram.org:
  ``GET|POST /bot<token>/<method>``       JSON, urlencoded form, multipart or query-string parameters
  ``GET /file/bot<token>/<file_path>``    bytes of a file returned by getFile
A small control API drives the state from outside the process (``python -m standin``):
  ``GET  /_standin/state``                              bot, known chats, pending updates, call count
  ``GET  /_standin/calls?since=N``                      recorded calls from index N
  ``GET  /_standin/chats/<chat_id>``                    the chat's history and current reply keyboard
  ``POST /_standin/users/<id>/text``  {"text", "reply_to"?, "first_name"?, "language_code"?}
  ``POST /_standin/users/<id>/press`` {"message_id", "callback_data" | "button_text"}
  ``POST /_standin/users/<id>/document`` / ``photo``    multipart: "file", "caption"?
  ``POST /_standin/users/<id>/block`` / ``unblock``
  ``POST /_standin/faults`` {"kind": "429"|"5xx"|"delay"|"drop", "method", "count", "ratio", ...}
  ``DELETE /_standin/faults``
When a webhook is set (setWebhook), pending updates are POSTed to its URL one by one, with the
``X-Telegram-Bot-Api-Secret-Token`` header when a secret was given; failures show in getWebhookInfo.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
from typing import Any

import aiohttp
from aiohttp import web

from standin.core import BotApiState
from standin.faults import ConnectionDropped, Fault
from standin.spec import UploadedFile
from standin.users import FakeUser

MAX_UPLOAD = 50 * 1024 * 1024  # Telegram's limit for bot uploads


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, default=repr)


def _json(payload: Any, status: int = 200) -> web.Response:
    return web.json_response(payload, status=status, dumps=_dumps)


async def read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Parameters and file parts of a Bot API request, whichever way they were sent."""
    params: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if not request.body_exists:
        return params, files
    if request.content_type == "application/json":
        body = await request.json()
        if not isinstance(body, dict):
            raise ValueError("JSON body must be an object")
        params.update(body)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                files[name] = UploadedFile(value.file.read(), value.filename, value.content_type)
            else:
                params[name] = value
    return params, files


class StandinServer:
    """An aiohttp server exposing a :class:`BotApiState` at ``http://host:port/bot<token>/<method>``."""

    def __init__(self, state: BotApiState | None = None, *, host: str = "127.0.0.1", port: int = 0):
        self.state = state or BotApiState()
        self.host = host
        self.port = port
        self.app = web.Application(client_max_size=MAX_UPLOAD)
        self.app.router.add_route("*", "/bot{token}/{method}", self._api)
        self.app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self.app.router.add_get("/_standin/state", self._state)
        self.app.router.add_get("/_standin/calls", self._calls)
        self.app.router.add_get("/_standin/chats/{chat_id}", self._chat)
        self.app.router.add_post("/_standin/users/{user_id}/{action}", self._user)
        self.app.router.add_post("/_standin/faults", self._add_fault)
        self.app.router.add_delete("/_standin/faults", self._clear_faults)
        self._runner: web.AppRunner | None = None
        self._webhook_task: asyncio.Task | None = None
        self._wakeup = asyncio.Event()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``: PTB appends the token."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    async def start(self) -> StandinServer:
        self._runner = web.AppRunner(
            self.app, handler_cancellation=True, shutdown_timeout=1.0, access_log=None
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        sockets = site._server.sockets if site._server else []  # port 0: learn the one chosen
        if sockets:
            self.port = sockets[0].getsockname()[1]
        loop = asyncio.get_running_loop()
        self._wake = lambda: loop.call_soon_threadsafe(self._wakeup.set)
        self.state.listeners.append(self._wake)
        self._webhook_task = loop.create_task(self._deliver_webhooks())
        return self

    async def stop(self) -> None:
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
            self._webhook_task = None
            self.state.listeners.remove(self._wake)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> StandinServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _deliver_webhooks(self) -> None:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
            while True:
                hook = self.state.webhook
                pending = self.state.pending_updates(1) if hook else []
                if not pending:
                    self._wakeup.clear()
                    await self._wakeup.wait()
                    continue
                update = pending[0]
                secret = hook.get("secret_token")
                headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
                try:
                    async with http.post(hook["url"], json=update, headers=headers) as resp:
                        error = None if resp.status < 300 else (
                            f"Wrong response from the webhook: {resp.status} {resp.reason}"
                        )
                except (aiohttp.ClientError, TimeoutError) as exc:
                    error = f"Connection failed: {exc.__class__.__name__}"
                if error is None:
                    done = update["update_id"]
                    self.state.updates = [u for u in self.state.updates if u["update_id"] != done]
                else:
                    self.state.webhook_error = (self.state.now(), error)
                    await asyncio.sleep(0.5)  # Telegram retries later, too

    # ------------------------------------------------------------ Bot API

    async def _api(self, request: web.Request) -> web.StreamResponse:
        try:
            params, files = await read_params(request)
        except ValueError:
            error = {"ok": False, "error_code": 400, "description": "Bad Request: can't parse JSON"}
            return _json(error, 400)
        try:
            status, payload = await self.state.call(
                request.match_info["method"], params, files, token=request.match_info["token"]
            )
        except ConnectionDropped:
            if request.transport is not None:
                request.transport.abort()  # no answer at all, like a proxy dying mid-request
            raise asyncio.CancelledError from None
        return _json(payload, status)

    async def _file(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        if self.state.token is not None and token != self.state.token:
            return _json({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
        stored = self.state.file_by_path(request.match_info["path"])
        if stored is None:
            return _json({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
        return web.Response(body=stored.content, content_type=stored.mime_type or "application/octet-stream")

    # ------------------------------------------------------------ control API

    async def _state(self, request: web.Request) -> web.Response:
        return _json({
            "bot": self.state.bot, "chats": list(self.state.chats.values()),
            "pending_updates": len(self.state.updates), "calls": len(self.state.calls),
            "webhook": self.state.webhook,
            "faults": [dataclasses.asdict(f) for f in self.state.faults.faults],
        })

    async def _calls(self, request: web.Request) -> web.Response:
        since = int(request.query.get("since", 0))
        return _json([
            {
                "method": c.method, "status": c.status, "error": c.error, "fault": c.fault, "at": c.at,
                "warnings": c.warnings, "result": c.result,
                "params": {k: repr(v) if isinstance(v, UploadedFile) else v for k, v in c.params.items()},
            }
            for c in self.state.calls[since:]
        ])

    async def _chat(self, request: web.Request) -> web.Response:
        chat_id = int(request.match_info["chat_id"])
        return _json({
            "chat": self.state.chats.get(chat_id), "messages": self.state.history(chat_id),
            "reply_keyboard": self.state.reply_keyboard(chat_id), "blocked": chat_id in self.state.blocked,
        })

    async def _user(self, request: web.Request) -> web.Response:
        user_id = int(request.match_info["user_id"])
        action = request.match_info["action"]
        if request.content_type == "multipart/form-data":
            body: dict[str, Any] = dict(await request.post())
        else:
            body = await request.json() if request.body_exists else {}
        user = self.state.users.get(user_id) or FakeUser(user_id)
        if "first_name" in body or "language_code" in body:
            user = dataclasses.replace(
                user, first_name=body.get("first_name", user.first_name),
                language_code=body.get("language_code", user.language_code),
            )
            self.state.users[user_id] = user
        try:
            if action == "text":
                update = self.state.user_sends_text(user, body["text"], reply_to=body.get("reply_to"))
            elif action == "press":
                update = self.state.user_presses(
                    user, int(body["message_id"]), body.get("callback_data"),
                    button_text=body.get("button_text"),
                )
            elif action in ("document", "photo"):
                upload = body["file"]
                content = upload.file.read()
                caption = body.get("caption") or None
                if action == "photo":
                    update = self.state.user_sends_photo(user, content, caption)
                else:
                    update = self.state.user_sends_document(
                        user, content, upload.filename, upload.content_type, caption
                    )
            elif action in ("block", "unblock"):
                getattr(self.state, action)(user_id)
                return _json({"ok": True})
            else:
                return _json({"ok": False, "description": f"unknown action {action}"}, 404)
        except (KeyError, ValueError) as exc:
            return _json({"ok": False, "description": str(exc)}, 400)
        return _json({"ok": True, "update": update})

    async def _add_fault(self, request: web.Request) -> web.Response:
        body = await request.json()
        names = {f.name for f in dataclasses.fields(Fault)} - {"hits"}
        fault = self.state.faults.add(Fault(**{k: v for k, v in body.items() if k in names}))
        return _json({"ok": True, "fault": dataclasses.asdict(fault)})

    async def _clear_faults(self, request: web.Request) -> web.Response:
        self.state.clear_faults()
        return _json({"ok": True})

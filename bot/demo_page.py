"""The demo's web chat: the page (``bot/demo_web/``) and its JSON API over the stand-in's state.

The API acts the way a Telegram client would: the person's texts, presses, photos and documents become updates
the bot polls for; what the bot sent is read back from the chats (edits applied, reply keyboard included).
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import urllib.parse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.demo_seed import Persona
from standin.core import BotApiState
from standin.users import FakeUser

WEB_ROOT = Path(__file__).with_name("demo_web")
ANSWER_WAIT = 3.0  # seconds a press waits for the bot's answerCallbackQuery (the pop-up shown to the person)
MAX_UPLOAD = 20 * 1024 * 1024


def user_of(person: Persona) -> FakeUser:
    """The Telegram user behind a persona."""
    return FakeUser(person.telegram_id, person.first_name, person.language)


class ChatPage:
    """The page and its JSON API over the stand-in's state (same event loop as the bot and the stand-in)."""

    def __init__(self, state: BotApiState, people: Sequence[Persona]) -> None:
        self.state = state
        self.people = {p.telegram_id: p for p in people}
        self.app = web.Application(client_max_size=MAX_UPLOAD + 1024 * 1024)
        self.app.router.add_get("/", self._index)
        self.app.router.add_static("/static/", WEB_ROOT, follow_symlinks=False)
        self.app.router.add_get("/api/people", self._people)
        self.app.router.add_get("/api/chats/{chat_id}", self._chat)
        self.app.router.add_post("/api/chats/{chat_id}/open", self._open)
        self.app.router.add_post("/api/chats/{chat_id}/text", self._text)
        self.app.router.add_post("/api/chats/{chat_id}/press", self._press)
        self.app.router.add_post("/api/chats/{chat_id}/upload", self._upload)
        self.app.router.add_get("/api/files/{file_id}", self._file)

    def _person(self, request: web.Request) -> FakeUser:
        try:
            person = self.people[int(request.match_info["chat_id"])]
        except (KeyError, ValueError):
            raise web.HTTPNotFound(text='{"ok": false, "error": "no such person in the demo"}',
                                   content_type="application/json") from None
        return self.state.users.get(person.telegram_id) or user_of(person)

    async def _index(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(WEB_ROOT / "index.html", headers={"Cache-Control": "no-store"})

    async def _people(self, request: web.Request) -> web.Response:
        bot = {"first_name": self.state.bot["first_name"], "username": self.state.bot["username"]}
        return _json({"bot": bot, "people": [dataclasses.asdict(p) for p in self.people.values()]})

    async def _open(self, request: web.Request) -> web.Response:
        """The person opens the chat; the first time, they press Start like anyone new to a bot."""
        user = self._person(request)
        self.state.add_chat(user)
        if not any(m["from"]["id"] == user.id for m in self.state.history(user.id)):
            self.state.user_sends_text(user, "/start")
        return _json({"ok": True})

    async def _chat(self, request: web.Request) -> web.Response:
        """The chat as the person sees it; ``?since=VERSION`` answers ``unchanged`` when nothing moved."""
        user = self._person(request)
        view = chat_view(self.state, user.id)
        if request.query.get("since") == view["version"]:
            return _json({"version": view["version"], "unchanged": True})
        return _json(view)

    async def _text(self, request: web.Request) -> web.Response:
        user = self._person(request)
        body = await request.json()
        text = str(body.get("text", "")).strip()
        if not text:
            return _json({"ok": False, "error": "empty"}, 400)
        reply_to = _int(body.get("reply_to"))
        return _apply(lambda: self.state.user_sends_text(user, text[:4096], reply_to=reply_to))

    async def _press(self, request: web.Request) -> web.Response:
        """Press an inline button; waits a moment for the bot's answer (the pop-up the person would see)."""
        user = self._person(request)
        body = await request.json()
        try:
            update = self.state.user_presses(user, int(body["message_id"]), str(body["data"]))
        except (KeyError, ValueError) as exc:
            return _json({"ok": False, "error": str(exc)}, 400)
        query_id = update["callback_query"]["id"]
        deadline = asyncio.get_running_loop().time() + ANSWER_WAIT
        while query_id not in self.state.callback_answers and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
        answer = self.state.callback_answers.get(query_id)
        shown = {k: answer.get(k) for k in ("text", "show_alert")} if answer and answer.get("text") else None
        return _json({"ok": True, "answer": shown})

    async def _upload(self, request: web.Request) -> web.Response:
        """A photo (sent compressed, like Telegram's default for pictures) or a document."""
        user = self._person(request)
        form = await request.post()
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            return _json({"ok": False, "error": "no file"}, 400)
        content = upload.file.read()
        caption = str(form.get("caption") or "").strip() or None
        reply_to = _int(form.get("reply_to"))
        as_photo = form.get("as") == "photo" or (
            form.get("as") != "document" and upload.content_type in ("image/jpeg", "image/png"))
        if as_photo:
            return _apply(lambda: self.state.user_sends_photo(user, content, caption, reply_to))
        return _apply(lambda: self.state.user_sends_document(
            user, content, upload.filename or "document", upload.content_type, caption, reply_to))

    async def _file(self, request: web.Request) -> web.StreamResponse:
        stored = self.state.files.get(request.match_info["file_id"])
        if stored is None:
            raise web.HTTPNotFound()
        name = urllib.parse.quote(stored.file_name or Path(stored.file_path).name)
        mime = stored.mime_type or "application/octet-stream"
        # Pictures and PDFs open in the browser; anything else people uploaded is downloaded, never rendered.
        shown = mime.startswith("image/") or mime == "application/pdf"
        headers = {"Content-Disposition": f"{'inline' if shown else 'attachment'}; filename*=UTF-8''{name}",
                   "X-Content-Type-Options": "nosniff"}
        return web.Response(body=stored.content, content_type=mime, headers=headers)


def _json(payload: Any, status: int = 200) -> web.Response:
    return web.json_response(payload, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _apply(action: Callable[[], dict[str, Any]]) -> web.Response:
    """Run a user action on the stand-in; a refused one (no such message or button) answers 400 and why."""
    try:
        update = action()
    except (KeyError, ValueError) as exc:
        return _json({"ok": False, "error": str(exc)}, 400)
    return _json({"ok": True, "update": update})


def chat_view(state: BotApiState, chat_id: int) -> dict[str, Any]:
    """The chat as a Telegram client shows it: messages (edits applied) and the current reply keyboard."""
    messages = [_message_view(m, chat_id) for m in state.history(chat_id)]
    board = state.reply_keyboard(chat_id)
    keyboard = [[b if isinstance(b, str) else b.get("text", "") for b in row]
                for row in (board or {}).get("keyboard", [])] or None
    view: dict[str, Any] = {"messages": messages, "keyboard": keyboard}
    digest = hashlib.sha1(json.dumps(view, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    return {"version": digest[:16], **view}


def _message_view(message: dict[str, Any], chat_id: int) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": message["message_id"], "out": message["from"]["id"] == chat_id, "date": message["date"],
        "edited": "edit_date" in message,
        "text": message.get("text", message.get("caption", "")),
        "entities": message.get("entities", message.get("caption_entities", [])),
    }
    if photo := message.get("photo"):
        view["photo"] = photo[-1]["file_id"]
    if document := message.get("document"):
        view["document"] = {"file_id": document["file_id"], "name": document.get("file_name") or "document",
                            "mime": document.get("mime_type"), "size": document.get("file_size")}
    if replied := message.get("reply_to_message"):
        snippet = replied.get("text") or replied.get("caption") or ("📷" if replied.get("photo") else "📎")
        view["reply_to"] = {"id": replied["message_id"], "text": snippet[:140]}
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    if rows:
        view["buttons"] = [[{k: b[k] for k in ("text", "callback_data", "url") if k in b} for b in row]
                           for row in rows]
    return view

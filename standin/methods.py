"""Bot API methods as the stand-in answers them.

Each function is named after the method and takes the state and the decoded, already validated
parameters; it returns the ``result`` or raises :class:`standin.faults.ApiError` with Telegram's wording.
Methods of the official list that have no function here answer ``True`` when they return a Boolean and
"not supported by the stand-in" otherwise.
"""

from __future__ import annotations

import contextvars
import copy
import itertools
import json
from typing import TYPE_CHECKING, Any

from standin.faults import ApiError
from standin.limits import formatted_text
from standin.spec import UploadedFile

if TYPE_CHECKING:
    from standin.core import BotApiState, StoredFile

GET_FILE_MAX = 20 * 1024 * 1024
#: The multipart file parts of the call being answered (``attach://<name>`` inside JSON points at them).
REQUEST_FILES: contextvars.ContextVar[dict[str, UploadedFile]] = contextvars.ContextVar("files")
_MEDIA_GROUPS = itertools.count(13_000_000_000_000_001)
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


# ------------------------------------------------------------ helpers

def _text_content(params: dict[str, Any], key: str, entities_key: str) -> dict[str, Any]:
    if key not in params:
        return {}
    text, entities = formatted_text(params[key], params.get("parse_mode"), params.get(entities_key))
    content: dict[str, Any] = {key: text}
    if entities:
        content[entities_key] = entities
    return content


def _markup_content(state: BotApiState, chat_id: int, params: dict[str, Any]) -> dict[str, Any]:
    """Inline keyboards belong to the message; reply keyboards change what the user's input field shows."""
    markup = params.get("reply_markup")
    if not isinstance(markup, dict):
        return {}
    if "inline_keyboard" in markup:
        return {"reply_markup": markup}
    if "keyboard" in markup:
        state.reply_keyboards[chat_id] = markup
    elif markup.get("remove_keyboard"):
        state.reply_keyboards[chat_id] = None
    return {}


def _reply_content(state: BotApiState, chat_id: int, params: dict[str, Any]) -> dict[str, Any]:
    reply = params.get("reply_parameters")
    if not isinstance(reply, dict):
        return {}
    target_chat = reply.get("chat_id", chat_id)
    where = target_chat if isinstance(target_chat, int) else chat_id
    replied = state.find_message(where, reply["message_id"])
    if replied is None:
        if reply.get("allow_sending_without_reply"):
            return {}
        raise ApiError(400, "Bad Request: message to be replied not found")
    return {"reply_to_message": {k: v for k, v in replied.items() if k != "reply_to_message"}}


def _send(state: BotApiState, params: dict[str, Any], **content: Any) -> dict[str, Any]:
    chat = state.resolve_chat(params["chat_id"])
    content.update(_reply_content(state, chat["id"], params))
    content.update(_markup_content(state, chat["id"], params))
    return copy.deepcopy(state.store_message(chat, state.bot, **content))


def _file(state: BotApiState, value: Any, kind: str, name: str | None = None) -> StoredFile:
    """An upload becomes a new file; a string is a known file_id, or an HTTP URL Telegram would fetch."""
    if isinstance(value, UploadedFile):
        return state.store_file(value, kind)
    if isinstance(value, str) and value in state.files:
        stored = state.files[value]
        if (stored.kind == "photo") != (kind == "photo"):
            raise ApiError(400, "Bad Request: type of file mismatch")
        return stored
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return state.store_file(UploadedFile(b"", name or value.rsplit("/", 1)[-1] or None), kind)
    raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")


def _media_content(message: dict[str, Any]) -> dict[str, Any]:
    keep = ("text", "entities", "photo", "document", "caption", "caption_entities", "video", "audio", "voice",
            "sticker", "animation", "contact", "location")
    return {k: copy.deepcopy(v) for k, v in message.items() if k in keep}


def _editable(state: BotApiState, params: dict[str, Any]) -> dict[str, Any] | None:
    if "inline_message_id" in params:
        return None
    chat = state.resolve_chat(params["chat_id"])
    message = state.find_message(chat["id"], params["message_id"])
    if message is None:
        raise ApiError(400, "Bad Request: message to edit not found")
    if message["from"]["id"] != state.bot["id"]:
        raise ApiError(400, "Bad Request: message can't be edited")
    return message


def _apply_edit(state: BotApiState, message: dict[str, Any], changes: dict[str, Any], drop: tuple) -> dict:
    before = {k: message.get(k) for k in (*changes, *drop)}
    after = {**{k: None for k in drop}, **changes}
    if before == after:
        raise ApiError(400, _NOT_MODIFIED)
    for key in drop:
        message.pop(key, None)
    message.update(changes)
    message["edit_date"] = state.now()
    return copy.deepcopy(message)


# ------------------------------------------------------------ bot and updates

async def getMe(state: BotApiState, params: dict[str, Any]) -> dict[str, Any]:
    return dict(state.bot)


async def getUpdates(state: BotApiState, params: dict[str, Any]) -> list[dict[str, Any]]:
    if state.webhook:
        raise ApiError(
            409, "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    if "allowed_updates" in params:
        state.allowed_updates = list(params["allowed_updates"])
    state.confirm_updates(params.get("offset"))
    limit = min(max(int(params.get("limit") or 100), 1), 100)
    return await state.wait_for_updates(max(float(params.get("timeout") or 0), 0.0), limit)


async def setWebhook(state: BotApiState, params: dict[str, Any]) -> bool:
    if params.get("drop_pending_updates"):
        state.updates.clear()
    state.webhook = {k: v for k, v in params.items() if k != "certificate"} if params.get("url") else None
    state.webhook_error = None
    for listener in state.listeners:
        listener()
    return True


async def deleteWebhook(state: BotApiState, params: dict[str, Any]) -> bool:
    if params.get("drop_pending_updates"):
        state.updates.clear()
    state.webhook = None
    return True


async def getWebhookInfo(state: BotApiState, params: dict[str, Any]) -> dict[str, Any]:
    hook = state.webhook or {}
    info: dict[str, Any] = {
        "url": hook.get("url", ""), "has_custom_certificate": False,
        "pending_update_count": len(state.updates),
    }
    if hook:
        info["max_connections"] = hook.get("max_connections", 40)
        if "allowed_updates" in hook:
            info["allowed_updates"] = hook["allowed_updates"]
        if state.webhook_error:
            info["last_error_date"], info["last_error_message"] = state.webhook_error
    return info


async def logOut(state: BotApiState, params: dict[str, Any]) -> bool:
    return True


async def close(state: BotApiState, params: dict[str, Any]) -> bool:
    return True


# ------------------------------------------------------------ commands

def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), params.get("language_code") or ""


async def setMyCommands(state: BotApiState, params: dict[str, Any]) -> bool:
    state.commands[_commands_key(params)] = list(params["commands"])
    return True


async def getMyCommands(state: BotApiState, params: dict[str, Any]) -> list[dict[str, Any]]:
    return list(state.commands.get(_commands_key(params), []))


async def deleteMyCommands(state: BotApiState, params: dict[str, Any]) -> bool:
    state.commands.pop(_commands_key(params), None)
    return True


# ------------------------------------------------------------ messages

async def sendMessage(state: BotApiState, params: dict[str, Any]) -> dict[str, Any]:
    return _send(state, params, **_text_content(params, "text", "entities"))


async def sendDocument(state: BotApiState, params: dict[str, Any]) -> dict[str, Any]:
    stored = _file(state, params["document"], "document")
    return _send(state, params, document=state.document_of(stored),
                 **_text_content(params, "caption", "caption_entities"))


async def sendPhoto(state: BotApiState, params: dict[str, Any]) -> dict[str, Any]:
    stored = _file(state, params["photo"], "photo")
    return _send(state, params, photo=state.photo_sizes_of(stored),
                 **_text_content(params, "caption", "caption_entities"))


async def sendMediaGroup(state: BotApiState, params: dict[str, Any]) -> list[dict[str, Any]]:
    files = REQUEST_FILES.get({})
    group = str(next(_MEDIA_GROUPS))
    messages = []
    for item in params["media"]:
        media = item["media"]
        if isinstance(media, str) and media.startswith("attach://"):
            if media[9:] not in files:
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
            media = files[media[9:]]
        kind = "photo" if item["type"] == "photo" else "document"
        stored = _file(state, media, kind)
        if kind == "photo":
            content: dict[str, Any] = {"photo": state.photo_sizes_of(stored)}
        else:
            content = {"document": state.document_of(stored)}
        content.update(_text_content({**params, **item}, "caption", "caption_entities"))
        messages.append(_send(state, params, media_group_id=group, **content))
    return messages


async def copyMessage(state: BotApiState, params: dict[str, Any]) -> dict[str, Any]:
    source_chat = state.resolve_chat(params["from_chat_id"], check_blocked=False)
    source = state.find_message(source_chat["id"], params["message_id"])
    if source is None:
        raise ApiError(400, "Bad Request: message to copy not found")
    content = _media_content(source)
    if "caption" in params:
        content.pop("caption_entities", None)
        content.update(_text_content(params, "caption", "caption_entities"))
    message = _send(state, params, **content)
    return {"message_id": message["message_id"]}


async def forwardMessage(state: BotApiState, params: dict[str, Any]) -> dict[str, Any]:
    source_chat = state.resolve_chat(params["from_chat_id"], check_blocked=False)
    source = state.find_message(source_chat["id"], params["message_id"])
    if source is None:
        raise ApiError(400, "Bad Request: message to forward not found")
    origin = {"type": "user", "sender_user": source["from"], "date": source["date"]}
    return _send(state, params, forward_origin=origin, **_media_content(source))


async def editMessageText(state: BotApiState, params: dict[str, Any]) -> dict[str, Any] | bool:
    message = _editable(state, params)
    if message is None:
        return True
    if "text" not in message:
        raise ApiError(400, "Bad Request: there is no text in the message to edit")
    changes = _text_content(params, "text", "entities")
    drop = tuple(k for k in ("entities", "reply_markup") if k not in changes and k not in params)
    changes.update(_markup_content(state, message["chat"]["id"], params))
    return _apply_edit(state, message, changes, drop)


async def editMessageCaption(state: BotApiState, params: dict[str, Any]) -> dict[str, Any] | bool:
    message = _editable(state, params)
    if message is None:
        return True
    changes = _text_content(params, "caption", "caption_entities")
    keys = ("caption", "caption_entities", "reply_markup")
    drop = tuple(k for k in keys if k not in changes and k not in params)
    changes.update(_markup_content(state, message["chat"]["id"], params))
    return _apply_edit(state, message, changes, drop)


async def editMessageReplyMarkup(state: BotApiState, params: dict[str, Any]) -> dict[str, Any] | bool:
    message = _editable(state, params)
    if message is None:
        return True
    changes = _markup_content(state, message["chat"]["id"], params)
    return _apply_edit(state, message, changes, () if changes else ("reply_markup",))


async def deleteMessage(state: BotApiState, params: dict[str, Any]) -> bool:
    chat = state.resolve_chat(params["chat_id"], check_blocked=False)
    message = state.messages.get(chat["id"], {}).pop(params["message_id"], None)
    if message is None:
        raise ApiError(400, "Bad Request: message to delete not found")
    state.deleted.setdefault(chat["id"], {})[params["message_id"]] = message
    return True


async def answerCallbackQuery(state: BotApiState, params: dict[str, Any]) -> bool:
    query_id = params["callback_query_id"]
    if query_id not in state.callback_queries or query_id in state.callback_answers:
        raise ApiError(
            400, "Bad Request: query is too old and response timeout expired or query ID is invalid"
        )
    state.callback_answers[query_id] = dict(params)
    return True


async def sendChatAction(state: BotApiState, params: dict[str, Any]) -> bool:
    state.resolve_chat(params["chat_id"])
    return True


# ------------------------------------------------------------ files

async def getFile(state: BotApiState, params: dict[str, Any]) -> dict[str, Any]:
    stored = state.files.get(params["file_id"])
    if stored is None:
        raise ApiError(400, "Bad Request: invalid file_id")
    if len(stored.content) > GET_FILE_MAX:
        raise ApiError(400, "Bad Request: file is too big")
    return {
        "file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content), "file_path": stored.file_path,
    }

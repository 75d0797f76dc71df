"""Telegram's limits and formatting rules that the method list does not state as types.

Lengths are counted the way Telegram counts them: on the text *after* entity parsing (HTML tags and
MarkdownV2 markup removed, HTML entities decoded), stripped of surrounding whitespace, in UTF-16 code
units (an emoji outside the BMP counts 2; an Arabic letter counts 1). Callback data is counted in UTF-8
bytes (an Arabic letter is 2 bytes).
"""

from __future__ import annotations

import re
from typing import Any

TEXT_MAX = 4096
CAPTION_MAX = 1024
CALLBACK_DATA_MAX_BYTES = 64
INLINE_KEYBOARD_MAX_BUTTONS = 100
INLINE_KEYBOARD_MAX_PER_ROW = 8
CALLBACK_ANSWER_MAX = 200
COMMANDS_MAX = 100
COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
COMMAND_DESCRIPTION_MAX = 256

#: Tags Telegram's HTML parse mode accepts (https://core.telegram.org/bots/api#html-style).
HTML_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code", "pre",
    "blockquote", "tg-emoji", "tg-time",
}
CHAT_ACTIONS = {
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
}
_BUTTON_ACTIONS = {
    "url", "callback_data", "web_app", "login_url", "switch_inline_query", "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay",
}
_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")


class EntityParseError(ValueError):
    """The text's markup is malformed; ``str(exc)`` is Telegram's wording after "can't parse entities: "."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


# ---------------------------------------------------------------- HTML

_ENTITY_RE = re.compile(r"&(?:#(\d{1,8})|#x([0-9a-fA-F]{1,7})|(lt|gt|amp|quot));?")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ATTR_RE = re.compile(r"""\s*([^\s=>]+)\s*=\s*("[^"]*"|'[^']*'|[\w.\-]+)""")


def _decode_entity(text: str, i: int) -> tuple[str, int] | None:
    m = _ENTITY_RE.match(text, i)
    if not m:
        return None  # unsupported entities stay as they are, like Telegram does
    if m.group(3):
        return _NAMED[m.group(3)], m.end()
    code = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
    if code == 0 or code >= 0x10FFFF:
        return None
    return chr(code), m.end()


_TAG_ENTITY = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "span": "spoiler",
    "tg-spoiler": "spoiler", "a": "text_link", "code": "code", "pre": "pre", "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


def _entity_for(name: str, attrs: dict[str, str], offset: int, length: int) -> dict[str, Any] | None:
    kind = _TAG_ENTITY.get(name)
    if kind is None or length <= 0:
        return None
    entity: dict[str, Any] = {"offset": offset, "length": length, "type": kind}
    if name == "a":
        entity["url"] = attrs.get("href", "")
    elif name == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif name == "tg-emoji":
        entity["custom_emoji_id"] = attrs.get("emoji-id", "")
    elif name == "code" and attrs.get("class", "").startswith("language-"):
        entity["language"] = attrs["class"].removeprefix("language-")
    return entity


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities of an HTML message; raises :class:`EntityParseError` like Telegram does."""
    out: list[str] = []
    entities: list[dict[str, Any]] = []
    stack: list[tuple[str, dict[str, str], int]] = []  # tag, attributes, UTF-16 offset
    pos = 0  # UTF-16 length of the output so far
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "&" and (decoded := _decode_entity(text, i)):
            out.append(decoded[0])
            pos += utf16_len(decoded[0])
            i = decoded[1]
            continue
        if c != "<":
            out.append(c)
            pos += 2 if ord(c) > 0xFFFF else 1
            i += 1
            continue
        begin = i
        end = text.find(">", i)
        if text.startswith("</", i):
            if end < 0:
                raise EntityParseError(f"Unclosed end tag at byte offset {_byte_offset(text, begin)}")
            name = text[i + 2 : end].strip().lower()
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {_byte_offset(text, begin)}")
            if name and name != stack[-1][0]:
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {_byte_offset(text, begin)}, '
                    f'expected "</{stack[-1][0]}>", found "</{name}>"'
                )
            tag, attrs, start = stack.pop()
            if tag == "code" and stack and stack[-1][0] == "pre" and "language" in (
                e := _entity_for(tag, attrs, start, pos - start) or {}
            ):
                stack[-1][1]["_language"] = e["language"]
            elif (entity := _entity_for(tag, attrs, start, pos - start)) is not None:
                if tag == "pre" and "_language" in attrs:
                    entity["language"] = attrs["_language"]
                entities.append(entity)
            i = end + 1
            continue
        if end < 0:
            raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        body = text[i + 1 : end]
        name = re.split(r"[\s/]", body, maxsplit=1)[0].lower()
        if name not in HTML_TAGS:
            at = _byte_offset(text, begin)
            raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {at}')
        attrs = {k.lower(): v.strip("\"'") for k, v in _ATTR_RE.findall(body[len(name) :])}
        if re.search(r"\bexpandable\b", body[len(name) :]):
            attrs.setdefault("expandable", "")
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityParseError('Tag "span" must have class "tg-spoiler"')
        if name == "tg-emoji" and "emoji-id" not in attrs:
            raise EntityParseError('Tag "tg-emoji" must have attribute "emoji-id"')
        stack.append((name, attrs, pos))
        i = end + 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


# ---------------------------------------------------------------- MarkdownV2 and Markdown

def parse_markdown_v2(text: str) -> str:
    """The plain text of a MarkdownV2 message; raises :class:`EntityParseError` on unescaped characters."""
    out: list[str] = []
    stack: list[tuple[str, int]] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and ord(text[i + 1]) <= 126:
            out.append(text[i + 1])
            i += 2
            continue
        if c == "`":
            fence = "```" if text.startswith("```", i) else "`"
            close = i + len(fence)
            while close < n and not text.startswith(fence, close):
                close += 2 if text[close] == "\\" else 1
            if close >= n:
                at = _byte_offset(text, i)
                raise EntityParseError(f"Can't find end of the entity starting at byte offset {at}")
            inner = text[i + len(fence) : close]
            if fence == "```" and "\n" in inner:
                inner = inner.split("\n", 1)[1]  # drop the language line
            out.append(re.sub(r"\\([`\\])", r"\1", inner))
            i = close + len(fence)
            continue
        marker = text[i : i + 2] if text[i : i + 2] in ("__", "||") else c
        if marker in ("*", "_", "__", "~", "||"):
            if stack and stack[-1][0] == marker:
                stack.pop()
            else:
                stack.append((marker, i))
            i += len(marker)
            continue
        if c == "[" or (c == "!" and text.startswith("![", i)):
            stack.append(("[", i))
            i += 2 if c == "!" else 1
            continue
        if c == "]" and stack and stack[-1][0] == "[":
            stack.pop()
            m = re.compile(r"\(((?:\\.|[^)\\])*)\)").match(text, i + 1)
            i = m.end() if m else i + 1
            continue
        if c == ">" and (i == 0 or text[i - 1] == "\n"):
            i += 1  # blockquote line
            continue
        if c in _MDV2_RESERVED:
            raise EntityParseError(f"Character '{c}' is reserved and must be escaped with the preceding '\\'")
        out.append(c)
        i += 1
    if stack:
        raise EntityParseError(
            f"Can't find end of the entity starting at byte offset {_byte_offset(text, stack[-1][1])}"
        )
    return "".join(out)


def parse_markdown(text: str) -> str:
    """Legacy Markdown: markup characters removed (lengths only; its quirks are not modelled)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[*_`]", "", text)


def formatted_text(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """Text after entity parsing and Telegram's stripping, with its entities (offsets in UTF-16).

    Entities are computed for HTML (and taken as given with ``entities``); MarkdownV2 and Markdown give the
    plain text without entities.
    """
    mode = (parse_mode or "").lower()
    if entities is not None:
        found = [dict(e) for e in entities]
    elif mode == "html":
        text, found = parse_html(text)
    elif mode == "markdownv2":
        text, found = parse_markdown_v2(text), []
    elif mode == "markdown":
        text, found = parse_markdown(text), []
    else:
        found = []
    stripped = text.strip()
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    size = utf16_len(stripped)
    kept = []
    for e in found:
        start = max(e["offset"] - lead, 0)
        end = min(e["offset"] + e["length"] - lead, size)
        if end > start:
            kept.append({**e, "offset": start, "length": end - start})
    return stripped, kept


def plain_text(text: str, parse_mode: str | None) -> str:
    """Text after entity parsing, stripped as Telegram strips it."""
    return formatted_text(text, parse_mode)[0]


# ---------------------------------------------------------------- per-method checks

_MISSING = {
    "chat_id": "Bad Request: chat_id is empty",
    "text": "Bad Request: message text is empty",
    "photo": "Bad Request: there is no photo in the request",
    "document": "Bad Request: there is no document in the request",
    "file_id": "Bad Request: invalid file_id",
    "callback_query_id": "Bad Request: query is too old and response timeout expired or query ID is invalid",
    "message_id": "Bad Request: message identifier is not specified",
}


def missing_field_problem(method: str, name: str) -> str:
    return _MISSING.get(name, f'Bad Request: parameter "{name}" is required')


def _text_problems(
    params: dict[str, Any], key: str, entities_key: str, limit: int, too_long: str
) -> list[str]:
    value = params.get(key)
    if not isinstance(value, str):
        return []
    mode = None if entities_key in params else params.get("parse_mode")
    try:
        plain = plain_text(value, mode)
    except EntityParseError as exc:
        return [f"Bad Request: can't parse entities: {exc}"]
    if key == "text" and not plain:
        return ["Bad Request: message text is empty"]
    if utf16_len(plain) > limit:
        return [too_long]
    return []


def keyboard_problems(markup: Any) -> list[str]:
    """Shape and content of a reply_markup object (already type-checked)."""
    if not isinstance(markup, dict):
        return []
    problems = []
    if isinstance(rows := markup.get("inline_keyboard"), list):
        if sum(len(r) for r in rows if isinstance(r, list)) > INLINE_KEYBOARD_MAX_BUTTONS:
            problems.append("Bad Request: reply markup is too long")
        for row in rows:
            if isinstance(row, list) and len(row) > INLINE_KEYBOARD_MAX_PER_ROW:
                problems.append(
                    f"Bad Request: too many buttons in a row (at most {INLINE_KEYBOARD_MAX_PER_ROW})"
                )
            for button in row if isinstance(row, list) else []:
                problems.extend(_inline_button_problems(button))
    if isinstance(rows := markup.get("keyboard"), list):
        for row in rows:
            for button in row if isinstance(row, list) else []:
                text = button.get("text") if isinstance(button, dict) else button
                if not (isinstance(text, str) and text.strip()):
                    problems.append("Bad Request: can't parse keyboard button: Text must be non-empty")
    placeholder = markup.get("input_field_placeholder")
    if isinstance(placeholder, str) and not 1 <= len(placeholder) <= 64:
        problems.append("Bad Request: input field placeholder must be 1-64 characters long")
    return problems


def _inline_button_problems(button: Any) -> list[str]:
    if not isinstance(button, dict):
        return []
    problems = []
    if not str(button.get("text", "")).strip():
        problems.append("Bad Request: can't parse inline keyboard button: Text must be non-empty")
    actions = _BUTTON_ACTIONS & set(button)
    if not actions:
        problems.append(
            "Bad Request: can't parse inline keyboard button: "
            "Text buttons are unallowed in the inline keyboard"
        )
    elif len(actions) > 1:
        problems.append(
            "Bad Request: can't parse inline keyboard button: exactly one of "
            f"{', '.join(sorted(actions))} must be used"
        )
    data = button.get("callback_data")
    if isinstance(data, str) and not 1 <= len(data.encode("utf-8")) <= CALLBACK_DATA_MAX_BYTES:
        problems.append("Bad Request: BUTTON_DATA_INVALID")
    url = button.get("url")
    if isinstance(url, str) and not re.match(r"^(https?|tg)://\S+$", url, re.IGNORECASE):
        problems.append("Bad Request: BUTTON_URL_INVALID")
    return problems


def _commands_problems(params: dict[str, Any]) -> list[str]:
    commands = params.get("commands")
    if not isinstance(commands, list):
        return []
    problems = []
    if len(commands) > COMMANDS_MAX:
        problems.append("Bad Request: BOT_COMMANDS_TOO_MUCH")
    for cmd in commands:
        if not COMMAND_RE.match(str(cmd.get("command", ""))):
            problems.append("Bad Request: BOT_COMMAND_INVALID")
        if not 1 <= len(str(cmd.get("description", "")).strip()) <= COMMAND_DESCRIPTION_MAX:
            problems.append("Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
    language = params.get("language_code")
    if language and not re.match(r"^[a-z]{2}$", str(language)):
        problems.append("Bad Request: invalid language code specified")
    return problems


def check_limits(method: str, params: dict[str, Any]) -> list[str]:
    """Problems beyond types, for a type-valid call with decoded parameters."""
    problems = []
    mode = params.get("parse_mode")
    if mode is not None and str(mode).lower() not in ("html", "markdown", "markdownv2", ""):
        problems.append("Bad Request: unsupported parse_mode")
        return problems
    if method in ("sendMessage", "editMessageText"):
        if method == "editMessageText" and "text" not in params and "rich_message" not in params:
            problems.append("Bad Request: message text is empty")
        problems += _text_problems(params, "text", "entities", TEXT_MAX, "Bad Request: message is too long")
    if "caption" in params:
        problems += _text_problems(
            params, "caption", "caption_entities", CAPTION_MAX, "Bad Request: message caption is too long"
        )
    if method.startswith("editMessage") and "inline_message_id" not in params:
        if "message_id" not in params:
            problems.append("Bad Request: message identifier is not specified")
        elif "chat_id" not in params:
            problems.append("Bad Request: chat_id is empty")
    problems += keyboard_problems(params.get("reply_markup"))
    if method == "answerCallbackQuery" and utf16_len(str(params.get("text") or "")) > CALLBACK_ANSWER_MAX:
        problems.append("Bad Request: MESSAGE_TOO_LONG")
    if method == "setMyCommands":
        problems += _commands_problems(params)
    if method == "sendChatAction" and params.get("action") not in CHAT_ACTIONS:
        problems.append("Bad Request: wrong parameter action in request")
    return problems

"""The stand-in's validator: the official method list and Telegram's limits."""

import json

import pytest

from standin.limits import formatted_text, parse_html, utf16_len
from standin.spec import UploadedFile, load_spec, validate_call


def _inline(*rows):
    return {"inline_keyboard": [list(row) for row in rows]}


def test_spec_is_the_official_list():
    spec = load_spec()
    assert spec.version == "Bot API 10.1"
    assert spec.method("sendmessage")["name"] == "sendMessage"  # method names are case-insensitive
    assert spec.fields("sendMessage")["chat_id"]["required"] is True


def test_a_valid_message_passes():
    assert validate_call("sendMessage", {"chat_id": 42, "text": "السلام عليكم"}) == []


def test_rejects_a_real_over_long_message():
    text = "تم تسجيل طلبكم بنجاح، وسيتم إشعاركم عند كل تغيير في وضعيته. " * 80  # a realistic 4,800 chars
    assert len(text) > 4096
    assert validate_call("sendMessage", {"chat_id": 42, "text": text}) == ["Bad Request: message is too long"]
    assert validate_call("sendMessage", {"chat_id": 42, "text": text[:4096]}) == []


def test_length_counts_after_entity_parsing_and_in_utf16():
    html = "<b>" + "a" * 4096 + "</b>"  # 4,103 characters of markup, 4,096 of text
    assert validate_call("sendMessage", {"chat_id": 1, "text": html, "parse_mode": "HTML"}) == []
    assert validate_call("sendMessage", {"chat_id": 1, "text": html}) == ["Bad Request: message is too long"]
    emoji = "😀" * 2049  # 2,049 characters, 4,098 UTF-16 code units
    assert utf16_len(emoji) == 4098
    assert validate_call("sendMessage", {"chat_id": 1, "text": emoji}) == ["Bad Request: message is too long"]


def test_empty_text_after_stripping():
    blank = {"chat_id": 1, "text": "  \n "}
    assert validate_call("sendMessage", blank) == ["Bad Request: message text is empty"]
    html = {"chat_id": 1, "text": "<b> </b>", "parse_mode": "HTML"}
    assert validate_call("sendMessage", html) == ["Bad Request: message text is empty"]


def test_rejects_arabic_callback_data_over_64_bytes():
    data = "طلب_" + "ش" * 31  # 35 characters but 66 bytes in UTF-8
    assert len(data) < 64 < len(data.encode("utf-8"))
    markup = _inline([{"text": "نعم", "callback_data": data}])
    problems = validate_call("sendMessage", {"chat_id": 1, "text": "؟", "reply_markup": markup})
    assert problems == ["Bad Request: BUTTON_DATA_INVALID"]
    ok = _inline([{"text": "نعم", "callback_data": "ش" * 32}])  # exactly 64 bytes
    assert validate_call("sendMessage", {"chat_id": 1, "text": "؟", "reply_markup": ok}) == []


def test_rejects_an_unknown_method():
    problems = validate_call("sendMesage", {"chat_id": 1, "text": "x"})
    assert len(problems) == 1 and problems[0].startswith("Not Found")


def test_rejects_a_missing_required_field():
    assert validate_call("sendMessage", {"text": "x"}) == ["Bad Request: chat_id is empty"]
    assert validate_call("sendMessage", {"chat_id": 1}) == ["Bad Request: message text is empty"]
    assert validate_call("getFile", {}) == ["Bad Request: invalid file_id"]
    no_id = validate_call("deleteMessage", {"chat_id": 1})
    assert no_id == ["Bad Request: message identifier is not specified"]


def test_rejects_unknown_fields_and_wrong_types():
    assert validate_call("sendMessage", {"chat_id": 1, "text": "x", "reply_to_message_id": 3}) == [
        'Bad Request: unknown parameter "reply_to_message_id" for method sendMessage'
    ]
    assert validate_call("sendMessage", {"chat_id": 1.5, "text": "x"}) == [
        'Bad Request: field "chat_id" must be of type Integer or String'
    ]
    assert validate_call("sendMessage", {"chat_id": 1, "text": "x", "disable_notification": "maybe"}) == [
        'Bad Request: field "disable_notification" must be of type Boolean'
    ]


def test_form_encoded_values_are_decoded_like_telegram_does():
    markup = json.dumps(_inline([{"text": "ok", "callback_data": "a:1"}]))
    form = {"chat_id": "42", "text": "x", "disable_notification": "true", "reply_markup": markup}
    assert validate_call("sendMessage", form) == []
    assert validate_call("sendMessage", {**form, "reply_markup": "{not json"}) == [
        'Bad Request: field "reply_markup" must be of type '
        "InlineKeyboardMarkup or ReplyKeyboardMarkup or ReplyKeyboardRemove or ForceReply"
    ]


def test_keyboard_objects_are_checked_field_by_field():
    bad_button = _inline([{"text": "x", "callback_data": "a", "colour": "red"}])
    assert validate_call("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": bad_button}) == [
        "Bad Request: can't parse reply_markup.inline_keyboard[0][0]: "
        'unknown field "colour" in InlineKeyboardButton'
    ]
    no_action = _inline([{"text": "x"}])
    assert validate_call("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": no_action}) == [
        "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
    ]
    reply_kb = {"keyboard": [[{"text": "سؤال"}, {"text": "طلب جديد"}]], "resize_keyboard": "yes"}
    assert validate_call("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": reply_kb}) == [
        'Bad Request: field "reply_markup.resize_keyboard" must be of type Boolean'
    ]
    reply_kb["resize_keyboard"] = True
    assert validate_call("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": reply_kb}) == []
    missing_text = {"keyboard": [[{"request_contact": True}]]}
    assert validate_call("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": missing_text}) == [
        "Bad Request: can't parse reply_markup.keyboard[0][0]: field \"text\" of KeyboardButton is required"
    ]


def test_inline_keyboard_shape():
    button = {"text": "b", "callback_data": "1"}
    wide = _inline([button] * 9)
    assert validate_call("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": wide}) == [
        "Bad Request: too many buttons in a row (at most 8)"
    ]
    tall = _inline(*[[button]] * 101)
    assert validate_call("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": tall}) == [
        "Bad Request: reply markup is too long"
    ]
    bad_url = _inline([{"text": "site", "url": "www.men.gov.ma"}])
    assert validate_call("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": bad_url}) == [
        "Bad Request: BUTTON_URL_INVALID"
    ]


def test_caption_limit():
    photo = UploadedFile(b"\x89PNG", "p.png")
    assert validate_call("sendPhoto", {"chat_id": 1, "photo": photo, "caption": "c" * 1024}) == []
    assert validate_call("sendPhoto", {"chat_id": 1, "photo": photo, "caption": "c" * 1025}) == [
        "Bad Request: message caption is too long"
    ]
    assert validate_call("sendDocument", {"chat_id": 1, "document": 12}) == [
        'Bad Request: field "document" must be of type InputFile or String'
    ]


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("a<br>b", 'Unsupported start tag "br" at byte offset 1'),
        ("<b>x<i>y</b></i>", 'Unmatched end tag at byte offset 8, expected "</i>", found "</b>"'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("مرحبا <div>", 'Unsupported start tag "div" at byte offset 11'),  # offsets are in UTF-8 bytes
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler"'),
    ],
)
def test_malformed_html_is_refused_with_telegrams_words(html, error):
    problems = validate_call("sendMessage", {"chat_id": 1, "text": html, "parse_mode": "HTML"})
    assert problems == [f"Bad Request: can't parse entities: {error}"]


def test_html_entities_and_allowed_tags():
    text = (
        'المرجع <code>OD-2026-000123</code> &lt;ok&gt; <a href="https://x.ma">lien</a> '
        "<tg-spoiler>s</tg-spoiler>"
    )
    plain, entities = parse_html(text)
    assert plain == "المرجع OD-2026-000123 <ok> lien s"
    assert [e["type"] for e in entities] == ["code", "text_link", "spoiler"]
    assert entities[0] == {"offset": 7, "length": 14, "type": "code"}
    assert formatted_text("  <b>x</b> ", "HTML") == ("x", [{"offset": 0, "length": 1, "type": "bold"}])


def test_markdown_v2_reserved_characters():
    problems = validate_call("sendMessage", {"chat_id": 1, "text": "Done. *ok*", "parse_mode": "MarkdownV2"})
    assert problems == [
        "Bad Request: can't parse entities: "
        "Character '.' is reserved and must be escaped with the preceding '\\'"
    ]
    escaped = {"chat_id": 1, "text": "Done\\. *ok*", "parse_mode": "MarkdownV2"}
    assert validate_call("sendMessage", escaped) == []
    assert validate_call("sendMessage", {"chat_id": 1, "text": "x", "parse_mode": "html5"}) == [
        "Bad Request: unsupported parse_mode"
    ]


def test_callback_answer_and_commands_limits():
    assert validate_call("answerCallbackQuery", {"callback_query_id": "1", "text": "ت" * 200}) == []
    assert validate_call("answerCallbackQuery", {"callback_query_id": "1", "text": "ت" * 201}) == [
        "Bad Request: MESSAGE_TOO_LONG"
    ]
    good = [
        {"command": "start", "description": "البداية"}, {"command": "my_requests", "description": "طلباتي"}
    ]
    assert validate_call("setMyCommands", {"commands": good, "language_code": "ar"}) == []
    assert validate_call("setMyCommands", {"commands": [{"command": "Start", "description": "x"}]}) == [
        "Bad Request: BOT_COMMAND_INVALID"
    ]
    assert validate_call("setMyCommands", {"commands": [{"command": "s", "description": "d" * 257}]}) == [
        "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"
    ]
    many = [{"command": f"c{i}", "description": "d"} for i in range(101)]
    assert validate_call("setMyCommands", {"commands": many}) == ["Bad Request: BOT_COMMANDS_TOO_MUCH"]
    scope = {"type": "chat"}  # BotCommandScopeChat needs its chat_id
    assert validate_call("setMyCommands", {"commands": good, "scope": scope}) == [
        'Bad Request: can\'t parse scope: field "chat_id" of BotCommandScopeChat is required'
    ]


def test_chat_action_values():
    assert validate_call("sendChatAction", {"chat_id": 1, "action": "upload_document"}) == []
    assert validate_call("sendChatAction", {"chat_id": 1, "action": "thinking"}) == [
        "Bad Request: wrong parameter action in request"
    ]

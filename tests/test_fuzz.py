"""Fuzzing the real bot with hypothesis: random Unicode (emoji, RTL/LTR marks, very long text), commands
with junk arguments, random button data (including well-formed ones naming other people's requests), random
documents and photos, replies to the bot's messages — sent by a teacher, an office agent and an admin.
Every input must get an answer (a message, or the pressed button's answer), and no exception may reach the
error handler.

SQLite only (the handlers are what is fuzzed, and it must stay quick); one bot for all the examples, so
conversations started by one input are continued by the next ones.
"""

from __future__ import annotations

import asyncio
import string
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from desk.filing import file_request
from handlers.common import all_menu_labels
from standin.transport import feed
from tests.botkit import World, start_world, stop_world
from tests.conftest import ADMIN_ID, CERTIFICATE, LEAVE, Cast, clean
from tests.office_kit import EVERYBODY

PEOPLE = (101, 301, ADMIN_ID)  # a teacher, an agent of hr-leave, an admin
EXAMPLES = 90  # per person: the three runs take well under a minute in all


@pytest.fixture
def engine(sqlite_engine: Engine) -> Engine:
    """SQLite only, for speed (the other tests cover both databases)."""
    clean(sqlite_engine)
    return sqlite_engine


# --- what people send ---------------------------------------------------------------------------------------

MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\u200b\u200c\u200d\ufeff"
EMOJI = "😀🙏🏽👍🏿🇲🇦📎📄✅⛔🔁👨‍👩‍👧‍👦❤️‍🔥🫶🏻"
ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئةى٠١٢٣٤٥٦٧٨٩ًٌٍَُِّْـ"
unicode = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
pieces = st.one_of(
    st.text(unicode, min_size=1, max_size=40),
    st.text(MARKS + EMOJI + ARABIC, min_size=1, max_size=40),
    st.sampled_from(
        [
            "OD-2026-000001",
            "1000001",
            "VB100001",
            "<b>",
            "&amp;",
            "</code>",
            "{x}",
            "%s",
            "📥 قائمة انتظار المكتب",
            "❓ طرح سؤال",
            "2026-11-20",
            "٢٠٢٦-١١-٢٠",
            "3",
            "²",
        ]
    ),
)
short_text = st.lists(pieces, min_size=1, max_size=4).map(" ".join)


def telegram_sized(text: str, limit: int = 4096) -> str:
    """Telegram delivers at most 4096 UTF-16 units (an emoji counts twice)."""
    while len(text.encode("utf-16-le")) // 2 > limit:
        text = text[: -max(1, (len(text.encode("utf-16-le")) // 2 - limit) // 2)]
    return text


long_text = st.tuples(pieces, st.integers(3990, 4096)).map(
    lambda p: telegram_sized((p[0] * (4096 // len(p[0]) + 1))[: p[1]])
)
text = st.one_of(short_text, short_text, short_text, long_text)

COMMANDS = [
    "start",
    "r",
    "queue",
    "mine",
    "new",
    "handin",
    "menu",
    "help",
    "language",
    "cancel",
    "mydata",
    "erase",
    "admin",
    "unknown",
]
command = st.tuples(st.sampled_from(COMMANDS), st.one_of(st.just(""), short_text)).map(
    lambda c: f"/{c[0]} {c[1]}".strip()
)

# The shapes of the bot's real buttons (area, verbs, number of ids after the verb), filled with ids that are
# real, someone else's, out of range or not numbers at all.
SHAPES = [
    ("ag", "claim open files reply docs done rej xfer svcs who done0", 1),
    ("ag", "svc to assign", 2),
    ("rq", "page open add wd wdyes keep reopen", 1),
    ("q", "o n p a z", 2),
    ("ad", "reg agents counts add imp", 0),
    ("ad", "ok no as ao ah", 1),
    ("ad", "rm", 2),
    ("nw", "type svc off skip done", 1),
    ("nw", "pick staff", 2),
    ("nw", "ok no", 0),
    ("req", "office", 1),
    ("faq", "alt browse", 0),
    ("faq", "svc show", 1),
    ("lang", "ar fr xx", 0),
    ("pv", "keep", 0),
    ("pv", "er", 2),
]
ids = st.one_of(
    st.integers(0, 12).map(str),
    st.integers(-5, 10**13).map(str),
    st.sampled_from(
        [
            "hr-leave",
            "legal-accidents",
            "hr",
            "-",
            "",
            "x",
            "t",
            "p",
            "101",
            "301",
            str(ADMIN_ID),
            "1000001",
            "999999999999",
            "leave_followup",
            "certificate",
            "sick_short",
            "0",
            "1",
        ]
    ),
    st.sampled_from(["²", "٣", "①", "𝟙"]),
)


@st.composite
def callback_data(draw: st.DrawFn) -> str:
    """Data shaped like the bot's buttons most of the time, anything up to 64 bytes otherwise."""
    if draw(st.integers(0, 3)):
        area, verbs, count = draw(st.sampled_from(SHAPES))
        parts = [area, draw(st.sampled_from(verbs.split()))]
        parts += [draw(ids) for _ in range(count + draw(st.sampled_from([0, 0, 0, 1, -1])))]
        data = ":".join(parts)
    else:
        data = draw(st.text(unicode, min_size=1, max_size=64))
    while len(data.encode("utf-8")) > 64:
        data = data[:-1]
    return data or "x"


document = st.tuples(
    st.binary(min_size=1, max_size=64),
    st.one_of(
        st.text(string.ascii_letters + string.digits + "._- ", min_size=1, max_size=20),
        st.sampled_from(["a.pdf", "b.PDF", "c.docx", "d.exe", "e.csv", "f.xlsx", "g.png", "h", ".jpg"]),
    ),
    st.sampled_from(
        [
            None,
            "application/pdf",
            "image/png",
            "image/jpeg",
            "text/csv",
            "application/x-msdownload",
            "application/octet-stream",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ]
    ),
    st.one_of(st.none(), short_text.map(lambda s: s[:1000])),
)


@dataclass(frozen=True)
class Input:
    # text, command, press (forged data), button (one of the last buttons shown), document, photo, reply
    kind: str
    value: Any


inputs = st.one_of(
    text.map(lambda v: Input("text", v)),
    command.map(lambda v: Input("command", v)),
    callback_data().map(lambda v: Input("press", v)),
    st.integers(0, 50).map(lambda v: Input("button", v)),
    st.integers(0, 50).map(lambda v: Input("button", v)),
    st.sampled_from(all_menu_labels()).map(lambda v: Input("text", v)),
    document.map(lambda v: Input("document", v)),
    st.one_of(st.none(), short_text).map(lambda v: Input("photo", v)),
    short_text.map(lambda v: Input("reply", v)),
)


# --- the bot under fuzz -------------------------------------------------------------------------------------


@dataclass
class Fuzzed:
    world: World
    loop: asyncio.AbstractEventLoop
    errors: list[tuple[Input, BaseException | None]]
    current: Input | None = None


@pytest.fixture
def fuzzed(uow, settings, cast: Cast) -> Iterator[Fuzzed]:
    settings.flood_messages_per_minute = (
        1000  # the flood limit would silence inputs on purpose: tested elsewhere
    )
    # Requests of several people and offices, so that well-formed button data names real ones (1, 2, 3 …).
    file_request(uow, cast.teacher, "leave_followup", LEAVE)
    file_request(uow, cast.other_teacher, "certificate", CERTIFICATE)
    file_request(uow, cast.colleague, "leave_followup", LEAVE)
    loop = asyncio.new_event_loop()
    world = loop.run_until_complete(start_world(uow, settings))
    state = Fuzzed(world, loop, [])

    async def record(update: object, context: Any) -> None:
        state.errors.append((state.current, context.error))  # type: ignore[arg-type]

    world.app.add_error_handler(record)
    for telegram_id in EVERYBODY:  # Telegram lets a bot write only to people who have opened a chat with it
        world.api.add_chat(world.user(telegram_id))
    for telegram_id in PEOPLE:
        loop.run_until_complete(world.send(telegram_id, "/start"))
    loop.run_until_complete(world.deliver())
    try:
        yield state
    finally:
        loop.run_until_complete(stop_world(world))
        loop.close()


async def send(state: Fuzzed, telegram_id: int, given_input: Input) -> bool:
    """Feed one input; True when the person got an answer."""
    world, api = state.world, state.world.api
    user = world.user(telegram_id)
    before = world._last_id(telegram_id)
    if given_input.kind == "press":
        last = next((m for m in reversed(api.sent_to(telegram_id)) if "text" in m), None)
        if last is None:
            return True
        update = api.user_presses(user, last, given_input.value, check=False)
        await feed(world.app, update)
        return api.answer_to(update) is not None
    if given_input.kind == "button":
        shown = next((m for m in reversed(api.sent_to(telegram_id)) if api.buttons(m)), None)
        if shown is None:
            return True
        buttons = [b["callback_data"] for b in api.buttons(shown) if "callback_data" in b]
        update = api.user_presses(user, shown, buttons[given_input.value % len(buttons)])
        await feed(world.app, update)
        return api.answer_to(update) is not None
    if given_input.kind in ("text", "command"):
        update = api.user_sends_text(user, given_input.value)
    elif given_input.kind == "reply":
        replied = api.last_sent_to(telegram_id)
        update = api.user_sends_text(user, given_input.value, reply_to=replied)
    elif given_input.kind == "document":
        content, name, mime, caption = given_input.value
        update = api.user_sends_document(user, content, name, mime, caption)
    else:
        update = api.user_sends_photo(user, caption=given_input.value)
    await feed(world.app, update)
    return bool(world._new_since(telegram_id, before))


def fuzz(state: Fuzzed, telegram_id: int) -> None:
    @given(st.lists(inputs, min_size=1, max_size=3))
    @fuzz_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    def run(batch: list[Input]) -> None:
        for given_input in batch:
            state.current = given_input
            state.world.uow.clock.advance(seconds=1)  # type: ignore[attr-defined]  # under the flood limit
            answered = state.loop.run_until_complete(send(state, telegram_id, given_input))
            assert not state.errors, state.errors
            assert answered, f"no answer to {given_input!r} from {telegram_id}"
            state.loop.run_until_complete(state.world.deliver())  # notices too go through the real renderer
            assert not state.errors, state.errors

    run()


def test_a_teacher_sending_anything_always_gets_an_answer_and_never_an_error(fuzzed: Fuzzed):
    fuzz(fuzzed, 101)


def test_an_agent_sending_anything_always_gets_an_answer_and_never_an_error(fuzzed: Fuzzed):
    fuzz(fuzzed, 301)


def test_an_admin_sending_anything_always_gets_an_answer_and_never_an_error(fuzzed: Fuzzed):
    fuzz(fuzzed, ADMIN_ID)

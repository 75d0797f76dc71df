"""Scripted people for ``bench.faults``: each files free questions through the real bot's `/new` buttons,
over the stand-in, and behaves like a patient person when an answer does not come.

One request is: /new → «question» → a service → an office → the question (a unique token) → «Done» → «Send» →
the receipt with its reference. When an answer does not come (the bot is down, a fault cost it) or the bot
says "sorry, something went wrong", the person starts again from /new — nothing was filed yet. At «Send» they
press «Send» again while it is there (the bot files once per summary) and otherwise wait; a receipt never seen
leaves the request "not acknowledged". Either way, a press answered "this button is no longer valid" means the
bot lost track of the step (its reply reached the person, but the bot never heard back and stayed a step
behind): the person starts again from /new, as anyone would.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.i18n import Translator
from standin.core import BotApiState
from standin.users import FakeUser

REFERENCE = re.compile(r"\b[A-Z]{1,8}-\d{4}-\d{6}\b")
TOKEN = re.compile(r"bench-u\d+-r\d+")
_AR = Translator("ar")
PROMPT = _AR("Write your question to the office.")
SORRY = _AR("Sorry, something went wrong on our side. Please try again in a moment.")
STALE = _AR("This button is no longer valid.")
RECEIPT = _AR("✅ Your request has been sent.")
FLOW_ATTEMPTS = 12
SEND_PRESSES = 5
POLL = 0.05

Message = dict[str, Any]
Check = Callable[[Message], bool]


@dataclass
class Tally:
    """What the people saw and did, for the figures."""

    acknowledged: dict[str, str] = field(default_factory=dict)  # token → reference on the receipt
    unacknowledged: list[str] = field(default_factory=list)  # tokens whose receipt never came
    flow_restarts: int = 0  # a step's answer did not come, or "sorry": started again from /new
    send_again: int = 0  # «Send» pressed again because its receipt did not come
    stalls: Counter[str] = field(default_factory=Counter)  # "step: why" each time a person started again
    unanswered: Counter[str] = field(default_factory=Counter)  # why a request was left without a receipt


class _Again(Exception):  # a signal: start this request again from /new
    def __init__(self, step: str, why: str) -> None:
        super().__init__(f"{step}: {why}")
        self.where = f"{step}: {why}"


class Person:
    """One registered teacher, filing their questions one after another."""

    def __init__(
        self, state: BotApiState, user: FakeUser, office: tuple[str, str], tally: Tally, step_timeout: float
    ) -> None:
        self.state, self.user, self.tally, self.timeout = state, user, tally, step_timeout
        self.service, self.office = office
        self.pressed: dict[str, Any] | None = None  # the update of the latest press
        self.step = ""

    async def file_all(self, tokens: list[str]) -> None:
        for token in tokens:
            await self.file_one(token)

    async def file_one(self, token: str) -> None:
        for _ in range(FLOW_ATTEMPTS):
            try:
                reference = await self._flow(token)
            except _Again as again:
                self.tally.flow_restarts += 1
                self.tally.stalls[again.where] += 1
                continue
            if reference is None:
                self.tally.unacknowledged.append(token)
            else:
                self.tally.acknowledged[token] = reference
            return
        self.tally.unacknowledged.append(token)
        self.tally.unanswered["gave up"] += 1

    async def _flow(self, token: str) -> str | None:
        m = await self._act("/new", lambda: self._text("/new"), _button("nw:type:question"))
        m = await self._act(
            "type", lambda: self._press(m, "nw:type:question"), _button(f"nw:svc:{self.service}")
        )
        m = await self._act(
            "service", lambda: self._press(m, f"nw:svc:{self.service}"), _button(f"nw:off:{self.office}")
        )
        m = await self._act(
            "office", lambda: self._press(m, f"nw:off:{self.office}"), lambda x: PROMPT in x.get("text", "")
        )
        question = f"سؤال {token}: متى تصدر نتائج الحركة؟"
        m = await self._act("question", lambda: self._text(question), _button("nw:done:1"))
        summary = await self._act("done", lambda: self._press(m, "nw:done:1"), _button("nw:ok"))
        return await self._send(summary)

    async def _send(self, summary: Message) -> str | None:
        """Press «Send» until a receipt comes; press again only while the button is there."""
        self.step = "send"
        mark = self._last_id()
        is_receipt: Check = lambda x: RECEIPT in x.get("text", "")  # noqa: E731
        for press in range(SEND_PRESSES):
            if press:
                self.tally.send_again += 1
            pressed_after = self._last_id()
            if not self._press(summary, "nw:ok"):
                break
            got = await self._wait(mark, is_receipt, sorry_after=pressed_after)
            if got is not None and is_receipt(got):
                return _reference(got)
        got = await self._wait(mark, is_receipt)  # the button is gone: the receipt may still be on its way
        if got is None:
            self.tally.unanswered[f"send: no receipt after {press + 1} presses"] += 1
        return _reference(got) if got is not None else None

    # ------------------------------------------------------------------ talking to the stand-in

    async def _act(self, step: str, action: Callable[[], bool], wanted: Check) -> Message:
        self.step = step
        mark = self._last_id()
        if not action():
            raise _Again(step, "button gone")
        got = await self._wait(mark, wanted, sorry_after=mark)
        if got is None:
            raise _Again(step, "no answer")
        if not wanted(got):
            raise _Again(step, "sorry")
        return got

    def _text(self, text: str) -> bool:
        self.state.user_sends_text(self.user, text)
        self.pressed = None
        return True

    def _stale(self) -> bool:
        """The bot answered the latest press "this button is no longer valid" (it lost track of the step: a
        reply that reached the person although the bot never heard back); a person starts again."""
        answer = self.state.answer_to(self.pressed) if self.pressed else None
        return bool(answer) and STALE in str(answer.get("text", ""))

    def _press(self, message: Message, data: str) -> bool:
        """Press ``data`` on the latest of the bot's messages that carries it (a person looks at the bottom of
        the chat: a step the bot asked again after a restart shows there), from ``message`` on."""
        chat = self.state.messages.get(self.user.id) or {}
        carrying = [i for i, m in chat.items() if i >= message["message_id"] and _button(data)(m)]
        if not carrying:  # the button is gone (taken off by the bot): it cannot be pressed
            return False
        self.pressed = self.state.user_presses(self.user, max(carrying), data)
        return True

    def _last_id(self) -> int:
        chat = self.state.messages.get(self.user.id) or {}
        return max(chat, default=0)

    async def _wait(self, after: int, wanted: Check, sorry_after: int | None = None) -> Message | None:
        """The first new message from the bot (id above ``after``) that is wanted, or a "sorry" above
        ``sorry_after``; None when the step's time runs out."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        bot_id = self.state.bot["id"]
        while loop.time() < deadline:
            chat = self.state.messages.get(self.user.id) or {}
            for message_id in sorted(i for i in chat if i > after):
                message = chat[message_id]
                if message["from"]["id"] != bot_id:
                    continue
                sorry = (
                    sorry_after is not None and message_id > sorry_after and SORRY in message.get("text", "")
                )
                if wanted(message) or sorry:
                    return message
            if self._stale():
                raise _Again(self.step, "button no longer valid")
            await asyncio.sleep(POLL)
        return None


def _button(data: str) -> Check:
    return lambda m: any(b.get("callback_data") == data for b in BotApiState.buttons(m))


def _reference(message: Message | None) -> str | None:
    found = REFERENCE.search(message.get("text", "")) if message else None
    return found.group(0) if found else None

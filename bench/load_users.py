"""Simulated people for ``bench.load``: what they send, how their answers are recognised and timed.

Each simulated person talks to the bot through the stand-in (``BotApiState``, in the benchmark's own
process) and waits for the bot's reply before sending the next update, as a person would. The reply to
an update is the number of messages the bot sends to that chat in answer (one for most updates, two
when the bot names the office before asking the first question); its latency runs from the moment the
update is queued at the stand-in to the moment the stand-in stores the last of those messages.

The mix is counted in updates: questions (free text to the office finder), new requests (every update
of a request filed through buttons: an administrative certificate from /new, or a question sent to the
office a FAQ answer named) and status checks (/mine). Whoever is free starts the kind of update that is
furthest behind its share, so the realised mix stays on target whatever the flows' lengths.
"""

from __future__ import annotations

import asyncio
import csv
import random
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from standin.core import BotApiState
from standin.users import FakeUser

QUESTION, REQUEST, STATUS = "question", "new request", "status check"
MIX = {QUESTION: 0.6, REQUEST: 0.2, STATUS: 0.2}
DATA = Path(__file__).resolve().parent / "data"


def questions() -> list[str]:
    """Realistic questions (Arabic, Darija, French) from the finder's labelled sets."""
    found: list[str] = []
    for path in sorted(DATA.glob("faq_*.tsv")):
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            found += [row["question"].strip() for row in reader if row["question"].strip()]
    return found


class ObservedState(BotApiState):
    """The stand-in's state, telling each simulated person when the bot writes to them, and counting calls."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.people: dict[int, Person] = {}
        self.methods: Counter[str] = Counter()

    async def call(self, method: str, params: dict[str, Any] | None = None, files: Any = None, *,
                   token: str | None = None) -> tuple[int, dict[str, Any]]:
        self.methods[method] += 1
        return await super().call(method, params, files, token=token)

    def store_message(self, chat: dict[str, Any], sender: dict[str, Any], **content: Any) -> dict[str, Any]:
        message = super().store_message(chat, sender, **content)
        if sender.get("id") == self.bot["id"] and (person := self.people.get(chat["id"])) is not None:
            person.observe(message)
        return message


@dataclass
class Step:
    """One update a person sends: its kind, how it is sent, how many bot messages answer it, and a check."""

    kind: str
    send: Callable[[Person], dict[str, Any]]
    expect: int = 1
    check: Callable[[list[dict[str, Any]]], bool] | None = None


@dataclass
class Sample:
    kind: str
    posted: float  # time.perf_counter() when the update was queued
    latency: float | None  # seconds; None when no reply came in time or the reply was not the expected one
    # "timeout", "wrong answer" (not the expected buttons or receipt), "lost" (the button to press is missing)
    error: str | None = None


class Person:
    """One registered member of staff talking to the bot, one update at a time."""

    def __init__(self, state: ObservedState, telegram_id: int, rng: random.Random, texts: list[str],
                 checked: bool = True) -> None:
        self.state, self.rng, self.texts = state, rng, texts
        self.checked = checked  # False for the echo bot, whose answers are the question itself
        self.user = FakeUser(telegram_id, f"P{telegram_id}", "ar")
        self.plan: deque[Step] = deque()
        self.last: list[dict[str, Any]] = []  # the bot's messages answering the previous update
        self._expect = 0
        self._received: list[dict[str, Any]] = []
        self._done: asyncio.Future[float] | None = None
        self._posted = 0.0
        state.people[telegram_id] = self

    # ---------------------------------------------------------------- what the bot sends

    def observe(self, message: dict[str, Any]) -> None:
        if self._done is None or self._done.done():
            return  # late or unsolicited: ignored (the next update's checks catch a confused conversation)
        self._received.append(message)
        if len(self._received) >= self._expect:
            self._done.set_result(time.perf_counter() - self._posted)

    # ---------------------------------------------------------------- what the person sends

    @property
    def in_flow(self) -> bool:
        return bool(self.plan)

    def next_kind(self) -> str | None:
        return self.plan[0].kind if self.plan else None

    def start(self, kind: str) -> None:
        """Plan the next activity of the given kind (a request flow plans all its updates)."""
        if kind == QUESTION:
            check = _has_button("req:office:") if self.checked else None
            self.plan.append(Step(QUESTION, lambda p: p.text(p.rng.choice(p.texts)), check=check))
        elif kind == STATUS:
            self.plan.append(Step(STATUS, lambda p: p.text("/mine")))
        elif self._button("req:office:") and self.rng.random() < 0.5:
            self.plan.extend(office_question_flow())
        else:
            self.plan.extend(certificate_flow())

    def text(self, text: str) -> dict[str, Any]:
        return self.state.user_sends_text(self.user, text)

    def press(self, prefix: str) -> dict[str, Any]:
        """Press the button whose callback data starts with ``prefix`` (latest bot message showing one)."""
        found = self._button(prefix)
        if found is None:
            raise LookupError(f"no button {prefix!r} in the bot's last answer")
        message_id, data = found
        return self.state.user_presses(self.user, message_id, data)

    def _button(self, prefix: str) -> tuple[int, str] | None:
        for message in reversed(self.last):
            for button in BotApiState.buttons(message):
                if str(button.get("callback_data", "")).startswith(prefix):
                    return message["message_id"], button["callback_data"]
        return None

    async def run(self, step: Step, timeout: float) -> Sample:
        """Send one update and wait for its whole reply."""
        loop = asyncio.get_running_loop()
        self._received, self._expect = [], step.expect
        self._done = loop.create_future()
        self._posted = time.perf_counter()
        try:
            step.send(self)
        except (LookupError, ValueError):  # the conversation is not where the script thought
            self._done = None
            self._recover()
            return Sample(step.kind, self._posted, None, "lost")
        try:
            latency: float | None = await asyncio.wait_for(self._done, timeout)
        except TimeoutError:
            latency = None
        self.last = self._received
        self._done = None
        if latency is None or (step.check is not None and not step.check(self.last)):
            self._recover()
            return Sample(step.kind, self._posted, None, "timeout" if latency is None else "wrong answer")
        return Sample(step.kind, self._posted, latency)

    def _recover(self) -> None:
        """Start over with /cancel, which ends whatever conversation the bot thinks is going on."""
        self.plan.clear()
        self.plan.append(Step(REQUEST, lambda p: p.text("/cancel")))


def _has_button(prefix: str) -> Callable[[list[dict[str, Any]]], bool]:
    def check(messages: list[dict[str, Any]]) -> bool:
        return any(str(b.get("callback_data", "")).startswith(prefix)
                   for m in messages for b in BotApiState.buttons(m))
    return check


def _receipt(messages: list[dict[str, Any]]) -> bool:
    return any("OD-" in (m.get("text") or "") for m in messages)


def certificate_flow() -> list[Step]:
    """/new → certificate → which one → purpose (typed) → language → copies → no files → send: 8 updates."""
    return [
        Step(REQUEST, lambda p: p.text("/new"), check=_has_button("nw:type:certificate")),
        Step(REQUEST, lambda p: p.press("nw:type:certificate"), check=_has_button("nw:pick:0:")),
        Step(REQUEST, lambda p: p.press("nw:pick:0:")),
        Step(REQUEST, lambda p: p.text("ملف قرض بنكي"), check=_has_button("nw:pick:2:")),
        Step(REQUEST, lambda p: p.press("nw:pick:2:ar"), check=_has_button("nw:pick:3:")),
        Step(REQUEST, lambda p: p.press("nw:pick:3:1"), check=_has_button("nw:done:4")),
        Step(REQUEST, lambda p: p.press("nw:done:4"), check=_has_button("nw:ok")),
        Step(REQUEST, lambda p: p.press("nw:ok"), check=_receipt),
    ]


def office_question_flow() -> list[Step]:
    """From a FAQ answer: «send a request to this office» → the question → no files → send: 4 updates."""
    return [
        Step(REQUEST, lambda p: p.press("req:office:"), expect=2),
        Step(REQUEST, lambda p: p.text("متى سيصدر القرار الخاص بملفي؟"), check=_has_button("nw:done:1")),
        Step(REQUEST, lambda p: p.press("nw:done:1"), check=_has_button("nw:ok")),
        Step(REQUEST, lambda p: p.press("nw:ok"), check=_receipt),
    ]


@dataclass
class Mixer:
    """Keeps the realised mix of updates on its target shares."""

    shares: dict[str, float] = field(default_factory=lambda: dict(MIX))
    sent: Counter[str] = field(default_factory=Counter)

    def behind(self) -> list[str]:
        """Kinds of update, the furthest behind its share first."""
        total = sum(self.sent.values()) + 1
        return sorted(self.shares, key=lambda k: self.sent[k] - self.shares[k] * total)

    def pick(self, person: Person) -> Step:
        """The next update of a person who is free (continuing a flow, or starting what is most behind)."""
        if not person.in_flow:
            person.start(self.behind()[0])
        step = person.plan.popleft()
        self.sent[step.kind] += 1
        return step


def echo_mixer() -> Mixer:
    return Mixer(shares={QUESTION: 1.0})


@dataclass
class Run:
    """Samples of one measured run, cut to the measured window."""

    samples: list[Sample]
    window: tuple[float, float]
    offered: int = 0  # open loop: updates offered in the window
    missed: int = 0  # open loop: offers dropped because nobody was free

    def within(self) -> list[Sample]:
        start, end = self.window
        return [s for s in self.samples if start <= s.posted < end]


async def closed_loop(people: Iterable[Person], mixer: Mixer, warmup: float, seconds: float,
                      timeout: float) -> Run:
    """Everyone sends, waits for the answer, sends again at once: the bot's sustained throughput."""
    samples: list[Sample] = []
    start = time.perf_counter() + warmup
    end = start + seconds

    async def live(person: Person) -> None:
        while time.perf_counter() < end:
            samples.append(await person.run(mixer.pick(person), timeout))

    await asyncio.gather(*(live(p) for p in people))
    return Run(samples, (start, end))


async def open_loop(people: list[Person], mixer: Mixer, rate: float, warmup: float, seconds: float,
                    timeout: float) -> Run:
    """Updates offered at a fixed rate, each by someone free, whether or not the bot keeps up."""
    samples: list[Sample] = []
    idle = deque(people)
    tasks: set[asyncio.Task[None]] = set()
    run = Run(samples, (0.0, 0.0))

    async def one(person: Person, step: Step) -> None:
        samples.append(await person.run(step, timeout))
        idle.append(person)

    t0 = time.perf_counter()
    run.window = (t0 + warmup, t0 + warmup + seconds)
    for k in range(int((warmup + seconds) * rate)):
        delay = t0 + k / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        counted = run.window[0] <= time.perf_counter() < run.window[1]
        run.offered += counted
        person = _free(idle, mixer)
        if person is None:
            run.missed += counted
            continue
        task = asyncio.create_task(one(person, mixer.pick(person)))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(tasks, timeout=timeout + 1)
    return run


def _free(idle: deque[Person], mixer: Mixer) -> Person | None:
    """Someone free whose next update is of the kind most behind (a flow goes on before another starts)."""
    if not idle:
        return None
    wanted = mixer.behind()[0]
    for i, person in enumerate(idle):
        if person.next_kind() == wanted or (person.next_kind() is None and wanted != REQUEST):
            del idle[i]
            return person
    for i, person in enumerate(idle):
        if person.next_kind() is None:
            del idle[i]
            return person
    return idle.popleft()

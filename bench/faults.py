"""Proof under faults: people file requests in a burst while Telegram misbehaves and the bot is killed.

    python -m bench.faults [--users 50 --requests 200 --db sqlite|postgresql] [--kill-at 0.4] [--seed 1]

The Bot API stand-in (``standin.server.StandinServer``) runs in this process; the REAL bot runs as a separate
OS process (``python -m bot run``) on a scratch database seeded beforehand through the desk (roster import,
registrations, office agents; one agent has blocked the bot). ``--users`` registered teachers file
``--requests`` free questions at once through `/new` and its buttons (``bench.fault_users``), while the
stand-in answers a share of all calls with 429 (``retry_after`` 1 s), 502, slowly, or not at all (the
connection dropped, before or after acting). When ``--kill-at`` of the requests are acknowledged, the bot
gets SIGKILL and is started again; it is also started again whenever it dies by itself (a fault met at
start-up), as a service manager would.
Once everyone is done and the outbox is empty, the figures come from the database and the stand-in:

  sent           requests the people set out to file (each question carries a unique token)
  acknowledged   requests whose receipt with a reference the person saw
  stored         distinct requests in the database
  duplicates     requests stored more than once
  delivered      notices to agents marked sent (and found in their chats); sent twice = at-least-once repeats
  undeliverable  notices marked undeliverable (the agent who blocked the bot)
  lost           acknowledged but not stored under that reference, or notices neither delivered nor
                 undeliverable

The exit status is 1 when anything acknowledged is lost or duplicated, or a notice is lost.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import select

from bench.fault_setup import (
    ADMIN,
    BOT_TOKEN,
    OFFICES,
    BotProcess,
    drop_database,
    scratch_database,
    seed,
)
from bench.fault_users import TOKEN, Person, Tally
from bot.settings import Settings
from desk import delivery
from desk.uow import UnitOfWork
from knowledge.loader import load
from migrations import upgrade
from models import Notification, NotificationStatus, Request
from models.db import make_engine
from standin.core import BotApiState
from standin.server import StandinServer
from standin.users import FakeUser


@dataclass
class Config:
    users: int = 50
    requests: int = 200
    db: str = "sqlite"
    kill_at: float = 0.4  # share of the requests acknowledged when the bot is killed (0: never)
    faults: bool = True
    seed: int = 1
    step_timeout: float = 15.0  # how long a person waits for an answer before trying again
    quiet_timeout: float = 180.0  # how long to wait for the outbox to empty once everyone is done
    postgres_url: str | None = None


@dataclass
class Figures:
    sent: int = 0
    acknowledged: int = 0
    stored: int = 0
    duplicates: int = 0
    delivered: int = 0
    undeliverable: int = 0
    lost: int = 0
    notices: int = 0
    delivered_twice: int = 0
    unacknowledged: int = 0
    flow_restarts: int = 0
    send_again: int = 0
    kills: int = 0
    crashes: int = 0
    redelivered_updates: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    stalls: Counter[str] = field(default_factory=Counter)
    unanswered: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.lost == 0 and self.duplicates == 0

    def report(self, config: Config) -> str:
        f = self.faults
        return "\n".join(
            [
                f"Proof under faults: {config.users} users, {config.requests} requests, {config.db}, "
                f"bot killed {self.kills}× (SIGKILL) — {self.seconds:.1f} s",
                f"  sent            {self.sent}",
                f"  acknowledged    {self.acknowledged}",
                f"  stored          {self.stored}",
                f"  duplicates      {self.duplicates}",
                f"  delivered       {self.delivered} of {self.notices} notices "
                f"({self.delivered_twice} shown twice: answer lost or in flight at the kill — at least once)",
                f"  undeliverable   {self.undeliverable}",
                f"  lost            {self.lost}",
                f"  faults met: 429 ×{f['429']}, 5xx ×{f['5xx']}, slow ×{f['delay']}, dropped ×{f['drop']}; "
                f"updates sent again after a crash: {self.redelivered_updates}; "
                f"bot died by itself {self.crashes}×",
                f"  people: {self.flow_restarts} requests started again, "
                f"«Send» pressed again {self.send_again}×, {self.unacknowledged} without a receipt",
                "  started again at: " + _listed(self.stalls),
                "  without a receipt: " + _listed(self.unanswered),
                "  OK"
                if self.ok
                else "  FAILED: something acknowledged was lost or duplicated, or a notice was lost",
            ]
        )


def _listed(counts: Counter[str]) -> str:
    return ", ".join(f"{what} ×{n}" for what, n in counts.most_common()) or "—"


def inject_faults(state: BotApiState) -> None:
    """A share of every call meets a fault; slow answers stay under PTB's 5-second read timeout."""
    state.fail_with_429("sendMessage", count=None, ratio=0.01, retry_after=1)
    state.fail_with_5xx("*", count=None, ratio=0.02, status=502)
    state.drop_connection("*", count=None, ratio=0.01)
    state.drop_connection("*", count=None, ratio=0.01, after_processing=True)
    state.delay("*", 0.4, count=None, ratio=0.05)


# ------------------------------------------------------------------------------------------ the run


async def run(config: Config) -> Figures:
    """Seed, start the stand-in and the bot, run the burst with its faults and the kill, count."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="od-faults-") as tmp:
        folder = Path(tmp)
        url, dropped = scratch_database(config.db, config.postgres_url, folder)
        try:
            upgrade(url)
            engine = make_engine(url)
            settings = Settings(_env_file=None, database_url=url, admin_telegram_ids=[ADMIN])  # type: ignore[call-arg]
            uow = UnitOfWork(engine, settings, load())
            users, agents = seed(uow, config.users, folder)
            figures = await _burst(config, uow, url, users, agents, folder)
            engine.dispose()
        finally:
            drop_database(config.postgres_url, dropped)
    figures.seconds = time.monotonic() - started
    return figures


async def _burst(
    config: Config, uow: UnitOfWork, url: str, users: list[int], agents: list[int], folder: Path
) -> Figures:
    rng = random.Random(config.seed)
    state = BotApiState(token=BOT_TOKEN, seed=config.seed)
    for telegram_id in agents:
        state.add_chat(FakeUser(telegram_id, first_name="Agent"))
    state.block(agents[-1])  # this agent blocked the bot: their notices are undeliverable
    tally = Tally()
    tokens = [f"bench-u{n % config.users}-r{n}" for n in range(config.requests)]
    async with StandinServer(state, port=0) as server:
        bot = BotProcess(server, url, folder)
        try:
            await bot.start()
            if config.faults:
                inject_faults(state)
            watcher = asyncio.create_task(bot.watch())
            people = []
            for i, telegram_id in enumerate(users):
                person = Person(
                    state,
                    FakeUser(telegram_id, first_name=f"U{i}"),
                    rng.choice(OFFICES),
                    tally,
                    config.step_timeout,
                )
                people.append(person.file_all([t for t in tokens if t.startswith(f"bench-u{i}-")]))
            killer = asyncio.create_task(_kill_when(bot, tally, config))
            await asyncio.gather(*people)
            killer.cancel()
            await _quiet(uow, state, config.quiet_timeout)
            await bot.stop()
            watcher.cancel()
        except BaseException:
            await bot.stop()
            print(bot.tail(), file=sys.stderr)
            raise
    figures = count(uow, state, tally, tokens)
    figures.kills, figures.crashes = bot.kills, bot.crashes
    return figures


async def _kill_when(bot: BotProcess, tally: Tally, config: Config) -> None:
    if config.kill_at <= 0:
        return
    while len(tally.acknowledged) < config.kill_at * config.requests:
        await asyncio.sleep(0.05)
    await bot.kill()  # the watcher starts it again


async def _quiet(uow: UnitOfWork, state: BotApiState, timeout: float) -> None:
    """Wait until Telegram holds no update for the bot and the outbox has nothing pending."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pending = (await asyncio.to_thread(delivery.counts, uow)).get(NotificationStatus.PENDING, 0)
        if not pending and not state.updates:
            return
        await asyncio.sleep(0.5)


def count(uow: UnitOfWork, state: BotApiState, tally: Tally, tokens: list[str]) -> Figures:
    """The figures, from the database and from what the stand-in shows in each chat."""
    with uow.reading() as session:
        requests = list(session.exec(select(Request)).all())
        notices = list(session.exec(select(Notification)).all())
    by_token: dict[str, list[str]] = {}
    for request in requests:
        found = TOKEN.search(str((request.details or {}).get("text", "")))
        if found:
            by_token.setdefault(found.group(0), []).append(request.reference)
    figures = Figures(sent=len(tokens), acknowledged=len(tally.acknowledged), stored=len(by_token))
    figures.duplicates = sum(len(refs) - 1 for refs in by_token.values())
    figures.lost = sum(ref not in by_token.get(token, []) for token, ref in tally.acknowledged.items())
    figures.notices = len(notices)
    for notice in notices:
        shown = sum(
            str(notice.params.get("reference")) in m.get("text", "")
            for m in state.sent_to(notice.recipient_telegram_id)
        )
        if notice.status == NotificationStatus.SENT and shown:
            figures.delivered += 1
            figures.delivered_twice += shown > 1
        elif notice.status == NotificationStatus.UNDELIVERABLE:
            figures.undeliverable += 1
        else:
            figures.lost += 1
    figures.unacknowledged = len(tally.unacknowledged)
    figures.flow_restarts, figures.send_again = tally.flow_restarts, tally.send_again
    figures.stalls, figures.unanswered = tally.stalls, tally.unanswered
    figures.faults = Counter(c.fault for c in state.calls if c.fault)
    seen: Counter[int] = Counter()
    for call in state.calls:
        if call.method == "getUpdates" and call.ok:
            seen.update(u["update_id"] for u in call.result or [])
    figures.redelivered_updates = sum(n > 1 for n in seen.values())
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.faults", description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--kill-at", type=float, default=0.4, help="share acknowledged when the bot is killed"
    )
    parser.add_argument(
        "--no-faults", action="store_true", help="no injected faults (the kill still happens)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--postgres-url", default=None, help="server for the scratch database (TEST_POSTGRES_URL)"
    )
    args = parser.parse_args(argv)
    config = Config(
        users=args.users,
        requests=args.requests,
        db=args.db,
        kill_at=args.kill_at,
        faults=not args.no_faults,
        seed=args.seed,
        postgres_url=args.postgres_url,
    )
    figures = asyncio.run(run(config))
    print(figures.report(config))
    return 0 if figures.ok else 1


if __name__ == "__main__":
    sys.exit(main())

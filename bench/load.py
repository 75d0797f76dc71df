"""Load benchmark: simulated staff talking to the real bot over real HTTP, through the Bot API stand-in.

    python -m bench.load [--db sqlite postgresql] [--users 100] [--seconds 30] [--rate 50]
                         [--staff 30000 --requests 100000] [--url URL] [--profile DIR] [--rate-limit N]

For each database a scratch one is created (a temporary SQLite file; on PostgreSQL ``od_bench_<random>``
on the server of ``--url``, default ``TEST_POSTGRES_URL`` or the local server), migrated, filled with a
directorate-sized roster and ``--requests`` requests (``bench.desk_data``), served to the real bot and
dropped afterwards. The bot runs as an operator runs it, ``python -m bot run`` in a process of its own
(so its memory and CPU figures are its own), configured through its environment to poll the stand-in,
which lives in this process with the simulated people.

Two measurements per database, after a warm-up:
  closed loop  ``--users`` people each send an update, wait for the bot's answer and send the next one at
               once: the sustained throughput (updates/s) and the latencies at that load;
  open loop    updates offered at a fixed ``--rate`` (one every 1/rate s, by whoever is free): the
               latencies at an everyday load.
The mix is counted in updates: 60 % questions, 20 % new requests (each update of a certificate request
or of a question sent to an office, through the buttons), 20 % status checks (/mine). Latency runs from
the update queued at the stand-in to the bot's reply stored there. The floor is a bare
python-telegram-bot echo bot (``bench.echo_bot``) on the same stand-in, same people, same loops.
The bot's overall rate limiter is off (``--rate-limit 30`` puts Telegram's limit back), its flood guard at
its maximum and its daily jobs off; the CPU columns show what else the machine was doing meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from bench import load_procs
from bench.desk_data import World, fill
from bench.desk_queries import postgres, sqlite
from bench.load_users import (
    MIX,
    Mixer,
    ObservedState,
    Person,
    Run,
    closed_loop,
    echo_mixer,
    open_loop,
    questions,
)
from migrations import upgrade
from standin.server import StandinServer
from standin.users import FakeUser

TARGET_SQLITE_UPDATES = 300.0
TARGET_ECHO_RATIO = 0.5
TARGET_P95_MS = 100.0
TARGET_RATE = 50.0
TARGET_RSS_MB = 250.0


@dataclass
class Figures:
    """One measured run, summed up."""

    name: str
    updates: int
    seconds: float
    latencies_ms: list[float]
    errors: dict[str, int]
    bot_cpu: float
    bench_cpu: float
    other_cpu: float
    mix: dict[str, int]
    offered: int = 0
    missed: int = 0

    @property
    def rate(self) -> float:
        return self.updates / self.seconds

    @property
    def cpu_ms_per_update(self) -> float:
        """The bot's CPU time per answered update: the figure a busy shared machine skews least."""
        return self.bot_cpu * self.seconds / max(self.updates, 1) * 1000

    def cut(self, q: int) -> float:
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else float("nan")
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[q - 1]


@dataclass
class Bot:
    """What one bot (real or echo) did on one database."""

    name: str
    closed: Figures
    open: Figures
    start_rss_mb: float
    peak_rss_mb: float
    calls_per_update: float


def summarise(name: str, run: Run, cpu: tuple[float, float, float]) -> Figures:
    samples = run.within()
    ok = [s for s in samples if s.latency is not None]
    mix: dict[str, int] = {}
    errors: dict[str, int] = {}
    for s in samples:
        mix[s.kind] = mix.get(s.kind, 0) + 1
        if s.error is not None:
            errors[s.error] = errors.get(s.error, 0) + 1
    start, end = run.window
    return Figures(name, len(ok), end - start, [s.latency * 1000 for s in ok if s.latency is not None],
                   errors, *cpu, mix, run.offered, run.missed)


async def _cpu_over(pid: int, window: tuple[float, float]) -> tuple[float, float, float]:
    """Cores used over the window by the bot, by this process (stand-in + people) and by everything else on
    the machine (other people's work on a shared machine skews every figure: it is shown, not hidden)."""
    await asyncio.sleep(max(0.0, window[0] - time.perf_counter()))
    bot0, me0, all0 = load_procs.cpu_time(pid), load_procs.cpu_time(os.getpid()), load_procs.busy_cores()
    await asyncio.sleep(max(0.0, window[1] - time.perf_counter()))
    bot1, me1, all1 = load_procs.cpu_time(pid), load_procs.cpu_time(os.getpid()), load_procs.busy_cores()
    bot, me = load_procs.cpu_share(bot0, bot1), load_procs.cpu_share(me0, me1)
    return bot, me, max(0.0, load_procs.cpu_share(all0, all1) - bot - me)


async def measure(name: str, args: argparse.Namespace, state: ObservedState, process: load_procs.BotProcess,
                  people: list[Person], mixer: Mixer) -> Bot:
    """Start the bot, run both loops against it, stop it."""
    process.start()
    try:
        await process.ready(state)
        print(f"{name}: {process.name} running, pid {process.pid}", flush=True)
        start_rss = load_procs.peak_rss_mb(process.pid)
        now = time.perf_counter()
        window = (now + args.warmup, now + args.warmup + args.seconds)
        cpu = asyncio.create_task(_cpu_over(process.pid, window))
        calls_before, sent_before = sum(state.methods.values()), sum(mixer.sent.values())
        closed_run = await closed_loop(people, mixer, args.warmup, args.seconds, args.timeout)
        calls = (sum(state.methods.values()) - calls_before) / max(1, sum(mixer.sent.values()) - sent_before)
        closed = summarise(f"{name}, closed loop ({len(people)} people)", closed_run, await cpu)
        now = time.perf_counter()
        window = (now + args.warmup, now + args.warmup + args.seconds)
        cpu = asyncio.create_task(_cpu_over(process.pid, window))
        open_run = await open_loop(people, mixer, args.rate, args.warmup, args.seconds, args.timeout)
        opened = summarise(f"{name}, open loop ({args.rate:g} updates/s offered)", open_run, await cpu)
        peak = load_procs.peak_rss_mb(process.pid)
    except BaseException:
        print(process.log_tail())
        raise
    finally:
        code = await process.stop()
        if code not in (0, None):
            print(f"  ({process.name} exited with {code})\n{process.log_tail(15)}")
        process.cleanup()
    return Bot(name, closed, opened, start_rss, peak, calls)


async def bot_on(db: str, args: argparse.Namespace, texts: list[str]) -> Bot:
    """Create, fill and serve a scratch database of kind ``db``; measure the real bot on it; drop it."""
    engine, drop = postgres(args.url) if db == "postgresql" else sqlite()
    try:
        upgrade(engine=engine)
        world = World(args.staff, args.requests)
        started = time.perf_counter()
        counts = fill(engine, world)
        print(f"{db}: {counts['requests']:,} requests, {counts['staff_members']:,} staff, "
              f"{counts['accounts']:,} accounts, {counts['agents']:,} agents, "
              f"filled in {time.perf_counter() - started:.1f} s", flush=True)
        url = engine.url.render_as_string(hide_password=False)
        engine.dispose()
        state = ObservedState(token=load_procs.TOKEN, max_calls=2000, max_messages_per_chat=40)
        for agent in world.agent_rows():  # the offices' agents have talked to the bot: notices reach them
            state.add_chat(FakeUser(agent["telegram_user_id"], "Agent"))
        rng = random.Random(3)
        staff = [10_000_000 + index for _, index in world.accounts]
        chosen = rng.sample(staff, min(args.users, len(staff)))
        people = [Person(state, telegram_id, random.Random(telegram_id), texts) for telegram_id in chosen]
        async with StandinServer(state) as server:
            profile = Path(args.profile) / f"bot-{db}.prof" if args.profile else None
            process = load_procs.real_bot(server.base_url, server.base_file_url, url, profile,
                                          args.rate_limit)
            bot = await measure(db, args, state, process, people, Mixer())
        if profile is not None:
            print_profile(profile)
        return bot
    finally:
        drop()


async def echo(args: argparse.Namespace, texts: list[str]) -> Bot:
    state = ObservedState(token=load_procs.TOKEN, max_calls=2000, max_messages_per_chat=40)
    people = [Person(state, 20_000_000 + i, random.Random(i), texts, checked=False)
              for i in range(args.users)]
    async with StandinServer(state) as server:
        return await measure("echo", args, state, load_procs.echo_bot(server.base_url), people, echo_mixer())


def print_profile(path: Path, top: int = 25) -> None:
    import pstats

    print(f"\nProfile of the bot's main thread ({path}), by own time:")
    pstats.Stats(str(path)).sort_stats("tottime").print_stats(top)


# --- report -----------------------------------------------------------------------------------------------


def report(bots: list[Bot], args: argparse.Namespace) -> bool:
    head = (f"{'run':<44}{'updates/s':>10}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>7}"
            f"{'bot CPU':>8}{'ms/upd':>7}{'bench CPU':>10}{'others':>8}")
    print("\n" + head)
    for bot in bots:
        for f in (bot.closed, bot.open):
            print(f"{f.name:<44}{f.rate:>10.1f}{f.cut(50):>8.1f}{f.cut(95):>8.1f}{f.cut(99):>8.1f}"
                  f"{sum(f.errors.values()):>7}{f.bot_cpu:>8.0%}{f.cpu_ms_per_update:>7.1f}"
                  f"{f.bench_cpu:>10.0%}{f.other_cpu:>8.0%}")
    print("(bot CPU: share of one core; ms/upd: the bot's CPU time per answered update; bench CPU: the "
          "stand-in and the simulated people; others: every other process of the machine, in cores)\n")
    for bot in bots:
        total = sum(bot.closed.mix.values()) or 1
        mix = ", ".join(f"{k} {bot.closed.mix.get(k, 0) / total:.0%}" for k in MIX if k in bot.closed.mix)
        missed = f"; open loop: {bot.open.missed} of {bot.open.offered} offers found nobody free" \
            if bot.open.missed else ""
        errors = {k: bot.closed.errors.get(k, 0) + bot.open.errors.get(k, 0)
                  for k in {**bot.closed.errors, **bot.open.errors}}
        if errors:
            print(f"{bot.name}: errors " + ", ".join(f"{n} {kind}" for kind, n in sorted(errors.items()))
                  + f" (a reply is awaited {args.timeout:g} s at most)")
        print(f"{bot.name}: peak RSS {bot.peak_rss_mb:.0f} MB (after start-up {bot.start_rss_mb:.0f} MB), "
              f"{bot.calls_per_update:.2f} Bot API calls per update; mix {mix}{missed}")
    echo_bot = next((b for b in bots if b.name == "echo"), None)
    checks: list[tuple[str, bool]] = []
    for bot in bots:
        if bot.name == "echo":
            continue
        if bot.name == "sqlite":
            checks.append((f"sqlite: {bot.closed.rate:.0f} updates/s sustained ≥ {TARGET_SQLITE_UPDATES:g}",
                           bot.closed.rate >= TARGET_SQLITE_UPDATES))
        if echo_bot is not None:
            cpu_ratio = bot.closed.cpu_ms_per_update / echo_bot.closed.cpu_ms_per_update
            print(f"{bot.name}: CPU per update {cpu_ratio:.1f}× the echo bot's")
            ratio = bot.closed.rate / echo_bot.closed.rate
            checks.append((f"{bot.name}: {ratio:.2f}× the echo bot's throughput ≥ {TARGET_ECHO_RATIO:g}×",
                           ratio >= TARGET_ECHO_RATIO))
        if args.rate == TARGET_RATE:
            p95 = bot.open.cut(95)
            checks.append((f"{bot.name}: p95 {p95:.1f} ms at {args.rate:g} updates/s ≤ {TARGET_P95_MS:g} ms",
                           p95 <= TARGET_P95_MS and not bot.open.errors and bot.open.missed == 0))
        if args.requests >= 100_000:
            checks.append((f"{bot.name}: peak RSS {bot.peak_rss_mb:.0f} MB with {args.requests:,} requests "
                           f"≤ {TARGET_RSS_MB:g} MB", bot.peak_rss_mb <= TARGET_RSS_MB))
        checks.append((f"{bot.name}: no errors", not bot.closed.errors and not bot.open.errors))
    if echo_bot is not None and echo_bot.closed.rate < TARGET_SQLITE_UPDATES:
        print(f"note: the bare echo bot itself answers {echo_bot.closed.rate:.0f} updates/s on this machine, below the "
              f"{TARGET_SQLITE_UPDATES:g} updates/s target")
    print()
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    return all(ok for _, ok in checks)


async def run(args: argparse.Namespace) -> bool:
    texts = questions()
    bots = []
    if not args.no_echo:
        bots.append(await echo(args, texts))
    for db in args.db:
        bots.append(await bot_on(db, args, texts))
    return report(bots, args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--db", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"])
    parser.add_argument("--users", type=int, default=100, help="simulated people (default 100)")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured seconds per loop (default 30)")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds before measuring (default 5)")
    parser.add_argument("--rate", type=float, default=TARGET_RATE, help="open loop: updates/s offered")
    parser.add_argument("--staff", type=int, default=30_000)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for one reply")
    parser.add_argument("--no-echo", action="store_true", help="skip the echo bot floor")
    parser.add_argument("--rate-limit", type=float, default=0.0, metavar="N",
                        help="the bot's TELEGRAM_RATE_LIMIT_PER_SECOND (default 0: off; production: 30)")
    parser.add_argument("--profile", metavar="DIR",
                        help="run the bot under cProfile (its main thread), keep bot-<db>.prof in DIR")
    parser.add_argument(
        "--url",
        default=os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    )
    args = parser.parse_args(argv)
    print(f"{args.users} people; {args.warmup:g} s warm-up then {args.seconds:g} s per loop; "
          f"{args.staff:,} staff and {args.requests:,} requests in each database", flush=True)
    return 0 if asyncio.run(run(args)) else 1


if __name__ == "__main__":
    raise SystemExit(main())

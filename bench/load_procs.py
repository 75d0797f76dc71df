"""Processes under load for ``bench.load``: the real bot (``python -m bot run``) and a bare echo bot, each
in a process of its own so that its memory and CPU are its own, and read from ``/proc`` (Linux)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.load_users import ObservedState

TOKEN = "7000000042:LOAD-BENCHMARK"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class CpuReading:
    at: float
    seconds: float  # user + system CPU time of the process so far


def cpu_time(pid: int) -> CpuReading:
    """CPU seconds used by a process (all its threads), from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return CpuReading(time.perf_counter(), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)


def cpu_share(before: CpuReading, after: CpuReading) -> float:
    """Share of one core used between two readings (1.0 = one core busy all the time)."""
    return (after.seconds - before.seconds) / max(after.at - before.at, 1e-9)


def busy_cores() -> CpuReading:
    """CPU seconds all processes of the machine have used so far (busy time of every core, /proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return CpuReading(time.perf_counter(), (sum(fields[:8]) - idle) / CLOCK_TICKS)


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class BotProcess:
    """A bot in a child process, talking to the stand-in at ``base_url``; logs kept in a temporary folder."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        self.name, self.argv = name, argv
        self.folder = tempfile.TemporaryDirectory(prefix=f"od_load_{name}_")
        self.log_path = Path(self.folder.name) / "log.txt"
        self.env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> None:
        # The child runs in its own folder: a developer's .env in the project must not reach it.
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(self.argv, cwd=self.folder.name, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT)

    async def ready(self, state: ObservedState, timeout: float = 60.0) -> None:
        """Wait until the bot polls the stand-in (it has started and initialised)."""
        deadline = time.perf_counter() + timeout
        while state.methods["getUpdates"] == 0:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.log_tail()}")
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{self.name} did not start in {timeout:.0f} s:\n{self.log_tail()}")
            await asyncio.sleep(0.05)

    async def stop(self, timeout: float = 20.0) -> int | None:
        """Ctrl-C, as a person would stop it (PTB shuts down cleanly); killed if it does not exit in time."""
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            deadline = time.perf_counter() + timeout
            while process.poll() is None and time.perf_counter() < deadline:
                await asyncio.sleep(0.05)
            if process.poll() is None:
                process.kill()
                process.wait()
        return process.returncode

    def log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def cleanup(self) -> None:
        self.folder.cleanup()


def real_bot(base_url: str, file_url: str, database_url: str, profile: Path | None = None,
             rate_limit: float = 0) -> BotProcess:
    """``python -m bot run`` configured through its environment, as an operator would run it.

    No overall rate limit unless asked (the stand-in has no flood limits; in production Telegram's own ~30
    messages per second across chats is the ceiling, which the bot's limiter keeps to), the flood guard at
    its maximum (a simulated person writes far faster than 20 messages a minute) and the daily jobs off (a
    reminder run that happened to fall inside the measurement would skew it).
    """
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": base_url,
        "TELEGRAM_FILE_BASE_URL": file_url,
        "DATABASE_URL": database_url,
        "TELEGRAM_RATE_LIMIT_PER_SECOND": str(rate_limit),
        "FLOOD_MESSAGES_PER_MINUTE": "1000",
        "REMINDERS_ENABLED": "false",
        "DIGEST_ENABLED": "false",
        "REQUESTER_REMINDERS_ENABLED": "false",
        "WEEKLY_REPORT_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
    }
    argv = [sys.executable, "-m", "bot", "run"]
    if profile is not None:
        argv = [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "bot", "run"]
    return BotProcess("bot", argv, env)


def echo_bot(base_url: str) -> BotProcess:
    """The floor: a bare python-telegram-bot echo bot (``python -m bench.echo_bot``)."""
    argv = [sys.executable, "-m", "bench.echo_bot", "--base-url", base_url, "--token", TOKEN]
    return BotProcess("echo", argv, {})

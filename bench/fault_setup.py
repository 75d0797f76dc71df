"""What ``bench.faults`` runs on: a scratch database seeded through the desk, and the real bot as an OS
process (``python -m bot run``) that is started again whenever it dies, as a service manager would."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import sys
from pathlib import Path

from sqlalchemy import URL, create_engine, text

from desk.actors import Actor
from desk.people import add_agent, register
from desk.roster import import_roster
from desk.uow import UnitOfWork
from models.db import normalize_url
from standin.server import StandinServer

BOT_TOKEN = "7000000009:FAULTS-BENCH-TOKEN"
ADMIN = 9_900_001
FIRST_USER, FIRST_AGENT = 7_100_001, 7_800_001
# Where the questions go: (service, office); each office has two agents.
OFFICES = (
    ("hr", "hr-leave"),
    ("legal", "legal-accidents"),
    ("edu", "edu-pedagogy"),
    ("exams", "exams-exams"),
)
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


# ------------------------------------------------------------------------------------------ the database


def scratch_database(db: str, postgres_url: str | None, folder: Path) -> tuple[str, str | None]:
    """A new empty database: (url, name to drop afterwards on PostgreSQL)."""
    if db == "sqlite":
        return f"sqlite:///{folder / 'faults.sqlite3'}", None
    base = _server(postgres_url)
    name = f"od_faults_{secrets.token_hex(4)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False), name


def drop_database(postgres_url: str | None, name: str | None) -> None:
    if name is None:
        return
    base = _server(postgres_url)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _server(postgres_url: str | None) -> URL:
    return normalize_url(postgres_url or os.environ.get("TEST_POSTGRES_URL") or DEFAULT_POSTGRES)


def seed(uow: UnitOfWork, people: int, folder: Path) -> tuple[list[int], list[int]]:
    """Roster (imported as an admin would), registered teachers, two agents per office: (users, agents)."""
    roster = folder / "roster.csv"
    lines = ["PPR;CIN;Nom_AR;Nom_FR;Fonction;Code Établissement;Établissement"]
    lines += [
        f"{3_000_000 + i};BK{100_000 + i};أستاذ {i};PROF {i};Enseignant;07{i % 90:03d}A;Ecole {i % 90}"
        for i in range(people)
    ]
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    operator = Actor.operator()
    import_roster(uow, operator, roster)
    users = [FIRST_USER + i for i in range(people)]
    for i, telegram_id in enumerate(users):
        register(uow, telegram_id, str(3_000_000 + i), f"BK{100_000 + i}")
    agents = []
    for k, (_service, office) in enumerate(OFFICES):
        for j in range(2):
            agents.append(FIRST_AGENT + 2 * k + j)
            add_agent(uow, operator, agents[-1], office, is_head=j == 0)
    return users, agents


# ------------------------------------------------------------------------------------------ the bot process


class BotProcess:
    """``python -m bot run`` against the stand-in, started again whenever it dies (as a service manager)."""

    def __init__(self, server: StandinServer, database_url: str, folder: Path) -> None:
        self.server, self.folder = server, folder
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
        self.env.update(
            {
                "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
                "TELEGRAM_API_BASE_URL": server.base_url,
                "TELEGRAM_FILE_BASE_URL": server.base_file_url,
                "DATABASE_URL": database_url,
                "ADMIN_TELEGRAM_IDS": str(ADMIN),
                "LOG_LEVEL": "WARNING",
                # A scripted person is faster than a real one: the per-person flood guard would stop them.
                "FLOOD_MESSAGES_PER_MINUTE": "1000",
                "REMINDERS_ENABLED": "false",
                "DIGEST_ENABLED": "false",
                "REQUESTER_REMINDERS_ENABLED": "false",
                "WEEKLY_REPORT_ENABLED": "false",
            }
        )
        self.process: asyncio.subprocess.Process | None = None
        self.log = folder / "bot.log"
        self.kills = self.crashes = 0
        self._stopping = False

    async def start(self) -> None:
        calls = len(self.server.state.calls)
        with self.log.open("ab") as log:  # cwd: the scratch folder, so no developer's .env is read
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                cwd=self.folder,
                env=self.env,
                stdout=log,
                stderr=log,
            )
        while not any(c.method == "getUpdates" for c in self.server.state.calls[calls:]):
            if self.process.returncode is not None:
                return  # died at start-up; watch() starts it again
            await asyncio.sleep(0.05)

    async def kill(self) -> None:
        assert self.process is not None
        self.kills += 1
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def watch(self) -> None:
        """Start the bot again whenever it is not running (killed on purpose, or died by itself)."""
        while not self._stopping:
            if self.process is None or self.process.returncode is not None:
                if self.process is not None and self.process.returncode != -signal.SIGKILL:
                    self.crashes += 1
                await asyncio.sleep(0.5)
                if not self._stopping:
                    await self.start()
            await asyncio.sleep(0.1)

    async def stop(self) -> None:
        self._stopping = True
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()

    def tail(self, lines: int = 30) -> str:
        return (
            "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log.exists() else ""
        )

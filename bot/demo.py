"""`python -m bot demo`: try the bot without a Telegram token.

A scratch SQLite database under ``./data/demo/`` (recreated at each start and seeded by
:mod:`bot.demo_seed`), the real bot long-polling a local stand-in of Telegram's Bot API over HTTP
(:class:`standin.StandinServer`), and a web chat on 127.0.0.1 (:mod:`bot.demo_page`) where one person plays a
teacher, a principal and an office agent side by side.

Only the standard library is imported at module level: every ``python -m bot`` command registers this one.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.demo_seed import Persona, SeedReport
    from bot.settings import Settings
    from standin.core import BotApiState

# Fake, and only ever sent to the local stand-in: the bot id part is what getMe answers.
DEMO_TOKEN = "7000000001:DEMO-local-stand-in-not-a-telegram-token"
DEFAULT_PORT = 8088
DEFAULT_DATA_DIR = Path("data/demo")
UPDATE_TYPES = ["message", "edited_message", "callback_query", "my_chat_member"]


def add_command(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``demo`` on the main parser."""
    demo = sub.add_parser("demo", help="try the bot without a token: local Telegram stand-in and a web chat")
    demo.add_argument("--host", default="127.0.0.1", help="address of the web chat (default 127.0.0.1)")
    demo.add_argument("--port", type=int, default=DEFAULT_PORT,
                      help=f"its port (default {DEFAULT_PORT}; 0: any free port)")
    demo.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR,
                      help="where the scratch database goes (default data/demo; recreated at each start)")
    demo.add_argument("--verbose", action="store_true", help="the bot's INFO logs too")
    demo.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.runner import configure_logging

    configure_logging("INFO" if args.verbose else "WARNING")
    demo = Demo(host=args.host, port=args.port, data_dir=args.data_dir)
    try:
        asyncio.run(demo.serve_forever())
    except KeyboardInterrupt:
        pass
    except OSError as exc:  # most often: the port is taken
        print(f"error: the demo could not start: {exc}. Try: python -m bot demo --port 0", flush=True)
        return 1
    return 0


def fresh_database(data_dir: Path) -> str:
    """The demo database's URL, after deleting whatever a previous run left there."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "demo.sqlite3"
    for leftover in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
        leftover.unlink(missing_ok=True)
    return f"sqlite:///{path.resolve()}"


class Demo:
    """The whole demo in one event loop: ``async with Demo(port=0) as demo: print(demo.url)``.

    Entering recreates and seeds the database, starts the stand-in, the bot (polling it over HTTP, with its
    outbox worker) and the web chat; leaving stops them in the reverse order.
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                 data_dir: Path = DEFAULT_DATA_DIR, settings: Settings | None = None) -> None:
        from standin.core import BotApiState

        self.host, self.port, self.data_dir = host, port, data_dir
        self.base_settings = settings
        self.state: BotApiState = BotApiState(
            token=DEMO_TOKEN, bot_username="oued_eddahab_demo_bot", bot_first_name="مساعد المديرية",
            max_calls=10_000,  # a demo left running for days keeps a bounded call log
        )
        self.people: list[Persona] = []
        self.seeded: SeedReport | None = None
        self._stack = contextlib.AsyncExitStack()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    async def __aenter__(self) -> Demo:
        try:
            await self._start()
        except BaseException:
            await self._stack.aclose()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._stack.aclose()

    async def _start(self) -> None:
        from aiohttp import web
        from pydantic import SecretStr

        from bot.app import build_application
        from bot.demo_page import ChatPage, user_of
        from bot.demo_seed import ADMIN_ID, personas, seed
        from bot.settings import Settings
        from desk.uow import UnitOfWork
        from knowledge.loader import load
        from migrations import upgrade
        from models.db import make_engine
        from standin.server import StandinServer

        base = self.base_settings or Settings()
        url = fresh_database(self.data_dir)
        await asyncio.to_thread(upgrade, url)
        directory = load(base.knowledge_file)
        engine = make_engine(url)
        self._stack.callback(engine.dispose)
        standin = await self._stack.enter_async_context(StandinServer(self.state, port=0))
        settings = base.model_copy(update={
            "telegram_bot_token": SecretStr(DEMO_TOKEN), "telegram_api_base_url": standin.base_url,
            "telegram_file_base_url": standin.base_file_url, "database_url": url, "webhook_url": None,
            "admin_telegram_ids": [ADMIN_ID],
            "flood_messages_per_minute": 300,  # one person clicks for three people here
        })
        self.seeded = await asyncio.to_thread(seed, UnitOfWork(engine, settings, directory))
        self.people = personas(directory)
        for person in self.people:  # as if each had opened the chat: the bot may write to them
            self.state.add_chat(user_of(person))
        app = build_application(settings, engine=engine, directory=directory)
        await app.initialize()
        self._stack.push_async_callback(app.shutdown)
        await _post_init(app)
        await app.start()
        self._stack.push_async_callback(app.stop)
        assert app.updater is not None
        # A short long-poll: stopping waits for the pending getUpdates to return.
        await app.updater.start_polling(poll_interval=0.0, timeout=1, allowed_updates=UPDATE_TYPES)
        self._stack.push_async_callback(app.updater.stop)
        runner = web.AppRunner(ChatPage(self.state, self.people).app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        self._stack.push_async_callback(runner.cleanup)
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        sockets = site._server.sockets if site._server else []  # port 0: learn the one chosen
        if sockets:
            self.port = sockets[0].getsockname()[1]

    async def serve_forever(self) -> None:
        """Start, print the address, and run until Ctrl+C or SIGTERM."""
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
                loop.add_signal_handler(sig, stop.set)
        async with self:
            print(f"Demo database: {self.data_dir / 'demo.sqlite3'} (recreated at each start)", flush=True)
            print(f"Bot: {self.state.bot['first_name']} (@{self.state.bot['username']}) on a local Telegram "
                  "stand-in; nothing leaves this machine.", flush=True)
            print(f"Open the demo chat in your browser: {self.url}", flush=True)
            print("Stop with Ctrl+C.", flush=True)
            await stop.wait()


async def _post_init(app: Any) -> None:
    """What ``run_polling`` would run before polling: command menus and the outbox delivery worker."""
    if app.post_init is not None:
        await app.post_init(app)

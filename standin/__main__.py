"""``python -m standin --port 8081``: run the Bot API stand-in until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from standin.core import BotApiState
from standin.server import StandinServer


async def _serve(args: argparse.Namespace) -> None:
    state = BotApiState(token=args.token, bot_username=args.bot_username)
    async with StandinServer(state, host=args.host, port=args.port) as server:
        print(f"Bot API stand-in ({state.spec.version}) listening on {server.url}", flush=True)
        print(f"  TELEGRAM_API_BASE_URL={server.base_url}", flush=True)
        print(f"  TELEGRAM_FILE_BASE_URL={server.base_file_url}", flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m standin", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=None, help="accept only this token (default: any)")
    parser.add_argument("--bot-username", default="standin_bot")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))


if __name__ == "__main__":
    main()

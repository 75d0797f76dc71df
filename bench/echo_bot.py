"""The floor of ``bench.load``: a bare python-telegram-bot echo bot, long polling like the real bot.

    python -m bench.echo_bot --base-url http://127.0.0.1:PORT/bot --token TOKEN

The same library, the same polling loop and one reply per update, with nothing of ours in between: no
database, no office finder, no persistence, no rate limiter.
"""

from __future__ import annotations

import argparse

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None and update.effective_message.text:
        await update.effective_message.reply_text(update.effective_message.text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.echo_bot", description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True, help="the Bot API base URL (the token is appended)")
    parser.add_argument("--token", required=True)
    args = parser.parse_args(argv)
    application = ApplicationBuilder().token(args.token).base_url(args.base_url).build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.run_polling(allowed_updates=Update.ALL_TYPES, poll_interval=0.0)


if __name__ == "__main__":
    main()

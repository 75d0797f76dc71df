"""`python -m bot run`: check the configuration, then start the bot."""

from __future__ import annotations

import logging
import sys

from bot.settings import Settings

NO_TOKEN = """\
The bot has no Telegram token yet, so it cannot start.
To get one: open Telegram, start a chat with @BotFather, send /newbot, choose a name and a username ending in
"bot", and BotFather answers with a token that looks like 123456789:AAH…. Put it in the file .env at the root of
this project, on a line of its own: TELEGRAM_BOT_TOKEN=123456789:AAH… (copy .env.example to .env first; never
share or commit this file), then start the bot again. To try the bot without a token, run: python3 tasks.py demo"""


def configure_logging(level: str, token: str | None = None) -> None:
    """Logs on stderr. httpx logs every request URL at INFO, and Telegram URLs carry the bot token: keep it
    (and PTB's own request tracing) at WARNING whatever the level asked for. Personal data (law 09-08) is
    redacted from every record at INFO and above, the token at every level (bot/logging_filters.py)."""
    from bot.logging_filters import install

    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("httpx", "httpcore", "telegram.request", "apscheduler.executors.default"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    install(token)


def run(settings: Settings | None = None) -> int:
    settings = settings or Settings()
    if settings.telegram_bot_token is None or not settings.telegram_bot_token.get_secret_value().strip():
        print(NO_TOKEN, file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.telegram_bot_token.get_secret_value())
    from bot.app import run_application

    return run_application(settings)

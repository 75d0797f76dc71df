"""Personal data out of the logs (Morocco's law 09-08): a filter on the log handlers that redacts, from every
record at INFO and above, the bot token, CIN-like and PPR-like tokens, and message text (the `text`,
`caption`, names … fields of updates and requests, and any Arabic-script words: the bot's own log lines are
in English, so Arabic in a log line came from a person). The token is redacted at every level.

Installed on the root logger's handlers by `bot.runner.configure_logging`, so it sees every logger's records.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
TOKEN = re.compile(r"\b\d{6,12}:[A-Za-z0-9_-]{30,}\b")  # what @BotFather gives: 123456789:AAH…
CIN = re.compile(r"(?<![\w-])[A-Za-z]{1,2}[0-9]{3,6}(?![\w-])")  # one or two letters, then digits: AB123456
PPR = re.compile(r"(?<![\w.:/-])[0-9]{5,10}(?![\w.:/-])")  # a PPR; Telegram ids and phone numbers go with it
# The value of a field that holds what people wrote or who they are, in a dict or JSON (`'text': '…'`)
# or an object's repr (`text='…'`).
_FIELDS = (
    r"text|caption|first_name|last_name|username|full_name(?:_ar|_fr)?|claimed_name|phone(?:_number)?|"
    r"file_name|note|reason|details|data|cin|ppr|claimed_ppr|claimed_cin|query"
)
FIELD = re.compile(
    rf"""(?P<key>['"]?\b(?:{_FIELDS})['"]?\s*[:=]\s*)(?P<q>['"])(?P<value>(?:\\.|(?!(?P=q)).)*)(?P=q)""",
    re.DOTALL,
)
_LETTERS = r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]+"
# Arabic words, and the spaces and direction marks between them
ARABIC = re.compile(rf"{_LETTERS}(?:[\s\u200c-\u200f\u2066-\u2069]+{_LETTERS})*")


def redact(text: str, token: str | None = None) -> str:
    """The text without the token, message texts and names, CIN-like and PPR-like tokens."""
    text = redact_token(text, token)
    text = FIELD.sub(lambda m: f"{m['key']}{m['q']}{REDACTED}{m['q']}", text)
    text = ARABIC.sub(REDACTED, text)
    text = CIN.sub(REDACTED, text)
    return PPR.sub(REDACTED, text)


def redact_token(text: str, token: str | None = None) -> str:
    if token:
        text = text.replace(token, REDACTED)
    return TOKEN.sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    """Rewrites records in place (message, arguments, exception text); never drops one."""

    def __init__(self, token: str | None = None, level: int = logging.INFO) -> None:
        super().__init__()
        self.token = token or None
        self.level = level
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        clean = redact if record.levelno >= self.level else redact_token
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what can be kept
            message = f"{record.msg} {record.args}"
        record.msg, record.args = clean(message, self.token), None
        if record.exc_info and record.exc_info[0] is not None:
            # The formatter uses exc_text when it is set: the traceback's messages are redacted too.
            record.exc_text = clean(self._formatter.formatException(record.exc_info), self.token)
        elif record.exc_text:
            record.exc_text = clean(record.exc_text, self.token)
        if record.stack_info:
            record.stack_info = clean(record.stack_info, self.token)
        return True


def install(token: str | None = None, logger: logging.Logger | None = None) -> RedactingFilter:
    """Put one redacting filter on every handler of ``logger`` (default: the root logger); idempotent."""
    logger = logger or logging.getLogger()
    installed = RedactingFilter(token)
    for handler in logger.handlers:
        for old in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
            handler.removeFilter(old)
        handler.addFilter(installed)
    return installed

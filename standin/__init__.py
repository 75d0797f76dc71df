"""A stand-in for Telegram's Bot API server, for testing and demonstrating the bot without Telegram.

* :class:`BotApiState` — the server's state and its answers, recorded calls, user traffic, faults;
* :class:`StandinRequest` — in-process transport for ``ApplicationBuilder().request(...)``;
* :class:`StandinServer` — the same over real HTTP (aiohttp), also ``python -m standin --port 8081``;
* :func:`validate_call` — a call checked against the official method list (Bot API 10.1) and limits.
"""

from standin.core import BotApiState, Call, StoredFile
from standin.faults import ApiError, ConnectionDropped, Fault
from standin.spec import UploadedFile, load_spec, validate_call
from standin.users import FakeUser, make_png

__all__ = [
    "ApiError",
    "BotApiState",
    "Call",
    "ConnectionDropped",
    "FakeUser",
    "Fault",
    "StandinRequest",
    "StandinServer",
    "StoredFile",
    "UploadedFile",
    "feed",
    "load_spec",
    "make_png",
    "validate_call",
]


def __getattr__(name: str):  # transport and server import PTB / aiohttp only when asked for
    if name in ("StandinRequest", "feed"):
        from standin import transport

        return getattr(transport, name)
    if name == "StandinServer":
        from standin.server import StandinServer

        return StandinServer
    raise AttributeError(name)

"""The bot's HTTP client for the Bot API: python-telegram-bot's ``BaseRequest`` on aiohttp.

Why: PTB's default backend (httpx → httpcore → anyio → h11) costs about 1.6 ms of CPU per Bot API call on
the client side, aiohttp about 0.35 ms (measured here, the same POST against a local aiohttp server). The
bot makes about 1.4 calls per update plus its getUpdates polls, so the client was a large share of the
bot's CPU per update. aiohttp is already a dependency (the stand-in, the demo page, the webhook server).

Behaviour matches PTB's ``HTTPXRequest`` so that PTB's error handling, its retries and the outbox's backoff
see the same things:
  * parameters as in httpx's form (``RequestData.json_parameters``), but sent as a JSON object, which the Bot
    API takes for every call but uploads: percent-encoding Arabic text byte by byte cost about 5% of the
    bot's CPU under load. Calls that upload files are ``multipart/form-data`` laid out like httpx's;
  * the same defaults: 256 connections (1 for getUpdates), 5 s read, write and connect timeouts, 1 s to
    wait for a free connection, 20 s write timeout for uploads; a timeout given to a call replaces the
    default, ``None`` means no limit;
  * timeouts raise ``telegram.error.TimedOut`` (a full pool with PTB's own message), every other client
    error ``telegram.error.NetworkError``; HTTP error statuses are returned and left to PTB;
  * no redirects followed, no cookies kept, the proxy from ``proxy=`` or else from HTTP(S)_PROXY,
    ALL_PROXY and NO_PROXY, read when the session is opened (http:// and https:// proxies only);
  * usable before ``initialize()`` (the session opens on the first call), refused after ``shutdown()``
    until initialized again.
Read and connect timeouts are aiohttp's ``sock_read`` (between two reads, from the end of the upload) and
``connect`` (name resolution, TCP, TLS and the proxy); aiohttp has no write timeout, so uploads are written
here in 64 KiB slices, each given the write timeout, as httpx does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from mimetypes import guess_type
from os import urandom
from typing import IO, Any
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)

DefaultValue = type(BaseRequest.DEFAULT_NONE)  # "not given": PTB's defaults are instances of this class
Timeout = Any  # seconds (float), None for no limit, or BaseRequest.DEFAULT_NONE: the default

POOL_TIMEOUT_MESSAGE = (  # PTB's own wording (HTTPXRequest), so that logs read the same
    "Pool timeout: All connections in the connection pool are occupied. "
    "Request was *not* sent to Telegram. Consider adjusting the connection "
    "pool size or the pool timeout."
)
JSON = "application/json"  # the Bot API takes JSON for every call but uploads
CHUNK = 64 * 1024  # httpx writes uploads in slices of this size, each with the write timeout
_PROXY_SCHEMES = ("http", "https")
_TOKEN_IN_PATH = re.compile(r"/bot[^/\s'\"]+")  # /bot<token>/method, /file/bot<token>/path


class AiohttpRequest(BaseRequest):
    """``telegram.request.BaseRequest`` on an ``aiohttp.ClientSession``; the arguments are HTTPXRequest's.

    Args:
        connection_pool_size: most connections open at once; a call waits ``pool_timeout`` for one.
        read_timeout, write_timeout, connect_timeout, pool_timeout: seconds (``None``: no limit).
        proxy: ``http://`` or ``https://`` proxy URL (credentials may be in it); by default the
            environment's, like httpx.
        media_write_timeout: the write timeout of calls that upload files.
    """

    __slots__ = (
        "_connect_timeout", "_env_proxies", "_media_write_timeout", "_pool", "_pool_size", "_pool_timeout",
        "_proxy", "_proxy_by_origin", "_read_timeout", "_session", "_shut_down", "_timeouts",
        "_write_timeout",
    )

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        proxy: str | None = None,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        if proxy is not None and urlsplit(str(proxy)).scheme.lower() not in _PROXY_SCHEMES:
            raise ValueError("Only http:// and https:// proxies are supported")
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._proxy = str(proxy) if proxy is not None else None
        self._session: aiohttp.ClientSession | None = None
        self._shut_down = False
        self._pool = asyncio.Semaphore(connection_pool_size)
        self._timeouts: dict[tuple[float | None, float | None], aiohttp.ClientTimeout] = {}
        self._env_proxies: dict[str, str] = {}
        self._proxy_by_origin: dict[str, str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (getUpdates adds its long-poll timeout to it)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (inside the running event loop); nothing to do when it is open."""
        if self._session is not None and not self._session.closed:
            return
        self._pool = asyncio.Semaphore(self._pool_size)
        self._env_proxies = {} if self._proxy is not None else _environment_proxies()
        self._proxy_by_origin = {}
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=0),
            timeout=self._timeout(self._read_timeout, self._connect_timeout),
            headers={"User-Agent": self.USER_AGENT},
            cookie_jar=aiohttp.DummyCookieJar(),
        )
        self._shut_down = False

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        session, self._session = self._session, None
        self._shut_down = True
        if session is None or session.closed:
            log.debug("This AiohttpRequest is already shut down. Returning.")
            return
        await session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Timeout = BaseRequest.DEFAULT_NONE,
        write_timeout: Timeout = BaseRequest.DEFAULT_NONE,
        connect_timeout: Timeout = BaseRequest.DEFAULT_NONE,
        pool_timeout: Timeout = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """See ``BaseRequest.do_request``: the status code and the body of the answer."""
        session = self._session
        if session is None or session.closed:
            if self._shut_down:
                raise RuntimeError("This AiohttpRequest is not initialized!")
            await self.initialize()
            session = self._session
            assert session is not None

        if isinstance(read_timeout, DefaultValue):
            read_timeout = self._read_timeout
        if isinstance(connect_timeout, DefaultValue):
            connect_timeout = self._connect_timeout
        if isinstance(pool_timeout, DefaultValue):
            pool_timeout = self._pool_timeout
        files = request_data is not None and request_data.contains_files
        if isinstance(write_timeout, DefaultValue):
            write_timeout = self._media_write_timeout if files else self._write_timeout

        body: aiohttp.Payload | None = None
        if request_data is not None:
            if files:
                body = MultipartBody(request_data, write_timeout)
            else:
                parameters = request_data.json_parameters
                if parameters:  # a JSON object, not a form: percent-encoding Arabic text costs far more CPU
                    body = aiohttp.BytesPayload(
                        json.dumps(parameters, ensure_ascii=False).encode(), content_type=JSON
                    )

        pool = self._pool
        if pool.locked():  # every connection busy: wait for one, at most pool_timeout
            try:
                async with asyncio.timeout(pool_timeout):
                    await pool.acquire()
            except TimeoutError as err:
                raise TimedOut(message=POOL_TIMEOUT_MESSAGE) from err
        else:
            await pool.acquire()
        try:
            async with session.request(
                method,
                url,
                data=body,
                timeout=self._timeout(read_timeout, connect_timeout),
                proxy=self._proxy if self._proxy is not None else self._proxy_for(url),
                allow_redirects=False,
            ) as response:
                return response.status, await response.read()
        except TimeoutError as err:  # connect and read timeouts of aiohttp, the upload's write timeout
            raise TimedOut from err
        except aiohttp.ClientError as err:
            # The class name helps when the message is empty; a URL in the message loses its token.
            message = _TOKEN_IN_PATH.sub("/bot<token>", str(err))
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {message}") from err
        finally:
            pool.release()

    def _timeout(self, read: float | None, connect: float | None) -> aiohttp.ClientTimeout:
        try:
            return self._timeouts[read, connect]
        except KeyError:
            timeout = aiohttp.ClientTimeout(total=None, connect=connect, sock_read=read)
            if len(self._timeouts) < 64:  # getUpdates asks for a handful of values at most
                self._timeouts[read, connect] = timeout
            return timeout

    def _proxy_for(self, url: str) -> str | None:
        """The environment's proxy for the URL's scheme and host, decided once per origin."""
        if not self._env_proxies:
            return None
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        try:
            return self._proxy_by_origin[origin]
        except KeyError:
            proxy = None
            if not proxy_bypass(parts.hostname or ""):
                proxy = self._env_proxies.get(parts.scheme.lower()) or self._env_proxies.get("all")
            self._proxy_by_origin[origin] = proxy
            return proxy


def _environment_proxies() -> dict[str, str]:
    """HTTP_PROXY, HTTPS_PROXY and ALL_PROXY (lower or upper case), as httpx reads them."""
    found = {}
    for scheme, url in getproxies().items():
        if scheme not in ("http", "https", "all"):
            continue
        if urlsplit(url).scheme.lower() not in _PROXY_SCHEMES:
            log.warning("Ignoring the %s proxy of the environment: only http:// and https:// are supported",
                        scheme)
            continue
        found[scheme] = url
    return found


class MultipartBody(aiohttp.Payload):
    """``multipart/form-data`` as httpx lays it out (the parameters, then the files), written in slices
    that must each be accepted by the socket within the write timeout."""

    def __init__(self, request_data: RequestData, write_timeout: float | None) -> None:
        boundary = urandom(16).hex()
        chunks: list[bytes] = []
        for name, value in request_data.json_parameters.items():
            head = f"--{boundary}\r\nContent-Disposition: form-data; {_form_param('name', name)}\r\n\r\n"
            chunks += (head.encode(), value.encode(), b"\r\n")
        for name, field in request_data.multipart_data.items():
            filename, content, mime_type = field
            head = f"--{boundary}\r\nContent-Disposition: form-data; {_form_param('name', name)}"
            if filename:
                head += f"; {_form_param('filename', filename)}"
                mime_type = mime_type or guess_type(filename)[0] or "application/octet-stream"
            if mime_type:
                head += f"\r\nContent-Type: {mime_type}"
            chunks += (f"{head}\r\n\r\n".encode(), _read(content), b"\r\n")
        chunks.append(f"--{boundary}--\r\n".encode())
        data = b"".join(chunks)
        super().__init__(data, content_type=f"multipart/form-data; boundary={boundary}")
        self._autoclose = True  # bytes in memory: nothing to close
        self._size = len(data)
        self._write_timeout = write_timeout

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        return self._value.decode(encoding, errors)

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        return self._value

    async def write(self, writer: Any) -> None:
        await self.write_with_length(writer, None)

    async def write_with_length(self, writer: Any, content_length: int | None) -> None:
        data = memoryview(self._value)
        if content_length is not None:
            data = data[:content_length]
        for start in range(0, len(data), CHUNK):
            async with asyncio.timeout(self._write_timeout):
                await writer.write(data[start : start + CHUNK])


_FORM_ESCAPES = {'"': "%22", "\\": "\\\\", **{chr(c): f"%{c:02X}" for c in range(0x20) if c != 0x1B}}
_FORM_ESCAPE = re.compile("|".join(re.escape(c) for c in _FORM_ESCAPES))


def _form_param(name: str, value: str) -> str:
    """``name="value"`` with the HTML5 escapes httpx applies (quotes, backslashes, control characters)."""
    return f'{name}="{_FORM_ESCAPE.sub(lambda m: _FORM_ESCAPES[m.group(0)], value)}"'


def _read(content: bytes | IO[bytes]) -> bytes:
    """A file's bytes: PTB gives bytes, or since 21.5 possibly an open file (read from its start)."""
    if isinstance(content, bytes):
        return content
    if hasattr(content, "seek"):
        with contextlib.suppress(OSError):  # io.UnsupportedOperation: a pipe, a socket
            content.seek(0)
            pass
    return content.read()

"""Fault injection: make chosen calls answer 429, 5xx, late, or not at all."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Literal

FaultKind = Literal["429", "5xx", "delay", "drop"]

_PHRASES = {
    500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
}


class ConnectionDropped(Exception):
    """The stand-in closes the connection without answering (the HTTP server closes the socket)."""


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": status, "description": ...}``."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass
class Fault:
    """One switchable fault. ``count`` calls at most (None: no limit), each with probability ``ratio``."""

    kind: FaultKind
    method: str = "*"
    count: int | None = 1
    ratio: float | None = None
    retry_after: int = 1
    status: int = 502
    seconds: float = 0.0
    after_processing: bool = False
    hits: int = field(default=0)

    def matches(self, method: str) -> bool:
        return self.method == "*" or self.method.lower() == method.lower()

    @property
    def exhausted(self) -> bool:
        return self.count is not None and self.hits >= self.count

    def error(self) -> ApiError:
        if self.kind == "429":
            return ApiError(
                429, f"Too Many Requests: retry after {self.retry_after}", {"retry_after": self.retry_after}
            )
        return ApiError(self.status, _PHRASES.get(self.status, "Bad Gateway"))


class FaultPlan:
    """The active faults, consulted in the order they were added."""

    def __init__(self, seed: int = 0):
        self.faults: list[Fault] = []
        self.random = random.Random(seed)

    def add(self, fault: Fault) -> Fault:
        self.faults.append(fault)
        return fault

    def clear(self) -> None:
        self.faults.clear()

    def take(self, method: str) -> tuple[float, Fault | None]:
        """Seconds of delay to apply, and the terminal fault (429/5xx/drop) this call meets, if any."""
        delay, terminal = 0.0, None
        for fault in list(self.faults):
            if not fault.matches(method) or fault.exhausted:
                continue
            if fault.kind != "delay" and terminal is not None:
                continue
            if fault.ratio is not None and self.random.random() >= fault.ratio:
                continue
            fault.hits += 1
            if fault.kind == "delay":
                delay += fault.seconds
            else:
                terminal = fault
        self.faults = [f for f in self.faults if not f.exhausted]
        return delay, terminal


class FaultsMixin:
    """Switch faults on and off at runtime; mixed into :class:`standin.core.BotApiState`."""

    faults: FaultPlan

    def fail_with_429(
        self, method: str = "*", *, count: int | None = 1, ratio: float | None = None, retry_after: int = 1
    ) -> Fault:
        """The next ``count`` calls of ``method`` ("*": any) answer 429 with ``parameters.retry_after``."""
        return self.faults.add(Fault("429", method, count, ratio, retry_after=retry_after))

    def fail_with_5xx(
        self, method: str = "*", *, count: int | None = 1, ratio: float | None = None, status: int = 502
    ) -> Fault:
        """The next ``count`` calls answer ``status`` (502 Bad Gateway by default)."""
        return self.faults.add(Fault("5xx", method, count, ratio, status=status))

    def delay(
        self, method: str = "*", seconds: float = 0.5, *, count: int | None = None, ratio: float | None = None
    ) -> Fault:
        """Calls wait ``seconds`` before being answered (every call, unless ``count``/``ratio`` limit it)."""
        return self.faults.add(Fault("delay", method, count, ratio, seconds=seconds))

    def drop_connection(
        self, method: str = "*", *, count: int | None = 1, ratio: float | None = None,
        after_processing: bool = False,
    ) -> Fault:
        """The connection closes without an answer; with ``after_processing`` the call takes effect first."""
        return self.faults.add(Fault("drop", method, count, ratio, after_processing=after_processing))

    def clear_faults(self) -> None:
        self.faults.clear()

"""Personal data: what the bot holds about a person, and erasure on request."""

from __future__ import annotations

from typing import Any


def handlers() -> list[Any]:
    return []

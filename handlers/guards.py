"""Guards that see every update first (flood limit …)."""

from __future__ import annotations

from typing import Any


def handlers() -> list[Any]:
    return []

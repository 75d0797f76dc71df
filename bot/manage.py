"""Administration commands: database, roster, agents (`python -m bot db|roster|agents …`)."""

from __future__ import annotations

import argparse


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the administration subcommands on the main parser."""

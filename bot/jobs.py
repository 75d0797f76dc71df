"""Scheduled jobs (reminders, digests, reports), re-created from settings at every start."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application


def schedule(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Register every scheduled job that the settings switch on."""

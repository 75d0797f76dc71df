"""Settings, read once from the environment and `.env` (see `.env.example` for every one of them)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///data/assistant.sqlite3"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    # Telegram
    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str | None = None
    telegram_file_base_url: str | None = None
    admin_telegram_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"
    port: int = Field(default=8443, ge=1, le=65535)
    # Requests per second to chats, across all chats (Telegram allows about 30); 0 turns the limiter off
    # (a local stand-in, the load benchmark).
    telegram_rate_limit_per_second: float = Field(default=30, ge=0)
    # Updates handled at the same time, from different people (one person's updates stay in order); 1 = one
    # at a time.
    concurrent_updates: int = Field(default=16, ge=1, le=256)

    # Storage and knowledge
    database_url: str = DEFAULT_DATABASE_URL
    knowledge_file: Path | None = None

    # People and language
    default_language: Literal["ar", "fr"] = "ar"
    timezone: str = "Africa/Casablanca"
    reference_prefix: str = Field(default="OD", pattern=r"^[A-Z]{1,6}$")

    # Requests: targets in working days, by request type
    target_days_leave_followup: int = Field(default=5, ge=1, le=120)
    target_days_certificate: int = Field(default=3, ge=1, le=120)
    target_days_accident_followup: int = Field(default=10, ge=1, le=120)
    target_days_complaint: int = Field(default=30, ge=1, le=120)
    target_days_document_handin: int = Field(default=5, ge=1, le=120)
    target_days_question: int = Field(default=5, ge=1, le=120)
    reopen_window_days: int = Field(default=15, ge=0, le=365)
    # Moon-sighted holidays are estimates: add the announced dates, remove the estimated ones that moved.
    holidays_extra: Annotated[list[dt.date], NoDecode] = Field(default_factory=list)
    holidays_removed: Annotated[list[dt.date], NoDecode] = Field(default_factory=list)

    # Scheduled jobs (times in TIMEZONE; each can be switched off)
    reminders_enabled: bool = True
    reminder_time: dt.time = dt.time(9, 0)
    escalate_after_days: int = Field(default=2, ge=1, le=60)  # further working days overdue before the head hears
    digest_enabled: bool = True
    digest_time: dt.time = dt.time(8, 30)
    requester_reminders_enabled: bool = True
    requester_reminder_after_days: int = Field(default=3, ge=1, le=60)  # working days awaiting documents
    weekly_report_enabled: bool = True
    weekly_report_day: int = Field(default=1, ge=1, le=7)  # ISO weekday, 1 = Monday
    weekly_report_time: dt.time = dt.time(8, 0)

    # Abuse limits
    flood_messages_per_minute: int = Field(default=20, ge=1, le=1000)
    max_attachment_mb: int = Field(default=20, ge=1, le=50)

    # Office finder
    finder_min_confidence: float = Field(default=0.3, ge=0, le=1)

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("admin_telegram_ids", "holidays_extra", "holidays_removed", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    def target_days(self, request_type: str) -> int:
        """Working days allowed for a request type; unknown types get the free-question target."""
        return int(getattr(self, f"target_days_{request_type}", self.target_days_question))

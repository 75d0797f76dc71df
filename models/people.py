"""People: the staff roster, Telegram accounts linked to it, and office agents."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, Column, ForeignKey, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from models import base as _base  # noqa: F401  (naming convention before any table)
from models.types import UTCDateTime, utcnow


class StaffRole(StrEnum):
    TEACHER = "teacher"
    PRINCIPAL = "principal"
    ADMINISTRATIVE = "administrative"


class RegistrationStatus(StrEnum):
    LINKED = "linked"
    PENDING = "pending"
    REFUSED = "refused"


class StaffMember(SQLModel, table=True):
    """One person of the staff roster, identified by their PPR (رقم التأجير)."""

    __tablename__ = "staff_members"

    id: int | None = Field(default=None, primary_key=True)
    ppr: str = Field(sa_type=String(10), unique=True)
    cin: str = Field(sa_type=String(8), index=True)
    full_name_ar: str = Field(sa_type=String(200))
    full_name_fr: str = Field(sa_type=String(200))
    role: str = Field(sa_type=String(20))
    school_code: str = Field(sa_type=String(32), index=True)
    school_name: str = Field(sa_type=String(200))
    phone: str | None = Field(default=None, sa_type=String(20))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Account(SQLModel, table=True):
    """A Telegram user of the bot; linked to a roster entry once registered."""

    __tablename__ = "accounts"

    id: int | None = Field(default=None, primary_key=True)
    telegram_user_id: int = Field(sa_type=BigInteger, unique=True)
    language: str = Field(default="ar", sa_type=String(2))
    # One account per staff member: several NULLs are allowed by UNIQUE on both databases.
    staff_member_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("staff_members.id", ondelete="RESTRICT"), unique=True, nullable=True
        ),
    )
    registration_status: str = Field(sa_type=String(10), index=True)
    claimed_ppr: str | None = Field(default=None, sa_type=String(10))
    claimed_cin: str | None = Field(default=None, sa_type=String(8))
    claimed_name: str | None = Field(default=None, sa_type=String(200))
    decided_by: int | None = Field(default=None, sa_type=BigInteger)
    decided_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    reason: str | None = Field(default=None, sa_type=String(500))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Agent(SQLModel, table=True):
    """A Telegram user serving one office (one row per office served); a head also reassigns."""

    __tablename__ = "agents"
    __table_args__ = (UniqueConstraint("telegram_user_id", "office_id"),)

    id: int | None = Field(default=None, primary_key=True)
    telegram_user_id: int = Field(sa_type=BigInteger)
    office_id: str = Field(sa_type=String(40), index=True)
    is_head: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, default=False))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

"""SQLModel tables, engine and session setup, and the named queries the bot needs."""

from models.base import metadata
from models.bot_state import BotState
from models.outbox import Notification, NotificationStatus
from models.people import Account, Agent, RegistrationStatus, StaffMember, StaffRole
from models.requests import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Attachment,
    EventKind,
    ReferenceCounter,
    Request,
    RequestEvent,
    RequestMessage,
    RequestStatus,
    Side,
)

__all__ = [
    "CLOSED_STATUSES",
    "OPEN_STATUSES",
    "Account",
    "Agent",
    "Attachment",
    "BotState",
    "EventKind",
    "Notification",
    "NotificationStatus",
    "ReferenceCounter",
    "RegistrationStatus",
    "Request",
    "RequestEvent",
    "RequestMessage",
    "RequestStatus",
    "Side",
    "StaffMember",
    "StaffRole",
    "metadata",
]

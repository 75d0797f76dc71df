"""Initial schema: staff roster, accounts, agents, requests with their thread, files, event log,
reference counters and the notification outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

Written from Alembic's autogenerate output, reviewed by hand: UTC timestamps are plain
``DateTime(timezone=True)`` here (``models.types.UTCDateTime`` only converts values in Python);
constraint and index names follow ``models.base.NAMING_CONVENTION``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create every table."""
    op.create_table(
        "agents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("office_id", sa.String(length=40), nullable=False),
        sa.Column("is_head", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agents")),
        sa.UniqueConstraint(
            "telegram_user_id", "office_id", name=op.f("uq_agents_telegram_user_id_office_id")
        ),
    )
    op.create_index(op.f("ix_agents_office_id"), "agents", ["office_id"], unique=False)

    op.create_table(
        "reference_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_reference_counters")),
    )
    op.create_table(
        "staff_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ppr", sa.String(length=10), nullable=False),
        sa.Column("cin", sa.String(length=8), nullable=False),
        sa.Column("full_name_ar", sa.String(length=200), nullable=False),
        sa.Column("full_name_fr", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("school_code", sa.String(length=32), nullable=False),
        sa.Column("school_name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_members")),
        sa.UniqueConstraint("ppr", name=op.f("uq_staff_members_ppr")),
    )
    op.create_index(op.f("ix_staff_members_cin"), "staff_members", ["cin"], unique=False)
    op.create_index(op.f("ix_staff_members_school_code"), "staff_members", ["school_code"], unique=False)

    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("staff_member_id", sa.Integer(), nullable=True),
        sa.Column("registration_status", sa.String(length=10), nullable=False),
        sa.Column("claimed_ppr", sa.String(length=10), nullable=True),
        sa.Column("claimed_cin", sa.String(length=8), nullable=True),
        sa.Column("claimed_name", sa.String(length=200), nullable=True),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_member_id"],
            ["staff_members.id"],
            name=op.f("fk_accounts_staff_member_id_staff_members"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("staff_member_id", name=op.f("uq_accounts_staff_member_id")),
        sa.UniqueConstraint("telegram_user_id", name=op.f("uq_accounts_telegram_user_id")),
    )
    op.create_index(
        op.f("ix_accounts_registration_status"), "accounts", ["registration_status"], unique=False
    )

    op.create_table(
        "requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=24), nullable=False),
        sa.Column("request_type", sa.String(length=40), nullable=False),
        sa.Column("office_id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requester_account_id", sa.Integer(), nullable=False),
        sa.Column("on_behalf_of_staff_id", sa.Integer(), nullable=True),
        sa.Column("behalf_school_code", sa.String(length=32), nullable=True),
        sa.Column("assignee_telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("source_key", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["on_behalf_of_staff_id"],
            ["staff_members.id"],
            name=op.f("fk_requests_on_behalf_of_staff_id_staff_members"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["requester_account_id"],
            ["accounts.id"],
            name=op.f("fk_requests_requester_account_id_accounts"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requests")),
        sa.UniqueConstraint("reference", name=op.f("uq_requests_reference")),
        sa.UniqueConstraint("source_key", name=op.f("uq_requests_source_key")),
    )
    op.create_index(
        "ix_requests_behalf_school_code_created_at",
        "requests",
        ["behalf_school_code", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_requests_office_id_status_created_at",
        "requests",
        ["office_id", "status", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_requests_requester_account_id_created_at",
        "requests",
        ["requester_account_id", "created_at"],
        unique=False,
    )

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=15), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("dedup_key", sa.String(length=160), nullable=False),
        sa.Column("delivered_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("delivered_message_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_notifications_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_notifications_dedup_key")),
    )
    op.create_index(
        "ix_notifications_delivered_chat_id_delivered_message_id",
        "notifications",
        ["delivered_chat_id", "delivered_message_id"],
        unique=False,
    )
    op.create_index(op.f("ix_notifications_request_id"), "notifications", ["request_id"], unique=False)
    op.create_index(
        "ix_notifications_status_next_attempt_at",
        "notifications",
        ["status", "next_attempt_at"],
        unique=False,
    )

    op.create_table(
        "request_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("actor_telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("actor_side", sa.String(length=10), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=True),
        sa.Column("from_office_id", sa.String(length=40), nullable=True),
        sa.Column("to_office_id", sa.String(length=40), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("assignee_telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_request_events_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_events")),
    )
    op.create_index("ix_request_events_request_id_id", "request_events", ["request_id", "id"], unique=False)

    op.create_table(
        "request_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("author_side", sa.String(length=10), nullable=False),
        sa.Column("author_account_id", sa.Integer(), nullable=True),
        sa.Column("author_telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("telegram_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("telegram_message_id", sa.BigInteger(), nullable=True),
        sa.Column("source_key", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_account_id"],
            ["accounts.id"],
            name=op.f("fk_request_messages_author_account_id_accounts"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_request_messages_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_messages")),
        sa.UniqueConstraint("source_key", name=op.f("uq_request_messages_source_key")),
    )
    op.create_index(
        "ix_request_messages_request_id_id", "request_messages", ["request_id", "id"], unique=False
    )
    op.create_index(
        "ix_request_messages_telegram_chat_id_telegram_message_id",
        "request_messages",
        ["telegram_chat_id", "telegram_message_id"],
        unique=False,
    )

    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("file_id", sa.String(length=255), nullable=False),
        sa.Column("file_unique_id", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("mime_type", sa.String(length=100), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("added_by_telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["request_messages.id"],
            name=op.f("fk_attachments_message_id_request_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_attachments_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
        sa.UniqueConstraint(
            "request_id", "file_unique_id", name=op.f("uq_attachments_request_id_file_unique_id")
        ),
    )


def downgrade() -> None:
    """Drop every table."""

    op.drop_table("attachments")
    op.drop_index("ix_request_messages_telegram_chat_id_telegram_message_id", table_name="request_messages")
    op.drop_index("ix_request_messages_request_id_id", table_name="request_messages")

    op.drop_table("request_messages")
    op.drop_index("ix_request_events_request_id_id", table_name="request_events")

    op.drop_table("request_events")
    op.drop_index("ix_notifications_status_next_attempt_at", table_name="notifications")
    op.drop_index(op.f("ix_notifications_request_id"), table_name="notifications")
    op.drop_index("ix_notifications_delivered_chat_id_delivered_message_id", table_name="notifications")

    op.drop_table("notifications")
    op.drop_index("ix_requests_requester_account_id_created_at", table_name="requests")
    op.drop_index("ix_requests_office_id_status_created_at", table_name="requests")
    op.drop_index("ix_requests_behalf_school_code_created_at", table_name="requests")

    op.drop_table("requests")
    op.drop_index(op.f("ix_accounts_registration_status"), table_name="accounts")

    op.drop_table("accounts")
    op.drop_index(op.f("ix_staff_members_school_code"), table_name="staff_members")
    op.drop_index(op.f("ix_staff_members_cin"), table_name="staff_members")

    op.drop_table("staff_members")
    op.drop_table("reference_counters")
    op.drop_index(op.f("ix_agents_office_id"), table_name="agents")
    op.drop_table("agents")

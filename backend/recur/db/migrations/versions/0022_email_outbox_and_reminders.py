"""email: the mail outbox, invoice reminders and their schedule

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 19:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import recur.db.types

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mail_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("attachment", sa.String(length=100), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", recur.db.types.UTCDateTime(), nullable=False),
        sa.Column("last_attempt_at", recur.db.types.UTCDateTime(), nullable=True),
        sa.Column("sent_at", recur.db.types.UTCDateTime(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("created_at", recur.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_mail_messages_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_mail_messages_event_id_events")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_messages")),
    )
    with op.batch_alter_table("mail_messages") as batch:
        batch.create_index(batch.f("ix_mail_messages_account_id"), ["account_id"], unique=False)
        batch.create_index(
            "ix_mail_messages_status_next_attempt_at", ["status", "next_attempt_at"], unique=False
        )
    op.create_table(
        "invoice_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("offset_days", sa.Integer(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("mail_message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_invoice_reminders_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["mail_message_id"],
            ["mail_messages.id"],
            name=op.f("fk_invoice_reminders_mail_message_id_mail_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_reminders")),
        sa.UniqueConstraint(
            "invoice_id", "offset_days", name=op.f("uq_invoice_reminders_invoice_id")
        ),
    )
    with op.batch_alter_table("business_settings") as batch:
        batch.add_column(
            sa.Column(
                "reminder_days",
                sa.JSON(),
                nullable=False,
                server_default=sa.text("'[-3, 0, 3, 7, 14]'"),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("business_settings") as batch:
        batch.drop_column("reminder_days")
    op.drop_table("invoice_reminders")
    with op.batch_alter_table("mail_messages") as batch:
        batch.drop_index("ix_mail_messages_status_next_attempt_at")
        batch.drop_index(batch.f("ix_mail_messages_account_id"))
    op.drop_table("mail_messages")

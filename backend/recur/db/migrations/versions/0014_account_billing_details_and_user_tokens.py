"""account billing details; one-time links to set a password (invitations, resets)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 13:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import recur.db.types

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The new account columns and their lengths; all default to the empty string.
ACCOUNT_COLUMNS = {
    "billing_email": 320,
    "billing_line1": 200,
    "billing_line2": 200,
    "billing_city": 100,
    "billing_postal_code": 20,
    "billing_region": 100,
    "billing_country": 2,
    "tax_id": 40,
}


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        for name, length in ACCOUNT_COLUMNS.items():
            batch.add_column(
                sa.Column(name, sa.String(length=length), server_default="", nullable=False)
            )
    op.create_table(
        "user_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=10), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", recur.db.types.UTCDateTime(), nullable=False),
        sa.Column("used_at", recur.db.types.UTCDateTime(), nullable=True),
        sa.Column("created_at", recur.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_user_tokens_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_tokens_token_hash")),
    )
    op.create_index(op.f("ix_user_tokens_user_id"), "user_tokens", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_user_tokens_user_id"), table_name="user_tokens")
    op.drop_table("user_tokens")
    with op.batch_alter_table("accounts") as batch:
        for name in reversed(ACCOUNT_COLUMNS):
            batch.drop_column(name)

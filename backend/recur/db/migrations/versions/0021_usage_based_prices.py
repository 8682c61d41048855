"""usage-based prices: metered prices and usage records

Revision ID: 0021
Revises: 0015
Create Date: 2026-12-03 16:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import recur.db.types

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("prices") as batch:
        batch.add_column(
            sa.Column(
                "usage_type",
                sa.Enum("LICENSED", "METERED", name="usagetype", native_enum=False, length=20),
                nullable=False,
                server_default="LICENSED",
            )
        )
        batch.add_column(
            sa.Column(
                "aggregation",
                sa.Enum("SUM", "MAX", "LAST", name="aggregation", native_enum=False, length=20),
                nullable=True,
            )
        )
        batch.add_column(
            sa.Column("package_size", sa.BigInteger(), nullable=False, server_default="1")
        )
    op.create_table(
        "usage_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_item_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("occurred_at", recur.db.types.UTCDateTime(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", recur.db.types.UTCDateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("client_id", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["subscription_item_id"],
            ["subscription_items.id"],
            name=op.f("fk_usage_records_subscription_item_id_subscription_items"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_usage_records_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_records")),
        sa.UniqueConstraint(
            "subscription_item_id",
            "idempotency_key",
            name=op.f("uq_usage_records_subscription_item_id"),
        ),
    )
    op.create_index(
        "ix_usage_records_item_time",
        "usage_records",
        ["subscription_item_id", "occurred_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_usage_records_item_time", table_name="usage_records")
    op.drop_table("usage_records")
    with op.batch_alter_table("prices") as batch:
        batch.drop_column("package_size")
        batch.drop_column("aggregation")
        batch.drop_column("usage_type")

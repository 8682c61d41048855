"""charges: a covering index for revenue metrics (each order line's charges in period order)

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-03 16:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = [
    "quote_line_id",
    "period_index",
    "order_id",
    "billing_period",
    "period_start",
    "period_end",
    "amount",
    "period_delta",
    "netted_on",
]


def upgrade() -> None:
    op.create_index("ix_charges_schedule", "charges", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_charges_schedule", table_name="charges")

"""renewals compound their uplift: items carry it to six places, renewal lines their base

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 08:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import recur.db.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("quote_lines", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("base_amount", recur.db.types.ScaledDecimal(6), nullable=True)
        )
    # The column holds integers of 10**-places units: two places become six.
    op.execute("UPDATE subscription_items SET uplift_percent = uplift_percent * 10000")


def downgrade() -> None:
    op.execute("UPDATE subscription_items SET uplift_percent = uplift_percent / 10000")
    with op.batch_alter_table("quote_lines", schema=None) as batch_op:
        batch_op.drop_column("base_amount")

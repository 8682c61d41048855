"""business settings: the approval threshold and the default renewal uplift

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 13:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import recur.db.types

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "business_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "approval_threshold_percent", recur.db.types.ScaledDecimal(2), nullable=False
        ),
        sa.Column(
            "default_renewal_uplift_percent", recur.db.types.ScaledDecimal(2), nullable=False
        ),
        sa.Column("updated_at", recur.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_settings")),
    )


def downgrade() -> None:
    op.drop_table("business_settings")

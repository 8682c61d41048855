"""late usage: records for an invoiced period, billed later as an adjustment charge

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 19:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("charges") as batch:
        batch.add_column(sa.Column("adjusts_charge_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_charges_adjusts_charge_id_charges"), "charges", ["adjusts_charge_id"], ["id"]
        )
        batch.drop_constraint("uq_charges_quote_line_id", type_="unique")
    op.create_index(
        "uq_charges_line_period",
        "charges",
        ["quote_line_id", "period_index"],
        unique=True,
        sqlite_where=sa.text("adjusts_charge_id IS NULL"),
        postgresql_where=sa.text("adjusts_charge_id IS NULL"),
    )
    with op.batch_alter_table("usage_records") as batch:
        batch.add_column(
            sa.Column("late", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_index(
        "ix_usage_records_late",
        "usage_records",
        ["subscription_item_id"],
        sqlite_where=sa.text("late"),
        postgresql_where=sa.text("late"),
    )


def downgrade() -> None:
    op.drop_index("ix_usage_records_late", table_name="usage_records")
    with op.batch_alter_table("usage_records") as batch:
        batch.drop_column("late")
    op.drop_index("uq_charges_line_period", table_name="charges")
    with op.batch_alter_table("charges") as batch:
        batch.create_unique_constraint("uq_charges_quote_line_id", ["quote_line_id", "period_index"])
        batch.drop_constraint("fk_charges_adjusts_charge_id_charges", type_="foreignkey")
        batch.drop_column("adjusts_charge_id")

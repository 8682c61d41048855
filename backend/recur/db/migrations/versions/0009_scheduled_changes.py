"""scheduled changes: a change effective after today changes the items on its day

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 09:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import recur.db.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scheduled_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("quote_line_id", sa.Integer(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("subscription_item_id", sa.Integer(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("price_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("discount_percent", recur.db.types.ScaledDecimal(2), nullable=False),
        sa.Column("net_amount", recur.db.types.ScaledDecimal(6), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_scheduled_changes_order_id_orders")),
        sa.ForeignKeyConstraint(["price_id"], ["prices.id"], name=op.f("fk_scheduled_changes_price_id_prices")),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], name=op.f("fk_scheduled_changes_product_id_products")),
        sa.ForeignKeyConstraint(["quote_line_id"], ["quote_lines.id"], name=op.f("fk_scheduled_changes_quote_line_id_quote_lines")),
        sa.ForeignKeyConstraint(["subscription_id"], ["subscriptions.id"], name=op.f("fk_scheduled_changes_subscription_id_subscriptions")),
        sa.ForeignKeyConstraint(["subscription_item_id"], ["subscription_items.id"], name=op.f("fk_scheduled_changes_subscription_item_id_subscription_items")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_changes")),
    )
    for column in ("subscription_id", "order_id", "effective_date", "status"):
        op.create_index(
            op.f(f"ix_scheduled_changes_{column}"), "scheduled_changes", [column], unique=False
        )


def downgrade() -> None:
    for column in ("subscription_id", "order_id", "effective_date", "status"):
        op.drop_index(op.f(f"ix_scheduled_changes_{column}"), table_name="scheduled_changes")
    op.drop_table("scheduled_changes")

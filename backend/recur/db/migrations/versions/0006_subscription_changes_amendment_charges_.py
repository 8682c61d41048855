"""subscription changes: amendment charges and lines, ended items, history

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 16:52:36.696369
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import recur.db.types


revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "subscription_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("occurred_at", recur.db.types.UTCDateTime(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("monthly_before", recur.db.types.ScaledDecimal(6), nullable=False),
        sa.Column("monthly_after", recur.db.types.ScaledDecimal(6), nullable=False),
        sa.Column("amount_now", recur.db.types.ScaledDecimal(6), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("quote_id", sa.Integer(), nullable=True),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("credit_note_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_subscription_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["credit_note_id"],
            ["credit_notes.id"],
            name=op.f("fk_subscription_events_credit_note_id_credit_notes"),
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_subscription_events_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_subscription_events_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["quote_id"], ["quotes.id"], name=op.f("fk_subscription_events_quote_id_quotes")
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscriptions.id"],
            name=op.f("fk_subscription_events_subscription_id_subscriptions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription_events")),
    )
    with op.batch_alter_table("subscription_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subscription_events_subscription_id"), ["subscription_id"], unique=False
        )

    with op.batch_alter_table("charges", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quantity_before", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("period_delta", recur.db.types.ScaledDecimal(6), nullable=True)
        )
        batch_op.add_column(sa.Column("prorated_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("period_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("netted_on", sa.Date(), nullable=True))

    with op.batch_alter_table("quote_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subscription_item_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_quote_lines_subscription_item_id_subscription_items"),
            "subscription_items",
            ["subscription_item_id"],
            ["id"],
        )

    with op.batch_alter_table("subscription_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "uplift_percent",
                recur.db.types.ScaledDecimal(2),
                nullable=False,
                server_default=sa.text("0"),
            )
        )
        batch_op.add_column(sa.Column("ended_on", sa.Date(), nullable=True))
    # Items of renewed subscriptions carry their subscription's uplift this term.
    op.execute(
        "UPDATE subscription_items SET uplift_percent = (SELECT s.uplift_percent "
        "FROM subscriptions s WHERE s.id = subscription_items.subscription_id) "
        "WHERE subscription_id IN (SELECT subscription_id FROM orders WHERE kind = 'RENEWAL')"
    )

    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("canceled_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_column("canceled_on")

    with op.batch_alter_table("subscription_items", schema=None) as batch_op:
        batch_op.drop_column("ended_on")
        batch_op.drop_column("uplift_percent")

    with op.batch_alter_table("quote_lines", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_quote_lines_subscription_item_id_subscription_items"), type_="foreignkey"
        )
        batch_op.drop_column("subscription_item_id")

    with op.batch_alter_table("charges", schema=None) as batch_op:
        batch_op.drop_column("netted_on")
        batch_op.drop_column("period_days")
        batch_op.drop_column("prorated_days")
        batch_op.drop_column("period_delta")
        batch_op.drop_column("quantity_before")

    with op.batch_alter_table("subscription_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subscription_events_subscription_id"))

    op.drop_table("subscription_events")

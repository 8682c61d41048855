"""indexes for renewals: a subscription's orders and quotes, terms by their end

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 22:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The agreed renewal of a subscription (looked up at every term end), its quotes, and
    # the terms ending within a window (the billing run, the renewals view).
    op.create_index(op.f("ix_orders_subscription_id"), "orders", ["subscription_id"])
    op.create_index(op.f("ix_quotes_subscription_id"), "quotes", ["subscription_id"])
    op.create_index(
        op.f("ix_subscriptions_current_term_end"), "subscriptions", ["current_term_end"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_subscriptions_current_term_end"), table_name="subscriptions")
    op.drop_index(op.f("ix_quotes_subscription_id"), table_name="quotes")
    op.drop_index(op.f("ix_orders_subscription_id"), table_name="orders")

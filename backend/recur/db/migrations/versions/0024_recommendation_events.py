"""next best offers: what became of each offer (shown, prepared, accepted)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 19:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import recur.db.types

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recommendation_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("offer_key", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("quote_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("occurred_at", recur.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_recommendation_events_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_recommendation_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_recommendation_events_product_id_products"),
        ),
        sa.ForeignKeyConstraint(
            ["quote_id"], ["quotes.id"], name=op.f("fk_recommendation_events_quote_id_quotes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendation_events")),
    )
    with op.batch_alter_table("recommendation_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recommendation_events_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_recommendation_events_quote_id"), ["quote_id"], unique=False
        )
        batch_op.create_index(
            "ix_recommendation_events_kind_action", ["kind", "action"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("recommendation_events", schema=None) as batch_op:
        batch_op.drop_index("ix_recommendation_events_kind_action")
        batch_op.drop_index(batch_op.f("ix_recommendation_events_quote_id"))
        batch_op.drop_index(batch_op.f("ix_recommendation_events_account_id"))
    op.drop_table("recommendation_events")

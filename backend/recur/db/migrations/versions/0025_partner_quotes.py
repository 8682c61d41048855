"""partner quotes: who made a quote or took its step may be a partner client

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 19:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_by_partner_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_quotes_created_by_partner_id_partners"),
            "partners",
            ["created_by_partner_id"],
            ["id"],
        )
        batch_op.create_index(
            "uq_quotes_created_by_partner_id_client_key",
            ["created_by_partner_id", "client_key"],
            unique=True,
        )
    with op.batch_alter_table("quote_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_partner_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_quote_events_actor_partner_id_partners"),
            "partners",
            ["actor_partner_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("quote_events", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("fk_quote_events_actor_partner_id_partners"), type_="foreignkey"
        )
        batch_op.drop_column("actor_partner_id")
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.drop_index("uq_quotes_created_by_partner_id_client_key")
        batch_op.drop_constraint(op.f("fk_quotes_created_by_partner_id_partners"), type_="foreignkey")
        batch_op.drop_column("created_by_partner_id")

"""card payments keyed by invoice and attempt: a retry finds its payment on its invoice only

Existing card payments keep no key: a retry of one of them finds its invoice paid and is
told there is nothing to pay, and no money moves twice (the provider's own key is per
invoice and attempt too).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invoice_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("attempt", sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_payments_invoice_id_invoices"), "invoices", ["invoice_id"], ["id"]
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_payments_invoice_id"), ["invoice_id", "attempt"]
        )


def downgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_payments_invoice_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_payments_invoice_id_invoices"), type_="foreignkey")
        batch_op.drop_column("attempt")
        batch_op.drop_column("invoice_id")

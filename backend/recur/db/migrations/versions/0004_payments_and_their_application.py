"""payments and their application

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 15:29:54.605998
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import recur.db.types


revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", recur.db.types.ScaledDecimal(6), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("unapplied", recur.db.types.ScaledDecimal(6), nullable=False),
        sa.Column("created_at", recur.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_payments_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("number", name=op.f("uq_payments_number")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payments_account_id"), ["account_id"], unique=False)

    op.create_table(
        "payment_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("amount", recur.db.types.ScaledDecimal(6), nullable=False),
        sa.Column("created_at", recur.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_payment_applications_invoice_id_invoices"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.id"],
            name=op.f("fk_payment_applications_payment_id_payments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_applications")),
    )
    with op.batch_alter_table("payment_applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_applications_invoice_id"), ["invoice_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payment_applications_payment_id"), ["payment_id"], unique=False
        )

    op.bulk_insert(
        sa.table(
            "number_sequences", sa.column("name", sa.String), sa.column("last_value", sa.BigInteger)
        ),
        [{"name": "PAYMENT", "last_value": 0}],
    )


def downgrade() -> None:
    op.execute("DELETE FROM number_sequences WHERE name = 'PAYMENT'")
    with op.batch_alter_table("payment_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_applications_payment_id"))
        batch_op.drop_index(batch_op.f("ix_payment_applications_invoice_id"))

    op.drop_table("payment_applications")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payments_account_id"))

    op.drop_table("payments")

"""credit notes and invoice voids

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 16:37:46.441032
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import recur.db.types


revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "credit_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("issued_by_user_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("tax_rate_percent", recur.db.types.ScaledDecimal(4), nullable=False),
        sa.Column("subtotal", recur.db.types.ScaledDecimal(6), nullable=False),
        sa.Column("tax", recur.db.types.ScaledDecimal(6), nullable=False),
        sa.Column("total", recur.db.types.ScaledDecimal(6), nullable=False),
        sa.Column("unapplied", recur.db.types.ScaledDecimal(6), nullable=False),
        sa.Column("created_at", recur.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_credit_notes_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_credit_notes_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_user_id"],
            ["users.id"],
            name=op.f("fk_credit_notes_issued_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_credit_notes_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_notes")),
        sa.UniqueConstraint("number", name=op.f("uq_credit_notes_number")),
    )
    with op.batch_alter_table("credit_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credit_notes_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_credit_notes_invoice_id"), ["invoice_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_credit_notes_order_id"), ["order_id"], unique=False)

    op.create_table(
        "credit_note_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("credit_note_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("amount", recur.db.types.ScaledDecimal(6), nullable=False),
        sa.Column("created_at", recur.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["credit_note_id"],
            ["credit_notes.id"],
            name=op.f("fk_credit_note_applications_credit_note_id_credit_notes"),
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_credit_note_applications_invoice_id_invoices"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_note_applications")),
    )
    with op.batch_alter_table("credit_note_applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credit_note_applications_credit_note_id"),
            ["credit_note_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_credit_note_applications_invoice_id"), ["invoice_id"], unique=False
        )

    op.create_table(
        "credit_note_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("credit_note_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("invoice_line_id", sa.Integer(), nullable=True),
        sa.Column("charge_id", sa.Integer(), nullable=True),
        sa.Column("subscription_item_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_amount", recur.db.types.ScaledDecimal(6), nullable=True),
        sa.Column("amount", recur.db.types.ScaledDecimal(6), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["charge_id"], ["charges.id"], name=op.f("fk_credit_note_lines_charge_id_charges")
        ),
        sa.ForeignKeyConstraint(
            ["credit_note_id"],
            ["credit_notes.id"],
            name=op.f("fk_credit_note_lines_credit_note_id_credit_notes"),
        ),
        sa.ForeignKeyConstraint(
            ["invoice_line_id"],
            ["invoice_lines.id"],
            name=op.f("fk_credit_note_lines_invoice_line_id_invoice_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["subscription_item_id"],
            ["subscription_items.id"],
            name=op.f("fk_credit_note_lines_subscription_item_id_subscription_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_note_lines")),
        sa.UniqueConstraint("charge_id", name=op.f("uq_credit_note_lines_charge_id")),
        sa.UniqueConstraint("invoice_line_id", name=op.f("uq_credit_note_lines_invoice_line_id")),
    )
    with op.batch_alter_table("credit_note_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credit_note_lines_credit_note_id"), ["credit_note_id"], unique=False
        )

    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("rebill", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch_op.drop_constraint(batch_op.f("uq_invoice_lines_charge_id"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_invoice_lines_charge_id"), ["charge_id", "rebill"]
        )

    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "amount_credited",
                recur.db.types.ScaledDecimal(6),
                nullable=False,
                server_default=sa.text("0"),
            )
        )
        batch_op.add_column(sa.Column("voided_at", recur.db.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("void_reason", sa.String(length=500), nullable=True))

    op.bulk_insert(
        sa.table(
            "number_sequences", sa.column("name", sa.String), sa.column("last_value", sa.BigInteger)
        ),
        [{"name": "CREDIT_NOTE", "last_value": 0}],
    )


def downgrade() -> None:
    op.execute("DELETE FROM number_sequences WHERE name = 'CREDIT_NOTE'")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_column("void_reason")
        batch_op.drop_column("voided_at")
        batch_op.drop_column("amount_credited")

    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_invoice_lines_charge_id"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_invoice_lines_charge_id"), ["charge_id"])
        batch_op.drop_column("rebill")

    with op.batch_alter_table("credit_note_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_note_lines_credit_note_id"))

    op.drop_table("credit_note_lines")
    with op.batch_alter_table("credit_note_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_note_applications_invoice_id"))
        batch_op.drop_index(batch_op.f("ix_credit_note_applications_credit_note_id"))

    op.drop_table("credit_note_applications")
    with op.batch_alter_table("credit_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_notes_order_id"))
        batch_op.drop_index(batch_op.f("ix_credit_notes_invoice_id"))
        batch_op.drop_index(batch_op.f("ix_credit_notes_account_id"))

    op.drop_table("credit_notes")

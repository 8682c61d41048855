"""paperwork and tax: PO numbers, sellers and bill-to frozen on documents, tax rates by
jurisdiction, tax exemptions, reverse charge, quote acceptance

Revision ID: 0019
Revises: 0015
Create Date: 2026-12-03 15:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import recur.db.types

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DOCUMENTS = ("invoices", "credit_notes")


def upgrade() -> None:
    op.create_table(
        "sellers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.JSON(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("tax_id", sa.String(length=40), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("created_at", recur.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sellers")),
    )
    op.create_table(
        "tax_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("rate_percent", recur.db.types.ScaledDecimal(4), nullable=False),
        sa.Column("created_at", recur.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tax_rates")),
        sa.UniqueConstraint("country", "region", name=op.f("uq_tax_rates_country")),
    )
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(
            sa.Column("tax_exempt", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column(
                "tax_exemption_certificate",
                sa.String(length=100),
                nullable=False,
                server_default="",
            )
        )
    for table in ("quotes", "orders", *DOCUMENTS):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column(
                    "purchase_order_number", sa.String(length=100), nullable=False, server_default=""
                )
            )
    with op.batch_alter_table("quotes") as batch:
        batch.add_column(sa.Column("signer_name", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("signer_title", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("accepted_at", recur.db.types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("accepted_version", sa.Integer(), nullable=True))
    for table in ("invoice_lines", "credit_note_lines"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("wording", sa.Text(), nullable=False, server_default=""))
    for table in DOCUMENTS:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("seller_id", sa.Integer(), nullable=True))
            batch.add_column(sa.Column("bill_to", sa.JSON(), nullable=True))
            batch.add_column(
                sa.Column("tax_name", sa.String(length=100), nullable=False, server_default="")
            )
            batch.add_column(
                sa.Column(
                    "reverse_charge", sa.Boolean(), nullable=False, server_default=sa.false()
                )
            )
            batch.add_column(sa.Column("tax_note", sa.String(length=300), nullable=False, server_default=""))
            batch.create_foreign_key(
                op.f(f"fk_{table}_seller_id_sellers"), "sellers", ["seller_id"], ["id"]
            )


def downgrade() -> None:
    for table in DOCUMENTS:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"fk_{table}_seller_id_sellers"), type_="foreignkey")
            for column in ("tax_note", "reverse_charge", "tax_name", "bill_to", "seller_id"):
                batch.drop_column(column)
    for table in ("invoice_lines", "credit_note_lines"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("wording")
    with op.batch_alter_table("quotes") as batch:
        for column in ("accepted_version", "accepted_at", "signer_title", "signer_name"):
            batch.drop_column(column)
    for table in ("quotes", "orders", *DOCUMENTS):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("purchase_order_number")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("tax_exemption_certificate")
        batch.drop_column("tax_exempt")
    op.drop_table("tax_rates")
    op.drop_table("sellers")

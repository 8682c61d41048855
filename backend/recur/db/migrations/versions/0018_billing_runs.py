"""billing runs: every run recorded, with its trigger, counts and outcome

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-03 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import recur.db.types

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "billing_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("started_at", recur.db.types.UTCDateTime(), nullable=False),
        sa.Column("heartbeat_at", recur.db.types.UTCDateTime(), nullable=False),
        sa.Column("finished_at", recur.db.types.UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("accounts", sa.Integer(), nullable=False),
        sa.Column("invoices", sa.Integer(), nullable=False),
        sa.Column("credit_notes", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_billing_runs_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_runs")),
    )
    with op.batch_alter_table("billing_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_billing_runs_as_of"), ["as_of"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_billing_runs_started_at"), ["started_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_billing_runs_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("billing_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_billing_runs_status"))
        batch_op.drop_index(batch_op.f("ix_billing_runs_started_at"))
        batch_op.drop_index(batch_op.f("ix_billing_runs_as_of"))
    op.drop_table("billing_runs")

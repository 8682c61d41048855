"""collections: payment methods, attempts, refunds, write-offs, autopay and dunning

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 19:09:49.094852
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import recur.db.types

revision: str = '0023'
down_revision: str | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('payment_methods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=40), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=False),
    sa.Column('brand', sa.String(length=40), nullable=False),
    sa.Column('last4', sa.String(length=4), nullable=False),
    sa.Column('exp_month', sa.Integer(), nullable=False),
    sa.Column('exp_year', sa.Integer(), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('removed_at', recur.db.types.UTCDateTime(), nullable=True),
    sa.Column('created_at', recur.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_payment_methods_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_methods'))
    )
    with op.batch_alter_table('payment_methods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_methods_account_id'), ['account_id'], unique=False)

    op.create_table('payment_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('payment_method_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('attempted_at', recur.db.types.UTCDateTime(), nullable=False),
    sa.Column('succeeded', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('message', sa.String(length=300), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('next_retry_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_payment_attempts_account_id_accounts')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_payment_attempts_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_payment_attempts_payment_id_payments')),
    sa.ForeignKeyConstraint(['payment_method_id'], ['payment_methods.id'], name=op.f('fk_payment_attempts_payment_method_id_payment_methods')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_attempts')),
    sa.UniqueConstraint('invoice_id', 'number', name=op.f('uq_payment_attempts_invoice_id'))
    )
    with op.batch_alter_table('payment_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_attempts_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_attempts_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('refunds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('credit_note_id', sa.Integer(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('amount', recur.db.types.ScaledDecimal(6), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('refunded_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', recur.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_refunds_account_id_accounts')),
    sa.ForeignKeyConstraint(['credit_note_id'], ['credit_notes.id'], name=op.f('fk_refunds_credit_note_id_credit_notes')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_refunds_payment_id_payments')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_refunds_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds')),
    sa.UniqueConstraint('number', name=op.f('uq_refunds_number'))
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refunds_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refunds_payment_id'), ['payment_id'], unique=False)

    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('autopay', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('autopay_timing', sa.String(length=20), server_default='ON_ISSUE', nullable=False))

    with op.batch_alter_table('business_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dunning_retry_days', sa.String(length=100), server_default='1,3,5,7', nullable=False))
        batch_op.add_column(sa.Column('dunning_outcome', sa.String(length=30), server_default='LEAVE_OPEN', nullable=False))

    with op.batch_alter_table('credit_notes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refunded', recur.db.types.ScaledDecimal(6), server_default='0', nullable=False))

    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('written_off_at', recur.db.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('write_off_reason', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('written_off', recur.db.types.ScaledDecimal(6), server_default='0', nullable=False))

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refunded', recur.db.types.ScaledDecimal(6), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('payment_method_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('provider_reference', sa.String(length=100), server_default='', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_payments_payment_method_id_payment_methods'), 'payment_methods', ['payment_method_id'], ['id'])

    op.bulk_insert(
        sa.table("number_sequences", sa.column("name", sa.String), sa.column("last_value", sa.BigInteger)),
        [{"name": "REFUND", "last_value": 0}],
    )



def downgrade() -> None:
    op.execute("DELETE FROM number_sequences WHERE name = 'REFUND'")
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_payments_payment_method_id_payment_methods'), type_='foreignkey')
        batch_op.drop_column('provider_reference')
        batch_op.drop_column('payment_method_id')
        batch_op.drop_column('refunded')

    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_column('written_off')
        batch_op.drop_column('write_off_reason')
        batch_op.drop_column('written_off_at')

    with op.batch_alter_table('credit_notes', schema=None) as batch_op:
        batch_op.drop_column('refunded')

    with op.batch_alter_table('business_settings', schema=None) as batch_op:
        batch_op.drop_column('dunning_outcome')
        batch_op.drop_column('dunning_retry_days')

    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('autopay_timing')
        batch_op.drop_column('autopay')

    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refunds_payment_id'))
        batch_op.drop_index(batch_op.f('ix_refunds_account_id'))

    op.drop_table('refunds')
    with op.batch_alter_table('payment_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_attempts_invoice_id'))
        batch_op.drop_index(batch_op.f('ix_payment_attempts_account_id'))

    op.drop_table('payment_attempts')
    with op.batch_alter_table('payment_methods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_methods_account_id'))

    op.drop_table('payment_methods')

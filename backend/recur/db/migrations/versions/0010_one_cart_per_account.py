"""one cart per account: a partial unique index on the open cart

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 12:40:00

Concurrent first adds could each create a cart. Where that happened, the newest cart stays
the cart (it is the one the customer saw) and the older ones expire, so the index can hold.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_CART = sa.text("is_cart AND status = 'DRAFT'")


def upgrade() -> None:
    op.execute(
        """
        UPDATE quotes SET status = 'EXPIRED'
        WHERE is_cart AND status = 'DRAFT'
          AND id < (SELECT max(newer.id) FROM quotes AS newer
                    WHERE newer.account_id = quotes.account_id
                      AND newer.is_cart AND newer.status = 'DRAFT')
        """
    )
    op.create_index(
        "uq_quotes_one_cart_per_account",
        "quotes",
        ["account_id"],
        unique=True,
        sqlite_where=OPEN_CART,
        postgresql_where=OPEN_CART,
    )


def downgrade() -> None:
    op.drop_index("uq_quotes_one_cart_per_account", table_name="quotes")

"""Reading invoices as the asking actor may see them."""

from __future__ import annotations

from sqlalchemy import select

from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import Invoice, User
from recur.services.billing import invoices_by_number
from recur.services.common import Actor


async def test_invoices_by_number_come_in_the_order_asked_for(db: Database) -> None:
    async with db.session() as session:
        numbers = list(await session.scalars(select(Invoice.number).order_by(Invoice.id)))
        fiona = await session.scalar(select(User.id).where(User.email == "fiona@recur.example"))
    asked = [numbers[2], "INV-999999", numbers[0], numbers[1]]

    found = await invoices_by_number(db, Actor(user_id=fiona, role=Role.FINANCE), asked)

    assert [invoice.number for invoice in found] == [numbers[2], numbers[0], numbers[1]]

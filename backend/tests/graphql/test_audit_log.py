"""The audit log: recorded in the changing transaction, read by admins only, newest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import User
from recur.services.common import Actor, audit, changed

LOG = """query($first: Int, $after: String) { auditLog(first: $first, after: $after) {
  edges { node { actorName action subjectType subjectId summary before after } }
  pageInfo { hasNextPage endCursor } } }"""


async def _record_two(db: Database) -> None:
    async with db.session() as session:
        adam = await session.scalar(select(User).where(User.email == "adam@recur.example"))
    assert adam is not None
    actor = Actor(user_id=adam.id, role=Role.ADMIN)
    start = datetime(2026, 11, 24, 9, tzinfo=UTC)
    async with db.transaction() as session:
        await audit(session, actor, "product.create", ("Product", 7), "Created X", now=start)
        before, after = changed({"name": "Old", "sku": "X"}, {"name": "New", "sku": "X"})
        await audit(
            session,
            actor,
            "product.update",
            ("Product", 7),
            "Renamed X",
            now=start + timedelta(minutes=1),
            before=before,
            after=after,
        )


async def test_admins_read_the_audit_log_newest_first(db, gql, login) -> None:
    await _record_two(db)
    adam = await login("adam@recur.example")
    first = (await gql(LOG, {"first": 1}, token=adam))["data"]["auditLog"]
    [newest] = [edge["node"] for edge in first["edges"]]
    assert newest["action"] == "product.update"
    assert newest["actorName"] == "Adam Novak"
    assert (newest["before"], newest["after"]) == ({"name": "Old"}, {"name": "New"})
    assert newest["subjectType"] == "Product" and newest["subjectId"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = await gql(LOG, {"first": 5, "after": first["pageInfo"]["endCursor"]}, token=adam)
    assert [e["node"]["action"] for e in rest["data"]["auditLog"]["edges"]] == ["product.create"]


async def test_nobody_else_reads_it(db, gql, login) -> None:
    await _record_two(db)
    for email in ("maria@recur.example", "rita@recur.example", "alice@acme.example"):
        body = await gql(LOG, token=await login(email))
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    anonymous = await gql(LOG)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

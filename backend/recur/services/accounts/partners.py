"""Partners, for admins: creating them, listing them with their accounts and clients, and
linking accounts to them (docs/administration.md, "Partners")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select

from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import Account, Partner, PartnerClient
from recur.services.common import (
    Actor,
    Forbidden,
    Invalid,
    NotAuthenticated,
    Page,
    PageRequest,
    audit,
    changed,
    grouped,
    paginate,
)

#: The longest partner name.
MAX_PARTNER_NAME = 200


def require_admin(actor: Actor, doing: str) -> None:
    """Refuse anyone but an admin; anonymous callers must log in first."""
    if actor.is_anonymous:
        raise NotAuthenticated()
    if actor.role is not Role.ADMIN:
        raise Forbidden(f"Only admins {doing}.")


def _checked_name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise Invalid.one("name", "name must not be blank.", "REQUIRED")
    if len(clean) > MAX_PARTNER_NAME:
        raise Invalid.one(
            "name", f"name may have at most {MAX_PARTNER_NAME} characters.", "TOO_LONG"
        )
    return clean


async def create_partner(db: Database, actor: Actor, *, name: str, now: datetime) -> Partner:
    """A new partner; names are unique, ignoring case."""
    require_admin(actor, "create partners")
    clean = _checked_name(name)
    async with db.transaction() as session:
        taken = await session.scalar(
            select(Partner.id).where(func.lower(Partner.name) == clean.lower())
        )
        if taken is not None:
            raise Invalid.one("name", f"A partner named {clean} exists already.", "TAKEN")
        partner = Partner(name=clean, created_at=now)
        session.add(partner)
        await session.flush()
        await audit(
            session,
            actor,
            "partner.create",
            ("Partner", partner.id),
            f"Partner {clean} created.",
            now=now,
            after={"name": clean},
        )
        return partner


async def list_partners(db: Database, actor: Actor, page: PageRequest) -> Page[Partner]:
    """Every partner, by name."""
    require_admin(actor, "manage partners")
    return await paginate(db, select(Partner), (Partner.name, Partner.id), page)


async def partner_choices(db: Database, actor: Actor) -> list[Partner]:
    """Every partner, by name: what the people who create accounts may link them to."""
    if actor.is_anonymous:
        raise NotAuthenticated()
    if actor.role not in {Role.ADMIN, Role.MANAGER, Role.REP}:
        raise Forbidden("Only staff link accounts to partners.")
    async with db.session() as session:
        return list(await session.scalars(select(Partner).order_by(Partner.name, Partner.id)))


async def partners_by_id(
    db: Database, actor: Actor, partner_ids: Sequence[int]
) -> dict[int, Partner]:
    """Partners by id, for an account's partner link: staff see every one, a partner
    itself; customers none (the link is the seller's business)."""
    if actor.is_partner:
        partner_ids = [i for i in partner_ids if i == actor.partner_id]
    elif not actor.is_staff:
        return {}
    if not partner_ids:
        return {}
    async with db.session() as session:
        found = await session.scalars(select(Partner).where(Partner.id.in_(set(partner_ids))))
        return {partner.id: partner for partner in found}


async def partner_names(db: Database, partner_ids: Sequence[int]) -> dict[int, str]:
    """Partners' names by id, for whoever sees what a partner's client did (a quote it made
    or a step it took: the quote's readers see it was the partner)."""
    if not partner_ids:
        return {}
    statement = select(Partner.id, Partner.name).where(Partner.id.in_(set(partner_ids)))
    async with db.session() as session:
        return {pk: name for pk, name in (await session.execute(statement)).all()}


async def accounts_by_partner(
    db: Database, actor: Actor, partner_ids: Sequence[int]
) -> dict[int, list[Account]]:
    """The accounts linked to each partner, by name (admins; others get nothing)."""
    if actor.role is not Role.ADMIN or not partner_ids:
        return {}
    statement = (
        select(Account)
        .where(Account.partner_id.in_(set(partner_ids)))
        .order_by(Account.name, Account.id)
    )
    return await grouped(db, statement, lambda account: account.partner_id)


async def clients_by_partner(
    db: Database, actor: Actor, partner_ids: Sequence[int]
) -> dict[int, list[PartnerClient]]:
    """Each partner's API clients, oldest first (admins; others get nothing)."""
    if actor.role is not Role.ADMIN or not partner_ids:
        return {}
    statement = (
        select(PartnerClient)
        .where(PartnerClient.partner_id.in_(set(partner_ids)))
        .order_by(PartnerClient.id)
    )
    return await grouped(db, statement, lambda client: client.partner_id)


async def set_account_partner(
    db: Database, actor: Actor, *, account_id: int, partner_id: int | None, now: datetime
) -> Account:
    """Link an account to a partner (whose clients then see it), or unlink it (``None``)."""
    require_admin(actor, "link accounts to partners")
    async with db.transaction() as session:
        account = await session.get(Account, account_id, with_for_update=True)
        if account is None:
            raise Invalid.one("accountId", "No such account.", "NOT_FOUND")
        partner = None if partner_id is None else await session.get(Partner, partner_id)
        if partner_id is not None and partner is None:
            raise Invalid.one("partnerId", "No such partner.", "NOT_FOUND")
        old = None if account.partner_id is None else await session.get(Partner, account.partner_id)
        before, after = changed(
            {"partner": old.name if old else None}, {"partner": partner.name if partner else None}
        )
        if after:
            account.partner_id = partner_id
            summary = (
                f"{account.name} linked to partner {partner.name}."
                if partner
                else f"{account.name} unlinked from its partner."
            )
            await audit(
                session,
                actor,
                "account.set_partner",
                ("Account", account.id),
                summary,
                now=now,
                before=before,
                after=after,
            )
        await session.flush()
        return account

"""Creating and editing accounts: legal name, currency, billing details, payment terms, the
owning rep and the partner link, every edit audited (docs/administration.md, "Accounts")."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.roles import STAFF_ROLES, Role
from recur.db.engine import Database
from recur.db.models import Account, Invoice, Partner, Payment, Quote, User
from recur.services.accounts.validation import (
    Address,
    check_address,
    check_currency,
    check_email,
    check_name,
    check_payment_terms,
    check_tax_id,
)
from recur.services.common import (
    Actor,
    Forbidden,
    Invalid,
    NotAuthenticated,
    Problem,
    account_data,
    audit,
    changed,
    record_event,
)

#: Who may create accounts; a rep only accounts it owns. Editing is for managers and admins.
CREATORS = frozenset({Role.ADMIN, Role.MANAGER, Role.REP})
EDITORS = frozenset({Role.ADMIN, Role.MANAGER})


@dataclass(frozen=True)
class AccountFields:
    """An account's editable fields; ``None`` leaves a field as it is (on update)."""

    name: str | None = None
    currency: str | None = None
    owner_id: int | None = None
    partner_id: int | None = None
    billing_email: str | None = None
    billing_address: Address | None = None
    tax_id: str | None = None
    payment_terms_days: int | None = None
    #: Exempt from tax, with the exemption certificate's reference (docs/billing.md, "Tax").
    tax_exempt: bool | None = None
    tax_exemption_certificate: str | None = None
    #: Set to clear the owner or the partner link (``None`` cannot say "clear").
    clear_owner: bool = False
    clear_partner: bool = False


async def list_owners(db: Database, actor: Actor) -> list[User]:
    """The active staff an account may be assigned to (reps and managers), by name: for the
    people who edit accounts."""
    _require(actor, EDITORS, "assign accounts")
    statement = (
        select(User)
        .where(User.active, User.role.in_([Role.REP, Role.MANAGER]))
        .order_by(User.name, User.id)
    )
    async with db.session() as session:
        return list(await session.scalars(statement))


def _require(actor: Actor, roles: frozenset[Role], what: str) -> None:
    if actor.is_anonymous:
        raise NotAuthenticated()
    if actor.role not in roles:
        raise Forbidden(f"Only {', '.join(sorted(roles))} may {what}.")


async def create_account(
    db: Database, actor: Actor, fields: AccountFields, *, now: datetime
) -> Account:
    """A new account. A rep's account is its own: it may name no other owner."""
    _require(actor, CREATORS, "create accounts")
    if actor.role is Role.REP:
        if fields.owner_id not in (None, actor.user_id):
            raise Invalid.one("ownerId", "A rep creates accounts it owns.", "NOT_YOURS")
        fields = replace(fields, owner_id=actor.user_id)
    problems: list[Problem] = []
    if fields.name is None:
        problems.append(Problem(("name",), "Enter a name.", "REQUIRED"))
    if fields.currency is None:
        problems.append(Problem(("currency",), "Choose a currency.", "REQUIRED"))
    async with db.transaction() as session:
        account = Account(name="", currency="", payment_terms_days=30, created_at=now)
        values = await _checked_values(session, account, fields, problems)
        for key, value in values.items():
            setattr(account, key, value)
        session.add(account)
        await session.flush()
        await audit(
            session,
            actor,
            "account.create",
            ("Account", account.id),
            f"Created account {account.name}",
            now=now,
            after=_snapshot(account),
        )
        await record_event(session, "account.created", account.id, account_data(account), now=now)
    return account


async def update_account(
    db: Database, actor: Actor, account_id: int, fields: AccountFields, *, now: datetime
) -> Account:
    """Change the given fields; the currency only while nothing is priced in it yet."""
    _require(actor, EDITORS, "edit accounts")
    async with db.transaction() as session:
        account = await session.get(Account, account_id, with_for_update=True)
        if account is None:
            raise Invalid.one("accountId", "No such account.", "NOT_FOUND")
        before = _snapshot(account)
        values = await _checked_values(session, account, fields, [])
        for key, value in values.items():
            setattr(account, key, value)
        old, new = changed(before, _snapshot(account))
        if new:
            await audit(
                session,
                actor,
                "account.update",
                ("Account", account.id),
                f"Edited account {account.name}",
                now=now,
                before=old,
                after=new,
            )
    return account


async def _checked_values(
    session: AsyncSession, account: Account, fields: AccountFields, problems: list[Problem]
) -> dict[str, Any]:
    """The column values ``fields`` set, or ``Invalid`` naming every field at fault."""
    values: dict[str, Any] = {}
    if fields.name is not None:
        values["name"] = check_name(fields.name, ("name",), problems)
    if fields.currency is not None:
        values["currency"] = check_currency(fields.currency, ("currency",), problems)
        if values["currency"] != account.currency and await _has_business(session, account.id):
            problems.append(
                Problem(
                    ("currency",),
                    "The currency is fixed once the account has quotes, invoices or payments.",
                    "CURRENCY_FIXED",
                )
            )
    if fields.billing_email is not None:
        email = fields.billing_email.strip()  # may be emptied
        values["billing_email"] = check_email(email, ("billingEmail",), problems) if email else ""
    if fields.billing_address is not None:
        address = check_address(fields.billing_address, problems)
        values.update({f"billing_{key}": value for key, value in asdict(address).items()})
    if fields.tax_id is not None:
        country = values.get("billing_country", account.billing_country or "")
        values["tax_id"] = check_tax_id(fields.tax_id, country, problems)
    if fields.payment_terms_days is not None:
        values["payment_terms_days"] = check_payment_terms(fields.payment_terms_days, problems)
    _check_exemption(account, fields, values, problems)
    await _check_links(session, fields, values, problems)
    if problems:
        raise Invalid(problems)
    return values


def _check_exemption(
    account: Account, fields: AccountFields, values: dict[str, Any], problems: list[Problem]
) -> None:
    """An exempt account names its certificate (at most 100 characters), printed on its
    invoices."""
    if fields.tax_exempt is not None:
        values["tax_exempt"] = fields.tax_exempt
    if fields.tax_exemption_certificate is not None:
        certificate = " ".join(fields.tax_exemption_certificate.split())
        if len(certificate) > 100:
            problems.append(
                Problem(
                    ("taxExemptionCertificate",),
                    "A certificate reference is at most 100 characters.",
                    "TOO_LONG",
                )
            )
        values["tax_exemption_certificate"] = certificate
    exempt = values.get("tax_exempt", account.tax_exempt)
    certificate = values.get("tax_exemption_certificate", account.tax_exemption_certificate)
    if exempt and not certificate:
        problems.append(
            Problem(
                ("taxExemptionCertificate",),
                "A tax-exempt account needs its exemption certificate's reference.",
                "REQUIRED",
            )
        )


async def _check_links(
    session: AsyncSession, fields: AccountFields, values: dict[str, Any], problems: list[Problem]
) -> None:
    """The owner must be an active member of staff; the partner must exist."""
    if fields.clear_owner:
        values["owner_id"] = None
    elif fields.owner_id is not None:
        owner = await session.get(User, fields.owner_id)
        if owner is None or not owner.active or owner.role not in STAFF_ROLES:
            problems.append(Problem(("ownerId",), "Choose an active member of staff.", "NOT_FOUND"))
        values["owner_id"] = fields.owner_id
    if fields.clear_partner:
        values["partner_id"] = None
    elif fields.partner_id is not None:
        if await session.get(Partner, fields.partner_id) is None:
            problems.append(Problem(("partnerId",), "No such partner.", "NOT_FOUND"))
        values["partner_id"] = fields.partner_id


async def _has_business(session: AsyncSession, account_id: int | None) -> bool:
    """Whether anything is priced in the account's currency yet (never, before it exists)."""
    if account_id is None:
        return False
    checks = [exists().where(model.account_id == account_id) for model in (Quote, Invoice, Payment)]
    for check in checks:
        if await session.scalar(select(check)):
            return True
    return False


def _snapshot(account: Account) -> dict[str, Any]:
    """The audited fields of an account."""
    return {
        "name": account.name,
        "currency": account.currency,
        "ownerId": account.owner_id,
        "partnerId": account.partner_id,
        "billingEmail": account.billing_email,
        "billingAddress": {
            "line1": account.billing_line1,
            "line2": account.billing_line2,
            "city": account.billing_city,
            "postalCode": account.billing_postal_code,
            "region": account.billing_region,
            "country": account.billing_country,
        },
        "taxId": account.tax_id,
        "paymentTermsDays": account.payment_terms_days,
        "taxExempt": account.tax_exempt,
        "taxExemptionCertificate": account.tax_exemption_certificate,
    }

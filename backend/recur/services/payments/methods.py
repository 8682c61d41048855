"""Saved payment methods and autopay (docs/collections.md, "Payment methods and autopay").

A customer saves a card through the provider's checkout: the browser hands the provider the
card and gets a single-use token; Recur asks the provider to keep the card behind it and
stores only the provider's reference, brand, last four digits and expiry. One method is the
account's default: autopay charges it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import Account, PaymentMethod
from recur.services.accounts import visible_accounts
from recur.services.common import Actor, Forbidden, Invalid, NotAuthenticated, audit, grouped
from recur.services.payments.provider import PaymentProvider

#: When autopay charges an invoice: as soon as it is issued, or on its due date.
ON_ISSUE, ON_DUE_DATE = "ON_ISSUE", "ON_DUE_DATE"
AUTOPAY_TIMINGS = (ON_ISSUE, ON_DUE_DATE)
#: How many methods an account may keep at once.
MAX_METHODS = 10


def require_payer(actor: Actor) -> None:
    """Payment methods are the account's customers' to manage, and finance's and admins'."""
    if actor.is_anonymous:
        raise NotAuthenticated()
    if actor.role not in (Role.CUSTOMER, Role.FINANCE, Role.ADMIN):
        raise Forbidden("Customers and finance manage payment methods.")


async def locked_account(session: AsyncSession, actor: Actor, account_id: int) -> Account:
    """The account, locked, if the actor may manage its payment methods."""
    account = (
        await session.scalars(
            select(Account)
            .where(Account.id == account_id, visible_accounts(actor))
            .with_for_update()
        )
    ).first()
    if account is None:
        raise Invalid.one("accountId", "There is no such account.", "UNKNOWN_ACCOUNT")
    return account


async def _live_methods(session: AsyncSession, account_id: int) -> list[PaymentMethod]:
    return list(
        await session.scalars(
            select(PaymentMethod)
            .where(PaymentMethod.account_id == account_id, PaymentMethod.removed_at.is_(None))
            .order_by(PaymentMethod.id)
        )
    )


async def add_payment_method(
    db: Database,
    actor: Actor,
    provider: PaymentProvider,
    *,
    account_id: int,
    token: str,
    make_default: bool | None,
    now: datetime,
) -> PaymentMethod:
    """Save the card behind ``token``; the first one (or ``make_default``) is the default.
    A card the provider will not keep is refused with its reason."""
    require_payer(actor)
    token = token.strip()
    if not token:
        raise Invalid.one("token", "Enter a card.", "TOKEN_REQUIRED")
    async with db.transaction() as session:
        account = await locked_account(session, actor, account_id)
        methods = await _live_methods(session, account.id)
        if len(methods) >= MAX_METHODS:
            raise Invalid.one(
                "token",
                f"An account keeps at most {MAX_METHODS} payment methods; remove one first.",
                "TOO_MANY_METHODS",
            )
        saved = await provider.save(token=token)
        if saved.decline_reason:
            raise Invalid.one("token", saved.decline_reason, "CARD_REFUSED")
        default = not methods or bool(make_default)
        if default:
            await _clear_default(session, account.id)
        method = PaymentMethod(
            account_id=account.id,
            provider=provider.name,
            reference=saved.reference,
            brand=saved.brand,
            last4=saved.last4,
            exp_month=saved.exp_month,
            exp_year=saved.exp_year,
            is_default=default,
            created_at=now,
        )
        session.add(method)
        await session.flush()
        await audit(
            session,
            actor,
            "payment_method.add",
            ("Account", account.id),
            f"{method.brand} ending {method.last4} saved for {account.name}",
            now=now,
        )
        return method


async def _clear_default(session: AsyncSession, account_id: int) -> None:
    await session.execute(
        update(PaymentMethod)
        .where(PaymentMethod.account_id == account_id, PaymentMethod.is_default.is_(True))
        .values(is_default=False)
    )


async def _locked_method(session: AsyncSession, actor: Actor, method_id: int) -> PaymentMethod:
    method = await session.get(PaymentMethod, method_id)
    if method is not None and method.removed_at is None:
        await locked_account(session, actor, method.account_id)
        return method
    raise Invalid.one("paymentMethodId", "There is no such payment method.", "UNKNOWN_METHOD")


async def set_default_payment_method(
    db: Database, actor: Actor, *, method_id: int, now: datetime
) -> PaymentMethod:
    """Make a saved method the account's default (the one autopay charges)."""
    require_payer(actor)
    async with db.transaction() as session:
        try:
            method = await _locked_method(session, actor, method_id)
        except Invalid:
            raise Invalid.one("id", "There is no such payment method.", "UNKNOWN_METHOD") from None
        await _clear_default(session, method.account_id)
        method.is_default = True
        await session.flush()
        return method


async def remove_payment_method(
    db: Database, actor: Actor, *, method_id: int, now: datetime
) -> Account:
    """Remove a saved method. Removing the default makes the newest other one the default;
    removing the last one turns autopay off (nothing is left to charge)."""
    require_payer(actor)
    async with db.transaction() as session:
        try:
            method = await _locked_method(session, actor, method_id)
        except Invalid:
            raise Invalid.one("id", "There is no such payment method.", "UNKNOWN_METHOD") from None
        account = await session.get_one(Account, method.account_id)
        method.removed_at = now
        was_default, method.is_default = method.is_default, False
        await session.flush()
        rest = await _live_methods(session, account.id)
        if was_default and rest:
            rest[-1].is_default = True
        if not rest and account.autopay:
            account.autopay = False
        await audit(
            session,
            actor,
            "payment_method.remove",
            ("Account", account.id),
            f"{method.brand} ending {method.last4} removed from {account.name}"
            + ("; autopay is off" if not rest else ""),
            now=now,
        )
        await session.flush()
        return account


async def set_autopay(
    db: Database,
    actor: Actor,
    *,
    account_id: int,
    enabled: bool,
    method_id: int | None,
    timing: str | None,
    now: datetime,
) -> Account:
    """Turn autopay on (charging ``method_id``, made the default, or the default method) or
    off; ``timing``: charge invoices when issued or on their due date."""
    require_payer(actor)
    if timing is not None and timing not in AUTOPAY_TIMINGS:
        raise Invalid.one("timing", "Charge when issued or on the due date.", "INVALID_TIMING")
    async with db.transaction() as session:
        account = await locked_account(session, actor, account_id)
        methods = await _live_methods(session, account.id)
        if method_id is not None:
            chosen = next((m for m in methods if m.id == method_id), None)
            if chosen is None:
                raise Invalid.one(
                    "paymentMethodId", "There is no such payment method.", "UNKNOWN_METHOD"
                )
            await _clear_default(session, account.id)
            chosen.is_default = True
        elif enabled and not any(m.is_default for m in methods):
            raise Invalid.one(
                "paymentMethodId",
                "Save a payment method first: autopay charges the default one.",
                "NO_PAYMENT_METHOD",
            )
        before = {"autopay": account.autopay, "timing": account.autopay_timing}
        account.autopay = enabled
        if timing is not None:
            account.autopay_timing = timing
        after = {"autopay": account.autopay, "timing": account.autopay_timing}
        if before != after:
            await audit(
                session,
                actor,
                "account.autopay",
                ("Account", account.id),
                f"Autopay {'on' if enabled else 'off'} for {account.name}",
                now=now,
                before=before,
                after=after,
            )
        await session.flush()
        return account


async def methods_by_account(
    db: Database, account_ids: Sequence[int]
) -> dict[int, list[PaymentMethod]]:
    """Each account's saved methods, the default first (callers reach the accounts
    through visible accounts)."""
    statement = (
        select(PaymentMethod)
        .where(PaymentMethod.account_id.in_(set(account_ids)), PaymentMethod.removed_at.is_(None))
        .order_by(PaymentMethod.account_id, PaymentMethod.is_default.desc(), PaymentMethod.id)
    )
    return await grouped(db, statement, lambda method: method.account_id)


async def methods_by_id(db: Database, ids: Sequence[int]) -> dict[int, PaymentMethod]:
    """Methods by id, removed ones included (an attempt names the method it charged)."""
    async with db.session() as session:
        rows = await session.scalars(select(PaymentMethod).where(PaymentMethod.id.in_(set(ids))))
        return {method.id: method for method in rows}

"""Self-service sign-up: a new account, its first customer user, and a session
(docs/administration.md, "Sign-up"). Such accounts have no owner until a manager assigns a
rep; they are listed with ``unassigned``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from recur.auth.passwords import PasswordChecks, hash_secret
from recur.auth.tokens import TokenSigner
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import Account, User
from recur.services.accounts.authentication import LoginResult, open_session
from recur.services.accounts.validation import (
    check_country,
    check_currency,
    check_email,
    check_name,
    password_problems,
)
from recur.services.common import Actor, Invalid, Problem, account_data, audit, record_event


@dataclass(frozen=True)
class SignUp:
    company_name: str
    name: str
    email: str
    password: str
    currency: str
    country: str


def check_sign_up(form: SignUp) -> SignUp:
    """The form, cleaned (trimmed names, normalised email, upper-case codes), or
    :class:`Invalid` naming every bad field. Cheap: callers check before they count an
    attempt, so that fixing a typo does not spend the address's sign-ups."""
    problems: list[Problem] = []
    cleaned = SignUp(
        company_name=check_name(form.company_name, ("companyName",), problems),
        name=check_name(form.name, ("name",), problems),
        email=check_email(form.email, ("email",), problems),
        password=form.password,
        currency=check_currency(form.currency, ("currency",), problems),
        country=check_country(form.country, ("country",), problems),
    )
    problems += password_problems(form.password, ("password",))
    if problems:
        raise Invalid(problems)
    return cleaned


async def sign_up(
    db: Database,
    signer: TokenSigner,
    form: SignUp,
    *,
    checks: PasswordChecks,
    now: datetime,
    ttl: timedelta,
) -> LoginResult:
    """Make the account and its customer user, then log the user in."""
    form = check_sign_up(form)
    password_hash = await checks.run(hash_secret, form.password)
    try:
        user = await _create(
            db,
            form.company_name,
            form.name,
            form.email,
            password_hash,
            form.currency,
            form.country,
            now=now,
        )
    except IntegrityError:
        # The unique index on emails decides, so two sign-ups racing with one email make
        # one user, and the other hears this rather than an unexpected error.
        raise Invalid.one(
            "email", "A user with this email exists: log in instead.", "TAKEN"
        ) from None
    return await open_session(db, signer, user, now=now, ttl=ttl)


async def _create(
    db: Database,
    company: str,
    name: str,
    email: str,
    password_hash: str,
    currency: str,
    country: str,
    *,
    now: datetime,
) -> User:
    """The account and its customer user, audited, in one transaction."""
    async with db.transaction() as session:
        account = Account(
            name=company,
            currency=currency,
            billing_email=email,
            billing_country=country,
            created_at=now,
        )
        session.add(account)
        await session.flush()
        user = User(
            email=email,
            name=name,
            password_hash=password_hash,
            role=Role.CUSTOMER,
            account_id=account.id,
            active=True,
            created_at=now,
        )
        session.add(user)
        await session.flush()
        await record_event(session, "account.created", account.id, account_data(account), now=now)
        await audit(
            session,
            Actor(user_id=user.id, role=Role.CUSTOMER, account_id=account.id),
            "account.sign_up",
            ("Account", account.id),
            f"{company} signed up",
            now=now,
            after={"name": company, "currency": currency, "country": country},
        )
    return user

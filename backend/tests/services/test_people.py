"""The services behind account and user administration: the input checks, one-time links,
and sessions ended by deactivation, a reset or a password change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from recur.auth.passwords import PasswordChecks
from recur.auth.tokens import TokenSigner
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import AuditEntry, User
from recur.services import accounts
from recur.services.accounts import validation
from recur.services.common import Actor, Invalid, Problem
from tests.conftest import NOW, SECRET

SIGNER = TokenSigner(SECRET)
TTL = timedelta(hours=1)
CHECKS = PasswordChecks(1)
LINK = {"checks": CHECKS, "now": NOW, "ttl": TTL}


def _problems(check, *args):  # type: ignore[no-untyped-def]
    problems: list[Problem] = []
    value = check(*args, problems)
    return value, [problem.code for problem in problems]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("de", ("DE", [])),
        ("GB", ("GB", [])),
        ("XX", ("XX", ["INVALID_COUNTRY"])),
        ("DEU", ("DEU", ["INVALID_COUNTRY"])),
        ("", ("", ["INVALID_COUNTRY"])),
    ],
)
def test_countries_are_iso_3166_alpha_2(code: str, expected: tuple[str, list[str]]) -> None:
    assert _problems(validation.check_country, code, ("country",)) == expected


@pytest.mark.parametrize(
    ("tax_id", "country", "codes"),
    [
        ("DE136695976", "DE", []),
        ("DE 136 695 976", "DE", []),
        ("DE136695977", "DE", ["INVALID_TAX_ID"]),
        ("GB980780684", "GB", []),
        ("CHE-116.281.710 MWST", "CH", []),
        ("12-3456789", "US", []),  # no VAT format known: kept as given
        ("anything", "", []),
        ("x" * 41, "US", ["TOO_LONG"]),
    ],
)
def test_tax_ids_are_checked_where_the_country_has_a_known_format(
    tax_id: str, country: str, codes: list[str]
) -> None:
    problems: list[Problem] = []
    validation.check_tax_id(tax_id, country, problems)
    assert [problem.code for problem in problems] == codes


def test_the_password_rules() -> None:
    assert validation.password_problems("a" * 10, ("p",)) == []
    assert validation.password_problems("a" * 128, ("p",)) == []
    assert [p.code for p in validation.password_problems("a" * 9, ("p",))] == ["PASSWORD_TOO_SHORT"]
    assert [p.code for p in validation.password_problems(" " * 12, ("p",))] == [
        "PASSWORD_TOO_SHORT"
    ]
    assert [p.code for p in validation.password_problems("a" * 129, ("p",))] == [
        "PASSWORD_TOO_LONG"
    ]


def test_an_address_needs_a_country_once_any_line_is_given() -> None:
    problems: list[Problem] = []
    validation.check_address(validation.Address(city="Berlin"), problems)
    assert [problem.field for problem in problems] == [("billingAddress", "country")]
    problems = []
    assert validation.check_address(validation.Address(), problems) == validation.Address()
    assert problems == []


async def _admin(db: Database) -> Actor:
    async with db.session() as session:
        adam = await session.scalar(select(User).where(User.email == "adam@recur.example"))
    assert adam is not None
    return Actor(user_id=adam.id, role=Role.ADMIN)


async def test_deactivating_a_user_revokes_every_session(db: Database) -> None:
    log_in = {"checks": PasswordChecks(at_once=2), "now": NOW, "ttl": TTL}
    first = await accounts.login(db, SIGNER, "rita@recur.example", "recur-demo", **log_in)
    second = await accounts.login(db, SIGNER, "rita@recur.example", "recur-demo", **log_in)
    admin = await _admin(db)

    await accounts.update_user(db, admin, first.user.id, active=False, now=NOW)

    for result in (first, second):
        actor = await accounts.actor_for_token(db, SIGNER, result.token, now=NOW)
        assert actor.is_anonymous
    async with db.session() as session:
        entry = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "user.deactivate")
        )
    assert entry is not None and entry.actor_id == admin.user_id


async def test_a_new_link_replaces_the_earlier_one(db: Database) -> None:
    admin = await _admin(db)
    async with db.session() as session:
        bob = await session.scalar(select(User).where(User.email == "bob@globex.example"))
    assert bob is not None
    earlier = await accounts.create_password_reset(db, admin, bob.id, now=NOW)
    later = await accounts.create_password_reset(db, admin, bob.id, now=NOW)

    with pytest.raises(Invalid) as refused:
        await accounts.set_password_by_link(
            db,
            SIGNER,
            earlier,
            "a-long-password",
            purposes=(accounts.RESET,),
            checks=CHECKS,
            now=NOW,
            ttl=TTL,
        )
    assert refused.value.problems[0].code == "INVALID_LINK"
    result = await accounts.set_password_by_link(
        db,
        SIGNER,
        later,
        "a-long-password",
        purposes=(accounts.RESET,),
        checks=CHECKS,
        now=NOW,
        ttl=TTL,
    )
    assert result.user.email == "bob@globex.example"


async def test_nothing_is_written_when_a_sign_up_is_refused(db: Database) -> None:
    async with db.session() as session:
        users_before = len(list(await session.scalars(select(User.id))))
    form = accounts.SignUp(
        company_name="Taken Ltd",
        name="T",
        email="ALICE@acme.example",
        password="a-long-password",
        currency="USD",
        country="US",
    )
    with pytest.raises(Invalid) as refused:
        await accounts.sign_up(db, SIGNER, form, checks=CHECKS, now=NOW, ttl=TTL)
    assert refused.value.problems[0].field == ("email",)
    async with db.session() as session:
        assert len(list(await session.scalars(select(User.id)))) == users_before

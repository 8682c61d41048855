"""The business settings: the environment's threshold until an admin saves them; staff read
them, admins change them (audited, only what changed); bad percentages name their field."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from recur.db.engine import Database
from recur.db.models import AuditEntry, User
from recur.services.common import (
    Actor,
    Forbidden,
    Invalid,
    current_settings,
    read_settings,
    update_settings,
)
from tests.conftest import NOW

DEFAULT = Decimal(20)


async def _actor(db: Database, email: str) -> Actor:
    async with db.session() as session:
        user = await session.scalar(select(User).where(User.email == email))
    assert user is not None
    return Actor(user_id=user.id, role=user.role, account_id=user.account_id)


async def test_the_environment_decides_until_an_admin_saves(db: Database) -> None:
    before = await current_settings(db, default_threshold=Decimal(25))
    assert (before.approval_threshold_percent, before.updated_at) == (Decimal(25), None)
    adam = await _actor(db, "adam@recur.example")

    saved = await update_settings(
        db,
        adam,
        approval_threshold_percent=None,
        default_renewal_uplift_percent=Decimal("3.5"),
        default_threshold=Decimal(25),
        now=NOW,
    )

    # The threshold was kept as it stood; the environment no longer decides it.
    after = await current_settings(db, default_threshold=Decimal(40))
    assert after.approval_threshold_percent == saved.approval_threshold_percent == Decimal(25)
    assert after.default_renewal_uplift_percent == Decimal("3.5")
    assert after.updated_at == NOW


async def test_only_changed_fields_are_audited_and_no_change_records_nothing(
    db: Database,
) -> None:
    adam = await _actor(db, "adam@recur.example")
    for threshold in (Decimal(15), Decimal("15.00")):
        await update_settings(
            db,
            adam,
            approval_threshold_percent=threshold,
            default_renewal_uplift_percent=Decimal(0),
            default_threshold=DEFAULT,
            now=NOW,
        )
    async with db.session() as session:
        entries = list(await session.scalars(select(AuditEntry)))
    assert [(e.action, e.before, e.after) for e in entries] == [
        ("settings.update", {"approvalThresholdPercent": "20"}, {"approvalThresholdPercent": "15"})
    ]


@pytest.mark.parametrize(
    ("threshold", "uplift", "field", "code"),
    [
        (Decimal("100.5"), None, "approvalThresholdPercent", "OUT_OF_RANGE"),
        (Decimal("-0.01"), None, "approvalThresholdPercent", "OUT_OF_RANGE"),
        (Decimal("sNaN"), None, "approvalThresholdPercent", "OUT_OF_RANGE"),
        (None, Decimal("2.001"), "defaultRenewalUpliftPercent", "TOO_PRECISE"),
        (None, Decimal("1E+3"), "defaultRenewalUpliftPercent", "OUT_OF_RANGE"),
    ],
)
async def test_bad_percentages_are_refused_by_field(
    db: Database, threshold: Decimal | None, uplift: Decimal | None, field: str, code: str
) -> None:
    adam = await _actor(db, "adam@recur.example")
    with pytest.raises(Invalid) as refused:
        await update_settings(
            db,
            adam,
            approval_threshold_percent=threshold,
            default_renewal_uplift_percent=uplift,
            default_threshold=DEFAULT,
            now=NOW,
        )
    assert [(p.field, p.code) for p in refused.value.problems] == [((field,), code)]
    assert (await current_settings(db, default_threshold=DEFAULT)).updated_at is None


async def test_staff_read_admins_change(db: Database) -> None:
    rita, maria = await _actor(db, "rita@recur.example"), await _actor(db, "maria@recur.example")
    alice = await _actor(db, "alice@acme.example")
    assert (
        await read_settings(db, rita, default_threshold=DEFAULT)
    ).approval_threshold_percent == DEFAULT
    with pytest.raises(Forbidden):
        await read_settings(db, alice, default_threshold=DEFAULT)
    with pytest.raises(Forbidden):
        await update_settings(
            db,
            maria,
            approval_threshold_percent=Decimal(50),
            default_renewal_uplift_percent=None,
            default_threshold=DEFAULT,
            now=NOW,
        )

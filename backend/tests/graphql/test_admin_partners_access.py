"""Who may administer partners and settings (docs/administration.md): admins only, except
that all staff read the settings. Everyone else is refused, anonymous callers first of all,
and a refused call writes nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from recur.db.engine import Database
from recur.db.models import AuditEntry, BusinessSettings, Partner, PartnerClient
from tests.conftest import GraphQL
from tests.graphql.test_access import (
    ACTORS,
    ANONYMOUS,
    PARTNER,
    Login,
    error_codes,
    global_id,
    partner_token,
)

STAFF_READERS = {
    "rita@recur.example",
    "sam@recur.example",
    "maria@recur.example",
    "fiona@recur.example",
    "adam@recur.example",
}
ADMIN = "adam@recur.example"

ADMIN_OPERATIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "partners": ("{ partners { edges { node { name } } } }", {}),
    "partnerScopes": ("{ partnerScopes { name } }", {}),
    "createPartner": (
        'mutation { createPartner(input: {name: "Mallory"}) { partner { id } } }',
        {},
    ),
    "setAccountPartner": (
        "mutation($a: ID!) { setAccountPartner(input: {accountId: $a, partnerId: null}) "
        "{ account { name } } }",
        {"a": global_id("Account", 1)},
    ),
    "createPartnerClient": (
        'mutation($p: ID!) { createPartnerClient(input: {partnerId: $p, scopes: ["read"]}) '
        "{ clientSecret } }",
        {"p": global_id("Partner", 1)},
    ),
    "rotatePartnerClientSecret": (
        'mutation { rotatePartnerClientSecret(input: {clientId: "northwind"}) { clientSecret } }',
        {},
    ),
    "revokePartnerClient": (
        'mutation { revokePartnerClient(input: {clientId: "northwind"}) { client { active } } }',
        {},
    ),
    "updateSettings": (
        'mutation { updateSettings(input: {approvalThresholdPercent: "50"}) '
        "{ settings { approvalThresholdPercent } } }",
        {},
    ),
}
SETTINGS = "{ settings { approvalThresholdPercent } }"


@pytest.fixture
def token_for(client: httpx.AsyncClient, login: Login):
    async def run(actor: str) -> str | None:
        if actor == ANONYMOUS:
            return None
        if actor == PARTNER:
            return await partner_token(client)
        return await login(actor)

    return run


async def _written(db: Database) -> tuple[int, ...]:
    async with db.session() as session:
        counts = [
            await session.scalar(select(func.count()).select_from(model))
            for model in (AuditEntry, BusinessSettings, Partner)
        ]
        secrets = tuple(await session.scalars(select(PartnerClient.secret_hash)))
        active = tuple(await session.scalars(select(PartnerClient.active)))
    return (*[int(c or 0) for c in counts], hash(secrets), hash(active))


@pytest.mark.parametrize("actor", [a for a in ACTORS if a != ADMIN])
async def test_only_admins_administer_partners_and_settings(
    gql: GraphQL, token_for, db: Database, actor: str
) -> None:
    token = await token_for(actor)
    before = await _written(db)
    for name, (query, variables) in ADMIN_OPERATIONS.items():
        body = await gql(query, variables, token=token)
        expected = "UNAUTHENTICATED" if actor == ANONYMOUS else "FORBIDDEN"
        assert error_codes(body) == [expected], (name, body)
        assert (body["data"] or {}).get(name) is None
    assert await _written(db) == before


@pytest.mark.parametrize("actor", ACTORS)
async def test_staff_read_the_settings_and_nobody_else(gql: GraphQL, token_for, actor: str) -> None:
    body = await gql(SETTINGS, token=await token_for(actor))
    if actor in STAFF_READERS:
        assert body == {"data": {"settings": {"approvalThresholdPercent": "20.00"}}}
    elif actor == ANONYMOUS:
        assert error_codes(body) == ["UNAUTHENTICATED"]
    else:
        assert error_codes(body) == ["FORBIDDEN"]


async def test_an_admin_may_do_each_of_them(gql: GraphQL, token_for) -> None:
    token = await token_for(ADMIN)
    for name, (query, variables) in ADMIN_OPERATIONS.items():
        body = await gql(query, variables, token=token)
        assert "errors" not in body, (name, body)

"""The events feed over GraphQL: ``events(first, after, types, accountId)``, oldest first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from recur.db import models
from recur.graphql.accounts.types import Account
from recur.graphql.core.context import Info
from recur.graphql.core.ids import pk_of
from recur.graphql.core.pagination import Connection, page_request, to_connection
from recur.graphql.core.permissions import IsAuthenticated
from recur.services import integrations


@strawberry.type(description="A business event (docs/integrations.md lists the types).")
class Event:
    model_: strawberry.Private[models.Event]
    id: strawberry.ID = strawberry.field(
        description="Stable: the same id webhook deliveries carry (evt_…)."
    )
    type: str = strawberry.field(description="e.g. invoice.issued.")
    occurred_at: datetime
    data: dict[str, Any] = strawberry.field(
        graphql_type=JSON, description="What happened: ids, numbers, amounts as strings."
    )

    @classmethod
    def from_model(cls, event: models.Event) -> Event:
        return cls(
            model_=event,
            id=strawberry.ID(event.uid),
            type=event.type,
            occurred_at=event.occurred_at,
            data=event.data,
        )

    @strawberry.field(description="The account it happened to (null for none).")
    async def account(self, info: Info) -> Account | None:
        if self.model_.account_id is None:
            return None
        found = await info.context.loaders.account.load(self.model_.account_id)
        return None if found is None else Account.from_model(found)


@strawberry.type
class EventsQuery:
    @strawberry.field(
        description=(
            "Business events of the accounts you see, oldest first: keep endCursor and ask "
            "after it to hear what happened since. Partners see their accounts' events."
        ),
        permission_classes=[IsAuthenticated],
    )
    async def events(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        types: list[str] | None = None,
        account_id: strawberry.ID | None = None,
    ) -> Connection[Event]:
        ctx = info.context
        account_pk = None
        if account_id is not None:
            # An id that is not an account's matches nothing, as an unknown account does.
            account_pk = pk_of(account_id, "Account") or 0
        page = await integrations.list_events(
            ctx.db, ctx.actor, page_request(first, after), types=types, account_id=account_pk
        )
        return to_connection(page, Event.from_model)

"""Account queries and the viewer."""

from __future__ import annotations

from typing import Annotated

import strawberry

from recur.graphql.accounts.types import Account, Viewer
from recur.graphql.core.context import Info
from recur.graphql.core.ids import pk_of
from recur.graphql.core.node import Node, resolve_node
from recur.graphql.core.pagination import Connection, page_request, to_connection
from recur.graphql.core.permissions import IsAuthenticated
from recur.graphql.core.text_guard import text_argument
from recur.services import accounts


@strawberry.type
class AccountsQuery:
    @strawberry.field(description="Who is logged in; null when anonymous or a partner client.")
    async def viewer(self, info: Info) -> Viewer | None:
        actor = info.context.actor
        if actor.user_id is None:
            return None
        user = await info.context.loaders.user.load(actor.user_id)
        return Viewer.from_model(user) if user else None

    @strawberry.field(
        description="The accounts you may see: a customer their own, a rep those they own, "
        "managers, finance and admins all, a partner client its partner's.",
        permission_classes=[IsAuthenticated],
    )
    async def accounts(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        search: Annotated[str | None, text_argument(200)] = None,
        unassigned: Annotated[
            bool,
            strawberry.argument(
                description="Only accounts without an owning rep (e.g. signed up by themselves)."
            ),
        ] = False,
    ) -> Connection[Account]:
        ctx = info.context
        page = await accounts.list_accounts(
            ctx.db,
            ctx.actor,
            search=search,
            unassigned=unassigned,
            page=page_request(first, after),
        )
        return to_connection(page, Account.from_model)

    @strawberry.field(
        description="One account; null if it does not exist or is not yours to see.",
        permission_classes=[IsAuthenticated],
    )
    async def account(self, info: Info, id: strawberry.ID) -> Account | None:
        pk = pk_of(id, "Account")
        if pk is None:
            return None
        account = await info.context.loaders.account.load(pk)
        return Account.from_model(account) if account else None

    @strawberry.field(description="Any object by its global id; null if it is not yours to see.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await resolve_node(info, id)

"""The events feed: every business event an actor may see, oldest first, a cursor to poll
from (docs/integrations.md, "The events feed")."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from recur.db.engine import Database
from recur.db.models import Account, Event
from recur.services.accounts import require_account_reader, visible_accounts
from recur.services.common import EVENT_TYPES, Actor, Invalid, Page, PageRequest, paginate


async def list_events(
    db: Database,
    actor: Actor,
    page: PageRequest,
    *,
    types: Sequence[str] | None = None,
    account_id: int | None = None,
) -> Page[Event]:
    """Events of the accounts ``actor`` sees, in the order they happened (by id: a poller
    keeps the last cursor and asks ``after`` it). Events of no account (none yet) are for
    those who see every account."""
    require_account_reader(actor)
    if types is not None:
        unknown = sorted(set(types) - EVENT_TYPES.keys())
        if unknown:
            raise Invalid.one(
                "types",
                f"Unknown event type {', '.join(unknown)}; see docs/integrations.md.",
                "UNKNOWN_EVENT_TYPE",
            )
    statement = select(Event)
    if not actor.sees_all_accounts:
        visible = select(Account.id).where(visible_accounts(actor))
        statement = statement.where(Event.account_id.in_(visible))
    if types is not None:
        statement = statement.where(Event.type.in_(list(types)))
    if account_id is not None:
        statement = statement.where(Event.account_id == account_id)
    return await paginate(db, statement, [Event.id], page)

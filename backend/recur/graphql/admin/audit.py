"""The audit log over GraphQL: admins read who changed what, when, before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from recur.db import models
from recur.graphql.core.context import Info
from recur.graphql.core.ids import to_global_id
from recur.graphql.core.pagination import Connection, page_request, to_connection
from recur.graphql.core.permissions import IsAuthenticated
from recur.services.common import audit_log


@strawberry.type(description="One administrative change.")
class AuditEntry:
    id: strawberry.ID
    occurred_at: datetime
    actor_name: str = strawberry.field(
        description="Who made it: a user's name, a partner client, or the system."
    )
    action: str = strawberry.field(description="What was done, e.g. product.create.")
    subject_type: str = strawberry.field(description="What it was done to, e.g. Product.")
    subject_id: strawberry.ID | None = strawberry.field(
        description="The global id of what it was done to."
    )
    summary: str
    before: dict[str, Any] | None = strawberry.field(
        graphql_type=JSON | None, description="The changed fields before."
    )
    after: dict[str, Any] | None = strawberry.field(
        graphql_type=JSON | None, description="The changed fields after."
    )

    @classmethod
    def from_model(cls, entry: models.AuditEntry) -> AuditEntry:
        subject: Any = entry.subject_id
        return cls(
            id=to_global_id("AuditEntry", entry.id),
            occurred_at=entry.occurred_at,
            actor_name=entry.actor_label,
            action=entry.action,
            subject_type=entry.subject_type,
            subject_id=None if subject is None else to_global_id(entry.subject_type, subject),
            summary=entry.summary,
            before=entry.before,
            after=entry.after,
        )


@strawberry.type
class AuditQuery:
    @strawberry.field(
        description="Admins: every administrative change, newest first.",
        permission_classes=[IsAuthenticated],
    )
    async def audit_log(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[AuditEntry]:
        ctx = info.context
        page = await audit_log(ctx.db, ctx.actor, page_request(first, after))
        return to_connection(page, AuditEntry.from_model)

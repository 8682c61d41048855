"""Who is asking: built once per request, handed to every service call."""

from __future__ import annotations

from dataclasses import dataclass, field

from recur.core.roles import ALL_ACCOUNTS_ROLES, STAFF_ROLES, Role

#: The scope a partner client needs to read its customers' accounts.
READ_SCOPE = "read"
#: The scope a partner client needs to manage webhook endpoints for its accounts' events.
WEBHOOKS_SCOPE = "webhooks"
#: The scope a partner client needs to record usage for its customers (docs/usage.md).
USAGE_WRITE_SCOPE = "usage:write"
#: The scope a partner client needs to quote its customers: create and edit quotes, submit
#: them for approval, send, recall and delete them — never approve (docs/partners.md).
QUOTES_WRITE_SCOPE = "quotes:write"
#: Every scope a partner client may be granted, with what it allows (docs/partners.md).
PARTNER_SCOPES = {
    READ_SCOPE: "Read the accounts linked to the partner, with their quotes, orders, "
    "subscriptions and invoices.",
    QUOTES_WRITE_SCOPE: "Create and edit quotes for the accounts linked to the partner, submit "
    "them for approval and send them; a manager of the seller approves.",
    WEBHOOKS_SCOPE: "Register webhook endpoints that hear the partner's accounts' events.",
    USAGE_WRITE_SCOPE: "Record usage of metered items on the accounts linked to the partner.",
}


@dataclass(frozen=True)
class Actor:
    """A logged-in user, a partner client, or nobody (anonymous)."""

    user_id: int | None = None
    role: Role | None = None
    account_id: int | None = None
    partner_id: int | None = None
    client_id: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    session_id: str | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None and self.partner_id is None

    @property
    def is_user(self) -> bool:
        return self.user_id is not None

    @property
    def is_partner(self) -> bool:
        return self.partner_id is not None and self.user_id is None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def sees_all_accounts(self) -> bool:
        return self.role in ALL_ACCOUNTS_ROLES

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles


ANONYMOUS = Actor()

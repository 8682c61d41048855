"""Who may do what: the roles of docs/domain.md."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A user's role. Partner clients are not users and have no role."""

    CUSTOMER = "CUSTOMER"
    REP = "REP"
    MANAGER = "MANAGER"
    FINANCE = "FINANCE"
    ADMIN = "ADMIN"


#: Roles that see every account.
ALL_ACCOUNTS_ROLES = frozenset({Role.MANAGER, Role.FINANCE, Role.ADMIN})
#: Roles of the vendor's own staff (as opposed to customers).
STAFF_ROLES = frozenset({Role.REP, Role.MANAGER, Role.FINANCE, Role.ADMIN})

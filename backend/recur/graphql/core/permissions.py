"""Permissions declared where fields and mutations are declared, so the schema shows them.

Services enforce access themselves too; these make the refusal early and explicit.
"""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from recur.core.roles import Role
from recur.graphql.core.context import Info
from recur.services.common import Forbidden


class IsAuthenticated(BasePermission):
    """A logged-in user or an authenticated partner client."""

    message = "Log in to do this."
    error_extensions = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return not info.context.actor.is_anonymous


class IsUser(BasePermission):
    """A logged-in user (not a partner client)."""

    message = "Log in to do this."
    error_extensions = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        actor = info.context.actor
        if actor.is_partner:
            # Authenticated, but no token scope allows this: FORBIDDEN (docs/partners.md).
            raise Forbidden("A partner client's token does not allow this.")
        return actor.is_user


def has_role(*roles: Role) -> type[BasePermission]:
    """A permission for users of the given roles; others get ``FORBIDDEN``.

    Put it after ``IsUser`` so that anonymous callers hear ``UNAUTHENTICATED`` first."""
    names = ", ".join(role.value for role in roles)

    class HasRole(BasePermission):
        message = f"Only {names} may do this."
        error_extensions = {"code": "FORBIDDEN"}

        def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
            return info.context.actor.role in roles

    HasRole.__name__ = f"HasRole[{names}]"
    return HasRole


def is_user_or_partner_with(scope: str) -> type[BasePermission]:
    """A logged-in user, or a partner client whose token holds ``scope``; a client without
    it gets ``FORBIDDEN`` naming the scope (docs/partners.md). Services check the rest."""

    class IsUserOrPartner(BasePermission):
        message = "Log in to do this."
        error_extensions = {"code": "UNAUTHENTICATED"}

        def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
            actor = info.context.actor
            if actor.is_partner and scope not in actor.scopes:
                raise Forbidden(f"This client's token lacks the '{scope}' scope.")
            return not actor.is_anonymous

    IsUserOrPartner.__name__ = f"IsUserOrPartner[{scope}]"
    return IsUserOrPartner

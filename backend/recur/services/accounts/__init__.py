"""Accounts and users: who sees which accounts and users, logging in and out, and the
actor a token stands for.

May call: common.
"""

from recur.services.accounts.authentication import (
    actor_for_token,
    login,
    logout,
    normalize_email,
)
from recur.services.accounts.reads import (
    accounts_by_id,
    get_account,
    list_accounts,
    users_by_id,
    visible_accounts,
)

__all__ = [
    "accounts_by_id",
    "actor_for_token",
    "get_account",
    "list_accounts",
    "login",
    "logout",
    "normalize_email",
    "users_by_id",
    "visible_accounts",
]

"""Accounts and users: who sees which accounts and users, logging in and out, the actor a
token stands for, and partners with their API clients.

May call: common.
"""

from recur.services.accounts.authentication import (
    actor_for_token,
    login,
    logout,
)
from recur.services.accounts.partner_clients import (
    IssuedCredentials,
    create_partner_client,
    revoke_partner_client,
    rotate_partner_client_secret,
)
from recur.services.accounts.partners import (
    accounts_by_partner,
    clients_by_partner,
    create_partner,
    list_partners,
    set_account_partner,
)
from recur.services.accounts.reads import (
    accounts_by_id,
    get_account,
    list_accounts,
    users_by_id,
    visible_accounts,
)

__all__ = [
    "IssuedCredentials",
    "accounts_by_id",
    "accounts_by_partner",
    "actor_for_token",
    "clients_by_partner",
    "create_partner",
    "create_partner_client",
    "get_account",
    "list_accounts",
    "list_partners",
    "login",
    "logout",
    "revoke_partner_client",
    "rotate_partner_client_secret",
    "set_account_partner",
    "users_by_id",
    "visible_accounts",
]

"""Accounts and users: who sees which accounts and users, logging in and out, the actor a
token stands for; administering accounts and users, one-time password links, sign-up;
partners with their API clients.

May call: common.
"""

from recur.services.accounts.administration import (
    AccountFields,
    create_account,
    list_owners,
    update_account,
)
from recur.services.accounts.authentication import (
    LoginResult,
    actor_for_token,
    login,
    logout,
    normalize_email,
)
from recur.services.accounts.housekeeping import (
    Pruned,
    prune_expired,
)
from recur.services.accounts.links import (
    INVITE,
    RESET,
    set_password_by_link,
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
    partner_choices,
    partner_names,
    partners_by_id,
    set_account_partner,
)
from recur.services.accounts.reads import (
    accounts_by_id,
    get_account,
    list_accounts,
    require_account_reader,
    users_by_id,
    visible_accounts,
)
from recur.services.accounts.signup import (
    SignUp,
    check_sign_up,
    sign_up,
)
from recur.services.accounts.users import (
    Invitation,
    change_password,
    create_admin,
    create_password_reset,
    invite_user,
    list_users,
    update_user,
)
from recur.services.accounts.validation import (
    PASSWORD_MAX_LENGTH,
    PASSWORD_MIN_LENGTH,
    Address,
)

__all__ = [
    "INVITE",
    "PASSWORD_MAX_LENGTH",
    "PASSWORD_MIN_LENGTH",
    "RESET",
    "AccountFields",
    "Address",
    "Invitation",
    "IssuedCredentials",
    "LoginResult",
    "Pruned",
    "SignUp",
    "accounts_by_id",
    "accounts_by_partner",
    "actor_for_token",
    "change_password",
    "check_sign_up",
    "clients_by_partner",
    "create_account",
    "create_admin",
    "create_partner",
    "create_partner_client",
    "create_password_reset",
    "get_account",
    "invite_user",
    "list_accounts",
    "list_owners",
    "list_partners",
    "list_users",
    "login",
    "logout",
    "normalize_email",
    "partner_choices",
    "partner_names",
    "partners_by_id",
    "prune_expired",
    "require_account_reader",
    "revoke_partner_client",
    "rotate_partner_client_secret",
    "set_account_partner",
    "set_password_by_link",
    "sign_up",
    "update_account",
    "update_user",
    "users_by_id",
    "visible_accounts",
]

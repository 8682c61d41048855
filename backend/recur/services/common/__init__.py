"""What every service shares: the actor asking, the errors services raise, pagination,
grouping rows by their parent, document numbers, the audit log, and the business settings.

May call: nothing else in services.
"""

from recur.services.common.actor import (
    ANONYMOUS,
    PARTNER_SCOPES,
    READ_SCOPE,
    USAGE_WRITE_SCOPE,
    Actor,
)
from recur.services.common.audit import (
    audit,
    audit_log,
    changed,
)
from recur.services.common.business_settings import (
    CurrentSettings,
    current_settings,
    default_renewal_uplift,
    read_settings,
    update_settings,
)
from recur.services.common.errors import (
    Forbidden,
    Invalid,
    NotAuthenticated,
    Problem,
    ServiceError,
)
from recur.services.common.grouping import (
    grouped,
)
from recur.services.common.numbering import (
    Sequence as NumberSequence,
)
from recur.services.common.numbering import (
    next_number,
)
from recur.services.common.pagination import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    Page,
    PageRequest,
    decode_cursor,
    encode_cursor,
    paginate,
)

__all__ = [
    "ANONYMOUS",
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "PARTNER_SCOPES",
    "READ_SCOPE",
    "USAGE_WRITE_SCOPE",
    "Actor",
    "CurrentSettings",
    "Forbidden",
    "Invalid",
    "NotAuthenticated",
    "NumberSequence",
    "Page",
    "PageRequest",
    "Problem",
    "ServiceError",
    "audit",
    "audit_log",
    "changed",
    "current_settings",
    "decode_cursor",
    "default_renewal_uplift",
    "encode_cursor",
    "grouped",
    "next_number",
    "paginate",
    "read_settings",
    "update_settings",
]

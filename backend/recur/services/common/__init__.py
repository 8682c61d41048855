"""What every service shares: the actor asking, the errors services raise, pagination,
grouping rows by their parent, document numbers, and the audit log.

May call: nothing else in services.
"""

from recur.services.common.actor import (
    ANONYMOUS,
    READ_SCOPE,
    Actor,
)
from recur.services.common.audit import (
    audit,
    audit_log,
    changed,
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
    "READ_SCOPE",
    "Actor",
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
    "decode_cursor",
    "encode_cursor",
    "grouped",
    "next_number",
    "paginate",
]

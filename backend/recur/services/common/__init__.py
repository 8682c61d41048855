"""What every service shares: the actor asking, the errors services raise, pagination,
grouping rows by their parent, document numbers, the audit log, business events (the outbox),
and the business settings.

May call: nothing else in services.
"""

from recur.services.common.actor import (
    ANONYMOUS,
    PARTNER_SCOPES,
    QUOTES_WRITE_SCOPE,
    READ_SCOPE,
    USAGE_WRITE_SCOPE,
    WEBHOOKS_SCOPE,
    Actor,
)
from recur.services.common.audit import (
    audit,
    audit_log,
    changed,
)
from recur.services.common.business_settings import (
    DUNNING_OUTCOMES,
    CurrentSettings,
    current_settings,
    default_renewal_uplift,
    dunning_settings,
    read_settings,
    reminder_days,
    update_settings,
)
from recur.services.common.date_range import ALL_DATES, DateRange
from recur.services.common.errors import (
    Forbidden,
    Invalid,
    NotAuthenticated,
    Problem,
    ServiceError,
)
from recur.services.common.event_mail import (
    EVENT_MAIL,
    EventMail,
)
from recur.services.common.events import (
    EVENT_TYPES,
    FAILED,
    PENDING,
    SUCCEEDED,
    account_data,
    credit_note_data,
    global_id,
    invoice_data,
    order_created,
    order_data,
    payment_data,
    plain,
    quote_data,
    record_event,
    subscription_data,
    subscription_event,
)
from recur.services.common.grouping import (
    grouped,
)
from recur.services.common.mail import (
    MAIL_FAILED,
    MAIL_KEPT,
    MAIL_PENDING,
    MAIL_SENT,
    MAIL_STATUSES,
    SECRET_VALUES,
    account_name,
    billing_contacts,
    queue_mail,
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
    Computed,
    Ordering,
    Page,
    PageRequest,
    decode_cursor,
    encode_cursor,
    paginate,
    paginate_by,
)
from recur.services.common.parties import (
    bill_to,
    buyer_party,
)
from recur.services.common.quote_mail import (
    QUOTE_STEP_MAIL,
    mail_for_quote_step,
)

__all__ = [
    "ALL_DATES",
    "ANONYMOUS",
    "DEFAULT_PAGE_SIZE",
    "DUNNING_OUTCOMES",
    "EVENT_MAIL",
    "EVENT_TYPES",
    "FAILED",
    "MAIL_FAILED",
    "MAIL_KEPT",
    "MAIL_PENDING",
    "MAIL_SENT",
    "MAIL_STATUSES",
    "MAX_PAGE_SIZE",
    "PARTNER_SCOPES",
    "PENDING",
    "QUOTES_WRITE_SCOPE",
    "QUOTE_STEP_MAIL",
    "READ_SCOPE",
    "SECRET_VALUES",
    "SUCCEEDED",
    "USAGE_WRITE_SCOPE",
    "WEBHOOKS_SCOPE",
    "Actor",
    "Computed",
    "CurrentSettings",
    "DateRange",
    "EventMail",
    "Forbidden",
    "Invalid",
    "NotAuthenticated",
    "NumberSequence",
    "Ordering",
    "Page",
    "PageRequest",
    "Problem",
    "ServiceError",
    "account_data",
    "account_name",
    "audit",
    "audit_log",
    "bill_to",
    "billing_contacts",
    "buyer_party",
    "changed",
    "credit_note_data",
    "current_settings",
    "decode_cursor",
    "default_renewal_uplift",
    "dunning_settings",
    "encode_cursor",
    "global_id",
    "grouped",
    "invoice_data",
    "mail_for_quote_step",
    "next_number",
    "order_created",
    "order_data",
    "paginate",
    "paginate_by",
    "payment_data",
    "plain",
    "queue_mail",
    "quote_data",
    "read_settings",
    "record_event",
    "reminder_days",
    "subscription_data",
    "subscription_event",
    "update_settings",
]

"""Integrations: the events feed, webhook endpoints and their delivery from the outbox;
email's delivery and the Outbox admins read (docs/email.md).

Events themselves are written by every package through ``common.record_event``, in the
transaction of the change they report; this package reads and delivers them
(docs/integrations.md).

May call: common, accounts.
"""

from recur.services.integrations.addresses import Refused, check_destination
from recur.services.integrations.delivery import (
    GIVE_UP_AFTER,
    body_of,
    deliver_due,
    outbox_lag,
    retry_delay,
    sign,
)
from recur.services.integrations.feed import list_events
from recur.services.integrations.mail_delivery import (
    Attachments,
    Mailer,
    brand_of,
    deliver_mail_due,
    sender_of,
)
from recur.services.integrations.outbox import (
    get_mail_message,
    list_mail_messages,
    require_outbox_reader,
)
from recur.services.integrations.webhooks import (
    DeliveryRow,
    create_webhook_endpoint,
    delete_webhook_endpoint,
    deliveries_by_endpoint,
    enable_webhook_endpoint,
    list_webhook_endpoints,
    redeliver_webhook,
    require_webhook_manager,
)

__all__ = [
    "GIVE_UP_AFTER",
    "Attachments",
    "DeliveryRow",
    "Mailer",
    "Refused",
    "body_of",
    "brand_of",
    "check_destination",
    "create_webhook_endpoint",
    "delete_webhook_endpoint",
    "deliver_due",
    "deliver_mail_due",
    "deliveries_by_endpoint",
    "enable_webhook_endpoint",
    "get_mail_message",
    "list_events",
    "list_mail_messages",
    "list_webhook_endpoints",
    "outbox_lag",
    "redeliver_webhook",
    "require_outbox_reader",
    "require_webhook_manager",
    "retry_delay",
    "sender_of",
    "sign",
]

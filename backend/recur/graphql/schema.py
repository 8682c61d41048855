"""The schema, composed from the domain packages, with its limits and caches."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from recur.graphql.accounts.mutations import AccountsMutation
from recur.graphql.accounts.passwords import PasswordsMutation
from recur.graphql.accounts.queries import AccountsQuery
from recur.graphql.accounts.types import Account, User
from recur.graphql.admin.accounts import AccountAdminMutation, AccountAdminQuery
from recur.graphql.admin.audit import AuditQuery
from recur.graphql.admin.catalog import CatalogAdminMutation, CatalogAdminQuery
from recur.graphql.admin.partners import PartnersMutation, PartnersQuery
from recur.graphql.admin.settings import SettingsMutation, SettingsQuery
from recur.graphql.admin.tax_rates import TaxRatesMutation, TaxRatesQuery
from recur.graphql.admin.users import UsersMutation, UsersQuery
from recur.graphql.billing.adjustments import AdjustmentsMutation
from recur.graphql.billing.aging import AgingQuery
from recur.graphql.billing.collections import CollectionsMutation
from recur.graphql.billing.credit_notes import CreditNotesMutation, CreditNotesQuery
from recur.graphql.billing.mutations import (
    BillingMutation,
    PayInvoiceMutation,
    PaymentsMutation,
    PaymentsQuery,
)
from recur.graphql.billing.runs import BillingRunsQuery
from recur.graphql.billing.types import CreditNote, Invoice, Payment
from recur.graphql.catalog.queries import CatalogQuery
from recur.graphql.catalog.types import Price, Product
from recur.graphql.core.cost_limit import ChargeQueryCost
from recur.graphql.core.document_cache import CheckedDocuments
from recur.graphql.core.errors import log_error, should_mask_error
from recur.graphql.core.introspection import IntrospectionSwitch
from recur.graphql.core.operation_name import RequireOperationName
from recur.graphql.core.request_details import MaskUnexpectedErrors, NameTheOperation
from recur.graphql.core.result_cache import CatalogResultCache
from recur.graphql.core.text_guard import CheckTextArguments
from recur.graphql.insights.queries import InsightsQuery
from recur.graphql.integrations.events import EventsQuery
from recur.graphql.integrations.mail import MailQuery
from recur.graphql.integrations.webhooks import WebhooksMutation, WebhooksQuery
from recur.graphql.metrics.queries import MetricsQuery
from recur.graphql.orders.types import Order
from recur.graphql.quotes.cart import CartMutation
from recur.graphql.quotes.drafts import DraftsMutation
from recur.graphql.quotes.mutations import QuotesMutation
from recur.graphql.quotes.queries import QuotesQuery
from recur.graphql.quotes.types import Quote, QuoteLine
from recur.graphql.recommendations.mutations import (
    RecommendationsMutation,
    RecommendationsQuery,
)
from recur.graphql.subscriptions.mutations import (
    SubscriptionChangesMutation,
    SubscriptionChangesQuery,
)
from recur.graphql.subscriptions.renewals import RenewalsQuery
from recur.graphql.subscriptions.types import Subscription
from recur.graphql.usage.mutations import UsageMutation

#: How deep a query may nest, how many aliases and tokens it may have: enough for any
#: screen of the app, far too little for a query built to exhaust the server. Parsing alone
#: costs about 10 ms per 1,000 tokens; the app's largest query has 114, GraphiQL's schema
#: query 183.
MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 1000

# The depth and alias limiters make a new validation rule class per instance, which would
# make every request miss the validation cache (its key includes the rules). Their rules are
# made once here and added by one extension per request.
LIMIT_RULES = [
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
]

Query = merge_types(
    "Query",
    (
        CatalogQuery,
        AccountsQuery,
        QuotesQuery,
        PaymentsQuery,
        AgingQuery,
        BillingRunsQuery,
        CreditNotesQuery,
        SubscriptionChangesQuery,
        RenewalsQuery,
        MetricsQuery,
        AuditQuery,
        CatalogAdminQuery,
        UsersQuery,
        AccountAdminQuery,
        PartnersQuery,
        SettingsQuery,
        EventsQuery,
        WebhooksQuery,
        MailQuery,
        TaxRatesQuery,
        InsightsQuery,
        RecommendationsQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        AccountsMutation,
        CartMutation,
        QuotesMutation,
        DraftsMutation,
        BillingMutation,
        PaymentsMutation,
        PayInvoiceMutation,
        CreditNotesMutation,
        CollectionsMutation,
        AdjustmentsMutation,
        SubscriptionChangesMutation,
        CatalogAdminMutation,
        PasswordsMutation,
        AccountAdminMutation,
        UsersMutation,
        PartnersMutation,
        SettingsMutation,
        WebhooksMutation,
        TaxRatesMutation,
        UsageMutation,
        RecommendationsMutation,
    ),
)


class Schema(strawberry.Schema):
    """Strawberry's schema, logging errors by kind (``core.errors.log_error``) where
    strawberry logs each one as an error with its stack trace."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            log_error(error)


schema = Schema(
    query=Query,
    mutation=Mutation,
    types=[
        Product,
        Price,
        Account,
        User,
        Quote,
        QuoteLine,
        Order,
        Subscription,
        Invoice,
        Payment,
        CreditNote,
    ],
    extensions=[
        lambda: AddValidationRules(LIMIT_RULES),
        IntrospectionSwitch,
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: CheckedDocuments(max_depth=MAX_DEPTH),
        CheckTextArguments,
        RequireOperationName,
        NameTheOperation,
        ChargeQueryCost,
        CatalogResultCache,
        lambda: MaskUnexpectedErrors(should_mask_error=should_mask_error),
    ],
)


def sdl() -> str:
    """The schema in SDL, as committed in ``schema.graphql``."""
    return schema.as_str() + "\n"

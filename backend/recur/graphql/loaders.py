"""DataLoaders, made once per request: every list costs a constant number of queries."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TypeVar

from strawberry.dataloader import DataLoader

from recur.db import models
from recur.db.engine import Database
from recur.services import (
    accounts,
    catalog,
    insights,
    integrations,
    orders,
    payments,
    quotes,
    subscriptions,
)
from recur.services.billing import credit_notes, invoices
from recur.services.common import Actor

K = TypeVar("K")
V = TypeVar("V")


def _by_key(
    fetch: Callable[[Sequence[K]], Awaitable[Mapping[K, V]]], default: V
) -> DataLoader[K, V]:
    async def load(keys: list[K]) -> list[V]:
        found = await fetch(keys)
        return [found.get(key, default) for key in keys]

    return DataLoader(load_fn=load)


async def _mrr_by_key(
    db: Database, keys: Sequence[tuple[int, str, date]]
) -> dict[tuple[int, str, date], Decimal]:
    found: dict[tuple[int, str, date], Decimal] = {}
    for day in {day for _pk, _currency, day in keys}:
        currencies = {pk: currency for pk, currency, on in keys if on == day}
        amounts = await insights.monthly_recurring_by_account(db, currencies, day)
        found.update({(pk, currencies[pk], day): amount for pk, amount in amounts.items()})
    return found


class Loaders:
    """The request's loaders; each one batches the keys asked for in one tick."""

    def __init__(self, db: Database, actor: Actor) -> None:
        self._db = db
        self._deliveries: dict[int, DataLoader[int, list[integrations.DeliveryRow]]] = {}
        self.account: DataLoader[int, models.Account | None] = _by_key(
            lambda ids: accounts.accounts_by_id(db, actor, ids), None
        )
        #: Users reached through an object the actor sees (an account's owner).
        self.user: DataLoader[int, models.User | None] = _by_key(
            lambda ids: accounts.users_by_id(db, ids), None
        )
        #: Users looked up by id: only those the actor may see.
        self.visible_user: DataLoader[int, models.User | None] = _by_key(
            lambda ids: accounts.users_by_id(db, ids, actor), None
        )
        self.product: DataLoader[int, models.Product | None] = _by_key(
            lambda ids: catalog.products_by_id(db, actor, ids), None
        )
        self.price: DataLoader[int, models.Price | None] = _by_key(
            lambda ids: catalog.prices_by_id(db, ids), None
        )
        self.active_prices: DataLoader[int, list[models.Price]] = _by_key(
            lambda ids: catalog.prices_by_product(db, ids), []
        )
        self.all_prices: DataLoader[int, list[models.Price]] = _by_key(
            lambda ids: catalog.prices_by_product(db, ids, include_archived=True), []
        )
        self.upgrades: DataLoader[int, list[int]] = _by_key(
            lambda ids: catalog.upgrade_ids_by_product(db, ids), []
        )
        self.quote: DataLoader[int, models.Quote | None] = _by_key(
            lambda ids: quotes.quotes_by_id(db, actor, ids), None
        )
        self.quote_events: DataLoader[int, list[models.QuoteEvent]] = _by_key(
            lambda ids: quotes.events_by_quote(db, ids), []
        )
        self.order: DataLoader[int, models.Order | None] = _by_key(
            lambda ids: orders.orders_by_id(db, actor, ids), None
        )
        self.order_by_quote: DataLoader[int, models.Order | None] = _by_key(
            lambda ids: orders.orders_by_quote(db, ids), None
        )
        self.subscription: DataLoader[int, models.Subscription | None] = _by_key(
            lambda ids: subscriptions.subscriptions_by_id(db, actor, ids), None
        )
        self.agreed_renewal: DataLoader[int, models.Order | None] = _by_key(
            lambda ids: subscriptions.agreed_renewals(db, ids), None
        )
        self.subscription_items: DataLoader[int, list[models.SubscriptionItem]] = _by_key(
            lambda ids: subscriptions.items_by_subscription(db, ids), []
        )
        self.invoice: DataLoader[int, models.Invoice | None] = _by_key(
            lambda ids: invoices.invoices_by_id(db, actor, ids), None
        )
        self.first_invoice: DataLoader[int, models.Invoice | None] = _by_key(
            lambda ids: invoices.first_invoice_by_order(db, ids), None
        )
        self.invoice_lines: DataLoader[int, list[models.InvoiceLine]] = _by_key(
            lambda ids: invoices.lines_by_invoice(db, ids), []
        )
        self.subscription_events: DataLoader[int, list[models.SubscriptionEvent]] = _by_key(
            lambda ids: subscriptions.events_by_subscription(db, ids), []
        )
        self.scheduled_changes: DataLoader[int, list[models.ScheduledChange]] = _by_key(
            lambda ids: subscriptions.scheduled_by_subscription(db, ids), []
        )
        self.subscription_item: DataLoader[int, models.SubscriptionItem | None] = _by_key(
            lambda ids: subscriptions.items_by_id(db, ids), None
        )
        self.payment: DataLoader[int, models.Payment | None] = _by_key(
            lambda ids: payments.payments_by_id(db, actor, ids), None
        )
        self.payment_applications: DataLoader[int, list[models.PaymentApplication]] = _by_key(
            lambda ids: payments.applications_by_payment(db, ids), []
        )
        #: An account's MRR on a day, keyed by (account id, its currency, the day).
        self.account_mrr: DataLoader[tuple[int, str, date], Decimal] = _by_key(
            lambda keys: _mrr_by_key(db, keys), Decimal(0)
        )
        self.credit_balance: DataLoader[int, Decimal] = _by_key(
            lambda ids: payments.credit_balances(db, ids), Decimal(0)
        )
        self.invoice_payments: DataLoader[int, list[models.PaymentApplication]] = _by_key(
            lambda ids: payments.applications_by_invoice(db, ids), []
        )
        self.credit_note: DataLoader[int, models.CreditNote | None] = _by_key(
            lambda ids: credit_notes.credit_notes_by_id(db, actor, ids), None
        )
        self.credit_note_lines: DataLoader[int, list[models.CreditNoteLine]] = _by_key(
            lambda ids: credit_notes.lines_by_credit_note(db, ids), []
        )
        self.credit_note_applications: DataLoader[int, list[models.CreditNoteApplication]] = (
            _by_key(lambda ids: credit_notes.applications_by_credit_note(db, ids), [])
        )
        #: An account's partner: staff see any, a partner itself, customers none.
        self.partner: DataLoader[int, models.Partner | None] = _by_key(
            lambda ids: accounts.partners_by_id(db, actor, ids), None
        )
        #: Partners' names, for what their clients did (a quote's history).
        self.partner_name: DataLoader[int, str | None] = _by_key(
            lambda ids: accounts.partner_names(db, ids), None
        )
        self.partner_accounts: DataLoader[int, list[models.Account]] = _by_key(
            lambda ids: accounts.accounts_by_partner(db, actor, ids), []
        )
        self.partner_clients: DataLoader[int, list[models.PartnerClient]] = _by_key(
            lambda ids: accounts.clients_by_partner(db, actor, ids), []
        )
        self.invoice_credit_notes: DataLoader[int, list[models.CreditNote]] = _by_key(
            lambda ids: credit_notes.credit_notes_by_invoice(db, ids), []
        )
        self.invoice_credits: DataLoader[int, list[models.CreditNoteApplication]] = _by_key(
            lambda ids: credit_notes.credit_applications_by_invoice(db, ids), []
        )
        self.payment_methods: DataLoader[int, list[models.PaymentMethod]] = _by_key(
            lambda ids: payments.methods_by_account(db, ids), []
        )
        #: Methods reached through an attempt or payment the actor sees (removed ones too).
        self.payment_method: DataLoader[int, models.PaymentMethod | None] = _by_key(
            lambda ids: payments.methods_by_id(db, ids), None
        )
        self.payment_attempts: DataLoader[int, list[models.PaymentAttempt]] = _by_key(
            lambda ids: payments.attempts_by_invoice(db, ids), []
        )
        self.payment_refunds: DataLoader[int, list[models.Refund]] = _by_key(
            lambda ids: payments.refunds_by_payment(db, ids), []
        )

    def webhook_deliveries(self, first: int) -> DataLoader[int, list[integrations.DeliveryRow]]:
        """The latest ``first`` deliveries of each endpoint asked for, in one statement."""
        if first not in self._deliveries:
            db = self._db
            self._deliveries[first] = _by_key(
                lambda ids: integrations.deliveries_by_endpoint(db, ids, first), []
            )
        return self._deliveries[first]

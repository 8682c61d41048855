"""The demo data the README lists: users of every role, three accounts, a partner, a catalog.

Loaded only into an empty database, never over existing data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from recur.auth.passwords import hash_secret
from recur.clock import SystemClock
from recur.core.catalog import BillingPeriod, ProductKind
from recur.core.pricing import PricingModel
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import (
    Account,
    MailMessage,
    Partner,
    PartnerClient,
    Price,
    PriceTier,
    Product,
    User,
    product_upgrades,
)
from recur.demo_history import load_history
from recur.services.common import MAIL_KEPT, MAIL_PENDING

DEMO_PASSWORD = "recur-demo"  # noqa: S105  (published in the README)
PARTNER_CLIENT_ID = "northwind"
PARTNER_CLIENT_SECRET = "northwind-demo-secret"  # noqa: S105  (published in docs/partners.md)

MONTH, YEAR, ONCE = BillingPeriod.MONTH, BillingPeriod.YEAR, BillingPeriod.ONE_TIME
SUB, ONE = ProductKind.SUBSCRIPTION, ProductKind.ONE_TIME
D = Decimal

#: (up_to, unit amount, flat amount) rows of a tiered or volume price.
TierRows = tuple[tuple[int | None, str, str], ...]


@dataclass(frozen=True)
class DemoPrice:
    period: BillingPeriod
    model: PricingModel
    usd: str | TierRows
    eur: str | TierRows


@dataclass(frozen=True)
class DemoProduct:
    sku: str
    name: str
    category: str
    kind: ProductKind
    description: str
    prices: tuple[DemoPrice, ...]


def flat(period: BillingPeriod, usd: str, eur: str) -> DemoPrice:
    return DemoPrice(period, PricingModel.FLAT, usd, eur)


def per_unit(period: BillingPeriod, usd: str, eur: str) -> DemoPrice:
    return DemoPrice(period, PricingModel.PER_UNIT, usd, eur)


CATALOG: tuple[DemoProduct, ...] = (
    DemoProduct(
        "PLAT-CORE",
        "Platform Core",
        "Platform",
        SUB,
        "The subscription-commerce workspace: catalog, quotes, orders and billing for one "
        "business entity, with 99.9 % uptime.",
        (flat(MONTH, "490", "450"), flat(YEAR, "4900", "4500")),
    ),
    DemoProduct(
        "PLAT-ENT",
        "Platform Enterprise",
        "Platform",
        SUB,
        "Everything in Core plus multiple entities, sandbox copies, audit exports and a "
        "99.95 % uptime commitment.",
        (flat(MONTH, "1490", "1390"), flat(YEAR, "14900", "13900")),
    ),
    DemoProduct(
        "SEAT-STD",
        "Standard Seats",
        "Seats",
        SUB,
        "Named users for sales and finance teams. Priced per seat.",
        (per_unit(MONTH, "25", "23"), per_unit(YEAR, "250", "230")),
    ),
    DemoProduct(
        "SEAT-PRO",
        "Professional Seats",
        "Seats",
        SUB,
        "Named users with approvals, forecasting and advanced reporting. Priced per seat.",
        (per_unit(MONTH, "45", "42"), per_unit(YEAR, "450", "420")),
    ),
    DemoProduct(
        "API-REQ",
        "API Requests",
        "Usage",
        SUB,
        "Blocks of 10,000 API requests a month, priced on a graduated scale: each block is "
        "charged at the rate of the band it falls in.",
        (
            DemoPrice(
                MONTH,
                PricingModel.TIERED,
                ((10, "20", "0"), (50, "15", "0"), (None, "10", "0")),
                ((10, "18", "0"), (50, "14", "0"), (None, "9", "0")),
            ),
        ),
    ),
    DemoProduct(
        "STORAGE",
        "Cloud Storage",
        "Usage",
        SUB,
        "Document storage in blocks of 100 GB. Volume pricing: the whole volume is charged at "
        "the rate of the band the total falls in, plus the band's base fee.",
        (
            # Each band's base fee makes its first block cost more than the band before's
            # last: buying more never costs less in total (docs/administration.md).
            DemoPrice(
                MONTH,
                PricingModel.VOLUME,
                ((10, "12", "0"), (50, "9", "30"), (None, "6", "180")),
                ((10, "11", "0"), (50, "8", "30"), (None, "5.5", "155")),
            ),
        ),
    ),
    DemoProduct(
        "SMS",
        "Transactional SMS",
        "Usage",
        SUB,
        "Invoice and payment reminders by text message, per message sent.",
        (per_unit(MONTH, "0.0125", "0.0115"),),
    ),
    DemoProduct(
        "ANALYTICS",
        "Revenue Analytics",
        "Add-ons",
        SUB,
        "MRR, churn and cohort dashboards with scheduled board reports.",
        (flat(MONTH, "199", "185"), flat(YEAR, "1990", "1850")),
    ),
    DemoProduct(
        "SSO",
        "SSO & SCIM",
        "Add-ons",
        SUB,
        "Single sign-on with SAML or OIDC and automatic user provisioning.",
        (flat(MONTH, "150", "140"), flat(YEAR, "1500", "1400")),
    ),
    DemoProduct(
        "SANDBOX",
        "Sandbox Environment",
        "Add-ons",
        SUB,
        "A full copy of your workspace for testing integrations and price changes.",
        (flat(MONTH, "99", "95"),),
    ),
    DemoProduct(
        "SUPPORT-PREM",
        "Premium Support",
        "Support",
        SUB,
        "A named support engineer, one-hour response for urgent issues, quarterly reviews. "
        "Billed yearly.",
        (flat(YEAR, "6000", "5500"),),
    ),
    DemoProduct(
        "ONBOARD",
        "Onboarding Package",
        "Services",
        ONE,
        "Six guided sessions to configure your catalog, price books and invoice templates.",
        (flat(ONCE, "2500", "2300"),),
    ),
    DemoProduct(
        "TRAINING",
        "Admin Training",
        "Services",
        ONE,
        "A one-day workshop for administrators, priced per attendee.",
        (per_unit(ONCE, "350", "325"),),
    ),
    DemoProduct(
        "MIGRATION",
        "Data Migration",
        "Services",
        ONE,
        "Import of customers, contracts and open invoices from your old system, per 1,000 "
        "records, with a set-up fee in the first band.",
        (
            DemoPrice(
                ONCE,
                PricingModel.TIERED,
                ((10, "40", "500"), (100, "25", "0"), (None, "10", "0")),
                ((10, "37", "460"), (100, "23", "0"), (None, "9", "0")),
            ),
        ),
    ),
)

#: Upgrade paths, for upgrades and recommendations.
UPGRADES = (("PLAT-CORE", "PLAT-ENT"), ("SEAT-STD", "SEAT-PRO"))


async def is_empty(db: Database) -> bool:
    """Whether the database holds no users and no products yet."""
    async with db.session() as session:
        users = await session.scalar(select(func.count()).select_from(User))
        products = await session.scalar(select(func.count()).select_from(Product))
    return not users and not products


async def load_demo(db: Database, today: date | None = None) -> bool:
    """Load the demo data if the database is empty; ``False`` (and nothing written) if not.

    The history (orders, subscriptions, invoices, quotes in flight) is dated in the months
    before ``today`` (default: the current date).
    """
    if not await is_empty(db):
        return False
    async with db.transaction() as session:
        products = _catalog(session)
        await session.flush()
        await session.execute(
            product_upgrades.insert(),
            [{"product_id": products[a].id, "upgrade_id": products[b].id} for a, b in UPGRADES],
        )
        await _people(session)
    await load_history(db, today or SystemClock().today())
    # The history's email is not news: kept for the Outbox, never sent (docs/email.md).
    async with db.transaction() as session:
        await session.execute(
            update(MailMessage).where(MailMessage.status == MAIL_PENDING).values(status=MAIL_KEPT)
        )
    return True


def _catalog(session: AsyncSession) -> dict[str, Product]:
    products: dict[str, Product] = {}
    for item in CATALOG:
        product = Product(
            sku=item.sku,
            name=item.name,
            description=item.description,
            category=item.category,
            kind=item.kind,
        )
        for demo_price in item.prices:
            for currency, amounts in (("USD", demo_price.usd), ("EUR", demo_price.eur)):
                product.prices.append(_price(currency, demo_price, amounts))
        session.add(product)
        products[item.sku] = product
    return products


def _price(currency: str, demo_price: DemoPrice, amounts: str | TierRows) -> Price:
    if isinstance(amounts, str):
        return Price(
            currency=currency,
            billing_period=demo_price.period,
            model=demo_price.model,
            unit_amount=D(amounts),
        )
    return Price(
        currency=currency,
        billing_period=demo_price.period,
        model=demo_price.model,
        unit_amount=None,
        tiers=[
            PriceTier(position=i, up_to=up_to, unit_amount=D(unit), flat_amount=D(flat_fee))
            for i, (up_to, unit, flat_fee) in enumerate(amounts)
        ],
    )


async def _people(session: AsyncSession) -> None:
    password_hash = hash_secret(DEMO_PASSWORD)

    def user(email: str, name: str, role: Role, account: Account | None = None) -> User:
        return User(email=email, name=name, role=role, account=account, password_hash=password_hash)

    rita = user("rita@recur.example", "Rita Reyes", Role.REP)
    sam = user("sam@recur.example", "Sam Okafor", Role.REP)
    staff = [
        rita,
        sam,
        user("maria@recur.example", "Maria Lindqvist", Role.MANAGER),
        user("fiona@recur.example", "Fiona Chen", Role.FINANCE),
        user("adam@recur.example", "Adam Novak", Role.ADMIN),
    ]
    session.add_all(staff)
    await session.flush()

    northwind = Partner(name="Northwind")
    northwind.clients.append(
        PartnerClient(
            client_id=PARTNER_CLIENT_ID,
            secret_hash=hash_secret(PARTNER_CLIENT_SECRET),
            scopes="read",
        )
    )
    acme = Account(
        name="Acme Corp",
        currency="USD",
        owner_id=rita.id,
        payment_terms_days=30,
        tax_rate_percent=D("8.25"),
        notes="Expanding to a second region next year.",
    )
    globex = Account(
        name="Globex GmbH",
        currency="EUR",
        owner_id=rita.id,
        partner=northwind,
        payment_terms_days=14,
        tax_rate_percent=D("19"),
        notes="Buys through Northwind; prefers yearly terms.",
    )
    initech = Account(
        name="Initech",
        currency="USD",
        owner_id=sam.id,
        payment_terms_days=45,
        tax_rate_percent=D("0"),
        notes="Price-sensitive; asked about volume discounts.",
    )
    session.add_all([northwind, acme, globex, initech])
    await session.flush()
    session.add_all(
        [
            user("alice@acme.example", "Alice Moreau", Role.CUSTOMER, acme),
            user("bob@globex.example", "Bob Keller", Role.CUSTOMER, globex),
            user("carol@initech.example", "Carol Nguyen", Role.CUSTOMER, initech),
        ]
    )

"""Accounts (the businesses that buy), their users, and partners with API clients."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recur.core.roles import Role
from recur.db.base import Base, TimestampMixin
from recur.db.types import ScaledDecimal, UTCDateTime


class Partner(TimestampMixin, Base):
    """A reseller or integrator that sees the accounts linked to it."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)

    clients: Mapped[list[PartnerClient]] = relationship(back_populates="partner")


class PartnerClient(TimestampMixin, Base):
    """OAuth2 client credentials of a partner. Only a hash of the secret is kept."""

    __tablename__ = "partner_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    client_id: Mapped[str] = mapped_column(String(100), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(200))
    #: Space-separated scopes this client may ask for.
    scopes: Mapped[str] = mapped_column(String(500), default="read")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    partner: Mapped[Partner] = relationship(back_populates="clients")


class Account(TimestampMixin, Base):
    """A business customer. Everything it buys is billed in its currency."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", use_alter=True), index=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    payment_terms_days: Mapped[int] = mapped_column(Integer, default=30)
    #: Sales tax or VAT in percent, applied to each invoice's subtotal.
    tax_rate_percent: Mapped[Decimal] = mapped_column(ScaledDecimal(4), default=Decimal(0))
    #: Internal notes of the sales team; never shown to customers or partners.
    notes: Mapped[str] = mapped_column(Text, default="")
    #: Where invoices are sent, and the address and tax id printed on them
    #: (docs/administration.md, "Accounts"). Empty strings when not given.
    billing_email: Mapped[str] = mapped_column(String(320), default="", server_default="")
    billing_line1: Mapped[str] = mapped_column(String(200), default="", server_default="")
    billing_line2: Mapped[str] = mapped_column(String(200), default="", server_default="")
    billing_city: Mapped[str] = mapped_column(String(100), default="", server_default="")
    billing_postal_code: Mapped[str] = mapped_column(String(20), default="", server_default="")
    billing_region: Mapped[str] = mapped_column(String(100), default="", server_default="")
    #: ISO 3166-1 alpha-2.
    billing_country: Mapped[str] = mapped_column(String(2), default="", server_default="")
    tax_id: Mapped[str] = mapped_column(String(40), default="", server_default="")
    #: Exempt from tax (a reseller, a charity), with the exemption certificate's reference
    #: printed on its invoices (docs/billing.md, "Tax").
    tax_exempt: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    tax_exemption_certificate: Mapped[str] = mapped_column(
        String(100), default="", server_default=""
    )

    #: Autopay: open invoices are charged to the default payment method, when issued
    #: (``ON_ISSUE``) or on their due date (``ON_DUE_DATE``) (docs/collections.md).
    autopay: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    autopay_timing: Mapped[str] = mapped_column(
        String(20), default="ON_ISSUE", server_default="ON_ISSUE"
    )

    partner: Mapped[Partner | None] = relationship()


class User(TimestampMixin, Base):
    """Somebody who logs in: a customer's employee or one of our staff."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    account: Mapped[Account | None] = relationship(foreign_keys=[account_id])


class UserSession(TimestampMixin, Base):
    """A login. Tokens name their session, so logging out revokes the token for good."""

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class UserToken(TimestampMixin, Base):
    """A one-time link to set a password: an invitation or a password reset.

    Only a SHA-256 hash of the token is kept; the link is the only copy of the token.
    """

    __tablename__ = "user_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: ``invite`` or ``reset``.
    purpose: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

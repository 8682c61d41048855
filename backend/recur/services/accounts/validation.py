"""The checks account and user input goes through: emails, countries, addresses, tax ids
and passwords (docs/administration.md states the rules)."""

from __future__ import annotations

from dataclasses import dataclass

import pycountry
from email_validator import EmailNotValidError, validate_email
from stdnum import get_cc_module
from stdnum.exceptions import ValidationError

from recur.core.money import MINOR_UNITS
from recur.services.common import Problem

#: Password rules: long enough to resist guessing, short enough to hash cheaply.
PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 128
NAME_MAX_LENGTH = 200
MAX_PAYMENT_TERMS_DAYS = 365


@dataclass(frozen=True)
class Address:
    """A billing address; ``country`` is ISO 3166-1 alpha-2."""

    line1: str = ""
    line2: str = ""
    city: str = ""
    postal_code: str = ""
    region: str = ""
    country: str = ""


#: The longest each address field may be (the column lengths).
ADDRESS_LIMITS = {"line1": 200, "line2": 200, "city": 100, "postal_code": 20, "region": 100}


def check_name(value: str, field: tuple[str, ...], problems: list[Problem]) -> str:
    """A required name, trimmed, at most ``NAME_MAX_LENGTH`` characters."""
    name = value.strip()
    if not name:
        problems.append(Problem(field, "Enter a name.", "REQUIRED"))
    elif len(name) > NAME_MAX_LENGTH:
        problems.append(Problem(field, f"At most {NAME_MAX_LENGTH} characters.", "TOO_LONG"))
    return name


def check_email(value: str, field: tuple[str, ...], problems: list[Problem]) -> str:
    """An email address in its normalized, lower-case form ('' when refused)."""
    try:
        checked = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError:
        problems.append(Problem(field, "Enter a valid email address.", "INVALID_EMAIL"))
        return ""
    return checked.normalized.lower()


def check_country(value: str, field: tuple[str, ...], problems: list[Problem]) -> str:
    """An ISO 3166-1 alpha-2 country code, upper case."""
    code = value.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        problems.append(
            Problem(field, "Use an ISO 3166-1 alpha-2 country code, e.g. DE.", "INVALID_COUNTRY")
        )
    return code


def check_currency(value: str, field: tuple[str, ...], problems: list[Problem]) -> str:
    """One of the currencies Recur bills in."""
    code = value.strip().upper()
    if code not in MINOR_UNITS:
        supported = ", ".join(sorted(MINOR_UNITS))
        problems.append(Problem(field, f"Use one of {supported}.", "INVALID_CURRENCY"))
    return code


def check_address(address: Address, problems: list[Problem]) -> Address:
    """Trimmed fields within their lengths; a country is required once any field is given."""
    values = {name: getattr(address, name).strip() for name in ADDRESS_LIMITS}
    for name, limit in ADDRESS_LIMITS.items():
        if len(values[name]) > limit:
            field = ("billingAddress", _camel(name))
            problems.append(Problem(field, f"At most {limit} characters.", "TOO_LONG"))
    country = address.country.strip()
    if country or any(values.values()):
        country = check_country(country, ("billingAddress", "country"), problems)
    return Address(country=country, **values)


def check_tax_id(value: str, country: str, problems: list[Problem]) -> str:
    """A tax id in its compact form, checked against the country's VAT number format where
    python-stdnum knows one; kept as given (trimmed) elsewhere."""
    tax_id = value.strip()
    if not tax_id:
        return ""
    if len(tax_id) > 40:
        problems.append(Problem(("taxId",), "At most 40 characters.", "TOO_LONG"))
        return tax_id
    module = get_cc_module(country.lower(), "vat") if country else None
    if module is None:
        return tax_id
    try:
        module.validate(tax_id)
    except ValidationError:
        problems.append(
            Problem(("taxId",), f"This is not a valid tax id for {country}.", "INVALID_TAX_ID")
        )
    return tax_id


def check_payment_terms(days: int, problems: list[Problem]) -> int:
    if not 0 <= days <= MAX_PAYMENT_TERMS_DAYS:
        problems.append(
            Problem(
                ("paymentTermsDays",),
                f"Between 0 and {MAX_PAYMENT_TERMS_DAYS} days.",
                "OUT_OF_RANGE",
            )
        )
    return days


def password_problems(password: str, field: tuple[str, ...]) -> list[Problem]:
    """The password rules: ``PASSWORD_MIN_LENGTH`` to ``PASSWORD_MAX_LENGTH`` characters,
    not only spaces."""
    if len(password) < PASSWORD_MIN_LENGTH or not password.strip():
        message = f"Use at least {PASSWORD_MIN_LENGTH} characters."
        return [Problem(field, message, "PASSWORD_TOO_SHORT")]
    if len(password) > PASSWORD_MAX_LENGTH:
        message = f"Use at most {PASSWORD_MAX_LENGTH} characters."
        return [Problem(field, message, "PASSWORD_TOO_LONG")]
    return []


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)

"""How a setting's text becomes its value: durations, times of day, addresses, key lists,
mail and public URLs (docs/operations.md, "Configuration"). Each parser leaves a value
that is not text as it is, and refuses bad text with a message the start-up error shows
beside the variable's name."""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

_DURATION = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
_OFF = {"", "off", "none", "false", "0"}


def parse_duration(value: object) -> object:
    """Seconds (``28800``) or a duration in days, hours, minutes, seconds (``8h``, ``1h30m``)."""
    if not isinstance(value, str):
        return value
    text = value.strip().lower()
    if text.isdigit():
        return int(text)
    match = _DURATION.fullmatch(text)
    if not text or match is None:
        raise PydanticCustomError(
            "duration", "must be seconds or a duration such as 8h, 30m or 1h30m"
        )
    days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def parse_billing_time(value: object) -> object:
    """``HH:MM`` in UTC, or ``off`` (also ``none``, ``false``, ``0``, empty) for no daily run."""
    if not isinstance(value, str):
        return value
    text = value.strip().lower()
    if text in _OFF:
        return None
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise PydanticCustomError("billing_time", "must be HH:MM (UTC) or off") from None


def parse_address(value: object) -> object:
    """One variable, the address's lines separated by semicolons."""
    if isinstance(value, str):
        value = value.split(";")
    if isinstance(value, list | tuple):
        return tuple(line.strip() for line in value if str(line).strip())
    return value


def parse_key_list(value: object) -> object:
    """Keys separated by commas (a key made as the docs say never contains one)."""
    if isinstance(value, str):
        return tuple(key.strip() for key in value.split(",") if key.strip())
    return value


def parse_smtp_url(value: object) -> object:
    """``smtp://…`` or ``smtps://…`` naming a host, or empty (email kept, not sent)."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    parts = urlsplit(text)
    if text and (parts.scheme not in ("smtp", "smtps") or not parts.hostname):
        raise PydanticCustomError("smtp_url", "must be smtp://host:port or smtps://host:port")
    return text


def parse_public_url(value: object) -> object:
    """An ``http(s)://`` address, without a trailing slash."""
    if not isinstance(value, str):
        return value
    text = value.strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PydanticCustomError("public_url", "must be an http:// or https:// address")
    return text


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


Duration = Annotated[int, BeforeValidator(parse_duration), Field(gt=0)]
Stripped = Annotated[str, BeforeValidator(_strip)]

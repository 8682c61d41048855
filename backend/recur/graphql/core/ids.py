"""Global object ids (Relay): base64 of ``Type:primary key``, opaque to clients."""

from __future__ import annotations

import base64
import binascii

import strawberry

from recur.services.common import Invalid

#: Primary keys are 32-bit integers on every database.
MAX_PK = 2**31 - 1


def to_global_id(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(base64.b64encode(f"{type_name}:{pk}".encode()).decode())


def from_global_id(global_id: str) -> tuple[str, int] | None:
    """``(type name, primary key)``, or ``None`` for anything that is not one of our ids."""
    try:
        decoded = base64.b64decode(global_id.encode(), validate=True).decode()
    except (binascii.Error, UnicodeError, ValueError):
        return None
    type_name, _, pk = decoded.partition(":")
    if not type_name or not (pk.isascii() and pk.isdigit()) or int(pk) > MAX_PK:
        return None
    return type_name, int(pk)


def pk_of(global_id: str, type_name: str) -> int | None:
    """The primary key if ``global_id`` names an object of ``type_name``, else ``None``."""
    parsed = from_global_id(global_id)
    if parsed is None or parsed[0] != type_name:
        return None
    return parsed[1]


def pk_arg(value: strawberry.ID, type_name: str, field: str) -> int:
    """The primary key ``value`` names, or a refusal of the input ``field`` (``INVALID_ID``)."""
    pk = pk_of(value, type_name)
    if pk is None:
        raise Invalid.one(field, f"{field} is not the id of a {type_name}.", "INVALID_ID")
    return pk

"""The business settings in force, read once per request (docs/administration.md,
"Settings"): the stored ones, or the environment's defaults until an admin saves them."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from recur.graphql.core.context import Info
from recur.services.common import CurrentSettings, current_settings

_KEY = "business-settings"


async def business_settings(info: Info) -> CurrentSettings:
    """The settings, read at most once per request: the fields resolving at the same time
    (a page of quotes pricing itself) share the one read in flight."""
    ctx = info.context
    reading = ctx.extra.get(_KEY)
    if reading is None:
        default = Decimal(ctx.settings.approval_threshold_percent)
        reading = asyncio.ensure_future(current_settings(ctx.db, default_threshold=default))
        ctx.extra[_KEY] = reading
    settings: CurrentSettings = await reading
    return settings


async def approval_threshold(info: Info) -> Decimal:
    """The percentage above which a discount or a reduction needs a manager's approval."""
    return (await business_settings(info)).approval_threshold_percent

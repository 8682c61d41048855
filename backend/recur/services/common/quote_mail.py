"""The emails of a quote's approval: the managers hear of a request, the rep of the answer
(docs/email.md). These are internal steps, not business events: partners and customers
never see them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from recur.db.models import Quote, User
from recur.services.common.events import plain, quote_data
from recur.services.common.mail import account_name, managers, queue_mail, rep_of, user_name

#: The quote steps that email somebody, by ``QuoteAction`` value.
QUOTE_STEP_MAIL = {
    "SUBMIT": "quote_approval_requested",
    "APPROVE": "quote_approved",
    "REJECT": "quote_rejected",
}


async def mail_for_quote_step(
    session: AsyncSession,
    quote: Quote,
    action: str,
    actor_user_id: int | None,
    comment: str,
    *,
    now: datetime,
) -> None:
    """Queue the email of a quote step, if it has one; whoever took the step is not told
    of it."""
    kind = QUOTE_STEP_MAIL.get(action)
    if kind is None:
        return
    if action == "SUBMIT":
        recipients = await managers(session)
    else:
        recipients = await rep_of(session, quote.created_by_id, quote.account_id)
    actor = await session.get(User, actor_user_id) if actor_user_id is not None else None
    if actor is not None:
        recipients = [r for r in recipients if r.lower() != actor.email.lower()]
    name = await user_name(session, actor_user_id)
    context: dict[str, Any] = {
        **quote_data(quote),
        "account": {"name": await account_name(session, quote.account_id)},
        "requester": name,
        "approver": name,
        "reason": comment,
    }
    await queue_mail(
        session, kind, recipients, plain(context), now=now, account_id=quote.account_id
    )

"""``GET /documents/invoices/{number}.pdf``, ``/documents/credit-notes/{number}.pdf`` and
``/documents/quotes/{number}.pdf``: the PDF of an invoice, a credit note or a quote, for
whoever may see it.

The app links to it, so the session cookie alone is enough here: a link cannot send the
CSRF header, and none is needed: the request changes nothing, and the SameSite=Lax cookie
goes along only when the browser itself opens the URL, whose answer no other site can read.
Partners and scripts send their bearer token. Another account's invoice answers exactly as
an unknown number does.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable
from datetime import datetime
from typing import Protocol

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from recur.db.engine import Database
from recur.documents import BillingDocument, Party, render_pdf
from recur.services import invoicing, workflow
from recur.services.billing import credit_note_document, invoice_document
from recur.services.common import Actor
from recur.settings import Settings
from recur.web.authentication import app_actor

NO_STORE = {"cache-control": "private, no-store"}
#: What a document number looks like (``INV-000042``, ``CN-000007``; 20 characters at most,
#: as its column). Anything else names no document and is answered as an unknown number
#: without asking the database, which could not even hold some of it (a NUL, say).
DOCUMENT_NUMBER = re.compile(r"[A-Z]{1,8}-[0-9]{1,11}")


class FindDocument(Protocol):
    """A service function giving a document by number, or ``None`` if the actor may not
    see it (``services.documents``)."""

    def __call__(
        self, db: Database, actor: Actor, number: str, *, seller: Party, generated_at: datetime
    ) -> Awaitable[BillingDocument | None]: ...


async def invoice_pdf(request: Request) -> Response:
    return await document_pdf(request, invoice_document, "There is no such invoice.")


async def credit_note_pdf(request: Request) -> Response:
    return await document_pdf(request, credit_note_document, "There is no such credit note.")


async def quote_pdf(request: Request) -> Response:
    return await document_pdf(request, workflow.quote_document, "There is no such quote.")


async def document_pdf(request: Request, find: FindDocument, not_found: str) -> Response:
    """The PDF of the document numbered in the path, if the sender may see it."""
    state = request.app.state
    actor = await app_actor(request, require_csrf=False)
    if actor.is_anonymous:
        return JSONResponse(
            {"message": "Log in to see this document.", "code": "NOT_AUTHENTICATED"},
            status_code=401,
            headers={**NO_STORE, "www-authenticate": "Bearer"},
        )
    number = request.path_params["number"]
    document = (
        await find(
            state.db, actor, number, seller=seller(state.settings), generated_at=state.clock.now()
        )
        if DOCUMENT_NUMBER.fullmatch(number)
        else None
    )
    if document is None:
        return JSONResponse(
            {"message": not_found, "code": "NOT_FOUND"}, status_code=404, headers=NO_STORE
        )
    content = await run_in_threadpool(render_pdf, document)
    return Response(
        content,
        media_type="application/pdf",
        headers={**NO_STORE, "content-disposition": f'inline; filename="{document.filename}"'},
    )


def seller_details(settings: Settings) -> invoicing.SellerDetails:
    """The seller as configured, as documents issued from now on record it."""
    return invoicing.SellerDetails(
        name=settings.seller_name,
        address=tuple(settings.seller_address),
        email=settings.seller_email,
        tax_id=settings.seller_tax_id,
        country=settings.seller_country,
    )


def seller(settings: Settings) -> Party:
    """Recur as the issuer of its documents (``RECUR_SELLER_*``)."""
    return invoicing.seller_party(
        settings.seller_name, settings.seller_address, settings.seller_email, settings.seller_tax_id
    )

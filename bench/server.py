"""The benchmark's server: the real application plus one plain-Starlette route, the ceiling.

``/bench/catalog`` answers what ``products(first: 50) { ... prices { ... tiers { ... } } }``
answers over GraphQL, from the same service calls the GraphQL resolvers make (one query for the
page of products, one for their prices, one for the tiers of the tiered and volume prices), in
the same process, behind the same middleware, serialised with Starlette's ``JSONResponse``. The
difference between the two is what GraphQL (parsing, validation, execution, the resolvers and
dataloaders, serialisation) costs on top of the database work.

This route exists only in this file; the production application never has it.

    python bench/server.py --port 8765
"""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from recur.app import create_app
from recur.graphql.core.ids import to_global_id
from recur.graphql.core.money import unit_amount
from recur.services.catalog import list_products, prices_by_product
from recur.services.common import ANONYMOUS, PageRequest

PAGE_SIZE = 50

#: The GraphQL query the ceiling answers; bench/catalog.py sends it to /graphql.
CATALOG_QUERY = """
query BenchCatalog {
  products(first: 50) {
    edges {
      node {
        id sku name kind
        prices { id currency billingPeriod model unitAmount tiers { upTo unitAmount flatAmount } }
      }
    }
  }
}
""".strip()


def _amount(value: Any, currency: str) -> str | None:
    return None if value is None else str(unit_amount(value, currency))


async def catalog_ceiling(request: Request) -> JSONResponse:
    """The same data as the GraphQL query, shaped like its ``data``, without GraphQL."""
    db = request.app.state.db
    page = await list_products(db, ANONYMOUS, page=PageRequest(first=PAGE_SIZE))
    prices = await prices_by_product(db, [product.id for product in page.items])
    edges = [
        {
            "node": {
                "id": to_global_id("Product", product.id),
                "sku": product.sku,
                "name": product.name,
                "kind": product.kind.value,
                "prices": [
                    {
                        "id": to_global_id("Price", price.id),
                        "currency": price.currency,
                        "billingPeriod": price.billing_period.value,
                        "model": price.model.value,
                        "unitAmount": _amount(price.unit_amount, price.currency),
                        "tiers": [
                            {
                                "upTo": tier.up_to,
                                "unitAmount": _amount(tier.unit_amount, price.currency),
                                # GraphQL shows a zero flat amount as null, as the resolver does.
                                "flatAmount": _amount(tier.flat_amount or None, price.currency),
                            }
                            for tier in price.tiers
                        ],
                    }
                    for price in prices.get(product.id, [])
                ],
            }
        }
        for product in page.items
    ]
    return JSONResponse({"data": {"products": {"edges": edges}}})


def create_bench_app() -> Starlette:
    """``create_app()`` from the environment's settings, with the ceiling route in front."""
    app = create_app()
    # Before the SPA's catch-all mount, which would otherwise answer /bench/catalog.
    app.router.routes.insert(0, Route("/bench/catalog", catalog_ceiling, methods=["GET"]))
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="Recur with the /bench/catalog ceiling route.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    uvicorn.run(
        create_bench_app(),
        host=args.host,
        port=args.port,
        workers=1,
        access_log=False,
        log_level="warning",
    )


if __name__ == "__main__":
    main()

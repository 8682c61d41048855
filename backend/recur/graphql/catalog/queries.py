"""Catalog queries: open to everyone, anonymous visitors included."""

from __future__ import annotations

from typing import Annotated

import strawberry

from recur.core.catalog import ProductKind
from recur.graphql.catalog.types import Product
from recur.graphql.core.context import Info
from recur.graphql.core.ids import pk_of
from recur.graphql.core.pagination import Connection, page_request, to_connection
from recur.graphql.core.text_guard import text_argument
from recur.services import catalog


@strawberry.type
class CatalogQuery:
    @strawberry.field(description="The catalog, by name; search looks in name, SKU, description.")
    async def products(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        search: Annotated[str | None, text_argument(200)] = None,
        category: Annotated[str | None, text_argument(100)] = None,
        kind: ProductKind | None = None,
    ) -> Connection[Product]:
        ctx = info.context
        page = await catalog.list_products(
            ctx.db,
            ctx.actor,
            search=search,
            category=category,
            kind=kind,
            page=page_request(first, after),
        )
        for product in page.items:
            ctx.loaders.product.prime(product.id, product)
        return to_connection(page, Product.from_model)

    @strawberry.field(description="One product by id or by SKU; null if there is none.")
    async def product(
        self,
        info: Info,
        id: strawberry.ID | None = None,
        sku: Annotated[str | None, text_argument(64)] = None,
    ) -> Product | None:
        ctx = info.context
        if id is not None:
            pk = pk_of(id, "Product")
            if pk is None:
                return None
            product = await catalog.get_product(ctx.db, ctx.actor, product_id=pk, sku=sku)
        else:
            product = await catalog.get_product(ctx.db, ctx.actor, sku=sku)
        return Product.from_model(product) if product else None

    @strawberry.field(description="The catalog's categories, for filters.")
    async def categories(self, info: Info) -> list[str]:
        return await catalog.categories(info.context.db, info.context.actor)

    @strawberry.field(description="The currencies the catalog is priced in.")
    async def currencies(self, info: Info) -> list[str]:
        return await catalog.currencies(info.context.db, info.context.actor)

// The catalog: search, category and kind filters, a grid of products priced in the
// viewer's currency. Filters live in the URL, so a reload or a shared link keeps them.
import { graphql } from "../api.js";
import { badge, debounce, emptyState, errorState, field, h, loading, select } from "../ui.js";
import { setQuery } from "../router.js";
import { headlinePrice, priceSummary } from "./pricing.js";

const PAGE_SIZE = 24;
const PRODUCTS = `query Catalog($first: Int!, $after: String, $search: String, $category: String,
                               $kind: ProductKind, $currency: String) {
  categories
  products(first: $first, after: $after, search: $search, category: $category, kind: $kind) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id sku name description category kind
      prices(currency: $currency) { id currency billingPeriod model unitAmount usageType packageSize tiers { upTo unitAmount } }
    } }
  }
}`;

export function render({ query, session }) {
  document.title = "Catalog · Recur";
  const state = {
    search: query.get("q") || "",
    category: query.get("category") || "",
    kind: query.get("kind") || "",
  };
  const searchInput = h("input", { type: "search", value: state.search, placeholder: "Name, SKU or feature", autocomplete: "off" });
  const categorySelect = select([["", "All categories"]], state.category);
  const kindSelect = select(
    [["", "All kinds"], ["SUBSCRIPTION", "Subscriptions"], ["ONE_TIME", "One-time"]],
    state.kind,
  );
  const summary = h("p", { "aria-live": "polite" }, "Loading the catalog…");
  const results = h("div", {}, loading("Loading products", 6));
  let after = null;
  let request = 0;

  async function load({ append = false } = {}) {
    const mine = ++request;
    if (!append) {
      after = null;
      results.replaceChildren(loading("Loading products", 6));
    }
    try {
      const data = await graphql(PRODUCTS, {
        first: PAGE_SIZE,
        after,
        search: state.search || null,
        category: state.category || null,
        kind: state.kind || null,
        currency: session.currency,
      });
      if (mine !== request) return; // a newer search has been asked for
      fillCategories(data.categories);
      const { edges, pageInfo, totalCount } = data.products;
      after = pageInfo.endCursor;
      summary.textContent = `${totalCount} ${totalCount === 1 ? "product" : "products"}, prices in ${session.currency}`;
      const cards = edges.map(({ node }) => productCard(node));
      if (!append) {
        results.replaceChildren(
          totalCount === 0
            ? emptyState("No products match", "Try another search or clear the filters.", h("button", { class: "button", type: "button", onclick: clear }, "Clear filters"))
            : h("ul", { class: "grid", role: "list", style: "list-style:none;padding:0;margin:0" }),
        );
      }
      const grid = results.querySelector("ul.grid");
      if (grid) grid.append(...cards.map((card) => h("li", {}, card)));
      results.querySelector(".load-more")?.remove();
      if (pageInfo.hasNextPage) {
        results.append(
          h("div", { class: "load-more", style: "text-align:center;margin-top:var(--space-5)" },
            h("button", { class: "button", type: "button", onclick: () => load({ append: true }) }, "Show more products")),
        );
      }
    } catch (error) {
      if (mine !== request) return;
      summary.textContent = "";
      results.replaceChildren(errorState(error, () => load()));
    }
  }

  function fillCategories(categories) {
    if (categorySelect.options.length > 1) return;
    categorySelect.append(...categories.map((c) => h("option", { value: c, selected: c === state.category }, c)));
  }

  function update(changes) {
    Object.assign(state, changes);
    setQuery({ q: state.search, category: state.category, kind: state.kind });
    load();
  }

  function clear() {
    searchInput.value = "";
    categorySelect.value = "";
    kindSelect.value = "";
    update({ search: "", category: "", kind: "" });
  }

  const onSearch = debounce(() => update({ search: searchInput.value.trim() }), 250);
  searchInput.addEventListener("input", onSearch);
  categorySelect.addEventListener("change", () => update({ category: categorySelect.value }));
  kindSelect.addEventListener("change", () => update({ kind: kindSelect.value }));

  load();
  return h(
    "section",
    { "aria-labelledby": "catalog-title" },
    h("div", { class: "page-head" }, h("div", {}, h("h1", { id: "catalog-title" }, "Catalog"), summary)),
    h(
      "div",
      { class: "toolbar", role: "search" },
      field("Search products", searchInput),
      field("Category", categorySelect),
      field("Kind", kindSelect),
    ),
    results,
  );
}

function productCard(product) {
  const price = headlinePrice(product.prices);
  const summary = price ? priceSummary(price) : null;
  return h(
    "a",
    { class: "card product-card", href: `/products/${encodeURIComponent(product.sku)}` },
    h(
      "div",
      { class: "badges" },
      badge(product.category),
      badge(product.kind === "SUBSCRIPTION" ? "Subscription" : "One-time", product.kind === "SUBSCRIPTION" ? "accent" : "info"),
    ),
    h("h3", {}, product.name),
    h("p", { class: "product-card__desc" }, product.description),
    h(
      "p",
      { class: "product-card__price" },
      summary
        ? [summary.lead, h("strong", {}, summary.amount), " ", summary.tail]
        : h("span", { class: "muted" }, "Not sold in this currency"),
    ),
  );
}

// Admin: the catalog — every product, retired ones included, with a search; a new product
// starts here and is edited on its own page (admin-product.js).
import { graphql, mutate } from "../api.js";
import { setQuery } from "../router.js";
import { badge, debounce, emptyState, field, formDialog, formatMoney, h, pageHead, pagedList, path, recheckOnInput, select, showFieldErrors, table } from "../ui.js";
import { adminNav } from "./admin.js";

const PRODUCTS = `query AdminProducts($search: String, $after: String) {
  products(first: 50, search: $search, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id sku name category kind active prices { id } } }
  }
}`;
const CREATE = `mutation CreateProduct($input: CreateProductInput!) {
  createProduct(input: $input) { product { id } userErrors { field message code } }
}`;

export const KIND_LABEL = { SUBSCRIPTION: "Subscription", ONE_TIME: "One-time" };

/** "51 cost $306.00, less than 50 ($450.00)". */
export function cliffText(cliff) {
  const currency = cliff.amount.currency;
  return `Volume cliff: ${cliff.quantity.toLocaleString()} cost ${formatMoney(cliff.amount.amount, currency)}, less than ${cliff.fewer.toLocaleString()} (${formatMoney(cliff.fewerAmount.amount, currency)}).`;
}

export function render({ query, session, navigate }) {
  document.title = "Catalog · Admin · Recur";
  const search = h("input", { type: "search", value: query.get("q") || "", placeholder: "Name, SKU or description", autocomplete: "off" });
  const list = pagedList({
    fetch: async (after) => {
      const { products } = await graphql(PRODUCTS, { search: search.value.trim() || null, after });
      return { nodes: products.edges.map((e) => e.node), pageInfo: products.pageInfo };
    },
    view: (rows) =>
      table(
        [
          { label: "Product", cell: (p) => [h("a", { class: "line-name", href: path("/admin/catalog", p.id) }, p.name), h("div", { class: "line-meta sku" }, p.sku)] },
          { label: "Category", cell: (p) => p.category },
          { label: "Kind", cell: (p) => KIND_LABEL[p.kind] },
          { label: "Prices", cell: (p) => String(p.prices.length), numeric: true },
          { label: "Status", cell: (p) => (p.active ? badge("On sale", "ok") : badge("Retired", "warn")) },
        ],
        rows,
        { caption: "Products, retired ones included", stack: true },
      ),
    empty: () => (search.value.trim() ? emptyState("No product matches", "Try another name or SKU.") : emptyState("No products yet", "Create the first product, then give it prices.")),
  });
  search.addEventListener("input", debounce(() => { setQuery({ q: search.value.trim() }); list.reload(); }, 250));
  const create = h("button", { class: "button button--primary", type: "button", onclick: () => newProduct(navigate) }, "New product");
  return h(
    "section",
    { "aria-labelledby": "page-title" },
    pageHead("Catalog", "Products and their prices. Retired products stay here, off sale.", create),
    adminNav("/admin/catalog", session.viewer.role),
    h("div", { class: "toolbar", role: "search", style: "grid-template-columns:minmax(0,24rem)" }, field("Search products", search)),
    list.element,
  );
}

/** A new product: SKU, name, category, kind and description; prices come on its page. */
async function newProduct(navigate) {
  const controls = {
    sku: h("input", { autocomplete: "off", maxlength: 64, required: true }),
    name: h("input", { autocomplete: "off", maxlength: 200, required: true }),
    category: h("input", { autocomplete: "off", maxlength: 100, required: true }),
    kind: select(Object.entries(KIND_LABEL), "SUBSCRIPTION"),
    description: h("textarea", { rows: 3, maxlength: 5000 }),
  };
  const fields = {
    sku: field("SKU", controls.sku, "Unique; it never changes."),
    name: field("Name", controls.name),
    category: field("Category", controls.category),
    kind: field("Kind", controls.kind, "Subscriptions bill monthly or yearly; one-time products once. It never changes."),
    description: field("Description", controls.description),
  };
  const required = (label) => (value) => (value ? null : `Give the product's ${label}.`);
  const checks = { sku: required("SKU"), name: required("name"), category: required("category") };
  for (const [name, check] of Object.entries(checks)) recheckOnInput(fields[name], check);
  const product = await formDialog({
    title: "New product",
    intro: "It goes on sale once it has a price.",
    fields: Object.values(fields),
    confirm: "Create product",
    onSubmit: async () => {
      const local = new Map(Object.entries(checks).map(([name, check]) => [name, check(controls[name].value.trim())]));
      if ([...local.values()].some(Boolean)) {
        const error = new Error("Check the highlighted fields.");
        error.fieldMessage = (name) => local.get(name) ?? null;
        error.shownInFields = showFieldErrors(error, fields) || true;
        throw error;
      }
      const input = Object.fromEntries(Object.entries(controls).map(([name, control]) => [name, control.value.trim()]));
      try {
        return (await mutate(CREATE, { input }, "createProduct")).product;
      } catch (error) {
        error.shownInFields = showFieldErrors(error, fields);
        throw error;
      }
    },
  });
  if (product) navigate(path("/admin/catalog", product.id));
}

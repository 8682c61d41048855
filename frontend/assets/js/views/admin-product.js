// Admin: one product — its fields and upgrade paths, retiring and reactivating it, and its
// prices: added on the price form's page (admin-price-form.js), archived, never edited.
import { graphql, mutate } from "../api.js";
import { badge, confirmDialog, detailList, emptyState, errorState, field, formDialog, h, loading, pageHead, path, showFieldErrors, table, toast } from "../ui.js";
import { adminNav } from "./admin.js";
import { KIND_LABEL, cliffText } from "./admin-catalog.js";
import { AGGREGATION_LABEL, MODEL_LABEL, PERIOD_LABEL, priceSummary } from "./pricing.js";

const PRODUCT = `query AdminProduct($id: ID!) {
  product(id: $id) {
    id sku name description category kind active
    upgradesTo { id }
    prices(includeArchived: true) {
      id currency billingPeriod model unitAmount active usageType aggregation packageSize
      tiers { upTo unitAmount flatAmount }
      volumeCliffs { quantity amount { amount currency } fewer fewerAmount { amount } }
    }
  }
  products(first: 100) { edges { node { id sku name } } }
}`;
const UPDATE = `mutation UpdateProduct($input: UpdateProductInput!) {
  updateProduct(input: $input) { product { id } userErrors { field message code } }
}`;
const ARCHIVE = `mutation ArchivePrice($input: ArchivePriceInput!) {
  archivePrice(input: $input) { price { id } userErrors { field message code } }
}`;

export function render({ params, session }) {
  document.title = "Product · Admin · Recur";
  const root = h("div", {}, loading("Loading the product", 2));

  async function load() {
    try {
      const data = await graphql(PRODUCT, { id: params.id });
      const others = data.products.edges.map((e) => e.node).filter((p) => p.id !== params.id);
      root.replaceChildren(data.product ? page(data.product, others, session, load) : missing());
    } catch (error) {
      root.replaceChildren(errorState(error, load));
    }
  }
  load();
  return root;
}

function missing() {
  return emptyState("Product not found", "There is no such product.", h("a", { class: "button", href: "/admin/catalog" }, "Back to the catalog"), 1);
}

function page(product, others, session, reload) {
  document.title = `${product.name} · Admin · Recur`;
  const names = new Map(others.map((p) => [p.id, p.name]));
  const upgrades = product.upgradesTo.map((u) => names.get(u.id)).filter(Boolean);
  const edit = h("button", { class: "button", type: "button", onclick: () => editProduct(product, others, reload) }, "Edit");
  const toggle = h(
    "button",
    { class: `button${product.active ? " button--danger" : ""}`, type: "button", onclick: () => setActive(product, !product.active, reload) },
    product.active ? "Retire" : "Reactivate",
  );
  const addPrice = h("a", { class: "button button--primary", href: `${path("/admin/catalog", product.id)}/new-price` }, "Add price");
  return h(
    "section",
    { "aria-labelledby": "page-title" },
    pageHead(product.name, h("span", {}, h("span", { class: "sku" }, product.sku), " ", product.active ? badge("On sale", "ok") : badge("Retired", "warn")), h("div", { class: "actions" }, edit, toggle)),
    adminNav("/admin/catalog", session.viewer.role),
    h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, h("a", { href: "/admin/catalog" }, "Catalog"), " / ", product.name),
    product.active ? null : h("p", { class: "notice notice--warn" }, "Retired: not sold to anyone new. Subscriptions already running on it go on."),
    h(
      "div",
      { class: "card" },
      h(
        "div",
        { class: "card__body" },
        detailList([
          ["Category", product.category],
          ["Kind", KIND_LABEL[product.kind]],
          ["Description", product.description || h("span", { class: "muted" }, "—")],
          ["Upgrades to", upgrades.length ? upgrades.join(", ") : h("span", { class: "muted" }, "—")],
        ]),
      ),
    ),
    h("div", { class: "section-head" }, h("h2", {}, "Prices"), addPrice),
    h("p", { class: "muted" }, "A price is never edited: what was sold on it keeps it. Archive it and add a new one."),
    h("div", { class: "card" }, product.prices.length ? pricesTable(product.prices, reload) : emptyState("No prices yet", "Add a price to put the product on sale.")),
  );
}

function pricesTable(prices, reload) {
  return table(
    [
      { label: "Currency", cell: (p) => p.currency },
      { label: "Billing", cell: (p) => (p.usageType === "METERED" ? [PERIOD_LABEL[p.billingPeriod], " ", badge("Metered", "info"), h("div", { class: "line-meta" }, AGGREGATION_LABEL[p.aggregation])] : PERIOD_LABEL[p.billingPeriod]) },
      { label: "Model", cell: (p) => MODEL_LABEL[p.model] },
      { label: "Price", cell: priceCell },
      { label: "Status", cell: (p) => (p.active ? badge("Current", "ok") : badge("Archived")) },
      { label: "Actions", hideLabel: true, cell: (p) => (p.active ? h("button", { class: "button button--small", type: "button", onclick: () => archive(p, reload) }, "Archive") : null) },
    ],
    prices,
    { caption: "Prices, archived ones included", stack: true },
  );
}

function priceCell(price) {
  const summary = priceSummary(price);
  const cliffs = price.volumeCliffs.map((c) => h("div", { class: "line-meta text-danger" }, cliffText(c)));
  return [h("span", {}, summary.lead, summary.amount, " ", summary.tail), ...cliffs];
}

async function archive(price, reload) {
  const ok = await confirmDialog({
    title: "Archive this price?",
    body: `The ${price.currency} ${PERIOD_LABEL[price.billingPeriod].toLowerCase()} price is offered to nobody new. Quotes, subscriptions and invoices on it keep it as it was.`,
    confirm: "Archive price",
  });
  if (!ok) return;
  try {
    await mutate(ARCHIVE, { input: { priceId: price.id } }, "archivePrice");
    toast("Price archived.");
    reload();
  } catch (error) {
    toast(error.message, "error");
  }
}

async function setActive(product, active, reload) {
  const ok = await confirmDialog(
    active
      ? { title: `Reactivate ${product.name}?`, body: "It is on sale again wherever it has a current price.", confirm: "Reactivate" }
      : { title: `Retire ${product.name}?`, body: "It leaves the catalog and no cart or quote can add it. Subscriptions already running on it go on and renew.", confirm: "Retire product" },
  );
  if (!ok) return;
  try {
    await mutate(UPDATE, { input: { productId: product.id, active } }, "updateProduct");
    toast(active ? "Product reactivated." : "Product retired.");
    reload();
  } catch (error) {
    toast(error.message, "error");
  }
}

/** Name, category, description and upgrade paths; SKU and kind never change. */
async function editProduct(product, others, reload) {
  const controls = {
    name: h("input", { value: product.name, maxlength: 200, required: true }),
    category: h("input", { value: product.category, maxlength: 100, required: true }),
    description: h("textarea", { rows: 4, maxlength: 5000 }, product.description),
  };
  const chosen = new Set(product.upgradesTo.map((u) => u.id));
  const boxes = others.map((other) => h("input", { type: "checkbox", value: other.id, checked: chosen.has(other.id) }));
  const upgrades = h(
    "fieldset",
    { class: "field checklist" },
    h("legend", {}, "Upgrades to"),
    others.map((other, i) => h("label", {}, boxes[i], ` ${other.name} `, h("span", { class: "sku" }, other.sku))),
  );
  upgrades.showError = (message) => {
    upgrades.querySelector(".field__error")?.remove();
    if (message) upgrades.append(h("p", { class: "field__error" }, message));
  };
  const fields = {
    name: field("Name", controls.name),
    category: field("Category", controls.category),
    description: field("Description", controls.description),
    upgradesTo: upgrades,
  };
  const saved = await formDialog({
    title: `Edit ${product.sku}`,
    fields: Object.values(fields),
    onSubmit: async () => {
      const input = {
        productId: product.id,
        name: controls.name.value.trim(),
        category: controls.category.value.trim(),
        description: controls.description.value.trim(),
        upgradesTo: boxes.filter((box) => box.checked).map((box) => box.value),
      };
      try {
        return await mutate(UPDATE, { input }, "updateProduct");
      } catch (error) {
        error.shownInFields = showFieldErrors(error, fields);
        throw error;
      }
    },
  });
  if (saved) {
    toast("Product saved.");
    reload();
  }
}

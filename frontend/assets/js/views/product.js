// A product: its prices in the viewer's currency, readable tier tables, and a calculator
// whose amounts come from the server (the pricing core quotes and invoices use). Customers
// put the calculated quantity in their cart from here.
import { graphql } from "../api.js";
import { cart } from "../cart.js";
import { badge, debounce, emptyState, errorState, field, formatMoney, h, loading, money, select, table, toast } from "../ui.js";
import { MODEL_LABEL, PERIOD_LABEL, priceSummary, tierRanges } from "./pricing.js";

const PRODUCT = `query Product($sku: String!, $currency: String) {
  product(sku: $sku) {
    id sku name description category kind
    upgradesTo { sku name }
    prices(currency: $currency) {
      id currency billingPeriod model unitAmount usageType packageSize
      tiers { upTo unitAmount flatAmount }
    }
  }
}`;
const QUOTE = `query Calculate($price: ID!, $quantity: Int!) {
  node(id: $price) { ... on Price {
    amount(quantity: $quantity) { amount currency }
    breakdown(quantity: $quantity) { tier quantity unitAmount flatAmount amount { amount } }
  } }
}`;
const MAX_QUANTITY = 1_000_000;

export function render({ params, session }) {
  document.title = "Product · Recur";
  const root = h("div", {}, loading("Loading the product", 2));

  async function load() {
    try {
      const data = await graphql(PRODUCT, { sku: params.sku, currency: session.currency });
      root.replaceChildren(data.product ? page(data.product, session) : missing(params.sku));
    } catch (error) {
      root.replaceChildren(errorState(error, load));
    }
  }
  load();
  return root;
}

function missing(sku) {
  document.title = "Product not found · Recur";
  return emptyState(
    "Product not found",
    `There is no product with the SKU ${sku} in the catalog.`,
    h("a", { class: "button", href: "/products" }, "Back to the catalog"),
    1,
  );
}

function page(product, session) {
  document.title = `${product.name} · Recur`;
  return h(
    "article",
    { "aria-labelledby": "product-title" },
    h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, h("a", { href: "/products" }, "Catalog"), " / ", product.category),
    h(
      "div",
      { class: "product-intro" },
      h(
        "div",
        { class: "badges" },
        badge(product.category),
        badge(product.kind === "SUBSCRIPTION" ? "Subscription" : "One-time", product.kind === "SUBSCRIPTION" ? "accent" : "info"),
        h("span", { class: "sku" }, product.sku),
      ),
      h("h1", { id: "product-title" }, product.name),
      h("p", {}, product.description),
      product.upgradesTo.length
        ? h("p", { class: "muted" }, "Upgrades to ", product.upgradesTo.map((u, i) => [i ? ", " : "", h("a", { href: `/products/${u.sku}` }, u.name)]))
        : null,
    ),
    product.prices.length
      ? h(
          "div",
          { class: "product-layout" },
          h(
            "section",
            { class: "card", "aria-labelledby": "pricing-title" },
            h("div", { class: "card__body", style: "padding-bottom:0" }, h("h2", { id: "pricing-title" }, `Pricing in ${session.currency}`)),
            product.prices.map(priceBlock),
          ),
          calculator(product, session),
        )
      : h("div", { class: "card" }, emptyState(`Not sold in ${session.currency}`, "Ask your sales rep for a price in your currency.")),
  );
}

function priceBlock(price) {
  const summary = priceSummary(price);
  return h(
    "div",
    { class: "price-block" },
    h(
      "div",
      { class: "price-block__head" },
      h("h3", {}, PERIOD_LABEL[price.billingPeriod], " · ", h("span", { class: "muted" }, MODEL_LABEL[price.model])),
      h("span", {}, summary.lead, h("span", { class: "price-block__amount" }, summary.amount), " ", h("span", { class: "muted" }, summary.tail)),
    ),
    price.tiers.length ? tierTable(price) : null,
  );
}

function tierTable(price) {
  const ranges = tierRanges(price.tiers);
  const rows = price.tiers.map((tier, i) => ({ ...tier, range: ranges[i] }));
  const columns = [
    { label: "Units", cell: (t) => t.range },
    { label: "Per unit", numeric: true, cell: (t) => money(t.unitAmount, price.currency) },
  ];
  if (price.tiers.some((t) => t.flatAmount)) {
    columns.push({ label: "Flat fee", numeric: true, cell: (t) => (t.flatAmount ? money(t.flatAmount, price.currency) : "—") });
  }
  const explanation = price.model === "TIERED"
    ? "Graduated: each unit is priced at the rate of the band it falls in."
    : "Volume: every unit is priced at the rate of the band the total falls in.";
  return h("div", {}, table(columns, rows, { caption: `Tiers of the ${PERIOD_LABEL[price.billingPeriod].toLowerCase()} price` }), h("p", { class: "calculator__note", style: "margin-top:var(--space-2)" }, explanation));
}

function calculator(product, session) {
  const prices = product.prices;
  const options = prices.map((p) => [p.id, `${PERIOD_LABEL[p.billingPeriod]} · ${MODEL_LABEL[p.model]}`]);
  const priceSelect = select(options, prices[0].id);
  // A flat fee does not depend on the quantity: start at one rather than ten.
  const start = prices[0].model === "FLAT" ? 1 : 10;
  const quantity = h("input", { type: "number", inputmode: "numeric", min: 0, max: MAX_QUANTITY, step: 1, value: start });
  const problem = h("p", { class: "alert alert--error", role: "alert", hidden: true });
  const total = h("div", { class: "calculator__total", "aria-live": "polite" }, "—");
  const per = h("div", { class: "muted" });
  const details = h("div", { class: "calculator__note" });
  let request = 0;

  async function calculate() {
    const price = prices.find((p) => p.id === priceSelect.value);
    const value = quantity.value.trim();
    const mine = ++request;
    problem.hidden = true;
    if (!/^\d+$/.test(value) || Number(value) > MAX_QUANTITY) {
      problem.textContent = `Enter a whole number of units from 0 to ${MAX_QUANTITY.toLocaleString()}.`;
      problem.hidden = false;
      total.textContent = "—";
      per.textContent = "";
      details.replaceChildren();
      return;
    }
    try {
      const data = await graphql(QUOTE, { price: price.id, quantity: Number(value) });
      if (mine !== request) return;
      const result = data.node;
      total.textContent = formatMoney(result.amount.amount, result.amount.currency);
      per.textContent = { MONTH: "per month", YEAR: "per year", ONE_TIME: "one-time" }[price.billingPeriod];
      details.replaceChildren(explain(price, Number(value), result.breakdown));
    } catch (error) {
      if (mine !== request) return;
      problem.textContent = error.message;
      problem.hidden = false;
    }
  }

  const later = debounce(calculate, 200);
  quantity.addEventListener("input", later);
  priceSelect.addEventListener("change", calculate);
  calculate();
  return h(
    "section",
    { class: "card", "aria-labelledby": "calculator-title" },
    h(
      "div",
      { class: "card__body calculator" },
      h("h2", { id: "calculator-title" }, "Price calculator"),
      prices.length > 1 ? field("Billing", priceSelect) : null,
      field("Quantity", quantity, "Units, seats or blocks, as the price counts them."),
      problem,
      h("div", { class: "calculator__result" }, total, per, details),
      h("p", { class: "calculator__note" }, "Calculated by Recur exactly as quotes and invoices are, before tax."),
      buy(product, session, priceSelect, quantity),
    ),
  );
}

/** Add to cart for customers, a way to log in for visitors, nothing for staff. */
function buy(product, session, priceSelect, quantity) {
  const viewer = session.viewer;
  if (!viewer) {
    const next = `/products/${encodeURIComponent(product.sku)}`;
    return h("a", { class: "button button--primary button--block", href: `/login?next=${encodeURIComponent(next)}` }, "Log in to buy");
  }
  if (viewer.role !== "CUSTOMER") return null;
  const button = h("button", { class: "button button--primary button--block", type: "button" }, "Add to cart");
  const problem = h("p", { class: "alert alert--error", role: "alert", hidden: true });
  const added = h("p", { class: "calculator__note", hidden: true });

  button.addEventListener("click", async () => {
    const value = quantity.value.trim();
    problem.hidden = true;
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_QUANTITY) {
      problem.textContent = "Enter at least one unit to add to your cart.";
      problem.hidden = false;
      quantity.focus();
      return;
    }
    button.disabled = true;
    button.textContent = "Adding…";
    try {
      const count = Number(value);
      await cart.add(priceSelect.value, count);
      const label = `${product.name} × ${count.toLocaleString()}`;
      toast(`${label} added to your cart.`);
      added.replaceChildren(`Added ${label}. `, h("a", { href: "/cart" }, "Go to the cart"));
      added.hidden = false;
    } catch (error) {
      problem.textContent = error.message;
      problem.hidden = false;
    } finally {
      button.disabled = false;
      button.textContent = "Add to cart";
    }
  });
  return h("div", { class: "buy" }, problem, button, added);
}

function explain(price, quantity, breakdown) {
  const unit = (amount) => formatMoney(amount, price.currency);
  if (price.model === "FLAT") return quantity === 0 ? "Nothing for zero units." : "A flat fee, whatever the quantity.";
  if (price.model === "PER_UNIT") return `${quantity.toLocaleString()} × ${unit(price.unitAmount)}, rounded once to the cent.`;
  if (!breakdown.length) return "Nothing for zero units.";
  return breakdown
    .map((c) => `${c.quantity.toLocaleString()} × ${unit(c.unitAmount)}${Number(c.flatAmount) ? ` + ${unit(c.flatAmount)} fee` : ""} (tier ${c.tier})`)
    .join(" + ");
}

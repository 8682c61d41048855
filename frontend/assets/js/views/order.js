// An order's confirmation: its first invoice, the subscription it started and its quote.
import { MONEY, graphql } from "../api.js";
import { detailList, emptyState, errorState, formatDate, h, loading, money, pageHead, path, statusBadge } from "../ui.js";

const ORDER = `query Order($id: ID!) {
  node(id: $id) { ... on Order {
    id number startDate termMonths account { name } quote { id number kind }
    subscription { id number status nextBillingDate termEndsOn monthlyRecurringRevenue ${MONEY} }
    invoice { id number status issueDate dueDate total ${MONEY} }
  } }
}`;

export function render({ params }) {
  document.title = "Order · Recur";
  const root = h("div", {}, loading("Loading the order", 3));
  async function load() {
    try {
      const { node } = await graphql(ORDER, { id: params.id });
      root.replaceChildren(node?.number ? view(node) : missing());
    } catch (error) {
      root.replaceChildren(errorState(error, load));
    }
  }
  load();
  return h("section", { "aria-labelledby": "page-title" }, root);
}

function missing() {
  document.title = "Order not found · Recur";
  return emptyState("Order not found", "It may belong to another account, or the link is mistyped.", h("a", { class: "button", href: "/quotes" }, "Quotes"), 1);
}

function view(order) {
  document.title = `${order.number} · Recur`;
  const { invoice, subscription, quote } = order;
  const link = (base, object) => h("a", { href: path(base, object.id) }, object.number);
  const button = (base, object, label) => h("a", { class: "button", href: path(base, object.id) }, `${label} ${object.number}`);
  return h(
    "div",
    {},
    h("p", { class: "confirmation" }, h("span", { class: "confirmation__mark", "aria-hidden": "true" }, "✓"), "Thank you: your order is in."),
    pageHead(`Order ${order.number} confirmed`, [order.account?.name, WHAT[quote?.kind]?.(order) ?? WHAT.NEW(order)].filter(Boolean).join(" · ")),
    h(
      "div",
      { class: "cards" },
      invoice &&
        card(quote?.kind === "AMENDMENT" ? "Invoiced now" : "First invoice", [
          h("p", { class: "figure" }, money(invoice.total.amount, invoice.total.currency)),
          detailList([
            ["Invoice", link("/invoices", invoice)],
            ["Status", statusBadge(invoice.status)],
            ["Issued", formatDate(invoice.issueDate)],
            ["Due", formatDate(invoice.dueDate)],
          ]),
          h("div", {}, button("/invoices", invoice, "View invoice")),
        ]),
      !invoice &&
        quote?.kind === "RENEWAL" &&
        card("Billing", h("p", { class: "muted" }, `The renewed term is billed period by period, in advance, from ${formatDate(order.startDate)}.`)),
      card(
        "Subscription",
        subscription
          ? [
              h("p", { class: "figure" }, money(subscription.monthlyRecurringRevenue.amount, subscription.monthlyRecurringRevenue.currency), h("span", { class: "muted figure__unit" }, " / month")),
              detailList([
                ["Subscription", link("/subscriptions", subscription)],
                ["Status", statusBadge(subscription.status)],
                ["Next billing", formatDate(subscription.nextBillingDate)],
                ["Term ends", formatDate(subscription.termEndsOn)],
              ]),
              h("div", {}, button("/subscriptions", subscription, "View subscription")),
            ]
          : h("p", { class: "muted" }, "Nothing recurring: this order was one-time only."),
      ),
      quote &&
        card("Quote", [
          h("p", { class: "muted" }, "The prices and terms this order was made from."),
          detailList([["Quote", link("/quotes", quote)]]),
          h("div", {}, button("/quotes", quote, "View quote")),
        ]),
    ),
  );
}

/** What the order is, by the kind of quote it was made from. */
const WHAT = {
  NEW: (order) => `${order.termMonths} months from ${formatDate(order.startDate)}`,
  AMENDMENT: (order) => `a change from ${formatDate(order.startDate)} to the end of the term`,
  RENEWAL: (order) => `renewal for ${order.termMonths} months from ${formatDate(order.startDate)}`,
};

function card(title, body) {
  return h("section", { class: "card", "aria-label": title }, h("div", { class: "card__body stack" }, h("h2", {}, title), body));
}

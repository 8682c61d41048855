// One subscription: its items at their quoted net prices, the term and the next billing date.
import { MONEY, graphql } from "../api.js";
import { detailList, emptyState, errorState, formatDate, formatPercent, h, loading, money, pageHead, statusBadge, table, totals } from "../ui.js";
import { PER_PERIOD, lineProduct } from "./pricing.js";

const SUBSCRIPTION = `query Subscription($id: ID!) {
  subscription(id: $id) {
    id number status currency startDate termMonths currentTermEnd autoRenew nextBillingDate account { name }
    items { id quantity discountPercent product { name sku } price { billingPeriod } netAmount ${MONEY} }
    monthlyRecurringRevenue ${MONEY}
  }
}`;

export function render({ params }) {
  document.title = "Subscription · Recur";
  const root = h("div", {}, loading("Loading the subscription", 2));
  async function load() {
    try {
      const { subscription } = await graphql(SUBSCRIPTION, { id: params.id });
      root.replaceChildren(subscription ? view(subscription) : missing());
    } catch (error) {
      root.replaceChildren(errorState(error, load));
    }
  }
  load();
  return root;
}

function missing() {
  document.title = "Subscription not found · Recur";
  return emptyState("Subscription not found", "It may belong to another account, or the link is mistyped.", h("a", { class: "button", href: "/subscriptions" }, "All subscriptions"), 1);
}

function view(s) {
  document.title = `${s.number} · Recur`;
  const period = (i) => i.price?.billingPeriod;
  return h(
    "article",
    { "aria-labelledby": "page-title" },
    h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, h("a", { href: "/subscriptions" }, "Subscriptions"), " / ", s.number),
    pageHead(`Subscription ${s.number}`, [s.account?.name, `${s.termMonths}-month term`].filter(Boolean).join(" · ")),
    h(
      "div",
      { class: "split" },
      h(
        "section",
        { class: "card", "aria-labelledby": "items-title" },
        h("div", { class: "card__body card__body--head" }, h("h2", { id: "items-title" }, "Items")),
        s.items.length
          ? table(
              [
                { label: "Product", cell: (i) => lineProduct(i.product, period(i)) },
                { label: "Quantity", numeric: true, cell: (i) => i.quantity.toLocaleString() },
                { label: "Discount", numeric: true, cell: (i) => formatPercent(i.discountPercent) },
                { label: "Net per period", numeric: true, cell: (i) => [money(i.netAmount.amount, i.netAmount.currency), " ", h("span", { class: "muted" }, PER_PERIOD[period(i)])] },
              ],
              s.items,
              { caption: `Items of ${s.number}`, stack: true },
            )
          : emptyState("No items", "Nothing recurring is left on this subscription."),
        h("div", { class: "card__body card__section" }, totals([["Monthly recurring revenue", money(s.monthlyRecurringRevenue.amount, s.currency)]])),
      ),
      h(
        "aside",
        { class: "card split__aside", "aria-labelledby": "terms-title" },
        h(
          "div",
          { class: "card__body stack" },
          h("h2", { id: "terms-title" }, "Terms"),
          h("div", { class: "badges" }, statusBadge(s.status)),
          detailList([
            ["Started", formatDate(s.startDate)],
            ["Term", `${s.termMonths} months`],
            ["Term ends", formatDate(s.currentTermEnd)],
            ["Next billing", s.nextBillingDate ? formatDate(s.nextBillingDate) : "None: the term is over"],
            ["Renewal", s.autoRenew ? "Renews automatically" : "Ends with the term"],
            ["Currency", s.currency],
          ]),
        ),
      ),
    ),
  );
}

// Subscriptions: a customer's own; staff those of the accounts they may see.
import { MONEY, graphql } from "../api.js";
import { emptyState, formatDate, h, money, pageHead, pagedList, path, statusBadge, table } from "../ui.js";

const SUBSCRIPTIONS = `query Subscriptions($after: String) {
  subscriptions(first: 50, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      id number status startDate termEndsOn nextBillingDate account { name } items { id }
      monthlyRecurringRevenue ${MONEY}
    } }
  }
}`;

export function render({ session }) {
  document.title = "Subscriptions · Recur";
  const { role, account } = session.viewer;
  const staff = role !== "CUSTOMER";
  const list = pagedList({
    more: "Show more subscriptions",
    fetch: async (after) => {
      const { subscriptions } = await graphql(SUBSCRIPTIONS, { after });
      return { nodes: subscriptions.edges.map((e) => e.node), pageInfo: subscriptions.pageInfo };
    },
    view: (rows) =>
      table(
        [
          { label: "Subscription", cell: (s) => h("a", { href: path("/subscriptions", s.id) }, h("strong", {}, s.number)) },
          staff && { label: "Account", cell: (s) => s.account?.name ?? "—" },
          { label: "Status", cell: (s) => statusBadge(s.status) },
          { label: "Items", numeric: true, cell: (s) => String(s.items.length) },
          { label: "Term", cell: (s) => `${formatDate(s.startDate)} – ${formatDate(s.termEndsOn)}` },
          { label: "Next billing", cell: (s) => formatDate(s.nextBillingDate) },
          { label: "Monthly", numeric: true, cell: (s) => money(s.monthlyRecurringRevenue.amount, s.monthlyRecurringRevenue.currency) },
        ].filter(Boolean),
        rows,
        { caption: "Subscriptions", stack: true },
      ),
    empty: () =>
      emptyState("No subscriptions yet", "What is bought on subscription appears here once ordered.", staff ? null : h("a", { class: "button", href: "/products" }, "Browse the catalog")),
  });
  return h("section", { "aria-labelledby": "page-title" }, pageHead("Subscriptions", staff ? "Of the accounts you may see" : `For ${account.name}`), list.element);
}

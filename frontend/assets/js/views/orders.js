// Orders: every accepted quote of the accounts a member of staff may see, newest first;
// filtered by account (?account=<id>, as the account page links it) and start date, sorted
// (list-filters.js).
import { MONEY, graphql } from "../api.js";
import { emptyState, formatDate, h, money, pageHead, pagedList, path, statusBadge, table } from "../ui.js";
import { listFilters } from "./list-filters.js";

const ORDERS = `query Orders($after: String, $accountId: ID, $from: Date, $to: Date, $orderBy: OrderSort! = NEWEST) {
  orders(first: 50, after: $after, accountId: $accountId, from: $from, to: $to, orderBy: $orderBy) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      id number startDate termMonths account { id name } quote { kind totalContractValue ${MONEY} }
      subscription { id number } invoice { id number status }
    } }
  }
}`;

const KIND = { NEW: "New", AMENDMENT: "Change", RENEWAL: "Renewal" };

export function render({ query }) {
  document.title = "Orders · Recur";
  const filters = listFilters({
    query,
    noun: "orders",
    dates: "starting",
    sorts: [
      ["NEWEST", "Newest first"],
      ["OLDEST", "Oldest first", "oldest first"],
      ["START_DATE", "Earliest start", "earliest start first"],
    ],
    onChange: () => list.reload(),
  });
  const list = pagedList({
    more: "Show more orders",
    fetch: async (after) => {
      const { accountId, from, to, orderBy } = filters.variables();
      const { orders } = await graphql(ORDERS, { after, accountId, from, to, orderBy });
      return { nodes: orders.edges.map((e) => e.node), pageInfo: orders.pageInfo };
    },
    view: (rows) =>
      table(
        [
          { label: "Order", cell: (o) => h("a", { href: path("/orders", o.id) }, h("strong", {}, o.number)) },
          { label: "Account", cell: (o) => (o.account ? h("a", { href: path("/accounts", o.account.id) }, o.account.name) : "—") },
          { label: "Kind", cell: (o) => (o.quote ? KIND[o.quote.kind] || o.quote.kind : "—") },
          { label: "Starts", cell: (o) => formatDate(o.startDate) },
          { label: "Subscription", cell: (o) => (o.subscription ? h("a", { href: path("/subscriptions", o.subscription.id) }, o.subscription.number) : "—") },
          { label: "Invoice", cell: (o) => (o.invoice ? [h("a", { href: path("/invoices", o.invoice.id) }, o.invoice.number), " ", statusBadge(o.invoice.status)] : "—") },
          { label: "Contract value", numeric: true, cell: (o) => (o.quote ? money(o.quote.totalContractValue.amount, o.quote.totalContractValue.currency) : "—") },
        ],
        rows,
        { caption: "Orders", stack: true },
      ),
    empty: () => filters.empty(() => emptyState("No orders yet", "Accepted quotes become orders.")),
  });
  return h(
    "section",
    { "aria-labelledby": "page-title" },
    pageHead("Orders", "Of the accounts you may see"),
    filters.element,
    filters.summary,
    list.element,
  );
}

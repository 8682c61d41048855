// Orders: every accepted quote of the accounts a member of staff may see, newest first;
// one account's with ?account=<id>.
import { MONEY, graphql } from "../api.js";
import { emptyState, formatDate, h, money, pageHead, pagedList, path, statusBadge, table } from "../ui.js";

const ORDERS = `query Orders($after: String, $accountId: ID) {
  orders(first: 50, after: $after, accountId: $accountId) {
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
  const accountId = query.get("account");
  let accountName = null;
  const sub = h("p", {}, accountId ? "Of one account" : "Of the accounts you may see, newest first");
  const list = pagedList({
    more: "Show more orders",
    fetch: async (after) => {
      const { orders } = await graphql(ORDERS, { after, accountId });
      const nodes = orders.edges.map((e) => e.node);
      if (accountId && nodes[0] && !accountName) {
        accountName = nodes[0].account.name;
        sub.replaceChildren("Of ", h("a", { href: path("/accounts", accountId) }, accountName), " · ", h("a", { href: "/orders" }, "all accounts"));
      }
      return { nodes, pageInfo: orders.pageInfo };
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
    empty: () => emptyState("No orders yet", "Accepted quotes become orders."),
  });
  return h("section", { "aria-labelledby": "page-title" }, pageHead("Orders", sub), list.element);
}

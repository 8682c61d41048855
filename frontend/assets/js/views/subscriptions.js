// Subscriptions: a customer's own; staff those of the accounts they may see. Filtered by
// account, status and start date, sorted (list-filters.js).
import { MONEY, graphql } from "../api.js";
import { emptyState, formatDate, h, money, pageHead, pagedList, path, statusBadge, table } from "../ui.js";
import { listFilters } from "./list-filters.js";

const SUBSCRIPTIONS = `query Subscriptions($after: String, $status: SubscriptionStatus, $accountId: ID, $from: Date, $to: Date, $orderBy: SubscriptionSort! = NEWEST) {
  subscriptions(first: 50, after: $after, status: $status, accountId: $accountId, from: $from, to: $to, orderBy: $orderBy) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      id number status startDate termEndsOn nextBillingDate account { name } items { id }
      monthlyRecurringRevenue ${MONEY}
    } }
  }
}`;

export function render({ session, query }) {
  document.title = "Subscriptions · Recur";
  const { role, account } = session.viewer;
  const staff = role !== "CUSTOMER";
  const exportLink = h("a", { class: "button", href: "/exports/subscriptions.csv", download: "" }, "Export CSV");
  const exportHref = () => `/exports/subscriptions.csv${filters.exportQuery() ? `?${filters.exportQuery()}` : ""}`;
  const filters = listFilters({
    query,
    noun: "subscriptions",
    statuses: ["ACTIVE", "CANCELED", "EXPIRED"],
    dates: "starting",
    accounts: staff,
    sorts: [
      ["NEWEST", "Newest first"],
      ["OLDEST", "Oldest first", "oldest first"],
      ["START_DATE", "Earliest start", "earliest start first"],
      ["TERM_END", "Term ending soonest", "term ending soonest first"],
    ],
    onChange: () => {
      exportLink.href = exportHref();
      list.reload();
    },
  });
  exportLink.href = exportHref();
  const list = pagedList({
    more: "Show more subscriptions",
    fetch: async (after) => {
      const { subscriptions } = await graphql(SUBSCRIPTIONS, { after, ...filters.variables() });
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
      filters.empty(() =>
        emptyState("No subscriptions yet", "What is bought on subscription appears here once ordered.", staff ? null : h("a", { class: "button", href: "/products" }, "Browse the catalog")),
      ),
  });
  return h(
    "section",
    { "aria-labelledby": "page-title" },
    pageHead("Subscriptions", staff ? "Of the accounts you may see" : `For ${account.name}`, exportLink),
    filters.element,
    filters.summary,
    list.element,
  );
}

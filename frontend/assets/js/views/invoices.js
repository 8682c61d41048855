// Invoices: a customer's own; finance and admins every account's. Filtered by account,
// status and issue date, sorted (list-filters.js). Credit notes, when there are any, are
// listed under them.
import { MONEY, graphql } from "../api.js";
import { emptyState, formatDate, formatMoney, h, money, pageHead, pagedList, path, statusBadge, table, todayISO } from "../ui.js";
import { listFilters } from "./list-filters.js";
import { overdueBanner } from "./overdue.js";

const INVOICES = `query Invoices($after: String, $status: InvoiceStatus, $accountId: ID, $from: Date, $to: Date, $orderBy: InvoiceSort! = NEWEST) {
  invoices(first: 50, after: $after, status: $status, accountId: $accountId, from: $from, to: $to, orderBy: $orderBy) {
    pageInfo { hasNextPage endCursor }
    edges { node { id number status issueDate dueDate account { name } total ${MONEY} balanceDue ${MONEY} } }
  }
}`;
const CREDIT = `{ viewer { account { creditBalance ${MONEY} } } }`;
const CREDIT_NOTES = `{ creditNotes(first: 20) { totalCount edges { node {
  id number issueDate reason account { name } invoice { id number } total ${MONEY} unappliedAmount ${MONEY} } } } }`;

export function render({ session, query }) {
  document.title = "Invoices · Recur";
  const { role, account } = session.viewer;
  const staff = role !== "CUSTOMER";
  const amount = (key) => (i) => money(i[key].amount, i[key].currency);
  const exportLink = h("a", { class: "button", href: "/exports/invoices.csv", download: "" }, "Export CSV");
  const filters = listFilters({
    query,
    noun: "invoices",
    statuses: ["OPEN", "PAID", "VOID", "UNCOLLECTIBLE"],
    dates: "issued",
    accounts: staff,
    sorts: [
      ["NEWEST", "Newest first"],
      ["OLDEST", "Oldest first", "oldest first"],
      ["DUE_DATE", "Due soonest", "due soonest first"],
      ["TOTAL_DESC", "Largest total", "largest total first"],
      ["BALANCE_DESC", "Largest balance due", "largest balance due first"],
    ],
    onChange: () => {
      exportLink.href = exportHref();
      list.reload();
    },
  });
  const exportHref = () => `/exports/invoices.csv${filters.exportQuery() ? `?${filters.exportQuery()}` : ""}`;
  exportLink.href = exportHref();
  const list = pagedList({
    more: "Show more invoices",
    fetch: async (after) => {
      const { invoices } = await graphql(INVOICES, { after, ...filters.variables() });
      return { nodes: invoices.edges.map((e) => e.node), pageInfo: invoices.pageInfo };
    },
    view: (rows) =>
      table(
        [
          { label: "Invoice", cell: (i) => h("a", { href: path("/invoices", i.id) }, h("strong", {}, i.number)) },
          staff && { label: "Account", cell: (i) => i.account?.name ?? "—" },
          { label: "Status", cell: (i) => [statusBadge(i.status), overdue(i) ? h("div", { class: "line-meta text-danger" }, "Overdue") : null] },
          { label: "Issued", cell: (i) => formatDate(i.issueDate) },
          { label: "Due", cell: (i) => formatDate(i.dueDate) },
          { label: "Total", numeric: true, cell: amount("total") },
          { label: "Balance due", numeric: true, cell: amount("balanceDue") },
        ].filter(Boolean),
        rows,
        { caption: "Invoices", stack: true },
      ),
    empty: () => filters.empty(() => emptyState("No invoices yet", "Invoices appear here when orders are made and periods are billed.")),
  });
  return h(
    "section",
    { "aria-labelledby": "page-title" },
    pageHead("Invoices", staff ? "Of the accounts you may see" : `For ${account.name}`, exportLink),
    staff ? null : overdueBanner(() => list.reload()),
    staff ? null : credit(),
    filters.element,
    filters.summary,
    list.element,
    creditNotes(staff),
  );
}

/** The latest credit notes, under the invoices; nothing at all when there are none. */
function creditNotes(staff) {
  const element = h("section", { class: "page-section", "aria-labelledby": "credit-notes-title", hidden: true });
  const amount = (key) => (n) => money(n[key].amount, n[key].currency);
  graphql(CREDIT_NOTES)
    .then(({ creditNotes }) => {
      const notes = creditNotes.edges.map((e) => e.node);
      if (!notes.length) return;
      element.replaceChildren(
        h("h2", { class: "section-title", id: "credit-notes-title" }, "Credit notes"),
        h(
          "div",
          { class: "card" },
          table(
          [
            { label: "Credit note", cell: (n) => h("a", { href: path("/credit-notes", n.id) }, h("strong", {}, n.number)) },
            staff && { label: "Account", cell: (n) => n.account?.name ?? "—" },
            { label: "Issued", cell: (n) => formatDate(n.issueDate) },
            { label: "Credits", cell: (n) => (n.invoice ? h("a", { href: path("/invoices", n.invoice.id) }, n.invoice.number) : "—") },
            { label: "Reason", cell: (n) => n.reason },
            { label: "Total", numeric: true, cell: amount("total") },
            { label: "Credit left", numeric: true, cell: amount("unappliedAmount") },
          ].filter(Boolean),
          notes,
            { caption: creditNotes.totalCount > notes.length ? `The latest ${notes.length} of ${creditNotes.totalCount} credit notes` : "Credit notes", stack: true },
          ),
        ),
      );
      element.hidden = false;
    })
    .catch(() => {
      // A secondary list: the invoices above report problems themselves.
    });
  return element;
}

/** A customer's credit, when there is some: it pays the next invoices. */
function credit() {
  const element = h("div", { class: "credit-note", hidden: true });
  graphql(CREDIT)
    .then(({ viewer }) => {
      const balance = viewer?.account?.creditBalance;
      if (!balance || !Number(balance.amount)) return;
      element.replaceChildren(h("p", { class: "notice notice--ok" }, `You have ${formatMoney(balance.amount, balance.currency)} of account credit: it pays your next invoices.`));
      element.hidden = false;
    })
    .catch(() => {
      // The credit is a note beside the list; the list reports problems itself.
    });
  return element;
}

export function overdue(invoice) {
  return invoice.status === "OPEN" && invoice.dueDate < todayISO();
}

// Payments: every payment finance may see, newest first, filtered by account, the days
// received, how it was taken and whether any was refunded (kept in the URL). Finance
// refunds from a row (docs/collections.md, "Payments list").
import { MONEY, graphql } from "../api.js";
import { setQuery } from "../router.js";
import { emptyState, field, formatDate, formatMoney, h, money, pageHead, pagedList, path, select, table, toast } from "../ui.js";
import { refundDialog } from "./adjustments.js";

const PAYMENTS = `query Payments($after: String, $accountId: ID, $from: Date, $to: Date, $byCard: Boolean, $refunded: Boolean) {
  payments(first: 50, after: $after, accountId: $accountId, receivedFrom: $from, receivedTo: $to, byCard: $byCard, refunded: $refunded) {
    pageInfo { hasNextPage endCursor }
    edges { node { id number receivedOn reference byCard account { id name }
      amount ${MONEY} unappliedAmount ${MONEY} refundedAmount ${MONEY}
      applications { amount ${MONEY} invoice { id number } } } }
  }
}`;
const ACCOUNTS = `{ accounts(first: 100) { edges { node { id name } } } }`;

export function render({ session, query }) {
  document.title = "Payments · Recur";
  const finance = ["FINANCE", "ADMIN"].includes(session.viewer.role);
  const account = select([["", "All accounts"]], query.get("account") || "", { name: "account" });
  const from = h("input", { type: "date", value: query.get("from") || "", name: "from" });
  const to = h("input", { type: "date", value: query.get("to") || "", name: "to" });
  const how = select([["", "Any way"], ["card", "By card"], ["recorded", "Recorded by finance"]], query.get("how") || "", { name: "how" });
  const refunded = select([["", "Refunded or not"], ["yes", "Refunded (in part or whole)"], ["no", "Not refunded"]], query.get("refunded") || "", { name: "refunded" });
  graphql(ACCOUNTS)
    .then(({ accounts }) => {
      const chosen = account.value;
      account.replaceChildren(...[["", "All accounts"], ...accounts.edges.map((e) => [e.node.id, e.node.name])].map(([value, text]) => h("option", { value, selected: value === chosen }, text)));
    })
    .catch(() => {
      // The list works without the account filter's names.
    });
  const variables = () => ({
    accountId: account.value || null,
    from: from.value || null,
    to: to.value || null,
    byCard: how.value ? how.value === "card" : null,
    refunded: refunded.value ? refunded.value === "yes" : null,
  });
  const list = pagedList({
    more: "Show more payments",
    fetch: async (after) => {
      const { payments } = await graphql(PAYMENTS, { after, ...variables() });
      return { nodes: payments.edges.map((e) => e.node), pageInfo: payments.pageInfo };
    },
    view: (rows) =>
      table(
        [
          { label: "Payment", cell: (p) => [h("strong", {}, p.number), h("div", { class: "line-meta" }, p.byCard ? "Card" : p.reference || "Recorded")] },
          { label: "Account", cell: (p) => (p.account ? h("a", { href: path("/accounts", p.account.id) }, p.account.name) : "—") },
          { label: "Received", cell: (p) => formatDate(p.receivedOn) },
          { label: "Paid", cell: (p) => paid(p) },
          { label: "Amount", numeric: true, cell: (p) => money(p.amount.amount, p.amount.currency) },
          { label: "Refunded", numeric: true, cell: (p) => (Number(p.refundedAmount.amount) ? h("span", { class: "text-danger" }, money(p.refundedAmount.amount, p.refundedAmount.currency)) : h("span", { class: "muted" }, "—")) },
          finance && { label: "Actions", hideLabel: true, cell: (p) => h("button", { class: "button button--small", type: "button", onclick: () => refund(p), "aria-label": `Refund ${p.number}` }, "Refund") },
        ].filter(Boolean),
        rows,
        { caption: "Payments", stack: true },
      ),
    empty: () => emptyState("No payments match", "Change the filters, or record a payment on the Billing page."),
  });
  async function refund(payment) {
    const done = await refundDialog(payment);
    if (!done) return;
    toast(`${done.number}: ${formatMoney(done.amount.amount, done.amount.currency)} refunded.`);
    list.reload();
  }
  for (const control of [account, from, to, how, refunded]) {
    control.addEventListener("change", () => {
      setQuery({ account: account.value, from: from.value, to: to.value, how: how.value, refunded: refunded.value });
      list.reload();
    });
  }
  return h(
    "section",
    { "aria-labelledby": "page-title" },
    pageHead("Payments", "Money received, newest first: recorded by finance or taken by card."),
    h("div", { class: "toolbar toolbar--wide", role: "search" }, field("Account", account), field("Received from", from), field("Received to", to), field("Taken", how), field("Refunds", refunded)),
    list.element,
  );
}

/** The invoices a payment paid (refunds show as negative amounts), or its credit. */
function paid(p) {
  const invoices = p.applications.map((a) => [h("a", { href: path("/invoices", a.invoice.id) }, a.invoice.number), Number(a.amount.amount) < 0 ? h("span", { class: "muted" }, " (refunded)") : null]);
  const credit = Number(p.unappliedAmount.amount) ? h("span", { class: "muted" }, `${formatMoney(p.unappliedAmount.amount, p.unappliedAmount.currency)} credit`) : null;
  const parts = [...invoices, credit].filter(Boolean);
  return parts.length ? parts.flatMap((part, i) => (i ? [", ", part] : [part])) : h("span", { class: "muted" }, "—");
}

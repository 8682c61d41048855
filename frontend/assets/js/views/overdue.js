// The customer's overdue banner with "Pay all": every open invoice paid in one charge,
// to a saved card or a test card of the sandbox provider (docs/collections.md, "Pay all").
import { MONEY, graphql, mutate } from "../api.js";
import { field, formDialog, formatMoney, h, select, toast } from "../ui.js";
import { METHODS, TEST_CARDS, cardName } from "./payment-methods.js";

const BALANCES = `query Balances { viewer { account { id currency ${METHODS}
  metrics { openBalance ${MONEY} overdueBalance ${MONEY} } } }
  invoices(overdue: true, first: 50) { edges { node { id } } } }`;
const PAY_ALL = `mutation PayAll($accountId: ID!, $method: ID, $token: String, $attempt: String!) {
  payOpenInvoices(input: { accountId: $accountId, paymentMethodId: $method, token: $token, attempt: $attempt }) {
    payment { number amount ${MONEY} } userErrors { field message code } } }`;

/** A banner above the customer's pages when invoices are overdue; hidden otherwise.
 * `onPaid` runs after a successful "Pay all" (the page reloads what it shows). */
export function overdueBanner(onPaid) {
  const element = h("div", { class: "overdue-banner", role: "region", "aria-label": "Overdue invoices", hidden: true });
  graphql(BALANCES)
    .then(({ viewer, invoices }) => {
      const account = viewer?.account;
      const overdue = account?.metrics.overdueBalance;
      if (!account || !overdue || !Number(overdue.amount)) return;
      const count = invoices.edges.length;
      const open = account.metrics.openBalance;
      element.replaceChildren(
        h(
          "div",
          { class: "overdue-banner__text" },
          h("strong", {}, `${count === 1 ? "An invoice is" : `${count} invoices are`} overdue: ${formatMoney(overdue.amount, overdue.currency)}.`),
          h("span", {}, ` Pay everything open (${formatMoney(open.amount, open.currency)}) in one go.`),
        ),
        h("button", { class: "button button--primary", type: "button", onclick: () => payAll(account, open, onPaid) }, "Pay all"),
      );
      element.hidden = false;
    })
    .catch(() => {
      // A banner beside the page's content: the page reports its own problems.
    });
  return element;
}

async function payAll(account, open, onPaid) {
  const attempt = crypto.randomUUID();
  const saved = account.paymentMethods.map((m) => [`method:${m.id}`, `${cardName(m)}${m.isDefault ? " (default)" : ""}`]);
  const tests = TEST_CARDS.filter(([token]) => token !== "sandbox_expired").map(([token, brand, last4, , effect]) => [`token:${token}`, `${brand} •••• ${last4} — ${effect} (sandbox)`]);
  const card = select([...saved, ...tests], (saved[0] ?? tests[0])[0], { name: "card" });
  const cardField = field("Pay with", card, "Saved cards first; the sandbox's test cards stand in for a new card.");
  const paid = await formDialog({
    title: `Pay ${formatMoney(open.amount, open.currency)}`,
    intro: "One charge pays every open invoice, oldest due first.",
    fields: [cardField],
    confirm: `Pay ${formatMoney(open.amount, open.currency)}`,
    onSubmit: async () => {
      const [kind, value] = card.value.split(/:(.*)/s);
      const { payment } = await mutate(
        PAY_ALL,
        { accountId: account.id, method: kind === "method" ? value : null, token: kind === "token" ? value : null, attempt },
        "payOpenInvoices",
      );
      return payment;
    },
  });
  if (!paid) return;
  toast(`Paid ${formatMoney(paid.amount.amount, paid.amount.currency)}: ${paid.number}. Thank you.`);
  await onPaid?.();
}

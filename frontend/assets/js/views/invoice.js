// One invoice: its lines, each explaining where its amount comes from, what is due and the
// payments that paid it. Finance records a payment from here.
import { MONEY, graphql, mutate } from "../api.js";
import { alertBox, detailList, emptyState, errorState, field, formDialog, formatDate, formatMoney, h, loading, money, pageHead, select, statusBadge, table, toast, totals } from "../ui.js";
import { overdue } from "./invoices.js";
import { paymentForm, paymentResult } from "./record-payment.js";

const PAY = `mutation Pay($invoiceId: ID!, $token: String!, $attempt: String!) {
  payInvoice(input: { invoiceId: $invoiceId, token: $token, attempt: $attempt }) {
    payment { number } userErrors { field message code } } }`;
// The sandbox payment provider's test cards: the token stands for a card entered in the
// provider's own checkout; Recur never sees card numbers.
const SANDBOX_CARDS = [
  ["sandbox_visa", "Visa ending 4242 (approved)"],
  ["sandbox_mastercard", "Mastercard ending 4444 (approved)"],
  ["sandbox_declined", "Visa ending 0002 (declined)"],
  ["sandbox_insufficient_funds", "Visa ending 9995 (insufficient funds)"],
];
const INVOICE = `query Invoice($id: ID!) {
  invoice(id: $id) {
    id number status currency issueDate dueDate taxRatePercent account { id name currency paymentTermsDays }
    lines { description periodStart periodEnd quantity explanation amount ${MONEY} }
    subtotal ${MONEY} tax ${MONEY} total ${MONEY} amountPaid ${MONEY} balanceDue ${MONEY}
    payments { amount ${MONEY} payment { number receivedOn reference } }
  }
}`;

export function render({ params, session }) {
  document.title = "Invoice · Recur";
  const finance = ["FINANCE", "ADMIN"].includes(session.viewer.role);
  const root = h("div", {}, loading("Loading the invoice", 2));
  let recorded = null; // the payment just recorded here, shown after the reload
  async function load() {
    try {
      const { invoice } = await graphql(INVOICE, { id: params.id });
      const customer = session.viewer.role === "CUSTOMER";
      const pay = customer && invoice?.status === "OPEN" ? payNow(invoice, load) : null;
      root.replaceChildren(invoice ? view(invoice, { record: finance && invoice.status === "OPEN" && invoice.account ? () => record(invoice) : null, recorded, pay }) : missing());
    } catch (error) {
      root.replaceChildren(errorState(error, load));
    }
  }

  async function record(invoice) {
    const form = paymentForm({ account: invoice.account, amount: invoice.balanceDue.amount });
    const payment = await formDialog({
      title: `Record a payment from ${invoice.account.name}`,
      intro: `It pays ${invoice.account.name}'s open invoices oldest due first, which may be others than ${invoice.number}; anything left over becomes account credit.`,
      fields: form.fields,
      confirm: "Record payment",
      onSubmit: form.submit,
    });
    if (!payment) return;
    recorded = payment;
    toast(`${payment.number} recorded.`);
    await load();
    document.getElementById("page-title")?.focus();
  }

  load();
  return root;
}

function missing() {
  document.title = "Invoice not found · Recur";
  return emptyState("Invoice not found", "It may belong to another account, or the link is mistyped.", h("a", { class: "button", href: "/invoices" }, "All invoices"), 1);
}

/** "Nov 24 – Dec 23, 2026": periodEnd is the first day after the period. */
function period(line) {
  if (!line.periodStart) return "—";
  if (!line.periodEnd) return formatDate(line.periodStart);
  const last = new Date(Date.parse(line.periodEnd) - 86_400_000).toISOString().slice(0, 10);
  return `${formatDate(line.periodStart)} – ${formatDate(last)}`;
}

/** "Pay now" for the customer: one attempt id per visit, so a retry never pays twice. */
function payNow(invoice, reload) {
  const attempt = crypto.randomUUID();
  const card = select(SANDBOX_CARDS, SANDBOX_CARDS[0][0]);
  const problem = alertBox();
  const button = h("button", { class: "button button--primary button--block", type: "button" }, `Pay ${formatMoney(invoice.balanceDue.amount, invoice.currency)} now`);
  button.addEventListener("click", async () => {
    button.disabled = true;
    problem.show(null);
    try {
      const { payment } = await mutate(PAY, { invoiceId: invoice.id, token: card.value, attempt }, "payInvoice");
      toast(`Paid: ${payment.number}. Thank you.`);
      await reload();
    } catch (error) {
      problem.show(error.message);
      button.disabled = false;
    }
  });
  return h(
    "div",
    { class: "stack card__section" },
    h("h3", {}, "Pay now"),
    field("Card (sandbox)", card, "Test cards of the sandbox provider; no real money moves."),
    problem,
    button,
  );
}

function view(i, { record, recorded, pay }) {
  document.title = `${i.number} · Recur`;
  const amount = (m) => money(m.amount, i.currency);
  const state = { PAID: "Paid in full. Thank you.", VOID: "Voided: nothing is due." }[i.status] || `${overdue(i) ? "Overdue: it was due" : "Due"} by ${formatDate(i.dueDate)}.`;
  return h(
    "article",
    { "aria-labelledby": "page-title" },
    h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, h("a", { href: "/invoices" }, "Invoices"), " / ", i.number),
    pageHead(`Invoice ${i.number}`, i.account?.name),
    h(
      "div",
      { class: "split" },
      h("div", { class: "stack-lg" }, lines(i, amount), i.payments.length ? payments(i) : null),
      h(
        "aside",
        { class: "card split__aside", "aria-labelledby": "details-title" },
        h(
          "div",
          { class: "card__body stack" },
          h("h2", { id: "details-title" }, "Details"),
          h("div", { class: "badges" }, statusBadge(i.status), overdue(i) ? h("span", { class: "badge badge--danger" }, "Overdue") : null),
          detailList([
            ["Issued", formatDate(i.issueDate)],
            ["Due", formatDate(i.dueDate)],
            ["Terms", i.account ? `Net ${i.account.paymentTermsDays} days` : null],
            ["Balance due", h("strong", {}, amount(i.balanceDue))],
          ]),
          h("p", { class: "muted" }, state),
          recorded ? paymentResult(recorded) : null,
          record ? h("button", { class: "button button--primary button--block", type: "button", onclick: record }, "Record a payment") : null,
        ),
        pay ? h("div", { class: "card__body" }, pay) : null,
      ),
    ),
  );
}

function lines(i, amount) {
  return h(
    "section",
    { class: "card", "aria-labelledby": "lines-title" },
    h("div", { class: "card__body card__body--head" }, h("h2", { id: "lines-title" }, "Lines")),
    table(
      [
        { label: "Description", cell: (l) => [h("div", { class: "line-name" }, l.description), h("p", { class: "line-explanation" }, l.explanation)] },
        { label: "Period", cell: period },
        { label: "Quantity", numeric: true, cell: (l) => l.quantity.toLocaleString() },
        { label: "Amount", numeric: true, cell: (l) => amount(l.amount) },
      ],
      i.lines,
      { caption: `Lines of ${i.number}`, stack: true },
    ),
    h(
      "div",
      { class: "card__body card__section" },
      totals([
        ["Subtotal", amount(i.subtotal)],
        [`Tax (${Number(i.taxRatePercent)} %)`, amount(i.tax)],
        ["Total", amount(i.total)],
        ["Amount paid", amount(i.amountPaid)],
        ["Balance due", amount(i.balanceDue)],
      ]),
    ),
  );
}

/** The payments applied to the invoice. */
function payments(i) {
  return h(
    "section",
    { class: "card", "aria-labelledby": "payments-title" },
    h("div", { class: "card__body card__body--head" }, h("h2", { id: "payments-title" }, "Payments")),
    table(
      [
        { label: "Payment", cell: (a) => h("strong", {}, a.payment.number) },
        { label: "Received", cell: (a) => formatDate(a.payment.receivedOn) },
        { label: "Reference", cell: (a) => a.payment.reference || h("span", { class: "muted" }, "—") },
        { label: "Applied", numeric: true, cell: (a) => money(a.amount.amount, i.currency) },
      ],
      i.payments,
      { caption: `Payments applied to ${i.number}`, stack: true },
    ),
  );
}

// One invoice: its lines, each explaining where its amount comes from, what is due and the
// payments that paid it. Finance records a payment from here.
import { MONEY, graphql } from "../api.js";
import { detailList, emptyState, errorState, formDialog, formatDate, formatMoney, h, loading, money, pageHead, statusBadge, table, toast, totals } from "../ui.js";
import { overdue } from "./invoices.js";
import { paymentForm, paymentResult } from "./record-payment.js";

const INVOICE = `query Invoice($id: ID!) {
  invoice(id: $id) {
    id number status currency issueDate dueDate taxRatePercent account { id name currency paymentTermsDays }
    lines { description periodStart periodEnd quantity explanation amount ${MONEY} }
    subtotal ${MONEY} tax ${MONEY} total ${MONEY} amountPaid ${MONEY} balanceDue ${MONEY}
  }
}`;
// Payments know the invoices they paid; an account's recent ones find this invoice's.
const PAYMENTS = `query Payments($accountId: ID!) {
  payments(first: 100, accountId: $accountId) {
    pageInfo { hasNextPage }
    edges { node { id number receivedOn reference applications { amount ${MONEY} invoice { id } } } }
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
      root.replaceChildren(invoice ? view(invoice, { record: finance && invoice.status === "OPEN" && invoice.account ? () => record(invoice) : null, recorded }) : missing());
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

function view(i, { record, recorded }) {
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
      h("div", { class: "stack-lg" }, lines(i, amount), Number(i.amountPaid.amount) > 0 && i.account ? payments(i) : null),
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

/** The payments applied to the invoice, found among the account's latest hundred. */
function payments(i) {
  const body = h("div", {}, loading("Loading the payments", 1));
  async function load() {
    try {
      const { payments: page } = await graphql(PAYMENTS, { accountId: i.account.id });
      const rows = page.edges.flatMap(({ node: p }) =>
        p.applications.filter((a) => a.invoice?.id === i.id).map((a) => ({ ...p, applied: a.amount })),
      );
      const found = rows.reduce((sum, r) => sum + Math.round(Number(r.applied.amount) * 100), 0);
      const missing = found < Math.round(Number(i.amountPaid.amount) * 100);
      const parts = [
        rows.length
          ? table(
              [
                { label: "Payment", cell: (r) => h("strong", {}, r.number) },
                { label: "Received", cell: (r) => formatDate(r.receivedOn) },
                { label: "Reference", cell: (r) => r.reference || h("span", { class: "muted" }, "—") },
                { label: "Applied", numeric: true, cell: (r) => money(r.applied.amount, i.currency) },
              ],
              rows,
              { caption: `Payments applied to ${i.number}`, stack: true },
            )
          : null,
        missing
          ? h(
              "p",
              { class: `card__body muted${rows.length ? " card__section" : ""}` },
              rows.length
                ? `Older payments, not listed, paid the rest of the ${formatMoney(i.amountPaid.amount, i.currency)} paid.`
                : `${formatMoney(i.amountPaid.amount, i.currency)} was paid by payments older than the account's latest hundred.`,
            )
          : null,
      ];
      body.replaceChildren(...parts.filter(Boolean));
    } catch (error) {
      body.replaceChildren(errorState(error, load));
    }
  }
  load();
  return h(
    "section",
    { class: "card", "aria-labelledby": "payments-title" },
    h("div", { class: "card__body card__body--head" }, h("h2", { id: "payments-title" }, "Payments")),
    body,
  );
}

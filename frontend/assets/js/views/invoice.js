// One invoice: its lines, each explaining where its amount comes from, and what is due.
import { MONEY, graphql } from "../api.js";
import { detailList, emptyState, errorState, formatDate, h, loading, money, pageHead, statusBadge, table, totals } from "../ui.js";
import { overdue } from "./invoices.js";

const INVOICE = `query Invoice($id: ID!) {
  invoice(id: $id) {
    id number status currency issueDate dueDate taxRatePercent account { name paymentTermsDays }
    lines { description periodStart periodEnd quantity explanation amount ${MONEY} }
    subtotal ${MONEY} tax ${MONEY} total ${MONEY} amountPaid ${MONEY} balanceDue ${MONEY}
  }
}`;

export function render({ params }) {
  document.title = "Invoice · Recur";
  const root = h("div", {}, loading("Loading the invoice", 2));
  async function load() {
    try {
      const { invoice } = await graphql(INVOICE, { id: params.id });
      root.replaceChildren(invoice ? view(invoice) : missing());
    } catch (error) {
      root.replaceChildren(errorState(error, load));
    }
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

function view(i) {
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
      h(
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
      ),
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
        ),
      ),
    ),
  );
}

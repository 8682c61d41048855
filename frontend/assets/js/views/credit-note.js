// One credit note: what it credits line by line, why, the invoices it settled and the credit
// that is left for the account's next invoices.
import { MONEY, graphql } from "../api.js";
import { detailList, emptyState, errorState, formatDate, h, loading, money, pageHead, path, statusBadge, table, totals } from "../ui.js";
import { period } from "./invoice.js";

const CREDIT_NOTE = `query CreditNote($id: ID!) {
  node(id: $id) { ... on CreditNote {
    id number currency issueDate reason pdfUrl account { name }
    invoice { id number status }
    lines { description periodStart periodEnd quantity explanation amount ${MONEY} }
    subtotal ${MONEY} tax ${MONEY} total ${MONEY} amountApplied ${MONEY} unappliedAmount ${MONEY}
    applications { amount ${MONEY} invoice { id number status dueDate } }
  } }
}`;

export function render({ params }) {
  document.title = "Credit note · Recur";
  const root = h("div", {}, loading("Loading the credit note", 2));
  async function load() {
    try {
      const { node } = await graphql(CREDIT_NOTE, { id: params.id });
      root.replaceChildren(node?.number ? view(node) : missing());
    } catch (error) {
      root.replaceChildren(errorState(error, load));
    }
  }
  load();
  return root;
}

function missing() {
  document.title = "Credit note not found · Recur";
  return emptyState("Credit note not found", "It may belong to another account, or the link is mistyped.", h("a", { class: "button", href: "/invoices" }, "Invoices"), 1);
}

function view(note) {
  document.title = `${note.number} · Recur`;
  const amount = (m) => money(m.amount, note.currency);
  const left = Number(note.unappliedAmount.amount);
  return h(
    "article",
    { "aria-labelledby": "page-title" },
    h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, h("a", { href: "/invoices" }, "Invoices"), " / ", note.number),
    pageHead(`Credit note ${note.number}`, note.account?.name, h("a", { class: "button", href: note.pdfUrl, download: `${note.number}.pdf` }, "Download PDF")),
    h(
      "div",
      { class: "split" },
      h(
        "div",
        { class: "stack-lg" },
        h(
          "section",
          { class: "card", "aria-labelledby": "lines-title" },
          h("div", { class: "card__body card__body--head" }, h("h2", { id: "lines-title" }, "Credited")),
          table(
            [
              { label: "Description", cell: (l) => [h("div", { class: "line-name" }, l.description), h("p", { class: "line-explanation" }, l.explanation)] },
              { label: "Period", cell: period },
              { label: "Quantity", numeric: true, cell: (l) => l.quantity.toLocaleString() },
              { label: "Amount", numeric: true, cell: (l) => amount(l.amount) },
            ],
            note.lines,
            { caption: `Lines of ${note.number}`, stack: true },
          ),
          h(
            "div",
            { class: "card__body card__section" },
            totals([
              ["Subtotal", amount(note.subtotal)],
              ["Tax", amount(note.tax)],
              ["Total credited", amount(note.total)],
              ["Applied to invoices", amount(note.amountApplied)],
              ["Credit left", amount(note.unappliedAmount)],
            ]),
          ),
        ),
        note.applications.length ? applications(note) : null,
      ),
      h(
        "aside",
        { class: "card split__aside", "aria-labelledby": "details-title" },
        h(
          "div",
          { class: "card__body stack" },
          h("h2", { id: "details-title" }, "Details"),
          detailList([
            ["Issued", formatDate(note.issueDate)],
            ["Credits", note.invoice ? h("a", { href: path("/invoices", note.invoice.id) }, note.invoice.number) : null],
            ["Reason", note.reason],
            ["Credit left", h("strong", {}, amount(note.unappliedAmount))],
          ]),
          h("p", { class: "muted" }, left ? "What is left pays the account's next invoices as soon as they are issued." : "All of it has settled invoices."),
        ),
      ),
    ),
  );
}

function applications(note) {
  return h(
    "section",
    { class: "card", "aria-labelledby": "applied-title" },
    h("div", { class: "card__body card__body--head" }, h("h2", { id: "applied-title" }, "Applied to")),
    table(
      [
        { label: "Invoice", cell: (a) => h("a", { href: path("/invoices", a.invoice.id) }, h("strong", {}, a.invoice.number)) },
        { label: "Status", cell: (a) => statusBadge(a.invoice.status) },
        { label: "Due", cell: (a) => formatDate(a.invoice.dueDate) },
        { label: "Applied", numeric: true, cell: (a) => money(a.amount.amount, note.currency) },
      ],
      note.applications,
      { caption: `Invoices settled by ${note.number}`, stack: true },
    ),
  );
}

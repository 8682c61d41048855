// One invoice: its lines, each explaining where its amount comes from, what is due, the
// payments and credits that paid it and every attempt to collect it. Finance records a
// payment, refunds one, issues a credit note, writes it off or voids it from here. The pay
// link a reminder carries (/invoices/:id/pay) opens it with the payment form in focus.
import { ApiError, MONEY, graphql, mutate } from "../api.js";
import { alertBox, detailList, emptyState, errorState, field, formDialog, formatDate, formatDateTime, formatMoney, h, loading, money, pageHead, path, recheckOnInput, select, showFieldErrors, statusBadge, table, toast, totals } from "../ui.js";
import { overdue } from "./invoices.js";
import { paymentForm, paymentResult } from "./record-payment.js";
import { creditNoteDialog, refundDialog, writeOffDialog } from "./adjustments.js";

const PAY = `mutation Pay($invoiceId: ID!, $token: String, $method: ID, $attempt: String!) {
  payInvoice(input: { invoiceId: $invoiceId, token: $token, paymentMethodId: $method, attempt: $attempt }) {
    payment { number } userErrors { field message code } } }`;
// The customer's saved cards, to pay with one (docs/collections.md).
const SAVED = `{ viewer { account { paymentMethods { id brand last4 expMonth expYear isDefault } } } }`;
const OTHER_CARD = "";
const VOID = `mutation Void($invoiceId: ID!, $reason: String!) {
  voidInvoice(input: { invoiceId: $invoiceId, reason: $reason }) {
    creditNote { id number unappliedAmount ${MONEY} } userErrors { field message code } } }`;
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
    lines { id description periodStart periodEnd quantity explanation wording unitAmount ${MONEY} amount ${MONEY} }
    purchaseOrderNumber reverseCharge taxNote taxLines { name ratePercent amount ${MONEY} }
    billTo { name taxId email address { line1 line2 city postalCode region country } }
    subtotal ${MONEY} tax ${MONEY} total ${MONEY} amountPaid ${MONEY} balanceDue ${MONEY}
    amountCredited ${MONEY} voidReason voidedAt creditNotes { id number }
    payments { amount ${MONEY} payment { id number receivedOn reference byCard amount ${MONEY} refundedAmount ${MONEY} } }
    paymentAttempts { attemptedAt succeeded message source number nextRetryOn paymentMethod { brand last4 } }
    writtenOff ${MONEY} writtenOffAt writeOffReason
    credits { amount ${MONEY} creditNote { id number issueDate reason } }
    pdfUrl
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
      const open = invoice?.status === "OPEN";
      const actions = {
        record: finance && open && invoice.account ? () => record(invoice) : null,
        voidIt: finance && invoice && !["VOID", "UNCOLLECTIBLE"].includes(invoice.status) ? () => voidInvoice(invoice) : null,
        writeOff: finance && open ? () => adjust(writeOffDialog(invoice), `${invoice.number} is written off.`) : null,
        credit: finance && ["OPEN", "PAID"].includes(invoice?.status) ? () => adjust(creditNoteDialog(invoice), (note) => `Credit note ${note.number} issued.`) : null,
        refund: finance ? (payment) => adjust(refundDialog(payment, { invoiceNumber: invoice.number }), (refund) => `${refund.number}: ${formatMoney(refund.amount.amount, refund.amount.currency)} refunded.`) : null,
      };
      root.replaceChildren(invoice ? view(invoice, { ...actions, recorded, pay }) : missing());
      // The pay link of a reminder: straight to the payment form.
      if (invoice && pay && /\/pay\/?$/.test(location.pathname)) {
        const panel = root.querySelector("#pay-now");
        panel?.scrollIntoView({ block: "center" });
        // The card to pay with: the saved cards' choice once they have loaded, else the test cards.
        panel?.ready.then(() => [...panel.querySelectorAll("select")].find((s) => !s.closest("[hidden]"))?.focus());
      }
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

  /** Run a finance dialog; on success say so and show the invoice as it is now. */
  async function adjust(dialog, said) {
    const done = await dialog;
    if (!done) return;
    toast(typeof said === "function" ? said(done) : said);
    await load();
    document.getElementById("page-title")?.focus();
  }

  async function voidInvoice(invoice) {
    const reason = h("textarea", { rows: 3, maxlength: 500 });
    const reasonField = field("Reason", reason, "Kept on the invoice and its credit note; the customer sees it.");
    recheckOnInput(reasonField, (value) => (value ? null : "Say why the invoice is voided."));
    const paid = Number(invoice.amountPaid.amount) + Number(invoice.amountCredited.amount);
    const note = await formDialog({
      title: `Void ${invoice.number}?`,
      intro: [
        `The invoice is kept, marked void, and a credit note of ${formatMoney(invoice.total.amount, invoice.currency)} cancels it.`,
        paid ? `What was already paid or credited on it (${formatMoney(paid, invoice.currency)}) becomes account credit and pays ${invoice.account?.name ?? "the account"}'s open invoices, oldest due first.` : "",
        "Its charges are due again: the next billing run invoices them afresh. To stop billing them, change the subscription instead.",
      ].filter(Boolean).join(" "),
      fields: [reasonField],
      confirm: "Void invoice",
      onSubmit: async () => {
        const fields = { reason: reasonField };
        try {
          if (!reason.value.trim()) {
            throw new ApiError("Say why the invoice is voided.", { code: "REASON_REQUIRED", userErrors: [{ field: ["input", "reason"], message: "Say why the invoice is voided.", code: "REASON_REQUIRED" }] });
          }
          const { creditNote } = await mutate(VOID, { invoiceId: invoice.id, reason: reason.value.trim() }, "voidInvoice");
          return creditNote;
        } catch (error) {
          error.shownInFields = showFieldErrors(error, fields);
          throw error;
        }
      },
    });
    if (!note) return;
    toast(`${invoice.number} is void; credit note ${note.number} issued.`);
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
export function period(line) {
  if (!line.periodStart) return "—";
  if (!line.periodEnd) return formatDate(line.periodStart);
  const last = new Date(Date.parse(line.periodEnd) - 86_400_000).toISOString().slice(0, 10);
  return `${formatDate(line.periodStart)} – ${formatDate(last)}`;
}

/** "Pay now" for the customer: one attempt id per visit, so a retry never pays twice. */
function payNow(invoice, reload) {
  const attempt = crypto.randomUUID();
  const card = select(SANDBOX_CARDS, SANDBOX_CARDS[0][0]);
  const cardField = field("Card (sandbox)", card, "Test cards of the sandbox provider; no real money moves.");
  // Saved cards first (the default chosen), then "Another card" with the sandbox's test cards.
  const saved = select([[OTHER_CARD, "Another card"]], OTHER_CARD);
  const savedField = field("Pay with", saved);
  savedField.hidden = true;
  saved.addEventListener("change", () => (cardField.hidden = saved.value !== OTHER_CARD));
  const ready = graphql(SAVED)
    .then(({ viewer }) => {
      const methods = viewer?.account?.paymentMethods ?? [];
      if (!methods.length) return;
      const label = (m) => `${m.brand} ending ${m.last4}${m.isDefault ? " (default)" : ""}`;
      saved.replaceChildren(...[...methods.map((m) => [m.id, label(m)]), [OTHER_CARD, "Another card"]].map(([value, text]) => h("option", { value }, text)));
      saved.value = (methods.find((m) => m.isDefault) ?? methods[0]).id;
      savedField.hidden = false;
      cardField.hidden = true;
    })
    .catch(() => {}); // the test cards still pay
  const problem = alertBox();
  const button = h("button", { class: "button button--primary button--block", type: "button" }, `Pay ${formatMoney(invoice.balanceDue.amount, invoice.currency)} now`);
  button.addEventListener("click", async () => {
    button.disabled = true;
    problem.show(null);
    try {
      const how = saved.value === OTHER_CARD ? { token: card.value } : { method: saved.value };
      const { payment } = await mutate(PAY, { invoiceId: invoice.id, ...how, attempt }, "payInvoice");
      toast(`Paid: ${payment.number}. Thank you.`);
      await reload();
    } catch (error) {
      problem.show(error.message);
      button.disabled = false;
    }
  });
  const element = h("div", { class: "stack card__section", id: "pay-now" }, h("h3", {}, "Pay now"), savedField, cardField, problem, button);
  element.ready = ready;
  return element;
}

function view(i, { record, voidIt, writeOff, credit, refund, recorded, pay }) {
  document.title = `${i.number} · Recur`;
  const amount = (m) => money(m.amount, i.currency);
  const state = { PAID: "Paid in full. Thank you.", VOID: voided(i), UNCOLLECTIBLE: writtenOff(i) }[i.status] || `${overdue(i) ? "Overdue: it was due" : "Due"} by ${formatDate(i.dueDate)}.`;
  return h(
    "article",
    { "aria-labelledby": "page-title" },
    h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, h("a", { href: "/invoices" }, "Invoices"), " / ", i.number),
    pageHead(`Invoice ${i.number}`, i.account?.name, h("a", { class: "button", href: i.pdfUrl, download: `${i.number}.pdf` }, "Download PDF")),
    h(
      "div",
      { class: "split" },
      h("div", { class: "stack-lg" }, lines(i, amount), i.payments.length || i.credits.length ? settlements(i, refund) : null, i.paymentAttempts.length ? attempts(i) : null),
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
            ["PO number", i.purchaseOrderNumber],
            ["Bill to", billTo(i.billTo)],
            ["Balance due", h("strong", {}, amount(i.balanceDue))],
          ]),
          h("p", { class: "muted" }, state),
          recorded ? paymentResult(recorded) : null,
          record ? h("button", { class: "button button--primary button--block", type: "button", onclick: record }, "Record a payment") : null,
          credit ? h("button", { class: "button button--block", type: "button", onclick: credit }, "Issue a credit note") : null,
          writeOff ? h("button", { class: "button button--block", type: "button", onclick: writeOff }, "Write off") : null,
          voidIt ? h("button", { class: "button button--block button--danger", type: "button", onclick: voidIt }, "Void invoice") : null,
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
        { label: "Description", cell: explained },
        { label: "Period", cell: period },
        { label: "Quantity", numeric: true, cell: (l) => l.quantity.toLocaleString() },
        { label: "Unit price", numeric: true, cell: (l) => (l.unitAmount ? unitPrice(l.unitAmount.amount, i.currency) : "") },
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
        ...(i.taxLines.length ? i.taxLines.map((tax) => [`${tax.name} (${Number(tax.ratePercent)} %)`, amount(tax.amount)]) : [[`Tax (${Number(i.taxRatePercent)} %)`, amount(i.tax)]]),
        ["Total", amount(i.total)],
        ["Amount paid", amount(i.amountPaid)],
        Number(i.amountCredited.amount) ? ["Credited", amount(i.amountCredited)] : null,
        ["Balance due", amount(i.balanceDue)],
      ]),
      i.taxNote ? h("p", { class: "tax-note" }, i.taxNote) : null,
    ),
  );
}

/** A line's description and, under it, its explanation in the customer's words, with the
 * full trace (quote, order, list price, rounding) a click away. */
function explained(l) {
  const words = l.wording || l.explanation;
  return [
    h("div", { class: "line-name" }, l.description),
    h("p", { class: "line-explanation" }, words),
    l.wording && l.explanation !== l.wording ? h("details", { class: "line-trace" }, h("summary", {}, "How it was worked out"), h("p", { class: "line-explanation" }, l.explanation)) : null,
  ];
}

/** A unit price: to the cent, or to more places when it has them (up to six). */
function unitPrice(value, currency) {
  const [, decimals = ""] = String(value).split(".");
  const places = decimals.replace(/0+$/, "").length;
  return places <= 2 ? money(value, currency) : `${currency} ${Number(value).toLocaleString("en-US", { minimumFractionDigits: places, maximumFractionDigits: 6 })}`;
}

/** The buyer as the invoice was issued to: name, address lines, tax id. */
function billTo(b) {
  if (!b) return null;
  const a = b.address;
  const place = [[a.postalCode, a.city].filter(Boolean).join(" "), a.region].filter(Boolean).join(", ");
  const rows = [b.name, a.line1, a.line2, place, a.country, b.taxId && `Tax ID ${b.taxId}`].filter(Boolean);
  return h("span", { class: "bill-to" }, ...rows.flatMap((row, n) => (n ? [h("br"), row] : [row])));
}

/** Why and when the invoice was voided, and the credit note that cancels it. */
function voided(i) {
  const notes = i.creditNotes.map((n) => h("a", { href: path("/credit-notes", n.id) }, n.number));
  return [
    `Voided${i.voidedAt ? ` on ${formatDate(i.voidedAt.slice(0, 10))}` : ""}: ${i.voidReason ?? "no reason given"}. Nothing is due. `,
    notes.length ? ["Credit note ", ...notes, " cancels it."] : null,
  ];
}

/** Why and when the invoice was written off, and the balance given up. */
function writtenOff(i) {
  const when = i.writtenOffAt ? ` on ${formatDate(i.writtenOffAt.slice(0, 10))}` : "";
  return `Written off${when}: ${i.writeOffReason ?? "no reason given"}. ${formatMoney(i.writtenOff.amount, i.currency)} was given up; nothing is due.`;
}

/** Every try to collect the invoice: a click, autopay, a retry; declines say why. */
function attempts(i) {
  const source = { CUSTOMER: "By the customer", AUTOPAY: "Autopay", RETRY: "Retry" };
  return h(
    "section",
    { class: "card", "aria-labelledby": "attempts-title" },
    h("div", { class: "card__body card__body--head" }, h("h2", { id: "attempts-title" }, "Payment attempts")),
    table(
      [
        { label: "When", cell: (a) => formatDateTime(a.attemptedAt) },
        { label: "How", cell: (a) => [source[a.source] ?? a.source, a.number > 1 ? ` ${a.number - 1}` : "", a.paymentMethod ? h("div", { class: "line-meta" }, `${a.paymentMethod.brand} ending ${a.paymentMethod.last4}`) : null] },
        { label: "Result", cell: (a) => (a.succeeded ? h("span", { class: "badge badge--ok" }, "Paid") : h("span", { class: "badge badge--danger" }, "Declined")) },
        { label: "Message", cell: (a) => [a.message, a.nextRetryOn ? h("div", { class: "line-meta" }, `Tried again on ${formatDate(a.nextRetryOn)}`) : null] },
      ],
      [...i.paymentAttempts].reverse(),
      { caption: `Attempts to collect ${i.number}, newest first`, stack: true },
    ),
  );
}

/** The payments and credit notes applied to the invoice, in the order they came; finance
 * refunds a payment from its row. */
function settlements(i, refund) {
  const refundButton = (a) =>
    refund && Number(a.amount.amount) > 0
      ? h("button", { class: "button button--small", type: "button", onclick: () => refund(a.payment), "aria-label": `Refund ${a.payment.number}` }, "Refund")
      : null;
  const rows = [
    ...i.payments.map((a) => ({ document: h("strong", {}, a.payment.number), date: a.payment.receivedOn, note: Number(a.amount.amount) < 0 ? "Refunded" : a.payment.reference, amount: a.amount, action: refundButton(a) })),
    ...i.credits.map((a) => ({ document: h("a", { href: path("/credit-notes", a.creditNote.id) }, h("strong", {}, a.creditNote.number)), date: a.creditNote.issueDate, note: a.creditNote.reason, amount: a.amount })),
  ].sort((a, b) => a.date.localeCompare(b.date));
  return h(
    "section",
    { class: "card", "aria-labelledby": "payments-title" },
    h("div", { class: "card__body card__body--head" }, h("h2", { id: "payments-title" }, i.credits.length ? "Payments and credits" : "Payments")),
    table(
      [
        { label: "Payment or credit", cell: (r) => r.document },
        { label: "Date", cell: (r) => formatDate(r.date) },
        { label: "Reference", cell: (r) => r.note || h("span", { class: "muted" }, "—") },
        { label: "Applied", numeric: true, cell: (r) => money(r.amount.amount, i.currency) },
        refund && { label: "Actions", hideLabel: true, cell: (r) => r.action ?? "" },
      ].filter(Boolean),
      rows,
      { caption: `${i.credits.length ? "Payments and credits" : "Payments"} applied to ${i.number}`, stack: true },
    ),
  );
}

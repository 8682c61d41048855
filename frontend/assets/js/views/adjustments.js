// Finance's adjustments, each with a reason (docs/collections.md): refund a payment (to the
// card or as a record of money sent back), write an invoice off, issue a credit note for an
// amount or chosen lines. Shared by the invoice page and the payments list.
import { ApiError, MONEY, mutate } from "../api.js";
import { field, formDialog, formatMoney, h, recheckOnInput, select, showFieldErrors } from "../ui.js";

const REFUND = `mutation Refund($paymentId: ID!, $amount: Decimal!, $reason: String!, $method: RefundMethod, $reference: String!) {
  refundPayment(input: { paymentId: $paymentId, amount: $amount, reason: $reason, method: $method, reference: $reference }) {
    refund { number amount ${MONEY} } userErrors { field message code } } }`;
const WRITE_OFF = `mutation WriteOff($invoiceId: ID!, $reason: String!) {
  writeOffInvoice(input: { invoiceId: $invoiceId, reason: $reason }) {
    invoice { id status } userErrors { field message code } } }`;
const CREDIT = `mutation Credit($invoiceId: ID!, $amount: Decimal, $lineIds: [ID!], $reason: String!) {
  issueCreditNote(input: { invoiceId: $invoiceId, amount: $amount, lineIds: $lineIds, reason: $reason }) {
    creditNote { id number total ${MONEY} } userErrors { field message code } } }`;
const AMOUNT = /^\d+(\.\d+)?$/;

/** A required reason, checked again as it is typed once it was refused. */
function reasonField(hint, missing) {
  const input = h("textarea", { rows: 2, maxlength: 450, name: "reason" });
  const element = field("Reason", input, hint);
  recheckOnInput(element, (value) => (value ? null : missing));
  element.value = () => input.value.trim();
  return element;
}

/** Refuse locally, as the server would, with the messages under their fields. */
function refuse(problems) {
  throw new ApiError(problems.map(([, message]) => message).join(" "), {
    code: "INVALID",
    userErrors: problems.map(([name, message]) => ({ field: ["input", name], message, code: "INVALID" })),
  });
}

async function submitting(fields, work) {
  try {
    return await work();
  } catch (error) {
    error.shownInFields = showFieldErrors(error, fields);
    throw error;
  }
}

/** Refund part or all of `payment` ({ id number byCard amount refundedAmount }); resolves
 * with the refund, or null when dismissed. */
export function refundDialog(payment, { invoiceNumber = null } = {}) {
  const currency = payment.amount.currency;
  // Prefilled with the whole payment when nothing is refunded yet; the server says the most.
  const whole = Number(payment.refundedAmount.amount) ? "" : payment.amount.amount;
  const amount = h("input", { type: "text", inputmode: "decimal", autocomplete: "off", value: whole, name: "amount" });
  const method = select(
    payment.byCard
      ? [["PROVIDER", "Back to the card, through the provider"], ["RECORD", "Record money sent back another way"]]
      : [["RECORD", "Record money sent back (transfer, cheque)"]],
    payment.byCard ? "PROVIDER" : "RECORD",
    { name: "method" },
  );
  const reference = h("input", { type: "text", maxlength: 200, autocomplete: "off", placeholder: "Transfer reference", name: "reference" });
  const fields = {
    amount: field("Amount", amount, `In ${currency}; of ${formatMoney(payment.amount.amount, currency)}${Number(payment.refundedAmount.amount) ? `, ${formatMoney(payment.refundedAmount.amount, currency)} already refunded` : ""}.`),
    method: field("Refund to", method),
    reference: field("Reference (optional)", reference),
    reason: reasonField("Kept on the refund and in the audit log.", "Say why the money is refunded."),
  };
  recheckOnInput(fields.amount, (value) => (AMOUNT.test(value) ? null : "Enter the amount to refund, like 50.00."));
  return formDialog({
    title: `Refund ${payment.number}`,
    intro: `What it paid${invoiceNumber ? ` on ${invoiceNumber}` : ""} opens again for the amount refunded; any credit it left is refunded first.`,
    fields: Object.values(fields),
    confirm: "Refund",
    onSubmit: () =>
      submitting(fields, async () => {
        const value = amount.value.trim().replace(/[\s,]/g, "");
        const problems = [!AMOUNT.test(value) && ["amount", "Enter the amount to refund, like 50.00."], !fields.reason.value() && ["reason", "Say why the money is refunded."]].filter(Boolean);
        if (problems.length) refuse(problems);
        const { refund } = await mutate(REFUND, { paymentId: payment.id, amount: value, reason: fields.reason.value(), method: method.value, reference: reference.value.trim() }, "refundPayment");
        return refund;
      }),
  });
}

/** Write `invoice` off as uncollectible; resolves with the invoice, or null. */
export function writeOffDialog(invoice) {
  const fields = { reason: reasonField("Kept on the invoice and in the audit log.", "Say why the invoice is written off.") };
  return formDialog({
    title: `Write off ${invoice.number}?`,
    intro: `Its balance of ${formatMoney(invoice.balanceDue.amount, invoice.currency)} is given up: the invoice becomes uncollectible, is owed no more and is reported apart from revenue. This is final.`,
    fields: Object.values(fields),
    confirm: "Write off",
    onSubmit: () =>
      submitting(fields, async () => {
        if (!fields.reason.value()) refuse([["reason", "Say why the invoice is written off."]]);
        const { invoice: written } = await mutate(WRITE_OFF, { invoiceId: invoice.id, reason: fields.reason.value() }, "writeOffInvoice");
        return written;
      }),
  });
}

/** Credit part of `invoice` (an amount, or chosen lines); resolves with the note, or null. */
export function creditNoteDialog(invoice) {
  const kind = select([["amount", "An amount"], ["lines", "Chosen lines, with their tax"]], "amount", { name: "kind" });
  const amount = h("input", { type: "text", inputmode: "decimal", autocomplete: "off", name: "amount", placeholder: "50.00" });
  const boxes = invoice.lines.map((line) => {
    const box = h("input", { type: "checkbox", value: line.id });
    return { box, element: h("label", { class: "checkbox" }, box, ` ${line.description} — ${formatMoney(line.amount.amount, invoice.currency)}`) };
  });
  const amountField = field("Amount credited, tax included", amount, `In ${invoice.currency}.`);
  const lines = h("fieldset", { class: "stack", hidden: true }, h("legend", {}, "Lines to credit"), boxes.map((b) => b.element));
  const fields = { amount: amountField, lineIds: amountField, reason: reasonField("Printed on the credit note: goodwill, a partial credit…", "Say why the invoice is credited.") };
  kind.addEventListener("change", () => {
    amountField.hidden = kind.value !== "amount";
    lines.hidden = kind.value !== "lines";
  });
  return formDialog({
    title: `Issue a credit note on ${invoice.number}`,
    intro: "The invoice stays; the note lowers what is due on it, and any rest becomes account credit.",
    fields: [field("Credit", kind), amountField, lines, fields.reason],
    confirm: "Issue credit note",
    onSubmit: () =>
      submitting(fields, async () => {
        const chosen = boxes.filter((b) => b.box.checked).map((b) => b.box.value);
        const value = amount.value.trim().replace(/[\s,]/g, "");
        const byLines = kind.value === "lines";
        const problems = [
          !byLines && !AMOUNT.test(value) && ["amount", "Enter the amount to credit, like 50.00."],
          byLines && !chosen.length && ["amount", "Choose the lines to credit."],
          !fields.reason.value() && ["reason", "Say why the invoice is credited."],
        ].filter(Boolean);
        if (problems.length) refuse(problems);
        const variables = { invoiceId: invoice.id, amount: byLines ? null : value, lineIds: byLines ? chosen : null, reason: fields.reason.value() };
        const { creditNote } = await mutate(CREDIT, variables, "issueCreditNote");
        return creditNote;
      }),
  });
}

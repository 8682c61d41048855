// Recording a payment, shared by the billing page and the invoice page: the fields, their
// checks, the mutation, and what the money paid. Payments pay the account's open invoices
// oldest due first; what is left over is account credit for the next invoices.
import { ApiError, MONEY, mutate } from "../api.js";
import { field, formatMoney, h, money, path, recheckOnInput, select, showFieldErrors, statusBadge, todayISO } from "../ui.js";

const RECORD = `mutation RecordPayment($accountId: ID!, $amount: Decimal!, $receivedOn: Date, $reference: String!, $currency: String) {
  recordPayment(input: { accountId: $accountId, amount: $amount, receivedOn: $receivedOn, reference: $reference, currency: $currency }) {
    payment {
      id number account { name } amount ${MONEY} unappliedAmount ${MONEY}
      applications { amount ${MONEY} invoice { id number status balanceDue ${MONEY} } }
    }
    userErrors { field message code }
  }
}`;
const AMOUNT = /^\d+(\.\d+)?$/;

/**
 * The fields of a payment. With `accounts` the account is chosen from them; with `account`
 * it is fixed. `submit()` checks, records and resolves with the payment, or rejects with an
 * ApiError already shown under its fields (`shownInFields`) when it could be.
 */
export function paymentForm({ accounts = null, account = null, amount = "" }) {
  const chooser = accounts
    ? select([["", "Choose an account"], ...accounts.map((a) => [a.id, `${a.name} (${a.currency})`])], "")
    : null;
  const amountInput = h("input", { type: "text", inputmode: "decimal", autocomplete: "off", value: amount });
  const received = h("input", { type: "date", value: todayISO() });
  const reference = h("input", { type: "text", maxlength: 200, autocomplete: "off", placeholder: "Bank reference, cheque number…" });
  const chosen = () => (chooser ? accounts.find((a) => a.id === chooser.value) : account);
  const currencyHint = () => (chosen() ? `In ${chosen().currency}, the account's currency.` : "In the account's currency.");
  const amountField = field("Amount", amountInput, currencyHint());
  const fields = {
    ...(chooser ? { accountId: field("Account", chooser) } : {}),
    amount: amountField,
    currency: amountField,
    receivedOn: field("Received on", received),
    reference: field("Reference (optional)", reference),
  };
  // A message under a field goes once its value is fixed.
  recheckOnInput(amountField, (value) => (AMOUNT.test(value.replace(/[\s,]/g, "")) ? null : "Enter the amount received, like 1250.00."));
  recheckOnInput(fields.receivedOn, (value) => (value ? null : "Enter the day the money arrived."));
  if (chooser) recheckOnInput(fields.accountId, (value) => (value ? null : "Choose the account that paid."));
  chooser?.addEventListener("change", () => {
    amountField.querySelector(".field__hint").textContent = currencyHint();
  });

  async function submit() {
    const value = amountInput.value.trim().replace(/[\s,]/g, "");
    const problems = [
      !chosen() && ["accountId", "Choose the account that paid."],
      !AMOUNT.test(value) && ["amount", "Enter the amount received, like 1250.00."],
      !received.value && ["receivedOn", "Enter the day the money arrived."],
    ].filter(Boolean);
    try {
      if (problems.length) {
        throw new ApiError(problems.map(([, message]) => message).join(" "), {
          code: "INVALID",
          userErrors: problems.map(([name, message]) => ({ field: ["input", name], message, code: "INVALID" })),
        });
      }
      const variables = { accountId: chosen().id, amount: value, currency: chosen().currency, receivedOn: received.value, reference: reference.value.trim() };
      const { payment } = await mutate(RECORD, variables, "recordPayment");
      showFieldErrors(null, fields);
      return payment;
    } catch (error) {
      error.shownInFields = showFieldErrors(error, fields);
      throw error;
    }
  }

  /** Ready for the next payment: the same day, nothing else. */
  function reset() {
    if (chooser) chooser.value = "";
    amountInput.value = "";
    reference.value = "";
    amountField.querySelector(".field__hint").textContent = currencyHint();
    showFieldErrors(null, fields);
  }

  /** Fill in an account and an amount, e.g. an overdue invoice's balance. */
  function prefill(accountId, value) {
    if (chooser) chooser.value = accountId;
    amountInput.value = value;
    amountField.querySelector(".field__hint").textContent = currencyHint();
    showFieldErrors(null, fields);
    amountInput.focus();
    amountInput.select();
  }

  return { fields: [...new Set(Object.values(fields))], submit, reset, prefill };
}

/** What a recorded payment paid, invoice by invoice, and what became account credit. */
export function paymentResult(payment) {
  const { amount, unappliedAmount: left, applications } = payment;
  const c = amount.currency;
  return h(
    "div",
    { class: "stack payment-result" },
    h("p", { class: "notice notice--ok" }, `${payment.number}: ${formatMoney(amount.amount, c)} from ${payment.account?.name ?? "the account"} recorded.`),
    applications.length
      ? h(
          "div",
          {},
          h("p", {}, applications.length === 1 ? "It paid:" : "It paid, oldest due first:"),
          h(
            "ul",
            { class: "result-list" },
            applications.map((a) =>
              h(
                "li",
                {},
                a.invoice ? h("a", { href: path("/invoices", a.invoice.id) }, a.invoice.number) : "An invoice",
                " ",
                money(a.amount.amount, c),
                " ",
                a.invoice?.status === "PAID"
                  ? statusBadge("PAID")
                  : a.invoice && h("span", { class: "muted" }, `${formatMoney(a.invoice.balanceDue.amount, c)} still due`),
              ),
            ),
          ),
        )
      : null,
    Number(left.amount) > 0
      ? h(
          "p",
          {},
          applications.length ? `${formatMoney(left.amount, c)} was left over and is kept as account credit: ` : "Nothing was open, so all of it is kept as account credit: ",
          "it pays the next invoices.",
        )
      : null,
  );
}

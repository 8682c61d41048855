// Sales prepare quotes against a live subscription: an amendment (quantities, discounts,
// add-ons, an effective date) or the renewal for the next term (its length and uplift).
// Both open as a draft quote to edit, have approved when the discount is deep, and send.
import { clientKey, mutate } from "../api.js";
import { field, formDialog, formatDate, h, path, recheckOnInput, showFieldErrors, toast } from "../ui.js";

const CREATE_AMENDMENT = `mutation($subscriptionId: ID!, $clientKey: String) {
  createAmendmentQuote(input: { subscriptionId: $subscriptionId, clientKey: $clientKey }) { quote { id number } userErrors { field message code } } }`;
const CREATE_RENEWAL = `mutation($subscriptionId: ID!, $termMonths: Int, $upliftPercent: Decimal, $clientKey: String) {
  createRenewalQuote(input: { subscriptionId: $subscriptionId, termMonths: $termMonths, upliftPercent: $upliftPercent, clientKey: $clientKey }) {
    quote { id number } userErrors { field message code } } }`;

export const SALES = ["REP", "MANAGER", "ADMIN"];

/**
 * The button that prepares a draft amendment of `subscription` ({ id, number }) and opens
 * it. It is disabled while the request runs, and every click from this screen carries the
 * same client key, so a double click or a retry makes one draft.
 */
export function amendmentButton(subscription, navigate, attributes = {}) {
  const key = clientKey();
  const button = h("button", { class: "button button--block", type: "button", ...attributes }, "Prepare amendment quote");
  button.addEventListener("click", async () => {
    if (button.disabled) return;
    button.disabled = true;
    try {
      const { quote } = await mutate(CREATE_AMENDMENT, { subscriptionId: subscription.id, clientKey: key }, "createAmendmentQuote");
      toast(`${quote.number} amends ${subscription.number}: change the lines, then send it.`);
      navigate(path("/quotes", quote.id));
    } catch (error) {
      toast(error.message, "error");
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

/**
 * Ask for the next term's length and uplift, then open the draft renewal quote.
 * `subscription` needs { id, number, termMonths, currentTermEnd }.
 */
export async function prepareRenewal(subscription, navigate) {
  const term = h("input", { type: "text", inputmode: "numeric", value: String(subscription.termMonths), autocomplete: "off" });
  const uplift = h("input", { type: "text", inputmode: "decimal", value: "0", autocomplete: "off" });
  const key = clientKey(); // one per dialog: however often it is confirmed, one draft
  const fields = {
    termMonths: field("Term (months)", term, "Whole years when an item bills yearly."),
    upliftPercent: field("Uplift %", uplift, "Raises every list price for the new term, before discounts."),
  };
  recheckOnInput(fields.termMonths, checkTerm);
  recheckOnInput(fields.upliftPercent, (value) => checkUplift(value || "0"));
  const quote = await formDialog({
    title: `Renewal of ${subscription.number}`,
    intro: `The next term starts on ${formatDate(subscription.currentTermEnd)}. You can change quantities, add products and give discounts on the quote.`,
    fields: Object.values(fields),
    confirm: "Prepare renewal quote",
    onSubmit: async () => {
      const months = term.value.trim();
      const percent = uplift.value.trim() || "0";
      const local = new Map([
        ["termMonths", checkTerm(months)],
        ["upliftPercent", checkUplift(percent)],
      ]);
      if ([...local.values()].some(Boolean)) {
        const error = new Error("Check the highlighted fields.");
        error.fieldMessage = (name) => local.get(name);
        error.shownInFields = showFieldErrors(error, fields) || true;
        throw error;
      }
      try {
        const result = await mutate(CREATE_RENEWAL, { subscriptionId: subscription.id, termMonths: Number(months), upliftPercent: percent, clientKey: key }, "createRenewalQuote");
        return result.quote;
      } catch (error) {
        error.shownInFields = showFieldErrors(error, fields);
        throw error;
      }
    },
  });
  if (!quote) return;
  toast(`${quote.number} renews ${subscription.number}: adjust it, then send it.`);
  navigate(path("/quotes", quote.id));
}

function checkTerm(months) {
  return /^\d+$/.test(months) && Number(months) >= 1 && Number(months) <= 120 ? null : "Enter the term as a whole number of months from 1 to 120, like 12.";
}

function checkUplift(percent) {
  return /^\d+(\.\d{1,2})?$/.test(percent) && Number(percent) <= 100 ? null : "Enter an uplift from 0 to 100 %, like 5 or 3.5.";
}

// Sales prepare quotes against a live subscription: an amendment (quantities, discounts,
// add-ons, an effective date) or the renewal for the next term (its length and uplift).
// Both open as a draft quote to edit, have approved when the discount is deep, and send.
import { mutate } from "../api.js";
import { field, formDialog, formatDate, h, path, showFieldErrors, toast } from "../ui.js";

const CREATE_AMENDMENT = `mutation($subscriptionId: ID!) {
  createAmendmentQuote(input: { subscriptionId: $subscriptionId }) { quote { id number } userErrors { field message code } } }`;
const CREATE_RENEWAL = `mutation($subscriptionId: ID!, $termMonths: Int, $upliftPercent: Decimal) {
  createRenewalQuote(input: { subscriptionId: $subscriptionId, termMonths: $termMonths, upliftPercent: $upliftPercent }) {
    quote { id number } userErrors { field message code } } }`;

export const SALES = ["REP", "MANAGER", "ADMIN"];

/** A draft amendment of `subscription` ({ id, number }), opened for editing. */
export async function prepareAmendment(subscription, navigate) {
  try {
    const { quote } = await mutate(CREATE_AMENDMENT, { subscriptionId: subscription.id }, "createAmendmentQuote");
    toast(`${quote.number} amends ${subscription.number}: change the lines, then send it.`);
    navigate(path("/quotes", quote.id));
  } catch (error) {
    toast(error.message, "error");
  }
}

/**
 * Ask for the next term's length and uplift, then open the draft renewal quote.
 * `subscription` needs { id, number, termMonths, currentTermEnd }.
 */
export async function prepareRenewal(subscription, navigate) {
  const term = h("input", { type: "text", inputmode: "numeric", value: String(subscription.termMonths), autocomplete: "off" });
  const uplift = h("input", { type: "text", inputmode: "decimal", value: "0", autocomplete: "off" });
  const fields = {
    termMonths: field("Term (months)", term, "Whole years when an item bills yearly."),
    upliftPercent: field("Uplift %", uplift, "Raises every list price for the new term, before discounts."),
  };
  const quote = await formDialog({
    title: `Renewal of ${subscription.number}`,
    intro: `The next term starts on ${formatDate(subscription.currentTermEnd)}. You can change quantities, add products and give discounts on the quote.`,
    fields: Object.values(fields),
    confirm: "Prepare renewal quote",
    onSubmit: async () => {
      const months = term.value.trim();
      const percent = uplift.value.trim() || "0";
      const local = new Map([
        ["termMonths", /^\d+$/.test(months) ? null : "Enter the term as a whole number of months, like 12."],
        ["upliftPercent", /^\d+(\.\d{1,2})?$/.test(percent) && Number(percent) <= 100 ? null : "Enter an uplift from 0 to 100 %, like 5 or 3.5."],
      ]);
      if ([...local.values()].some(Boolean)) {
        const error = new Error("Check the highlighted fields.");
        error.fieldMessage = (name) => local.get(name);
        error.shownInFields = showFieldErrors(error, fields) || true;
        throw error;
      }
      try {
        const result = await mutate(CREATE_RENEWAL, { subscriptionId: subscription.id, termMonths: Number(months), upliftPercent: percent }, "createRenewalQuote");
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

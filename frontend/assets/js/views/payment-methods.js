// Saved payment methods and autopay (docs/collections.md): the customer's "Payment methods"
// card on My account. Cards are added through the payment provider's checkout; in the
// sandbox that is a picker of test cards dressed as a card form: no card number is typed
// or sent, only the provider's token.
import { mutate } from "../api.js";
import { confirmDialog, field, formDialog, h, select, showFieldErrors, toast } from "../ui.js";

export const METHODS = "paymentMethods { id brand last4 expMonth expYear isDefault }";
const ADD = `mutation AddCard($accountId: ID!, $token: String!, $makeDefault: Boolean) {
  addPaymentMethod(input: { accountId: $accountId, token: $token, makeDefault: $makeDefault }) {
    paymentMethod { id brand last4 } userErrors { field message code } } }`;
const REMOVE = `mutation RemoveCard($id: ID!) { removePaymentMethod(input: { id: $id }) {
  account { id autopay } userErrors { field message code } } }`;
const DEFAULT = `mutation DefaultCard($id: ID!) { setDefaultPaymentMethod(input: { id: $id }) {
  paymentMethod { id } userErrors { field message code } } }`;
const AUTOPAY = `mutation Autopay($accountId: ID!, $enabled: Boolean!, $timing: AutopayTiming) {
  setAutopay(input: { accountId: $accountId, enabled: $enabled, timing: $timing }) {
    account { id autopay autopayTiming } userErrors { field message code } } }`;

/** The sandbox provider's test cards: [token, brand, last4, expiry, what it does]. */
export const TEST_CARDS = [
  ["sandbox_visa", "Visa", "4242", "12/30", "approved"],
  ["sandbox_mastercard", "Mastercard", "4444", "08/31", "approved"],
  ["sandbox_declined", "Visa", "0002", "03/30", "declines every charge"],
  ["sandbox_insufficient_funds", "Visa", "9995", "06/29", "insufficient funds"],
  ["sandbox_expired", "Visa", "0069", "01/24", "expired: refused"],
];

/** "Visa ending 4242", with its expiry when known. */
export function cardName(method) {
  return `${method.brand} ending ${method.last4}`;
}

/** A test-card picker that reads like a card form, with a preview of the chosen card. */
export function cardPicker() {
  const choice = select(
    TEST_CARDS.map(([token, brand, last4, , effect]) => [token, `${brand} •••• ${last4} — ${effect}`]),
    TEST_CARDS[0][0],
    { name: "card", autocomplete: "off" },
  );
  const brand = h("span", { class: "card-preview__brand" });
  const number = h("span", { class: "card-preview__number" });
  const expiry = h("span", { class: "card-preview__expiry" });
  const preview = h("div", { class: "card-preview", "aria-hidden": "true" }, brand, number, expiry);
  const show = () => {
    const [, b, last4, exp] = TEST_CARDS.find(([token]) => token === choice.value);
    brand.textContent = b;
    number.textContent = `•••• •••• •••• ${last4}`;
    expiry.textContent = `Expires ${exp}`;
    preview.dataset.brand = b.toLowerCase();
  };
  choice.addEventListener("change", show);
  show();
  const element = h(
    "div",
    { class: "stack" },
    preview,
    field("Card", choice, "Sandbox: test cards of the payment provider stand in for its card form. No real card numbers; no money moves."),
  );
  element.token = () => choice.value;
  element.field = element.lastChild;
  return element;
}

/** The "Payment methods" card: saved cards, the default, autopay. `reload` refreshes the page. */
export function paymentMethodsCard(account, reload) {
  const methods = account.paymentMethods;
  const add = async () => {
    const picker = cardPicker();
    const makeDefault = h("input", { type: "checkbox" });
    const defaultField = methods.length ? h("label", { class: "checkbox" }, makeDefault, " Make it the default (autopay charges it)") : null;
    const saved = await formDialog({
      title: "Add a card",
      intro: "The card is kept by the payment provider; Recur keeps only its brand, last four digits and expiry.",
      fields: [picker, defaultField],
      confirm: "Save card",
      onSubmit: async () => {
        try {
          const { paymentMethod } = await mutate(ADD, { accountId: account.id, token: picker.token(), makeDefault: makeDefault.checked || null }, "addPaymentMethod");
          return paymentMethod;
        } catch (error) {
          error.shownInFields = showFieldErrors(error, { token: picker.field });
          throw error;
        }
      },
    });
    if (!saved) return;
    toast(`${cardName(saved)} saved.`);
    await reload();
  };
  const makeDefault = async (method) => {
    try {
      await mutate(DEFAULT, { id: method.id }, "setDefaultPaymentMethod");
      toast(`${cardName(method)} is your default card.`);
      await reload();
    } catch (error) {
      toast(error.message, "error");
    }
  };
  const remove = async (method) => {
    const last = methods.length === 1;
    const sure = await confirmDialog({
      title: `Remove ${cardName(method)}?`,
      body: last && account.autopay ? "It is your only card: autopay turns off, and invoices wait for you to pay them." : "It is no longer charged; payments it made stay on your invoices.",
      confirm: "Remove card",
    });
    if (!sure) return;
    try {
      await mutate(REMOVE, { id: method.id }, "removePaymentMethod");
      toast(`${cardName(method)} removed.`);
      await reload();
    } catch (error) {
      toast(error.message, "error");
    }
  };
  const list = methods.length
    ? h(
        "ul",
        { class: "methods", "aria-label": "Saved cards" },
        methods.map((m) =>
          h(
            "li",
            { class: "method" },
            h("span", { class: "method__brand", "data-brand": m.brand.toLowerCase() }, m.brand),
            h("span", { class: "method__name" }, h("strong", {}, `•••• ${m.last4}`), h("span", { class: "muted" }, ` Expires ${String(m.expMonth).padStart(2, "0")}/${String(m.expYear).slice(-2)}`)),
            m.isDefault ? h("span", { class: "badge badge--ok" }, "Default") : h("button", { class: "button button--small", type: "button", onclick: () => makeDefault(m) }, "Make default"),
            h("button", { class: "button button--small button--quiet", type: "button", "aria-label": `Remove ${cardName(m)}`, onclick: () => remove(m) }, "Remove"),
          ),
        ),
      )
    : h("p", { class: "muted" }, "No card saved. Save one to pay in one click and to turn on autopay.");
  return h(
    "section",
    { class: "card", "aria-labelledby": "methods-title" },
    h(
      "div",
      { class: "card__body stack" },
      h("div", { class: "section-head" }, h("h2", { class: "section-title", id: "methods-title" }, "Payment methods"), h("button", { class: "button", type: "button", onclick: add }, "Add a card")),
      list,
      autopayControl(account, reload),
    ),
  );
}

/** The autopay switch and when it charges. */
function autopayControl(account, reload) {
  const hasDefault = account.paymentMethods.some((m) => m.isDefault);
  const toggle = h("input", { type: "checkbox", role: "switch", checked: account.autopay, disabled: !hasDefault && !account.autopay, id: "autopay-switch" });
  const timing = select(
    [
      ["ON_ISSUE", "As soon as an invoice is issued"],
      ["ON_DUE_DATE", "On each invoice's due date"],
    ],
    account.autopayTiming,
    { disabled: !account.autopay },
  );
  const save = async (enabled, when) => {
    toggle.disabled = timing.disabled = true;
    try {
      await mutate(AUTOPAY, { accountId: account.id, enabled, timing: when }, "setAutopay");
      toast(enabled ? "Autopay is on: invoices are charged to your default card." : "Autopay is off.");
    } catch (error) {
      toast(error.message, "error");
    }
    await reload();
  };
  toggle.addEventListener("change", () => save(toggle.checked, timing.value));
  timing.addEventListener("change", () => save(true, timing.value));
  const defaultCard = account.paymentMethods.find((m) => m.isDefault);
  return h(
    "div",
    { class: "autopay" },
    h("label", { class: "switch", for: "autopay-switch" }, toggle, h("span", {}, h("strong", {}, "Autopay"), h("span", { class: "muted" }, defaultCard ? ` — charges ${cardName(defaultCard)}` : " — save a card first"))),
    field("Charge invoices", timing),
    h("p", { class: "muted" }, "A declined charge is tried again over the following days, and we email you a link to pay."),
  );
}

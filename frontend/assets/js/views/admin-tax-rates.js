// Admin: tax rates by country and region (a US state, a Canadian province). Invoices take
// the rate of the account's billing region, else its country, else the account's own rate;
// EU business buyers with a VAT id are reverse charged (docs/billing.md, "Tax").
import { graphql, mutate } from "../api.js";
import { alertBox, confirmDialog, emptyState, errorState, field, formatPercent, h, loading, pageHead, showFieldErrors, table, toast } from "../ui.js";
import { adminNav } from "./admin.js";

const RATES = `query TaxRates { taxRates { id country region name ratePercent } }`;
const SET = `mutation SetTaxRate($country: String!, $region: String!, $name: String!, $rate: Decimal!) {
  setTaxRate(input: { country: $country, region: $region, name: $name, ratePercent: $rate }) {
    taxRate { id country region name ratePercent } userErrors { field message code } } }`;
const DELETE = `mutation DeleteTaxRate($id: ID!) { deleteTaxRate(input: { taxRateId: $id }) { userErrors { field message code } } }`;

export function render({ session }) {
  document.title = "Tax rates · Admin · Recur";
  const list = h("div", { class: "card" }, loading("Loading tax rates", 3));
  async function load() {
    try {
      const { taxRates } = await graphql(RATES);
      list.replaceChildren(rates(taxRates, load));
    } catch (error) {
      list.replaceChildren(errorState(error, load));
    }
  }
  load();
  return h(
    "section",
    { "aria-labelledby": "page-title" },
    pageHead("Tax rates", "The tax invoices charge, by the buyer's billing country or region. Issued invoices keep theirs; every change is in the audit log."),
    adminNav("/admin/tax-rates", session.viewer.role),
    h("div", { class: "stack-lg" }, list, rateForm(load)),
  );
}

function rates(rows, reload) {
  if (!rows.length) return h("div", { class: "card__body" }, emptyState("No tax rates yet", "Invoices charge each account's own rate until you add the rate of its country or region."));
  return table(
    [
      { label: "Country", cell: (r) => r.country },
      { label: "Region", cell: (r) => r.region || h("span", { class: "muted" }, "Whole country") },
      { label: "Tax", cell: (r) => r.name },
      { label: "Rate", numeric: true, cell: (r) => formatPercent(r.ratePercent) },
      {
        label: "Remove",
        hideLabel: true,
        cell: (r) => h("button", { class: "button button--quiet button--small", type: "button", "aria-label": `Remove ${r.name} of ${where(r)}`, onclick: () => remove(r, reload) }, "Remove"),
      },
    ],
    rows,
    { caption: "Tax rates", stack: true },
  );
}

const where = (r) => (r.region ? `${r.country}-${r.region}` : r.country);

async function remove(rate, reload) {
  const ok = await confirmDialog({
    title: `Remove ${rate.name} of ${where(rate)}?`,
    body: rate.region ? `Buyers billed in ${where(rate)} are charged ${rate.country}'s rate instead, if there is one.` : `Buyers billed in ${rate.country} are charged their account's own rate instead.`,
    confirm: "Remove rate",
  });
  if (!ok) return;
  try {
    await mutate(DELETE, { id: rate.id }, "deleteTaxRate");
    toast(`${rate.name} of ${where(rate)} removed.`);
    reload();
  } catch (error) {
    toast(error.message, "error");
  }
}

function rateForm(reload) {
  const input = (name, attributes = {}) => h("input", { type: "text", name, autocomplete: "off", ...attributes });
  const country = input("country", { maxlength: 2, style: "max-width: 6rem; text-transform: uppercase" });
  const region = input("region", { maxlength: 100 });
  const name = input("name", { maxlength: 100, placeholder: "VAT, GST, Sales tax" });
  const rate = input("ratePercent", { inputmode: "decimal", style: "max-width: 8rem" });
  const fields = {
    country: field("Country", country, "Two letters: US, DE, CA…"),
    region: field("Region (optional)", region, "A US state or Canadian province as billing addresses spell it (CA, ON). Empty: the whole country."),
    name: field("Tax name", name, "As invoices print it."),
    ratePercent: field("Rate (%)", rate, "0 to 100, at most four decimals."),
  };
  const problem = alertBox();
  const submit = h("button", { class: "button button--primary", type: "submit" }, "Save rate");
  const form = h("form", { class: "card__body stack", novalidate: true, "aria-labelledby": "rate-form-title" }, h("h2", { id: "rate-form-title" }, "Add or change a rate"), problem, h("div", { class: "form-grid" }, Object.values(fields)), h("div", { class: "actions" }, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem.show(null);
    submit.disabled = true;
    try {
      const { taxRate } = await mutate(SET, { country: country.value.trim(), region: region.value.trim(), name: name.value.trim(), rate: rate.value.trim() || "-1" }, "setTaxRate");
      showFieldErrors(null, fields);
      toast(`${taxRate.name} of ${where(taxRate)} is ${formatPercent(taxRate.ratePercent)} on invoices issued from now on.`);
      form.reset();
      reload();
    } catch (error) {
      if (!showFieldErrors(error, fields)) problem.show(error.message);
    } finally {
      submit.disabled = false;
    }
  });
  return h("div", { class: "card" }, form);
}

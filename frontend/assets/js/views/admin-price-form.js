// Admin: a new price for a product, with a live calculator. What a quantity costs, tier by
// tier, and the volume cliffs where buying more costs less all come from pricePreview: the
// server's pricing core, never arithmetic here (docs/administration.md, "Catalog").
import { graphql, mutate } from "../api.js";
import { alertBox, debounce, emptyState, errorState, field, formatMoney, h, loading, pageHead, path, select, table, toast } from "../ui.js";
import { adminNav } from "./admin.js";
import { cliffText } from "./admin-catalog.js";
import { AGGREGATION_LABEL, MODEL_LABEL, PERIOD_LABEL, USAGE_LABEL } from "./pricing.js";

const PRODUCT = `query PriceFormProduct($id: ID!) { product(id: $id) { id sku name kind } }`;
const PREVIEW = `query PricePreview($input: PriceSpecInput!, $quantity: Int!) {
  pricePreview(input: $input, quantity: $quantity) {
    amount { amount currency }
    breakdown { tier quantity unitAmount flatAmount amount { amount } }
    volumeCliffs { quantity amount { amount currency } fewer fewerAmount { amount } }
    userErrors { field message code }
  }
}`;
const ADD = `mutation AddPrice($input: AddPriceInput!) {
  addPrice(input: $input) { price { id } userErrors { field message code } }
}`;
const TIERED = ["TIERED", "VOLUME"];

export function render({ params, session, navigate }) {
  document.title = "New price · Admin · Recur";
  const root = h("div", {}, loading("Loading the product", 2));
  graphql(PRODUCT, { id: params.id })
    .then(({ product }) => root.replaceChildren(product ? form(product, session, navigate) : emptyState("Product not found", "There is no such product.", null, 1)))
    .catch((error) => root.replaceChildren(errorState(error)));
  return root;
}

function form(product, session, navigate) {
  document.title = `New price for ${product.name} · Admin · Recur`;
  const periods = product.kind === "ONE_TIME" ? ["ONE_TIME"] : ["MONTH", "YEAR"];
  const controls = {
    currency: h("input", { value: "USD", maxlength: 3, autocomplete: "off", style: "text-transform:uppercase" }),
    billingPeriod: select(periods.map((p) => [p, PERIOD_LABEL[p]]), periods[0]),
    model: select(Object.entries(MODEL_LABEL), "TIERED"),
    unitAmount: h("input", { inputmode: "decimal", autocomplete: "off" }),
    usageType: select(Object.entries(USAGE_LABEL), "LICENSED"),
    aggregation: select(Object.entries(AGGREGATION_LABEL), "SUM"),
    packageSize: h("input", { type: "number", min: 1, step: 1, value: 1, inputmode: "numeric", class: "input--qty" }),
  };
  const fields = {
    currency: field("Currency", controls.currency, "ISO 4217 code, e.g. USD, EUR, JPY."),
    billingPeriod: field("Billing", controls.billingPeriod),
    ...(product.kind === "ONE_TIME" ? {} : { usageType: field("Charged on", controls.usageType, "Measured usage is billed when each period ends.") }),
    model: field("Model", controls.model),
    unitAmount: field("Amount", controls.unitAmount, "Per period (flat) or per unit; up to 6 decimals."),
    aggregation: field("Usage counted as", controls.aggregation, "How a period's records make one quantity: all added, the highest, or the latest."),
    packageSize: field("Units per package", controls.packageSize, "1000 prices per 1,000 units; a part package counts whole."),
  };
  const tiers = tierEditor(() => update());
  const problem = alertBox();
  const quantity = h("input", { type: "number", min: 0, max: 1000000, step: 1, value: 10, class: "input--qty" });
  const quantityField = field("Quantity", quantity);
  const result = h("div", { class: "calculator__result", "aria-live": "polite" });
  const save = h("button", { class: "button button--primary", type: "submit" }, "Add price");

  /** The price as the API takes it: amounts as the exact strings typed. */
  function spec() {
    const input = { currency: controls.currency.value.trim().toUpperCase(), model: controls.model.value };
    if (TIERED.includes(input.model)) input.tiers = tiers.values();
    else input.unitAmount = controls.unitAmount.value.trim() || null;
    return input;
  }

  /** How it is charged, for a subscription product: licensed, or metered with its counting. */
  function usage() {
    if (!metered()) return { usageType: "LICENSED" };
    return { usageType: "METERED", aggregation: controls.aggregation.value, packageSize: Number(controls.packageSize.value) || 0 };
  }
  const metered = () => product.kind !== "ONE_TIME" && controls.usageType.value === "METERED";

  /** Each userError under its field: ["input", "tiers", "2", "upTo"] → tier 3's "Up to". */
  function showErrors(userErrors, focus) {
    const byPath = new Map(userErrors.filter((e) => e.field).map((e) => [e.field.slice(1).join("."), e.message]));
    const all = { ...fields, ...tiers.fields() };
    for (const [key, element] of Object.entries(all)) element.showError(byPath.get(key) ?? null);
    tiers.showError(byPath.get("tiers") ?? null);
    const unplaced = userErrors.filter((e) => !e.field || !(e.field.slice(1).join(".") in all || e.field.slice(1).join(".") === "tiers"));
    problem.show(unplaced.map((e) => e.message).join(" ") || null);
    if (focus) document.querySelector('[aria-invalid="true"]')?.focus();
  }

  let request = 0;
  async function calculate() {
    const mine = ++request;
    if (localErrors().length) {
      result.replaceChildren(h("span", { class: "calculator__note" }, "Fill in every tier to see what it costs."));
      return;
    }
    try {
      const { pricePreview } = await graphql(PREVIEW, { input: spec(), quantity: Number(quantity.value) || 0 });
      if (mine !== request) return;
      showErrors(pricePreview.userErrors, false);
      result.replaceChildren(...(pricePreview.amount ? preview(pricePreview, quantity.value, metered() ? Number(controls.packageSize.value) || 1 : null) : [h("span", { class: "calculator__note" }, "Fix the highlighted fields to see what it costs.")]));
    } catch (error) {
      if (mine === request) result.replaceChildren(h("span", { class: "text-danger" }, error.message));
    }
  }
  const update = debounce(calculate, 250);
  const localErrors = () => (TIERED.includes(controls.model.value) ? tiers.localErrors() : []);

  function showModel() {
    const tiered = TIERED.includes(controls.model.value);
    fields.unitAmount.hidden = tiered;
    tiers.element.hidden = !tiered;
    fields.aggregation.hidden = fields.packageSize.hidden = !metered();
    quantityField.querySelector("label").textContent = metered() && Number(controls.packageSize.value) > 1 ? "Packages" : "Quantity";
  }
  controls.model.addEventListener("change", () => { showModel(); update(); });
  controls.usageType.addEventListener("change", () => { showModel(); update(); });
  controls.packageSize.addEventListener("input", () => { showModel(); update(); });
  for (const control of [controls.currency, controls.unitAmount, quantity]) control.addEventListener("input", update);
  showModel();
  calculate();

  const element = h(
    "form",
    { class: "product-layout", novalidate: true },
    h("div", { class: "card" }, h("div", { class: "card__body stack" }, problem, h("div", { class: "price-fields" }, Object.values(fields)), tiers.element, h("div", { class: "actions" }, h("a", { class: "button", href: path("/admin/catalog", product.id) }, "Cancel"), save))),
    h("aside", { class: "card", "aria-labelledby": "calculator-title" }, h("div", { class: "card__body calculator" }, h("h2", { id: "calculator-title", class: "section-title" }, "Calculator"), quantityField, result)),
  );
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    const local = localErrors();
    if (local.length) return showErrors(local, true);
    save.disabled = true;
    try {
      await mutate(ADD, { input: { ...spec(), ...usage(), productId: product.id, billingPeriod: controls.billingPeriod.value } }, "addPrice");
      toast("Price added.");
      navigate(path("/admin/catalog", product.id));
    } catch (error) {
      showErrors(error.userErrors?.length ? error.userErrors : [{ field: null, message: error.message }], true);
    } finally {
      save.disabled = false;
    }
  });
  return h(
    "section",
    { "aria-labelledby": "page-title" },
    pageHead(`New price: ${product.name}`, "A price is never edited once added: to change it later, archive it and add another."),
    adminNav("/admin/catalog", session.viewer.role),
    h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, h("a", { href: "/admin/catalog" }, "Catalog"), " / ", h("a", { href: path("/admin/catalog", product.id) }, product.name), " / New price"),
    element,
  );
}

/** The calculator's answer: the total, how each tier makes it, and any volume cliff. */
function preview(answer, quantity, packageSize = null) {
  const currency = answer.amount.currency;
  const cliffs = answer.volumeCliffs.map((c) => h("p", { class: "notice notice--warn", role: "alert" }, cliffText(c), " Buyers would rather order more: add a flat fee to the cheaper band to bridge it."));
  const breakdown = answer.breakdown.length
    ? table(
        [
          { label: "Tier", cell: (c) => String(c.tier) },
          { label: "Units", cell: (c) => c.quantity.toLocaleString(), numeric: true },
          { label: "Amount", cell: (c) => formatMoney(c.amount.amount, currency), numeric: true },
        ],
        answer.breakdown,
        { caption: "How the amount is made" },
      )
    : null;
  return [
    h("span", { class: "calculator__note" }, packageSize > 1 ? `${Number(quantity).toLocaleString()} packages (${(Number(quantity) * packageSize).toLocaleString()} units) used in one period` : `${Number(quantity).toLocaleString()} for one period`),
    h("span", { class: "calculator__total", "data-testid": "calculator-total" }, formatMoney(answer.amount.amount, currency)),
    breakdown,
    ...cliffs,
  ].filter(Boolean);
}

/** Rows of tiers: "up to" (the last row open), unit amount and flat fee, added and removed. */
function tierEditor(onChange) {
  const rows = [];
  const list = h("div", { class: "stack" });
  const error = h("p", { class: "field__error", hidden: true });
  const element = h("fieldset", { class: "tiers" }, h("legend", {}, "Tiers"), error, list, h("button", { class: "button button--small tiers__add", type: "button", onclick: () => { add(); onChange(); } }, "Add tier"));

  function add(upTo = "", unit = "", flat = "") {
    const controls = {
      upTo: h("input", { type: "number", min: 1, step: 1, value: upTo, inputmode: "numeric" }),
      unitAmount: h("input", { inputmode: "decimal", value: unit, autocomplete: "off" }),
      flatAmount: h("input", { inputmode: "decimal", value: flat, autocomplete: "off", placeholder: "0" }),
    };
    const row = { controls, fields: { upTo: field("Up to", controls.upTo), unitAmount: field("Unit amount", controls.unitAmount), flatAmount: field("Flat fee", controls.flatAmount) } };
    const remove = h("button", { class: "button button--small button--quiet", type: "button", onclick: () => { rows.splice(rows.indexOf(row), 1); row.element.remove(); relabel(); onChange(); } }, "Remove");
    row.remove = remove;
    row.element = h("div", { class: "tier-row" }, h("div", { class: "tier-row__head" }, h("span", { class: "tier-row__name" }), remove), h("div", { class: "tier-row__fields" }, Object.values(row.fields)));
    for (const control of Object.values(controls)) control.addEventListener("input", onChange);
    rows.push(row);
    list.append(row.element);
    relabel();
  }

  /** The last tier is open: its "up to" reads "and up" and is not sent. */
  function relabel() {
    rows.forEach((row, i) => {
      const last = i === rows.length - 1;
      const upTo = row.controls.upTo;
      if (last && !upTo.disabled) [row.keptUpTo, upTo.value] = [upTo.value, ""];
      if (!last && upTo.disabled) upTo.value = row.keptUpTo ?? "";
      upTo.disabled = last;
      upTo.placeholder = last ? "and up" : "";
      row.element.querySelector(".tier-row__name").textContent = `Tier ${i + 1}`;
      row.remove.hidden = rows.length === 1;
      row.element.setAttribute("role", "group");
      row.element.setAttribute("aria-label", `Tier ${i + 1}`);
    });
  }

  add("10", "", "");
  add("", "", "");
  return {
    element,
    values: () =>
      rows.map((row, i) => ({
        upTo: i === rows.length - 1 || row.controls.upTo.value === "" ? null : Number(row.controls.upTo.value),
        unitAmount: row.controls.unitAmount.value.trim(),
        flatAmount: row.controls.flatAmount.value.trim() || "0",
      })),
    /** Problems the API could not name by field (a blank or non-whole entry). */
    localErrors: () =>
      rows.flatMap((row, i) => [
        row.controls.unitAmount.value.trim() ? null : { field: ["input", "tiers", String(i), "unitAmount"], message: "Give an amount." },
        i < rows.length - 1 && !/^\d+$/.test(row.controls.upTo.value) ? { field: ["input", "tiers", String(i), "upTo"], message: "Give the tier's last unit, a whole number." } : null,
      ]).filter(Boolean),
    fields: () => Object.fromEntries(rows.flatMap((row, i) => Object.entries(row.fields).map(([name, f]) => [`tiers.${i}.${name}`, f]))),
    showError: (message) => {
      error.textContent = message || "";
      error.hidden = !message;
    },
  };
}

// Admin: the business settings — the approval threshold and the renewal uplift new
// subscriptions start with. Staff read them; admins change them here (audited).
import { graphql, mutate } from "../api.js";
import { alertBox, errorState, field, formatDateTime, formatPercent, h, loading, pageHead, recheckOnInput, showFieldErrors, toast } from "../ui.js";
import { adminNav } from "./admin.js";

const SETTINGS = `query Settings { settings { approvalThresholdPercent defaultRenewalUpliftPercent updatedAt } }`;
const UPDATE = `mutation UpdateSettings($threshold: Decimal, $uplift: Decimal) {
  updateSettings(input: { approvalThresholdPercent: $threshold, defaultRenewalUpliftPercent: $uplift }) {
    settings { approvalThresholdPercent defaultRenewalUpliftPercent updatedAt } userErrors { field message code } } }`;
const PERCENT = /^\d{1,3}(\.\d{1,2})?$/;

export function render({ session }) {
  document.title = "Settings · Admin · Recur";
  const body = h("div", { class: "card" }, loading("Loading settings", 1));
  async function load() {
    try {
      const { settings } = await graphql(SETTINGS);
      body.replaceChildren(form(settings));
    } catch (error) {
      body.replaceChildren(errorState(error, load));
    }
  }
  load();
  return h(
    "section",
    { "aria-labelledby": "page-title" },
    pageHead("Settings", "The rules quotes and subscriptions follow. Every change is recorded in the audit log."),
    adminNav("/admin/settings", session.viewer.role),
    body,
  );
}

/** A settings percentage's problem, or null: 0 to 100 with at most two decimals. */
function percentProblem(value) {
  return PERCENT.test(value) && Number(value) <= 100 ? null : "Enter a percentage from 0 to 100, with at most two decimals (like 20 or 12.5).";
}

function form(settings) {
  const threshold = h("input", { type: "text", inputmode: "decimal", name: "approvalThresholdPercent", value: settings.approvalThresholdPercent, autocomplete: "off", style: "max-width: 10rem" });
  const uplift = h("input", { type: "text", inputmode: "decimal", name: "defaultRenewalUpliftPercent", value: settings.defaultRenewalUpliftPercent, autocomplete: "off", style: "max-width: 10rem" });
  const fields = {
    approvalThresholdPercent: field("Approval threshold (%)", threshold, "A discount above this, or an amendment taking more than this share off a contract, needs a manager's approval."),
    defaultRenewalUpliftPercent: field("Default renewal uplift (%)", uplift, "New subscriptions start with this uplift: each automatic renewal raises their prices by it. Existing subscriptions keep theirs."),
  };
  for (const element of Object.values(fields)) recheckOnInput(element, percentProblem);
  const problem = alertBox();
  const saved = h("p", { class: "muted", role: "status" }, updated(settings));
  const submit = h("button", { class: "button button--primary", type: "submit" }, "Save settings");
  const element = h("form", { class: "card__body stack", novalidate: true, "aria-label": "Settings" }, problem, Object.values(fields), h("div", { class: "actions" }, submit), saved);
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem.show(null);
    const values = { approvalThresholdPercent: threshold.value.trim(), defaultRenewalUpliftPercent: uplift.value.trim() };
    const local = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, percentProblem(value)]));
    if (Object.values(local).some(Boolean)) {
      showFieldErrors({ fieldMessage: (name) => local[name] ?? null, userErrors: [] }, fields);
      return;
    }
    submit.disabled = true;
    try {
      const result = await mutate(UPDATE, { threshold: values.approvalThresholdPercent, uplift: values.defaultRenewalUpliftPercent }, "updateSettings");
      showFieldErrors(null, fields);
      const now = result.settings;
      threshold.value = now.approvalThresholdPercent;
      uplift.value = now.defaultRenewalUpliftPercent;
      saved.textContent = updated(now);
      const renewals = Number(now.defaultRenewalUpliftPercent) ? `renew ${formatPercent(now.defaultRenewalUpliftPercent)} higher` : "renew at the same prices";
      toast(`Settings saved: discounts above ${formatPercent(now.approvalThresholdPercent)} need approval; new subscriptions ${renewals}.`);
    } catch (error) {
      if (!showFieldErrors(error, fields)) problem.show(error.message);
    } finally {
      submit.disabled = false;
    }
  });
  return element;
}

function updated(settings) {
  return settings.updatedAt ? `Last changed ${formatDateTime(settings.updatedAt)}.` : "The defaults apply: no admin has changed these yet.";
}
